"""Plotly figures of the buy-it-again page, as pure functions of tables and fitted values.

Product titles are untrusted: plotly renders a subset of HTML in labels and hover text, so every
title is escaped here. Empty inputs give an empty figure with a note instead of an error.
"""

from __future__ import annotations

import html
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy.stats import norm

from recsys_core.repeat.fitting import lognormal_pdf


def _empty(title: str, note: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                         annotations=[{"text": html.escape(note), "showarrow": False, "font": {"size": 14}}])
    return figure


def _positive(intervals: Sequence[float]) -> np.ndarray:
    values = np.asarray(intervals, dtype=float)
    return values[np.isfinite(values) & (values > 0)]


def interval_histogram(intervals: Sequence[float], mu: float, sigma: float, zero_share: float = 0.0,
                       log_scale: bool = False, title: str = "Repurchase intervals") -> go.Figure:
    """Histogram of positive intervals (days, or ln days) with the fitted density on top.

    On the day scale the curve is the log-normal density; on the ln scale it is N(mu, sigma^2).
    Both are densities of the positive intervals, matching the histogram's normalisation.
    """
    positive = _positive(intervals)
    zeros = int(np.sum(np.asarray(intervals, dtype=float) == 0))
    if positive.size == 0:
        return _empty(title, "No positive intervals to plot")
    note = f"{positive.size} intervals of 1+ days; {zeros} same-day intervals not shown"
    figure = go.Figure()
    if log_scale:
        values = np.log(positive)
        grid = np.linspace(min(values.min(), mu - 4 * sigma), max(values.max(), mu + 4 * sigma), 300)
        density = norm.pdf(grid, mu, sigma)
        x_title = "ln(interval in days)"
        hover = "ln t = %{x:.2f}<br>density %{y:.4f}<extra>N(μ, σ²) fit</extra>"
    else:
        values = positive
        upper = max(values.max(), float(np.exp(mu + 3 * sigma)))
        grid = np.linspace(0.25, upper, 400)
        density = lognormal_pdf(grid, mu, sigma)
        x_title = "interval (days)"
        hover = "t = %{x:.1f} days<br>density %{y:.4f}<extra>log-normal fit</extra>"
    figure.add_trace(go.Histogram(
        x=values, histnorm="probability density", name="observed", marker_color="#8fb3d9", nbinsx=60,
        hovertemplate="%{x}<br>density %{y:.4f}<extra>observed intervals</extra>"))
    figure.add_trace(go.Scatter(x=grid, y=np.nan_to_num(density), mode="lines", name=f"fit μ={mu:.2f}, σ={sigma:.2f}",
                                line={"color": "#d62728", "width": 2}, hovertemplate=hover))
    figure.update_layout(title={"text": f"{html.escape(title)}<br><sup>{html.escape(note)}</sup>"},
                         xaxis_title=x_title, yaxis_title="density", bargap=0.02,
                         legend={"orientation": "h", "y": -0.2})
    return figure


def qq_plot(intervals: Sequence[float], mu: float, sigma: float, title: str = "Log-normal QQ plot") -> go.Figure:
    """Observed positive intervals against the fitted log-normal quantiles, on log axes."""
    positive = np.sort(_positive(intervals))
    if positive.size == 0:
        return _empty(title, "No positive intervals to plot")
    probabilities = (np.arange(1, positive.size + 1) - 0.5) / positive.size
    predicted = np.exp(mu + sigma * norm.ppf(probabilities))
    low = float(min(predicted.min(), positive.min()))
    high = float(max(predicted.max(), positive.max()))
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=predicted, y=positive, mode="markers", name="intervals", marker={"size": 5, "color": "#1f77b4"},
        customdata=probabilities,
        hovertemplate="quantile %{customdata:.2f}<br>fitted %{x:.1f} days<br>observed %{y:.0f} days<extra></extra>"))
    figure.add_trace(go.Scatter(x=[low, high], y=[low, high], mode="lines", name="observed = fitted",
                                line={"color": "#7f7f7f", "dash": "dash"}, hoverinfo="skip"))
    figure.update_layout(title=html.escape(title), xaxis={"title": "fitted quantile (days)", "type": "log"},
                         yaxis={"title": "observed interval (days)", "type": "log"},
                         legend={"orientation": "h", "y": -0.2})
    return figure


