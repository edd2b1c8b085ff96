"""Scan benchmark: first scan vs unchanged rescan of 10,000 small JPEGs.

Run with: .venv/bin/python -m pytest tests/bench/test_scan_bench.py --benchmark-only -s
The promise (README): a rescan of an unchanged folder takes under 10% of the first scan.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo

N = 10_000


@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scanbench")
    template = make_photo(root / "template.jpg", size=(160, 120)).read_bytes()
    template_path = root / "template.jpg"
    template_path.unlink()
    for i in range(N):
        folder = root / f"d{i // 500:02d}"
        folder.mkdir(exist_ok=True)
        # Vary one byte inside the JPEG comment-free tail of the EXIF so fingerprints differ.
        (folder / f"IMG_{i:05d}.jpg").write_bytes(template[:-2] + i.to_bytes(4, "little") + template[-2:])
    return root


@pytest.mark.bench
def test_rescan_is_under_ten_percent_of_first_scan(benchmark, photo_folder: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog(tmp_path / "bench.db")
    start = time.perf_counter()
    first = scan_folder(catalog, photo_folder)
    first_s = time.perf_counter() - start
    assert first.new == N and first.broken == 0

    result = benchmark.pedantic(scan_folder, args=(catalog, photo_folder), rounds=5, iterations=1)
    assert result.changes == 0 and result.contents_read == 0
    rescan_s = benchmark.stats.stats.median
    ratio = rescan_s / first_s
    benchmark.extra_info.update({"first_scan_s": round(first_s, 3), "rescan_s": round(rescan_s, 3),
                                 "ratio": round(ratio, 4)})
    print(f"\nfirst scan {first_s:.2f} s, rescan {rescan_s:.3f} s, ratio {ratio:.3%}")
    assert ratio < 0.10
    catalog.close()
