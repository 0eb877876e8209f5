"""Overview: what the selected dataset contains, where it came from, and what was dropped."""

import json

import pandas as pd
import plotly.express as px
import streamlit as st

from pages import graph_ui, ui
from recsys_core.data import TABLES, DatasetError

st.title("Overview")
dataset = ui.current_dataset()
description = dataset.info.get("description") or f"Dataset {dataset.name}"
st.markdown(ui.markdown_text(description))
st.caption(f"Spec: {ui.current_spec()}")

# ------------------------------------------------------------------ counts
products, orders = dataset.products, dataset.orders
columns = st.columns(5)
columns[0].metric("Products", f"{len(products):,}", help="Rows of the products table, one per unique product_id")
if orders is not None:
    columns[1].metric("Orders", f"{len(orders):,}", help="Rows of the orders table: one product bought by one customer at one time")
    columns[2].metric("Customers", f"{orders['customer_id'].nunique():,}", help="Distinct customer_id values in orders")
    if "basket_id" in orders:
        columns[3].metric("Baskets", f"{orders['basket_id'].nunique():,}", help="Distinct basket_id values: one per checkout")
    start, end = orders["timestamp"].min(), orders["timestamp"].max()
    columns[4].metric("Date range", f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
                      help="Earliest and latest order timestamp")
else:
    columns[1].metric("Orders", "none", help="This dataset has no orders table, so it has no date range")

try:
    graph = graph_ui.current_graph(dataset, graph_ui.params_from_url())
except DatasetError as error:
    st.error(f"Cannot build the product graph: {error}")
    graph = None
if graph is not None:
    stats = graph.stats()
    columns = st.columns(4)
    columns[0].metric("Co-purchase edges", f"{stats['edges']['co-purchase']:,}",
                      help="Directed edges a → b: customers who bought a also bought b. "
                           + graph.info.get("copurchase_description", ""))
    coview_label = "Co-view edges (proxy)" if stats["coview_is_proxy"] else "Co-view edges"
    columns[1].metric(coview_label, f"{stats['edges']['co-view']:,}",
                      help="Directed pairs as the source lists them; the graph uses each pair in both directions. "
                           + graph.info.get("coview_description", ""))
    columns[2].metric("Reciprocity", f"{stats['reciprocity']:.2f}",
                      help="Share of co-purchase edges a → b whose reverse b → a is also an edge")
    columns[3].metric("Products without edges", f"{stats['products_without_edges']:,}",
                      help="Products with no co-purchase edge in either direction and no co-view edge")
    if stats["coview_is_proxy"]:
        st.info(ui.markdown_text(graph.info["coview_description"]))

# ------------------------------------------------------------------ tables present
st.subheader("Tables")
rows = []
for name, schema in TABLES.items():
    table = dataset.table(name)
    rows.append({
        "table": name,
        "present": table is not None,
        "rows": 0 if table is None else len(table),
        "columns": ", ".join(column.name for column in schema),
    })
ui.show_table(pd.DataFrame(rows), "tables", hide_index=True, column_config={
    "present": st.column_config.CheckboxColumn("present", help="Whether the dataset provides this table"),
    "rows": st.column_config.NumberColumn("rows", help="Number of rows after validation and dropping"),
    "columns": st.column_config.TextColumn("schema columns", help="Columns the schema defines for this table"),
})

# ------------------------------------------------------------------ categories
st.subheader("Top categories")
category = products["category"].where(products["category"] != "", "(no category)")
counts = category.value_counts().head(15).rename_axis("category").reset_index(name="products")
if orders is not None:
    units = orders.groupby("product_id")["quantity"].sum()
    counts["units sold"] = counts["category"].map(
        units.groupby(products.set_index("product_id")["category"].reindex(units.index)).sum()).fillna(0).astype(int)
left, right = st.columns([3, 2])
with left:
    figure = px.bar(counts.iloc[::-1], x="products", y="category", orientation="h", height=420,
                    hover_data={"products": ":,"})
    figure.update_traces(hovertemplate="%{y}<br>%{x:,} products in this category<extra></extra>")
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=None)
    st.plotly_chart(figure, width="stretch")
with right:
    ui.show_table(counts, "top-categories", hide_index=True, column_config={
        "products": st.column_config.NumberColumn(help="Products whose category is this value"),
        "units sold": st.column_config.NumberColumn(help="Sum of order quantities of the category's products"),
    })

# ------------------------------------------------------------------ provenance notes
st.subheader("Notes on the data")
notes = list(dataset.info.get("notes", []))
for table_name, count in dataset.info.get("dropped", {}).items():
    notes.append(f"{table_name}: {count:,} rows dropped because they name unknown products or link a product to itself")
for key in ("source", "price_note"):
    if dataset.info.get(key):
        notes.append(f"{key.replace('_', ' ')}: {dataset.info[key]}")
if graph is not None:
    notes.append(f"co-purchase: {graph.info.get('copurchase_description', '')}")
    notes.append(f"co-view: {graph.info.get('coview_description', '')}")
    for provenance, count in graph.stats()["excluded_edges"].items():
        notes.append(f"{provenance}: {count:,} listed edges kept out of the co-purchase relation "
                     "(Amazon bundles mostly repeat also_bought)")
if notes:
    st.markdown("\n".join(f"- {ui.markdown_text(note)}" for note in notes))
else:
    st.caption("The loader recorded no notes for this dataset.")

st.subheader("Products")
st.caption(f"First 500 of {len(products):,} products; the download holds all of them.")
preview = products.head(500).assign(attributes=products["attributes"].head(500).map(json.dumps))
st.dataframe(preview, hide_index=True)
ui.download_table(products, "products", label="Download all products (CSV)")
