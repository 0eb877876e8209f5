"""Temporal evaluation: metric arithmetic, planted cycles, calibration and the demo world."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from recsys_core.repeat import PurchaseHistory, make_model
from recsys_core.repeat.evaluation import (
    atd_calibration,
    calibration_summary,
    evaluate_models,
    ranking_metrics,
)
from recsys_core.repeat.simulate import simulate_cycles

# Products with the same RCP (every customer repeats) but different cycles: only the timing
# models can tell which one is due.
PLANTED = {f"p{i}": (np.log(days), 0.2) for i, days in enumerate([5, 9, 14, 21, 30, 45, 60, 90])}


def test_ranking_metrics_hand_computed():
    ranked = pd.DataFrame({"customer_id": ["u"] * 3, "product_id": ["a", "b", "c"], "rank": [1, 2, 3]})
    relevant = pd.DataFrame({"customer_id": ["u", "u"], "product_id": ["b", "d"]})
    metrics = ranking_metrics(ranked, relevant, k=2)
    assert metrics["precision@2"] == pytest.approx(0.5)
    assert metrics["recall@2"] == pytest.approx(0.5)
    assert metrics["ndcg@10"] == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)))


def test_ranking_metrics_count_unranked_customers_as_misses():
    ranked = pd.DataFrame({"customer_id": ["u"], "product_id": ["a"], "rank": [1]})
    relevant = pd.DataFrame({"customer_id": ["u", "v"], "product_id": ["a", "z"]})
    metrics = ranking_metrics(ranked, relevant, k=1)
    assert metrics["precision@1"] == pytest.approx(0.5)
    assert metrics["ndcg@10"] == pytest.approx(0.5)


def test_timing_models_beat_rcp_on_planted_cycles():
    orders, products = simulate_cycles(PLANTED, customers=150, days=240, seed=5, buy_share=0.8)
    result = evaluate_models(orders, products, test_days=3, k=3)
    ndcg = result.metrics.set_index("model")["ndcg@10"]
    assert result.customers > 50
    assert ndcg["atd"] > ndcg["rcp"] + 0.05
    assert ndcg["mpg"] > ndcg["rcp"] + 0.05
    assert ndcg["rcp*atd"] > ndcg["rcp"] + 0.05
    assert np.isfinite(result.metrics.select_dtypes("number").to_numpy()).all()


def test_cutoff_outside_data_rejected():
    orders, products = simulate_cycles({"a": (2.0, 0.3)}, customers=10, days=60, seed=1)
    with pytest.raises(ValueError, match="cut-off 2030-01-01 leaves no training or no test orders"):
        evaluate_models(orders, products, cutoff="2030-01-01")


def test_atd_calibration_on_lognormal_data():
    orders, products = simulate_cycles({"a": (3.0, 0.4), "b": (2.0, 0.6)}, customers=400, days=400, seed=8)
    model = make_model("atd").fit(PurchaseHistory.from_orders(orders, products))
    table = atd_calibration(model)
    assert set(table["product_id"]) == {"a", "b"}
    median = table[table["quantile"] == 0.5]
    assert np.all(np.abs(median["log_ratio"]) < 0.05)
    summary = calibration_summary(table).set_index("quantile")
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        assert summary.loc[q, "mean_coverage"] == pytest.approx(q, abs=0.05)


DEMO_MISSING = importlib.util.find_spec("recsys_core.data.demo") is None


@pytest.mark.skipif(DEMO_MISSING, reason="recsys_core.data.demo (the demo world with planted cycles) "
                                         "is not in this branch yet")
def test_timing_models_beat_rcp_on_demo_world():
    from recsys_core.data import demo

    dataset, truth = demo.generate(customers=400, days=365, seed=3)
    result = evaluate_models(dataset.orders, dataset.products, test_days=7)
    ndcg = result.metrics.set_index("model")["ndcg@10"]
    assert ndcg["atd"] > ndcg["rcp"]
    assert ndcg["mpg"] > ndcg["rcp"]
    # The planted cycles come back: fitted medians within 20% of exp(mu) for cycled products.
    params = make_model("atd").fit(PurchaseHistory.from_orders(dataset.orders, dataset.products)).params_
    cycles = truth.cycles.set_index("product_id")
    fitted = params.reindex(cycles.index)
    own = fitted["fit_source"] == "product"
    assert own.any()
    ratio = fitted.loc[own, "median_days"] / np.exp(cycles.loc[own, "mu"])
    assert ratio.between(0.8, 1.25).mean() > 0.8
