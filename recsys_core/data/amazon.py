"""McAuley Amazon product metadata: JSON lines, plain or gzip, in the 2014 or the 2018 schema.

2014 schema (McAuley et al., SIGIR 2015): ``asin``, ``title``, ``brand``, ``price``,
``categories`` (a list of category paths) and ``related`` with the lists ``also_bought``,
``also_viewed`` and ``bought_together``. Some published copies write each line as a Python
literal (single quotes) instead of JSON, so a line that is not JSON is read with
`ast.literal_eval`.

2018 schema (Ni, Li and McAuley, EMNLP 2019): ``asin``, ``title``, ``brand``, ``price``
(a string such as ``"$12.99"``), ``category`` (one path), ``main_cat``, ``also_buy`` and
``also_view``. The two lists may be JSON lists or strings that contain a list.

Mapping to the schema: ``also_bought`` / ``also_buy`` become co-purchase edges, ``also_viewed`` /
``also_view`` co-view edges, and ``bought_together`` co-purchase edges with provenance
``bought_together`` (the graph builder keeps them out of the co-purchase relation by default,
see `recsys_core.graph.GraphParams`). An edge's weight is ``1 / (1 + position)``, where position
is the related product's index in the source list, so that the list's order survives.
Related products that are not in the file, self-references and repeats within one list are
dropped and counted in ``Dataset.info``. The file itself is only read.
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import logging
import re
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd

from recsys_core.data.schema import Dataset, DatasetError, make_dataset
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

# Source list name -> (schema table, provenance).
RELATIONS: dict[str, tuple[str, str]] = {
    "also_bought": ("copurchase", "also_bought"),
    "bought_together": ("copurchase", "bought_together"),
    "also_viewed": ("coview", "also_viewed"),
    "also_buy": ("copurchase", "also_buy"),
    "also_view": ("coview", "also_view"),
}

# A 2018 category entry that looks like marketing text or markup ends the category path.
_NOT_A_CATEGORY = re.compile(r"[<>$.!]")
_MAX_CATEGORY_LENGTH = 60
_PRICE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def load(path: str, progress: Optional[ProgressCallback] = None) -> Dataset:
    """Load a McAuley Amazon metadata file as products plus co-purchase and co-view edges.

    Parameters
    ----------
    path
        A ``.json`` / ``.jsonl`` file, optionally gzip-compressed (detected from its first bytes).
    progress
        Optional ``(fraction, message)`` callback.

    Raises
    ------
    DatasetError
        When the file is empty, a line is neither JSON nor a Python literal, a record has no
        ``asin``, or a related-product list is not a list.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise DatasetError(f"{str(file)!r} is not a file; amazon-meta:PATH needs a JSON lines file")
    total_bytes = max(1, file.stat().st_size)

    products: list[dict[str, Any]] = []
    related: dict[str, list[tuple[str, list[str]]]] = {name: [] for name in RELATIONS}
    seen: set[str] = set()
    duplicates = 0
    python_literal_lines = 0
    schemas: set[str] = set()

    report(progress, 0.0, f"Reading {file.name}")
    with _open(file) as (handle, raw):
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record, was_literal = _parse_line(line, file, number)
            python_literal_lines += was_literal
            asin = record.get("asin")
            if not isinstance(asin, str) or not asin.strip():
                raise DatasetError(
                    f"{file}: line {number} has no 'asin' string; every record needs a product id")
            asin = asin.strip()
            if asin in seen:
                duplicates += 1
                continue
            seen.add(asin)
            schemas.add("2014" if "related" in record or "categories" in record else "2018")
            products.append(_product_row(asin, record))
            for name, items in _related_lists(record, file, number):
                related[name].append((asin, items))
            if number % 20_000 == 0:
                report(progress, 0.7 * raw.tell() / total_bytes, f"Read {number:,} lines of {file.name}")

    if not products:
        raise DatasetError(f"{file}: the file contains no product records; it needs one JSON object per line")

    report(progress, 0.75, "Building edge tables")
    known = set(seen)
    edges: dict[str, list[pd.DataFrame]] = {"copurchase": [], "coview": []}
    listed_inside: dict[str, int] = {}
    outside: dict[str, int] = {}
    self_references: dict[str, int] = {}
    repeats: dict[str, int] = {}
    for name, rows in related.items():
        if not rows:
            continue
        table, provenance = RELATIONS[name]
        frame, counts = _edge_frame(rows, known, provenance)
        listed_inside[name] = counts["inside"]
        outside[name] = counts["outside"]
        if counts["self"]:
            self_references[name] = counts["self"]
        if counts["repeat"]:
            repeats[name] = counts["repeat"]
        edges[table].append(frame)

    info: dict[str, Any] = {
        "description": f"McAuley Amazon product metadata ({'/'.join(sorted(schemas))} schema) from {file.name}.",
        "source": str(file),
        "listed_inside": listed_inside,
        "outside_file": outside,
        "notes": _notes(listed_inside, outside, self_references, repeats, duplicates, python_literal_lines),
    }
    if self_references:
        info["self_references"] = self_references
    if duplicates:
        info["duplicate_products"] = duplicates
    report(progress, 0.9, "Validating tables")
    return make_dataset(
        file.name, str(file), info,
        products=pd.DataFrame(products),
        copurchase=pd.concat(edges["copurchase"], ignore_index=True) if edges["copurchase"] else None,
        coview=pd.concat(edges["coview"], ignore_index=True) if edges["coview"] else None,
    )


