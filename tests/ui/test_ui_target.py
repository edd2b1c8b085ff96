"""The window's one rule for the target of an action.

Every review and tagging action acts on the photo the detail pane shows, or on the selection
when more than one photo is selected -- whatever key or click got there. Each navigation is
combined with each action, driven by keys on the real window, and checked against the catalog
(then undone with Ctrl+Z, which must restore the catalog exactly).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.dialogs import TagPickerDialog
from tests.helpers import make_photo
from tests.ui.conftest import settle, suggest

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
N_PHOTOS = 30


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 small photos (several grid rows and pages), each with three scored suggestions."""
    root = tmp_path_factory.mktemp("target")
    folder = root / "photos"
    for i in range(N_PHOTOS):
        make_photo(folder / f"p{i:02d}.jpg", (64, 48), seed=i)
    path = root / "library.db"
    with Catalog(path) as cat:
        scan_folder(cat, folder)
        for n, photo in enumerate(cat.photos.all()):
            suggest(cat, photo.id, "dog", 0.95 - 0.02 * n)
            suggest(cat, photo.id, "grass", 0.6 if n % 2 else 0.4)
            suggest(cat, photo.id, "animal|cat", 0.3)
    return path


@pytest.fixture
def window(qtbot, big_library: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    import shutil

    lib = tmp_path / "library.db"
    shutil.copy(big_library, lib)
    w = create_window(None, lib, prompt=False)
    qtbot.addWidget(w)
    w.resize(1024, 640)
    w.show()
    qtbot.waitUntil(lambda: w.grid.model.rowCount() == N_PHOTOS, timeout=5000)
    w.grid_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.grid_view, timeout=2000)
    yield w
    w.close()


def snapshot(catalog: Catalog) -> dict[int, dict[str, str]]:
    ids = [p.id for p in catalog.photos.all()]
    return {pid: {t.name: t.state for t in tags} for pid, tags in catalog.tags.photo_tags_of(ids).items()} | {
        pid: {} for pid in ids if not catalog.tags.photo_tags(pid)}


