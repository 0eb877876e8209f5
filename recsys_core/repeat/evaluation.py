"""Temporal evaluation of the repeat-purchase rankers and calibration of the ATD fits.

The models are fitted on the orders before a cut-off date and rank, at the cut-off, the
repeat-purchasable products each customer bought before it. The relevant products of a
customer are those bought both before the cut-off and in the test window after it (the
repurchases). Customers without a repurchase in the window are left out. Metrics are averaged
over customers:

precision@k   hits in the top k / k
recall@k      hits in the top k / repurchased products
NDCG@10       binary-relevance DCG of the top 10, divided by the best possible DCG
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from recsys_core.progress import ProgressCallback, report, scaled
from recsys_core.repeat.history import DateOutOfRangeError, PurchaseHistory, format_day
from recsys_core.repeat.models import MODEL_NAMES, ATDModel, RepeatRanker, make_model
from recsys_core.repeat.stats import to_day

logger = logging.getLogger(__name__)

DEFAULT_TEST_DAYS = 28
CALIBRATION_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass
class EvaluationResult:
    """Metrics table (one row per model) and the split it was measured on."""

    metrics: pd.DataFrame
    cutoff: str
    test_end: str
    k: int
    customers: int
    train_orders: int
    test_orders: int
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff, "test_end": self.test_end, "k": self.k,
            "customers_evaluated": self.customers, "train_orders": self.train_orders,
            "test_orders": self.test_orders, "notes": self.notes,
            "metrics": self.metrics.to_dict(orient="records"),
        }


def default_cutoff(orders: pd.DataFrame, test_days: int = DEFAULT_TEST_DAYS) -> pd.Timestamp:
    """Return the cut-off that leaves the last `test_days` days of the data for testing."""
    last = pd.Timestamp(orders["timestamp"].max()).normalize()
    return last - pd.Timedelta(days=test_days - 1)


def rank_all(model: RepeatRanker, day: int) -> pd.DataFrame:
    """Rank every customer's repeat-purchasable products at `day` from the fitted history.

    Returns customer_id, product_id, score and rank (1 = best) for all candidate pairs.
    """
    pairs = model.candidates(model.history_.pairs)
    scores = model.score_state(pairs, day)
    frame = pd.DataFrame({
        "customer_id": pairs["customer_id"].to_numpy(), "product_id": pairs["product_id"].to_numpy(),
        "score": scores, "last_day": pairs["last_day"].to_numpy(),
    })
    frame = frame.sort_values(["customer_id", "score", "last_day", "product_id"],
                              ascending=[True, False, False, True], kind="stable")
    frame["rank"] = frame.groupby("customer_id", sort=False).cumcount() + 1
    return frame.drop(columns="last_day").reset_index(drop=True)


def ranking_metrics(ranked: pd.DataFrame, relevant: pd.DataFrame, k: int = 10) -> dict[str, float]:
    """Average precision@k, recall@k and NDCG@10 over the customers in `relevant`.

    `relevant` contains customer_id and product_id of the repurchases; `ranked` comes from
    `rank_all`. A relevant product that is not ranked counts as a miss.
    """
    counts = relevant.groupby("customer_id").size().rename("relevant")
    if counts.empty:
        raise ValueError("no customer repurchased anything in the test window; widen the window or move the cut-off")
    hits = ranked.merge(relevant.assign(hit=1.0), on=["customer_id", "product_id"], how="inner")
    top_k = hits[hits["rank"] <= k].groupby("customer_id").size()
    discounts = 1.0 / np.log2(hits["rank"].to_numpy() + 1.0)
    dcg = pd.Series(np.where(hits["rank"] <= 10, discounts, 0.0), index=hits["customer_id"]).groupby(level=0).sum()
    ideal_table = np.cumsum(1.0 / np.log2(np.arange(2, 12)))
    ideal = counts.clip(upper=10).map(lambda n: ideal_table[n - 1])
    per_customer = pd.DataFrame({"relevant": counts})
    per_customer["hits"] = top_k.reindex(per_customer.index).fillna(0.0)
    per_customer["dcg"] = dcg.reindex(per_customer.index).fillna(0.0)
    return {
        f"precision@{k}": float((per_customer["hits"] / k).mean()),
        f"recall@{k}": float((per_customer["hits"] / per_customer["relevant"]).mean()),
        "ndcg@10": float((per_customer["dcg"] / ideal).mean()),
    }


def evaluate_models(orders: pd.DataFrame, products: Optional[pd.DataFrame] = None, *,
                    models: Sequence[str] = MODEL_NAMES, cutoff: Any = None,
                    test_days: int = DEFAULT_TEST_DAYS, k: int = 10, r_threshold: float = 0.0,
                    window_days: float = 7.0, engine: str = "duckdb",
                    progress: Optional[ProgressCallback] = None) -> EvaluationResult:
    """Fit every model before the cut-off and measure its ranking of the repurchases after it.

    Parameters
    ----------
    cutoff
        First test day; default: `test_days` days before the end of the data.
    test_days
        Length of the test window in days, starting at the cut-off.
    k
        Cut-off rank of precision@k and recall@k (NDCG is always at 10).
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if test_days < 1:
        raise ValueError(f"test_days must be >= 1, got {test_days}")
    cutoff_stamp = pd.Timestamp(cutoff).normalize() if cutoff is not None else default_cutoff(orders, test_days)
    days = to_day(orders["timestamp"])
    cutoff_day = int(to_day(pd.Series([cutoff_stamp]))[0])
    test_end_day = cutoff_day + test_days
    if cutoff_day <= days.min() or cutoff_day > days.max():
        raise DateOutOfRangeError(
            f"cut-off {format_day(cutoff_day)} leaves no training or no test orders; pick a date between "
            f"{format_day(int(days.min()) + 1)} and {format_day(int(days.max()))}"
        )
    train_mask = days < cutoff_day
    test_mask = (days >= cutoff_day) & (days < test_end_day)

    history = PurchaseHistory.from_orders(orders[train_mask], products, end=cutoff_stamp, engine=engine,
                                          progress=scaled(progress, 0.0, 0.4))
    test = orders[test_mask]
    bought_after = test[["customer_id", "product_id"]].astype(str).drop_duplicates()
    relevant = bought_after.merge(history.pairs[["customer_id", "product_id"]], on=["customer_id", "product_id"])

    rows = []
    for index, name in enumerate(models):
        report(progress, 0.4 + 0.6 * index / len(models), f"Fitting and ranking with {name}")
        model = make_model(name, r_threshold=r_threshold, window_days=window_days).fit(history)
        ranked = rank_all(model, cutoff_day)
        metrics = ranking_metrics(ranked, relevant, k)
        rows.append({"model": name, **metrics, "description": model.description})
    report(progress, 1.0, "Evaluation done")
    notes = [
        "Candidates: products each customer bought before the cut-off with RCP > r_threshold "
        f"(r_threshold = {r_threshold}).",
        "Relevant: candidates bought again in the test window; customers without one are left out.",
    ]
    return EvaluationResult(
        metrics=pd.DataFrame(rows), cutoff=format_day(cutoff_day), test_end=format_day(test_end_day - 1), k=k,
        customers=int(relevant["customer_id"].nunique()), train_orders=int(train_mask.sum()),
        test_orders=int(test_mask.sum()), notes=notes,
    )


