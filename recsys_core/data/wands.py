"""Load the WANDS ``query.csv`` file (Wayfair ANnotation DataSet) as labelled intent data.

The file is tab-separated with a header ``query_id  query  query_class``; ``query_class`` is
the product class a query asks for, which serves as a single-label intent. The result is a
`Dataset` with an empty products table and a ``labelled_queries`` table with an extra
``intent`` column; its tags are all ``O`` because WANDS has no attribute spans.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pandas as pd

from recsys_core.data.schema import Dataset, DatasetError, make_dataset
from recsys_core.progress import report

logger = logging.getLogger(__name__)

REQUIRED = ("query_id", "query", "query_class")


def read_queries(path: str | Path) -> pd.DataFrame:
    """Read WANDS ``query.csv`` into a frame with query_id, query and intent.

    Queries whose ``query_class`` is empty keep an empty intent; callers that train on
    intents drop them.

    Raises
    ------
    DatasetError
        When the file is missing, is not tab-separated, or lacks one of the columns
        query_id, query, query_class.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"WANDS file {str(path)!r} does not exist; give the path of query.csv")
    try:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path}: cannot parse as a tab-separated file: {error}") from None
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise DatasetError(
            f"{path}: missing column(s) {', '.join(missing)}; WANDS query.csv is tab-separated "
            f"with columns {', '.join(REQUIRED)} (found {list(frame.columns)[:6]})"
        )
    frame = frame[list(REQUIRED)].rename(columns={"query_class": "intent"})
    frame["query"] = frame["query"].str.strip()
    frame["intent"] = frame["intent"].str.strip()
    return frame[frame["query"] != ""].reset_index(drop=True)


def load(path: str, progress=None) -> Dataset:
    """Load WANDS ``query.csv`` at `path`; the intents are the queries' product classes."""
    report(progress, 0.1, f"Reading {Path(path).name}")
    queries = read_queries(path)
    labelled = pd.DataFrame({
        "query_id": queries["query_id"],
        "query": queries["query"],
        "tokens": queries["query"].str.split(),
    })
    labelled["tags"] = labelled["tokens"].map(lambda tokens: ["O"] * len(tokens))
    labelled["intent"] = queries["intent"]
    info = {
        "source": str(Path(path).expanduser()),
        "format": "WANDS query.csv",
        "queries": len(queries),
        "intent_classes": int(queries.loc[queries["intent"] != "", "intent"].nunique()),
    }
    products = pd.DataFrame({"product_id": pd.Series([], dtype=object)})
    return make_dataset(Path(path).parent.name or "wands", str(path), info, products=products,
                        labelled_queries=labelled)
