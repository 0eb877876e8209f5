"""Related products: top-k for a query product, both directions of relevance, cold start, model."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from pages import ui
from recsys_core.data import DatasetError
from recsys_core.figures import related as figures
from recsys_core.related.report import METRIC_HELP, cached_report, evaluate_related
from recsys_core.related.service import RelatedModel, check_k, train_related
from recsys_core.related.train import COLD_START_MODES, LOSS_TERMS, MAX_LOSS_WEIGHT, RelatedParams

PARAMS = RelatedParams()
# URL parameter -> RelatedParams field of the settings an analyst can change on the Model tab.
SETTING_KEYS = {"asymmetry": "asymmetry_weight", "coview": "coview_weight", "terms": "loss_terms",
                "cold_start": "cold_start"}
MAX_K = 100

COLUMN_HELP = {
    "rank": st.column_config.NumberColumn("rank", help="Position in the top-k list."),
    "product_id": st.column_config.TextColumn("product id"),
    "title": st.column_config.TextColumn("title"),
    "category": st.column_config.TextColumn("category"),
    "score": st.column_config.NumberColumn(
        "score", format="%.4f", help="relevance(q, v) = source(q) · target(v): how strongly v is recommended for q."),
    "reverse_score": st.column_config.NumberColumn(
        "reverse score", format="%.4f", help="relevance(v, q) = source(v) · target(q): the same pair the other way."),
    "link": st.column_config.TextColumn(
        "link in graph", help="co-purchase: q → v is an edge; reverse co-purchase: only v → q; co-view: viewed "
                              "together; second order: a shared neighbour; none: not linked within two hops."),
    "cold": st.column_config.CheckboxColumn(
        "cold start", help="The product has no edges; it was embedded from its nearest products in feature space."),
}


# Trained models in memory, keyed by dataset and parameters (see ui.ProcessCache for why not
# st.cache_resource).
_MODELS = ui.ProcessCache(max_entries=4)


def _model(key: tuple, dataset, params: RelatedParams, progress) -> RelatedModel:
    return _MODELS.get_or_build(key, lambda: train_related(dataset, params, progress=progress))


def load_model(spec: str, dataset, params: RelatedParams) -> RelatedModel:
    key = (spec, id(dataset), json.dumps(params.to_dict(), sort_keys=True))
    return ui.run_with_progress("Loading or training the related-products model",
                                lambda progress: _model(key, dataset, params, progress))


def read_params() -> RelatedParams:
    """Return the training settings in the URL, or the defaults with an error for each invalid one."""
    params = PARAMS
    for key, field in SETTING_KEYS.items():
        raw = st.query_params.get(key)
        if raw is None:
            continue
        try:
            if field == "loss_terms":
                value = tuple(term.strip() for term in raw.split(",") if term.strip())
            elif field == "cold_start":
                value = raw
            else:
                value = float(raw)
            params = replace(params, **{field: value})
        except ValueError as error:
            ui.error(f"{key}={ui.shorten(raw)} in the link is invalid ({error}). "
                     f"Using the default, {setting_text(PARAMS)[key]}.")
    return params


def setting_text(params: RelatedParams) -> dict[str, str]:
    """Return the URL text of each setting in `params`."""
    return {"asymmetry": f"{params.asymmetry_weight:g}", "coview": f"{params.coview_weight:g}",
            "terms": ",".join(params.loss_terms), "cold_start": params.cold_start}


def settings_summary(params: RelatedParams) -> str:
    return (f"asymmetry weight {params.asymmetry_weight:g}, co-view weight {params.coview_weight:g}, "
            f"loss terms {' + '.join(params.loss_terms)}, cold start by {params.cold_start}")


def settings_form(params: RelatedParams) -> None:
    """Let the analyst retrain with other loss weights, loss terms or cold-start mode; the URL keeps them."""
    with st.form("training_settings"):
        st.markdown("**Training settings**")
        left, right = st.columns(2)
        asymmetry = left.number_input(
            "Asymmetry weight", 0.0, MAX_LOSS_WEIGHT, float(params.asymmetry_weight), 0.01, format="%.2f",
            help="Weight of the term that scores (u, v) above (v, u) for one-way co-purchase edges. Higher values "
                 f"favour direction AUC over HitRate@10 and MRR (default {PARAMS.asymmetry_weight}).")
        coview = right.number_input(
            "Co-view weight", 0.0, MAX_LOSS_WEIGHT, float(params.coview_weight), 0.05, format="%.2f",
            help=f"Weight of the term that pulls co-viewed products' vectors together (default {PARAMS.coview_weight}).")
        terms = left.multiselect("Loss terms", list(LOSS_TERMS), list(params.loss_terms),
                                 help="Switch a term off to train an ablation.")
        cold_start = right.selectbox(
            "Cold start", list(COLD_START_MODES), list(COLD_START_MODES).index(params.cold_start),
            help="average: mean of the nearest products' vectors; layers: the GNN layers on the edges to them.")
        submitted = st.form_submit_button("Train with these settings",
                                          help="Trains a new model unless one with these settings is saved.")
    if not submitted:
        return
    if not terms:
        ui.error("Choose at least one loss term.")
        return
    chosen = setting_text(replace(params, asymmetry_weight=asymmetry, coview_weight=coview,
                                  loss_terms=tuple(terms), cold_start=cold_start))
    defaults = setting_text(PARAMS)
    for key, value in chosen.items():
        if value == defaults[key]:
            st.query_params.pop(key, None)  # defaults stay out of the URL
        else:
            st.query_params[key] = value
    st.rerun()


def product_label(products: pd.DataFrame, product_id: str) -> str:
    row = products.loc[products["product_id"] == product_id].iloc[0]
    title = str(row["title"])
    return title if title == product_id else f"{title} ({product_id})"


def pick_query(model: RelatedModel) -> str | None:
    products = model.products
    requested = st.query_params.get("product")
    if requested is not None and requested not in model.graph.index:
        ui.error(f"Product {ui.shorten(requested)!r} is not in this dataset. Pick a product below; "
                 "the link you followed may belong to another dataset.")
        requested = None
    if requested is None:
        out_degree = pd.Series(model.graph.copurchase[0].numpy()).value_counts()
        requested = model.graph.product_ids[int(out_degree.index[0])]

    search = st.text_input("Find a query product by id or title", key="related_search",
                           help="Type part of an id or title; the list below shows up to 500 matches.")
    if search.strip():
        text = search.strip().lower()
        matches = products[products["product_id"].str.lower().str.contains(text, regex=False)
                           | products["title"].str.lower().str.contains(text, regex=False)]
        options = matches["product_id"].head(500).tolist()
        if not options:
            ui.warning(f"No product id or title contains {search!r}.")
            return None
    else:
        options = [requested]
    if requested in options:
        options.remove(requested)
        options.insert(0, requested)
    titles = dict(zip(products["product_id"], products["title"]))
    choice = st.selectbox("Query product", options, key="related_product",
                          format_func=lambda pid: pid if titles[pid] == pid else f"{titles[pid]} ({pid})")
    if choice != st.query_params.get("product"):
        st.query_params["product"] = choice
    return choice


def read_k(model: RelatedModel) -> int:
    """Show the k input, seeded once per session from ``?k=`` and kept in the URL."""
    limit = min(MAX_K, model.graph.num_products - 1)
    raw = st.query_params.get("k", "10")
    try:
        default = check_k(int(raw), model.graph.num_products)
    except ValueError:
        ui.error(f"k={ui.shorten(raw)} in the link is invalid: use a whole number from 1 to {limit}. "
                 f"Showing k={min(10, limit)}.")
        default = min(10, limit)
    if default > limit:
        ui.warning(f"k={raw} in the link is above the {limit} products this page lists. Showing k={limit}.")
        default = limit
    key = ui.url_widget_key("related_k", default)
    if not 1 <= st.session_state[key] <= limit:  # kept from a larger dataset earlier in the session
        st.session_state[key] = default
    k = st.number_input("k (products to list)", min_value=1, max_value=limit, step=1, key=key,
                        help=f"Number of related products, from 1 to {limit}.")
    if str(k) != st.query_params.get("k"):
        st.query_params["k"] = str(k)
    return int(k)


def read_min_score() -> float:
    """Show the minimum-score slider, seeded once per session from ``?min_score=`` when it is in [-1, 1]."""
    raw = st.query_params.get("min_score", "-1")
    try:
        default = float(raw)
    except ValueError:
        default = math.nan
    if not -1.0 <= default <= 1.0:  # also rejects NaN
        ui.error(f"min_score={ui.shorten(raw)} in the link is invalid: use a number from -1 to 1. "
                 "Showing every score.")
        default = -1.0
    key = ui.url_widget_key("related_min_score", default)
    value = st.slider("Minimum score", -1.0, 1.0, step=0.01, key=key,
                      help="Hide products whose relevance(q, v) is below this value; relevance lies in [-1, 1].")
    if value > -1.0 or "min_score" in st.query_params:
        text = f"{value:.2f}"
        if st.query_params.get("min_score") != text:
            st.query_params["min_score"] = text
    return value


def related_tab(model: RelatedModel) -> None:
    query = pick_query(model)
    if query is None:
        return
    left, right = st.columns(2)
    with left:
        k = read_k(model)
    with right:
        min_score = read_min_score()
    st.markdown(f"Related products for **{ui.markdown_text(product_label(model.products, query))}**")
    table = model.recommend(query, k, min_score)
    if table.empty:
        st.info("No product reaches the minimum score; lower it to see recommendations.")
    else:
        ui.show_table(table, f"related-{query}", hide_index=True, column_config=COLUMN_HELP)
        st.plotly_chart(figures.relevance_scatter(table, product_label(model.products, query)), use_container_width=True)
        st.caption("Points below the diagonal are recommended for the query more strongly than the query is "
                   "recommended for them: the direction the directed model learns and a symmetric one cannot.")

    st.subheader("Baselines side by side")
    baselines = model.baselines()
    columns = st.columns(len(baselines))
    for column, (name, scorer) in zip(columns, baselines.items()):
        with column:
            st.markdown(f"**{name}**", help=scorer.description)
            rows = model.recommend(query, k, scorer=scorer)[["rank", "product_id", "title", "score", "link"]]
            ui.show_table(rows, f"related-{query}-{name.replace(' ', '-')}", hide_index=True)


def cold_start_tab(model: RelatedModel) -> None:
    embedding_method = ("gets the cosine-weighted mean of their source and target vectors"
                        if model.params.cold_start == "average" else "runs through the GNN layers on that subgraph")
    st.markdown("Describe a product that is not in the catalog. It is linked to its "
                f"{model.params.cold_start_neighbours} nearest products in feature space, {embedding_method}, and is "
                "scored both as a query and as a candidate.")
    categories = sorted(model.products["category"].astype(str).unique().tolist())
    with st.form("cold_start"):
        title = st.text_input("Title", key="cold_title")
        brand = st.text_input("Brand", key="cold_brand")
        category = st.selectbox("Category", [""] + categories, key="cold_category",
                                help="Category path as the catalog spells it; leave empty when unknown.")
        price = st.number_input("Price (0 = unknown)", min_value=0.0, value=0.0, key="cold_price",
                                help="Price in the catalog's currency; it enters the input features as log price.")
        k = st.number_input("k", min_value=1, max_value=min(MAX_K, model.graph.num_products), value=10, key="cold_k",
                            help="Number of products listed in each direction.")
        submitted = st.form_submit_button("Recommend")
    if not submitted:
        return
    # Surrounding spaces would stop the ** emphasis below from closing.
    title, brand = title.strip(), brand.strip()
    try:
        result = model.recommend_new(title, brand, category, price or None, int(k))
    except ValueError as error:
        ui.error(str(error))
        return
    st.markdown(f"New product: **{ui.markdown_text(title or '(no title)')}**, brand "
                f"**{ui.markdown_text(brand or '(none)')}**, category **{ui.markdown_text(category or '(none)')}**",
                help="Shown as typed; the text is escaped, never rendered as HTML.")
    st.subheader("Its recommendations (new product as query)")
    ui.show_table(result["recommendations"].drop(columns=["cold"]), "cold-start-recommendations", hide_index=True,
                  column_config=COLUMN_HELP)
    st.subheader("Where it would be recommended (new product as candidate)")
    st.caption("Products whose relevance to the new product is highest; rank_in_their_top_k is the position it "
               "would take in their own top-k list, empty when it would not make the list.")
    ui.show_table(result["recommended_for"].drop(columns=["cold"]), "cold-start-recommended-for", hide_index=True)
    with st.expander("Nearest products in feature space (the edges it was given)"):
        ui.show_table(result["neighbours"].drop(columns=["cold"]), "cold-start-neighbours", hide_index=True)


def model_tab(spec: str, dataset, model: RelatedModel) -> None:
    st.markdown(f"Settings of this model: {settings_summary(model.params)}.")
    settings_form(model.params)
    meta = model.meta
    test = meta.get("test", {})
    st.markdown(f"Trained on {meta.get('products', '?')} products, {meta.get('copurchase_edges', '?')} co-purchase "
                f"and {meta.get('coview_edges', '?')} co-view edges, text encoder {meta.get('encoder', '?')}.")
    columns = st.columns(4)
    for column, metric in zip(columns, METRIC_HELP):
        value = test.get(metric)
        column.metric(metric, "n/a" if value is None else f"{value:.4f}", help=METRIC_HELP[metric])
    st.plotly_chart(figures.training_curve(meta.get("history", [])), use_container_width=True)

    st.subheader("Evaluation: model, ablations and baselines")
    saved = cached_report(dataset, model.params)
    if saved is None:
        st.info("The full evaluation trains one model per ablation, the symmetric GNN and a cold-start model.")
        if st.button("Run the full evaluation"):
            try:
                saved = ui.run_with_progress("Evaluating", lambda progress: evaluate_related(dataset, model.params,
                                                                                              progress=progress))
            except (DatasetError, ValueError) as error:
                ui.error(f"Cannot evaluate on {spec}: {error}")
    if saved is not None:
        config = {m: st.column_config.NumberColumn(m, format="%.4f", help=h) for m, h in METRIC_HELP.items()}
        ui.show_table(saved.table, "related-evaluation", hide_index=True, column_config=config)
        st.plotly_chart(figures.metric_bars(saved.table), use_container_width=True)
        st.markdown("**Cold start** (10% of products held out with all their edges)")
        ui.show_table(saved.cold_start, "related-cold-start", hide_index=True)


st.title("Related products")
st.caption("Directed product-graph GNN: every product has a source and a target embedding, and "
           "relevance(q, v) = source(q) · target(v), so relevance(q, v) ≠ relevance(v, q).")
spec = ui.current_spec()
dataset = ui.current_dataset()
with st.container():  # always drawn, so messages about the URL never move the tabs below
    params = read_params()
try:
    model = load_model(spec, dataset, params)
except (DatasetError, ValueError) as error:
    ui.error(f"Cannot build related products for {spec}: {error}")
    st.stop()

# The notice sits in a container that is always drawn, so the tabs below keep their place in
# the page whether or not it shows, and Streamlit keeps the open tab across reruns.
with st.container():
    if model.params != PARAMS:
        st.info(f"This page uses a model trained with other settings than the defaults: "
                f"{settings_summary(model.params)}. The Model tab changes them back.")
related, cold, trained = st.tabs(["Related products", "Cold start", "Model"])
with related:
    related_tab(model)
with cold:
    cold_start_tab(model)
with trained:
    model_tab(spec, dataset, model)