def click_row(qtbot, w, row: int, modifier=NONE) -> None:  # type: ignore[no-untyped-def]
    view = w.grid_view
    rect = view.visualRect(w.grid.model.index(row, 0))
    if not view.viewport().rect().contains(rect.center()):
        view.scrollTo(w.grid.model.index(row, 0))
        rect = view.visualRect(w.grid.model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def key(qtbot, w, k, modifier=NONE) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(w.grid_view, k, modifier)


# Each navigation starts from the same place: row 4 clicked, then row 5 Ctrl+clicked (two photos
# selected, the old target), then the move. ``multi`` says whether it ends with a multi-selection.
NAVIGATIONS: dict[str, tuple[Callable[..., None], bool]] = {
    "Right": (lambda qb, w: key(qb, w, Qt.Key.Key_Right), False),
    "Left": (lambda qb, w: key(qb, w, Qt.Key.Key_Left), False),
    "Down": (lambda qb, w: key(qb, w, Qt.Key.Key_Down), False),
    "Up": (lambda qb, w: key(qb, w, Qt.Key.Key_Up), False),
    "Home": (lambda qb, w: key(qb, w, Qt.Key.Key_Home), False),
    "End": (lambda qb, w: key(qb, w, Qt.Key.Key_End), False),
    "Ctrl+Home": (lambda qb, w: key(qb, w, Qt.Key.Key_Home, CTRL), False),
    "Ctrl+End": (lambda qb, w: key(qb, w, Qt.Key.Key_End, CTRL), False),
    "Ctrl+Right": (lambda qb, w: key(qb, w, Qt.Key.Key_Right, CTRL), False),
    "PgDn": (lambda qb, w: key(qb, w, Qt.Key.Key_PageDown), False),
    "PgUp": (lambda qb, w: (key(qb, w, Qt.Key.Key_End), key(qb, w, Qt.Key.Key_PageUp)), False),
    "click": (lambda qb, w: click_row(qb, w, 9), False),
    "Ctrl+click": (lambda qb, w: click_row(qb, w, 8, CTRL), True),
    "Shift+click": (lambda qb, w: click_row(qb, w, 8, SHIFT), True),
    "Ctrl+A": (lambda qb, w: key(qb, w, Qt.Key.Key_A, CTRL), True),
}


def expected_change(action: str, before: dict[int, dict[str, str]], targets: list[int], chip: str | None,
                    threshold: float, scores: dict[int, dict[str, float]]) -> set[int]:
    """Which photos the action must change, worked out from the catalog before it."""
    if action in ("A", "R"):
        state = "approved" if action == "A" else "rejected"
        return {p for p in targets if before[p].get(chip or "") != state}
    if action == "Del":
        return {p for p in targets if chip in before[p]}
    if action == "Enter":
        return {p for p in targets if any(s == "suggested" and scores[p].get(n, 0) >= threshold
                                          for n, s in before[p].items())}
    if action == "Ctrl+T":
        return {p for p in targets if before[p].get("kite") != "approved"}
    if action == "Ctrl+Shift+T":
        return {p for p in targets if "grass" in before[p]}
    if action == "F2":
        return set(targets)
    return set()


def run_action(qtbot, w, action: str, monkeypatch) -> list[int] | None:  # type: ignore[no-untyped-def]
    """Press the action's keys on the grid; returns the ids a tagging job was asked for (Ctrl+Shift+G)."""
    if action == "A":
        key(qtbot, w, Qt.Key.Key_A)
    elif action == "R":
        key(qtbot, w, Qt.Key.Key_R)
    elif action == "Del":
        key(qtbot, w, Qt.Key.Key_Delete)
    elif action == "Enter":
        key(qtbot, w, Qt.Key.Key_Return)
    elif action == "Ctrl+T":
        key(qtbot, w, Qt.Key.Key_T, CTRL)
        field = w.detail_panel.add_field
        assert QApplication.focusWidget() is field
        qtbot.keyClicks(field, "kite")
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is w.grid_view  # focus is back on the photos
    elif action == "Ctrl+Shift+T":
        def answer() -> None:
            dialog = next(d for d in QApplication.topLevelWidgets()
                          if isinstance(d, TagPickerDialog) and d.isVisible())
            assert dialog.name() == ""  # nothing pre-filled
            dialog.combo.setEditText("grass")
            dialog.accept()

        key(qtbot, w, Qt.Key.Key_T, CTRL | SHIFT)  # the picker opens once the tags are read off the GUI thread
        qtbot.waitUntil(lambda: any(isinstance(d, TagPickerDialog) and d.isVisible()
                                    for d in QApplication.topLevelWidgets()))
        answer()
    elif action == "F2":
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("pup", True)))
        key(qtbot, w, Qt.Key.Key_F2)
    elif action == "Ctrl+Shift+G":
        asked: list[list[int]] = []
        monkeypatch.setattr(w, "_when_tagging_ready", lambda start: start())  # the models' check is not under test
        monkeypatch.setattr(w.jobs, "tag", lambda ids, only_needed: asked.append(list(ids)))
        key(qtbot, w, Qt.Key.Key_G, CTRL | SHIFT)
        return asked[0] if asked else []
    return None


ACTIONS = ("A", "R", "Del", "Enter", "Ctrl+T", "Ctrl+Shift+T", "F2", "Ctrl+Shift+G")


