"""Layout for laptops: no mode changes the window's width, and the window works at 1024x640."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QToolBar

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.sidebar import fit_label, split_count
from tests.ui.conftest import suggest

LONG_TAG = "a very long tag name for a bathroom interior with tiles"


@pytest.fixture
def long_library(library: Path) -> Path:
    with Catalog(library) as cat:
        for p in cat.photos.all(status="ok"):
            suggest(cat, p.id, LONG_TAG, 0.7)
            suggest(cat, p.id, "places|Zürich|Altstadt und Limmatquai am Abend", 0.6)
    return library


def _columns(w) -> int:  # type: ignore[no-untyped-def]
    view = w.grid_view
    model = w.grid.model
    tops = {view.visualRect(model.index(r, 0)).top() for r in range(min(model.rowCount(), 8))}
    lefts = {view.visualRect(model.index(r, 0)).left() for r in range(min(model.rowCount(), 8))}
    assert tops, "the grid is empty"
    return len(lefts)


MODES = ("normal", "review", "search", "banner", "selection", "shortcuts")


def _enter(qtbot, w, mode: str) -> None:  # type: ignore[no-untyped-def]
    if mode == "review":
        w.review.start(LONG_TAG)
    elif mode == "search":
        w.query_bar.edit.setText(f'"{LONG_TAG}" OR dog OR grass OR "places|Zürich"')
        w._on_search_results([p.id for p in w.session.catalog.photos.all()])
    elif mode == "banner":
        w.banner.show_message("Automatic tagging is off: the captioner, keyword model and visual model are "
                              "missing; choose their folders or download them", "Models…")
    elif mode == "selection":
        w.grid_view.selectAll()
    elif mode == "shortcuts":
        w.show_shortcuts()
    QApplication.processEvents()


@pytest.mark.parametrize("size", [(1024, 640), (1000, 640), (1280, 800)])
def test_no_mode_changes_the_width_and_the_window_fits_a_laptop(qtbot, long_library, size):
    w = create_window(None, long_library, prompt=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitUntil(lambda: w.grid.model.rowCount() > 0, timeout=5000)
    toolbar = w.findChild(QToolBar, "mainToolbar")
    for mode in MODES:
        _enter(qtbot, w, mode)
        hint = w.minimumSizeHint()
        assert hint.width() <= 1000 and hint.height() <= 640, (mode, hint)
        assert w.size().toTuple() == size, f"{mode} resized the window to {w.size().toTuple()}"
        assert _columns(w) >= 2, mode
        # The threshold control is in the toolbar itself, not hidden in its overflow menu.
        assert w.threshold_widget.isVisible(), mode
        assert w.threshold_widget.geometry().right() <= toolbar.width(), mode
        if mode == "shortcuts":
            dialog = next(d for d in QApplication.topLevelWidgets()
                          if d.windowTitle() == "Keyboard shortcuts" and d.isVisible())
            assert dialog.height() <= 600 and dialog.width() <= 1000
            assert dialog.table.verticalScrollBar().maximum() > 0 or dialog.table.rowCount() < 10
            dialog.close()
        w.review.stop()
        w.grid_view.clearSelection()
        w.banner.hide()
    w.close()


def test_sidebar_elides_the_name_not_the_count():
    metrics = QFontMetrics(QFont())
    text = f"{LONG_TAG}  (0 · 12 suggested)"
    assert split_count(text) == (LONG_TAG, "(0 · 12 suggested)")
    for width in (160, 300):
        name, count = fit_label(text, metrics, width)
        assert count in ("(0 · 12 suggested)", "(0 · 12)")  # the numbers are always there in full
        assert name.endswith("…") and len(name) < len(LONG_TAG)
        assert metrics.horizontalAdvance(name) + metrics.horizontalAdvance(count) <= width
    assert fit_label(text, metrics, 300)[1] == "(0 · 12 suggested)"
    assert fit_label("All photos  (7)", metrics, 400) == ("All photos", "(7)")
    # Deep in the tree there is no room for "suggested": the count gets short, the name stays readable.
    narrow = metrics.horizontalAdvance("(0 · 12 suggested)") + metrics.horizontalAdvance("Stamf")
    name, count = fit_label("Stamford Hill  (0 · 12 suggested)", metrics, narrow)
    assert count == "(0 · 12)" and name.startswith("Stamf")
    assert split_count("No tags yet") == ("No tags yet", "")


def test_dialogs_fit_a_small_screen(qtbot, session):
    from imgtag_desktop.ui.dialogs import ModelsDialog, SettingsDialog, ShortcutsDialog

    for dialog in (ModelsDialog(session.settings), SettingsDialog(session.settings, "off"),
                   ShortcutsDialog([("A", "Approve")] * 60)):
        qtbot.addWidget(dialog)
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1000 and hint.height() <= 600, (type(dialog).__name__, hint)
