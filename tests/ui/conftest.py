"""Fixtures for the desktop app tests: generated photos, a scanned library, a GUI session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog, PhotoTag, Tag
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.core.settings import Settings
from tests.helpers import make_photo


def suggest(catalog: Catalog, photo_id: int, name: str, score: float) -> None:
    """Put a model suggestion with a score on a photo (as the tagging pipeline would)."""
    now = time.time()
    catalog.tags.restore(PhotoTag(photo_id, Tag(0, name, name.split("|")[-1], None), "suggested", "model",
                                       score * 0.9, score, "test-models", now, now))


@pytest.fixture(autouse=True, scope="session")
def _pyside_refcount_guard() -> None:
    from imgtag_desktop.ui.compat import guard_singleton_refcounts

    guard_singleton_refcounts()


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for i in range(6):
        make_photo(folder / f"p{i}.jpg", (320, 240), seed=i, orientation=6 if i == 1 else 1)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    return folder


@pytest.fixture
def library(tmp_path: Path, photo_dir: Path) -> Path:
    """A library with the generated photos scanned and some suggestions with scores."""
    path = tmp_path / "library.db"
    with Catalog(path) as cat:
        scan_folder(cat, photo_dir)
        ids = [p.id for p in cat.photos.all(status="ok")]
        for n, pid in enumerate(ids):
            suggest(cat, pid, "dog", 0.9 - 0.1 * n)
            suggest(cat, pid, "grass", 0.6)
            suggest(cat, pid, "animal|cat", 0.3)
        cat.tags.add(ids[0], "holiday")
    return path


@pytest.fixture
def session(qtbot, library: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.session import Session

    s = Session(library, Settings(threshold=0.5))
    yield s
    s.close()
