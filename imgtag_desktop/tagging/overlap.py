"""Overlapping the stages of a tagging run.

While the models run one batch, a small pool of decode threads decodes the photos of the next
batch and makes both models' inputs from them (Pillow and numpy release the GIL while they
decode and resize), and one writer thread commits the batch before to the catalog. Each thread
keeps to its part: the models run on the calling thread only, the catalog is written by the
writer only (reads of photo rows on the calling thread take the writer's lock).

With 0 workers everything runs on the calling thread, in the same order (the reference the
overlapped run is checked against).
"""

from __future__ import annotations

import functools
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "BatchWriter",
    "Outcome",
    "Prefetcher",
    "decode_workers",
    "default_batch_size",
]

T = TypeVar("T")
R = TypeVar("R")

MAX_DECODE_WORKERS = 8
# On a CPU one photo's vision encoder already fills the cores, but the caption decoder reads all
# its weights once per generated token for the whole batch: more photos per batch share that read.
CPU_BATCH_SIZE = 16
CUDA_BATCH_SIZE = 32  # a GPU needs many photos per call to fill itself
POLL_S = 0.05  # how often a wait for decoded photos looks at the cancel flag


def decode_workers() -> int:
    """Decode threads for this process: the cores it may run on, at least 1 and at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DECODE_WORKERS, cores))


def default_batch_size(device: str) -> int:
    """Photos per model batch when the settings leave it to the device: 32 on CUDA, 16 elsewhere."""
    return CUDA_BATCH_SIZE if str(device).startswith("cuda") else CPU_BATCH_SIZE


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What preparing one item gave: its value, or the exception that stopped it."""

    value: R | None
    error: BaseException | None
    seconds: float


class _Deferred(Generic[R]):
    """A result computed in the calling thread when it is asked for (the pool with 0 workers)."""

    def __init__(self, run: Callable[[], Outcome[R]]) -> None:
        self._run = run

    def result(self, timeout: float | None = None) -> Outcome[R]:
        return self._run()


class Prefetcher(Generic[T, R]):
    """Runs ``work(item)`` for each item of a batch in a pool of ``workers`` threads, so a batch is
    being prepared while the caller runs the one before. Every exception of ``work`` becomes that
    item's :class:`Outcome` (no single item stops the batch). :meth:`close` cancels what has not
    started and waits for the threads to end."""

    def __init__(self, work: Callable[[T], R], workers: int) -> None:
        self._work = work
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="imgtag-decode") if workers else None
        self._lock = threading.Lock()
        self.busy_s = 0.0  # seconds spent in ``work``, all threads together
        self.waited_s = 0.0  # seconds the caller waited for prepared items

    @property
    def workers(self) -> int:
        return self._pool._max_workers if self._pool is not None else 0

    def _timed(self, item: T) -> Outcome[R]:
        start = time.perf_counter()
        try:
            value: R | None = self._work(item)
            error: BaseException | None = None
        except Exception as exc:  # every per-item failure is the item's, reported by the caller
            value, error = None, exc
        seconds = time.perf_counter() - start
        with self._lock:
            self.busy_s += seconds
        return Outcome(value, error, seconds)

    def submit(self, items: Sequence[T]) -> list[Future[Outcome[R]] | _Deferred[R]]:
        """Start preparing ``items`` (in the pool; with 0 workers, when :meth:`collect` asks)."""
        if self._pool is None:
            return [_Deferred(functools.partial(self._timed, item)) for item in items]
        return [self._pool.submit(self._timed, item) for item in items]

    def collect(
        self,
        pending: Sequence[Future[Outcome[R]] | _Deferred[R]],
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Outcome[R]] | None:
        """The outcomes of a submitted batch, in order; None when ``cancelled()`` turns true first
        (looked at between items and every 50 ms while waiting)."""
        start = time.perf_counter()
        try:
            outcomes: list[Outcome[R]] = []
            for item in pending:
                while True:
                    if cancelled():
                        return None
                    try:
                        outcomes.append(item.result(timeout=POLL_S))
                        break
                    except FutureTimeout:
                        continue
            return outcomes
        finally:
            self.waited_s += time.perf_counter() - start

    def close(self) -> None:
        """Cancel the items not started yet and wait for the running ones (no thread outlives this)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Prefetcher[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BatchWriter:
    """Runs jobs (each commits one batch) one after another on one writer thread, in the order
    given, with at most ``depth`` waiting; with ``threaded=False`` each job runs at once on the
    calling thread. A failed job stops the writer: the later jobs are dropped and the error is
    raised to the caller by the next :meth:`put` or by :meth:`close`.

    :attr:`lock` is held while a job runs; whoever else uses the catalog meanwhile takes it."""

    def __init__(self, *, threaded: bool, depth: int = 2) -> None:
        self.lock = threading.RLock()
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=max(1, depth))
        self._error: BaseException | None = None
        self.waited_s = 0.0  # seconds the caller waited for the writer (a full queue, the last commits)
        self.busy_s = 0.0  # seconds spent in jobs
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="imgtag-commit", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if self._error is not None:
                continue
            try:
                self._timed(job)
            except BaseException as exc:  # handed to the caller: nothing is lost silently
                self._error = exc

    def _timed(self, job: Callable[[], None]) -> None:
        start = time.perf_counter()
        try:
            with self.lock:
                job()
        finally:
            self.busy_s += time.perf_counter() - start

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def put(self, job: Callable[[], None]) -> None:
        """Commit a batch: queued for the writer thread (waits while ``depth`` jobs wait already)."""
        self._raise()
        if self._thread is None:
            self._timed(job)
            return
        start = time.perf_counter()
        self._queue.put(job)
        self.waited_s += time.perf_counter() - start

    def close(self, *, raise_error: bool = True) -> None:
        """Commit what was queued, end the thread, and raise a job's error (unless ``raise_error`` is
        false: the caller is already raising one of its own)."""
        if self._thread is not None and self._thread.is_alive():
            start = time.perf_counter()
            self._queue.put(None)
            self._thread.join()
            self.waited_s += time.perf_counter() - start
        if raise_error:
            self._raise()
