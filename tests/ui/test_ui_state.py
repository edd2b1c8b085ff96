"""State that holds together: the grid fills during a scan, empty states say what to do, Open folder
shows that folder, a new source clears a stale query, problems survive a restart and are searchable."""

from __future__ import annotations

import time

from imgtag_desktop.core import scanner
from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.query import compile_node, parse
from imgtag_desktop.ui.app import create_window
from imgtag_desktop.ui.sources import ALL_PHOTOS, AlbumSource, FolderSource
from imgtag_desktop.ui.status import JobsController
from tests.helpers import make_photo
from tests.ui.conftest import settle


def test_grid_fills_while_a_scan_runs_and_open_folder_shows_it(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "new"
    for i in range(80):
        make_photo(folder / f"n{i:03d}.jpg", (32, 24), seed=i)
    monkeypatch.setattr(scanner, "BATCH", 10)  # commit often, as a big scan does every 500 photos
    read = scanner.read_facts

    def slow_read(entry):  # type: ignore[no-untyped-def]
        time.sleep(0.02)  # a camera card, not a RAM disk: the scan takes longer than one GUI refresh
        return read(entry)

    monkeypatch.setattr(scanner, "read_facts", slow_read)
    monkeypatch.setattr(JobsController, "FILL_INTERVAL", 0.0)
    window = create_window(None, tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Open folder" in window.grid_view.empty_text)  # an empty library says what to do
    seen: list[int] = []
    window.session.library_changed.connect(lambda: seen.append(window.grid.model.rowCount()))
    window.open_folder(folder)
    assert "Looking for photos" in window.grid_view.empty_text
    with qtbot.waitSignal(window.jobs.job_finished, timeout=30000):
        pass
    assert any(0 < n < 80 for n in seen), seen  # photos showed up before the scan ended
    qtbot.waitUntil(lambda: isinstance(window.grid.source, FolderSource))  # Open folder shows that folder
    qtbot.waitUntil(lambda: window.grid.model.rowCount() == 80)  # its rows arrive from the query worker
    assert window.windowTitle().endswith(str(folder.resolve()))
    window.close()


def test_empty_states_and_switching_source_clears_the_query(qtbot, library):
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    window.query_bar.set_text("nosuchtag")
    window.query_bar.submit()
    qtbot.waitUntil(lambda: window.grid.source.label.startswith("Search:"), timeout=5000)
    settle(qtbot, window.session)
    assert window.grid.model.rowCount() == 0
    assert "No photos match nosuchtag" in window.grid_view.empty_text
    window.sidebar.select_all_photos()
    assert window.grid.source == ALL_PHOTOS and window.query_bar.text() == ""
    settle(qtbot, window.session)
    assert window.grid.model.rowCount() > 0
    window.grid.show_source(AlbumSource(0, "Empty album", "nosuchtag"))
    qtbot.waitUntil(lambda: "album" in window.grid_view.empty_text)
    window.close()


def test_problems_survive_a_restart_and_state_broken_finds_them(qtbot, library):
    window = create_window(None, library, prompt=False)
    qtbot.addWidget(window)
    cat = window.session.catalog
    ok = cat.photos.all(status="ok")[0]
    window.jobs.add_failure("tagging", ok.id, ok.display_path, "cannot be decoded: truncated file")
    window.jobs.add_failure("tagging", ok.id, ok.display_path, "cannot be decoded: truncated file")  # once
    qtbot.waitUntil(lambda: bool(cat.problems.all()), timeout=3000)
    window.close()

    again = create_window(None, library, prompt=False)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: any(f.reason.startswith("cannot be decoded") for f in again.jobs.failures), timeout=5000)
    assert sum(f.reason.startswith("cannot be decoded") for f in again.jobs.failures) == 1
    assert again.status.failures.isVisibleTo(again.statusBar()) or again.status.failures.text().startswith("⚠")
    with Catalog(library) as fresh:
        frag = compile_node(parse("state:broken"), None)
        ids = {r[0] for r in fresh._conn.execute(f"SELECT p.id FROM photos p WHERE {frag.sql}", frag.args)}
        broken = {p.id for p in fresh.photos.all() if p.status == "broken"}
    assert ok.id in ids and broken <= ids and len(ids) == len(broken | {ok.id})
    again.jobs.clear_problems()
    settle(qtbot, again.session)  # written on the query worker
    assert again.session.catalog.problems.all() == [] and again.jobs.failures == []
    again.close()


def test_state_broken_is_a_query_term():
    from imgtag_desktop.core.query import Broken, to_text

    assert parse("state:broken") == Broken()
    assert to_text(parse("state:broken")) == "state:broken"
