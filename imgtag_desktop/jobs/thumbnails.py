"""Decoding thumbnails and previews off the GUI thread.

:class:`ImageLoader` owns a small QThreadPool. Requests are de-duplicated, the newest
request runs first (what the person just scrolled to), and results come back through the
``loaded`` / ``failed`` signals as QImages (safe to build off the GUI thread). Thumbnails go
through the on-disk :class:`~imgtag_desktop.core.thumbnails.ThumbnailCache`.
"""

from __future__ import annotations

import itertools
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage

from ..core.imageio import ImageReadError, open_oriented
from ..core.priority import lower_thread_priority
from ..core.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)


class _Signals(QObject):
    loaded = Signal(object, QImage)
    failed = Signal(object, str)


class _Task(QRunnable):
    def __init__(self, loader: ImageLoader, key: object, path: Path, fingerprint: str | None, size: int,
                 preview: bool, generation: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.loader, self.key, self.path, self.fingerprint, self.size, self.preview = (
            loader, key, path, fingerprint, size, preview)
        self.generation = generation

    def run(self) -> None:
        signals = self.loader._signals
        lower_thread_priority()  # the pool's threads yield to the window (see core.priority)
        try:
            if self.loader._closed.is_set() or self.loader._dropped(self):
                return
            if self.preview:
                pil = open_oriented(self.path, max_side=self.size)
                image = QImage(pil.tobytes(), pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
                # 32-bit pixels, converted here: the preview is scaled on the GUI thread at every
                # resize of its pane, and Qt's smooth scaling converts a 24-bit image first each time
                image = image.convertToFormat(QImage.Format.Format_RGB32)
            else:
                thumb = self.loader.cache.get(self.path, self.fingerprint)
                image = QImage(str(thumb))
                if image.isNull():
                    raise ImageReadError(f"thumbnail {thumb} cannot be read")
                if max(image.width(), image.height()) > self.size:
                    image = image.scaled(self.size, self.size, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation)
            signals.loaded.emit(self.key, image)
        except (ImageReadError, OSError, ValueError) as exc:
            signals.failed.emit(self.key, str(exc) or exc.__class__.__name__)
        except Exception as exc:  # decoders raise many things; report per photo, keep going
            log.warning("unexpected error decoding %s", self.path, exc_info=True)
            signals.failed.emit(self.key, f"{exc.__class__.__name__}: {exc}")
        finally:
            self.loader._done(self.key)


class ImageLoader(QObject):
    """Load thumbnails (``request``) and large previews (``request_preview``) in a thread pool."""

    loaded = Signal(object, QImage)  # key, image
    failed = Signal(object, str)  # key, reason

    def __init__(self, cache: ThumbnailCache, *, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, threads))
        self._signals = _Signals()
        self._signals.loaded.connect(self.loaded, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self.failed, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[object, _Task] = {}
        self._generation = 0  # thumbnails requested before the last drop_queued() are skipped
        self._lock = threading.Lock()
        self._order = itertools.count(1)
        self._closed = threading.Event()

    def request(self, key: object, path: Path, fingerprint: str | None, size: int) -> None:
        """Ask for a thumbnail of at most ``size`` px; ``loaded(key, image)`` follows."""
        self._start(key, path, fingerprint, size, preview=False)

    def request_preview(self, key: object, path: Path, size: int) -> None:
        """Ask for a large oriented preview (not cached on disk)."""
        self._start(key, path, None, size, preview=True)

    @property
    def busy(self) -> bool:
        """Whether thumbnails or previews are loading or waiting to load."""
        with self._lock:
            return bool(self._pending)

    def _start(self, key: object, path: Path, fingerprint: str | None, size: int, *, preview: bool) -> None:
        with self._lock:
            if key in self._pending or self._closed.is_set():
                return
            task = self._pending[key] = _Task(self, key, path, fingerprint, size, preview, self._generation)
        # Newest first: priorities grow, so what was requested last (just scrolled to) runs next.
        self.pool.start(task, min(next(self._order), 2**30))

    def _dropped(self, task: _Task) -> bool:
        return not task.preview and task.generation != self._generation

    def _done(self, key: object) -> None:
        with self._lock:
            self._pending.pop(key, None)

    def drop_queued(self) -> None:
        """Skip the thumbnail requests not started yet (the thumbnail size changed); previews still load."""
        with self._lock:
            self._generation += 1
            self._pending = {k: t for k, t in self._pending.items() if t.preview}

    def close(self, wait_ms: int = 10000) -> None:
        self._closed.set()
        self.pool.clear()
        self.pool.waitForDone(wait_ms)