class _open:
    """Open a text file that may be gzip-compressed; yields (text handle, raw byte handle)."""

    def __init__(self, file: Path):
        self.file = file

    def __enter__(self) -> tuple[Iterator[str], Any]:
        try:
            self.raw = open(self.file, "rb")
        except OSError as error:
            raise DatasetError(f"{self.file}: cannot open the file ({error.strerror}); check its permissions") from None
        magic = self.raw.read(2)
        self.raw.seek(0)
        binary = gzip.GzipFile(fileobj=self.raw) if magic == b"\x1f\x8b" else self.raw
        self.text = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
        return _checked_lines(self.text, self.file), self.raw

    def __exit__(self, *exc: object) -> None:
        self.text.close()
        self.raw.close()


def _checked_lines(handle: io.TextIOWrapper, file: Path) -> Iterator[str]:
    try:
        yield from handle
    except (OSError, EOFError) as error:
        raise DatasetError(f"{file}: cannot read the file ({error}); check that the gzip file is complete") from None


def _parse_line(line: str, file: Path, number: int) -> tuple[dict[str, Any], bool]:
    try:
        record = json.loads(line)
        literal = False
    except json.JSONDecodeError as json_error:
        try:
            record = ast.literal_eval(line.strip())
            literal = True
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise DatasetError(
                f"{file}: line {number} is neither JSON nor a Python literal "
                f"({json_error.msg} at column {json_error.colno}); fix or remove that line") from None
    if not isinstance(record, dict):
        raise DatasetError(
            f"{file}: line {number} contains a {type(record).__name__}, not an object; "
            "each line must be one product record")
    return record, literal


def _related_lists(record: dict[str, Any], file: Path, number: int) -> Iterator[tuple[str, list[str]]]:
    sources = [record]
    nested = record.get("related")
    if isinstance(nested, dict):
        sources.append(nested)
    elif nested not in (None, ""):
        raise DatasetError(f"{file}: line {number}: 'related' must be an object, got {type(nested).__name__}")
    for source in sources:
        for name in RELATIONS:
            if name in source:
                items = _as_list(source[name], name, file, number)
                if items:
                    yield name, items


def _as_list(value: Any, name: str, file: Path, number: int) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                raise DatasetError(
                    f"{file}: line {number}: '{name}' contains the string {text[:60]!r}, "
                    "which is not a list; write it as a JSON list of product ids") from None
    if not isinstance(value, (list, tuple)):
        raise DatasetError(f"{file}: line {number}: '{name}' must be a list of product ids, got {type(value).__name__}")
    return [str(item).strip() for item in value if str(item).strip()]


