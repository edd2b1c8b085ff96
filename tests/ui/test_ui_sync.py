"""Sync to files: edits reach the files in the background when writing is on; Off writes nothing and
says why; the Write dialog names the photos it writes and its preview and result agree."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata.read import read_sidecar
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.sync import FileSync
from imgtag_desktop.ui.write_dialog import WritePreviewDialog


def _sidecar(photo: Path) -> Path | None:
    return next((p for p in (Path(str(photo) + ".xmp"), photo.with_suffix(".xmp")) if p.exists()), None)


def test_edits_are_written_in_the_background_when_writing_is_on(qtbot, library, monkeypatch):
    monkeypatch.setattr(FileSync, "DELAY_MS", 50)
    with Catalog(library) as cat:
        cat.writes.set_mode("sidecar")
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    cat = window.session.catalog
    photos = cat.photos.all(status="ok")
    assert window.registry["write_metadata"].isEnabled()
    messages: list[str] = []
    window.session.status.connect(messages.append)
    with qtbot.waitSignal(window.sync.written, timeout=20000) as blocker:
        assert window.detail.add_tag("kayak", [photos[0].id, photos[1].id])
        assert window.detail.add_tag("lake", [photos[0].id])  # a burst of edits: one write
    assert blocker.args[0].count("written") == 2
    assert set(read_sidecar(_sidecar(photos[0].path)).subject) >= {"kayak", "lake", "holiday"}
    assert "kayak" in read_sidecar(_sidecar(photos[1].path)).subject
    assert any(m.startswith("Tags written to 2 file(s)") for m in messages)
    # Undo is an edit too: the tag leaves the file again.
    with qtbot.waitSignal(window.sync.written, timeout=20000):
        window.session.undo_stack.undo()
    assert "lake" not in read_sidecar(_sidecar(photos[0].path)).subject
    window.close()


def test_background_write_failures_go_to_problems(qtbot, library, monkeypatch):
    monkeypatch.setattr(FileSync, "DELAY_MS", 50)
    with Catalog(library) as cat:
        cat.writes.set_mode("embedded")
        photo = cat.photos.all(status="ok")[2]
    photo.path.unlink()  # gone since the scan (an unplugged card)
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sync.written, timeout=20000):
        window.detail.add_tag("kayak", [photo.id])
    assert any(f.job == "write" and "not found" in f.reason for f in window.jobs.failures)
    qtbot.waitUntil(lambda: any(p.job == "write" for p in window.session.catalog.problems.all()), timeout=3000)
    window.close()


def test_off_writes_nothing_and_the_menu_says_why(qtbot, library, monkeypatch):
    monkeypatch.setattr(FileSync, "DELAY_MS", 10)
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    action = window.registry["write_metadata"]
    assert "off" in action.text() and "Settings" in action.text()
    # Its shortcut (or the menu) says why nothing is written, and opens no dialog.
    before = set(QApplication.topLevelWidgets())
    action.trigger()
    message = window.statusBar().currentMessage()
    assert "off" in message and "Settings" in message
    assert not [w for w in set(QApplication.topLevelWidgets()) - before if w.isVisible()]
    photo = window.session.catalog.photos.all(status="ok")[0]
    with qtbot.waitSignal(window.session.edited):  # the edit reached the sync, which queued nothing
        window.detail.add_tag("kayak", [photo.id])
    assert not window.sync.pending and not window.sync._timer.isActive() and window.sync.handle is None
    assert _sidecar(photo.path) is None
    window.close()


def test_write_dialog_names_its_photos_and_preview_and_result_agree(qtbot, library):
    with Catalog(library) as cat:
        photos = cat.photos.all(status="ok")
        cat.tags.add([p.id for p in photos], "kayak")
    gone = photos[1].path
    gone.unlink()  # vanished since the scan: the preview skips it, and so does the write
    dialog = WritePreviewDialog(library, [p.id for p in photos], scope="the 6 selected photos", mode="sidecar")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.plans))  # the preview reads the files off the GUI thread
    assert "the 6 selected photos" in dialog.scope.text()
    skipped = sum(1 for p in dialog.plans if p.skip)
    changing = sum(1 for p in dialog.plans if p.changes)
    assert skipped == 1 and changing == 5 and f"{skipped} will be skipped" in dialog.summary.text()
    dialog.start_write()
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=30000)
    report = dialog.last_report
    assert report.count("skipped") == skipped and report.count("written") == changing
    assert f"{skipped} skipped" in dialog.summary.text()
    notes = [dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount())]
    assert sum(n.startswith("Skipped") for n in notes) == 1 and sum(n.startswith("Written") for n in notes) == 5
    dialog.done(0)


def test_write_dialog_says_per_file_why_a_file_went_to_a_sidecar(qtbot, tmp_path, monkeypatch):
    pillow_heif = __import__("pytest").importorskip("pillow_heif")
    from PIL import Image

    from imgtag_desktop.core.metadata.exiftool import Exiftool

    monkeypatch.setattr(Exiftool, "available", staticmethod(lambda: False))  # without exiftool HEIF has no
    # embedded writer, so it goes to a sidecar

    from imgtag_desktop.core.scanner import scan_folder
    from tests.helpers import make_photo

    pillow_heif.register_heif_opener()
    folder = tmp_path / "photos"
    make_photo(folder / "a.jpg", (64, 48))
    Image.new("RGB", (64, 48), (200, 30, 30)).save(folder / "b.heic", "HEIF")
    with Catalog(tmp_path / "library.db") as cat:
        scan_folder(cat, folder)
        ids = [p.id for p in cat.photos.all()]
        cat.tags.add(ids, "kayak")
    dialog = WritePreviewDialog(tmp_path / "library.db", ids, mode="embedded")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)  # the preview reads the files off the GUI thread
    rows = {dialog.table.item(r, 0).text(): dialog.table.item(r, 4).text() for r in range(dialog.table.rowCount())}
    assert "sidecar" in rows["b.heic"] and "HEIF" in rows["b.heic"] and rows["a.jpg"] == ""
    dialog.start_write()
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=30000)
    rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(), dialog.table.item(r, 4).text())
            for r in range(dialog.table.rowCount())}
    assert rows["b.heic"][0].endswith(".xmp") and rows["b.heic"][1].startswith("Written: HEIF")
    assert rows["a.jpg"] == ("a.jpg", "Written")
    assert "1 went to sidecars" in dialog.summary.text()
    dialog.done(0)


def test_a_new_ui_language_says_it_shows_at_the_next_start(qtbot, library, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from imgtag_desktop.ui.dialogs import SettingsDialog

    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    choice = {"language": "de"}

    def accept_with(self: SettingsDialog) -> QDialog.DialogCode:
        self.ui_language.setCurrentIndex(self.ui_language.findData(choice["language"]))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", accept_with)
    window.statusBar().clearMessage()
    window.show_settings()
    assert window.session.settings.ui_language == "de"
    assert "starts again" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.show_settings()  # the same language again: nothing to say
    assert "starts again" not in window.statusBar().currentMessage()
    window.close()
