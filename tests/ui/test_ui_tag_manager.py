"""The tag manager in the window: counts, accent-insensitive filter and completion, undoable edits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from imgtag_desktop.core.folding import fold
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.tag_manager import TagManagerDialog
from tests.ui.conftest import settle


def _names(cat) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.name for p in cat.photos.all() for t in cat.tags.photo_tags(p.id)}


def test_tag_manager_dialog_edits_are_library_wide_and_undoable(qtbot, library, monkeypatch):
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    cat = window.session.catalog
    ids = [p.id for p in cat.photos.all(status="ok")]
    cat.tags.add(ids[:2], "Zürich")
    window.session.tags_changed.emit()
    window.grid_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid_view, timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.grid_view, Qt.Key.Key_E, ctrl_shift)
    dialog = next(d for d in QApplication.topLevelWidgets() if isinstance(d, TagManagerDialog))
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 5, timeout=5000)
    rows = {dialog.model.item(r, 0).text(): dialog.model.item(r, 1).text() for r in range(dialog.model.rowCount())}
    assert rows["Zürich"] == "2" and rows["holiday"] == "1"
    shown = [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())]
    assert shown == sorted(shown, key=fold) and shown[0] != shown[-1]  # A to Z at first
    total = dialog.model.rowCount()
    assert dialog.status.text().startswith(f"{total} tags.")
    dialog.filter.setText("zurich")  # ignores case and accents
    assert dialog.proxy.rowCount() == 1 and dialog.select("Zürich")
    assert dialog.status.text().startswith(f"1 of {total} tags.")  # the count follows the filter
    assert dialog.selected_name() == "Zürich" and dialog.buttons["rename"].isEnabled()
    assert not dialog.buttons["top"].isEnabled()  # not under a parent

    before = {p: {t.name: t.state for t in cat.tags.photo_tags(p)} for p in ids}
    assert window.tags.apply("move", "Zürich", "places")
    settle(qtbot, window.session)  # a library-wide edit runs on the query worker
    assert "places|Zürich" in _names(cat) and "Zürich" not in _names(cat)
    assert window.registry["undo"].text().replace("&", "") == "Undo Move 'Zürich' under 'places' (2 photos)"
    cat.albums.add("Dogs", "Dog")
    assert window.tags.apply("rename", "dog", "canine")
    settle(qtbot, window.session)
    assert "canine" in _names(cat) and "dog" not in _names(cat)
    assert cat.albums.get("Dogs").query == "canine"  # the smart album follows the tag
    qtbot.waitUntil(lambda: window.sidebar.model.tag_item("canine") is not None, timeout=5000)
    # Deleting asks first, naming the smart albums that name the tag; Cancel changes nothing.
    cat.albums.add("Lawns", "grass OR Grass|wet")
    asked: list[str] = []

    def answer(button):  # type: ignore[no-untyped-def]
        return staticmethod(lambda _p, _t, text, *a, **k: asked.append(text) or button)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    with qtbot.waitSignal(window.tags.applied) as cancelled:
        window.tags.delete("grass")
    assert cancelled.args == [None] and "grass" in _names(cat)
    assert "Lawns" in asked[0] and "keep their queries" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(window.tags.applied) as deleted:
        window.tags.delete("grass")
    settle(qtbot, window.session)
    assert "grass" not in _names(cat) and cat.albums.get("Lawns").query == "grass OR Grass|wet"
    assert deleted.args[0].album_names == ("Lawns",)
    # A refused edit explains itself and changes nothing.
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text: warned.append(text)))
    with qtbot.waitSignal(window.tags.applied) as refused:
        window.tags.apply("merge", "canine", "canine")
    assert refused.args == [None] and warned and "itself" in warned[0]
    for _ in range(3):
        window.session.undo_stack.undo()
    settle(qtbot, window.session)
    assert {p: {t.name: t.state for t in cat.tags.photo_tags(p)} for p in ids} == before
    assert cat.albums.get("Dogs").query == "Dog"  # the same undo step put the album's query back
    window.session.undo_stack.redo()
    settle(qtbot, window.session)
    assert "places|Zürich" in _names(cat)
    dialog.close()
    window.close()


def test_sidebar_menu_offers_the_tag_edits_and_completion_ignores_accents(qtbot, library):
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    cat = window.session.catalog
    cat.tags.add([p.id for p in cat.photos.all(status="ok")][:1], "places|Zürich")
    window.session.tags_changed.emit()
    asked: list[tuple[str, str]] = []
    window.sidebar.manage_requested.connect(lambda op, name: asked.append((op, name)))
    window.sidebar.manage_requested.emit("manager", "dog")
    dialog = next(d for d in QApplication.topLevelWidgets() if isinstance(d, TagManagerDialog) and d.isVisible())
    assert dialog.filter.text() == "dog"
    dialog.close()
    assert asked == [("manager", "dog")]
    # The add-tag field completes "zurich" to the stored name with its accent.
    detail = window.detail
    detail.refresh_completion()
    settle(qtbot, window.session)
    completer = window.detail_panel.add_field.completer()
    completer.setCompletionPrefix("zurich")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "places|Zürich"
    window.close()
