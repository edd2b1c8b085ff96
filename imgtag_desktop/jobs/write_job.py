"""The metadata write job: writes (or undoes) approved tags in files on a worker thread.

A :class:`~imgtag_desktop.jobs.base.Job` started with :func:`~imgtag_desktop.jobs.base.start_job`
like the others: ``progress(done, total, path)``, ``failed(photo_id, path, reason)`` per file
skipped or failed, the cancel flag checked between files; but ``result(WriteResult)`` per file
handled and ``finished(WriteReport)`` once. One writer at a time: a second job started
while one runs finishes at once with an error (and the catalog's write lock also keeps
another process out).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from ..core.catalog import Catalog
from ..core.metadata import WriterBusy, WriteReport, WriteResult, undo_last_write, write_photos
from .base import Job, start_job

log = logging.getLogger(__name__)

_one_writer = threading.Lock()


class WriteJob(Job):
    """Write the approved tags of ``photo_ids`` (or undo the last write when ``undo``)."""

    kind = "write"
    title = "Writing tags to files"

    result = Signal(object)  # WriteResult (the base class's carries a photo id)

    def __init__(
        self,
        catalog_path: str | Path,
        photo_ids: Sequence[int] = (),
        *,
        mode: str | None = None,
        style: str | None = None,
        keep_mtime: bool = False,
        undo: bool = False,
        use_exiftool: bool | None = None,
    ) -> None:
        super().__init__()
        self.catalog_path = Path(catalog_path)
        self.photo_ids = list(photo_ids)  # a snapshot, never the GUI's list
        self.mode = mode
        self.style = style
        self.keep_mtime = keep_mtime
        self.undo = undo
        self.use_exiftool = use_exiftool
        self.report: WriteReport | None = None

    def _on_result(self, r: WriteResult) -> None:
        self.result.emit(r)
        if r.status in ("skipped", "failed"):
            self.failed.emit(r.photo_id, str(r.path), r.reason or r.status)

    def execute(self) -> WriteReport:
        report = WriteReport()
        if not _one_writer.acquire(blocking=False):
            self.message.emit("another write is running; wait for it to finish")
            report.cancelled = True
            self.report = report
            return report
        try:
            with Catalog(self.catalog_path) as catalog:
                if self.undo:
                    report = undo_last_write(catalog, keep_mtime=self.keep_mtime, use_exiftool=self.use_exiftool,
                                             progress=self.progress.emit, cancelled=self.is_cancelled)
                    for r in report.results:
                        self._on_result(r)
                else:
                    report = write_photos(catalog, self.photo_ids, mode=self.mode, style=self.style,
                                          keep_mtime=self.keep_mtime, use_exiftool=self.use_exiftool,
                                          progress=self.progress.emit, cancelled=self.is_cancelled,
                                          on_result=self._on_result)
        except (WriterBusy, ValueError) as exc:
            self.message.emit(str(exc))
        except Exception as exc:  # a job-level failure is reported, never swallowed
            log.exception("write job failed")
            self.message.emit(f"writing failed: {exc}")
        finally:
            _one_writer.release()
        self.report = report
        return report


def start_write_job(job: WriteJob, parent: QObject | None = None) -> QThread:
    """:func:`~imgtag_desktop.jobs.base.start_job`, returning the thread."""
    return start_job(job, parent).thread
