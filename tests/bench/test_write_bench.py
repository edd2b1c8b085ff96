"""Metadata write benchmark: 1,000 small JPEGs written in each mode (files per second).

Run with: .venv/bin/python -m pytest tests/bench/test_write_bench.py --benchmark-only -s
Each file goes through the whole safe path: change check, temporary copy, exiv2 on the
copy, read-back, pixel comparison, EXIF/IPTC/XMP comparison, exiftool second opinion
(when installed, as in a normal run), fsync, rename, catalog update.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata import write_photos
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo

N = 1_000


def _library(root: Path) -> tuple[Catalog, list[int]]:
    template = make_photo(root / "template.jpg", size=(640, 480)).read_bytes()
    (root / "template.jpg").unlink()
    folder = root / "photos"
    folder.mkdir()
    for i in range(N):
        (folder / f"IMG_{i:05d}.jpg").write_bytes(template[:-2] + i.to_bytes(4, "little") + template[-2:])
    catalog = Catalog(root / "bench.db")
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    for name in ("dog", "places|Zürich", "東京"):
        catalog.tags.add(ids, name)
    return catalog, ids


@pytest.mark.bench
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sidecar", "embedded"])
@pytest.mark.parametrize("exiftool", [True, False], ids=["with-exiftool", "without-exiftool"])
def test_write_1000_jpegs(benchmark, tmp_path: Path, mode: str, exiftool: bool) -> None:  # type: ignore[no-untyped-def]
    catalog, ids = _library(tmp_path)
    results = {}

    def run() -> None:
        start = time.perf_counter()
        report = write_photos(catalog, ids, mode=mode, use_exiftool=exiftool)
        results["s"] = time.perf_counter() - start
        results["report"] = report

    benchmark.pedantic(run, rounds=1, iterations=1)
    report = results["report"]
    assert report.count("written") == N, report.to_json()["files"][:3]
    rate = N / results["s"]
    benchmark.extra_info.update({"files_per_s": round(rate, 1), "mode": mode, "exiftool": exiftool})
    print(f"\n{mode} ({'with' if exiftool else 'without'} exiftool): {N} JPEGs in {results['s']:.1f} s "
          f"= {rate:.1f} files/s")
    catalog.close()
