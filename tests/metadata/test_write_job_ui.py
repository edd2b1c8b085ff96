"""The write job on its thread (progress, per-file failures, cancel, one writer) and the preview dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from imgtag_desktop.core.catalog import Catalog  # noqa: E402
from imgtag_desktop.core.scanner import scan_folder  # noqa: E402
from imgtag_desktop.jobs.write_job import WriteJob, start_write_job  # noqa: E402
from tests.helpers import make_photo  # noqa: E402
from tests.metadata.oracle import exiftool_keywords  # noqa: E402


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
        thread = start_write_job(job)
    thread.wait(5000)
    report = blocker.args[0]
    assert report.count("written") == 2 and report.count("skipped") == 1
    assert [p[0] for p in progress] == [1, 2, 3] and progress[-1][1] == 3
    assert len(failures) == 1 and "p1.jpg" in failures[0][1] and "not found" in failures[0][2]
    assert exiftool_keywords(folder / "p0.jpg")["subject"] == ["Zürich"]


def test_cancel_stops_between_files(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib, ids, _ = make_library(tmp_path, 4)
    job = WriteJob(lib, ids, mode="sidecar", use_exiftool=False)
    job.progress.connect(lambda d, t, p: job.cancel())  # cancel as soon as the first file is done
    with qtbot.waitSignal(job.finished, timeout=30000) as blocker:
        thread = start_write_job(job)
    thread.wait(5000)
    report = blocker.args[0]
    assert report.cancelled and len(report.results) == 1


def test_preview_dialog_lists_changes_writes_and_undoes(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.ui.write_dialog import WritePreviewDialog

    lib, ids, folder = make_library(tmp_path, 2)
    dialog = WritePreviewDialog(lib, ids, mode="sidecar")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
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
    assert not (folder / "p0.jpg.xmp").exists() and dialog.table.rowCount() == 2
