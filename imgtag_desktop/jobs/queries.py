"""Catalog reads and searches off the GUI thread: one helper, a callback per request.

The GUI thread never reads more than a row from the catalog and never encodes text. Every
other read, every search (CLIP text encoding included) goes through
:meth:`QueryRunner.run`, in the shape of Anki's ``QueryOp(op=, success=)``::

    session.queries.run(lambda catalog: catalog.albums.search(text, text_encoder=enc),
                        success=self.show_ids, failure=self.show_error, key="search")

``op(catalog)`` runs on a worker thread with a read-only
:class:`~imgtag_desktop.core.catalog.Catalog` of its own (``write=True``: a writable one,
for library-wide edits such as renaming a tag everywhere); ``success(result)`` or
``failure(message)`` is then called on the GUI thread. Requests run one at a time, in order.
With a ``key``, only the newest request of that key is delivered (and an older one not yet
started is skipped), so a burst of refreshes while tagging costs one query, not a queue of them.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from ..core.catalog import Catalog

log = logging.getLogger(__name__)

Op = Callable[[Catalog], Any]


@dataclass
class _Request:
    op: Op
    success: Callable[[Any], None] | None
    failure: Callable[[str], None] | None
    key: object
    write: bool = False


class _Relay(QObject):
    done = Signal(int, object)  # request id, result
    error = Signal(int, str)


class _Query(QRunnable):
    def __init__(self, runner: QueryRunner, request_id: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.runner, self.request_id = runner, request_id

    def run(self) -> None:
        runner = self.runner
        request = runner._request(self.request_id)
        if request is None or runner._closed.is_set():
            return
        if not runner._is_latest(self.request_id, request.key):
            runner._relay.done.emit(self.request_id, None)  # dropped on delivery, but counted as done
            return
        try:
            with Catalog(runner.library, read_only=not request.write) as catalog:
                result = request.op(catalog)
        except Exception as exc:  # reported, never swallowed
            log.warning("background query %r failed", request.key, exc_info=True)
            runner._relay.error.emit(self.request_id, str(exc) or exc.__class__.__name__)
            return
        runner._relay.done.emit(self.request_id, result)


class QueryRunner(QObject):
    """Runs catalog reads in a worker thread and calls back on the GUI thread.

    ``ready(key, result)`` and ``failed(key, message)`` are also emitted for every keyed
    request delivered (for listeners that do not own the request)."""

    ready = Signal(object, object)
    failed = Signal(object, str)
    idle = Signal()  # no request left in flight

    def __init__(self, library: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = Path(library)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._relay.error.connect(self._fail, Qt.ConnectionType.QueuedConnection)
        self._requests: dict[int, _Request] = {}
        self._latest: dict[object, int] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = threading.Event()

    def run(self, op: Op, success: Callable[[Any], None] | None = None, *,
            failure: Callable[[str], None] | None = None, key: object = None, write: bool = False) -> None:
        """Run ``op(catalog)`` off the GUI thread; then ``success(result)`` or ``failure(message)`` on it."""
        if self._closed.is_set():
            return
        with self._lock:
            request_id = next(self._ids)
            self._requests[request_id] = _Request(op, success, failure, key, write)
            if key is not None:
                self._latest[key] = request_id
        self.pool.start(_Query(self, request_id))

    def submit(self, key: object, fn: Op) -> None:
        """A keyed request whose result only arrives through ``ready(key, result)``."""
        self.run(fn, key=key)

    def busy(self) -> bool:
        """Whether a request is still waiting, running or not yet delivered."""
        with self._lock:
            return bool(self._requests)

    def _request(self, request_id: int) -> _Request | None:
        with self._lock:
            return self._requests.get(request_id)

    def _is_latest(self, request_id: int, key: object) -> bool:
        with self._lock:
            return key is None or self._latest.get(key) == request_id

    def _take(self, request_id: int) -> tuple[_Request | None, bool]:
        with self._lock:
            request = self._requests.pop(request_id, None)
            latest = request is not None and (request.key is None or self._latest.get(request.key) == request_id)
            return request, latest

    def _deliver(self, request_id: int, result: object) -> None:
        request, latest = self._take(request_id)
        if request is not None and latest and not self._closed.is_set():
            if request.success is not None:
                request.success(result)
            if request.key is not None:
                self.ready.emit(request.key, result)
        self._check_idle()

    def _fail(self, request_id: int, message: str) -> None:
        request, latest = self._take(request_id)
        if request is not None and latest and not self._closed.is_set():
            if request.failure is not None:
                request.failure(message)
            if request.key is not None:
                self.failed.emit(request.key, message)
        self._check_idle()

    def _check_idle(self) -> None:
        if not self.busy():
            self.idle.emit()

    def wait(self, ms: int = 10000) -> bool:
        """Wait for the worker thread (results still arrive through the event loop)."""
        return bool(self.pool.waitForDone(ms))

    def close(self, wait_ms: int = 10000) -> None:
        self._closed.set()
        self.pool.clear()
        self.pool.waitForDone(wait_ms)
        with self._lock:
            self._requests.clear()
