"""A disk cache of CLIP text-embedding matrices (the vocabulary), keyed by model version,
prompt templates and texts, so a new process does not encode the same vocabulary again."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..core.paths import cache_dir

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]


def _path(version: str, templates: Sequence[str], texts: list[str]) -> Path:
    digest = hashlib.blake2b("\n".join([version, *templates, "", *texts]).encode(), digest_size=12).hexdigest()
    return cache_dir() / "text-embeddings" / f"{digest}.npy"


def lookup_text_matrix(version: str, templates: Sequence[str], texts: list[str]) -> FloatArray | None:
    """The stored embeddings of ``texts`` (one row each), or None when the disk cache lacks them."""
    path = _path(version, templates, texts)
    if path.is_file():
        try:
            matrix = np.load(path)
            if matrix.shape[0] == len(texts):
                cached: FloatArray = matrix.astype(np.float32)
                return cached
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable text-embedding cache %s: %s", path, exc)
    return None


def cached_text_matrix(
    version: str, templates: Sequence[str], texts: list[str], encode: Callable[[list[str]], FloatArray]
) -> tuple[FloatArray, bool]:
    """The embeddings of ``texts`` (one row each) and whether they came from the disk cache;
    ``encode`` computes them on a miss, and the result is stored for the next time."""
    cached = lookup_text_matrix(version, templates, texts)
    if cached is not None:
        return cached, True
    path = _path(version, templates, texts)
    matrix = encode(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, matrix)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write text-embedding cache %s: %s", path, exc)
    return matrix, False
