"""Demo world: what the simulator plants, its parameters, and how well the tables recover it."""

import pandas as pd
import streamlit as st

from pages import ui
from recsys_core.data import demo, demo_checks, folder
from recsys_core.data.demo_catalog import load_catalog
from recsys_core.data.demo_figures import country_type_table, cycle_figure, tagged_query_html

st.title("Demo world")
st.markdown(
    "A small, familiar world with known answers. The **catalog** in `data/demo` is written by this project: "
    "real product lines (phones, cases, chargers, laptops, coffee machines and pods, diapers, pet food...) with "
    "their attributes, and the rules of the world as data: which product types complement which, which brands "
    "substitute for each other, which countries sell what, and how often consumables run out. The "
    "**simulator** lets shoppers in three countries search, click, buy and rebuy from a seed, so every model "
    "in the workbench can be checked against the answers it planted."
)


def _int_param(name: str, default: int, low: int, high: int) -> int:
    text = st.query_params.get(name, str(default))
    try:
        value = int(text)
    except ValueError:
        st.error(f"URL parameter {name}={text!r} is not an integer; using {default}.")
        return default
    if not low <= value <= high:
        st.error(f"URL parameter {name}={value} is outside {low}–{high}; using {default}.")
        return default
    return value


customers = _int_param("customers", demo.DEFAULT_CUSTOMERS, 1, demo.MAX_CUSTOMERS)
days = _int_param("days", demo.DEFAULT_DAYS, 30, demo.MAX_DAYS)
seed = _int_param("seed", demo.DEFAULT_SEED, 0, 2**31 - 1)

with st.form("demo-parameters"):
    st.markdown("**Parameters.** The same three values always give byte-identical tables.")
    columns = st.columns(3)
    new_customers = columns[0].number_input(
        "Customers", min_value=1, max_value=demo.MAX_CUSTOMERS, value=customers, step=100,
        help="Number of simulated shoppers. Below about 1,000, many planted product pairs get too few "
             "buyers to pass the co-purchase support threshold.")
    new_days = columns[1].number_input(
        "Days", min_value=30, max_value=demo.MAX_DAYS, value=days, step=30,
        help="Length of the simulated period in days, starting on " + demo.START_DATE + ".")
    new_seed = columns[2].number_input("Seed", min_value=0, max_value=2**31 - 1, value=seed, step=1,
                                       help="Random seed of the simulation.")
    if st.form_submit_button("Generate world", type="primary"):
        st.query_params.update({"customers": str(int(new_customers)), "days": str(int(new_days)),
                                "seed": str(int(new_seed))})
        st.rerun()
st.caption(f"The same from the command line: `recsys demo --customers {customers} --days {days} --seed {seed} "
           "--out FOLDER`, then `--dataset folder:FOLDER` in any command.")


@st.cache_resource(show_spinner=False, max_entries=4)
def _read_world(path: str):
    return folder.load(path), demo.read_truth(path)


try:
    # Not inside st.cache_*: a cached function would replay the progress bar of another session.
    # materialize reuses the folder on disk when the world was generated before.
    path = ui.run_with_progress(
        f"Generating the demo world ({customers:,} customers, {days} days, seed {seed})",
        lambda progress: demo.materialize(customers=customers, days=days, seed=seed, progress=progress))
    dataset, truth = _read_world(str(path))
except (ValueError, OSError) as error:
    st.error(f"Cannot generate the demo world: {error}. Change the parameters above.")
    st.stop()

is_default = (customers, days, seed) == (demo.DEFAULT_CUSTOMERS, demo.DEFAULT_DAYS, demo.DEFAULT_SEED)
spec = "demo" if is_default else f"folder:{path}"


def _use_world() -> None:
    # Runs as a callback, before the sidebar's widgets exist, so their state may change here.
    st.session_state["dataset_choice"] = spec if is_default else ui.CUSTOM_CHOICE
    if not is_default:
        st.session_state["dataset_spec"] = spec
    st.query_params["dataset"] = spec


st.button("Use this world in every page", on_click=_use_world,
          help=f"Selects the dataset spec {spec} in the sidebar, so the graph, repeat-purchase and search "
               "pages read this world.")

products = dataset.products
counts = dataset.info.get("counts", {})
checks = demo_checks.summary(dataset, truth)
titles = products.set_index("product_id")["title"]

columns = st.columns(5)
columns[0].metric("Products", f"{len(products):,}", help="Products in the curated catalog, new ones included")
columns[1].metric("Product types", f"{products['type'].nunique():,}", help="Distinct values of products.type")
columns[2].metric("Brands", f"{products['brand'].nunique():,}", help="Distinct values of products.brand")
columns[3].metric("Orders", f"{len(dataset.orders):,}", help="Rows of the orders table: one product bought once")
columns[4].metric("Search sessions", f"{counts.get('sessions', 0):,}",
                  help="Simulated sessions: one query, then clicks on matching products")
