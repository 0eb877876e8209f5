"""Figure builders of the search page: escaping of untrusted text, threshold line, walk drawing."""

from __future__ import annotations

import pandas as pd

from recsys_core.figures.search import intent_figure, tagged_tokens_html, walk_figure

XSS = "<img src=x onerror=alert(1)>"


def test_tokens_html_escapes_words_and_types():
    html = tagged_tokens_html(["<b>red</b>", XSS, "case"], ["B-color", "B-<script>", "O"])
    assert "<b>red</b>" not in html
    assert "&lt;b&gt;red&lt;/b&gt;" in html
    assert "<img" not in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count('class="qs-span"') == 2


def test_tokens_html_groups_multiword_span():
    html = tagged_tokens_html(["iphone", "8", "case"], ["B-model", "I-model", "B-type"])
    assert "iphone 8<sub" in html
    assert html.count('class="qs-span"') == 2


def test_intent_figure_threshold_and_escaping():
    intents = pd.DataFrame({"type": ["phone", XSS, "case"], "probability": [0.7, 0.2, 0.1]})
    figure = intent_figure(intents, 0.3)
    labels = list(figure.data[0].y)
    assert "phone" in labels
    assert all("<img" not in label for label in labels)
    assert figure.layout.shapes[0].x0 == 0.3
    colors = dict(zip(figure.data[0].y, figure.data[0].marker.color))
    assert colors["phone"] != colors["case"]


def test_walk_figure_draws_seeds_and_values():
    seeds = {"model:iphone 8": 1.0}
    steps = pd.DataFrame({"src": ["model:iphone 8", "brand:apple"], "dst": ["brand:apple", XSS],
                          "relation": ["catalog", "substitute"], "flow": [0.1, 0.01]})
    ranking = pd.DataFrame({"node": ["brand:apple", XSS], "source": ["catalog", "substitute"],
                            "confidence": [0.6, 0.1]})
    figure = walk_figure(seeds, steps, ranking)
    names = {trace.name for trace in figure.data}
    assert {"catalog", "substitute", "seeds"} <= names
    texts = [t for trace in figure.data if trace.text is not None for t in trace.text]
    assert all("<img" not in t for t in texts)


def test_walk_figure_without_seeds():
    empty = pd.DataFrame(columns=["src", "dst", "relation", "flow"])
    figure = walk_figure({}, empty, pd.DataFrame(columns=["node", "source", "confidence"]))
    assert "No walk" in figure.layout.annotations[0].text
