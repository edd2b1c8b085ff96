"""The write job on its thread (progress, per-file failures, cancel, one writer, the Job contract) and the
preview dialog."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata import import_keywords
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.jobs import start_job
from imgtag_desktop.jobs.write_job import WriteJob
from imgtag_desktop.services.tag_manager import TagManager
from tests.helpers import make_photo
from tests.metadata.oracle import exiftool_keywords


def make_library(tmp_path: Path, n: int = 3) -> tuple[Path, list[int], Path]:
    folder = tmp_path / "photos"
    for i in range(n):
        make_photo(folder / f"p{i}.jpg", seed=i)
    lib = tmp_path / "lib.db"
    with Catalog(lib) as catalog:
        scan_folder(catalog, folder)
        ids = [p.id for p in catalog.photos.all()]
        catalog.tags.add(ids, "Zürich")
    return lib, ids, folder


def test_write_job_reports_progress_failures_and_finishes(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib, ids, folder = make_library(tmp_path)
    (folder / "p1.jpg").unlink()  # vanished after the scan: reported per file, the job goes on
    job = WriteJob(lib, ids, mode="embedded", use_exiftool=False)
    progress: list[tuple[int, int, str]] = []
    failures: list[tuple[int, str, str]] = []
    job.progress.connect(lambda d, t, p: progress.append((d, t, p)))
    job.failed.connect(lambda pid, path, reason: failures.append((pid, path, reason)))
    with qtbot.waitSignal(job.finished, timeout=30000) as blocker:
        handle = start_job(job)
    handle.wait(5000)
    stats = blocker.args[0]
    report = stats.detail["report"]
    assert stats.kind == "write" and stats.error is None and stats.failures == 1 and not stats.cancelled
    assert report.count("written") == 2 and report.count("skipped") == 1
    assert [p[0] for p in progress] == [1, 2, 3] and progress[-1][1] == 3
    assert len(failures) == 1 and "p1.jpg" in failures[0][1] and "not found" in failures[0][2]
    assert exiftool_keywords(folder / "p0.jpg")["subject"] == ["Zürich"]


def test_cancel_stops_between_files(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib, ids, _ = make_library(tmp_path, 4)
    job = WriteJob(lib, ids, mode="sidecar", use_exiftool=False)
    job.progress.connect(lambda d, t, p: job.cancel())  # cancel as soon as the first file is done
    with qtbot.waitSignal(job.finished, timeout=30000) as blocker:
        handle = start_job(job)
    handle.wait(5000)
    stats = blocker.args[0]
    assert stats.cancelled and len(stats.detail["report"].results) == 1


def test_a_busy_writer_is_an_error_not_a_cancel(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.services import writing

    lib, ids, _ = make_library(tmp_path, 1)
    job = WriteJob(lib, ids, mode="sidecar", use_exiftool=False)
    with writing._single_writer():  # another write in flight
        with qtbot.waitSignal(job.finished, timeout=30000) as blocker:
            start_job(job).wait(5000)
    stats = blocker.args[0]
    assert not stats.cancelled and "another write is running" in stats.error and stats.detail["busy"]


def test_write_jobs_queue_in_the_jobs_controller_and_failures_reach_problems(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStatusBar

    from imgtag_desktop.core.settings import Settings
    from imgtag_desktop.ui.session import Session
    from imgtag_desktop.ui.status import JobsController, StatusPanel

    lib, ids, folder = make_library(tmp_path, 3)
    (folder / "p2.jpg").unlink()
    session = Session(lib, Settings())
    bar = QStatusBar()
    qtbot.addWidget(bar)
    jobs = JobsController(session, StatusPanel(bar))
    finished = []
    jobs.job_finished.connect(finished.append)
    jobs.submit(WriteJob(lib, ids, mode="sidecar", use_exiftool=False))
    jobs.submit(WriteJob(lib, undo=True, use_exiftool=False))  # queued behind the first
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=30000)
    assert [s.kind for s in finished] == ["write", "write"] and not any(s.error for s in finished)
    assert finished[0].detail["report"].count("written") == 2
    assert finished[1].detail["report"].count("written") == 2  # both files restored
    assert [f.job for f in jobs.failures] == ["write"] and "p2.jpg" in jobs.failures[0].path
    assert not (folder / "p0.jpg.xmp").exists()
    session.close()


def test_preview_dialog_lists_changes_writes_and_undoes(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.write_dialog import WritePreviewDialog

    lib, ids, folder = make_library(tmp_path, 2)
    dialog = WritePreviewDialog(lib, ids, mode="sidecar")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert dialog.table.item(0, 2).text() == "Zürich"
    assert dialog.write_button.isEnabled() and not dialog.undo_button.isEnabled()
    with qtbot.waitSignal(dialog.progress.valueChanged, timeout=30000, raising=False):
        dialog.write_button.click()
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=30000)
    assert dialog.last_report.count("written") == 2
    # After a run the table says what happened to each file.
    assert (folder / "p0.jpg.xmp").exists() and dialog.table.rowCount() == 2
    assert all(dialog.table.item(r, 4).text().startswith("Written") for r in range(2))
    assert dialog.undo_button.isEnabled() and not dialog.write_button.isEnabled()
    dialog.last_report = None
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=30000)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert not (folder / "p0.jpg.xmp").exists()


def test_preview_dialog_says_what_changes_in_every_listed_file(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file whose keywords as a whole stay the same but whose fields change (a keyword only in
    dc:subject copied to IPTC; a case-only rename) says so in the Note column, never a blank row."""
    from imgtag_desktop.ui.write_dialog import WritePreviewDialog

    folder = tmp_path / "photos"
    a, b = make_photo(folder / "a.jpg"), make_photo(folder / "b.jpg", seed=2)
    exiftool_keywords(a)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject=dog", str(a)], check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject=test file",
                    "-XMP-lr:HierarchicalSubject=test file", "-IPTC:Keywords=test file", str(b)], check=True)
    lib = tmp_path / "lib.db"
    long_tag = "a rather long tag name that does not fit the column " * 3
    with Catalog(lib) as catalog:
        scan_folder(catalog, folder)
        ids = [p.id for p in catalog.photos.all()]
        import_keywords(catalog, ids)
        TagManager(catalog).rename("test file", "Test File")
        catalog.tags.add([ids[0]], long_tag.strip())
    dialog = WritePreviewDialog(lib, ids, mode="embedded")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.plans) == 2, timeout=30000)
    rows = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text() for c in range(5)]
            for r in range(dialog.table.rowCount())}
    assert set(rows) == {"a.jpg", "b.jpg"}
    for cells in rows.values():
        assert any(cells[2:]), cells  # Added, Removed or Note says what changes
    note_b = rows["b.jpg"][4]
    assert "IPTC Keywords: test file → Test File" in note_b and "XMP dc:subject: test file → Test File" in note_b
    assert rows["a.jpg"][2] == long_tag.strip()
    # Added and Note are cut at the end, with the full text as tooltip; file names in the middle.
    assert dialog.table.textElideMode() == Qt.TextElideMode.ElideRight
    assert dialog.table.itemDelegateForColumn(2) is None and dialog.table.itemDelegateForColumn(4) is None
    assert dialog.table.itemDelegateForColumn(0) is dialog._middle
    r = [dialog.table.item(i, 0).text() for i in range(2)].index("b.jpg")
    assert dialog.table.item(r, 4).toolTip() == note_b


def test_a_runs_thread_ending_late_frees_itself_never_the_next_runs_thread(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Undo pressed as soon as a write reports: the write's thread can end (its queued `finished`)
    after the undo's thread has started. Its cleanup frees only itself; freeing the running thread
    made Qt abort the process ("QThread: Destroyed while thread is still running")."""
    import shiboken6
    from PySide6.QtCore import QThread

    from imgtag_desktop.ui.write_dialog import WritePreviewDialog

    lib, ids, _folder = make_library(tmp_path, 2)
    dialog = WritePreviewDialog(lib, ids, mode="sidecar")
    qtbot.addWidget(dialog)
    earlier, latest = QThread(dialog), QThread(dialog)
    dialog._thread = latest  # the undo's thread, current
    dialog._thread_done(earlier)  # the write's thread ends only now
    qtbot.wait(50)  # deferred deletions run
    assert dialog._thread is latest and shiboken6.isValid(latest)
    assert not shiboken6.isValid(earlier)
    dialog._thread_done(latest)
    qtbot.wait(50)
    assert dialog._thread is None and not shiboken6.isValid(latest)
