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
