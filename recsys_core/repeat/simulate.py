"""Simulated purchase histories with known repurchase cycles, for tests and examples.

Each customer buys each of their products as a renewal process: the days between purchases
are drawn from the product's log-normal, ln t ~ N(mu, sigma^2), and rounded to whole days, so
the fitted parameters have known true values.
"""

from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
import pandas as pd


def simulate_cycles(cycles: Mapping[str, tuple[float, float]], customers: int = 200, days: int = 365,
                    seed: int = 0, start: str = "2024-01-01", categories: Optional[Mapping[str, str]] = None,
                    buy_share: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate orders of `customers` customers over `days` days.

    Parameters
    ----------
    cycles
        Product id to (mu, sigma) of its log-normal interval in days.
    buy_share
        Probability that a customer buys a given product at all.
    categories
        Product id to category; products without one get category ''.

    Returns
    -------
    orders (customer_id, product_id, timestamp, quantity, basket_id) and products
    (product_id, title, category).
    """
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp(start)
    rows = []
    for customer in range(customers):
        for product, (mu, sigma) in cycles.items():
            if rng.random() >= buy_share:
                continue
            # The first purchase falls anywhere in the first typical cycle, so customers are out of phase.
            day = int(rng.integers(0, max(1, int(np.exp(mu)))))
            while day < days:
                rows.append((f"c{customer}", product, day))
                day += int(round(rng.lognormal(mu, sigma)))
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "day"])
    frame = frame.sort_values(["day", "customer_id", "product_id"], kind="stable").reset_index(drop=True)
    # Hours keep distinct baskets of one day apart; each purchase is its own basket.
    hours = rng.integers(8, 20, len(frame))
    orders = pd.DataFrame({
        "customer_id": frame["customer_id"],
        "product_id": frame["product_id"],
        "timestamp": origin + pd.to_timedelta(frame["day"], unit="D") + pd.to_timedelta(hours, unit="h"),
        "quantity": 1,
        "basket_id": [f"b{i}" for i in range(len(frame))],
    })
    categories = categories or {}
    products = pd.DataFrame({
        "product_id": list(cycles),
        "title": [f"Product {product}" for product in cycles],
        "category": [categories.get(product, "") for product in cycles],
    })
    return orders, products
