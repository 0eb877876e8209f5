"""Product graph: find a product, draw its neighbourhood, and inspect the asymmetry of co-purchase.

URL state: ``?dataset=SPEC&product=ID&hops=K&max_nodes=N`` plus the graph thresholds.
"""

import pandas as pd
import streamlit as st

from pages import graph_ui, ui
from recsys_core.data import DatasetError
from recsys_core.figures import degree_distribution_figure, degree_scatter_figure, ego_html

TABLE_ROWS = 200
SEARCH_RESULTS = 50

st.title("Product graph")
dataset = ui.current_dataset()
params = graph_ui.threshold_controls(graph_ui.params_from_url())
try:
    graph = graph_ui.current_graph(dataset, params)
except DatasetError as error:
    st.error(f"Cannot build the product graph: {error}")
    st.stop()

degrees = graph.degrees()
titles = graph.products["title"]
if graph.info.get("coview_is_proxy"):
    st.caption("Co-view here is a **proxy**: " + ui.markdown_text(graph.info.get("coview_description", "")))


def _url_int(key: str, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(st.query_params.get(key, default))))
    except ValueError:
        return default


def _label(product_id: str) -> str:
    return f"{titles.get(product_id, product_id)} — {product_id}"


def _set_product(product_id: str) -> None:
    st.query_params["product"] = product_id


# ------------------------------------------------------------------ choose a product
requested = st.query_params.get("product")
if requested is not None and requested not in graph:
    st.error(f"Product {ui.markdown_text(repr(requested))} from the URL is not in dataset "
             f"{ui.markdown_text(repr(graph.name))}. Search for a product by id or title below.")
    requested = None

search = st.text_input("Find a product by id or title", key="product_search",
                       placeholder="type part of a title, or an exact product id")
ranked = degrees.assign(total=degrees["in_degree"] + degrees["out_degree"] + degrees["coview_degree"])
if search.strip():
    text = search.strip()
    exact = [text] if text in graph else []
    found = titles[titles.str.contains(text, case=False, regex=False, na=False)].index
    found = ranked.loc[found].sort_values("total", ascending=False).index[:SEARCH_RESULTS]
    options = list(dict.fromkeys(exact + list(found)))
    if not options:
        st.warning(f"No product id or title contains {ui.markdown_text(repr(text))}; "
                   "try a shorter part of the title.")
else:
    options = list(ranked.sort_values("total", ascending=False).index[:SEARCH_RESULTS])
if requested is not None and requested not in options and not search.strip():
    options = [requested] + options
# Without a product in the URL, the most connected product is shown, unless a search is open.
if requested is not None:
    product = requested
elif options and not search.strip():
    product = options[0]
else:
    product = None
picker_key = f"product_pick:{hash((tuple(options), product))}"
st.selectbox(
    "Product", options, index=options.index(product) if product in options else None,
    format_func=_label, key=picker_key, placeholder="choose a product from the matches",
    on_change=lambda: _set_product(st.session_state[picker_key]),
    help="Matches of the search, most connected first; without a search, the most connected products.",
)
if product is None:
    st.info("Pick a product to see its neighbourhood.")
    st.stop()
if requested is None:
    st.query_params["product"] = product

row = graph.products.loc[product]
st.subheader(ui.markdown_text(row["title"]))
facts = [f"id {product}"] + [f"{field} {row[field]}" for field in ("brand", "type", "category") if row.get(field)]
if pd.notna(row.get("price")):
    facts.append(f"price {row['price']:.2f}")
st.caption(ui.markdown_text(" · ".join(facts)))

out_edges, in_edges, coview_edges = graph.out_neighbors(product), graph.in_neighbors(product), graph.coview_neighbors(product)
reciprocal = out_edges["product_id"].isin(set(in_edges["product_id"])).sum()
columns = st.columns(4)
columns[0].metric("Out-degree", len(out_edges), help="Co-purchase edges leaving this product: a → b")
columns[1].metric("In-degree", len(in_edges), help="Co-purchase edges arriving at this product: b → a")
columns[2].metric("Co-view degree", len(coview_edges), help="Products linked by a co-view edge (bidirected)")
columns[3].metric("Reciprocated out-edges", f"{reciprocal} of {len(out_edges)}",
                  help="Out-edges a → b whose reverse b → a is also a co-purchase edge")

# ------------------------------------------------------------------ neighbourhood graph
left, right = st.columns(2)
hops = left.slider("Hops", 1, 3, _url_int("hops", 1, 1, 3), help="Steps over any edge from the product")
max_nodes = right.slider("Max products drawn", 5, 150, _url_int("max_nodes", 40, 5, 150),
                         help="The strongest edges are followed first; the rest are left out")
st.query_params["hops"] = str(hops)
st.query_params["max_nodes"] = str(max_nodes)
ego = graph.ego(product, hops=hops, max_nodes=max_nodes)
if ego.capped:
    st.caption(f"{len(ego.nodes)} of {ego.total_nodes:,} products within {hops} hop(s) shown, strongest edges first.")
