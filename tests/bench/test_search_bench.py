"""pytest-benchmark runs of the search benchmark (skipped by default: ``--benchmark-skip``)::

    python -m pytest tests/bench/test_search_bench.py --benchmark-only -m bench

The p50/p95 table in docs/search.md comes from ``python -m tests.bench.search_bench``.
"""

from __future__ import annotations

import pytest

from tests.bench.search_bench import ALBUMS, QUERIES, generate, text_encoder


@pytest.fixture(scope="module")
def bench_catalog(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    cat = generate(tmp_path_factory.mktemp("bench") / "library.db")
    yield cat
    cat.close()


@pytest.mark.bench
@pytest.mark.parametrize("label", list(QUERIES))
def test_query(benchmark, bench_catalog, label):  # type: ignore[no-untyped-def]
    query = QUERIES[label]
    ids = benchmark(bench_catalog.albums.search, query, text_encoder=text_encoder)
    assert ids, f"{label}: {query} matched nothing in the generated catalog"


@pytest.mark.bench
def test_album_counts(benchmark, bench_catalog):  # type: ignore[no-untyped-def]
    for i, q in enumerate(ALBUMS):
        if bench_catalog.albums.get(f"album {i}") is None:
            bench_catalog.albums.add(f"album {i}", q)
    counts = benchmark(bench_catalog.albums.counts, text_encoder=text_encoder)
    assert len(counts) == len(ALBUMS) and all(c is not None for c in counts.values())
