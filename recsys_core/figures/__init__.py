"""Figure builders: pure functions that return plotly figures or self-contained HTML strings."""

from recsys_core.figures.degrees import degree_distribution_figure, degree_scatter_figure
from recsys_core.figures.graph_html import RemoteResourceError, ego_html, offline_html

__all__ = [
    "RemoteResourceError",
    "degree_distribution_figure",
    "degree_scatter_figure",
    "ego_html",
    "offline_html",
]