def check(qtbot, w, action: str, monkeypatch, label: str) -> None:  # type: ignore[no-untyped-def]
    """Run ``action`` and check that it changed exactly its target in the catalog, then undo it."""
    cat = w.session.catalog
    shown = w.detail.photo_id
    assert shown == w.grid.current_photo_id(), label
    targets = w.grid.selected_photo_ids()
    selected = sorted({i.row() for i in w.grid_view.selectionModel().selectedIndexes()})
    if len(selected) > 1:
        assert targets == [w.grid.model.item(r).id for r in selected], label
    else:
        assert targets == [shown], label  # the photo the detail pane shows, nothing else
    reviewing = w.review.tag if w.review.active else None
    chip = reviewing or w.detail.current_tag_name()
    where = "1 photo" if len(targets) == 1 else f"{len(targets)} photos"
    if chip:
        assert w.registry["approve"].text().replace("&", "") == f"Approve '{chip}' on {where}", label
    before = snapshot(cat)
    scores = {pid: {t.name: t.visual_score or 0.0 for t in tags}
              for pid, tags in cat.tags.photo_tags_of(list(before)).items()}
    depth = w.session.undo_stack.index()
    asked = run_action(qtbot, w, action, monkeypatch)
    settle(qtbot, w.session)  # "approve all" in review lists its photos off the GUI thread first
    if action == "Ctrl+Shift+G":
        assert asked == targets, label
        return
    after = snapshot(cat)
    changed = {p for p in before if before[p] != after[p]}
    if reviewing and action == "Enter":
        expected = {p for p in before if before[p].get(reviewing) == "suggested"
                    and scores[p][reviewing] >= w.review_bar.min_score.value() - 1e-9}
    else:
        expected = expected_change(action, before, targets, chip, w.session.threshold, scores)
    assert changed == expected, f"{label}: changed {sorted(changed)}, target {sorted(expected)}"
    assert expected, f"{label}: the case tests nothing"
    undo = w.registry["undo"].text().replace("&", "")
    assert undo.startswith("Undo ") and len(undo) > len("Undo "), label  # Undo names the edit
    assert w.session.undo_stack.index() == depth + 1
    w.activateWindow()
    w.grid_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.grid_view, timeout=2000)
    key(qtbot, w, Qt.Key.Key_Z, CTRL)
    assert snapshot(cat) == before, f"{label}: undo did not restore the catalog"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_navigation_then_action_acts_on_the_shown_target(qtbot, window, monkeypatch, action):
    w = window
    for nav, (go, multi) in NAVIGATIONS.items():
        click_row(qtbot, w, 4)
        click_row(qtbot, w, 5, CTRL)
        assert len(w.grid.selected_photo_ids()) == 2
        start = w.grid.current_photo_id()
        go(qtbot, w)
        assert (len(w.grid.selected_photo_ids()) > 1) == multi, nav
        if not multi:
            assert w.grid.current_photo_id() != start or nav == "Ctrl+click", nav
        check(qtbot, w, action, monkeypatch, f"{nav} + {action}")


REVIEW_NAVIGATIONS: dict[str, Callable[..., None]] = {
    "start": lambda qb, w: None,
    "Ctrl+End": lambda qb, w: key(qb, w, Qt.Key.Key_End, CTRL),
    "Right": lambda qb, w: key(qb, w, Qt.Key.Key_Right),
    "click": lambda qb, w: click_row(qb, w, 6),
    "A moves on": lambda qb, w: (click_row(qb, w, 2), key(qb, w, Qt.Key.Key_A)),
    "Shift+click": lambda qb, w: (click_row(qb, w, 2), click_row(qb, w, 4, SHIFT)),
}


@pytest.mark.parametrize("action", ("A", "R", "Del", "Enter", "Ctrl+T", "Ctrl+Shift+G"))
def test_review_by_tag_navigation_then_action(qtbot, window, monkeypatch, action):
    w = window
    for nav, go in REVIEW_NAVIGATIONS.items():
        w.review.start("grass")
        settle(qtbot, w.session)  # the review's rows are read off the GUI thread
        qtbot.waitUntil(lambda: w.review.active and w.grid.model.rowCount() > 0, timeout=3000)
        w.review_bar.min_score.setValue(0.5)
        key(qtbot, w, Qt.Key.Key_Home)
        go(qtbot, w)
        check(qtbot, w, action, monkeypatch, f"review {nav} + {action}")
    assert w.grid_view.minimumSizeHint().width() < 400


def test_detail_pane_says_when_edits_apply_to_a_selection(qtbot, window):
    w = window
    click_row(qtbot, w, 1)
    click_row(qtbot, w, 3, SHIFT)
    assert "3 selected photos" in w.detail_panel.summary.text()
    assert w.registry["add_tag"].text().replace("&", "") == "Add tag to 3 photos…"
    key(qtbot, w, Qt.Key.Key_Home, CTRL)
    assert "selected" not in w.detail_panel.summary.text()
    assert w.registry["add_tag"].text().replace("&", "") == "Add tag to 1 photo…"
    assert w.grid_view.visualRect(w.grid.model.index(0, 0)).topLeft() != QPoint(-1, -1)


def test_target_texts_follow_the_window_language(qtbot, window, qapp):
    from imgtag_desktop.ui.i18n import install_translators

    w = window
    try:
        assert install_translators(qapp, "de") == "de"
        click_row(qtbot, w, 1)
        click_row(qtbot, w, 3, SHIFT)
        assert w.registry["add_tag"].text() == "Tag zu 3 Fotos &hinzufügen…"
        assert w.detail.add_tag("kite")
        assert w.registry["undo"].text() == "„kite“ zu 3 Fotos hinzufügen &rückgängig machen"
    finally:
        install_translators(qapp, "en")


