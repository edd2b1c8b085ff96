"""The query bar and the albums model (pytest-qt, offscreen)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from imgtag_desktop.core.catalog import Catalog, PhotoFacts  # noqa: E402
from imgtag_desktop.ui.albums_model import AlbumsModel, CountRole, QueryRole, sidebar_albums  # noqa: E402
from imgtag_desktop.ui.query_bar import QueryBar, completion_text, current_word  # noqa: E402


@pytest.fixture
def library(catalog: Catalog):
    folder = catalog.photos.add_folder("/lib")
    ids = catalog.photos.add(folder.id, [PhotoFacts(os.fsencode(f"/lib/{i}.jpg"), "", 1, 1, None, "jpeg")
                                         for i in range(4)])
    catalog.tags.add(ids[:2], "dog")
    catalog.tags.add(ids[1:3], "places|paris")
    catalog.tags.add(ids[3], "city skyline")
    return catalog, ids


def test_current_word_and_completion_text():
    assert current_word("dog AND pla", 11) == (8, "pla")
    assert current_word("dog -pla", 8) == (5, "pla")
    assert current_word("(sta", 4) == (1, "sta")
    assert current_word("dog ", 4) == (4, "")
    assert completion_text("places|paris") == "places|paris"
    assert completion_text("city skyline") == '"city skyline"'
    assert completion_text("AND") == '"AND"'
    assert completion_text("untagged") == '"untagged"'


def test_query_bar_runs_queries_and_reports_ids(qtbot, library):
    catalog, ids = library
    bar = QueryBar(catalog.path)
    qtbot.addWidget(bar)
    with qtbot.waitSignal(bar.results_ready) as results, qtbot.waitSignal(bar.query_changed) as changed:
        bar.set_text("dog -places")
        bar.submit()
    assert results.args == [[ids[0]]]
    assert changed.args[1] == bar_node("dog -places")
    bar.close_catalog()


def bar_node(text):
    from imgtag_desktop.core.query import parse

    return parse(text)


def test_query_bar_shows_syntax_errors_inline(qtbot, library):
    catalog, _ = library
    bar = QueryBar(lambda: catalog.tags.names())
    qtbot.addWidget(bar)
    bar.show()
    with qtbot.waitSignal(bar.error_changed) as err:
        bar.set_text("dog AND (cat OR)")
    assert err.args == ["unexpected ')' at column 16"]
    assert bar.error_label.isVisible() and "column 16" in bar.error_label.text()
    assert not bar.save_button.isEnabled()
    with qtbot.assertNotEmitted(bar.query_changed):
        bar.submit()
    bar.set_text("dog AND (cat OR bird)")
    assert bar.error == "" and not bar.error_label.isVisible() and bar.save_button.isEnabled()


def test_query_bar_completes_tags_and_fields(qtbot, library):
    catalog, _ = library
    bar = QueryBar(catalog.path)
    qtbot.addWidget(bar)
    strings = bar.completion_model.stringList()
    assert {"dog", "places|paris", '"city skyline"', "state:suggested", "date:"} <= set(strings)
    bar.edit.setText("dog AND pla")
    bar.edit.setCursorPosition(11)
    bar.completer.setCompletionPrefix("pla")
    assert bar.completer.currentCompletion() in ("places", "places|paris")
    bar.insert_completion("places|paris")
    assert bar.text() == "dog AND places|paris "
    bar.edit.setText("-sta")
    bar.edit.setCursorPosition(4)
    bar.insert_completion("state:suggested")
    assert bar.text() == "-state:suggested "
    bar.edit.setText("x da")
    bar.edit.setCursorPosition(4)
    bar.insert_completion("date:")
    assert bar.text() == "x date:" and bar.edit.cursorPosition() == 7
    # New tags show up after a refresh.
    catalog.tags.add(1, "zebra")
    bar.refresh_completions()
    assert "zebra" in bar.completion_model.stringList()
    bar.close_catalog()


def test_save_as_smart_album(qtbot, library):
    catalog, _ = library
    bar = QueryBar(catalog.path)
    qtbot.addWidget(bar)
    bar.set_text("dog OR places")
    with qtbot.waitSignal(bar.album_saved) as saved:
        assert bar.save_as_album("Dogs and Paris")
    assert saved.args == ["Dogs and Paris", "dog OR places"]
    assert catalog.albums.get("Dogs and Paris").query == "dog OR places"
    assert not bar.save_as_album("Dogs and Paris")
    assert "already an album" in bar.error
    bar.close_catalog()


def test_semantic_query_without_encoder_shows_what_to_do(qtbot, library):
    catalog, _ = library
    bar = QueryBar(catalog.path)
    qtbot.addWidget(bar)
    bar.set_text('~"a dog"')
    with qtbot.assertNotEmitted(bar.results_ready):
        bar.submit()
    assert "needs the CLIP model" in bar.error
    bar.close_catalog()


def test_albums_model_counts_are_live(qtbot, library):
    catalog, ids = library
    catalog.albums.add("Dogs", "dog")
    catalog.albums.add("Paris", "places")
    model = AlbumsModel(catalog, poll_ms=20)
    assert model.rowCount() == 2
    assert [model.index(r).data() for r in range(2)] == ["Dogs (2)", "Paris (2)"]
    assert model.index(0).data(QueryRole) == "dog"
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        catalog.tags.add(ids[2:], "dog")  # polling notices the change
    assert model.index(0).data(CountRole) == 4
    assert not model.refresh_if_changed()
    # Rename through the model, edit, remove, add.
    assert model.setData(model.index(0), "Doggies", Qt.ItemDataRole.EditRole)
    assert model.row_of("Doggies") == 0 and catalog.albums.get("Doggies") is not None
    assert not model.setData(model.index(0), "Paris", Qt.ItemDataRole.EditRole)
    assert "already an album" in model.last_error
    model.edit_query(model.row_of("Paris"), "places -dog")
    assert model.index(model.row_of("Paris")).data(CountRole) == 0
    model.add_album("Skyline", '"city skyline"')
    assert model.index(model.row_of("Skyline")).data() == "Skyline (1)"
    model.remove(model.row_of("Doggies"))
    assert [model.index(r).data(Qt.ItemDataRole.EditRole) for r in range(model.rowCount())] == ["Paris", "Skyline"]
    model.close()


def test_sidebar_albums(library):
    catalog, ids = library
    catalog.albums.add("Dogs", "dog")
    catalog.albums.add("Visual", '~"a dog"')
    listed = sidebar_albums(catalog)
    assert listed[0] == ("Dogs (2)", ids[:2], "dog")
    label, photo_ids, tip = listed[1]
    assert label == "Visual (?)" and photo_ids == [] and "CLIP model" in tip


def test_typing_pops_up_completions_and_activation_inserts(qtbot, library):
    catalog, _ = library
    bar = QueryBar(catalog.path)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.keyClicks(bar.edit, "cat OR pla")
    assert bar.completer.completionPrefix() == "pla"
    assert bar.completer.popup().isVisible()
    bar.completer.activated.emit("places|paris")
    assert bar.text() == "cat OR places|paris "
    bar.close_catalog()
