"""Small JSON files of measured results kept between runs (one object, one record per key)."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
_write_lock = threading.Lock()  # one writer at a time in this process (another process may lose a record)


def kept_as(cls: type[T], path: Path, key: str) -> T | None:
    """The record kept under ``key`` in ``path`` as a ``cls`` (None when unknown, the file is
    unreadable, or the record is not one: a file written by another version)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))[key]
        return cls(**record) if isinstance(record, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def keep_record(path: Path, key: str, record: dict[str, Any], what: str) -> None:
    """Keep ``record`` under ``key`` in ``path``, replacing the file whole (written beside it, then
    renamed; another process writing at the same moment may lose its record, which costs it a
    measurement next time). A failure to write is logged as "could not keep ``what``" and costs only a
    measurement next time."""
    try:
        with _write_lock:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    data = {}
            except (OSError, ValueError):
                data = {}
            data[key] = record
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(data, f, indent=1)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except OSError:
        log.warning("could not keep %s in %s", what, path, exc_info=True)
