"""Repeat rankers on simulated histories with known fitted values and rankings."""

import numpy as np
import pandas as pd
import pytest

from recsys_core.repeat import (
    MODEL_NAMES,
    DateOutOfRangeError,
    NotFittedError,
    PurchaseHistory,
    UnknownCustomerError,
    make_model,
)
from recsys_core.repeat.simulate import simulate_cycles


@pytest.fixture(scope="module")
def cycle_history():
    orders, products = simulate_cycles(
        {"weekly": (np.log(7), 0.15), "monthly": (np.log(60), 0.15), "tail": (3.0, 0.5)},
        customers=400, days=365, seed=11, categories={"weekly": "food", "monthly": "food", "tail": "care"})
    return PurchaseHistory.from_orders(orders, products)


def _orders(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "timestamp"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["basket_id"] = [f"b{i}" for i in range(len(frame))]
    return frame


@pytest.fixture(scope="module")
def degenerate_history():
    """Same-day repurchases, identical intervals and one-purchase customers, nothing else."""
    rows = []
    for customer in range(6):
        # 'same-day' is bought twice on each visit day: zero intervals plus 10-day gaps.
        for day in (1, 11, 21):
            rows.append((f"z{customer}", "same-day", f"2024-03-{day:02d} 09:00"))
            rows.append((f"z{customer}", "same-day", f"2024-03-{day:02d} 17:00"))
        # 'fixed' is bought every 7 days exactly: sigma = 0 before the floor.
        for day in (1, 8, 15, 22):
            rows.append((f"z{customer}", "fixed", f"2024-03-{day:02d} 10:00"))
    for customer in range(5):
        rows.append((f"once{customer}", "single", "2024-03-05 12:00"))  # no customer buys it twice
        rows.append((f"once{customer}", "fixed", "2024-03-05 12:00"))
    products = pd.DataFrame({"product_id": ["same-day", "fixed", "single"], "category": ["a", "a", "b"]})
    return PurchaseHistory.from_orders(_orders(rows), products)


def test_atd_recovers_planted_cycles(cycle_history):
    params = make_model("atd").fit(cycle_history).params_
    assert params.loc["tail", "mu"] == pytest.approx(3.0, abs=0.05)
    assert params.loc["tail", "sigma"] == pytest.approx(0.5, abs=0.05)
    assert params.loc["weekly", "median_days"] == pytest.approx(7, rel=0.05)
    assert params.loc["monthly", "median_days"] == pytest.approx(60, rel=0.05)
    assert (params["fit_source"] == "product").all()


def test_rcp_counts_repeat_customers():
    orders = _orders([("a", "x", "2024-01-01"), ("a", "x", "2024-01-09"), ("b", "x", "2024-01-02"),
                      ("c", "x", "2024-01-03"), ("c", "x", "2024-02-03"), ("d", "x", "2024-01-04"),
                      ("a", "y", "2024-01-01")])
    params = make_model("rcp").fit(orders).params_
    assert params.loc["x", "rcp"] == pytest.approx(0.5)
    assert params.loc["y", "rcp"] == 0.0


def test_atd_ranks_by_cycle_phase(cycle_history):
    model = make_model("atd").fit(cycle_history)
    customer = next(c for c in cycle_history.customers
                    if {"weekly", "monthly"} <= set(cycle_history.customer_events(c)["product_id"]))
    events = cycle_history.customer_events(customer)
    last_weekly = events[events["product_id"] == "weekly"]["day"].max()
    # One week after the last weekly purchase the weekly product is due, but not a year later.
    soon = pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(last_weekly) + 7)
    ranked = model.rank(customer, soon)
    assert ranked.iloc[0]["product_id"] == "weekly"


def test_atd_beats_rcp_on_which_product_is_due():
    # Two products with the same RCP; each customer last bought the weekly one 7 days ago and
    # the monthly one 2 days ago, so only the weekly product is due.
    rows = []
    for customer in range(30):
        for day in range(1, 60, 7):
            rows.append((f"c{customer}", "weekly", pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)))
        for day in (3, 33, 63 - 2):
            rows.append((f"c{customer}", "monthly", pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)))
    history = PurchaseHistory.from_orders(_orders(rows))
    at = pd.Timestamp("2024-01-01") + pd.Timedelta(days=57 + 7)
    atd = make_model("atd").fit(history).rank("c0", at)
    mpg = make_model("mpg").fit(history).rank("c0", at)
    assert atd.iloc[0]["product_id"] == "weekly"
    assert mpg.iloc[0]["product_id"] == "weekly"


def test_mpg_is_damped_right_after_a_purchase(cycle_history):
    model = make_model("mpg").fit(cycle_history)
    plain = make_model("pg").fit(cycle_history)
    state = pd.DataFrame({"product_id": ["monthly"], "purchases": [5], "first_day": [0], "last_day": [240]})
    just_after = model.rate(state, 241)[0]
    when_due = model.rate(state, 300)[0]
    assert when_due > just_after
    # Once twice the usual interval has passed, the modified rate is the plain PG rate.
    assert model.rate(state, 500)[0] == pytest.approx(plain.rate(state, 500)[0])


def test_pg_posterior_rate_formula(cycle_history):
    model = make_model("pg").fit(cycle_history)
    alpha, beta = model.params_.loc["weekly", ["alpha", "beta"]]
    state = pd.DataFrame({"product_id": ["weekly"], "purchases": [4], "first_day": [100], "last_day": [121]})
    expected_rate = (3 + alpha) / (130 - 100 + beta)
    assert model.rate(state, 130)[0] == pytest.approx(expected_rate)
    assert model.score_state(state, 130)[0] == pytest.approx(1 - np.exp(-7 * expected_rate))


