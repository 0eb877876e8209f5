"""The `Dataset` tables and their schema.

Every loader returns a `Dataset`. Each table is a pandas DataFrame with the columns listed in
`TABLES`; any table may be ``None`` when the source does not provide it. Product ids are strings
in every table, whatever the source used.

Tables
------
products
    product_id (str, unique), title (str), type (str), brand (str), category (str),
    price (float, NaN when unknown), attributes (dict of str to str).
copurchase
    Directed edges ``src -> dst``: customers who bought ``src`` also bought ``dst``.
    Columns src, dst (product ids), weight (float > 0), provenance (str: where the edge came from).
coview
    Bidirected edges, stored as the directed pairs the source listed. The graph treats each pair
    as an edge in both directions. Same columns as copurchase.
orders
    customer_id (str), product_id (str), timestamp (datetime64), quantity (int >= 1),
    basket_id (str, optional).
search_log
    query (str), country (str), product_id (str, the clicked product), clicks (int >= 1).
labelled_queries
    query_id (str), query (str), tokens (list of str), tags (list of BIO tags, one per token),
    country (str, optional).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)


class DatasetError(ValueError):
    """Raised when a data source is missing, malformed or does not match the schema.

    The message names the file, table, column or line at fault and what to change.
    """


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of: str, float, int, datetime, dict, list
    required: bool
    description: str
    default: Any = None  # value for a missing optional column; None means the kind's default


TABLES: dict[str, tuple[Column, ...]] = {
    "products": (
        Column("product_id", "str", True, "Unique product id."),
        Column("title", "str", False, "Readable product title; defaults to the id."),
        Column("type", "str", False, "Product type, such as 'phone case'."),
        Column("brand", "str", False, "Brand name."),
        Column("category", "str", False, "Category path or department."),
        Column("price", "float", False, "Price in the data's currency; NaN when unknown."),
        Column("attributes", "dict", False, "Attribute name to value, such as {'color': 'red'}."),
    ),
    "copurchase": (
        Column("src", "str", True, "Product bought first (the query product)."),
        Column("dst", "str", True, "Product also bought."),
        Column("weight", "float", False, "Edge strength; 1.0 when the source gives none.", 1.0),
        Column("provenance", "str", False, "Where the edge came from, such as 'also_bought'."),
    ),
    "coview": (
        Column("src", "str", True, "Product viewed."),
        Column("dst", "str", True, "Product viewed in the same session."),
        Column("weight", "float", False, "Edge strength; 1.0 when the source gives none.", 1.0),
        Column("provenance", "str", False, "Where the edge came from, such as 'also_viewed'."),
    ),
    "orders": (
        Column("customer_id", "str", True, "Customer or household id."),
        Column("product_id", "str", True, "Product bought."),
        Column("timestamp", "datetime", True, "Time of purchase."),
        Column("quantity", "int", False, "Units bought; 1 when the source gives none."),
        Column("basket_id", "str", False, "Basket or order id; one per checkout."),
    ),
    "search_log": (
        Column("query", "str", True, "Search query text."),
        Column("country", "str", False, "Marketplace country code; 'all' when the source has none."),
        Column("product_id", "str", True, "Product clicked after the query."),
        Column("clicks", "int", False, "Number of clicks; 1 when the source gives none."),
    ),
    "labelled_queries": (
        Column("query_id", "str", True, "Query id."),
        Column("query", "str", False, "Query text; defaults to the tokens joined by spaces."),
        Column("tokens", "list", True, "Query tokens."),
        Column("tags", "list", True, "BIO tag for each token, such as 'B-brand'."),
        Column("country", "str", False, "Marketplace country code."),
    ),
}

_DEFAULTS: dict[str, Any] = {"str": "", "float": np.nan, "int": 1, "dict": None, "list": None}


@dataclass
class Dataset:
    """A named set of tables in the schema of `TABLES`; absent tables are ``None``.

    ``info`` contains provenance notes that the app and CLI show to the user, such as how many
    related products pointed outside the file or which proxy replaces co-view.
    """

    name: str
    products: pd.DataFrame
    copurchase: pd.DataFrame | None = None
    coview: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    search_log: pd.DataFrame | None = None
    labelled_queries: pd.DataFrame | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; expected one of {sorted(TABLES)}")
        return getattr(self, name)

    def require(self, name: str, purpose: str) -> pd.DataFrame:
        """Return table `name`, or raise a `DatasetError` saying that `purpose` needs it."""
        table = self.table(name)
        if table is None or table.empty:
            raise DatasetError(
                f"dataset {self.name!r} has no {name} table, which {purpose} needs; "
                f"pick a dataset that provides {name}"
            )
        return table

    def present_tables(self) -> list[str]:
        return [name for name in TABLES if self.table(name) is not None]


def normalize_table(name: str, frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Check `frame` against the schema of table `name` and coerce its column types.

    Missing optional columns are added with their defaults; unknown columns are kept.
    `origin` names the file or loader in error messages.

    Raises
    ------
    DatasetError
        When a required column is missing, a value cannot be converted, or ids repeat.
    """
    columns = TABLES[name]
    out = frame.copy()
    missing = [c.name for c in columns if c.required and c.name not in out.columns]
    if missing:
        raise DatasetError(
            f"{origin}: table {name} is missing required column(s) {', '.join(missing)}; "
            f"found columns {list(frame.columns)}"
        )

    for column in columns:
        if column.name not in out.columns:
            if column.name == "title" and name == "products":
                out["title"] = out["product_id"].astype(str)
            elif column.name == "query" and name == "labelled_queries":
                out["query"] = out["tokens"].map(lambda tokens: " ".join(tokens))
            elif column.name == "country":
                out["country"] = "all"
            elif column.name == "basket_id":
                continue
            else:
                default = _DEFAULTS[column.kind] if column.default is None else column.default
                out[column.name] = [default] * len(out) if column.kind in ("dict", "list") else default
        out[column.name] = _coerce(out[column.name], column, name, origin)

    if name == "products":
        duplicated = out["product_id"][out["product_id"].duplicated()]
        if not duplicated.empty:
            raise DatasetError(
                f"{origin}: product_id {duplicated.iloc[0]!r} appears more than once in products; "
                "product ids must be unique"
            )
    if name in ("copurchase", "coview"):
        bad = out.index[out["weight"] <= 0]
        if len(bad):
            raise DatasetError(
                f"{origin}: {name} row {bad[0]} has weight {out.loc[bad[0], 'weight']}; "
                "edge weights must be positive"
            )
    if name == "labelled_queries":
        for row in out.itertuples():
            if len(row.tokens) != len(row.tags):
                raise DatasetError(
                    f"{origin}: query {row.query_id!r} has {len(row.tokens)} tokens "
                    f"but {len(row.tags)} tags; each token needs exactly one tag"
                )
    return out.reset_index(drop=True)


