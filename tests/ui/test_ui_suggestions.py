"""The window's suggestions follow the threshold, the budget and decisions; muted tags; sidebar section."""

from __future__ import annotations

from pathlib import Path

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.catalog.analysis import CandidateRow
from imgtag_desktop.tagging.suggest import RankingOptions, rerank
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.commands import TagChange, push_changes
from imgtag_desktop.ui.sidebar import TagNameRole

WORDS = ("dog", "grass", "ball", "tree", "sky", "fence", "cloud", "bench", "path", "shadow", "leaf", "bird")


def add_candidates(library: Path) -> list[int]:
    """Give every photo stored candidates with features, as a tagging run would, and rank them."""
    with Catalog(library) as cat:
        ids = [p.id for p in cat.photos.all(status="ok")]
        for n, pid in enumerate(ids):
            rows = [CandidateRow(w, "caption" if i < 2 else "vocabulary", 0.5 if i < 2 else None,
                                 0.0, 0.25, "pending", 0.04 - 0.006 * i + 0.001 * n, 0.4 if i < 2 else 0.1, i)
                    for i, w in enumerate(WORDS)]
            rows = [CandidateRow(r.text, r.origin, r.keyword_score, 1 / (1 + 2.718281828 ** (-100 * (r.margin or 0))),
                                 r.raw_score, r.decision, r.margin, r.caption_similarity, r.duplicate_group)
                    for r in rows]
            for t in cat.tags.photo_tags(pid, states=["suggested"]):
                cat.tags.remove(pid, t.name)
            cat.analysis.record(pid, caption="a dog on grass", caption_model="c", candidates=rows, suggestions=[],
                                embedding=None, visual_model="v", models_key="test-models", fingerprint=None,
                                threshold=0.5)
        rerank(cat, RankingOptions(threshold=0.5, budget=10))
        cat.decisions.forget()
    return ids


