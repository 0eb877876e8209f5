"""Views of a fitted history for the CLI and the app: a product's fit, a customer's rankings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from recsys_core.repeat.history import (
    NoRepeatCustomersError,
    PurchaseHistory,
    format_day,
)
from recsys_core.repeat.models import ATDModel, RepeatRanker, rank_state


def product_report(model: ATDModel, product: str) -> dict[str, Any]:
    """Collect the RCP, log-normal fit and intervals of `product`.

    Raises
    ------
    UnknownProductError
        When the product has no orders.
    NoRepeatCustomersError
        When no customer bought it twice, so there are no intervals to show.
    """
    history = model.history_
    row = history.check_product(product)
    params = model.params_.loc[str(product)]
    if int(row["repeat_customers"]) == 0:
        examples = ", ".join(history.product_stats.nlargest(3, "repeat_customers")["product_id"])
        raise NoRepeatCustomersError(
            f"product {product!r} has no repeat customers: none of its {int(row['customers'])} customers "
            f"bought it twice, so it has no repurchase intervals to fit (its ATD score borrows the "
            f"{params['fit_source']} fit of {params['fit_group']!r}); pick a product with repeat customers, "
            f"such as {examples}"
        )
    intervals = history.product_intervals(product)
    return {
        "product_id": str(product),
        "title": history.title(product),
        "customers": int(row["customers"]),
        "repeat_customers": int(row["repeat_customers"]),
        "rcp": float(row["rcp"]),
        "intervals": int(row["intervals"]),
        "zero_intervals": int(row["zero_intervals"]),
        "zero_share": float(params["zero_share"]),
        "mu": float(params["mu"]),
        "sigma": float(params["sigma"]),
        "sigma_mle": float(params["sigma_mle"]),
        "median_days": float(params["median_days"]),
        "fit_source": str(params["fit_source"]),
        "fit_group": str(params["fit_group"]),
        "interval_days": intervals,
    }


def rcp_table(history: PurchaseHistory, r_threshold: float, min_customers: int = 1) -> pd.DataFrame:
    """List products with their RCP and whether they pass `r_threshold`, most repeat customers first."""
    table = history.product_stats[["product_id", "customers", "repeat_customers", "rcp"]].copy()
    table = table[table["customers"] >= min_customers]
    table.insert(1, "title", [history.title(product) for product in table["product_id"]])
    table["repeat_purchasable"] = table["rcp"] > r_threshold
    return table.sort_values(["repeat_customers", "rcp"], ascending=False).reset_index(drop=True)


def customer_timeline(history: PurchaseHistory, customer: str) -> pd.DataFrame:
    """List the purchase events of `customer` with date and title, oldest first."""
    events = history.customer_events(customer)
    return pd.DataFrame({
        "date": [format_day(int(day)) for day in events["day"]],
        "day": events["day"].to_numpy(),
        "product_id": events["product_id"].to_numpy(),
        "title": [history.title(product) for product in events["product_id"]],
    })


def last_purchase_day(history: PurchaseHistory, customer: str, day: int) -> int:
    """Return the day of the customer's last purchase on or before `day`."""
    events = history.customer_events(customer)
    before = events["day"][events["day"] <= day]
    if before.empty:
        raise ValueError(
            f"customer {customer!r} made no purchase on or before {format_day(day)}; their first purchase "
            f"is on {format_day(int(events['day'].min()))}, so pick a later date"
        )
    return int(before.max())


def rank_trajectory(model: RepeatRanker, customer: str, at: Any, horizon_days: int = 90,
                    top: int = 10) -> tuple[pd.DataFrame, int]:
    """Rank a customer's candidates on each day after their last purchase before `at`.

    The purchase history stays as it was on the day of that last purchase (the anchor), so the
    chart shows how the ranking moves while the customer buys nothing.

    Returns
    -------
    (trajectory, anchor_day): trajectory has days_since_last, date, product_id, title, rank and
    score for the `top` products of the ranking at `at`, one row per product and day.
    """
    history = model.history_
    day = history.day_of(at)
    history.check_day(day)
    anchor = last_purchase_day(history, customer, day)
    state = model.candidates(history.customer_state(customer, anchor))
    horizon = max(int(horizon_days), day - anchor + 1)
    if state.empty:
        return pd.DataFrame(columns=["days_since_last", "date", "product_id", "title", "rank", "score"]), anchor
    frames = []
    for offset in range(horizon + 1):
        ranked = rank_state(state, model.score_state(state, anchor + offset), anchor + offset)
        ranked["days_since_last"] = offset
        ranked["date"] = format_day(anchor + offset)
        frames.append(ranked[["days_since_last", "date", "product_id", "rank", "score"]])
    trajectory = pd.concat(frames, ignore_index=True)
    chosen = trajectory[(trajectory["days_since_last"] == day - anchor) & (trajectory["rank"] <= top)]["product_id"]
    trajectory = trajectory[trajectory["product_id"].isin(set(chosen))].copy()
    trajectory.insert(3, "title", [history.title(product) for product in trajectory["product_id"]])
    trajectory["score"] = np.nan_to_num(trajectory["score"].astype(float))
    return trajectory.reset_index(drop=True), anchor
