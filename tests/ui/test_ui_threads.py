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
