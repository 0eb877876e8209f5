"""Dataset specs: parse them, pick the loader, and cache the loaded tables on disk."""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from recsys_core import cache
from recsys_core.data import folder
from recsys_core.data.schema import Dataset, DatasetError
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

# Bump when a loader's output changes, so cached copies are rebuilt.
LOADER_VERSION = 1


@dataclass(frozen=True)
class Loader:
    module: str
    function: str
    description: str
    takes_path: bool


BUILTINS: dict[str, Loader] = {
    "completejourney": Loader(
        "recsys_core.data.completejourney", "load",
        "84.51° The Complete Journey: real grocery transactions of 2,469 households in 2017, "
        "with a product graph derived from baskets.", False),
    "demo": Loader(
        "recsys_core.data.demo", "load",
        "Demo world: a curated catalog of real product lines (phones, cases, chargers, coffee pods, "
        "diapers...) and 2,000 simulated shoppers in the US, GB and CA, with planted complements, "
        "repurchase cycles and search intents.", False),
}

FORMATS: dict[str, Loader] = {
    "amazon-meta": Loader(
        "recsys_core.data.amazon", "load",
        "McAuley Amazon product metadata, JSON lines, plain or gzip (2014 or 2018 schema).", True),
    "conll": Loader(
        "recsys_core.data.conll", "load",
        "CoNLL BIO file of tagged queries (token<TAB>tag lines, blank line between queries), "
        "such as QueryNER.", True),
    "instacart": Loader(
        "recsys_core.data.instacart", "load",
        "Instacart Market Basket Analysis CSV files (products.csv, orders.csv, order_products__*.csv).", True),
    "folder": Loader(
        "recsys_core.data.folder", "load",
        "A folder of CSV or Parquet files named after the schema's tables.", True),
    "wands": Loader(
        "recsys_core.data.wands", "load",
        "WANDS query.csv: tab-separated query_id, query, query_class (the intent).", True),
}


@dataclass(frozen=True)
class Spec:
    text: str
    name: str
    path: Optional[str]
    loader: Loader


def parse_spec(text: str) -> Spec:
    """Parse a dataset spec such as ``demo`` or ``amazon-meta:meta.json.gz``.

    Raises
    ------
    DatasetError
        When the name is unknown, a format lacks its path, or the path does not exist.
    """
    text = (text or "").strip()
    if text in BUILTINS:
        return Spec(text, text, None, BUILTINS[text])
    name, sep, path = text.partition(":")
    if not sep:
        raise DatasetError(f"unknown dataset {text!r}; {describe_specs()}")
    if name not in FORMATS:
        raise DatasetError(f"unknown dataset format {name!r} in {text!r}; {describe_specs()}")
    if not path:
        raise DatasetError(f"dataset spec {text!r} needs a path after the colon, such as {name}:PATH")
    if not Path(path).expanduser().exists():
        raise DatasetError(f"{path!r} does not exist; check the path in dataset spec {text!r}")
    return Spec(text, name, path, FORMATS[name])


def describe_specs() -> str:
    builtins = ", ".join(sorted(BUILTINS))
    formats = ", ".join(f"{name}:PATH" for name in sorted(FORMATS))
    return f"use a built-in dataset ({builtins}) or a format with a path ({formats})"


def load_dataset(text: str, progress: Optional[ProgressCallback] = None, use_cache: bool = True) -> Dataset:
    """Load the dataset named by spec `text`, from the disk cache when it is up to date."""
    spec = parse_spec(text)
    key = cache.cache_key("dataset", LOADER_VERSION, spec.text, _source_fingerprint(spec))
    cached = cache.artifact_path("datasets", key)
    if use_cache and (cached / "info.json").is_file():
        report(progress, 0.0, f"Reading cached copy of {spec.text}")
        dataset = folder.load(str(cached))
        report(progress, 1.0, f"Loaded {spec.text} from cache")
        return dataset

    started = time.perf_counter()
    module = importlib.import_module(spec.loader.module)
    load = getattr(module, spec.loader.function)
    report(progress, 0.0, f"Loading {spec.text}")
    dataset = load(spec.path, progress=progress) if spec.loader.takes_path else load(progress=progress)
    dataset.info.setdefault("spec", spec.text)
    logger.info("loaded %s in %.1f s", spec.text, time.perf_counter() - started)
    if use_cache:
        folder.save(dataset, cached)
    report(progress, 1.0, f"Loaded {spec.text}")
    return dataset


def _source_fingerprint(spec: Spec) -> object:
    if spec.path is not None:
        return cache.file_fingerprint(Path(spec.path).expanduser().resolve())
    module = importlib.import_module(spec.loader.module)
    return getattr(module, "SOURCE_VERSION", None)
