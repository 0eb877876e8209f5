"""Query cleaning, BIO spans, span and set scores, and the gazetteer baseline, on hand-made cases."""

from __future__ import annotations

import pytest

from recsys_core.search.gazetteer import GazetteerTagger
from recsys_core.search.metrics import set_f1, span_scores
from recsys_core.search.text import MAX_QUERY_CHARS, QueryError, bio_spans, clean_query, repair_bio


def test_bio_spans_known_answer():
    tokens = ["red", "iphone", "8", "case", "for", "kids"]
    tags = ["B-color", "B-model", "I-model", "B-type", "O", "I-audience"]
    spans = bio_spans(tokens, tags)
    assert [(s.type, s.start, s.end, s.text) for s in spans] == [
        ("color", 0, 1, "red"), ("model", 1, 3, "iphone 8"), ("type", 3, 4, "case"), ("audience", 5, 6, "kids")]


def test_repair_bio_starts_orphan_spans():
    assert repair_bio(["I-color", "I-color", "B-type", "I-brand"]) == ["B-color", "I-color", "B-type", "B-brand"]


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200b", None, "\x00\x01"])
def test_clean_query_rejects_empty(raw):
    with pytest.raises(QueryError, match="empty"):
        clean_query(raw)


def test_clean_query_truncates_long_input():
    query, warnings = clean_query("iphone " * 2000)
    assert len(query) <= MAX_QUERY_CHARS
    assert len(warnings) == 1
    assert "14,000 characters" in warnings[0]


def test_clean_query_keeps_emoji_and_scripts():
    assert clean_query("手机 壳 📱")[0] == "手机 壳 📱"
    assert clean_query("ｉｐｈｏｎｅ\t8")[0] == "iphone 8"


def test_span_scores_exact_match():
    gold = [["B-color", "B-type", "I-type"], ["B-brand", "O"]]
    predicted = [["B-color", "B-type", "O"], ["B-brand", "B-type"]]
    scores = span_scores(gold, predicted)
    assert scores.loc["micro", "correct"] == 2
    assert scores.loc["micro", "support"] == 3
    assert scores.loc["micro", "predicted"] == 4
    assert scores.loc["micro", "f1"] == pytest.approx(2 * (2 / 4) * (2 / 3) / (2 / 4 + 2 / 3))
    assert scores.loc["type", "f1"] == 0.0
    assert scores.loc["color", "f1"] == 1.0


def test_set_f1_micro_and_macro():
    scores = set_f1([{"phone"}, {"phone", "case"}], [{"phone"}, {"phone"}])
    assert scores["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 0 + 1))
    assert scores["macro_f1"] == pytest.approx((1.0 + 0.0) / 2)


def test_gazetteer_longest_match():
    tokens = [["iphone", "8", "case"], ["red", "case"], ["iphone", "charger"]]
    tags = [["B-model", "I-model", "B-type"], ["B-color", "B-type"], ["B-brand", "B-type"]]
    gazetteer = GazetteerTagger().fit(tokens, tags)
    assert gazetteer.predict([["red", "iphone", "8", "case"]]) == [["B-color", "B-model", "I-model", "B-type"]]
    assert gazetteer.predict([["blue", "iphone"]]) == [["O", "B-brand"]]
