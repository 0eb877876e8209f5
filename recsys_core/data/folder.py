"""Read and write a dataset as a folder of CSV or Parquet files, one per table.

A folder holds ``products.csv`` (or ``.parquet``) and any of ``copurchase``, ``coview``,
``orders``, ``search_log`` and ``labelled_queries``, with the columns of `schema.TABLES`.
In CSV files, ``attributes`` holds a JSON object and ``tokens`` / ``tags`` hold JSON lists.
An optional ``info.json`` carries provenance notes. The loader only reads the folder.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from recsys_core.cache import atomic_write
from recsys_core.data.schema import TABLES, Dataset, DatasetError, make_dataset

logger = logging.getLogger(__name__)

_JSON_COLUMNS = ("attributes", "tokens", "tags")


def load(path: str, name: str | None = None, progress=None) -> Dataset:
    """Load the dataset stored in folder `path`.

    Raises
    ------
    DatasetError
        When the folder or its products file is missing, a file is empty or unreadable, or a
        table does not match the schema.
    """
    folder = Path(path).expanduser()
    if folder.is_file():
        raise DatasetError(f"{str(folder)!r} is a file; folder:PATH needs the folder that contains it, "
                           f"such as folder:{folder.parent}")
    if not folder.is_dir():
        raise DatasetError(f"folder {str(folder)!r} does not exist; give the path of a folder of CSV or Parquet files")
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        file = _find_table_file(folder, table)
        if file is not None:
            tables[table] = _read_table_file(file)
    if "products" not in tables:
        raise DatasetError(
            f"folder {str(folder)!r} has no products.csv or products.parquet; "
            f"a dataset needs at least a products table (found: {sorted(p.name for p in folder.iterdir())[:10]})"
        )
    info: dict = {}
    info_file = folder / "info.json"
    if info_file.is_file():
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise DatasetError(f"{info_file}: invalid JSON on line {error.lineno}: {error.msg}") from None
    info.setdefault("source", str(folder))
    return make_dataset(name or info.get("name") or folder.name, str(folder), info, **tables)


def _find_table_file(folder: Path, table: str) -> Path | None:
    candidates = [folder / f"{table}.parquet", folder / f"{table}.csv"]
    found = [file for file in candidates if file.is_file()]
    if len(found) > 1:
        raise DatasetError(f"folder {str(folder)!r} has both {found[0].name} and {found[1].name}; keep one of them")
    return found[0] if found else None


def _read_table_file(file: Path) -> pd.DataFrame:
    if file.stat().st_size == 0:
        raise DatasetError(f"{file}: the file is empty; it needs a header row with the schema's columns")
    try:
        if file.suffix == ".parquet":
            frame = pd.read_parquet(file)
        else:
            frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{file}: the file is empty; it needs a header row with the schema's columns") from None
    except pd.errors.ParserError as error:
        raise DatasetError(f"{file}: cannot parse CSV: {error}") from None
    except (OSError, ValueError) as error:
        raise DatasetError(f"{file}: cannot read the file: {error}") from None
    return frame


def save(dataset: Dataset, path: str | Path) -> Path:
    """Write `dataset` atomically to folder `path` as Parquet files plus ``info.json``."""

    def write(tmp: Path) -> None:
        tmp.mkdir(parents=True)
        for table in dataset.present_tables():
            frame = dataset.table(table).copy()
            for column in _JSON_COLUMNS:
                if column in frame.columns:
                    frame[column] = frame[column].map(json.dumps)
            frame.to_parquet(tmp / f"{table}.parquet", index=False)
        info = {"name": dataset.name, **dataset.info}
        (tmp / "info.json").write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")

    return atomic_write(path, write)
