"""The detail pane's tag chips: every chip's whole text in every state, and a photo's chips in view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QToolButton

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.i18n import install_translators
from imgtag_desktop.ui.tag_model import TagRoles
from tests.ui.conftest import suggest

# Ten suggestions, as "Per photo 10" shows them: English, German and French names, a hierarchy
# longer than the pane is wide, and a mix of scores above and below the threshold.
SUGGESTED = [
    ("disappointed genres soloist", 0.91),
    ("Sonnenuntergang über dem Wasser", 0.88),
    ("fête de la musique à Montréal", 0.84),
    ("places|Deutschland|Nordrhein-Westfalen|Düsseldorf|Altstadt am Rheinufer bei Nacht", 0.8),
    ("Hochzeitsfotografie", 0.77),
    ("instructornishrts lexington", 0.7),
    ("Weihnachtsmarkt", 0.64),
    ("équipement de randonnée", 0.55),
    ("Straßenbahnhaltestelle", 0.42),
    ("Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung", 0.31),
]
APPROVED = ["Rathausplatz mit Brunnen", "architecture"]
REJECTED = ["Sehenswürdigkeit", "monument historique"]
WRAP = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
WRAP_ANYWHERE = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWrapAnywhere)


@pytest.fixture
def chip_library(library: Path) -> Path:
    with Catalog(library) as cat:
        for p in cat.photos.all(status="ok"):
            for name in ("dog", "grass", "animal|cat", "holiday"):
                cat.tags.remove(p.id, name)
            for name, score in SUGGESTED + [(n, 0.95) for n in APPROVED + REJECTED]:
                suggest(cat, p.id, name, score)
            for name in APPROVED:
                cat.tags.approve(p.id, name)
            for name in REJECTED:
                cat.tags.reject(p.id, name)
    return library


@pytest.fixture
def language(qapp, request):  # type: ignore[no-untyped-def]
    assert install_translators(qapp, request.param) == request.param
    yield request.param
    install_translators(qapp, "en")


def _window(qtbot, library: Path, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    w = create_window(None, library, prompt=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitUntil(lambda: w.grid.model.rowCount() > 0, timeout=5000)
    ok = {p.id for p in w.session.catalog.photos.all(status="ok")}
    row = next(r for r in range(w.grid.model.rowCount()) if w.grid.model.item(r).id in ok)
    pid = w.grid.model.item(row).id
    w.grid_view.setCurrentIndex(w.grid.model.index(row, 0))
    qtbot.waitUntil(lambda: w.detail.photo_id == pid and w.detail.model.rowCount() == 14, timeout=5000)
    return w


def _settled(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    """Let the chips lay out, ask for their height and lay out again at the height they got."""
    chips = w.detail_panel.chips
    last = None
    for _ in range(20):
        qtbot.wait(30)
        QApplication.processEvents()
        now = (chips.geometry().getRect(), tuple(chips.visualRect(w.detail.model.index(r, 0)).getRect()
                                                 for r in range(w.detail.model.rowCount())))
        if now == last:
            return
        last = now


def _drawn_font(chips, state: str) -> QFont:  # type: ignore[no-untyped-def]
    font = QFont(chips.font())
    font.setBold(state == "approved")
    font.setStrikeOut(state == "rejected")
    return font


def _assert_every_chip_shows_its_whole_text(w) -> None:  # type: ignore[no-untyped-def]
    """Each chip's text, in the font it is drawn in (bold approved, struck-out rejected), fits its
    chip between the rounded ends (half a one-line chip's height each) and above and below."""
    chips = w.detail_panel.chips
    model = w.detail.model
    cells = [chips.visualRect(model.index(r, 0)) for r in range(model.rowCount())]
    line = min(c.height() for c in cells)  # a one-line chip
    states = set()
    for row, cell in enumerate(cells):
        index = model.index(row, 0)
        state = index.data(TagRoles.State)
        states.add(state)
        fm = QFontMetrics(_drawn_font(chips, state))
        text = index.data(Qt.ItemDataRole.DisplayRole)
        room_w, room_h = cell.width() - line, cell.height() - (line - fm.height())
        needed = fm.boundingRect(QRect(0, 0, room_w, 1 << 16), WRAP, text)
        if needed.width() > room_w:  # one word wider than the pane: broken inside the word
            needed = fm.boundingRect(QRect(0, 0, room_w, 1 << 16), WRAP_ANYWHERE, text)
        assert needed.width() <= room_w and needed.height() <= room_h, (text, state, needed, cell, line)
        if fm.horizontalAdvance(text) <= chips.viewport().width() - line - 2 * chips.spacing() - 1:
            assert needed.height() <= fm.height(), (text, "a name that fits on one line stays on one line")
        # A chip is never wider than the view: a long name wraps inside its chip.
        assert cell.width() <= chips.viewport().width(), (text, cell, chips.viewport().width())
    assert states == {"approved", "suggested", "rejected"}


def _assert_review_controls_visible(w) -> None:  # type: ignore[no-untyped-def]
    panel = w.detail_panel
    for widget in [*panel.findChildren(QToolButton), panel.add_field]:
        if isinstance(widget, QToolButton) and widget.parent() is not panel:
            continue
        assert widget.isVisible()
        top_left = widget.mapTo(w, widget.rect().topLeft())
        bottom_right = widget.mapTo(w, widget.rect().bottomRight())
        assert w.rect().contains(top_left) and w.rect().contains(bottom_right), widget
        assert widget.height() >= widget.minimumSizeHint().height()
        if isinstance(widget, QToolButton):
            assert widget.fontMetrics().horizontalAdvance(widget.text()) < widget.width(), widget.text()


@pytest.mark.parametrize("language", ["en", "de", "fr"], indirect=True)
def test_a_photos_chips_are_all_in_view_at_1280x800(qtbot, chip_library, language):
    w = _window(qtbot, chip_library, (1280, 800))
    chips = w.detail_panel.chips
    _settled(qtbot, w)
    _assert_every_chip_shows_its_whole_text(w)
    viewport = chips.viewport().rect()
    for row in range(w.detail.model.rowCount()):
        rect = chips.visualRect(w.detail.model.index(row, 0))
        assert viewport.contains(rect), (w.detail.model.tag(row).name, rect, viewport)
    assert chips.verticalScrollBar().maximum() == 0
    # The preview gave up height for the chips but is still a photo, not a strip.
    assert w.detail_panel.preview.height() >= 150
    _assert_review_controls_visible(w)

    # Approving draws a chip bold: it is laid out again for its bold text, and everything stays in view.
    w.detail.panel.chips.setCurrentIndex(w.detail.model.index(w.detail.model.row_of(SUGGESTED[0][0]), 0))
    assert w.detail.approve()
    assert w.detail.approve_all_above() > 0
    _settled(qtbot, w)
    assert w.detail.model.tag(w.detail.model.row_of(SUGGESTED[1][0])).state == "approved"
    _assert_every_chip_shows_its_whole_text(w)
    viewport = chips.viewport().rect()
    assert all(viewport.contains(chips.visualRect(w.detail.model.index(r, 0)))
               for r in range(w.detail.model.rowCount()))


@pytest.mark.parametrize("language", ["en", "de"], indirect=True)
def test_chips_scroll_but_never_clip_at_1024x768(qtbot, chip_library, language):
    w = _window(qtbot, chip_library, (1024, 768))
    chips = w.detail_panel.chips
    _settled(qtbot, w)
    _assert_every_chip_shows_its_whole_text(w)
    _assert_review_controls_visible(w)
    assert chips.height() >= chips.minimumSizeHint().height()
    # Every chip can be brought into view (the current one is, when moving with [ and ]).
    for row in range(w.detail.model.rowCount()):
        index = w.detail.model.index(row, 0)
        chips.setCurrentIndex(index)
        chips.scrollTo(index)
        QApplication.processEvents()
        assert chips.viewport().rect().contains(chips.visualRect(index)), w.detail.model.tag(row).name
    # A narrower pane (the splitter moved): the chips wrap again, still whole.
    width = w.detail_panel.width()
    sizes = w.splitter.sizes()
    w.splitter.setSizes([sizes[0], sizes[1] + width - 300, 300])
    _settled(qtbot, w)
    assert w.detail_panel.width() < width
    _assert_every_chip_shows_its_whole_text(w)
    _assert_review_controls_visible(w)
