"""Freeing the models' memory after the app has not tagged or searched for a while."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..tagging import evict_models_if_idle
from .session import Session


class ModelUnloader(QObject):
    """Checks now and then whether the models sat unused for the settings' ``unload_models_after``
    minutes (0: never) and frees them, on the query worker: dropping a gigabyte of tensors takes
    time, which the GUI thread must not spend. The next tagging run or visual search loads them
    again. ``unloaded`` fires after the models were freed."""

    unloaded = Signal()
    MAX_CHECK_MS = 60_000

    def __init__(self, session: Session, busy: object = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.busy = busy  # a callable: True while a job runs (the job holds the models anyway)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.schedule()

    @property
    def after_seconds(self) -> float:
        return max(0.0, float(self.session.settings.unload_models_after) * 60.0)

    def schedule(self) -> None:
        """Check at a quarter of the timeout (at most every minute); call after a settings change."""
        after = self.after_seconds
        if after <= 0:
            self.timer.stop()
            return
        self.timer.start(int(min(self.MAX_CHECK_MS, max(100.0, after * 250.0))))

    def check(self) -> None:
        after = self.after_seconds
        if after <= 0:
            self.timer.stop()
            return
        if self.session.closed or (callable(self.busy) and self.busy()):
            return
        self.session.queries.run(lambda _catalog: evict_models_if_idle(after),
                                 lambda freed: self.unloaded.emit() if freed else None, key="unload-models")
