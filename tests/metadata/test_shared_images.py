"""Every shared sample file (real cameras, crafted and broken files): write, then let exiftool judge."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from imgtag_desktop.core.imageio import IMAGE_EXTENSIONS
from imgtag_desktop.core.metadata import import_keywords, write_photos
from imgtag_desktop.core.scanner import scan_folder
from tests.metadata.oracle import digest, exiftool_json, exiftool_keywords, metadata_diff, pixels

NEW_TAGS = ["café", "places|Zürich", "東京"]


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("mode", ["embedded", "sidecar"])
def test_every_shared_file_is_written_and_verified_or_skipped_untouched(  # type: ignore[no-untyped-def]
    library, shared_images: Path, mode: str
) -> None:
    catalog, folder, _ = library
    files = sorted(p for p in shared_images.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    assert files
    for f in files:
        shutil.copy(f, folder / f.name)
        (folder / f.name).chmod(0o644)
    scan_folder(catalog, folder)
    photos = catalog.photos.all()
    ids = [p.id for p in photos]
    import_keywords(catalog, ids)
    before = {p.id: (digest(p.path), exiftool_json(p.path)) for p in photos}
    imported = {p.id: [t.name for t in catalog.tags.photo_tags(p.id, states=["approved"])] for p in photos}
    for name in NEW_TAGS:
        catalog.tags.add(ids, name)
    report = write_photos(catalog, ids, mode=mode)
    assert len(report.results) == len(photos)
    summary: Counter[str] = Counter()
    for r in report.results:
        original_digest, original_meta = before[r.photo_id]
        if r.status != "written":
            assert r.status == "skipped" and r.reason, (r.path, r.status, r.reason)
            assert digest(r.path) == original_digest, r.path
            summary[f"skipped: {r.path.name}: {r.reason}"] += 1
            continue
        # Tag names are case-insensitive in the catalog ("Test" and "test" are one tag).
        expected_leaves = {n.split("|")[-1].casefold() for n in imported[r.photo_id] + NEW_TAGS}
        if r.mode == "embedded":
            kw = exiftool_keywords(r.path)
            assert expected_leaves <= {v.casefold() for v in kw["subject"]}, r.path
            assert set(NEW_TAGS) <= set(kw["hierarchical"]), r.path
            if r.path.suffix.lower() in (".jpg", ".tif", ".tiff") and not r.note:
                assert {"café", "Zürich", "東京"} <= set(kw["iptc"]) and {"café", "Zürich", "東京"} <= set(kw["xp"])
            assert metadata_diff(original_meta, exiftool_json(r.path)) == [], r.path
            assert pixels(r.path) == pixels(shared_images / r.path.name), r.path
            summary["written embedded"] += 1
        else:
            assert digest(r.path) == original_digest, r.path
            assert r.target is not None
            kw = exiftool_keywords(r.target)
            assert expected_leaves <= {v.casefold() for v in kw["subject"]}, r.path
            assert set(NEW_TAGS) <= set(kw["hierarchical"]), r.path
            summary["written to sidecar" + (f" (fallback: {r.note})" if mode == "embedded" else "")] += 1
    print(f"\nshared files, mode {mode}: {len(photos)}")
    for key, n in sorted(summary.items()):
        print(f"  {n:3d}  {key}")
    assert sum(n for k, n in summary.items() if k.startswith("written")) > 0
