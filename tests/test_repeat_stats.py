"""Per-product statistics: hand-made answers, and DuckDB equal to pandas."""

import numpy as np
import pandas as pd
import pytest

from recsys_core.repeat import stats
from recsys_core.repeat.simulate import simulate_cycles


def _hand_made_orders():
    rows = [
        # customer, product, timestamp, basket
        ("u1", "milk", "2024-01-01 09:00", "b1"),
        ("u1", "milk", "2024-01-01 09:00", "b1"),  # duplicate row of the same basket: one event
        ("u1", "milk", "2024-01-08 10:00", "b2"),
        ("u1", "milk", "2024-01-08 18:00", "b3"),  # same-day repurchase: interval 0
        ("u1", "milk", "2024-01-22 10:00", "b4"),
        ("u2", "milk", "2024-01-03 10:00", "b5"),
        ("u3", "milk", "2024-01-05 10:00", "b6"),
        ("u3", "milk", "2024-01-12 10:00", "b7"),
        ("u2", "soap", "2024-01-03 10:00", "b5"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "timestamp", "basket_id"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


def test_hand_made_product_stats():
    table = stats.product_stats_pandas(_hand_made_orders()).set_index("product_id")
    milk = table.loc["milk"]
    assert milk["customers"] == 3
    assert milk["repeat_customers"] == 2
    assert milk["rcp"] == pytest.approx(2 / 3)
    assert milk["purchases"] == 7
    assert milk["intervals"] == 4  # u1: 7, 0, 14; u3: 7
    assert milk["zero_intervals"] == 1
    assert milk["positive_intervals"] == 3
    assert milk["interval_sum"] == 28
    assert milk["log_sum"] == pytest.approx(2 * np.log(7) + np.log(14))
    soap = table.loc["soap"]
    assert soap["rcp"] == 0.0
    assert soap["intervals"] == 0


def test_duckdb_equals_pandas_on_hand_made_orders():
    orders = _hand_made_orders()
    pd.testing.assert_frame_equal(stats.product_stats_pandas(orders), stats.product_stats_duckdb(orders))
    pd.testing.assert_frame_equal(stats.pair_stats_pandas(orders), stats.pair_stats_duckdb(orders))


def test_duckdb_equals_pandas_on_simulated_orders(tmp_path):
    orders, _ = simulate_cycles({"a": (2.0, 0.6), "b": (3.5, 0.3), "c": (1.0, 1.0)}, customers=300, seed=2)
    expected = stats.product_stats_pandas(orders)
    pd.testing.assert_frame_equal(expected, stats.product_stats_duckdb(orders), check_exact=False, rtol=1e-10)
    path = tmp_path / "orders.parquet"
    orders.to_parquet(path, index=False)
    from_parquet = stats.product_stats_duckdb(str(path))
    pd.testing.assert_frame_equal(expected, from_parquet, check_exact=False, rtol=1e-10)


def test_orders_without_basket_use_timestamps():
    orders = _hand_made_orders().drop(columns="basket_id")
    pandas_table = stats.product_stats_pandas(orders).set_index("product_id")
    duckdb_table = stats.product_stats_duckdb(orders).set_index("product_id")
    # Without baskets the duplicated row (same timestamp) still counts once.
    assert pandas_table.loc["milk", "purchases"] == 7
    assert duckdb_table.loc["milk", "purchases"] == 7


def test_missing_parquet_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.parquet"):
        stats.product_stats_duckdb(str(tmp_path / "nothing.parquet"))


def test_unknown_engine_rejected():
    with pytest.raises(ValueError, match="unknown engine"):
        stats.product_stats(_hand_made_orders(), engine="spark")
