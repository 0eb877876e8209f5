"""Save and load search models as artefacts: a state dict file plus JSON metadata, written atomically.

An artefact is a folder ``<cache>/search-models/<key>/`` holding ``tensors.pt`` (a dict of
tensors, read back with ``torch.load(weights_only=True)``) and ``meta.json``. The key hashes the
dataset fingerprint and the training parameters, so a change in either trains a new model.
"""

from __future__ import annotations

import json
import logging
import weakref
from pathlib import Path
from typing import Optional

import pandas as pd
import torch

from recsys_core import cache

logger = logging.getLogger(__name__)

KIND = "search-models"
STORE_VERSION = 1


def artefact_dir(key: str) -> Path:
    return cache.artifact_path(KIND, key)


def save_artefact(key: str, tensors: dict[str, torch.Tensor], metadata: dict) -> Path:
    """Write `tensors` and `metadata` under `key`; readers never see a half-written folder."""

    def write(tmp: Path) -> None:
        tmp.mkdir(parents=True)
        torch.save({name: tensor.detach().cpu().contiguous() for name, tensor in tensors.items()}, tmp / "tensors.pt")
        (tmp / "meta.json").write_text(json.dumps({"store_version": STORE_VERSION, **metadata}, default=str),
                                       encoding="utf-8")

    path = cache.atomic_write(artefact_dir(key), write)
    logger.info("saved search artefact %s", path)
    return path


def load_artefact(key: str) -> Optional[tuple[dict[str, torch.Tensor], dict]]:
    """Return ``(tensors, metadata)`` stored under `key`, or ``None`` when there is none."""
    folder = artefact_dir(key)
    meta_file, tensor_file = folder / "meta.json", folder / "tensors.pt"
    if not (meta_file.is_file() and tensor_file.is_file()):
        return None
    metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    if metadata.get("store_version") != STORE_VERSION:
        return None
    tensors = torch.load(tensor_file, map_location="cpu", weights_only=True)
    return tensors, metadata


_FINGERPRINTS: dict[int, tuple[object, str]] = {}


def dataset_fingerprint(dataset) -> str:
    """Hash the tables the search models learn from (products, search log, labelled queries).

    The hash of a dataset object is remembered for as long as the object lives, because the
    app requests it on every rerun.
    """
    remembered = _FINGERPRINTS.get(id(dataset))
    if remembered is not None and remembered[0]() is dataset:
        return remembered[1]
    fingerprint = _compute_fingerprint(dataset)
    _FINGERPRINTS[id(dataset)] = (weakref.ref(dataset), fingerprint)
    return fingerprint


def _compute_fingerprint(dataset) -> str:
    parts = [dataset.name]
    for name in ("products", "search_log", "labelled_queries"):
        frame = dataset.table(name)
        if frame is None or frame.empty:
            parts.append(f"{name}:none")
            continue
        columns = [c for c in frame.columns if c in ("product_id", "type", "brand", "attributes", "query", "country",
                                                        "clicks", "tokens", "tags", "intent")]
        text = frame[columns].astype(str)
        parts.append(f"{name}:{len(frame)}:{int(pd.util.hash_pandas_object(text, index=False).sum()) & 0xFFFFFFFFFFFF}")
    relations = dataset.info.get("relations") if isinstance(dataset.info, dict) else None
    parts.append(json.dumps(relations, sort_keys=True, default=str) if relations is not None else "relations:none")
    return cache.cache_key(*parts)
