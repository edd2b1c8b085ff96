"""The query bar and the sidebar's album counts (pytest-qt, offscreen)."""

from __future__ import annotations

import os

import pytest

from imgtag_desktop.core.catalog import Catalog, PhotoFacts
from imgtag_desktop.jobs.queries import QueryRunner
from imgtag_desktop.ui.query_bar import QueryBar, completion_text, current_word
from imgtag_desktop.ui.sidebar import read_counts


@pytest.fixture
def library(catalog: Catalog):
    folder = catalog.photos.add_folder("/lib")
    ids = catalog.photos.add(folder.id, [PhotoFacts(os.fsencode(f"/lib/{i}.jpg"), "", 1, 1, None, "jpeg")
                                         for i in range(4)])
    catalog.tags.add(ids[:2], "dog")
    catalog.tags.add(ids[1:3], "places|paris")
    catalog.tags.add(ids[3], "city skyline")
    return catalog, ids


@pytest.fixture
def make_bar(qtbot, library):
    runners = []

    def make(**kwargs):
        catalog, _ = library
        runner = QueryRunner(catalog.path)
        runners.append(runner)
        bar = QueryBar(runner, save_album=catalog.albums.add, **kwargs)
        qtbot.addWidget(bar)
        qtbot.waitUntil(lambda: not runner.busy())
        return bar

    yield make
    for runner in runners:
        runner.close()


def test_current_word_and_completion_text():
    assert current_word("dog AND pla", 11) == (8, "pla")
    assert current_word("dog -pla", 8) == (5, "pla")
    assert current_word("(sta", 4) == (1, "sta")
    assert current_word("dog ", 4) == (4, "")
    assert completion_text("places|paris") == "places|paris"
    assert completion_text("city skyline") == '"city skyline"'
    assert completion_text("AND") == '"AND"'
    assert completion_text("untagged") == '"untagged"'


def test_query_bar_runs_queries_and_reports_ids(qtbot, library, make_bar):
    catalog, ids = library
    bar = make_bar()
    with qtbot.waitSignal(bar.results_ready) as results, qtbot.waitSignal(bar.query_changed) as changed:
        bar.set_text("dog -places")
        bar.submit()
    assert results.args == [[ids[0]]]
    assert changed.args[1] == bar_node("dog -places")


def bar_node(text):
    from imgtag_desktop.core.query import parse

    return parse(text)


def test_query_bar_shows_syntax_errors_inline(qtbot, make_bar):
    bar = make_bar()
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


def test_query_bar_completes_tags_and_fields(qtbot, library, make_bar):
    catalog, _ = library
    bar = make_bar()
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
    qtbot.waitUntil(lambda: "zebra" in bar.completion_model.stringList())


def test_save_as_smart_album(qtbot, library, make_bar):
    catalog, _ = library
    bar = make_bar()
    bar.set_text("dog OR places")
    with qtbot.waitSignal(bar.album_saved) as saved:
        assert bar.save_as_album("Dogs and Paris")
    assert saved.args == ["Dogs and Paris", "dog OR places"]
    assert catalog.albums.get("Dogs and Paris").query == "dog OR places"
    assert not bar.save_as_album("Dogs and Paris")
    assert "already an album" in bar.error


def test_semantic_query_without_encoder_shows_what_to_do(qtbot, make_bar):
    bar = make_bar()
    bar.set_text('~"a dog"')
    with qtbot.assertNotEmitted(bar.results_ready):
        bar.submit()
        qtbot.waitUntil(lambda: "needs the CLIP model" in bar.error)


def test_a_search_encodes_its_text_off_the_gui_thread(qtbot, library, make_bar):
    import threading

    import numpy as np

    catalog, ids = library
    catalog.analysis.set_embeddings([(i, np.eye(4, dtype=np.float32)[n]) for n, i in enumerate(ids)], "clip-test")
    threads = []

    def encode(text):
        threads.append(threading.current_thread())
        return np.eye(4, dtype=np.float32)[2]

    bar = make_bar(encoder=lambda: encode)
    bar.set_text('~"a dog"')
    with qtbot.waitSignal(bar.results_ready) as results:
        bar.submit()
    assert results.args[0][0] == ids[2]
    assert threads and threading.main_thread() not in threads


def test_sidebar_album_counts_come_from_count(library):
    catalog, ids = library
    catalog.albums.add("Dogs", "dog")
    catalog.albums.add("Visual", '~"a dog">0.2')
    from concurrent.futures import ThreadPoolExecutor

    def on_a_worker():
        with Catalog(catalog.path, read_only=True) as worker_catalog:
            return read_counts(worker_catalog)

    with ThreadPoolExecutor(1) as pool:
        counts = pool.submit(on_a_worker).result()
    assert [(a.name, n) for a, n in counts.albums] == [("Dogs", 2), ("Visual", None)]
    assert {c.tag.name for c in counts.tags} >= {"dog", "places|paris"}


def test_typing_pops_up_completions_and_activation_inserts(qtbot, make_bar):
    bar = make_bar()
    bar.show()
    qtbot.keyClicks(bar.edit, "cat OR pla")
    assert bar.completer.completionPrefix() == "pla"
    assert bar.completer.popup().isVisible()
    bar.completer.activated.emit("places|paris")
    assert bar.text() == "cat OR places|paris "
