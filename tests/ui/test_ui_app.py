"""The whole window: start, scan, keyboard review, undo, remembered layout, main()."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from imgtag_desktop.core.settings import load_settings
from imgtag_desktop.ui.app import choose_folder, create_window, main
from tests.ui.conftest import settle


def _window(qtbot, folder, library):
    window = create_window(folder, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    return window


def _wait_scanned(qtbot, window):
    """The window scans its folder right after it opens: wait for that job to finish."""
    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        pass
    settle(qtbot, window.session)
    assert not window.jobs.busy and window.grid.model.rowCount() > 0


def test_the_photos_have_the_keyboard_when_the_window_opens(qtbot, photo_dir, library):
    """Arrows and the review keys move in the photos from the start, not in the sidebar."""
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    assert window.focusWidget() is window.grid_view


def test_main_is_importable_and_parses_args():
    from imgtag_desktop.ui.app import parse_args

    args = parse_args(["/some/folder", "--library", "/tmp/x.db"])
    assert args.folder == Path("/some/folder") and args.library == Path("/tmp/x.db")
    assert callable(main)


def test_choose_folder_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert choose_folder(a, str(b)) == a
    assert choose_folder(None, str(b)) == b
    assert choose_folder(tmp_path / "missing", str(b)) == b


def test_main_starts_offscreen_and_closes(qtbot, photo_dir, tmp_path):
    def close_all() -> None:
        for w in QApplication.topLevelWidgets():
            if w.objectName() == "" and w.windowTitle().startswith("imgtag"):
                w.close()

    QTimer.singleShot(1500, close_all)
    assert main([str(photo_dir), "--library", str(tmp_path / "lib.db")]) == 0
    assert load_settings().last_folder == str(photo_dir.resolve())
    assert load_settings().window_geometry  # remembered on close


def test_window_scans_and_reviews_from_keyboard(qtbot, photo_dir, library):
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    cat = window.session.catalog
    assert window.grid.model.rowCount() == cat.photos.count()
    assert window.sidebar.model.tag_item("dog") is not None
    # Without models the app still works and says how to enable tagging.
    qtbot.waitUntil(lambda: not window.banner.isHidden())  # checked off the GUI thread: it reads the model folders
    assert "Models" in window.banner.label.text()
    grid = window.grid_view
    grid.setFocus()
    qtbot.waitUntil(lambda: grid.hasFocus() or QApplication.focusWidget() is grid, timeout=2000)
    ok_ids = [p.id for p in cat.photos.all(status="ok")]
    window.grid.select_photo(ok_ids[1])
    qtbot.keyClick(grid, Qt.Key.Key_A)  # approve "dog", the current (first) suggestion
    qtbot.keyClick(grid, Qt.Key.Key_R)  # reject "grass", the next one
    states = {t.name: t.state for t in cat.tags.photo_tags(ok_ids[1])}
    assert states == {"dog": "approved", "grass": "rejected", "animal|cat": "suggested"}
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert window.grid.current_photo_id() == ok_ids[2]
    qtbot.keyClick(grid, Qt.Key.Key_Return)  # approve all >= 0.5: dog 0.7, grass 0.6
    assert {t.name for t in cat.tags.photo_tags(ok_ids[2], states=["approved"])} == {"dog", "grass"}
    qtbot.keyClick(grid, Qt.Key.Key_Delete)  # remove the current chip
    assert len(cat.tags.photo_tags(ok_ids[2])) == 2
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(cat.tags.photo_tags(ok_ids[2])) == 3
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not cat.tags.photo_tags(ok_ids[2], states=["approved"])
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {t.name for t in cat.tags.photo_tags(ok_ids[2], states=["approved"])} == {"dog", "grass"}
    # Typing in the add-tag field never triggers the review keys.
    field = window.detail_panel.add_field
    field.setFocus()
    qtbot.keyClicks(field, "ra")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "ra" in {t.name for t in cat.tags.photo_tags(ok_ids[2], states=["approved"])}
    assert {t.name: t.state for t in cat.tags.photo_tags(ok_ids[1])}["animal|cat"] == "suggested"
    # The grid badges follow the edits.
    settle(qtbot, window.session)
    idx = window.grid.model.index_of(ok_ids[2])
    from imgtag_desktop.ui.photo_model import PhotoRoles

    assert idx.data(PhotoRoles.Approved) == 3
    window.close()


def test_batch_add_and_layout_remembered(qtbot, photo_dir, library):
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    window.grid_view.selectAll()
    ids = window.grid.selected_photo_ids()
    assert window.detail.add_tag("batch", ids)
    cat = window.session.catalog
    assert all("batch" in {t.name for t in cat.tags.photo_tags(i)} for i in ids)
    edit = window.session.undo_stack.undoText()
    window.registry["undo"].trigger()  # Ctrl+Z: undone, and the status bar says what
    assert not any("batch" in {t.name for t in cat.tags.photo_tags(i)} for i in ids)
    assert edit and window.statusBar().currentMessage() == f"Undone: {edit}"
    window.registry["redo"].trigger()
    assert all("batch" in {t.name for t in cat.tags.photo_tags(i)} for i in ids)
    assert window.statusBar().currentMessage() == f"Redone: {edit}"
    window.session.undo()
    assert not any("batch" in {t.name for t in cat.tags.photo_tags(i)} for i in ids)
    window.splitter.setSizes([150, 600, 300])
    sizes = window.splitter.sizes()
    window.resize_thumbnails(-1)
    window.close()
    settings = load_settings()
    assert settings.splitter_state and settings.grid_thumbnail_size == 128
    again = _window(qtbot, photo_dir, library)
    assert [again.splitter.sizes()[i] for i in (0, 2)] == [sizes[i] for i in (0, 2)]
    assert again.grid.delegate.thumb_size == 128
    again.close()


def test_keyboard_map_covers_review_keys(qtbot, photo_dir, library):
    window = _window(qtbot, photo_dir, library)
    keys = dict(window.registry.keyboard_map())
    assert {"A", "R", "Return / Enter", "Del / Backspace", "Ctrl+Z", "Ctrl+Shift+Z / Ctrl+Y"} <= set(keys)
    for action in window.registry.actions.values():
        assert action.toolTip()
    window.close()


def test_search_bar_and_smart_albums_in_window(qtbot, photo_dir, library):
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    bar = window.query_bar
    bar.edit.setText("holiday")
    with qtbot.waitSignal(bar.results_ready):
        bar.submit()
    settle(qtbot, window.session)
    cat = window.session.catalog
    assert window.grid.model.photo_ids() == [p.id for p in cat.photos.all(status="ok")][:1]
    assert bar.save_as_album("Holidays")
    settle(qtbot, window.session)
    labels = [window.sidebar.model.albums.child(r).text() for r in range(window.sidebar.model.albums.rowCount())]
    assert any(label.startswith("Holidays") for label in labels)
    bar.edit.setText("")
    bar.submit()
    settle(qtbot, window.session)
    assert window.grid.model.rowCount() == cat.photos.count()
    window.close()


def test_write_dialog_and_metadata_mode_from_window(qtbot, photo_dir, library):
    from imgtag_desktop.core.catalog import Catalog

    with Catalog(library) as catalog:
        catalog.writes.set_mode("embedded")  # writing is on (with Off the action only says how to turn it on)
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    action = window.registry["write_metadata"]
    assert action.isEnabled()
    action.trigger()
    dialogs = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Write tags to files"]
    assert dialogs and dialogs[0].isVisible()
    assert sorted(dialogs[0].photo_ids) == sorted(window.grid.model.photo_ids())
    assert "all" in dialogs[0].scope.text() and "photos shown" in dialogs[0].scope.text()
    dialogs[0].reject()
    window.close()


def test_batch_remove_and_problem_log(qtbot, photo_dir, library):
    (photo_dir / "new_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    cat = window.session.catalog
    ids = [p.id for p in cat.photos.all(status="ok")]
    assert window.remove_tag_from(ids[:4], "grass")
    assert all("grass" not in {t.name for t in cat.tags.photo_tags(i)} for i in ids[:4])
    assert "grass" in {t.name for t in cat.tags.photo_tags(ids[4])}
    window.session.undo_stack.undo()
    assert all("grass" in {t.name for t in cat.tags.photo_tags(i)} for i in ids[:4])
    # The scan met a new undecodable file: the failure button opens the per-photo log.
    assert window.jobs.failures and not window.status.failures.isHidden()
    window.status.failures.click()
    logs = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Problems" and w.isVisible()]
    assert logs and logs[0].table.rowCount() == len(window.jobs.failures)
    assert "new_broken.png" in logs[0].table.item(0, 0).text()
    logs[0].close()
    window.close()


def test_remove_from_selection_lists_the_tags_off_the_gui_thread_then_asks(qtbot, photo_dir, library):
    from imgtag_desktop.ui.dialogs import TagPickerDialog

    window = _window(qtbot, photo_dir, library)
    _wait_scanned(qtbot, window)
    cat = window.session.catalog
    ids = [p.id for p in cat.photos.all(status="ok")][:3]
    window.grid.view.clearSelection()
    for pid in ids:
        window.grid.view.selectionModel().select(window.grid.model.index_of(pid),
                                                 window.grid.view.selectionModel().SelectionFlag.Select)
    window.registry["remove_from_selection"].trigger()

    def picker() -> TagPickerDialog | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, TagPickerDialog) and w.isVisible()),
                    None)

    qtbot.waitUntil(lambda: picker() is not None)
    dialog = picker()
    assert dialog is not None
    dialog.combo.setEditText("grass")
    dialog.accept()
    assert all("grass" not in {t.name for t in cat.tags.photo_tags(i)} for i in ids)
    window.close()
