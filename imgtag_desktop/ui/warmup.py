"""Importing the model libraries before Tag all is pressed, once the window has settled.

Importing torch and transformers takes 2.5-3.5 s of one core, the largest part of the first
suggestion's wait when a tagging run has to do it (docs/tagging.md, "The first suggestion in
seconds"). :class:`LibraryWarmUp` does it earlier, in the background, when it is likely to be
useful and cannot get in the way:

- the window is on screen, and no job (a scan, a write) has run, no catalog query has been in
  flight and no thumbnail has been loading for :attr:`LibraryWarmUp.SETTLE_S` seconds;
- the settings' ``warm_up_model_libraries`` is on (the default);
- a Tag all would have work: the model libraries and the models are installed, and photos are
  waiting to be tagged with the current models (asked on the query worker);
- the libraries are not imported yet.

The import runs on a thread of its own (:func:`.tagging.libraries.import_model_libraries`, which
keeps the other threads' pauses short), never on the GUI thread and never on the query worker
(the grid's queries would wait seconds behind it). A tagging run that starts meanwhile waits for
this import instead of starting its own. Only the libraries are imported, not the models: the
libraries cost about 300 MB of memory, the models 1.5 GB, which a session that only browses
should not pay. It is looked at again after every job (a scan that found new photos).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.priority import lower_thread_priority
from ..jobs.tagging_job import tagging_available
from ..services.tagging import photos_waiting
from ..tagging.libraries import import_model_libraries, model_libraries_imported
from .session import Session

if TYPE_CHECKING:
    from ..core.catalog import Catalog

log = logging.getLogger(__name__)


class LibraryWarmUp(QObject):
    """Imports the model libraries on a worker thread once the window has settled with photos to tag.

    ``settled()`` (GUI thread, cheap) says whether the window lets it happen now: shown, no job
    running. :meth:`arm` starts watching for a quiet moment (at start, after each job). ``started``
    fires on the GUI thread when the import begins, ``finished(seconds)`` when it is done (or failed:
    the tagging run reports what is wrong)."""

    started = Signal()
    finished = Signal(float)
    SETTLE_S = 0.5  # quiet this long (no job, query or thumbnail) before deciding
    POLL_MS = 250

    def __init__(self, session: Session, settled: Callable[[], bool], *,
                 importer: Callable[[], None] = import_model_libraries,
                 imported: Callable[[], bool] = model_libraries_imported, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settled = settled
        self.importer = importer  # what warming up does, on its own thread
        self.imported = imported  # whether that has been done in this process (by a tagging run, say)
        self.state = "waiting"  # waiting | asking | importing | done
        self.worker: threading.Thread | None = None
        self._quiet_since: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(self.POLL_MS)
        self.timer.timeout.connect(self._poll)

    @property
    def enabled(self) -> bool:
        return bool(self.session.settings.warm_up_model_libraries)

    def arm(self) -> None:
        """Watch for a quiet moment to decide (idempotent; cheap)."""
        if self.state == "waiting" and self.enabled and not self.session.closed and not self.timer.isActive():
            self._quiet_since = None
            self.timer.start()

    def _quiet(self) -> bool:
        return self.settled() and not self.session.queries.busy() and not self.session.loader.busy

    def _poll(self) -> None:
        if self.session.closed or not self.enabled or self.state != "waiting":
            self.timer.stop()
            return
        if self.imported():  # a tagging run imported them
            self.state = "done"
            self.timer.stop()
            return
        now = time.monotonic()
        if not self._quiet():
            self._quiet_since = None
            return
        if self._quiet_since is None:
            self._quiet_since = now
        if now - self._quiet_since < self.SETTLE_S:
            return
        self.timer.stop()
        self.state = "asking"
        settings = self.session.settings

        def ask(catalog: Catalog) -> int:
            return photos_waiting(catalog, settings) if tagging_available()[0] else 0

        self.session.queries.run(ask, self._decide, failure=self._failed, key="warm-up-libraries")

    def _failed(self, reason: str) -> None:
        log.warning("cannot tell whether photos wait to be tagged: %s", reason)
        self.state = "waiting"

    def _decide(self, waiting: int) -> None:
        self.state = "waiting"
        if not waiting or self.session.closed or not self.enabled or self.imported():
            return  # looked at again after the next job
        if not self.settled():  # a job started meanwhile (Tag all imports the libraries itself)
            self.arm()
            return
        self.state = "importing"
        self.worker = threading.Thread(target=self._import, name="imgtag-warm-up", daemon=True)
        self.started.emit()
        self.worker.start()

    def _import(self) -> None:
        lower_thread_priority()  # the window paints first (see core.priority)
        started = time.perf_counter()
        try:
            self.importer()
        except Exception:  # best effort: the tagging run imports again and says what is wrong
            log.warning("warming up the model libraries failed", exc_info=True)
        seconds = time.perf_counter() - started
        log.info("model libraries warmed up in the background in %.2f s", seconds)
        self.state = "done"
        try:
            self.finished.emit(seconds)  # queued to the GUI thread
        except RuntimeError:  # the window was closed meanwhile
            pass
