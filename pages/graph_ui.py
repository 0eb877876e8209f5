"""Streamlit helpers for pages that show the product graph: cached building and threshold controls.

The thresholds for graphs derived from orders live in the URL (``min_baskets``, ``min_conf``,
``min_lift``, ``top_n``), next to ``dataset`` and ``product``, so a link reproduces the graph.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

import streamlit as st

from pages import ui
from recsys_core.data import Dataset
from recsys_core.graph import GraphParams, ProductGraph, build_graph

_DEFAULTS = GraphParams()
_URL_FIELDS = {
    "min_baskets": ("min_pair_baskets", int),
    "min_conf": ("min_confidence", float),
    "min_lift": ("min_lift", float),
    "top_n": ("top_n", int),
}
# Ranges of the sidebar inputs; a URL value outside them falls back to the default.
_LIMITS = {"min_pair_baskets": (1, 1000), "min_confidence": (0.0, 1.0), "min_lift": (0.0, 100.0), "top_n": (1, 200)}


def params_from_url() -> GraphParams:
    """Read graph thresholds from the URL; invalid values fall back to the defaults with a warning."""
    values = {}
    for key, (field, kind) in _URL_FIELDS.items():
        if key in st.query_params:
            low, high = _LIMITS[field]
            try:
                value = kind(st.query_params[key])
            except ValueError:
                value = None
            # The negated test also rejects NaN, which fails every comparison.
            if value is None or not low <= value <= high:
                ui.warning(f"Ignoring invalid {key}={st.query_params[key]!r} in the URL: use a number from {low} "
                           f"to {high}. Using {getattr(_DEFAULTS, field)}.")
                continue
            values[field] = value
    try:
        return replace(_DEFAULTS, **values)
    except ValueError as error:
        ui.warning(f"Ignoring the thresholds in the URL: {error}")
        return _DEFAULTS


def threshold_controls(params: GraphParams) -> GraphParams:
    """Draw the basket thresholds in the sidebar and store changed values in the URL."""
    with st.sidebar.expander("Graph thresholds (graphs derived from orders)"):
        st.caption("Used only when the dataset has orders but lists no edges, such as Complete Journey.")
        chosen = {
            "min_pair_baskets": st.number_input(
                "Min baskets per pair", *_LIMITS["min_pair_baskets"], params.min_pair_baskets,
                help="a → b needs at least this many baskets that hold both products"),
            "min_confidence": st.number_input(
                "Min P(b | a)", *_LIMITS["min_confidence"], params.min_confidence, step=0.01, format="%.2f",
                help="Share of baskets with a that also hold b; also the edge weight"),
            "min_lift": st.number_input(
                "Min lift", *_LIMITS["min_lift"], params.min_lift, step=0.5,
                help="P(b | a) / P(b) must exceed this, so that staples do not collect every edge"),
            "top_n": st.number_input(
                "Out-edges kept per product", *_LIMITS["top_n"], params.top_n,
                help="The strongest edges by P(b | a) are kept"),
        }
    for key, (field, _) in _URL_FIELDS.items():
        if chosen[field] != getattr(_DEFAULTS, field):
            st.query_params[key] = str(chosen[field])
        elif key in st.query_params:
            del st.query_params[key]
    return replace(params, **chosen)


# Built graphs in memory (see ui.ProcessCache for why not st.cache_resource).
_GRAPHS = ui.ProcessCache(max_entries=6)


def _graph_cached(spec: str, params: GraphParams, dataset: Dataset,
                  progress: Optional[Callable[[float, str], None]] = None) -> ProductGraph:
    return _GRAPHS.get_or_build((spec, params), lambda: build_graph(dataset, params, progress=progress))


def current_graph(dataset: Dataset, params: GraphParams) -> ProductGraph:
    """Build (or read from the cache) the graph of the selected dataset with visible progress."""
    spec = ui.current_spec()
    return ui.run_with_progress(
        "Building the product graph",
        lambda progress: _graph_cached(spec, params, dataset, progress))
