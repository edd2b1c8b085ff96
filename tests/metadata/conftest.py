"""Fixtures for the metadata tests: a scanned library of generated photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder


@pytest.fixture
def library(tmp_path: Path, catalog: Catalog):  # type: ignore[no-untyped-def]
    """(catalog, folder, rescan) with an empty photo folder; call rescan() after adding files."""
    folder = tmp_path / "photos"
    folder.mkdir()

    def rescan() -> None:
        scan_folder(catalog, folder)

    return catalog, folder, rescan


@pytest.fixture
def shared_images() -> Path:
    """The shared sample files: ``../shared/data/images`` from the checkout or any folder above it."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "images"
        if candidate.is_dir():
            return candidate
    pytest.skip("shared test images not found (../shared/data/images)")
