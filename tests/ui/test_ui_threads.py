"""Worker threads end before the widgets that own them go away."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThread

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo


def _library(tmp_path: Path, n: int) -> tuple[Path, list[int]]:
    folder = tmp_path / "photos"
    for i in range(n):
        make_photo(folder / f"p{i}.jpg", seed=i)
    lib = tmp_path / "lib.db"
    with Catalog(lib) as catalog:
        scan_folder(catalog, folder)
        ids = [p.id for p in catalog.photos.all()]
        catalog.tags.add(ids, "dog")
    return lib, ids


def test_write_job_runs_on_its_own_thread(qtbot, tmp_path: Path) -> None:
    from imgtag_desktop.jobs import start_job
    from imgtag_desktop.jobs.write_job import WriteJob

    lib, ids = _library(tmp_path, 2)
    job = WriteJob(lib, ids, mode="sidecar", use_exiftool=False)
    threads: list[QThread] = []
    job.progress.connect(lambda *_: threads.append(QThread.currentThread()), Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(job.finished, timeout=30000) as blocker:
        handle = start_job(job)
    assert handle.wait(5000)
    assert blocker.args[0].detail["report"].count("written") == 2
    assert len(threads) == 2 and all(t is handle.thread for t in threads)  # never the GUI thread


def test_write_dialog_closed_while_writing_waits_for_its_thread(qtbot, tmp_path: Path) -> None:
    from imgtag_desktop.ui import write_dialog

    lib, ids = _library(tmp_path, 4)
    dialog = write_dialog.WritePreviewDialog(lib, ids, mode="sidecar")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the main window opens it
    dialog.show()
    qtbot.waitUntil(dialog.write_button.isEnabled)  # the preview was read off the GUI thread
    dialog.write_button.click()
    thread = dialog._thread
    assert thread is not None  # running: writing four files takes far longer than getting here
    dialog.reject()  # Close / Esc while the job runs: no closeEvent since Qt 6.3
    assert not thread.isRunning()  # cancelled and waited for, not destroyed while running


def test_write_preview_reads_files_off_the_gui_thread(qtbot, tmp_path: Path) -> None:
    from imgtag_desktop.ui import write_dialog

    lib, ids = _library(tmp_path, 2)
    dialog = write_dialog.WritePreviewDialog(lib, ids, mode="sidecar")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.write_button.isEnabled()  # nothing read yet
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    assert dialog.write_button.isEnabled() and "2 file(s) will change" in dialog.summary.text()
    dialog.write_button.click()
    qtbot.waitUntil(lambda: dialog.last_report is not None, timeout=30000)
    assert dialog.summary.text().startswith("Done: 2 written") and dialog.undo_button.isEnabled()
    assert dialog.table.rowCount() == 2  # one row per file written, with what happened
    dialog.reject()


def test_dropping_queued_thumbnails_keeps_the_preview(qtbot, tmp_path: Path) -> None:
    """Resizing the thumbnails drops their queued requests, not the detail pane's preview."""
    from imgtag_desktop.core.thumbnails import ThumbnailCache
    from imgtag_desktop.jobs.thumbnails import ImageLoader

    paths = [make_photo(tmp_path / f"p{i}.jpg", seed=i) for i in range(12)]
    loader = ImageLoader(ThumbnailCache(tmp_path / "thumbs"), threads=1)
    loaded: list[object] = []
    loader.loaded.connect(lambda key, _image: loaded.append(key))
    loader.request(("thumb", 0, 96), paths[0], None, 96)  # keeps the one worker busy
    loader.request_preview(("preview", 0), paths[0], 640)  # queued, behind the newer thumbnails
    for i, path in enumerate(paths[1:], 1):
        loader.request(("thumb", i, 96), path, None, 96)
    loader.drop_queued()
    qtbot.waitUntil(lambda: ("preview", 0) in loaded, timeout=10000)
    loader.close()


def test_queries_run_in_order_off_the_gui_thread_and_writes_get_a_writable_catalog(qtbot, tmp_path: Path) -> None:
    import threading

    from imgtag_desktop.jobs.queries import QueryRunner

    lib, ids = _library(tmp_path, 2)
    runner = QueryRunner(lib)
    threads: list[threading.Thread] = []
    results: list[object] = []

    def rename(catalog):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return catalog.tags.rename("dog", "puppy").name

    def names(catalog):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return catalog.tags.names()

    failures: list[str] = []
    runner.run(lambda catalog: catalog.tags.rename("dog", "cat"), results.append, failure=failures.append)
    runner.run(rename, results.append, write=True)
    runner.run(names, results.append)
    qtbot.waitUntil(lambda: not runner.busy())
    assert failures and "read" in failures[0].lower()  # a read-only catalog refuses the edit
    assert results == ["puppy", ["puppy"]]  # in order: the read sees the edit
    assert threads and threading.main_thread() not in threads
    runner.close()


