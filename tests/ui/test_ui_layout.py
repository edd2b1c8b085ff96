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
        assert "…" in name and len(name) < len(LONG_TAG)
        assert metrics.horizontalAdvance(name) + metrics.horizontalAdvance(count) <= width
    assert fit_label(text, metrics, 300)[1] == "(0 · 12 suggested)"
    assert fit_label("All photos  (7)", metrics, 400) == ("All photos", "(7)")
    # Deep in the tree there is no room for "suggested": the count gets short, the name stays readable.
    narrow = metrics.horizontalAdvance("(0 · 12 suggested)") + metrics.horizontalAdvance("Stamf")
    name, count = fit_label("Stamford Hill  (0 · 12 suggested)", metrics, narrow)
    assert count == "(0 · 12)" and name.startswith("Stamf")
    assert split_count("No tags yet") == ("No tags yet", "")


def test_sidebar_drops_the_word_before_cutting_a_name_short_and_names_stay_apart(qapp):
    """A name is not cut below ~12 characters while the count still has its words: the count
    becomes the bare numbers first. Names that share their beginning stay distinguishable."""
    metrics = QFontMetrics(QFont())
    names = ("test keyword one", "test keyword two", "test keywords")
    for width in range(80, 400, 4):
        shown = []
        for n in names:
            name, count = fit_label(f"{n}  (1 · 3 suggested)", metrics, width)
            assert count in ("(1 · 3 suggested)", "(1 · 3)"), width
            assert metrics.horizontalAdvance(name) + metrics.horizontalAdvance("  " + count) <= width
            if "suggested" in count and name != n:  # cut while the words stay: at least 12 characters kept
                assert len(name.replace("…", "")) >= 12, (width, name, count)
            shown.append(name)
        if all(len(s.replace("…", "")) >= 6 for s in shown):
            assert len(set(shown)) == len(names), (width, shown)
    # The trial's case: a sidebar that cut "test keyword…" to "test key…" to keep "suggested".
    width = metrics.horizontalAdvance("test key…  (1 · 3 suggested)") + 2
    name, count = fit_label("test keyword one  (1 · 3 suggested)", metrics, width)
    assert count == "(1 · 3)" and len(name.replace("…", "")) > len("test key")
    # Another language's word goes the same way; a caller may give the bare count.
    bare = metrics.horizontalAdvance("Hun…  (1 · 3)") + 2
    assert fit_label("Hund  (1 · 3 vorgeschlagen)", metrics, bare)[1] == "(1 · 3)"
    narrow = metrics.horizontalAdvance("dog  (0)") + 2
    assert fit_label("dog  (0 · 4 rejected)", metrics, narrow, short="(0)")[1] == "(0)"
    # A tag only ever rejected keeps its number and what it counts when narrow (a bare "(0)" read as
    # "no photos").
    from imgtag_desktop.ui.sidebar import tag_counts

    words, short = tag_counts(0, 0, 4)
    assert words == "(0 · 4 rejected)" and short == "(4 rejected)"
    narrow = metrics.horizontalAdvance(f"dog  {short}") + 2
    assert fit_label(f"dog  {words}", metrics, narrow, short=short)[1] == "(4 rejected)"


def test_dialogs_fit_a_small_screen(qtbot, session):
    from imgtag_desktop.ui.dialogs import ModelsDialog, SettingsDialog, ShortcutsDialog

    for dialog in (ModelsDialog(session.settings), SettingsDialog(session.settings, "off"),
                   ShortcutsDialog([("A", "Approve")] * 60)):
        qtbot.addWidget(dialog)
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1000 and hint.height() <= 600, (type(dialog).__name__, hint)


def test_deep_in_a_narrow_tree_a_row_shows_its_name_not_dots_and_numbers(qapp):
    """Where even the bare count would leave less than three characters of the name, the row shows
    the name alone; its tooltip has the whole name and count."""
    from imgtag_desktop.ui.sidebar import MIN_SHOWN_CHARS, _tag_item

    metrics = QFontMetrics(QFont())
    text = "Stamford Hill  (0 · 1 suggested)"
    gap = metrics.horizontalAdvance("  ")
    tight = metrics.horizontalAdvance("(0 · 1)") + gap + metrics.horizontalAdvance("St")
    name, count = fit_label(text, metrics, tight)
    assert count == "" and len(name.replace("…", "")) >= MIN_SHOWN_CHARS
    assert metrics.horizontalAdvance(name) <= tight
    assert fit_label(text, metrics, tight, may_drop=False)[1] == "(0 · 1)"  # an album's count is nowhere else
    roomy = metrics.horizontalAdvance("(0 · 1)") + gap + metrics.horizontalAdvance("Stam…")
    name, count = fit_label(text, metrics, roomy)
    assert count == "(0 · 1)" and name.startswith("Sta")
    item = _tag_item("places|United Kingdom|England|Stamford Hill", "Stamford Hill", 0, 1)
    assert item.toolTip().startswith("places|United Kingdom|England|Stamford Hill (0 · 1 suggested):")
