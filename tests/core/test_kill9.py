"""kill -9 during a scan or a metadata write, then a resumed run: the same catalog and files as an
uninterrupted run (see tests/kill9.py). IMGTAG_KILL_TRIALS=N runs more trials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata import read_keywords
from imgtag_desktop.core.metadata.staged import TEMP_MARK
from imgtag_desktop.core.metadata.write import file_fingerprint
from imgtag_desktop.core.scan_import import scan_and_import
from tests.helpers import make_photo
from tests.kill9 import run_trials, trial_count

SIDE = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>{items}'
        "</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>")


def photo_folder(folder: Path, n: int) -> None:
    for i in range(n):
        sub = folder / ("a" if i % 2 else "b")
        make_photo(sub / f"p{i:02d}.jpg", (48, 32), seed=i)
        items = "".join(f"<rdf:li>kw{i}-{k}</rdf:li>" for k in range(3))
        (sub / f"p{i:02d}.jpg.xmp").write_text(SIDE.format(items=items))
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")


def scan_fixture(base: Path) -> tuple[Path, Path]:
    folder = base / "photos"
    photo_folder(folder, 24)
    return base / "library.db", folder


@pytest.mark.slow
def test_kill9_during_scan_resumes_to_the_same_catalog(tmp_path: Path) -> None:
    result = run_trials("scan", scan_fixture, tmp_path, trials=trial_count(4), seed=13)
    print(f"kill -9 scan: {result.trials} trials, {result.killed} killed, {len(result.failures)} failures")
    assert result.killed >= 1
    assert result.failures == []


def write_fixture(base: Path) -> tuple[Path, Path]:
    folder = base / "photos"
    photo_folder(folder, 10)
    db = base / "library.db"
    with Catalog(db) as cat:
        scan_and_import(cat, folder)
        ids = [p.id for p in cat.photos.all(status="ok")]
        cat.tags.add(ids, "places|Zürich")
        cat.tags.add(ids[::2], "dog")
    return db, folder


def write_consistent(db: Path, folder: Path) -> list[str]:
    """Every photo's catalog state is the file on disk; keywords read back; no temporary files left."""
    problems: list[str] = []
    with Catalog(db, read_only=True) as cat:
        for p in cat.photos.all(status="ok"):
            st = os.stat(p.path)
            if (p.size, p.mtime_ns, p.fingerprint) != (st.st_size, st.st_mtime_ns, file_fingerprint(p.path)):
                problems.append(f"{p.path.name}: catalog is behind the file")
            approved = {t.name.split("|")[-1] for t in cat.tags.photo_tags(p.id, states=["approved"])}
            if not approved <= {t.split("|")[-1] for t in read_keywords(p.path).tags()}:
                problems.append(f"{p.path.name}: keywords not in the file")
    strays = [n for _d, _s, files in os.walk(folder) for n in files if TEMP_MARK in n]
    if strays:
        problems.append(f"temporary files left: {strays}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("writer", ["exiv2", "exiftool"])
def test_kill9_during_write_resumes_to_the_same_catalog(tmp_path: Path, writer: str) -> None:
    if writer == "exiftool" and not __import__("shutil").which("exiftool"):
        pytest.skip("exiftool is not installed")
    result = run_trials("write", write_fixture, tmp_path, trials=trial_count(3), seed=7, extra=writer,
                        check=write_consistent)
    print(f"kill -9 write ({writer}): {result.trials} trials, {result.killed} killed, "
          f"{len(result.failures)} failures")
    assert result.killed >= 1
    assert result.failures == []
