"""Purchase events and per-product repeat statistics, in DuckDB or in pandas.

A *purchase event* is one checkout of a product by a customer: rows of the orders table that
share customer, product and basket (or timestamp, when there is no basket id) count once.
Time is measured in whole calendar days (`day` = days since 1970-01-01), so an *interval* is the
number of days between two successive events of the same customer and product. An interval of
0 is a same-day repurchase; the log-normal fits ignore those and count them separately.

Both engines return the same tables (`tests/test_repeat_stats.py` checks it). DuckDB reads
Parquet files or Arrow tables in a streaming way and spills to disk, so it handles tens of
millions of transactions on one machine. The pandas path is the reference implementation.

Product statistics (one row per product)
----------------------------------------
customers           customers who bought the product at least once
repeat_customers    customers who bought it in two or more events
rcp                 repeat customer probability, repeat_customers / customers
purchases           purchase events
intervals           intervals between successive events of the same customer
zero_intervals      intervals of 0 days (same-day repurchases)
positive_intervals  intervals of 1 day or more
interval_sum        sum of all intervals, in days
log_sum, log_sq_sum sums of ln(interval) and ln(interval)^2 over the positive intervals

Pair statistics (one row per customer and product)
--------------------------------------------------
purchases, first_day, last_day
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Union

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

PRODUCT_STAT_COLUMNS = [
    "product_id", "customers", "repeat_customers", "rcp", "purchases", "intervals",
    "zero_intervals", "positive_intervals", "interval_sum", "log_sum", "log_sq_sum",
]
PAIR_STAT_COLUMNS = ["customer_id", "product_id", "purchases", "first_day", "last_day"]

OrdersSource = Union[pd.DataFrame, "os.PathLike[str]", str, "pyarrow.Table"]  # noqa: F821


def to_day(timestamps: pd.Series | np.ndarray) -> np.ndarray:
    """Convert timestamps to whole calendar days since 1970-01-01 (int64)."""
    values = np.asarray(pd.to_datetime(timestamps)).astype("datetime64[D]")
    return values.astype("int64")


def day_to_timestamp(day: int | float) -> pd.Timestamp:
    return pd.Timestamp("1970-01-01") + pd.Timedelta(days=int(day))


def purchase_events(orders: pd.DataFrame) -> pd.DataFrame:
    """Collapse order rows to purchase events, sorted by customer, product and day.

    Returns
    -------
    DataFrame with columns customer_id, product_id, day (int64 days since 1970-01-01).
    """
    frame = pd.DataFrame({
        "customer_id": orders["customer_id"].astype(str).to_numpy(),
        "product_id": orders["product_id"].astype(str).to_numpy(),
        "day": to_day(orders["timestamp"]),
        "event": _event_keys(orders),
    })
    events = frame.groupby(["customer_id", "product_id", "event"], sort=False, observed=True)["day"].min()
    events = events.reset_index().drop(columns="event")
    return events.sort_values(["customer_id", "product_id", "day"], kind="stable").reset_index(drop=True)


def _event_keys(orders: pd.DataFrame) -> np.ndarray:
    """Return one int64 key per purchase event: the basket code, or -1 - timestamp without a basket."""
    stamps = pd.to_datetime(orders["timestamp"]).astype("int64").to_numpy()
    if "basket_id" not in orders.columns:
        return -1 - stamps
    baskets = orders["basket_id"].astype(object).where(orders["basket_id"].notna(), "").astype(str)
    codes, _ = pd.factorize(baskets, sort=False)
    return np.where(baskets.to_numpy() == "", -1 - stamps, codes.astype("int64"))


def pair_stats_pandas(orders: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer and product: purchase events, first and last day (pandas)."""
    events = purchase_events(orders) if events is None else events
    grouped = events.groupby(["customer_id", "product_id"], sort=True, observed=True)["day"]
    pairs = grouped.agg(purchases="size", first_day="min", last_day="max").reset_index()
    pairs["purchases"] = pairs["purchases"].astype("int64")
    return pairs[PAIR_STAT_COLUMNS]