def _coerce(series: pd.Series, column: Column, table: str, origin: str) -> pd.Series:
    where = f"{origin}: column {column.name} of table {table}"
    if column.kind == "str":
        if column.required and series.isna().any():
            row = int(np.flatnonzero(series.isna().to_numpy())[0])
            raise DatasetError(f"{where} is empty in data row {row + 1}; every row needs a value")
        return series.map(_to_text).astype(object)
    if column.kind in ("float", "int"):
        numbers = pd.to_numeric(series, errors="coerce")
        invalid = numbers.isna() & series.notna()
        if invalid.any():
            row = int(np.flatnonzero(invalid.to_numpy())[0])
            raise DatasetError(f"{where} has non-numeric value {series.iloc[row]!r} in data row {row + 1}")
        if column.kind == "int":
            return numbers.fillna(_DEFAULTS["int"]).astype("int64")
        if column.default is not None:
            numbers = numbers.fillna(column.default)
        return numbers.astype("float64")
    if column.kind == "datetime":
        with warnings.catch_warnings():
            # pandas warns when it cannot infer one format for all rows; rows it cannot parse
            # become NaT and are reported below, so the warning adds nothing for the user.
            warnings.simplefilter("ignore", UserWarning)
            times = pd.to_datetime(series, errors="coerce")
        invalid = times.isna()
        if invalid.any():
            row = int(np.flatnonzero(invalid.to_numpy())[0])
            raise DatasetError(f"{where} has invalid timestamp {series.iloc[row]!r} in data row {row + 1}")
        return times.astype("datetime64[ns]")
    if column.kind == "dict":
        return series.map(lambda value: _to_dict(value, where))
    if column.kind == "list":
        return series.map(lambda value: _to_list(value, where))
    raise AssertionError(f"unknown column kind {column.kind}")


def _to_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _to_dict(value: Any, where: str) -> dict[str, str]:
    import json

    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where} contains invalid JSON {value[:80]!r}: {error}") from None
    if not isinstance(value, dict):
        raise DatasetError(f"{where} must hold a JSON object, got {type(value).__name__}")
    return {str(k): _to_text(v) for k, v in value.items()}


def _to_list(value: Any, where: str) -> list[str]:
    import json

    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = value.split()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise DatasetError(f"{where} must hold a list, got {type(value).__name__}")
    return [str(item) for item in value]


def make_dataset(name: str, origin: str, info: dict[str, Any] | None = None, **tables: pd.DataFrame | None) -> Dataset:
    """Validate `tables` against the schema and wrap them in a `Dataset`.

    Edges and orders that name products missing from the products table are dropped, and the
    count of dropped rows is stored in ``info['dropped']``.
    """
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise KeyError(f"unknown table(s) {sorted(unknown)}; expected names from {sorted(TABLES)}")
    if tables.get("products") is None:
        raise DatasetError(f"{origin}: a dataset needs a products table")
    info = dict(info or {})
    dropped: dict[str, int] = dict(info.get("dropped", {}))
    normalized: dict[str, pd.DataFrame | None] = {}
    for table_name in TABLES:
        frame = tables.get(table_name)
        normalized[table_name] = None if frame is None else normalize_table(table_name, frame, origin)

    known = set(normalized["products"]["product_id"])
    for table_name, id_columns in (("copurchase", ("src", "dst")), ("coview", ("src", "dst")),
                                   ("orders", ("product_id",)), ("search_log", ("product_id",))):
        frame = normalized[table_name]
        if frame is None:
            continue
        inside = np.ones(len(frame), dtype=bool)
        for column in id_columns:
            inside &= frame[column].isin(known).to_numpy()
        if table_name in ("copurchase", "coview"):
            inside &= (frame["src"] != frame["dst"]).to_numpy()
        if not inside.all():
            dropped[table_name] = dropped.get(table_name, 0) + int((~inside).sum())
            logger.info("%s: dropped %d %s rows that name unknown products or self-loops",
                        origin, int((~inside).sum()), table_name)
            normalized[table_name] = frame[inside].reset_index(drop=True)
    if dropped:
        info["dropped"] = dropped
    return Dataset(name=name, info=info, **normalized)
