"""Duplicate grouping of 100,000 photos (skipped by default: ``--benchmark-skip``)::

    OMP_NUM_THREADS=2 python -m pytest tests/bench/test_duplicates_bench.py --benchmark-only -m bench

512-d embeddings and 64-bit hashes, with 5,000 planted groups of 2-4 near-copies (similarity
about 0.97, 0-4 hash bits flipped); the run must find them all, with no false group.
"""

from __future__ import annotations

import numpy as np
import pytest

from imgtag_desktop.core.duplicates import group_near_duplicates

N = 100_000
DIM = 512


def _library(seed: int = 1) -> tuple[np.ndarray, np.ndarray, set[tuple[int, ...]]]:
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((N, DIM)).astype(np.float32)
    hashes = rng.integers(-(2**63), 2**63 - 1, size=N, dtype=np.int64)
    planted: set[tuple[int, ...]] = set()
    i = 0
    for g in range(5_000):
        k = 2 + g % 3
        for m in range(1, k):
            noise = rng.standard_normal(DIM).astype(np.float32)
            emb[i + m] = emb[i] / np.linalg.norm(emb[i]) + 0.25 * noise / np.linalg.norm(noise)
            flips = rng.choice(64, size=g % 5, replace=False)
            mask = np.int64(0)
            for f in flips:
                mask |= np.int64(1) << np.int64(int(f)) if f < 63 else np.int64(-(2**63))
            hashes[i + m] = hashes[i] ^ mask
        planted.add(tuple(range(i, i + k)))
        i += k
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return emb, hashes, planted


@pytest.mark.bench
def test_group_100k(benchmark):  # type: ignore[no-untyped-def]
    emb, hashes, planted = _library()
    groups = benchmark.pedantic(group_near_duplicates, args=(list(range(N)), emb, hashes), rounds=3, iterations=1)
    assert {g.photo_ids for g in groups} == planted
