"""Escaping of untrusted product titles in the related-products figures."""

from __future__ import annotations

import pandas as pd

from recsys_core.figures.related import relevance_scatter

TABLE = pd.DataFrame({
    "product_id": ["a", "b"],
    "title": ['Case 6.1" <b>bold</b>', "Plain cable"],
    "score": [0.8, 0.5],
    "reverse_score": [0.1, 0.4],
    "link": ["co-purchase", "none"],
})


def test_scatter_title_keeps_quotes_and_escapes_tags():
    figure = relevance_scatter(TABLE, 'Phone 6.1" <script>x</script>')
    title = figure.layout.title.text
    assert '6.1"' in title
    assert "&quot;" not in title
    assert "<script>" not in title
    assert "&lt;script&gt;" in title


def test_scatter_hover_escapes_titles():
    hover = [text for trace in figure_traces() for text in (trace.text or ())]
    assert any('Case 6.1" &lt;b&gt;bold&lt;/b&gt;' in text for text in hover)
    assert not any("<b>" in text for text in hover)


def figure_traces():
    return relevance_scatter(TABLE, "Phone").data
