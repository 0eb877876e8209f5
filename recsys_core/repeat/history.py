"""Purchase histories: the events, pair and product statistics that every repeat model reads."""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from recsys_core.progress import ProgressCallback, report
from recsys_core.repeat import stats as repeat_stats

logger = logging.getLogger(__name__)

MAX_DAYS_AFTER_DATA = 365
"""How far past the last order a ranking date may lie; later dates are rejected."""


class UnknownCustomerError(ValueError):
    """The customer id is not in the purchase history."""


class UnknownProductError(ValueError):
    """The product id is not in the purchase history."""


class DateOutOfRangeError(ValueError):
    """A ranking date lies before the data or too far after it."""


class NoRepeatCustomersError(ValueError):
    """The product has no customer who bought it twice, so it has no intervals to show."""


def format_day(day: int) -> str:
    return repeat_stats.day_to_timestamp(day).strftime("%Y-%m-%d")


class PurchaseHistory:
    """Purchase events before a cut-off, with the statistics the models fit on.

    Build it with `from_orders`. Days are whole calendar days since 1970-01-01.

    Attributes
    ----------
    events : DataFrame
        customer_id, product_id, day; one row per purchase event, sorted by customer.
    pairs : DataFrame
        customer_id, product_id, purchases, first_day, last_day over all events.
    product_stats : DataFrame
        One row per product, see `recsys_core.repeat.stats`.
    categories : Series
        Category of each product id ('' when unknown).
    first_day, last_day : int
        Days of the first and last event.
    end_day : int
        First day after the history (the cut-off); exposures are measured up to it.
    """

    def __init__(self, events: pd.DataFrame, pairs: pd.DataFrame, product_stats: pd.DataFrame,
                 categories: pd.Series, end_day: int, titles: Optional[pd.Series] = None):
        if events.empty:
            raise ValueError("the purchase history is empty; the orders table needs at least one row before the cut-off")
        self.events = events
        self.pairs = pairs
        self.product_stats = product_stats
        self.categories = categories
        self.titles = titles if titles is not None else pd.Series(dtype=object)
        self.first_day = int(events["day"].min())
        self.last_day = int(events["day"].max())
        self.end_day = int(end_day)
        self.stats_by_product = product_stats.set_index("product_id")
        codes, uniques = pd.factorize(events["customer_id"], sort=False)
        boundaries = np.flatnonzero(np.diff(codes)) + 1
        starts = np.concatenate([[0], boundaries])
        stops = np.concatenate([boundaries, [len(events)]])
        self._customer_rows = {str(uniques[codes[start]]): (int(start), int(stop)) for start, stop in zip(starts, stops)}
        self._memo: dict[Any, Any] = {}

    @classmethod
    def from_orders(cls, orders: pd.DataFrame, products: Optional[pd.DataFrame] = None, end: Any = None,
                    engine: str = "duckdb", progress: Optional[ProgressCallback] = None) -> "PurchaseHistory":
        """Build the history of `orders` strictly before `end` (a date; default: all orders).

        Parameters
        ----------
        orders
            The orders table of a dataset (customer_id, product_id, timestamp, basket_id).
        products
            The products table; its category column drives the fallback fits.
        end
            Cut-off date. Orders on or after its day are left out.
        engine
            'duckdb' or 'pandas' for the per-product statistics.
        """
        if orders is None or len(orders) == 0:
            raise ValueError("the dataset has no orders; repeat-purchase models need an orders table")
        report(progress, 0.0, "Collapsing orders to purchase events")
        days = repeat_stats.to_day(orders["timestamp"])
        if end is not None:
            end_day = int(repeat_stats.to_day(pd.Series([pd.Timestamp(end)]))[0])
            orders = orders[days < end_day]
            if orders.empty:
                raise DateOutOfRangeError(
                    f"no order before the cut-off {format_day(end_day)}; the data starts on "
                    f"{format_day(int(days.min()))}, so pick a later cut-off"
                )
        else:
            end_day = int(days.max()) + 1
        events = repeat_stats.purchase_events(orders)
        events = events.sort_values(["customer_id", "day", "product_id"], kind="stable").reset_index(drop=True)
        report(progress, 0.4, f"Computing per-product statistics with {engine}")
        product_stats = repeat_stats.product_stats(orders, engine=engine)
        report(progress, 0.7, "Computing per-customer statistics")
        pairs = repeat_stats.pair_stats_pandas(orders, events=events)
        categories = pd.Series("", index=product_stats["product_id"], dtype=object)
        titles = None
        if products is not None and len(products):
            indexed = products.drop_duplicates("product_id").set_index("product_id")
            if "category" in indexed.columns:
                categories = indexed["category"].reindex(product_stats["product_id"]).fillna("").astype(str)
            if "title" in indexed.columns:
                titles = indexed["title"].astype(str)
        report(progress, 1.0, "Purchase history ready")
        return cls(events, pairs, product_stats, categories, end_day, titles)

    # Look-ups -----------------------------------------------------------------------------------

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return the cached result of `compute` under `key`, computing it once.

        Models that share a fit (PG and modified PG, alone or times RCP) reuse it this way.
        """
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def customers(self) -> list[str]:
        return list(self._customer_rows)

    def has_customer(self, customer: str) -> bool:
        return str(customer) in self._customer_rows

    def customer_events(self, customer: str) -> pd.DataFrame:
        """Purchase events of `customer` (customer_id, product_id, day), sorted by day."""
        customer = str(customer)
        if customer not in self._customer_rows:
            examples = ", ".join(self.customers[:3])
            raise UnknownCustomerError(
                f"customer {customer!r} is not in the purchase history of {len(self._customer_rows):,} "
                f"customers; pick an existing id such as {examples}"
            )
        start, stop = self._customer_rows[customer]
        return self.events.iloc[start:stop]

    def customer_state(self, customer: str, day: int) -> pd.DataFrame:
        """Per-product state of `customer` from the events on or before `day`.

        Returns product_id, purchases, first_day, last_day (an empty frame when the customer
        bought nothing by then).
        """
        events = self.customer_events(customer)
        events = events[events["day"] <= day]
        grouped = events.groupby("product_id", sort=True)["day"]
        state = grouped.agg(purchases="size", first_day="min", last_day="max").reset_index()
        return state.astype({"purchases": "int64", "first_day": "int64", "last_day": "int64"})

    def check_day(self, day: int) -> None:
        """Raise `DateOutOfRangeError` unless `day` lies within the data or shortly after it."""
        latest = self.last_day + MAX_DAYS_AFTER_DATA
        if day < self.first_day or day > latest:
            raise DateOutOfRangeError(
                f"date {format_day(day)} is outside the data: pick a date from {format_day(self.first_day)} "
                f"(first order) to {format_day(latest)} ({MAX_DAYS_AFTER_DATA} days after the last order)"
            )

    def check_product(self, product: str) -> pd.Series:
        """Statistics row of `product`, or `UnknownProductError` naming the fix."""
        product = str(product)
        if product not in self.stats_by_product.index:
            raise UnknownProductError(
                f"product {product!r} has no orders in this dataset; pick a product id from the orders table"
            )
        return self.stats_by_product.loc[product]

    def product_intervals(self, product: str) -> np.ndarray:
        """All intervals (days, zeros included) between successive events of `product`."""
        self.check_product(product)
        events = self.events[self.events["product_id"] == str(product)].sort_values(["customer_id", "day"])
        same = events["customer_id"].to_numpy()[1:] == events["customer_id"].to_numpy()[:-1]
        gaps = np.diff(events["day"].to_numpy())
        return gaps[same].astype(float)

    def title(self, product: str) -> str:
        product = str(product)
        if product in self.titles.index:
            return str(self.titles.loc[product])
        return product

    def day_of(self, when: Any) -> int:
        """Whole calendar day (days since 1970-01-01) of a date or timestamp."""
        try:
            stamp = pd.Timestamp(when)
        except (ValueError, TypeError) as error:
            raise DateOutOfRangeError(f"invalid date {when!r}: {error}; use the form YYYY-MM-DD") from None
        if stamp is pd.NaT:
            raise DateOutOfRangeError(f"invalid date {when!r}; use the form YYYY-MM-DD")
        return int(repeat_stats.to_day(pd.Series([stamp]))[0])