def rcp_threshold_curve(rcp: Sequence[float], threshold: float, title: str = "Repeat-purchasable products") -> go.Figure:
    """Number of products with RCP above each threshold, with the chosen one marked."""
    values = np.asarray(rcp, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return _empty(title, "No products with orders")
    grid = np.linspace(0.0, 0.99, 100)
    counts = (values[None, :] > grid[:, None]).sum(axis=1)
    kept = int((values > threshold).sum())
    figure = go.Figure(go.Scatter(
        x=grid, y=counts, mode="lines", line={"color": "#2ca02c"}, name="products",
        hovertemplate="RCP > %{x:.2f}: %{y} products<extra></extra>"))
    figure.add_vline(x=threshold, line={"color": "#d62728", "dash": "dash"},
                     annotation_text=f"r_threshold {threshold:.2f}: {kept} products")
    figure.update_layout(title=html.escape(title), xaxis_title="r_threshold",
                         yaxis_title="products with RCP > r_threshold")
    return figure


def purchase_timeline(timeline: pd.DataFrame, highlight: Optional[str] = None, max_products: int = 25,
                      title: str = "Purchase timeline") -> go.Figure:
    """Plot purchases over time, one row of markers per product (the `max_products` most bought)."""
    if timeline.empty:
        return _empty(title, "No purchases")
    counts = timeline["product_id"].value_counts()
    shown = counts.index[:max_products]
    data = timeline[timeline["product_id"].isin(shown)]
    labels = {product: html.escape(f"{title_text[:40]} ({product})")
              for product, title_text in zip(data["product_id"], data["title"])}
    figure = go.Figure(go.Scatter(
        x=pd.to_datetime(data["date"]), y=data["product_id"].map(labels), mode="markers",
        marker={"size": 8, "color": np.where(data["product_id"] == highlight, "#d62728", "#1f77b4")},
        hovertemplate="%{y}<br>%{x|%Y-%m-%d}<extra></extra>"))
    order = [labels[product] for product in shown[::-1]]
    subtitle = f"{len(shown)} of {len(counts)} products (most bought first)"
    figure.update_layout(title={"text": f"{html.escape(title)}<br><sup>{html.escape(subtitle)}</sup>"},
                         xaxis_title="date", yaxis={"categoryorder": "array", "categoryarray": order},
                         height=max(300, 22 * len(shown) + 120), margin={"l": 10})
    return figure


def rank_chart(trajectory: pd.DataFrame, chosen_day: Optional[int] = None, model: str = "",
               title: str = "Ranking as days pass without a purchase", max_rank_shown: int = 20) -> go.Figure:
    """Rank of each product (1 at the top) against days since the customer's last purchase.

    The y axis stops at `max_rank_shown`; hover text gives the rank of points below it.
    """
    if trajectory.empty:
        return _empty(title, "No repeat-purchasable product to rank")
    figure = go.Figure()
    for product, rows in trajectory.groupby("product_id", sort=False):
        name = html.escape(f"{str(rows['title'].iloc[0])[:40]} ({product})")
        figure.add_trace(go.Scatter(
            x=rows["days_since_last"], y=rows["rank"], mode="lines", name=name,
            customdata=np.stack([rows["date"].to_numpy(), rows["score"].to_numpy()], axis=1),
            hovertemplate=name + "<br>day %{x} (%{customdata[0]})<br>rank %{y}<br>score %{customdata[1]:.4g}<extra></extra>"))
    if chosen_day is not None:
        figure.add_vline(x=chosen_day, line={"color": "#7f7f7f", "dash": "dot"}, annotation_text="chosen date")
    heading = f"{title} ({model})" if model else title
    # A bump chart: ranks below `max_rank_shown` leave the plot instead of squashing the top.
    lowest = int(min(trajectory["rank"].max(), max_rank_shown))
    figure.update_layout(title=html.escape(heading), xaxis_title="days since the last purchase",
                         yaxis={"title": "rank (1 = first)", "range": [lowest + 0.5, 0.5],
                                "dtick": 1 if lowest <= 20 else 5},
                         legend={"font": {"size": 10}}, height=480)
    return figure
