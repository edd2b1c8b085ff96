"""The job contract: a QObject worker on a QThread with progress / result / failed / finished."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from ..core.priority import lower_thread_priority

log = logging.getLogger(__name__)
_LEFT_RUNNING: list[JobHandle] = []  # threads still running at quit (see JobHandle.leave_running)


@dataclass
class JobStats:
    """What a finished job did. ``error`` is set when the whole job failed (with what to do)."""

    kind: str
    done: int = 0
    total: int = 0
    failures: int = 0
    cancelled: bool = False
    error: str | None = None
    seconds: float = 0.0
    detail: dict[str, object] = field(default_factory=dict)


class Job(QObject):
    """Base class of background jobs.

    Signals (always delivered queued to the GUI thread):
      ``progress(done, total, path)``, ``result(photo_id)`` per photo finished,
      ``failed(photo_id, path, reason)`` per photo that failed (the job goes on),
      ``finished(JobStats)`` once, last, also after a cancel or a job-level error.

    Subclasses implement :meth:`work` and call :meth:`is_cancelled` between photos. A job
    whose ``finished`` carries something else than :class:`JobStats` overrides :meth:`execute`;
    never ``run`` (PySide6 6.12 then delivers ``QThread.started`` to the GUI thread instead).
    """

    kind = "job"
    title = "Working"

    progress = Signal(int, int, str)
    result = Signal(int)
    failed = Signal(int, str, str)
    finished = Signal(object)
    message = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check: a tagging run after the batch in flight (thread-safe)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        self.finished.emit(self.execute())

    def execute(self) -> object:
        """Do the work on the job's thread; returns what ``finished`` carries. A job's own thread runs
        below the window's priority (and the threads it starts, torch's workers included; see
        core.priority); called on the main thread (a script), the work keeps that thread's priority."""
        if threading.current_thread() is not threading.main_thread():
            lower_thread_priority()
        stats = JobStats(kind=self.kind)
        start = time.perf_counter()
        try:
            self.work(stats)
        except Exception as exc:  # a job-level failure is reported, never swallowed
            log.exception("%s job failed", self.kind)
            stats.error = str(exc) or exc.__class__.__name__
        stats.cancelled = stats.cancelled or self.is_cancelled()
        stats.seconds = time.perf_counter() - start
        return stats

    def work(self, stats: JobStats) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class JobHandle:
    """A running job and its thread. Keep it alive until ``finished``; :meth:`wait` for shutdown."""

    def __init__(self, job: Job, thread: QThread) -> None:
        self.job = job
        self.thread = thread

    def cancel(self) -> None:
        self.job.cancel()

    def wait(self, ms: int = 30000) -> bool:
        if self.thread.isRunning():
            self.thread.quit()
            return bool(self.thread.wait(ms))
        return True

    def running(self) -> bool:
        return self.thread.isRunning()

    def leave_running(self) -> None:
        """The job did not stop in time (on quit): keep its thread alive to the process exit.

        Its parent no longer owns it: a window or dialog destroyed with a running thread among its
        children makes Qt abort the process ("QThread: Destroyed while thread is still running")."""
        if self not in _LEFT_RUNNING:
            self.thread.setParent(None)
            _LEFT_RUNNING.append(self)


class _Delivery(QObject):
    """Calls a function on its parent's thread with what a job's signal carries, once."""

    def __init__(self, fn: Callable[[Any], object], receiver: QObject) -> None:
        super().__init__(receiver)
        self._fn = fn

    @Slot(object)
    def call(self, value: object) -> None:
        self.deleteLater()
        self._fn(value)


def when_finished(job: Job, receiver: QObject, fn: Callable[[Any], object]) -> None:
    """Call ``fn(what finished carries)`` on ``receiver``'s thread (the GUI thread), never once
    ``receiver`` is deleted.

    Connect a lambda (or a method of an object that is no QObject) to a job's signal and PySide
    calls it on the job's own thread: widgets, the undo stack or a closed dialog touched from there."""
    job.finished.connect(_Delivery(fn, receiver).call)


def start_job(job: Job, parent: QObject | None = None) -> JobHandle:
    """Move ``job`` to a new QThread and start it; the thread ends when the job finishes.

    Connect to the job's signals *before* calling this.
    """
    thread = QThread(parent)
    thread.setObjectName(f"imgtag-{job.kind}")
    job.moveToThread(thread)
    thread.started.connect(job.run)
    # Direct: quit() is thread-safe, and the thread must end even when the GUI loop is not
    # running any more (shutdown), instead of waiting for a queued call.
    job.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.start(QThread.Priority.LowPriority)
    return JobHandle(job, thread)
