"""Places in the sidebar, Find similar, and the duplicates view in the window."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.ui.app import create_window
from tests.ui.conftest import settle


@pytest.fixture
def located_library(tmp_path: Path, shared_images: Path) -> tuple[Path, Path]:
    folder = tmp_path / "trip"
    folder.mkdir()
    src = shared_images / "ianare__DSCN0010.jpg"
    shutil.copy(src, folder / "arezzo.jpg")
    shutil.copy(src, folder / "arezzo copy.jpg")
    shutil.copy(shared_images / "exiv2__Stonehenge.heic", folder / "stonehenge.heic")
    shutil.copy(shared_images / "dne__Panasonic_DMC-LC40.jpg", folder / "no gps.jpg")
    library = tmp_path / "library.db"
    with Catalog(library) as cat:
        scan_folder(cat, folder)
        ids = {p.path.name: p.id for p in cat.photos.all()}
        for name in ("arezzo.jpg", "arezzo copy.jpg"):
            cat.tags.approve(ids[name], "places|Italy|Tuscany|Arezzo")
        rng = np.random.default_rng(0)
        vecs = rng.standard_normal((4, 16)).astype(np.float32)
        vecs[1] = vecs[0] + 0.01
        cat.analysis.set_embeddings([(ids[n], vecs[i]) for i, n in enumerate(sorted(ids))], "test")
    # added after the first scan: the window's own scan reads it and reports its 0°,0° position
    shutil.copy(shared_images / "dne__Samsung_GT-I9000_Galaxy_S.jpg", folder / "null island.jpg")
    return folder, library


def _window(qtbot, folder, library):  # type: ignore[no-untyped-def]
    window = create_window(folder, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        pass
    return window


def test_places_tree_find_similar_and_duplicates(qtbot, located_library, tmp_path):  # type: ignore[no-untyped-def]
    folder, library = located_library
    window = _window(qtbot, folder, library)
    gps_problems = [f for f in window.jobs.failures if f.path.endswith("null island.jpg")]
    assert len(gps_problems) == 1 and "0°, 0°" in gps_problems[0].reason  # listed in Tools > Problems
    sidebar = window.sidebar
    qtbot.waitUntil(lambda: sidebar.model.tag_item("places|Italy|Tuscany|Arezzo") is not None, timeout=20000)
    assert sidebar.model.tag_item("places|Italy") is not None

    cat = window.session.catalog
    ids = {p.path.name: p.id for p in cat.photos.all()}
    window.grid.select_photo(ids["arezzo.jpg"])
    with qtbot.waitSignal(window.query_bar.results_ready, timeout=20000):
        window.registry["find_similar"].trigger()
    assert window.query_bar.text() == f"like:{ids['arezzo.jpg']}"
    settle(qtbot, window.session)  # the grid reads the results' rows off the GUI thread
    shown = window.grid.model.photo_ids()
    assert shown[:2] == [ids["arezzo.jpg"], ids["arezzo copy.jpg"]]

    with qtbot.waitSignal(window.jobs.job_finished, timeout=20000):
        window.registry["duplicates"].trigger()
    qtbot.waitUntil(lambda: getattr(window, "duplicates_dialog", None) is not None, timeout=20000)
    dialog = window.duplicates_dialog
    assert [set(g.photo_ids) for g in dialog.groups] == [{ids["arezzo.jpg"], ids["arezzo copy.jpg"]}]
    assert dialog.photos.count() == 2
    keeper = dialog.keepers[0]
    target = tmp_path / "set aside"
    on_gui_thread: list[bool] = []  # the dialog's widgets and the undo stack are touched there only
    moved_handler = dialog._moved
    dialog._moved = lambda *args: (on_gui_thread.append(threading.current_thread() is threading.main_thread()),
                                   moved_handler(*args))
    with qtbot.waitSignal(window.jobs.job_finished, timeout=10000):
        dialog.move_others(target)
    assert on_gui_thread == [True]
    moved = [i for i in ids.values() if i != keeper and i in (ids["arezzo.jpg"], ids["arezzo copy.jpg"])]
    qtbot.waitUntil(lambda: len(list(target.iterdir())) == 1, timeout=20000)
    assert dialog.groups == []
    assert cat.photos.get(moved[0]).status == "missing"
    with qtbot.waitSignal(window.jobs.job_finished, timeout=10000):
        window.session.undo_stack.undo()
    assert list(target.iterdir()) == [] and cat.photos.get(moved[0]).status == "ok"
    dialog.close()
    window.close()
