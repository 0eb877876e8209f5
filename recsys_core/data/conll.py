"""Load CoNLL-style BIO files of tagged search queries, such as the QueryNER release.

Format: one ``token<TAB>tag`` line per token, a blank line between queries, and optional
``# key = value`` comment lines before a query (QueryNER writes ``# esci_example_id = N``).
Tags follow the BIO scheme (``B-color``, ``I-color``, ``O``); the tag set is whatever the file
uses. The result is a `Dataset` whose ``labelled_queries`` table holds the file's queries and
whose ``products`` table is empty.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from recsys_core.data.schema import Dataset, DatasetError, make_dataset
from recsys_core.progress import report

logger = logging.getLogger(__name__)

_COMMENT = re.compile(r"^#\s*([^=]+?)\s*=\s*(.*?)\s*$")
_TAG = re.compile(r"^(O|[BI]-\S+)$")


def read_conll(path: str | Path) -> pd.DataFrame:
    """Parse a CoNLL BIO file into a labelled_queries frame.

    Returns
    -------
    pandas.DataFrame
        Columns query_id, query, tokens, tags, plus one column per comment key found in the
        file. The query id is the value of an ``id``-like comment (a key ending in ``id``) when
        the file has one, else the query's position in the file.

    Raises
    ------
    DatasetError
        When the file is missing or empty, a line is not ``token<TAB>tag``, or a tag is not
        ``O``, ``B-TYPE`` or ``I-TYPE``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DatasetError(f"CoNLL file {str(path)!r} does not exist; give the path of a token<TAB>tag file")
    rows: list[dict] = []
    tokens: list[str] = []
    tags: list[str] = []
    comments: dict[str, str] = {}
    start_line = 1

    def flush() -> None:
        nonlocal tokens, tags, comments
        if tokens:
            row = {"tokens": tokens, "tags": tags, "line": start_line, **comments}
            rows.append(row)
        tokens, tags, comments = [], [], {}

    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                flush()
                continue
            if line.startswith("#") and not tokens:
                match = _COMMENT.match(line)
                if match:
                    comments[match.group(1).strip()] = match.group(2)
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                parts = line.rsplit(None, 1)
            if len(parts) < 2:
                raise DatasetError(
                    f"{path}:{number}: expected 'token<TAB>tag', got {line[:80]!r}; "
                    "each token line needs a tab and a BIO tag"
                )
            token, tag = parts[0], parts[-1].strip()
            if not _TAG.match(tag):
                raise DatasetError(
                    f"{path}:{number}: invalid BIO tag {tag[:40]!r}; tags must be O, B-TYPE or I-TYPE"
                )
            if not tokens:
                start_line = number
            tokens.append(token)
            tags.append(tag)
    flush()
    if not rows:
        raise DatasetError(f"{path}: no tagged queries found; the file needs token<TAB>tag lines")

    frame = pd.DataFrame(rows)
    id_keys = [key for key in frame.columns if key not in ("tokens", "tags", "line") and key.lower().endswith("id")]
    if id_keys and frame[id_keys[0]].notna().all() and frame[id_keys[0]].is_unique:
        frame["query_id"] = frame[id_keys[0]].astype(str)
    else:
        frame["query_id"] = [str(i) for i in range(len(frame))]
    frame["query"] = frame["tokens"].map(" ".join)
    return frame.drop(columns=["line"])


def load(path: str, progress=None) -> Dataset:
    """Load the CoNLL BIO file at `path` as a dataset with labelled queries and no products."""
    report(progress, 0.1, f"Reading {Path(path).name}")
    queries = read_conll(path)
    tag_types = sorted({tag[2:] for tags in queries["tags"] for tag in tags if tag != "O"})
    info = {
        "source": str(Path(path).expanduser()),
        "format": "CoNLL BIO",
        "queries": len(queries),
        "tag_types": tag_types,
    }
    products = pd.DataFrame({"product_id": pd.Series([], dtype=object)})
    return make_dataset(Path(path).stem, str(path), info, products=products, labelled_queries=queries)
