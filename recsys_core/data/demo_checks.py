"""Compare a demo world's tables with its planted truth.

Each function measures one planted rule on the simulated tables, so the tests, the
``recsys demo`` command, the benchmark and the demo page report the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys_core.data.demo import DemoTruth
from recsys_core.data.schema import Dataset


def complement_directions(dataset: Dataset, truth: DemoTruth) -> pd.DataFrame:
    """One row per planted complement pair a -> b with the co-purchase edges found.

    Columns src, dst, forward (edge a -> b exists), reverse (edge b -> a exists),
    planted_only (forward and not reverse), support and confidence of the forward edge.
    """
    copurchase = dataset.require("copurchase", "the complement direction check")
    edges = copurchase.set_index(["src", "dst"])
    rows = []
    for src, dst in truth.complement_pairs:
        forward = (src, dst) in edges.index
        reverse = (dst, src) in edges.index
        rows.append({
            "src": src, "dst": dst, "forward": forward, "reverse": reverse, "planted_only": forward and not reverse,
            "support": int(edges.loc[(src, dst), "support"]) if forward and "support" in edges else 0,
            "confidence": float(edges.loc[(src, dst), "confidence"]) if forward and "confidence" in edges else 0.0,
        })
    return pd.DataFrame(rows, columns=["src", "dst", "forward", "reverse", "planted_only", "support", "confidence"])


def coview_type_share(dataset: Dataset) -> float:
    """Share of co-view edges whose two products have the same type (substitutes)."""
    coview = dataset.require("coview", "the co-view check")
    types = dataset.products.set_index("product_id")["type"]
    if coview.empty:
        return float("nan")
    return float((coview["src"].map(types) == coview["dst"].map(types)).mean())


def repurchase_intervals(orders: pd.DataFrame) -> pd.DataFrame:
    """Days between consecutive purchases of the same product by the same customer.

    Columns customer_id, product_id, days. Same-instant repeats (0 days) are dropped because
    a log-normal has no mass at zero.
    """
    ordered = orders.sort_values(["customer_id", "product_id", "timestamp"])
    gaps = ordered.groupby(["customer_id", "product_id"])["timestamp"].diff().dt.total_seconds() / 86400.0
    frame = pd.DataFrame({"customer_id": ordered["customer_id"], "product_id": ordered["product_id"], "days": gaps})
    return frame[frame["days"] > 0].reset_index(drop=True)


def cycle_recovery(dataset: Dataset, truth: DemoTruth, min_intervals: int = 30) -> pd.DataFrame:
    """Planted (mu, sigma) beside the log-normal fitted to each consumable's simulated intervals.

    The fit is the maximum-likelihood estimate with location 0: mu_hat and sigma_hat are the
    mean and the standard deviation (ddof=0) of ln(interval in days). Products with fewer than
    `min_intervals` intervals are left out. ``mu_error`` is |mu_hat - mu|.
    """
    intervals = repurchase_intervals(dataset.require("orders", "the repurchase cycle check"))
    logs = np.log(intervals["days"])
    fitted = logs.groupby(intervals["product_id"]).agg(["mean", "std", "size"])
    fitted["std"] = logs.groupby(intervals["product_id"]).std(ddof=0)
    fitted.columns = ["mu_hat", "sigma_hat", "intervals"]
    cycles = truth.cycles.set_index("product_id")[["mu", "sigma"]].join(fitted, how="inner")
    cycles = cycles[cycles["intervals"] >= min_intervals].copy()
    cycles["mu_error"] = (cycles["mu_hat"] - cycles["mu"]).abs()
    cycles["median_days"] = np.exp(cycles["mu"])
    return cycles.reset_index().sort_values("product_id").reset_index(drop=True)


def label_spaces(dataset: Dataset) -> dict[str, list[str]]:
    """Product types clicked from each country's searches: the intent label space there."""
    search_log = dataset.require("search_log", "the label space check")
    types = dataset.products.set_index("product_id")["type"]
    clicked = search_log.assign(type=search_log["product_id"].map(types))
    return {country: sorted(group["type"].unique()) for country, group in clicked.groupby("country")}


def summary(dataset: Dataset, truth: DemoTruth) -> dict[str, float]:
    """Headline figures of every check, as plain numbers for the CLI, the page and the benchmark."""
    directions = complement_directions(dataset, truth)
    cycles = cycle_recovery(dataset, truth)
    spaces = label_spaces(dataset)
    return {
        "planted_complement_pairs": int(len(directions)),
        "planted_direction_only_share": float(directions["planted_only"].mean()) if len(directions) else float("nan"),
        "reverse_edges": int(directions["reverse"].sum()),
        "coview_same_type_share": coview_type_share(dataset),
        "consumables_fitted": int(len(cycles)),
        "consumables_mu_within_0_1": int((cycles["mu_error"] < 0.1).sum()),
        "search_queries": int(dataset.search_log["query"].nunique()),
        "labelled_queries": int(len(dataset.labelled_queries)),
        "countries": int(len(spaces)),
        "distinct_label_spaces": int(len({tuple(types) for types in spaces.values()})),
    }
