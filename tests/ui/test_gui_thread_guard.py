"""The GUI-thread catalog guard is active in every test and catches what it should."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from imgtag_desktop.ui.gui_thread import ALLOWED, EDITS, O1_READS
from tests import gui_guard


def _ui_function(source: str):  # type: ignore[no-untyped-def]
    """A function whose code counts as ui/ code (as if it were written in ui/probe.py)."""
    namespace: dict[str, object] = {}
    exec(compile(source, str(Path(gui_guard.UI_DIR) / "probe.py"), "exec"), namespace)
    return namespace["probe"]


def test_the_guard_is_active_in_this_test(request) -> None:  # type: ignore[no-untyped-def]
    assert "gui_thread_guard" in request.fixturenames  # autouse in tests/conftest.py: every test has it
    assert gui_guard.installed()


def test_a_library_wide_read_from_ui_code_on_the_gui_thread_raises(catalog) -> None:  # type: ignore[no-untyped-def]
    probe = _ui_function("def probe(catalog):\n    return catalog.tags.with_counts()\n")
    with pytest.raises(gui_guard.GuiThreadCatalogCall, match="tags.with_counts"):
        probe(catalog)
    search = _ui_function("def probe(catalog):\n    return catalog.albums.search('dog')\n")
    with pytest.raises(gui_guard.GuiThreadCatalogCall, match="albums.search"):
        search(catalog)
    # Through a Qt-free layer on the way (here the metadata preview, which lists photos): still ui/'s call.
    preview = _ui_function("def probe(catalog):\n"
                           "    from imgtag_desktop.core.metadata import plan_writes\n"
                           "    return plan_writes(catalog, [1], 'sidecar')\n")
    with pytest.raises(gui_guard.GuiThreadCatalogCall):
        preview(catalog)
    gui_guard.violations.clear()  # recorded for swallowed calls; these were expected


def test_named_o1_reads_pass_and_worker_threads_are_free(catalog) -> None:  # type: ignore[no-untyped-def]
    folder = catalog.photos.add_folder("/lib")
    assert catalog.photos.count(folder_id=folder.id) == 0  # test code itself is not guarded
    probe = _ui_function("def probe(catalog):\n    return catalog.photos.get(1), catalog.writes.mode()\n")
    assert probe(catalog) == (None, "off")
    counts = _ui_function("def probe(path):\n"
                          "    from imgtag_desktop.core.catalog import Catalog\n"
                          "    with Catalog(path, read_only=True) as catalog:\n"
                          "        return catalog.tags.with_counts()\n")
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(counts(catalog.path)))
    worker.start()
    worker.join()
    assert result == [[]]


def test_the_allowed_list_is_short_and_named() -> None:
    assert ALLOWED == O1_READS | EDITS and len(ALLOWED) <= 20
    assert not {"tags.with_counts", "tags.names", "albums.search", "albums.counts", "photos.all",
                "review.tag_state_counts", "review.photos_with_tag"} & ALLOWED
