"""Library-wide read queries run off the GUI thread (tag counts, score histograms).

The GUI thread never waits on a long query: :class:`QueryRunner` runs a function against a
read-only :class:`~imgtag_desktop.core.catalog.Catalog` opened in a worker thread, and
delivers its result through ``ready(key, result)``. Only the newest request per key is
delivered, so a burst of refreshes while tagging costs one query, not a queue of them.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from ..core.catalog import Catalog

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object, int, object)  # key, generation, result
    error = Signal(object, str)


class _Query(QRunnable):
    def __init__(self, runner: QueryRunner, key: object, generation: int, fn: Callable[[Catalog], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.runner, self.key, self.generation, self.fn = runner, key, generation, fn

    def run(self) -> None:
        relay = self.runner._relay
        if self.runner._closed.is_set() or not self.runner._is_latest(self.key, self.generation):
            return
        try:
            with Catalog(self.runner.library, read_only=True) as catalog:
                result = self.fn(catalog)
        except Exception as exc:  # reported, never swallowed
            log.warning("background query %r failed: %s", self.key, exc)
            relay.error.emit(self.key, str(exc))
            return
        relay.done.emit(self.key, self.generation, result)


class QueryRunner(QObject):
    """Run ``fn(catalog)`` in a worker thread; ``ready(key, result)`` arrives on the GUI thread."""

    ready = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, library: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = Path(library)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._relay.error.connect(self.failed, Qt.ConnectionType.QueuedConnection)
        self._latest: dict[object, int] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._closed = threading.Event()

    def submit(self, key: object, fn: Callable[[Catalog], Any]) -> None:
        if self._closed.is_set():
            return
        with self._lock:
            generation = next(self._counter)
            self._latest[key] = generation
        self.pool.start(_Query(self, key, generation, fn))

    def _is_latest(self, key: object, generation: int) -> bool:
        with self._lock:
            return self._latest.get(key) == generation

    def _deliver(self, key: object, generation: int, result: object) -> None:
        if not self._closed.is_set() and self._is_latest(key, generation):
            self.ready.emit(key, result)

    def wait(self, ms: int = 10000) -> bool:
        return bool(self.pool.waitForDone(ms))

    def close(self, wait_ms: int = 10000) -> None:
        self._closed.set()
        self.pool.clear()
        self.pool.waitForDone(wait_ms)
