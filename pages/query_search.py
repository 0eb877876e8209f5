"""Query search: a query's product-type intents, the attributes it states and those it implies.

URL state: ``?dataset=SPEC&q=QUERY&country=CC&threshold=T&restart=R&top=N&mode=single|batch``.
"""

import io
import math

import pandas as pd
import streamlit as st

from pages import ui
from recsys_core.data import DatasetError
from recsys_core.figures.search import intent_figure, tagged_tokens_html, walk_figure
from recsys_core.search.analyzer import DEFAULT_INTENT_THRESHOLD, QueryAnalyzer
from recsys_core.search.models import SearchParams, load_or_train
from recsys_core.search.text import QueryError

DEFAULT_QUERY = "iphone 8"
MAX_BATCH = 2000
ALL_COUNTRIES = "all countries"

st.title("Query search")
st.caption("Type a search query to see its product-type intent, the attributes it states and the attributes "
           "it implies, from models trained on this dataset's search log, tagged queries and catalog.")
dataset = ui.current_dataset()
if dataset.search_log is None or dataset.search_log.empty or dataset.products.empty:
    st.info(f"Dataset {ui.markdown_text(dataset.name)} has no search log with clicks on catalog products, which "
            "the intent model learns from. Pick the **demo** dataset in the sidebar, or a dataset folder with a "
            "search_log table.")
    st.stop()

try:
    models = ui.run_with_progress(
        "Loading the search models (the first run trains them, a few minutes)",
        lambda progress: load_or_train(dataset, SearchParams.from_environment(), progress=progress),
    )
except (DatasetError, ValueError) as error:
    ui.error(f"Cannot train the search models on {dataset.name}: {error}")
    st.stop()


