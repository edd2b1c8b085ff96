"""Fixes from the UI review: completions, sidebar albums and counts, undo of a differently cased tag."""

from __future__ import annotations

from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.sidebar import SourceRole


def test_search_completion_learns_tags_added_after_start(qtbot, photo_dir, library):
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    bar = window.query_bar
    if bar is None:
        import pytest

        pytest.skip("the search feature (ui/query_bar.py) is not in this build")
    assert "kayak" not in bar.completion_model.stringList()
    photo = window.session.catalog.photos.all(status="ok")[0].id
    assert window.detail.add_tag("kayak", [photo])
    assert "kayak" in bar.completion_model.stringList()
    window.close()


def test_sidebar_albums_follow_tag_edits(qtbot, photo_dir, library):
    from imgtag_desktop.core.catalog import Catalog

    with Catalog(library) as catalog:
        catalog.albums.add("Holidays", "holiday")
        ids = [p.id for p in catalog.photos.all(status="ok")]
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    albums = window.sidebar.model.albums
    assert albums.child(0).text() == "Holidays (1)"
    assert window.detail.add_tag("holiday", [ids[1]])
    qtbot.waitUntil(lambda: albums.child(0).text() == "Holidays (2)", timeout=5000)
    source = albums.child(0).data(SourceRole)
    assert sorted(source.value) == sorted(ids[:2])  # clicking the album shows the new photo too
    window.close()


def test_counts_refresh_while_results_keep_arriving(qtbot, session):
    """Tag counts and the threshold preview are recounted during a job, not only after it."""
    from imgtag_desktop.ui.sidebar import SidebarController, make_sidebar
    from imgtag_desktop.ui.threshold import ThresholdController, ThresholdWidget

    view = make_sidebar()
    widget = ThresholdWidget()
    qtbot.addWidget(view)
    qtbot.addWidget(widget)
    sidebar = SidebarController(session, view)
    threshold = ThresholdController(session, widget)
    fired = {"tags": 0, "scores": 0}
    sidebar._tags_timer.timeout.connect(lambda: fired.__setitem__("tags", fired["tags"] + 1))
    threshold._reload_timer.timeout.connect(lambda: fired.__setitem__("scores", fired["scores"] + 1))
    for _ in range(15):  # results announced every 100 ms for 1.5 s, as a fast tagging job does
        session.tags_changed.emit()
        qtbot.wait(100)
    assert fired["tags"] >= 2 and fired["scores"] >= 2


def test_undo_restores_a_tag_edited_under_another_case(qtbot, session):
    from imgtag_desktop.ui.commands import TagChange, push_changes

    cat = session.catalog
    pid = cat.photos.all(status="ok")[0].id
    before = {t.name: t for t in cat.tags.photo_tags(pid)}
    assert before["dog"].state == "suggested"
    assert push_changes(session, [TagChange("add", (pid,), "Dog")])  # the tag "dog", typed differently
    assert {t.name: t.state for t in cat.tags.photo_tags(pid)}["dog"] == "approved"
    session.undo_stack.undo()
    assert {t.name: t for t in cat.tags.photo_tags(pid)} == before
    # A rename that only changes the case is one tag too: undo gives the suggestion back.
    assert push_changes(session, [TagChange("remove", (pid,), "dog"), TagChange("add", (pid,), "DOG")])
    session.undo_stack.undo()
    assert {t.name: t for t in cat.tags.photo_tags(pid)} == before


def test_completion_popup_survives_result_announcements(qtbot, photo_dir, library):
    from PySide6.QtCore import Qt

    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    bar = window.query_bar
    bar.edit.setFocus()
    qtbot.keyClicks(bar.edit, "do")
    popup = bar.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # the person picks a completion with the arrows
    current = popup.currentIndex()
    assert current.isValid()
    photo = window.session.catalog.photos.all(status="ok")[0].id
    window.session.announce([photo])  # a tagging result arrives while the person types
    assert popup.isVisible() and popup.currentIndex() == current
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    window.close()


def test_sidebar_keeps_the_chosen_folder_when_a_scan_ends(qtbot, session):
    from imgtag_desktop.ui.sidebar import SidebarController, make_sidebar

    view = make_sidebar()
    qtbot.addWidget(view)
    sidebar = SidebarController(session, view)
    folder = sidebar.model.library.child(1)  # row 0 is "All photos"
    view.setCurrentIndex(folder.index())
    chosen = folder.data(SourceRole)
    picked: list[object] = []
    sidebar.source_selected.connect(picked.append)
    session.library_changed.emit()  # a scan or rescan finished
    qtbot.wait(500)
    assert view.currentIndex().data(SourceRole) == chosen and picked == []
