"""Worker threads end before the widgets that own them go away."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo


def test_write_dialog_closed_while_writing_waits_for_its_thread(qtbot, tmp_path: Path) -> None:
    write_dialog = pytest.importorskip("imgtag_desktop.ui.write_dialog")
    folder = tmp_path / "photos"
    for i in range(4):
        make_photo(folder / f"p{i}.jpg", seed=i)
    lib = tmp_path / "lib.db"
    with Catalog(lib) as catalog:
        scan_folder(catalog, folder)
        ids = [p.id for p in catalog.photos()]
        catalog.add_manual_tag(ids, "dog")
    dialog = write_dialog.WritePreviewDialog(lib, ids, mode="sidecar")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the main window opens it
    dialog.show()
    dialog.write_button.click()
    thread = dialog._thread
    assert thread is not None and thread.isRunning()
    dialog.reject()  # Close / Esc while the job runs: no closeEvent since Qt 6.3
    assert not thread.isRunning()  # cancelled and waited for, not destroyed while running