columns = st.columns(5)
columns[0].metric("Distinct queries", f"{checks['search_queries']:,}", help="Distinct query texts in the search log")
columns[1].metric("Co-purchase edges", f"{len(dataset.copurchase):,}",
                  help=dataset.info.get("copurchase_rule", "Directed edges derived from the simulated orders"))
columns[2].metric("Co-view edges", f"{len(dataset.coview):,}",
                  help=dataset.info.get("coview_rule", "Pairs of products clicked in the same session"))
columns[3].metric("Customers", f"{customers:,}", help="Simulated shoppers, each in one country")
columns[4].metric("New products", f"{len(truth.cold_start_products):,}",
                  help="Products with features but no orders, views or clicks (cold start)")

tabs = st.tabs(["Complements", "Substitutes", "Repurchase cycles", "Search queries", "Countries", "New products"])
catalog = load_catalog()

with tabs[0]:
    st.markdown(
        "Owners of a device later buy its complements, **never the reverse**: a phone, then a case that fits it. "
        "For each device and complement type one product is the planted favourite, bought by "
        f"{truth.params['planted_preference']:.0%} of the owners who buy that type. The co-purchase table is "
        "derived from the orders only, so the planted pairs should come back as one-way edges.")
    directions = demo_checks.complement_directions(dataset, truth)
    st.metric("Planted pairs found only in their planted direction",
              f"{checks['planted_direction_only_share']:.1%} of {checks['planted_complement_pairs']}",
              help="Share of planted pairs a → b where the co-purchase table has a → b and not b → a. "
                   + dataset.info.get("copurchase_rule", ""))
    example = truth.examples
    if example.get("case"):
        neighbours = dataset.copurchase[dataset.copurchase["src"] == example["phone"]]
        listed = "listed" if example["case"] in set(neighbours["dst"]) else "not listed"
        st.markdown(
            f"Example: **{ui.markdown_text(titles[example['phone']])}** → planted case "
            f"**{ui.markdown_text(titles[example['case']])}**, {listed} among its "
            f"{len(neighbours)} co-purchase out-neighbours.")
    relations = pd.DataFrame([{
        "device type": relation.src_type, "complement type": relation.dst_type,
        "probability": relation.probability,
        "delay (days)": f"{relation.delay_days[0]:g}–{relation.delay_days[1]:g}",
        "fits when": (f"complement {relation.match_to} = device {relation.match_from}"
                      if relation.match_to else "any product fits"),
    } for relation in catalog.complements])
    st.markdown("**Complement rules** (`data/demo/world.json`)")
    ui.show_table(relations, "demo-complement-rules", hide_index=True, column_config={
        "probability": st.column_config.NumberColumn(help="Chance that an owner buys this complement type at all"),
        "delay (days)": st.column_config.TextColumn(help="Days after the device purchase, drawn uniformly"),
    })
    pairs = directions.assign(src_title=directions["src"].map(titles), dst_title=directions["dst"].map(titles))
    st.markdown("**Planted pairs** and the edges the orders produced")
    ui.show_table(pairs[["src_title", "dst_title", "forward", "reverse", "support", "confidence", "src", "dst"]],
                  "demo-planted-pairs", hide_index=True, column_config={
                      "forward": st.column_config.CheckboxColumn(help="The co-purchase table has src → dst"),
                      "reverse": st.column_config.CheckboxColumn(help="The co-purchase table has dst → src"),
                      "support": st.column_config.NumberColumn(help="Customers who bought dst after src"),
                      "confidence": st.column_config.NumberColumn(
                          help="support / customers who bought src", format="%.3f"),
                  })

with tabs[1]:
    st.markdown(
        "Shoppers compare substitutes before they buy: every search session clicks products of **one type** "
        "that match the query (and fit the device the shopper owns), so co-view edges join substitutes. Brand "
        "substitutes and substitute types are declared as data and feed the search page's implicit attributes.")
    st.metric("Co-view edges between products of the same type", f"{checks['coview_same_type_share']:.1%}",
              help="Share of co-view edges whose two products have the same products.type")
    left, right = st.columns(2)
    with left:
        st.markdown("**Substitute brands**")
        ui.show_table(pd.DataFrame(truth.substitute_brands, columns=["brand", "substitute brand"]),
                      "demo-substitute-brands", hide_index=True)
    with right:
        st.markdown("**Substitute types**")
        ui.show_table(pd.DataFrame(truth.substitute_types, columns=["type", "substitute type"]),
                      "demo-substitute-types", hide_index=True)

