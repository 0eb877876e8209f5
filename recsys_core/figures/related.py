"""Figures of the related-products page: pure functions that return plotly figures.

Product titles are untrusted and plotly renders hover text as HTML, so every title is escaped
before it reaches a figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from recsys_core.figures.text import plotly_text

LINK_COLOURS = {
    "co-purchase": "#1f77b4",
    "reverse co-purchase": "#ff7f0e",
    "co-view": "#2ca02c",
    "second order": "#9467bd",
    "none": "#7f7f7f",
}


def relevance_scatter(table: pd.DataFrame, query_title: str) -> go.Figure:
    """Scatter of relevance(q, v) against relevance(v, q) for the rows of a recommendation table.

    `table` needs columns product_id, title, score, reverse_score and link. Points below the
    diagonal are products that q points to more strongly than they point back to q.
    """
    figure = go.Figure()
    for link, colour in LINK_COLOURS.items():
        rows = table[table["link"] == link]
        if rows.empty:
            continue
        hover = [f"{plotly_text(title)}<br>id {plotly_text(product)}"
                 for title, product in zip(rows["title"], rows["product_id"])]
        figure.add_trace(go.Scatter(
            x=rows["score"], y=rows["reverse_score"], mode="markers", name=link,
            marker={"color": colour, "size": 10}, text=hover,
            hovertemplate="%{text}<br>relevance(q, v) %{x:.3f}<br>relevance(v, q) %{y:.3f}<extra>" + link + "</extra>",
        ))
    if not table.empty:
        low = float(min(table["score"].min(), table["reverse_score"].min()))
        high = float(max(table["score"].max(), table["reverse_score"].max()))
        figure.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", name="symmetric (x = y)",
                                    line={"color": "#bbbbbb", "dash": "dash"}, hoverinfo="skip"))
    figure.update_layout(
        title=f"Relevance both ways for {plotly_text(str(query_title)[:80])}",
        xaxis_title="relevance(q, v): v as a recommendation for q",
        yaxis_title="relevance(v, q): q as a recommendation for v",
        legend_title="link in the graph", height=480, margin={"t": 60, "l": 60, "r": 20, "b": 60},
    )
    return figure


def training_curve(history: list[dict]) -> go.Figure:
    """Validation MRR and training loss per epoch of a training history."""
    frame = pd.DataFrame(history)
    figure = go.Figure()
    if frame.empty:
        return figure
    losses = [column for column in frame.columns if column.startswith("loss_")]
    if losses:
        figure.add_trace(go.Scatter(x=frame["epoch"], y=frame[losses].sum(axis=1), name="training loss (sum of terms)",
                                    mode="lines+markers", yaxis="y"))
    if "validation_mrr" in frame:
        figure.add_trace(go.Scatter(x=frame["epoch"], y=frame["validation_mrr"], name="validation MRR",
                                    mode="lines+markers", yaxis="y2"))
        best = frame.loc[frame["validation_mrr"].idxmax()]
        figure.add_trace(go.Scatter(x=[best["epoch"]], y=[best["validation_mrr"]], name="kept epoch (best validation MRR)",
                                    mode="markers", marker={"size": 14, "symbol": "star"}, yaxis="y2"))
    figure.update_layout(
        xaxis_title="epoch", yaxis={"title": "training loss"},
        yaxis2={"title": "validation MRR", "overlaying": "y", "side": "right"},
        height=360, margin={"t": 30, "l": 60, "r": 60, "b": 50}, legend={"orientation": "h", "y": -0.25},
    )
    return figure


def metric_bars(table: pd.DataFrame, metrics: tuple[str, ...] = ("hit_rate@10", "mrr", "direction_auc")) -> go.Figure:
    """Grouped bars of evaluation metrics per scorer."""
    figure = go.Figure()
    for metric in metrics:
        if metric in table:
            figure.add_trace(go.Bar(x=[plotly_text(s) for s in table["scorer"]], y=table[metric], name=metric))
    figure.update_layout(barmode="group", height=380, yaxis_title="value on the test edges",
                         margin={"t": 30, "l": 60, "r": 20, "b": 120})
    return figure
