"""Loader for the Instacart Market Basket Analysis CSV files (``instacart:FOLDER``).

The folder contains ``products.csv`` (product_id, product_name, aisle_id, department_id),
``orders.csv`` (order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day,
days_since_prior_order) and one or both of ``order_products__prior.csv`` and
``order_products__train.csv`` (order_id, product_id, add_to_cart_order, reordered).
``aisles.csv`` and ``departments.csv`` are optional and give category names.

Instacart publishes no calendar dates, only each order's gap to the previous one in days. The
loader rebuilds a timeline per customer: the first order falls on `EPOCH`, each later one
``days_since_prior_order`` days after its predecessor, at its ``order_hour_of_day``. Intervals
between purchases are therefore exact in days, but dates are not comparable across customers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from recsys_core.data.schema import Dataset, DatasetError, make_dataset
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

EPOCH = pd.Timestamp("2017-01-01")

_REQUIRED = {
    "products.csv": ("product_id", "product_name"),
    "orders.csv": ("order_id", "user_id", "order_number", "order_hour_of_day", "days_since_prior_order"),
}
_ORDER_PRODUCTS = ("order_products__prior.csv", "order_products__train.csv")


def _read_csv(path: Path, required: tuple[str, ...], **kwargs) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise DatasetError(f"{path}: the file is empty; expected a header with {', '.join(required)}")
    try:
        frame = pd.read_csv(path, **kwargs)
    except pd.errors.ParserError as error:
        raise DatasetError(f"{path}: cannot parse CSV: {error}") from None
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DatasetError(f"{path}: missing required column(s) {', '.join(missing)}; found {list(frame.columns)}")
    return frame


def _lookup(file: Path, products: pd.DataFrame, key: str, label: str) -> pd.Series:
    """Map `products[key]` to names from an optional lookup file; empty strings when absent."""
    if not file.is_file() or key not in products.columns:
        return pd.Series("", index=products.index, dtype=object)
    names = _read_csv(file, (key, label)).set_index(key)[label]
    return products[key].map(names).fillna("").astype(str)


def load(path: str, progress: Optional[ProgressCallback] = None) -> Dataset:
    """Load an Instacart folder into products and orders."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DatasetError(f"{str(folder)!r} is not a folder; instacart:PATH needs the folder of the Instacart CSV files")
    for name in _REQUIRED:
        if not (folder / name).is_file():
            raise DatasetError(f"{folder} has no {name}; it is required for the instacart format")
    basket_files = [folder / name for name in _ORDER_PRODUCTS if (folder / name).is_file()]
    if not basket_files:
        raise DatasetError(f"{folder} has neither {' nor '.join(_ORDER_PRODUCTS)}; one of them is required")

    report(progress, 0.05, "Reading Instacart products")
    raw_products = _read_csv(folder / "products.csv", _REQUIRED["products.csv"])
    aisle = _lookup(folder / "aisles.csv", raw_products, "aisle_id", "aisle")
    department = _lookup(folder / "departments.csv", raw_products, "department_id", "department")
    products = pd.DataFrame({
        "product_id": raw_products["product_id"].astype(str),
        "title": raw_products["product_name"].astype(str),
        "type": aisle,
        "category": (department.str.title() + " > " + aisle.str.title()).str.strip(" >"),
    })

    report(progress, 0.2, "Reading Instacart orders")
    orders = _read_csv(folder / "orders.csv", _REQUIRED["orders.csv"])
    orders = orders.sort_values(["user_id", "order_number"])
    gaps = orders["days_since_prior_order"].fillna(0.0).to_numpy(dtype=float)
    if (gaps < 0).any():
        row = int(np.flatnonzero(gaps < 0)[0])
        raise DatasetError(f"{folder / 'orders.csv'}: negative days_since_prior_order in order {orders['order_id'].iloc[row]}")
    days = pd.Series(gaps, index=orders.index).groupby(orders["user_id"]).cumsum()
    orders["timestamp"] = EPOCH + pd.to_timedelta(days, unit="D") + pd.to_timedelta(
        orders["order_hour_of_day"].fillna(0).astype(int), unit="h")

    report(progress, 0.4, "Reading Instacart baskets")
    baskets = pd.concat(
        [_read_csv(file, ("order_id", "product_id"), usecols=["order_id", "product_id"]) for file in basket_files],
        ignore_index=True,
    )
    lines = baskets.merge(orders[["order_id", "user_id", "timestamp"]], on="order_id", how="inner")
    if len(lines) < len(baskets):
        logger.info("instacart: %d basket lines name unknown orders and were dropped", len(baskets) - len(lines))
    report(progress, 0.8, "Validating tables")
    table = pd.DataFrame({
        "customer_id": lines["user_id"].astype(str),
        "product_id": lines["product_id"].astype(str),
        "timestamp": lines["timestamp"],
        "quantity": 1,
        "basket_id": lines["order_id"].astype(str),
    })
    info = {
        "source": str(folder),
        "timeline_note": f"Instacart has no dates: each customer's first order is placed on {EPOCH.date()} "
                         "and later orders follow by days_since_prior_order",
    }
    return make_dataset(folder.name or "instacart", str(folder), info, products=products, orders=table)