def product_stats_pandas(orders: pd.DataFrame, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-product repeat statistics computed with pandas; see the module docstring."""
    events = purchase_events(orders) if events is None else events
    same_pair = (events["customer_id"].to_numpy()[1:] == events["customer_id"].to_numpy()[:-1]) & (
        events["product_id"].to_numpy()[1:] == events["product_id"].to_numpy()[:-1])
    gaps = np.full(len(events), np.nan)
    if len(events) > 1:
        day = events["day"].to_numpy()
        gaps[1:] = np.where(same_pair, day[1:] - day[:-1], np.nan)
    positive = gaps > 0
    logs = np.where(positive, np.log(np.where(positive, gaps, 1.0)), 0.0)
    per_event = pd.DataFrame({
        "product_id": events["product_id"].to_numpy(),
        "interval": ~np.isnan(gaps),
        "zero": gaps == 0,
        "positive": positive,
        "gap": np.nan_to_num(gaps),
        "log": logs,
        "log_sq": logs * logs,
    })
    by_product = per_event.groupby("product_id", sort=True)
    stats = pd.DataFrame({
        "purchases": by_product.size(),
        "intervals": by_product["interval"].sum(),
        "zero_intervals": by_product["zero"].sum(),
        "positive_intervals": by_product["positive"].sum(),
        "interval_sum": by_product["gap"].sum(),
        "log_sum": by_product["log"].sum(),
        "log_sq_sum": by_product["log_sq"].sum(),
    })
    pair_counts = events.groupby(["product_id", "customer_id"], sort=False, observed=True).size()
    by_pair = (pair_counts >= 2).groupby(level="product_id")
    stats["customers"] = by_pair.size()
    stats["repeat_customers"] = by_pair.sum()
    stats = stats.reset_index()
    return _finish_product_stats(stats)


def _finish_product_stats(stats: pd.DataFrame) -> pd.DataFrame:
    integer_columns = ["customers", "repeat_customers", "purchases", "intervals", "zero_intervals", "positive_intervals"]
    for column in integer_columns:
        stats[column] = stats[column].astype("int64")
    for column in ("interval_sum", "log_sum", "log_sq_sum"):
        stats[column] = stats[column].astype("float64")
    stats["product_id"] = stats["product_id"].astype(str)
    stats["rcp"] = stats["repeat_customers"] / stats["customers"].clip(lower=1)
    return stats[PRODUCT_STAT_COLUMNS].sort_values("product_id").reset_index(drop=True)


# DuckDB path ---------------------------------------------------------------------------------

# The DuckDB path replaces customer and product ids by dense integers first: grouping, sorting
# and windowing on one BIGINT pair key is several times faster than on two strings. Baskets
# enter the event key as a 64-bit hash, so two baskets of the same customer and product would
# merge only on a hash collision (probability about 1e-19 per pair of baskets).
_DICTIONARY_SQL = """
CREATE OR REPLACE TEMP VIEW repeat_source AS
SELECT CAST(customer_id AS VARCHAR) AS customer_id,
       CAST(product_id AS VARCHAR) AS product_id,
       datediff('day', DATE '1970-01-01', CAST("timestamp" AS DATE)) AS day,
       {basket_key} AS basket_key,
       {stamp_key} AS stamp_key
FROM {source};
CREATE OR REPLACE TEMP TABLE repeat_customers AS
SELECT customer_id, CAST(row_number() OVER () - 1 AS BIGINT) AS cid
FROM (SELECT DISTINCT customer_id FROM repeat_source);
CREATE OR REPLACE TEMP TABLE repeat_products AS
SELECT product_id, CAST(row_number() OVER () - 1 AS BIGINT) AS pid
FROM (SELECT DISTINCT product_id FROM repeat_source);
"""

_EVENTS_SQL = """
CREATE OR REPLACE TEMP TABLE repeat_events AS
SELECT c.cid * {products} + p.pid AS pair, c.cid, p.pid, min(s.day) AS day
FROM repeat_source AS s
JOIN repeat_customers AS c USING (customer_id)
JOIN repeat_products AS p USING (product_id)
GROUP BY c.cid, p.pid, s.basket_key, s.stamp_key
"""

_PRODUCT_STATS_SQL = """
WITH gaps AS (
    SELECT pair, pid, day - lag(day) OVER (PARTITION BY pair ORDER BY day) AS gap
    FROM repeat_events
), per_pair AS (
    SELECT pid, pair,
           count(*) AS purchases,
           count(gap) AS intervals,
           count(*) FILTER (WHERE gap = 0) AS zero_intervals,
           count(*) FILTER (WHERE gap > 0) AS positive_intervals,
           coalesce(sum(gap), 0) AS interval_sum,
           coalesce(sum(ln(gap)) FILTER (WHERE gap > 0), 0) AS log_sum,
           coalesce(sum(ln(gap) * ln(gap)) FILTER (WHERE gap > 0), 0) AS log_sq_sum
    FROM gaps
    GROUP BY pid, pair
)
SELECT p.product_id,
       count(*) AS customers,
       count(*) FILTER (WHERE purchases >= 2) AS repeat_customers,
       sum(purchases) AS purchases,
       sum(intervals) AS intervals,
       sum(zero_intervals) AS zero_intervals,
       sum(positive_intervals) AS positive_intervals,
       sum(interval_sum) AS interval_sum,
       sum(log_sum) AS log_sum,
       sum(log_sq_sum) AS log_sq_sum
FROM per_pair
JOIN repeat_products AS p USING (pid)
GROUP BY p.product_id
"""

_PAIR_STATS_SQL = """
SELECT c.customer_id, p.product_id, count(*) AS purchases, min(e.day) AS first_day, max(e.day) AS last_day
FROM repeat_events AS e
JOIN repeat_customers AS c USING (cid)
JOIN repeat_products AS p USING (pid)
GROUP BY c.customer_id, p.product_id
ORDER BY c.customer_id, p.product_id
"""


def connect_duckdb(memory_limit: str | None = None, threads: int | None = None, temp_directory: str | None = None):
    """Open an in-memory DuckDB connection with optional memory, thread and spill settings."""
    import duckdb

    connection = duckdb.connect(database=":memory:")
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    if temp_directory:
        connection.execute(f"SET temp_directory = '{temp_directory}'")
    connection.execute("SET preserve_insertion_order = false")
    connection.execute("SET enable_progress_bar = false")
    return connection


def _register_source(connection, source: OrdersSource) -> tuple[str, bool]:
    """Make `source` readable as a relation; return its SQL name and whether it has basket_id."""
    if isinstance(source, (str, os.PathLike)):
        path = str(source)
        if not any(ch in path for ch in "*?") and not Path(path).exists():
            raise FileNotFoundError(f"orders file {path!r} does not exist; give a Parquet file or glob")
        quoted = path.replace("'", "''")
        relation = f"read_parquet('{quoted}')"
        columns = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    else:
        connection.register("repeat_orders_input", source)
        relation = "repeat_orders_input"
        columns = list(source.column_names) if hasattr(source, "column_names") else list(source.columns)
    missing = {"customer_id", "product_id", "timestamp"} - set(columns)
    if missing:
        raise ValueError(f"orders need columns customer_id, product_id and timestamp; missing {sorted(missing)}")
    return relation, "basket_id" in columns


def _create_events_view(connection, source: OrdersSource) -> None:
    relation, has_basket = _register_source(connection, source)
    # An event is a basket (hashed) or, for rows without a basket id, a timestamp.
    stamp = 'epoch_us("timestamp")'
    if has_basket:
        missing = "basket_id IS NULL OR CAST(basket_id AS VARCHAR) = ''"
        basket_key = f"CASE WHEN {missing} THEN NULL ELSE hash(CAST(basket_id AS VARCHAR)) END"
        stamp_key = f"CASE WHEN {missing} THEN {stamp} ELSE NULL END"
    else:
        basket_key, stamp_key = "NULL", stamp
    connection.execute(_DICTIONARY_SQL.format(basket_key=basket_key, stamp_key=stamp_key, source=relation))
    products = connection.execute("SELECT count(*) FROM repeat_products").fetchone()[0]
    connection.execute(_EVENTS_SQL.format(products=max(int(products), 1)))


def product_stats_duckdb(source: OrdersSource, connection=None) -> pd.DataFrame:
    """Per-product repeat statistics computed with DuckDB.

    Parameters
    ----------
    source
        Orders as a pandas DataFrame, a pyarrow Table, or the path (or glob) of Parquet files
        with columns customer_id, product_id, timestamp and optionally basket_id.
    connection
        An open DuckDB connection (see `connect_duckdb`); a fresh one is opened when omitted.
    """
    connection = connection or connect_duckdb()
    _create_events_view(connection, source)
    stats = connection.execute(_PRODUCT_STATS_SQL).df()
    return _finish_product_stats(stats)


def pair_stats_duckdb(source: OrdersSource, connection=None) -> pd.DataFrame:
    """Per customer and product: purchase events, first and last day (DuckDB)."""
    connection = connection or connect_duckdb()
    _create_events_view(connection, source)
    pairs = connection.execute(_PAIR_STATS_SQL).df()
    for column in ("purchases", "first_day", "last_day"):
        pairs[column] = pairs[column].astype("int64")
    for column in ("customer_id", "product_id"):
        pairs[column] = pairs[column].astype(str)
    return pairs[PAIR_STAT_COLUMNS]


def product_stats(orders: OrdersSource, engine: str = "duckdb") -> pd.DataFrame:
    """Per-product repeat statistics with the chosen engine ('duckdb' or 'pandas')."""
    if engine == "duckdb":
        return product_stats_duckdb(orders)
    if engine == "pandas":
        if not isinstance(orders, pd.DataFrame):
            orders = pd.read_parquet(orders) if isinstance(orders, (str, os.PathLike)) else orders.to_pandas()
        return product_stats_pandas(orders)
    raise ValueError(f"unknown engine {engine!r}; use 'duckdb' or 'pandas'")