def _window(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    window = create_window(photo_dir, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        pass
    return window


def _settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.suggestions.busy(), timeout=20000)
    qtbot.waitUntil(lambda: not window.session.queries.busy(), timeout=20000)  # grid and sidebar reads delivered


def _shown(window, ids: list[int]) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    tags = window.session.catalog.tags.photo_tags_of(ids, states=["suggested"])
    return {pid: [t.name for t in tags.get(pid, [])] for pid in ids}


def test_budget_and_threshold_controls_rerank_and_badges_follow(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    window.threshold_widget.slider.setValue(0)
    _settle(qtbot, window)
    assert all(len(v) == 10 for v in _shown(window, ids).values())
    window.threshold_widget.budget.setValue(3)
    _settle(qtbot, window)
    shown = _shown(window, ids)
    assert all(len(v) == 3 for v in shown.values())
    badges = {window.grid.model.item(r).id: window.grid.model.item(r).suggested
              for r in range(window.grid.model.rowCount())}
    assert all(badges[pid] == 3 for pid in ids)
    window.threshold_widget.slider.setValue(99)  # only the caption phrases confirmed visually stay
    _settle(qtbot, window)
    high = _shown(window, ids)
    assert all(set(high[p]) <= {"dog", "grass"} for p in ids) and sum(map(len, high.values())) < 3 * len(ids)
    window.threshold_widget.slider.setValue(0)
    _settle(qtbot, window)
    assert _shown(window, ids) == shown
    assert window.session.settings.suggestion_budget == 3


def test_rejections_mute_a_tag_and_the_muted_list_unmutes_with_undo(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    window.session.settings.mute_after = 3
    window.threshold_widget.slider.setValue(0)
    window.threshold_widget.budget.setValue(50)
    _settle(qtbot, window)
    for pid in ids[:3]:
        assert push_changes(window.session, [TagChange("reject", (pid,), "fence")])
    _settle(qtbot, window)
    assert not any("fence" in v for v in _shown(window, ids).values())
    dialog = window.show_muted_tags()
    qtbot.waitUntil(lambda: [m.tag for m in dialog.tags] == ["fence"], timeout=10000)
    assert "fence" in dialog.list.item(0).text()
    assert dialog.unmute_current()
    _settle(qtbot, window)
    assert all("fence" in _shown(window, [pid])[pid] for pid in ids[3:])
    qtbot.waitUntil(lambda: dialog.tags == [], timeout=10000)
    dialog.undo_button.click()  # undo the unmute: muted again
    _settle(qtbot, window)
    assert not any("fence" in v for v in _shown(window, ids).values())
    qtbot.waitUntil(lambda: [m.tag for m in dialog.tags] == ["fence"], timeout=10000)
    # Learning off: no muting, the ranking of the models alone.
    window.registry["learning"].setChecked(False)
    _settle(qtbot, window)
    assert all("fence" in _shown(window, [pid])[pid] for pid in ids[3:])
    dialog.close()


def test_suggested_only_tags_have_their_own_collapsed_section_with_a_filter(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: sidebar.model.suggested_only.rowCount() > 3, timeout=10000)
    section = sidebar.model.suggested_only
    assert not sidebar.view.isExpanded(section.index())
    names = [section.child(r).data(TagNameRole) for r in range(1, section.rowCount())]
    assert "sky" in names and "holiday" not in names
    tags_section = [sidebar.model.tags.child(r).data(TagNameRole) for r in range(sidebar.model.tags.rowCount())]
    assert "holiday" in tags_section and "sky" not in tags_section
    sidebar.filter_edit.setText("sk")
    visible = [section.child(r).data(TagNameRole) for r in range(1, section.rowCount())
               if not sidebar.view.isRowHidden(r, section.index())]
    assert visible == ["sky"]


def test_cli_records_the_same_decisions_as_the_window(qtbot, photo_dir, library, tmp_path, capsys):  # type: ignore[no-untyped-def]
    """approve / reject / tag-add / tag-remove from the CLI log what the window's tag edits log."""
    import shutil

    from imgtag_desktop.cli import main
    from imgtag_desktop.core.settings import Settings
    from imgtag_desktop.ui.session import Session

    ids = add_candidates(library)
    twin = tmp_path / "twin.db"
    shutil.copy(library, twin)
    with Catalog(library) as cat:
        s0 = [t.name for t in cat.tags.photo_tags(ids[0], states=["suggested"])]
        s1 = [t.name for t in cat.tags.photo_tags(ids[1], states=["suggested"])]
        other = next(w for w in WORDS if w not in s1)
        paths = {p.id: str(p.path) for p in cat.photos.all()}
    session = Session(library, Settings(threshold=0.5))
    try:
        for op, pid, name in (("approve", ids[0], s0[0]), ("reject", ids[0], s0[1]), ("remove", ids[1], s1[0]),
                              ("add", ids[1], other)):
            assert push_changes(session, [TagChange(op, (pid,), name)])
        app = [(d.photo_id, d.tag, d.label, d.action, d.margin) for d in session.catalog.decisions.effective()]
    finally:
        session.close()
    lib = ["--library", str(twin)]
    assert main([*lib, "approve", paths[ids[0]], s0[0]]) == 0
    assert main([*lib, "reject", paths[ids[0]], s0[1]]) == 0
    assert main([*lib, "tag-remove", paths[ids[1]], s1[0]]) == 0
    assert main([*lib, "tag-add", paths[ids[1]], other]) == 0
    with Catalog(twin) as cat:
        cli = [(d.photo_id, d.tag, d.label, d.action, d.margin) for d in cat.decisions.effective()]
    assert cli == app and [d[2] for d in app] == [1, 0, 0, 1] and all(d[4] is not None for d in app)


def test_review_bar_counts_what_is_shown_after_every_rerank(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """The review bar's counts follow the threshold, the budget and the learning refit, and count the
    suggestions shown (at or above the threshold, within the budget), as the grid lists them."""
    import re

    add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    window.threshold_widget.budget.setValue(50)
    window.threshold_widget.slider.setValue(0)
    _settle(qtbot, window)
    cat = window.session.catalog

    def label() -> tuple[int, int] | None:
        m = re.search(r"(\d+) left, (\d+) approved", window.review_bar.label.text())
        return (int(m.group(1)), int(m.group(2))) if m else None

    def shown() -> tuple[int, int]:
        grid = [window.grid.model.item(r).id for r in range(window.grid.model.rowCount())]
        states = {pid: {t.name: t.state for t in cat.tags.photo_tags(pid)} for pid in grid}
        approved = len(cat.review.photos_with_tag("tree", ("approved",)))
        return sum(states[p].get("tree") == "suggested" for p in grid), approved

    def check(left: int | None = None) -> None:
        _settle(qtbot, window)
        qtbot.waitUntil(lambda: label() == shown(), timeout=10000)
        if left is not None:
            assert label() == (left, shown()[1])

    window.review.start("tree")
    check(6)
    # tree scores 0.900, 0.909, 0.917, 0.924, 0.931, 0.937, shown as 0.90-0.94: four photos show 0.92 or more
    window.threshold_widget.slider.setValue(92)
    check(4)
    assert window.grid.model.rowCount() == 4
    window.threshold_widget.budget.setValue(3)  # tree is the fourth suggestion on every photo
    check(0)
    window.threshold_widget.budget.setValue(50)
    check(4)
    window.grid_view.setFocus()
    assert window.review.approve()  # an edit counts at once, the refit that follows re-ranks
    assert label() is not None
    check()
    assert label() is not None and label()[1] == 1  # type: ignore[index]
    assert label()[0] == window.grid.model.rowCount()  # type: ignore[index]  # the refit re-read the rows


def _chips(window) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """What the detail pane shows: each chip's name, state and text."""
    model = window.detail.model
    return [(t.name, t.state, model.data(model.index(r, 0))) for r, t in enumerate(model.tags())]


def _stored(window, pid: int) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    return {t.name: t.visual_score for t in window.session.catalog.tags.photo_tags(pid, states=["suggested"])}


def _showing(qtbot, photo_dir, library, threshold: int | None = None):  # type: ignore[no-untyped-def]
    """The window on the library's candidates, budget 50 (and the slider at ``threshold``), the first
    photo in the detail pane: the window, the photo ids."""
    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    window.threshold_widget.budget.setValue(50)
    if threshold is not None:
        window.threshold_widget.slider.setValue(threshold)
    _settle(qtbot, window)
    assert window.grid.select_photo(ids[0])
    qtbot.waitUntil(lambda: window.detail.photo_id == ids[0], timeout=5000)
    return window, ids


def test_a_refit_keeps_the_shown_photo_as_it_is_until_the_person_moves_on(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """Learning from decisions made on other photos re-ranks the library, but the photo in the detail
    pane keeps its chips (and its badge) until the person moves to another photo; the status bar says
    what was re-ranked and why. Then the photo left behind is ranked like every other."""
    window, ids = _showing(qtbot, photo_dir, library)
    shown_id = ids[0]
    before_chips, before_stored = _chips(window), _stored(window, shown_id)
    assert any(state == "suggested" for _n, state, _t in before_chips)
    others_before = {pid: _stored(window, pid) for pid in ids[1:]}
    # Decisions on other photos (a selection, as the window's rule says): "dog" is rejected on three.
    targets = tuple(ids[1:4])
    assert push_changes(window.session, [TagChange("reject", targets, "dog")])
    _settle(qtbot, window)
    assert window.suggestions.last_stats is not None and window.suggestions.last_stats.detail["refitted"]
    assert _chips(window) == before_chips  # the person did not touch it: it did not move
    assert _stored(window, shown_id) == before_stored  # nor did its badge, the sidebar, the CLI's view
    assert shown_id in window.suggestions.stale
    assert "re-ranked suggestions come when you move on" in window.detail_panel.summary.text()
    changed_elsewhere = [pid for pid in ids[4:] if _stored(window, pid) != others_before[pid]]
    assert changed_elsewhere, "the refit re-ranked the other photos"
    message = window.statusBar().currentMessage()
    assert "learning from your decisions" in message and "until you move on" in message
    # The person moves on: the photo left behind is ranked now, as any other photo was.
    assert window.grid.select_photo(ids[5])
    _settle(qtbot, window)
    assert shown_id not in window.suggestions.stale
    after = _stored(window, shown_id)
    assert after != before_stored
    assert after["dog"] < before_stored["dog"]  # what the person taught about "dog" applies here too
    assert window.grid.select_photo(shown_id)
    qtbot.waitUntil(lambda: window.detail.photo_id == shown_id, timeout=5000)
    assert {n for n, s, _t in _chips(window) if s == "suggested"} == set(after)
    assert "move on" not in window.detail_panel.summary.text()


def test_the_threshold_moves_the_shown_photo_at_once(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """The person's own change (the threshold) applies to the photo shown too, and nothing is held."""
    window, ids = _showing(qtbot, photo_dir, library, threshold=50)
    before = _stored(window, ids[0])
    window.threshold_widget.slider.setValue(92)
    _settle(qtbot, window)
    after = _stored(window, ids[0])
    assert set(after) < set(before) and not window.suggestions.stale
    assert {n for n, s, _t in _chips(window) if s == "suggested"} == set(after)


def test_the_cli_lists_what_the_window_shows(qtbot, photo_dir, library, capsys):  # type: ignore[no-untyped-def]
    """`imgtag tags --photo` and the window (the detail pane's chips and their count, the grid's
    badge, the review of a tag) agree on a photo's suggestions, for the same catalog and settings:
    here after the library was ranked by the command line at another threshold than the window's."""
    import json

    from imgtag_desktop.cli import main

    ids = add_candidates(library)
    with Catalog(library) as cat:
        paths = {p.id: str(p.path) for p in cat.photos.all()}
    assert main(["--library", str(library), "rerank", "--threshold", "0.3", "--budget", "50"]) == 0
    capsys.readouterr()
    window = _window(qtbot, photo_dir, library)  # its settings: threshold 0.5, budget 10
    _settle(qtbot, window)
    for pid in ids[:3]:
        assert window.grid.select_photo(pid)
        qtbot.waitUntil(lambda pid=pid: window.detail.photo_id == pid, timeout=5000)
        assert main(["--library", str(library), "tags", "--photo", paths[pid], "--json"]) == 0
        cli = {r["name"] for r in json.loads(capsys.readouterr().out) if r["state"] == "suggested"}
        chips = {n for n, s, _t in _chips(window) if s == "suggested"}
        passing = {t.name for t in window.detail.model.tags() if window.detail.model.passes(t)}
        row = next(r for r in range(window.grid.model.rowCount()) if window.grid.model.item(r).id == pid)
        assert cli == chips == passing and window.grid.model.item(row).suggested == len(cli)
        assert f"{len(cli)} suggested ({len(cli)} at or above 0.50)" in window.detail_panel.summary.text()


def test_a_refit_keeps_the_current_chip_of_the_photo_shown(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """The chip the person moved to stays current while the same photo is shown: a learning refit
    re-reads the grid, and the photo never passes through "no photo" (which sent the ring back to
    the first suggestion, so the next A, R or F2 acted on another tag than the one looked at)."""
    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    _settle(qtbot, window)
    shown = ids[0]
    assert window.grid.select_photo(shown)
    qtbot.waitUntil(lambda: window.detail.photo_id == shown, timeout=5000)
    names = [n for n, s, _t in _chips(window) if s == "suggested"]
    chosen = names[2]
    window.detail_panel.chips.setCurrentIndex(window.detail.model.index(window.detail.model.row_of(chosen), 0))
    assert window.detail.current_tag_name() == chosen
    assert push_changes(window.session, [TagChange("reject", tuple(ids[1:4]), "dog")])
    _settle(qtbot, window)
    assert window.suggestions.last_stats is not None and window.suggestions.last_stats.detail["refitted"]
    assert window.detail.photo_id == shown
    assert window.detail.current_tag_name() == chosen


def test_a_refit_keeps_the_selection_an_edit_applies_to(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """An edit on several selected photos starts a refit; when it re-reads the grid the selection stays,
    so the next key still acts on the photos the window says ("edits apply to the N selected photos")."""
    add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    _settle(qtbot, window)
    window.grid.view.selectAll()
    selected = window.grid.selected_photo_ids()
    assert len(selected) > 3
    assert push_changes(window.session, [TagChange("approve", tuple(selected), "dog")])
    _settle(qtbot, window)
    assert window.suggestions.last_stats is not None and window.suggestions.last_stats.detail["refitted"]
    assert window.grid.selected_photo_ids() == selected
    assert window.detail.targets() == selected
    assert f"edits apply to the {len(selected)} selected photos" in window.detail_panel.summary.text()


def test_approving_a_later_chip_moves_on_to_the_suggestion_after_it(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """A and R move to the next suggestion in the order the chips showed: approving the third
    suggestion (its chip moves up among the approved ones) goes on to the fourth, never back to the second."""
    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    _settle(qtbot, window)
    assert window.grid.select_photo(ids[0])
    qtbot.waitUntil(lambda: window.detail.photo_id == ids[0], timeout=5000)
    names = [n for n, s, _t in _chips(window) if s == "suggested"]
    assert len(names) >= 5
    model = window.detail.model
    window.detail_panel.chips.setCurrentIndex(model.index(model.row_of(names[2]), 0))
    assert window.detail.approve()
    assert dict((n, s) for n, s, _t in _chips(window))[names[2]] == "approved"
    assert window.detail.current_tag_name() == names[3]
    assert window.detail.reject()
    assert window.detail.current_tag_name() == names[4]


def test_moving_the_threshold_says_when_it_also_brings_a_held_re_ranking_to_the_photo_shown(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """A refit kept the photo shown as it was; the person's own change (the threshold) then ranks it
    with what was learned too. Its chips change by more than the threshold would explain, so the
    status bar says why."""
    window, ids = _showing(qtbot, photo_dir, library)
    shown = ids[0]
    assert push_changes(window.session, [TagChange("reject", tuple(ids[1:4]), "dog")])
    _settle(qtbot, window)
    assert shown in window.suggestions.stale
    window.statusBar().clearMessage()
    window.threshold_widget.slider.setValue(window.threshold_widget.slider.value() + 1)
    _settle(qtbot, window)
    assert shown not in window.suggestions.stale
    assert "photo shown brought up to date as well" in window.statusBar().currentMessage()


def test_a_refit_that_changes_only_the_photo_shown_says_so_plainly(qtbot, photo_dir, library):  # type: ignore[no-untyped-def]
    """A refit that would change no photo but the one shown (kept as it is) says that, not "0 photos changed"."""
    from imgtag_desktop.ui.suggestions import RankRequest

    ids = add_candidates(library)
    window = _window(qtbot, photo_dir, library)
    _settle(qtbot, window)
    window.statusBar().clearMessage()
    window.suggestions._announce(RankRequest(refit=True, reasons={"learning"}), [], [ids[0]])
    message = window.statusBar().currentMessage()
    assert "the photo shown is re-ranked when you move on" in message and "0 photos" not in message
    window.suggestions._announce(RankRequest(refit=True, reasons={"learning"}), ids[1:3], [ids[0]])
    message = window.statusBar().currentMessage()
    assert "2 photos changed" in message and "keeps its suggestions until you move on" in message
    window.suggestions._announce(RankRequest(refit=True, reasons={"learning"}), ids[1:2], [])
    assert window.statusBar().currentMessage().endswith(": 1 photo changed")
