"""Plotly figures of the product graph's degree structure."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from recsys_core.figures.graph_html import COPURCHASE_COLOR, COVIEW_COLOR

IN_COLOR = "#7a4fb0"

_SERIES = (
    ("copurchase_out", "co-purchase out-degree", COPURCHASE_COLOR,
     "out-degree: number of co-purchase edges a → b leaving the product"),
    ("copurchase_in", "co-purchase in-degree", IN_COLOR,
     "in-degree: number of co-purchase edges b → a arriving at the product"),
    ("coview", "co-view degree", COVIEW_COLOR, "co-view degree: number of products linked by a co-view edge"),
)


def degree_distribution_figure(distributions: dict[str, list[list[int]]], coview_is_proxy: bool = False) -> go.Figure:
    """Plot the share of products per degree on log-log axes, one line per relation.

    `distributions` maps ``copurchase_out``, ``copurchase_in`` and ``coview`` to
    ``[[degree, products], ...]`` as in ``ProductGraph.stats()['degree_distribution']``.
    Degree 0 cannot sit on a log axis, so its share is given in the legend instead.
    """
    figure = go.Figure()
    for key, name, color, definition in _SERIES:
        pairs = np.array(distributions.get(key) or [[0, 0]], dtype=float)
        degree, count = pairs[:, 0], pairs[:, 1]
        total = count.sum() or 1.0
        zero_share = count[degree == 0].sum() / total
        positive = degree > 0
        label = name.replace("co-view", "co-view proxy") if key == "coview" and coview_is_proxy else name
        figure.add_trace(go.Scatter(
            x=degree[positive], y=count[positive] / total, mode="lines+markers", name=f"{label} (zero: {zero_share:.0%})",
            line={"color": color}, marker={"size": 5},
            hovertemplate=f"{html.escape(definition)}<br>degree %{{x}}: %{{y:.2%}} of products<extra></extra>",
        ))
    figure.update_layout(
        xaxis={"type": "log", "title": "degree"},
        yaxis={"type": "log", "title": "share of products", "tickformat": ".2~%"},
        legend={"orientation": "h", "y": -0.2}, margin={"l": 60, "r": 20, "t": 30, "b": 40}, height=380,
        title={"text": "Degree distributions", "font": {"size": 14}},
    )
    return figure


def degree_scatter_figure(degrees: pd.DataFrame, titles: pd.Series, highlight: str | None = None,
                          max_points: int = 20_000) -> go.Figure:
    """Scatter every product's co-purchase in-degree against its out-degree.

    Both axes show degree + 1 on a log scale, so products with no edges in one direction stay
    visible. Each point's ``customdata`` is its product id, so a selection event names the
    product. Products with no co-purchase edges are left out; above `max_points` the products
    with the highest total degree are kept. `titles` maps product id to title (escaped here).
    """
    frame = degrees[(degrees["in_degree"] + degrees["out_degree"]) > 0]
    if len(frame) > max_points:
        frame = frame.assign(total=frame["in_degree"] + frame["out_degree"]).nlargest(max_points, "total")
    ids = frame.index.to_numpy()
    hover = [html.escape(str(titles.get(product_id, product_id)))[:80] for product_id in ids]
    figure = go.Figure(go.Scattergl(
        x=frame["in_degree"] + 1, y=frame["out_degree"] + 1, mode="markers",
        marker={"size": 6, "color": COPURCHASE_COLOR, "opacity": 0.45},
        customdata=np.stack([ids, hover], axis=1) if len(ids) else None,
        text=frame["in_degree"].astype(str) + " in, " + frame["out_degree"].astype(str) + " out",
        hovertemplate="%{customdata[1]}<br>id %{customdata[0]}<br>%{text}"
                      "<br>in-degree: edges pointing at it; out-degree: edges leaving it<extra></extra>",
        name="products",
    ))
    if highlight is not None and highlight in degrees.index:
        row = degrees.loc[highlight]
        figure.add_trace(go.Scatter(
            x=[row["in_degree"] + 1], y=[row["out_degree"] + 1], mode="markers", name="this product",
            marker={"size": 14, "color": "#b8322a", "symbol": "star"}, hoverinfo="skip",
        ))
    top = max(2, int(frame["in_degree"].max() + 1) if len(frame) else 2, int(frame["out_degree"].max() + 1) if len(frame) else 2)
    figure.add_trace(go.Scatter(x=[1, top], y=[1, top], mode="lines", name="in = out",
                                line={"color": "#999999", "dash": "dot"}, hoverinfo="skip"))
    figure.update_layout(
        xaxis={"type": "log", "title": "in-degree + 1 (products pointing at it)"},
        yaxis={"type": "log", "title": "out-degree + 1 (products it points at)"},
        height=420, margin={"l": 60, "r": 20, "t": 30, "b": 50}, legend={"orientation": "h", "y": -0.2},
        title={"text": "Co-purchase in- vs out-degree (click a point to open that product)", "font": {"size": 14}},
    )
    return figure