with tabs[2]:
    st.markdown(
        "Each consumable has a planted log-normal cycle: ln(days between two purchases by the same customer) ~ "
        "N(μ, σ). Customers who buy it keep rebuying on that cycle until the period ends. The fit below is the "
        "maximum-likelihood log-normal with location 0: the mean and standard deviation of the log intervals. "
        "Long cycles come back a little short: an interval that would end after the last simulated day is never "
        "observed (right-censoring), just as in real order logs.")
    cycles = demo_checks.cycle_recovery(dataset, truth)
    st.metric("Consumables whose fitted μ is within 0.1 of the planted μ",
              f"{checks['consumables_mu_within_0_1']} of {checks['consumables_fitted']}",
              help="Counted over consumables with at least 30 simulated intervals")
    cycles.insert(1, "title", cycles["product_id"].map(titles))
    ui.show_table(cycles, "demo-cycles", hide_index=True, column_config={
        "mu": st.column_config.NumberColumn("μ planted", format="%.3f", help="Planted mean of ln(interval in days)"),
        "sigma": st.column_config.NumberColumn("σ planted", format="%.3f", help="Planted std of ln(interval)"),
        "mu_hat": st.column_config.NumberColumn("μ fitted", format="%.3f", help="Mean of ln(simulated intervals)"),
        "sigma_hat": st.column_config.NumberColumn("σ fitted", format="%.3f",
                                                   help="Standard deviation (ddof 0) of ln(simulated intervals)"),
        "intervals": st.column_config.NumberColumn(help="Simulated intervals of this product over all customers"),
        "mu_error": st.column_config.NumberColumn("|μ fitted − μ|", format="%.3f"),
        "median_days": st.column_config.NumberColumn("median days", format="%.1f", help="exp(μ planted)"),
    })
    if not cycles.empty:
        options = list(cycles["product_id"])
        best_observed = cycles.loc[cycles["intervals"].idxmax(), "product_id"]
        wanted = st.query_params.get("cycle_product", best_observed)
        chosen = st.selectbox("Consumable", options, index=options.index(wanted) if wanted in options else 0,
                              format_func=lambda product_id: titles[product_id])
        if chosen != st.query_params.get("cycle_product"):
            st.query_params["cycle_product"] = chosen
        intervals = demo_checks.repurchase_intervals(dataset.orders)
        row = cycles.set_index("product_id").loc[chosen]
        st.plotly_chart(cycle_figure(intervals.loc[intervals["product_id"] == chosen, "days"].to_numpy(),
                                     float(row["mu"]), float(row["sigma"]), titles[chosen]),
                        width="stretch")

with tabs[3]:
    st.markdown(
        "Each search session writes a query from the product the shopper wants: brand-only, type-only, model, "
        "attributes and type, 'case for iphone 8'... with aliases ('ps5'), country nouns ('nappies'), spelling "
        "('grey'), plurals, shuffled words, dropped words, typos and filler words. Every token carries its BIO "
        "tag, and clicks land only on products that match what the query states.")
    labelled = dataset.labelled_queries
    sample = labelled.sample(min(12, len(labelled)), random_state=seed)
    st.markdown("**Sample of tagged queries** (hover a token for its tag)")
    for row in sample.itertuples():
        st.html(f'<div style="margin:2px 0"><code>{ui.escape(row.country)}</code> '
                f"{tagged_query_html(list(row.tokens), list(row.tags))}</div>")
    query_truth = truth.query_truth.copy()
    for column in ("intents", "complement_types", "substitute_brands"):
        query_truth[column] = query_truth[column].map(lambda values: ", ".join(values))
    for column in ("intent_shares", "attributes", "implied"):
        query_truth[column] = query_truth[column].map(
            lambda mapping: "; ".join(f"{key}={value}" for key, value in mapping.items()))
    st.markdown("**Query truth**: intent by click share, stated attributes, attributes implied by every matching "
                "product, complement types of the intent and substitute brands")
    ui.show_table(query_truth, "demo-query-truth", hide_index=True, column_config={
        "intents": st.column_config.TextColumn(help="Types of the clicked products, most clicked first"),
        "implied": st.column_config.TextColumn(
            help="Attribute values shared by every product of the main intent that matches the query"),
    })

with tabs[4]:
    spaces = demo_checks.label_spaces(dataset)
    st.markdown(
        "Customers live in one of three countries. Each country sells its own set of product types (kettles "
        "only in GB, dryer sheets only in US and CA, tea bags in GB and CA) and some brands are local "
        "(Andrex, Fairy, PG Tips in GB), so the intent label spaces differ.")
    st.metric("Countries with their own label space", f"{checks['distinct_label_spaces']} of {checks['countries']}",
              help="Countries whose set of clicked product types differs from every other country's")
    ui.show_table(country_type_table(truth, spaces), "demo-country-types", hide_index=True)

with tabs[5]:
    st.markdown("New products have features (title, type, brand, attributes) but no orders, views or clicks: "
                "the cold-start cases for the related-product model.")
    new_products = products[products["product_id"].isin(truth.cold_start_products)]
    ui.show_table(new_products[["product_id", "title", "type", "brand", "price"]], "demo-new-products",
                  hide_index=True)

st.caption(f"Written to `{path}`. Planted rules: " + "; ".join(dataset.info.get("simulated", [])) + ".")
