"""On-disk cache for datasets, graphs and trained models.

Artefacts live under one folder, ``$RECSYS_CACHE_DIR`` or ``~/.cache/recsys-workbench``, keyed
by a hash of what produced them (dataset spec, source file size and modification time,
parameters, and a format version). Every write goes to a temporary file in the same folder and
is renamed into place, so a reader never sees half an artefact.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def cache_dir() -> Path:
    root = os.environ.get("RECSYS_CACHE_DIR") or Path.home() / ".cache" / "recsys-workbench"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(*parts: Any) -> str:
    """Hash JSON-serialisable `parts` into a short hex key."""
    text = json.dumps([FORMAT_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def file_fingerprint(path: str | os.PathLike) -> dict[str, Any]:
    """Size and modification time of a file, or of every file below a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return {"files": [[str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns] for p in files]}
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def artifact_path(kind: str, key: str, suffix: str = "") -> Path:
    folder = cache_dir() / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}{suffix}"


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and rename the result to `path` once it is complete.

    `write` must create the file or folder at the path it is given.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp_path = tmp_dir / path.name
    try:
        write(tmp_path)
        if path.is_dir():
            # os.replace cannot swap a non-empty folder; the old copy is moved aside first.
            stale = path.parent / f".{path.name}.stale-{os.getpid()}"
            os.replace(path, stale)
            os.replace(tmp_path, path)
            _remove_tree(stale)
        else:
            os.replace(tmp_path, path)
    finally:
        _remove_tree(tmp_dir)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
