"""Small JSON files of measured results kept between runs (one object, one record per key)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


def kept_record(path: Path, key: str) -> dict[str, Any] | None:
    """The record kept under ``key`` in ``path`` (None when unknown, or the file is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        record = data[key]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record, dict) else None


def kept_as(cls: type[T], path: Path, key: str) -> T | None:
    """The record kept under ``key`` in ``path`` as a ``cls`` (None when unknown, unreadable, or not
    one: a file written by another version)."""
    record = kept_record(path, key)
    try:
        return cls(**record) if record is not None else None
    except TypeError:
        return None


def keep_record(path: Path, key: str, record: dict[str, Any], what: str) -> None:
    """Keep ``record`` under ``key`` in ``path``, replacing the file whole (written beside it, then
    renamed). A failure to write is logged as "could not keep ``what``" and costs only a
    measurement next time."""
    try:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[key] = record
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        log.warning("could not keep %s in %s", what, path, exc_info=True)
