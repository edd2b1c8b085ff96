"""Sync to files: with metadata writing set to Sidecar or Inside the photo, approved-tag edits are
written to the files in the background, as digiKam and Lightroom users expect.

Edits are collected and written a moment after the last one (debounced), by the same
:class:`~imgtag_desktop.jobs.write_job.WriteJob` as the Write dialog (verify, then rename
over the original). The status bar says what was written; files that could not be written
go to Problems with the reason. With writing Off nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.metadata import WriteReport
from ..jobs.base import JobHandle, JobStats, start_job
from ..jobs.write_job import WriteJob
from .session import Session

MODES = ("sidecar", "embedded")


class FileSync(QObject):
    """Writes the approved tags of edited photos into their files, debounced, one job at a time."""

    DELAY_MS = 1500  # after the last edit; a burst of A/R presses becomes one write
    written = Signal(object)  # WriteReport of each background write

    def __init__(self, session: Session, report_problem: Callable[[str, int, str, str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report_problem = report_problem
        self.mode = str(session.catalog.writes.mode())
        self.pending: set[int] = set()
        self.handle: JobHandle | None = None
        self._writing: list[int] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.flush)
        session.edited.connect(self.queue)

    @property
    def enabled(self) -> bool:
        return self.mode in MODES

    def set_mode(self, mode: str) -> None:
        """The library's writing mode changed (Settings)."""
        self.mode = mode
        if not self.enabled:
            self.pending.clear()
            self._timer.stop()

    def queue(self, photo_ids: list[int]) -> None:
        if self.enabled and not self.session.closed:
            self.pending.update(photo_ids)
            self._timer.start()

    def flush(self) -> None:
        """Write what is pending now (a running write makes it wait for the next turn)."""
        if not self.pending or not self.enabled or self.session.closed:
            return
        if self.handle is not None and self.handle.running():
            self._timer.start()
            return
        ids, self.pending = sorted(self.pending), set()
        job = WriteJob(self.session.library, ids, mode=self.mode)
        self._writing = ids
        # Bound methods of this GUI-thread object: the job's signals arrive queued on the GUI thread.
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self.session.status.emit(self.tr("Writing tags to {n} file(s)…").format(n=len(ids)))
        self.handle = start_job(job, self)

    def _on_failed(self, photo_id: int, path: str, reason: str) -> None:
        self.report_problem("write", photo_id, path, reason)

    def _on_finished(self, stats: JobStats) -> None:
        ids = self._writing
        if self.session.closed:
            return
        if stats.detail.get("busy"):  # another write held the lock: try again shortly
            self.pending.update(ids)
            self._timer.start()
            return
        report = stats.detail.get("report")
        if stats.error or not isinstance(report, WriteReport):
            self.session.status.emit(self.tr("Tags could not be written to the files: {error}").format(
                error=stats.error))
            return
        written, failed = report.count("written"), report.count("failed") + report.count("skipped")
        text = self.tr("Tags written to {n} file(s)").format(n=written)
        if failed:
            text += self.tr("; {n} could not be written (Ctrl+L for why)").format(n=failed)
        sidecars = sum(1 for r in report.results if r.status == "written" and r.mode == "sidecar")
        if self.mode == "embedded" and sidecars:
            text += self.tr("; {n} went to sidecars (File > Write tags to files says why, per file)").format(n=sidecars)
        self.session.status.emit(text)
        self.written.emit(report)

    def shutdown(self, wait_ms: int = 3000) -> None:
        """On quit: write what is pending and let the write finish (files are never left half done)."""
        self._timer.stop()
        self.flush()
        if self.handle is not None and not self.handle.thread.wait(wait_ms):
            self.handle.leave_running()  # never destroyed with the window while it writes
