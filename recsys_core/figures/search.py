"""Figures of the query search page: intent bars, tagged tokens, and the walk's small graph.

Query words, product types and attribute values are untrusted. Plotly renders a subset of
HTML in text (``<b>``, ``<br>``, ``<a href>``), so every such string is HTML-escaped before
it becomes a label or hover text. The token view escapes every token and tag.
"""

from __future__ import annotations

import html
import math
from typing import Optional

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from recsys_core.search.text import bio_spans

RELATION_COLORS = {
    "catalog": "#1f6fb4", "queries": "#6a3d9a", "intent": "#33a02c",
    "complement": "#e07b00", "substitute": "#b8322a",
}
SEED_COLOR = "#222222"
TAG_PALETTE = ("#fde2a7", "#c9e4f6", "#d5efcf", "#f6d0d0", "#e2d6f3", "#f9d9b8", "#d0f0ef", "#eeeeee")
MAX_BARS = 15


def _safe(text: object, limit: int = 60) -> str:
    value = str(text)
    if len(value) > limit:
        value = value[:limit - 1] + "…"
    return html.escape(value, quote=True)


def intent_figure(intents: pd.DataFrame, threshold: float, max_bars: int = MAX_BARS) -> go.Figure:
    """Horizontal bars of the most likely intents, with the threshold as a dashed line.

    `intents` has columns type and probability (calibrated), most likely first.
    """
    top = intents.head(max_bars).iloc[::-1]
    labels = [_safe(t) for t in top["type"]]
    colors = ["#1f6fb4" if p >= threshold else "#b4cde6" for p in top["probability"]]
    figure = go.Figure(go.Bar(
        x=top["probability"], y=labels, orientation="h", marker_color=colors,
        customdata=[[label, "shown" if p >= threshold else "below the threshold"]
                    for label, p in zip(labels, top["probability"])],
        hovertemplate=("%{customdata[0]}: calibrated probability %{x:.3f} (%{customdata[1]})<br>"
                       "Probability that a click after this query lands on this product type, "
                       "from the fine-tuned encoder with temperature scaling<extra></extra>"),
    ))
    figure.add_vline(x=threshold, line_dash="dash", line_color="#b8322a",
                     annotation_text=f"threshold {threshold:.2f}", annotation_position="top")
    figure.update_layout(
        xaxis=dict(title="calibrated probability", range=[0, 1.02]),
        yaxis=dict(title=None, automargin=True),
        height=max(220, 28 * len(top) + 90), margin=dict(l=10, r=10, t=40, b=40), showlegend=False,
    )
    return figure


def tag_colors(types: list[str]) -> dict[str, str]:
    return {kind: TAG_PALETTE[i % len(TAG_PALETTE)] for i, kind in enumerate(sorted(set(types)))}


def tagged_tokens_html(tokens: list[str], tags: list[str]) -> str:
    """Render the query's words with each attribute span highlighted and labelled by its type.

    Every word and type is HTML-escaped, so the string is safe to show as HTML.
    """
    spans = bio_spans(tokens, tags)
    colors = tag_colors([s.type for s in spans])
    starts = {span.start: span for span in spans}
    parts = []
    position = 0
    while position < len(tokens):
        span = starts.get(position)
        if span is None:
            parts.append(f'<span class="qs-word" title="O">{html.escape(tokens[position], quote=True)}</span>')
            position += 1
            continue
        words = " ".join(html.escape(w, quote=True) for w in tokens[span.start:span.end])
        kind = html.escape(span.type, quote=True)
        parts.append(
            f'<span class="qs-span" style="background:{colors[span.type]};border-radius:4px;padding:2px 6px;'
            f'margin:0 2px;display:inline-block" title="{kind}">{words}'
            f'<sub style="font-size:0.7em;color:#444;margin-left:4px">{kind}</sub></span>'
        )
        position = span.end
    return f'<div class="qs-tokens" style="font-size:1.15em;line-height:2.2em">{" ".join(parts)}</div>'


def walk_figure(seeds: dict[str, float], steps: pd.DataFrame, ranking: pd.DataFrame) -> go.Figure:
    """Draw the walk's strongest steps: seeds (black) lead to the implied values, coloured by relation.

    `steps` has columns src, dst, relation, flow (one row per implied value); `ranking` gives the
    source and confidence of each implied value.
    """
    graph = nx.DiGraph()
    for node in seeds:
        graph.add_node(node)
    for row in steps.itertuples():
        graph.add_edge(row.src, row.dst, relation=row.relation, flow=row.flow)
    figure = go.Figure()
    if graph.number_of_nodes() == 0:
        figure.update_layout(height=120, annotations=[dict(text="No walk: the query states nothing the graph knows",
                                                             showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")],
                             xaxis=dict(visible=False), yaxis=dict(visible=False))
        return figure
    positions = nx.spring_layout(graph, seed=0, k=1.2 / math.sqrt(max(1, graph.number_of_nodes())))
    confidence = dict(zip(ranking["node"], ranking["confidence"])) if len(ranking) else {}
    sources = dict(zip(ranking["node"], ranking["source"])) if len(ranking) else {}
    for relation, color in RELATION_COLORS.items():
        xs, ys = [], []
        for src, dst, data in graph.edges(data=True):
            if data["relation"] != relation:
                continue
            xs += [positions[src][0], positions[dst][0], None]
            ys += [positions[src][1], positions[dst][1], None]
        if xs:
            figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color, width=2),
                                        name=relation, hoverinfo="skip"))
    for is_seed in (True, False):
        nodes = [n for n in graph.nodes if (n in seeds) == is_seed]
        if not nodes:
            continue
        hover = [
            f"{_safe(n)}<br>" + ("seed of the walk (stated in the query or its intent)" if is_seed else
                                 f"source: {_safe(sources.get(n, 'path'))}; confidence {confidence.get(n, 0.0):.3f} "
                                 "(share of the walk's probability mass outside the seeds)")
            for n in nodes
        ]
        figure.add_trace(go.Scatter(
            x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes], mode="markers+text",
            text=[_safe(n, 32) for n in nodes], textposition="top center", hovertext=hover, hoverinfo="text",
            marker=dict(size=[16 if is_seed else 8 + 40 * confidence.get(n, 0.0) for n in nodes],
                        color=SEED_COLOR if is_seed else [RELATION_COLORS.get(sources.get(n, ""), "#888") for n in nodes],
                        line=dict(color="white", width=1)),
            name="seeds" if is_seed else "implied values", showlegend=is_seed,
        ))
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    # Labels sit above and beside the markers; padding keeps the outer ones inside the plot.
    pad_x = 0.25 * (max(xs) - min(xs) or 1.0)
    pad_y = 0.12 * (max(ys) - min(ys) or 1.0)
    figure.update_layout(height=420, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h"),
                         xaxis=dict(visible=False, range=[min(xs) - pad_x, max(xs) + pad_x]),
                         yaxis=dict(visible=False, range=[min(ys) - pad_y, max(ys) + pad_y]))
    return figure
