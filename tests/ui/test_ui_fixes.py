"""Window-level fixes: the search bar and the sidebar albums follow tag edits."""

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
    photo = window.session.catalog.photos(status="ok")[0].id
    assert window.detail.add_tag("kayak", [photo])
    assert "kayak" in bar.completion_model.stringList()
    window.close()


def test_sidebar_albums_follow_tag_edits(qtbot, photo_dir, library):
    from imgtag_desktop.core.catalog import Catalog

    with Catalog(library) as catalog:
        if not hasattr(catalog, "add_album"):
            import pytest

            pytest.skip("the search feature (smart albums) is not in this build")
        catalog.add_album("Holidays", "holiday")
        ids = [p.id for p in catalog.photos(status="ok")]
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    albums = window.sidebar.model.albums
    assert albums.child(0).text() == "Holidays (1)"
    assert window.detail.add_tag("holiday", [ids[1]])
    qtbot.waitUntil(lambda: albums.child(0).text() == "Holidays (2)", timeout=5000)
    source = albums.child(0).data(SourceRole)
    assert sorted(source.value) == sorted(ids[:2])  # clicking the album shows the new photo too
    window.close()
