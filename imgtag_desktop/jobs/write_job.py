"""The metadata write job: writes (or undoes) approved tags in files on a worker thread.

A :class:`~imgtag_desktop.jobs.base.Job` like the others, queueable by the window's jobs
controller: ``progress(done, total, path)``, ``result(photo_id)`` per file written or
restored, ``failed(photo_id, path, reason)`` per file skipped or failed (they reach the
Problems list), ``finished(JobStats)`` once, with the :class:`WriteReport` in
``stats.detail["report"]``. A write started while another runs ends with ``stats.error``
saying so and ``stats.detail["busy"]`` set; it is not a cancel.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.catalog import Catalog
from ..core.metadata import WriteReport, WriteResult
from ..services.writing import WriterBusy, undo_write, write_tags
from .base import Job, JobStats


class WriteJob(Job):
    """Write the approved tags of ``photo_ids`` (or undo the last write when ``undo``)."""

    kind = "write"

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
        self.title = "Undoing the last write" if undo else "Writing tags to files"

    def work(self, stats: JobStats) -> None:
        def progress(done: int, total: int, path: str) -> None:
            stats.done, stats.total = done, total
            self.progress.emit(done, total, path)

        def on_result(r: WriteResult) -> None:
            if r.status in ("skipped", "failed"):
                stats.failures += 1
                self.failed.emit(r.photo_id, str(r.path), r.reason or r.status)
            else:
                self.result.emit(r.photo_id)

        report = WriteReport()
        stats.detail["report"] = report
        try:
            with Catalog(self.catalog_path) as catalog:
                if self.undo:
                    report = undo_write(catalog, keep_mtime=self.keep_mtime, use_exiftool=self.use_exiftool,
                                        progress=progress, cancelled=self.is_cancelled, on_result=on_result)
                else:
                    stats.total = len(self.photo_ids)
                    report = write_tags(catalog, self.photo_ids, mode=self.mode, style=self.style,
                                        keep_mtime=self.keep_mtime, use_exiftool=self.use_exiftool,
                                        progress=progress, cancelled=self.is_cancelled, on_result=on_result)
        except WriterBusy as exc:  # expected, not a failure of the program: said plainly, no traceback
            stats.error = str(exc)
            stats.detail["busy"] = True
            return
        stats.detail["report"] = report
        stats.cancelled = report.cancelled