def test_pg_prior_mean_rate_matches_cycle(cycle_history):
    params = make_model("pg").fit(cycle_history).params_
    # Buying every 7 days means about 1/7 purchases a day; every 60 days about 1/60.
    assert params.loc["weekly", "prior_mean_rate"] == pytest.approx(1 / 7, rel=0.15)
    assert params.loc["monthly", "prior_mean_rate"] == pytest.approx(1 / 60, rel=0.3)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_degenerate_history_gives_finite_output(degenerate_history, name):
    model = make_model(name).fit(degenerate_history)
    numeric = model.summary().select_dtypes("number")
    assert np.isfinite(numeric.to_numpy(dtype=float)).all(), numeric
    for customer in ("z0", "once0"):
        for at in ("2024-03-05", "2024-03-22", "2024-06-30"):
            ranked = model.rank(customer, at)
            assert np.isfinite(ranked["score"].to_numpy()).all(), (customer, at, ranked)
            assert (ranked["score"] >= 0).all()


def test_degenerate_history_fits(degenerate_history):
    params = make_model("atd").fit(degenerate_history).params_
    # Days 1, 1, 11, 11, 21, 21 give intervals 0, 10, 0, 10, 0: three zeros of five.
    assert params.loc["same-day", "zero_share"] == pytest.approx(0.6)
    assert params.loc["same-day", "mu"] == pytest.approx(np.log(10))
    assert params.loc["fixed", "sigma"] == pytest.approx(0.1)
    assert params.loc["fixed", "mu"] == pytest.approx(np.log(7))
    # 'single' has no intervals: it borrows the global fit (its category has none either).
    assert params.loc["single", "fit_source"] == "global"


def test_single_product_is_not_repeat_purchasable(degenerate_history):
    model = make_model("rcp").fit(degenerate_history)
    ranked = model.rank("once0", "2024-03-10")
    assert list(ranked["product_id"]) == ["fixed"]


def test_category_fallback_is_reported(cycle_history):
    orders = _orders([("x1", "rare", "2024-02-01"), ("x1", "rare", "2024-02-20")])
    history = PurchaseHistory.from_orders(
        pd.concat([cycle_history.events.assign(timestamp=pd.Timestamp("1970-01-01")
                                                + pd.to_timedelta(cycle_history.events["day"], unit="D"),
                                                basket_id=[f"e{i}" for i in range(len(cycle_history.events))])
                   .drop(columns="day"), orders], ignore_index=True),
        pd.DataFrame({"product_id": ["weekly", "monthly", "tail", "rare"],
                      "category": ["food", "food", "care", "care"]}))
    params = make_model("atd").fit(history).params_
    assert params.loc["rare", "fit_source"] == "category"
    assert params.loc["rare", "fit_group"] == "care"
    assert params.loc["rare", "mu"] == pytest.approx(params.loc["tail", "mu"], abs=0.05)


def test_unknown_customer_is_named(cycle_history):
    model = make_model("atd").fit(cycle_history)
    with pytest.raises(UnknownCustomerError, match="'nobody' is not in the purchase history"):
        model.rank("nobody", "2024-06-01")


def test_date_outside_data_is_rejected(cycle_history):
    model = make_model("atd").fit(cycle_history)
    with pytest.raises(DateOutOfRangeError, match="outside the data"):
        model.rank("c0", "1999-01-01")
    with pytest.raises(DateOutOfRangeError, match="outside the data"):
        model.rank("c0", "2030-01-01")
    with pytest.raises(DateOutOfRangeError, match="invalid date"):
        model.rank("c0", "not a date")


def test_unfitted_model_says_call_fit():
    with pytest.raises(NotFittedError, match="call fit"):
        make_model("pg").rank("c0", "2024-01-01")


def test_unknown_model_name_lists_choices():
    with pytest.raises(ValueError, match="rcp\\*atd"):
        make_model("lstm")


def test_degenerate_history_reports_are_finite(degenerate_history):
    from recsys_core.repeat.report import customer_timeline, product_report, rank_trajectory, rcp_table

    atd = make_model("atd").fit(degenerate_history)
    for product in ("same-day", "fixed"):
        report = product_report(atd, product)
        numbers = [value for value in report.values() if isinstance(value, float)]
        assert np.isfinite(numbers).all(), report
    table = rcp_table(degenerate_history, 0.0)
    assert np.isfinite(table.select_dtypes("number").to_numpy(dtype=float)).all()
    assert not customer_timeline(degenerate_history, "once0").empty
    for name in MODEL_NAMES:
        trajectory, anchor = rank_trajectory(make_model(name).fit(degenerate_history), "z0", "2024-04-01",
                                             horizon_days=30)
        assert np.isfinite(trajectory[["rank", "score"]].to_numpy(dtype=float)).all()
        assert anchor == degenerate_history.day_of("2024-03-22")


def test_product_without_repeat_customers_is_explained(degenerate_history):
    from recsys_core.repeat import NoRepeatCustomersError
    from recsys_core.repeat.report import product_report

    with pytest.raises(NoRepeatCustomersError, match="'single' has no repeat customers: none of its 5 customers"):
        product_report(make_model("atd").fit(degenerate_history), "single")


def test_pg_priors_are_read_back_from_cache(cycle_history, monkeypatch):
    from recsys_core.repeat import models

    first = models.cached_pg_params(cycle_history, 5, "all")

    def fail(*args, **kwargs):
        raise AssertionError("the cached priors should have been read, not refitted")

    monkeypatch.setattr(models, "fit_pg_params", fail)
    second = models.cached_pg_params(cycle_history, 5, "all")
    pd.testing.assert_frame_equal(first, second)
    with pytest.raises(AssertionError, match="should have been read"):
        models.cached_pg_params(cycle_history, 6, "all")
