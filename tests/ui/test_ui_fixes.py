"""Window-level fixes: the search bar follows new tags."""

from __future__ import annotations

from imgtag_desktop.ui.app import create_window


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
