"""Figures and HTML for the demo world page: pure functions, testable without a browser."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from recsys_core.data.demo import DemoTruth

# One colour per BIO tag name; tags not listed fall back to grey.
TAG_COLOURS = {
    "brand": "#1f77b4", "type": "#2ca02c", "model": "#9467bd", "color": "#d62728", "storage": "#8c564b",
    "size": "#e377c2", "material": "#7f7f7f", "os": "#17becf", "compatible_with": "#bcbd22",
    "connector": "#ff7f0e", "quantity": "#393b79",
}


def cycle_figure(days: np.ndarray, mu: float, sigma: float, title: str) -> go.Figure:
    """Histogram of one product's simulated repurchase intervals with the planted and fitted densities.

    The fit is the log-normal maximum-likelihood estimate with location 0 (mean and standard
    deviation of the log intervals).
    """
    days = np.asarray(days, dtype=float)
    days = days[days > 0]
    figure = go.Figure()
    figure.add_histogram(x=days, histnorm="probability density", name="simulated intervals", nbinsx=40,
                         opacity=0.6, hovertemplate="%{x} days: density %{y:.4f}<extra></extra>")
    upper = float(np.quantile(days, 0.995)) if len(days) else float(np.exp(mu + 3 * sigma))
    grid = np.linspace(0.1, max(upper, 1.0), 300)
    planted = stats.lognorm.pdf(grid, s=sigma, scale=np.exp(mu))
    figure.add_scatter(x=grid, y=planted, mode="lines", name=f"planted: mu {mu:.3f}, sigma {sigma:.3f}",
                       hovertemplate="%{x:.1f} days: planted density %{y:.4f}<extra></extra>")
    if len(days) >= 2:
        logs = np.log(days)
        mu_hat, sigma_hat = float(logs.mean()), float(logs.std())
        fitted = stats.lognorm.pdf(grid, s=sigma_hat, scale=np.exp(mu_hat))
        figure.add_scatter(x=grid, y=fitted, mode="lines", line={"dash": "dash"},
                           name=f"fitted: mu {mu_hat:.3f}, sigma {sigma_hat:.3f}",
                           hovertemplate="%{x:.1f} days: fitted density %{y:.4f}<extra></extra>")
    figure.update_layout(title=title, xaxis_title="days between two purchases by the same customer",
                         yaxis_title="probability density", legend={"orientation": "h", "y": -0.25},
                         margin={"t": 50, "b": 10})
    return figure


def tagged_query_html(tokens: list[str], tags: list[str]) -> str:
    """Render a query's tokens as inline spans coloured by their BIO tag, with every token escaped."""
    parts = []
    for token, tag in zip(tokens, tags):
        name = tag[2:] if tag[:2] in ("B-", "I-") else ""
        colour = TAG_COLOURS.get(name, "#999999")
        if name:
            parts.append(
                f'<span title="{html.escape(tag, quote=True)}" style="border-bottom:3px solid {colour};'
                f'padding:0 2px;margin-right:4px">{html.escape(token)}'
                f'<sub style="color:{colour};font-size:0.7em;margin-left:2px">{html.escape(tag)}</sub></span>')
        else:
            parts.append(f'<span title="O" style="color:#777;margin-right:4px">{html.escape(token)}</span>')
    return "".join(parts)


def country_type_table(truth: DemoTruth, clicked: dict[str, list[str]]) -> pd.DataFrame:
    """Tabulate, per product type, whether each country sells it and whether its searches clicked it.

    Types sold in fewer countries come first, since they make the label spaces differ.
    """
    sold_in = {}
    for names in truth.country_types.values():
        for name in names:
            sold_in[name] = sold_in.get(name, 0) + 1
    types = sorted(sold_in, key=lambda name: (sold_in[name], name))
    table = pd.DataFrame({"type": types})
    for country, names in sorted(truth.country_types.items()):
        sold, seen = set(names), set(clicked.get(country, []))
        cells = []
        for name in types:
            if name in seen:
                cells.append("sold, clicked")
            elif name in sold:
                cells.append("sold")
            else:
                cells.append("-")
        table[country] = cells
    return table