def atd_calibration(model: ATDModel, products: Optional[Sequence[str]] = None,
                    quantiles: Sequence[float] = CALIBRATION_QUANTILES, min_intervals: int = 30) -> pd.DataFrame:
    """Compare each product's fitted interval quantiles with the observed ones.

    Only positive intervals count (the log-normal part). Products come from `products`, or all
    products fitted on their own intervals with at least `min_intervals` of them.

    Returns
    -------
    DataFrame with product_id, quantile, predicted_days, observed_days, log_ratio
    (ln observed / predicted) and coverage (share of observed intervals at or below the
    predicted quantile, which equals the quantile for a calibrated fit).
    """
    params = model._require_fit()
    history = model.history_
    if products is None:
        eligible = params[(params["fit_source"] == "product") & (params["positive_intervals"] >= min_intervals)]
        products = list(eligible.index)
    quantiles = np.asarray(quantiles, dtype=float)
    z = norm.ppf(quantiles)
    events = history.events[history.events["product_id"].isin(set(products))]
    events = events.sort_values(["product_id", "customer_id", "day"], kind="stable")
    same = (events["product_id"].to_numpy()[1:] == events["product_id"].to_numpy()[:-1]) & (
        events["customer_id"].to_numpy()[1:] == events["customer_id"].to_numpy()[:-1])
    gaps = np.diff(events["day"].to_numpy()).astype(float)
    intervals = pd.DataFrame({"product_id": events["product_id"].to_numpy()[1:][same], "gap": gaps[same]})
    intervals = intervals[intervals["gap"] > 0]
    rows = []
    for product, group in intervals.groupby("product_id", sort=True):
        mu, sigma = params.loc[product, ["mu", "sigma"]]
        observed = np.quantile(group["gap"].to_numpy(), quantiles)
        predicted = np.exp(mu + sigma * z)
        coverage = (group["gap"].to_numpy()[:, None] <= predicted[None, :]).mean(axis=0)
        for q, pred, obs, cov in zip(quantiles, predicted, observed, coverage):
            rows.append((product, q, pred, obs, float(np.log(obs / pred)), cov))
    return pd.DataFrame(rows, columns=["product_id", "quantile", "predicted_days", "observed_days", "log_ratio", "coverage"])


def calibration_summary(calibration: pd.DataFrame) -> pd.DataFrame:
    """Per quantile: products, median |ln observed / predicted| and mean coverage."""
    if calibration.empty:
        return pd.DataFrame(columns=["quantile", "products", "median_abs_log_ratio", "mean_coverage"])
    grouped = calibration.groupby("quantile")
    return pd.DataFrame({
        "products": grouped.size(),
        "median_abs_log_ratio": grouped["log_ratio"].apply(lambda values: float(np.median(np.abs(values)))),
        "mean_coverage": grouped["coverage"].mean(),
    }).reset_index()