def _product_row(asin: str, record: dict[str, Any]) -> dict[str, Any]:
    path = _category_path(record)
    kind = path[-1] if path else ""
    brand = _text(record.get("brand"))
    title = _text(record.get("title"))
    if not title:
        # The 2014 5-core samples carry no titles; brand and most specific category stand in.
        title = " ".join(part for part in (brand, kind.lower() if brand else kind) if part) or asin
        title = f"{title} ({asin})"
    attributes = {}
    main_category = _text(record.get("main_cat"))
    if main_category and not _NOT_A_CATEGORY.search(main_category):
        attributes["main_category"] = main_category
    return {
        "product_id": asin,
        "title": title,
        "type": kind.lower(),
        "brand": brand,
        "category": " > ".join(path),
        "price": _price(record.get("price")),
        "attributes": attributes,
    }


def _category_path(record: dict[str, Any]) -> list[str]:
    categories = record.get("categories")
    if isinstance(categories, list) and categories and isinstance(categories[0], list):
        path = categories[0]  # 2014: a list of paths; the first is the primary one
    elif isinstance(record.get("category"), list):
        path = record["category"]
    else:
        return []
    cleaned: list[str] = []
    for entry in path:
        entry = _text(entry)
        if not entry or _NOT_A_CATEGORY.search(entry) or len(entry) > _MAX_CATEGORY_LENGTH:
            break  # 2018 copies append feature sentences and markup to the category list
        if not cleaned or cleaned[-1] != entry:
            cleaned.append(entry)
    return cleaned


def _price(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        match = _PRICE.search(value)
        if match:  # a range such as "$10.00 - $20.00" keeps its lower bound
            return float(match.group().replace(",", ""))
    return float("nan")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _edge_frame(rows: list[tuple[str, list[str]]], known: set[str], provenance: str) -> tuple[pd.DataFrame, dict[str, int]]:
    sources = np.repeat([src for src, _ in rows], [len(items) for _, items in rows])
    targets = np.array([item for _, items in rows for item in items], dtype=object)
    positions = np.concatenate([np.arange(len(items)) for _, items in rows])
    frame = pd.DataFrame({"src": sources.astype(object), "dst": targets, "position": positions})
    inside = frame["dst"].isin(known).to_numpy()
    counts = {"outside": int((~inside).sum())}
    frame = frame[inside]
    counts["inside"] = len(frame)
    self_loop = (frame["src"] == frame["dst"]).to_numpy()
    counts["self"] = int(self_loop.sum())
    frame = frame[~self_loop]
    repeated = frame.duplicated(["src", "dst"]).to_numpy()
    counts["repeat"] = int(repeated.sum())
    frame = frame[~repeated]
    edges = pd.DataFrame({
        "src": frame["src"].to_numpy(),
        "dst": frame["dst"].to_numpy(),
        "weight": 1.0 / (1.0 + frame["position"].to_numpy()),
        "provenance": provenance,
    })
    return edges, counts


def _notes(listed_inside: dict[str, int], outside: dict[str, int], self_references: dict[str, int],
           repeats: dict[str, int], duplicates: int, python_literal_lines: int) -> list[str]:
    notes = []
    for name in listed_inside:
        notes.append(
            f"{name}: {listed_inside[name]:,} related products listed inside the file, "
            f"{outside[name]:,} outside it (dropped)")
    for name, count in self_references.items():
        notes.append(f"{name}: {count:,} product(s) list themselves; these self-loops are dropped")
    for name, count in repeats.items():
        notes.append(f"{name}: {count:,} repeated entries within one list are dropped")
    if duplicates:
        notes.append(f"{duplicates:,} records repeat an earlier asin; the first record is kept")
    if python_literal_lines:
        notes.append(f"{python_literal_lines:,} lines are Python literals rather than JSON and were read as such")
    return notes
