"""Escaping of untrusted text for plotly figures."""

import html
from typing import Any


def plotly_text(value: Any) -> str:
    """Escape `value` for plotly titles, axis labels and hover text.

    Plotly renders a subset of HTML in these strings (``<a>``, ``<span style>``, ``<b>``...), so
    ``<``, ``>`` and ``&`` are escaped. Quotes are left alone because plotly decodes only a few
    entities and would show ``&quot;`` literally.
    """
    return html.escape(str(value), quote=False)
