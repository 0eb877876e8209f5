"""Search models trained on the demo world: the "iphone 8" example, persistence, bad input, evaluation.

One small model bundle (one encoder layer, 2,500 training queries, `SearchParams.quick`) is
trained once per test session and shared by every test here and by the browser test. The
default models (`SearchParams()`) take minutes to train, so the "iphone 8" example on them is
checked by ``recsys analyze-query`` and recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from recsys_core.cli import main
from recsys_core.data import load_dataset
from recsys_core.search.analyzer import QueryAnalyzer
from recsys_core.search.evaluation import evaluate_search, planted_implicit
from recsys_core.search.models import SearchParams, is_held_out, load_models, load_or_train, model_key
from recsys_core.search.text import QueryError


@pytest.fixture(scope="session")
def demo_dataset():
    return load_dataset("demo")


@pytest.fixture(scope="session")
def demo_models(demo_dataset):
    return load_or_train(demo_dataset, SearchParams.quick())


@pytest.fixture(scope="session")
def analyzer(demo_models):
    return QueryAnalyzer(demo_models)


def test_iphone_8_intent_is_phone(analyzer):
    result = analyzer.analyze("iphone 8", country="US")
    shown = [kind for kind, _ in result.shown_intents()]
    assert shown[0] == "phone"


def test_iphone_8_implicit_attributes(analyzer):
    result = analyzer.analyze("iphone 8", country="US", top_n=10)
    implicit = result.implicit.set_index("node")
    assert "brand:apple" in implicit.index
    assert "os:ios" in implicit.index
    assert implicit.loc["type:phone case", "source"] == "complement"
    assert implicit.loc["brand:samsung", "source"] == "substitute"
    assert implicit["confidence"].is_monotonic_decreasing


def test_country_masks_other_label_spaces(analyzer, demo_models):
    only_gb = set(demo_models.intent.country_types_["GB"]) - set(demo_models.intent.country_types_["US"])
    assert only_gb
    result = analyzer.analyze("tea bags", country="US")
    assert only_gb.isdisjoint(set(result.intents["type"]))


def test_models_reload_from_artefact(demo_dataset, demo_models):
    key = model_key(demo_dataset, SearchParams.quick())
    reloaded = load_models(key)
    assert reloaded is not None
    queries = ["iphone 8", "dog food 12kg"]
    assert np.allclose(reloaded.intent.predict_proba(queries), demo_models.intent.predict_proba(queries), atol=1e-5)
    assert reloaded.tagger.predict([["iphone", "8"]]) == demo_models.tagger.predict([["iphone", "8"]])
    assert reloaded.graph.nodes == demo_models.graph.nodes


@pytest.mark.parametrize("text", ["", "   \n\t", "\u200b"])
def test_empty_query_is_rejected(analyzer, text):
    with pytest.raises(QueryError, match="empty"):
        analyzer.analyze(text)


@pytest.mark.parametrize("text", ["x" * 10_000, "📱📱 iphone 🔋", "苹果 手机 8", "<img src=x onerror=alert(1)>",
                                  "iphone\u00008", "a" * 500 + " case"])
def test_odd_queries_give_safe_results(analyzer, text):
    result = analyzer.analyze(text)
    assert len(result.query) <= 200
    assert len(result.tokens) == len(result.tags)
    assert np.isfinite(result.intents["probability"]).all()
    assert set(result.implicit.columns) >= {"key", "value", "source", "confidence"}


def test_long_query_warns(analyzer):
    result = analyzer.analyze("x" * 10_000)
    assert any("10,000 characters" in w for w in result.warnings)


def test_batch_reports_errors_per_row(analyzer):
    table = analyzer.analyze_many(["iphone 8", "", "dog food"])
    assert list(table["query"]) == ["iphone 8", "", "dog food"]
    assert "empty" in table.loc[1, "message"]
    assert table.loc[0, "intents"].startswith("phone")


def test_bad_thresholds_are_rejected(analyzer):
    with pytest.raises(ValueError, match="intent threshold"):
        analyzer.analyze("iphone 8", intent_threshold=1.5)
    with pytest.raises(ValueError, match="restart"):
        analyzer.analyze("iphone 8", restart=0.0)


def test_evaluation_beats_cooccurrence(demo_dataset, demo_models):
    from recsys_core.data import demo

    truth = demo.load_truth()
    scores = evaluate_search(demo_dataset, demo_models, truth, max_queries=150)
    assert scores["intent"]["queries"] > 100
    assert 0.0 <= scores["intent"]["macro_f1"] <= scores["intent"]["micro_f1"] + 0.5
    assert scores["intent"]["top1_accuracy"] > 0.5
    assert scores["attributes"]["micro_f1"] > 0.5
    assert "brand" in scores["attributes"]["per_type"]
    implicit = scores["implicit"]
    assert implicit["queries"] == 150
    assert implicit["hit_at_5"] > implicit["baseline_hit_at_5"]


def test_held_out_queries_unseen(demo_dataset):
    queries = demo_dataset.search_log["query"].str.lower().unique()
    held = [q for q in queries if is_held_out(q, 0.2)]
    assert 0.15 < len(held) / len(queries) < 0.25
    assert is_held_out(held[0], 0.2) == is_held_out(held[0].upper(), 0.2)


def test_planted_implicit_nodes(demo_dataset):
    from recsys_core.data import demo

    truth = demo.load_truth()
    row = next(r for r in truth.query_truth.itertuples() if r.query == "google phones")
    nodes = planted_implicit(row)
    assert "os:android" in nodes
    assert "type:phone case" in nodes
    assert "brand:samsung" in nodes


def test_cli_analyze_query_json(demo_models, capsys, monkeypatch):
    monkeypatch.setenv("RECSYS_SEARCH_PRESET", "quick")
    status = main(["analyze-query", "iphone 8", "--json", "--dataset", "demo", "--no-progress", "--country", "US"])
    output = json.loads(capsys.readouterr().out)
    assert status == 0
    assert output["intents"][0]["type"] == "phone"
    assert any(a["key"] == "brand" and a["value"] == "apple" for a in output["implicit_attributes"])


def test_cli_empty_query_exits_2(capsys):
    status = main(["analyze-query", "  ", "--dataset", "demo", "--no-progress"])
    assert status == 2
    assert "empty" in capsys.readouterr().err


def test_cli_missing_bio_file(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RECSYS_SEARCH_PRESET", "quick")
    status = main(["train", "search", "--dataset", "demo", "--no-progress", "--bio-file", str(tmp_path / "x.conll")])
    assert status == 2
    assert "does not exist" in capsys.readouterr().err
