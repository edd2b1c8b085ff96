"""Defects a user trial found: the review prompt, the window on a small screen, the sidebar's counts
in other languages and for rejected tags, the muted tags' Undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.dialogs import TagPickerDialog
from tests.ui.conftest import settle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _window(qtbot, library):  # type: ignore[no-untyped-def]
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    qtbot.waitUntil(lambda: window.grid.model.rowCount() > 0, timeout=10000)
    window.activateWindow()
    window.grid_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.grid_view, timeout=2000)
    return window


def _picker() -> TagPickerDialog | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, TagPickerDialog) and w.isVisible()), None)


def _open_review_prompt(qtbot) -> TagPickerDialog:  # type: ignore[no-untyped-def]
    """Ctrl+Shift+R pressed where the keyboard focus is, as a person would."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    qtbot.keyClick(target, Qt.Key.Key_R, CTRL_SHIFT)
    qtbot.waitUntil(lambda: _picker() is not None, timeout=5000)
    dialog = _picker()
    assert dialog is not None
    return dialog


def _keyboard_back(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: _picker() is None and QApplication.activeWindow() is w, timeout=3000)
    assert QApplication.focusWidget() is w.grid_view


def _type_and_enter(qtbot, dialog: TagPickerDialog, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = dialog.combo.lineEdit()
    qtbot.keyClicks(edit, text)
    popup = dialog.completer.popup() if dialog.completer is not None else None
    qtbot.keyClick(popup if popup is not None and popup.isVisible() else edit, Qt.Key.Key_Return)


def test_review_prompt_takes_the_match_refuses_unknown_tags_and_reopens_while_reviewing(qtbot, library):
    w = _window(qtbot, library)
    settle(qtbot, w.session)
    dialog = _open_review_prompt(qtbot)
    _type_and_enter(qtbot, dialog, "gra")  # a prefix: Enter takes the match the list offers
    qtbot.waitUntil(lambda: w.review.active, timeout=5000)
    assert w.review.tag == "grass"
    qtbot.waitUntil(lambda: "grass" in w.review_bar.label.text() and "left" in w.review_bar.label.text())
    assert "6 left" in w.review_bar.label.text()
    # While reviewing, Ctrl+Shift+R opens the prompt again (no need to press Done first): the
    # window has the keyboard back once the prompt closed.
    _keyboard_back(qtbot, w)
    dialog = _open_review_prompt(qtbot)
    _type_and_enter(qtbot, dialog, "waterf")  # no such tag: refused, with a message, the prompt stays
    assert dialog.isVisible() and not dialog.message.isHidden()
    assert "waterf" in dialog.message.text()
    assert w.review.tag == "grass"
    dialog.combo.lineEdit().clear()
    _type_and_enter(qtbot, dialog, "DOG")  # case does not matter
    qtbot.waitUntil(lambda: w.review.tag == "dog", timeout=5000)
    _keyboard_back(qtbot, w)
    # A name highlighted in the open list is the one taken.
    dialog = _open_review_prompt(qtbot)
    qtbot.keyClicks(dialog.combo.lineEdit(), "a")  # grass, animal|cat (and more) contain an "a"
    popup = dialog.completer.popup() if dialog.completer is not None else None
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    rows = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert len(rows) > 1
    popup.setCurrentIndex(popup.model().index(1, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.review.tag == rows[1], timeout=5000)
    w.close()


def test_sidebar_counts_are_translated_and_rejected_only_tags_show_a_count(qapp, library):
    from PySide6.QtGui import QFont, QFontMetrics

    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.ui.i18n import install_translators
    from imgtag_desktop.ui.sidebar import ShortCountRole, SidebarModel, fit_label

    with Catalog(library) as cat:
        ids = [p.id for p in cat.photos.all(status="ok")]
        cat.tags.add(ids[:2], "dog")  # approved on two, suggested on the other four
        for pid in ids:
            cat.tags.reject(pid, "animal|cat")  # only ever rejected
        counts = cat.tags.with_counts()
    model = SidebarModel()
    model.set_tags(counts)
    assert model.tag_item("dog").text() == "dog  (2 · 4 suggested)"  # type: ignore[union-attr]
    cat_item = model.tag_item("animal|cat")
    assert cat_item is not None and cat_item.text() == f"cat  (0 · {len(ids)} rejected)"
    assert cat_item.data(ShortCountRole) == f"({len(ids)} rejected)"  # narrow: still says what it counts
    try:
        assert install_translators(qapp, "de") == "de"
        model.set_tags(counts)
        dog = model.tag_item("dog")
        assert dog is not None and dog.text() == "dog  (2 · 4 vorgeschlagen)"
        assert model.tag_item("animal|cat").text() == f"cat  (0 · {len(ids)} abgelehnt)"  # type: ignore[union-attr]
        metrics = QFontMetrics(QFont())
        narrow = metrics.horizontalAdvance("dog  (2 · 4)") + 4  # the German word goes too, not the name
        assert fit_label(dog.text(), metrics, narrow, dog.data(ShortCountRole)) == ("dog", "(2 · 4)")
        assert install_translators(qapp, "fr") == "fr"
        model.set_tags(counts)
        assert model.tag_item("dog").text() == "dog  (2 · 4 suggérés)"  # type: ignore[union-attr]
    finally:
        install_translators(qapp, "en")


def test_window_geometry_is_clamped_to_the_screen(qtbot, library):
    from PySide6.QtCore import QMargins, QRect

    from imgtag_desktop.core.settings import load_settings
    from imgtag_desktop.ui.dialogs import fit_window_geometry

    frame = QMargins(2, 30, 2, 2)
    small = QRect(0, 0, 1024, 640)
    fitted = fit_window_geometry(QRect(10, 40, 1280, 820), frame, small)
    assert fitted == QRect(2, 30, 1020, 608)  # the whole window, frame included, on the 1024x640 screen
    assert fit_window_geometry(QRect(300, 200, 400, 300), frame, small) == QRect(300, 200, 400, 300)
    assert fit_window_geometry(QRect(900, 500, 400, 300), frame, small) == QRect(622, 338, 400, 300)

    screen = QApplication.primaryScreen().availableGeometry()  # the offscreen screen: 800x800
    assert screen.width() < 1280 or screen.height() < 820, "the screen is large enough to test nothing"

    def fits(w) -> bool:  # type: ignore[no-untyped-def]
        return screen.contains(w.frameGeometry()) and w.width() <= screen.width() and w.height() <= screen.height()

    w = create_window(None, library, prompt=False)  # the default size (1280x820) does not fit
    qtbot.addWidget(w)
    assert fits(w), w.geometry()
    w.show()
    qtbot.waitExposed(w)
    assert fits(w), w.frameGeometry()
    bar = w.statusBar()
    assert bar.isVisible() and screen.contains(QRect(bar.mapToGlobal(bar.rect().topLeft()), bar.size()))
    w.setGeometry(0, 0, 1280, 820)  # saved too large (the window was moved to a larger screen)
    w.close()
    saved = load_settings()
    assert saved.window_geometry
    w = create_window(None, library, prompt=False)
    qtbot.addWidget(w)
    assert fits(w), w.geometry()
    w.close()


def test_muted_tags_undo_is_off_with_nothing_of_its_own_to_undo(qtbot, library):
    from imgtag_desktop.ui.commands import TagChange, push_changes

    w = _window(qtbot, library)
    pid = w.session.catalog.photos.all(status="ok")[0].id
    assert push_changes(w.session, [TagChange("approve", (pid,), "dog")])  # an edit the Edit menu undoes
    assert w.session.undo_stack.canUndo()
    dialog = w.show_muted_tags()
    settle(qtbot, w.session)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    assert dialog.tags == [] and dialog.list.item(0).text() == "No muted tags"
    assert not dialog.undo_button.isEnabled() and not dialog.unmute_button.isEnabled()
    dialog.undo_button.click()
    assert {t.name: t.state for t in w.session.catalog.tags.photo_tags(pid)}["dog"] == "approved"
    dialog.close()
    w.close()