else:
    st.caption(f"All {ego.total_nodes:,} products within {hops} hop(s) shown.")
st.iframe(ego_html(graph, ego, height=540), height=600, alt="Neighbourhood graph of the selected product")
ego_table = ego.edges.assign(src_title=ego.edges["src"].map(titles), dst_title=ego.edges["dst"].map(titles))
with st.expander("Edges drawn"):
    ui.show_table(ego_table, f"edges-{product}-{hops}hop", hide_index=True)


# ------------------------------------------------------------------ neighbour tables
def neighbour_table(edges: pd.DataFrame, direction: str) -> pd.DataFrame:
    table = edges.copy()
    table["title"] = table["product_id"].map(titles)
    table["brand"] = table["product_id"].map(graph.products["brand"])
    if direction == "out":
        table["reverse edge exists"] = table["product_id"].map(lambda other: graph.has_copurchase(other, product))
    else:
        table["reverse edge exists"] = table["product_id"].map(lambda other: graph.has_copurchase(product, other))
    coview = set(coview_edges["product_id"])
    table["co-viewed too"] = table["product_id"].isin(coview)
    return table[["product_id", "title", "brand", "weight", "reverse edge exists", "co-viewed too"]]


def show_neighbours(table: pd.DataFrame, file_stem: str, weight_help: str, reverse_help: str) -> None:
    if table.empty:
        st.caption("None.")
        return
    if len(table) > TABLE_ROWS:
        st.caption(f"{TABLE_ROWS} of {len(table):,} shown; the download holds all of them.")
    config = {"weight": st.column_config.NumberColumn(help=weight_help, format="%.3f")}
    if "co-viewed too" in table:
        config["co-viewed too"] = st.column_config.CheckboxColumn(help="Also linked to the selected product by co-view")
    if "reverse edge exists" in table:
        config["reverse edge exists"] = st.column_config.CheckboxColumn(help=reverse_help)
    st.dataframe(table.head(TABLE_ROWS), hide_index=True, column_config=config)
    ui.download_table(table, file_stem, key=f"download-{file_stem}")


weight_help = ("Edge weight: P(b | a) for edges derived from baskets; 1 / (1 + position in the source list) "
               "for listed edges")
left, right = st.columns(2)
with left:
    st.markdown(f"**Out-neighbours** ({len(out_edges):,}): this product → b")
    show_neighbours(neighbour_table(out_edges, "out"), f"out-neighbours-{product}", weight_help,
                    "Whether b → this product is also a co-purchase edge")
with right:
    st.markdown(f"**In-neighbours** ({len(in_edges):,}): a → this product")
    show_neighbours(neighbour_table(in_edges, "in"), f"in-neighbours-{product}", weight_help,
                    "Whether this product → a is also a co-purchase edge")
coview_label = "Co-view proxy neighbours" if graph.info.get("coview_is_proxy") else "Co-view neighbours"
st.markdown(f"**{coview_label}** ({len(coview_edges):,})")
coview_table = coview_edges.assign(title=coview_edges["product_id"].map(titles))[["product_id", "title", "weight"]]
show_neighbours(coview_table, f"coview-neighbours-{product}",
                "Co-view weight: Jaccard similarity of buyer sets for the proxy, 1 / (1 + list position) for listed edges",
                "")

# ------------------------------------------------------------------ asymmetry panel
st.subheader("Asymmetry of co-purchase")
stats = graph.stats()
columns = st.columns(4)
columns[0].metric("Reciprocity", f"{stats['reciprocity']:.2f}",
                  help="Share of co-purchase edges a → b whose reverse b → a is also an edge")
columns[1].metric("One-way share", f"{stats['one_way_share']:.2f}",
                  help="One-way pairs over all linked pairs; a one-way pair is linked in one direction only")
columns[2].metric("One-way pairs", f"{stats['one_way_pairs']:,}", help="Unordered pairs linked in one direction only")
columns[3].metric("Two-way pairs", f"{stats['two_way_pairs']:,}", help="Unordered pairs linked in both directions")

if stats["edges"]["co-purchase"] == 0:
    st.info("This graph has no co-purchase edges, so there is no asymmetry to plot. "
            + ui.markdown_text(graph.info.get("copurchase_description", "")))
    st.stop()

left, right = st.columns(2)
with left:
    scatter = degree_scatter_figure(degrees, titles, highlight=product)
    event = st.plotly_chart(scatter, on_select="rerun", selection_mode="points", key="degree_scatter",
                            width="stretch")
    points = event.selection.points if event and event.selection else []
    picked = str(points[0]["customdata"][0]) if points and points[0].get("customdata") else None
    if picked and picked != st.session_state.get("scatter_handled") and picked in graph:
        st.session_state["scatter_handled"] = picked
        if picked != product:
            _set_product(picked)
            st.rerun()
with right:
    st.plotly_chart(degree_distribution_figure(stats["degree_distribution"], bool(stats["coview_is_proxy"])),
                    width="stretch")