def _url_number(key: str, label: str, default, low, high, parse=float):
    """Return the number in ``?key=``, or `default` with a warning when it is not a number in [low, high]."""
    text = st.query_params.get(key)
    if text is None:
        return default
    try:
        value = parse(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        ui.warning(f"Invalid {label} {text!r} in the URL; use a number from {low} to {high}. Using {default}.")
        return default
    return value


def _sync(key: str, value) -> None:
    text = str(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


# ------------------------------------------------------------------ controls
countries = [ALL_COUNTRIES] + sorted(models.intent.country_types_)
url_country = st.query_params.get("country", ALL_COUNTRIES)
if url_country not in countries:
    ui.warning(f"Unknown country {url_country!r} in the URL; choose one of {', '.join(countries)}. "
               f"Using {ALL_COUNTRIES}.")
with st.sidebar:
    st.header("Search settings")
    country = st.selectbox(
        "Country", countries, index=countries.index(url_country) if url_country in countries else 0,
        help="Each marketplace has its own label space: the product types sold there. "
             "'all countries' scores every type.")
    threshold = st.slider(
        "Intent cut-off", 0.0, 1.0, _url_number("threshold", "intent cut-off", DEFAULT_INTENT_THRESHOLD, 0.0, 1.0), 0.01,
        help="An intent is shown, and seeds the walk, when its calibrated probability reaches this value.")
    restart = st.slider(
        "Walk restart probability", 0.05, 0.95, _url_number("restart", "restart probability", models.walk_params.restart, 0.05, 0.95), 0.05,
        help="At each step the walk jumps back to the query's attributes and intents with this probability; "
             "higher values keep the implied attributes closer to the query.")
    top_n = st.slider("Implicit attributes shown (top-n)", 1, 30, _url_number("top", "top-n", 10, 1, 30, parse=int),
                      help="Number of implied attribute values listed and drawn.")
_sync("country", country)
_sync("threshold", f"{threshold:.2f}")
_sync("restart", f"{restart:.2f}")
_sync("top", top_n)
country_code = None if country == ALL_COUNTRIES else country
analyzer = QueryAnalyzer(models, intent_threshold=threshold, restart=restart, top_n=top_n)

modes = {"single": "One query", "batch": "Batch of queries"}
url_mode = st.query_params.get("mode", "single")
if url_mode not in modes:
    ui.warning(f"Unknown mode {url_mode!r} in the URL; use single or batch. Using single.")
mode = st.radio("Mode", list(modes), format_func=modes.get, horizontal=True,
                index=list(modes).index(url_mode) if url_mode in modes else 0, label_visibility="collapsed")
_sync("mode", mode)


# ------------------------------------------------------------------ one query
def show_single() -> None:
    query_key = ui.url_widget_key("search_query", st.query_params.get("q", DEFAULT_QUERY)[:10_000])
    query = st.text_input("Search query", key=query_key, max_chars=10_000,
                          placeholder="such as: iphone 8, red phone case, dog food 12kg")
    _sync("q", query)
    if not query.strip():
        st.info("Type a query to analyse it, such as *iphone 8*.")
        return
    try:
        result = analyzer.analyze(query, country=country_code)
    except QueryError as error:
        ui.error(error)
        return
    for warning in result.warnings:
        ui.warning(warning)

    left, right = st.columns([1, 1])
    with left:
        st.subheader("Intent")
        shown = result.shown_intents()
        if shown:
            st.caption("Shown intents: " + ", ".join(f"{ui.markdown_text(t)} ({p:.2f})" for t, p in shown))
        else:
            st.caption(f"No product type reaches the cut-off {threshold:.2f}; lower it to see the most likely ones.")
        st.plotly_chart(intent_figure(result.intents, threshold), width="stretch", key="intent-chart")
    with right:
        st.subheader("Explicit attributes")
        st.html(tagged_tokens_html(result.tokens, result.tags))
        spans = result.spans.rename(columns={"node": "graph value"})
        ui.show_table(spans, "explicit-attributes", hide_index=True, width="stretch", column_config={
            "type": st.column_config.TextColumn("type", help="Attribute type of the span (BIO tag without B-/I-)"),
            "text": st.column_config.TextColumn("text", help="Words of the query tagged with this type"),
            "start": st.column_config.NumberColumn("start", help="Position of the span's first word (from 0)"),
            "end": st.column_config.NumberColumn("end", help="Position after the span's last word"),
            "graph value": st.column_config.TextColumn(
                "graph value", help="Node of the attribute graph the span maps to; empty when the graph has none"),
        })

    st.subheader("Implicit attributes")
    implicit = result.implicit[["key", "value", "source", "confidence"]]
    if implicit.empty:
        st.info("The query states nothing the attribute graph knows, so there is nothing to walk from.")
    else:
        table, graph = st.columns([1, 1])
        with table:
            ui.show_table(implicit, "implicit-attributes", hide_index=True, width="stretch", column_config={
                "key": st.column_config.TextColumn("key", help="Attribute name"),
                "value": st.column_config.TextColumn("value", help="Implied value of the attribute"),
                "source": st.column_config.TextColumn(
                    "source", help="catalog / queries / intent: a value of the wanted product, reached through "
                                   "that kind of edge; complement: a value of products bought with it; "
                                   "substitute: a value of products that replace it"),
                "confidence": st.column_config.ProgressColumn(
                    "confidence", min_value=0.0, max_value=float(max(implicit["confidence"].max(), 1e-9)),
                    format="%.3f", help="Share of the random walk's probability mass, outside the seeds, "
                                        "that ends on this value"),
            })
        with graph:
            st.plotly_chart(walk_figure(result.seeds, result.steps, result.implicit), width="stretch",
                            key="walk-graph")
            st.caption("Each implied value with the step that brought it the most probability mass; "
                       "black nodes are the seeds (stated attributes and shown intents).")
    st.caption(f"Analysis time: {result.timings_ms['total']:.0f} ms (intent {result.timings_ms['intent']:.0f}, "
               f"attributes {result.timings_ms['attributes']:.0f}, implicit {result.timings_ms['implicit']:.0f}).")


# ------------------------------------------------------------------ batch
def read_uploaded(upload) -> list[str]:
    raw = upload.getvalue()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"file {upload.name!r} is not UTF-8 text; save it as UTF-8 and upload it again") from None
    if upload.name.lower().endswith(".csv"):
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        column = "query" if "query" in frame.columns else frame.columns[0]
        return frame[column].tolist()
    return text.splitlines()


def show_batch() -> None:
    st.caption(f"Paste one query per line, or upload a .txt file (one per line) or a .csv file with a 'query' "
               f"column. At most {MAX_BATCH:,} queries.")
    pasted = st.text_area("Queries", height=160, placeholder="iphone 8\nsamsung phone case\ndog food")
    upload = st.file_uploader("Or upload a file", type=["txt", "csv"])
    queries = [line for line in pasted.splitlines() if line.strip()]
    if upload is not None:
        try:
            queries += [q for q in read_uploaded(upload) if str(q).strip()]
        except (ValueError, pd.errors.ParserError) as error:
            ui.error(f"Cannot read the uploaded file: {error}")
            return
    if not queries:
        st.info("Paste or upload queries to analyse them all at once.")
        return
    if len(queries) > MAX_BATCH:
        ui.warning(f"{len(queries):,} queries given; only the first {MAX_BATCH:,} are analysed.")
        queries = queries[:MAX_BATCH]
    table = ui.run_with_progress(f"Analysing {len(queries):,} queries",
                                 lambda progress: analyzer.analyze_many(queries, country=country_code))
    ui.show_table(table, "query-analysis", hide_index=True, width="stretch", column_config={
        "intents": st.column_config.TextColumn("intents", help="Product types at or above the cut-off, with "
                                                               "their calibrated probability"),
        "explicit_attributes": st.column_config.TextColumn("explicit attributes", help="type=text per tagged span"),
        "implicit_attributes": st.column_config.TextColumn(
            "implicit attributes", help="key=value [source confidence], ranked by the random walk"),
        "message": st.column_config.TextColumn("message", help="Why a query was truncated or not analysed"),
    })


if mode == "single":
    show_single()
else:
    show_batch()