def test_another_photo_starts_at_its_first_suggestion(qtbot, window):
    """The current chip does not carry over: Ctrl+End, move the chip, Ctrl+Home, A approves the
    first suggestion of the photo shown (not the tag that was current on the last photo)."""
    w = window
    cat = w.session.catalog
    key(qtbot, w, Qt.Key.Key_End, CTRL)
    last = w.detail.photo_id
    assert w.detail.current_tag_name() == first_suggestion(cat, last)
    key(qtbot, w, Qt.Key.Key_BracketRight)
    key(qtbot, w, Qt.Key.Key_BracketRight)
    moved = w.detail.current_tag_name()
    assert moved is not None and moved != first_suggestion(cat, last)
    key(qtbot, w, Qt.Key.Key_Home, CTRL)
    first = w.detail.photo_id
    assert first != last
    expected = first_suggestion(cat, first)
    assert expected != moved  # the case tests something
    assert w.detail.current_tag_name() == expected
    key(qtbot, w, Qt.Key.Key_A)
    states = {t.name: t.state for t in cat.tags.photo_tags(first)}
    assert states[expected] == "approved"
    assert states[moved] == "suggested"
    # The same photo shown again (a re-rank reads its tags again) keeps the chip the person is on.
    key(qtbot, w, Qt.Key.Key_BracketRight)
    on = w.detail.current_tag_name()
    w.detail.reload_tags()
    assert w.detail.current_tag_name() == on


def first_suggestion(catalog: Catalog, photo_id: int | None) -> str:
    assert photo_id is not None
    return next(t.name for t in catalog.tags.photo_tags(photo_id) if t.state == "suggested")


def test_review_by_tag_highlights_the_reviewed_tag(qtbot, window):
    """In review by tag the current chip is the reviewed tag, the one A and R act on."""
    w = window
    key(qtbot, w, Qt.Key.Key_End, CTRL)  # the last photo's first chip is "grass"; make another current
    key(qtbot, w, Qt.Key.Key_BracketRight)
    assert w.detail.current_tag_name() != "animal"
    w.review.start("animal")  # a parent: its photos carry "animal|cat"
    qtbot.waitUntil(lambda: w.review.active and w.grid.model.rowCount() == N_PHOTOS, timeout=5000)
    for move in (None, Qt.Key.Key_Right, Qt.Key.Key_End):
        if move is not None:
            key(qtbot, w, move)
        assert w.detail.current_tag_name() == "animal|cat", move
    w.review.start("dog")
    qtbot.waitUntil(lambda: w.grid.source.label == "Review: dog" and w.grid.model.rowCount() > 0, timeout=5000)
    key(qtbot, w, Qt.Key.Key_Right)
    assert w.detail.current_tag_name() == "dog"
    assert w.registry["approve"].text().replace("&", "") == "Approve 'dog' on 1 photo"
    w.review.stop()
    qtbot.waitUntil(lambda: w.grid.source.label == "All photos" and w.grid.model.rowCount() == N_PHOTOS)
    key(qtbot, w, Qt.Key.Key_Home, CTRL)
    assert w.detail.current_tag_name() == first_suggestion(w.session.catalog, w.detail.photo_id)


def test_the_detail_panes_enter_button_says_it_acts_on_every_photo_in_review_by_tag(qtbot, window):
    """In review by tag Enter approves the reviewed tag on every listed photo scored at or above the
    bar's value; the button under the photo's chips read 'All ≥ threshold (Enter)', as if it
    approved that photo's suggestions."""
    from PySide6.QtWidgets import QToolButton

    w = window

    def enter_button() -> str:
        return next(b.text() for b in w.detail_panel.findChildren(QToolButton) if "(Enter)" in b.text())

    assert enter_button() == "All ≥ threshold (Enter)"
    w.review.start("dog")
    qtbot.waitUntil(lambda: w.review.active and w.grid.model.rowCount() > 0, timeout=5000)
    w.review_bar.min_score.setValue(0.5)
    assert enter_button() == "Every photo ≥ 0.50 (Enter)"
    w.review.stop()
    qtbot.waitUntil(lambda: not w.review.active)
    assert enter_button() == "All ≥ threshold (Enter)"