LEFT_RUNNING_SCRIPT = r"""
import sys, threading
from pathlib import Path
from PySide6.QtWidgets import QApplication, QStatusBar
import shiboken6
app = QApplication(sys.argv[:1])
from imgtag_desktop.core.settings import Settings
from imgtag_desktop.jobs.base import Job
from imgtag_desktop.ui.session import Session
from imgtag_desktop.ui.status import JobsController, StatusPanel

release = threading.Event()

class Busy(Job):  # a model still loading when the window closes
    kind = "busy"

    def work(self, stats):
        release.wait(30)

session = Session(Path(sys.argv[1]), Settings())
bar = QStatusBar()
jobs = JobsController(session, StatusPanel(bar))
jobs.submit(Busy())
thread = jobs.handle.thread
jobs.shutdown(wait_ms=50)  # quit gives up waiting: the job is left to the process exit
session.close()
shiboken6.delete(bar)  # the window goes, the jobs controller with it
alive = shiboken6.isValid(thread)
release.set()
print("left running:", alive, thread.wait(10000), flush=True)
"""


def test_a_job_left_running_at_quit_outlives_the_window_without_aborting(tmp_path: Path) -> None:
    """Quit waits a moment for the running job, then leaves it to the process exit. The window
    destroyed meanwhile (its widgets deleted) must not take the running thread with it: Qt then
    aborts the whole process ("QThread: Destroyed while thread is still running"). In a process
    of its own: before the fix it aborted."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", LEFT_RUNNING_SCRIPT, str(tmp_path / "lib.db")],
                            capture_output=True, text=True, timeout=120, env=env, check=False)
    assert "Destroyed while thread" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert "left running: True True" in result.stdout


def test_a_handle_left_running_belongs_to_no_widget(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    from PySide6.QtCore import QObject

    from imgtag_desktop.jobs.base import _LEFT_RUNNING, Job, JobStats, start_job

    release = threading.Event()

    class Busy(Job):
        def work(self, stats: JobStats) -> None:
            release.wait(30)

    owner = QObject()
    handle = start_job(Busy(), owner)
    assert handle.thread.parent() is owner
    handle.leave_running()
    try:
        assert handle.thread.parent() is None and handle in _LEFT_RUNNING
        handle.leave_running()
        assert _LEFT_RUNNING.count(handle) == 1
    finally:
        release.set()
        assert handle.wait(10000)


def test_a_finished_handler_runs_on_the_gui_thread_and_never_after_its_receiver_is_gone(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A lambda connected to a job's ``finished`` runs on the job's thread (PySide calls a plain
    callable on its sender's thread): the duplicates dialog updated its widgets and pushed to the
    undo stack from there. ``when_finished`` calls on the receiver's thread, and not at all once
    the receiver (a dialog closed meanwhile) is deleted."""
    import threading

    import shiboken6
    from PySide6.QtCore import QObject

    from imgtag_desktop.jobs import CatalogActionJob, start_job, when_finished

    lib, _ids = _library(tmp_path, 1)
    calls: list[tuple[object, bool]] = []
    receiver = QObject()
    job = CatalogActionJob(lib, "noop", "Nothing", lambda _catalog: 7)
    when_finished(job, receiver, lambda stats: calls.append(
        (stats.detail["result"], threading.current_thread() is threading.main_thread())))  # type: ignore[attr-defined]
    handle = start_job(job)
    qtbot.waitUntil(lambda: bool(calls), timeout=20000)
    assert calls == [(7, True)]
    assert handle.wait(5000)

    gone = QObject()
    release = threading.Event()
    late = CatalogActionJob(lib, "noop", "Nothing", lambda _catalog: release.wait(30))
    when_finished(late, gone, lambda stats: calls.append(("late", True)))
    handle = start_job(late)
    shiboken6.delete(gone)  # the dialog closed (WA_DeleteOnClose) while its job ran
    release.set()
    assert handle.wait(10000)
    qtbot.wait(100)  # a queued call would arrive now
    assert calls == [(7, True)]
