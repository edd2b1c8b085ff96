"""The threshold slider with a live count of the suggestions that pass (library and current photo)."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from ..core.confidence import SHOWN_SCALE, passes
from .session import Session


def passing(scores: list[float], threshold: float) -> int:
    """How many of these scores (one photo's) pass ``threshold``, as shown (the ranking's rule)."""
    return sum(passes(s, threshold) for s in scores)


def passing_in_histogram(histogram: list[int], threshold: float) -> int:
    """How many suggestions of a histogram of shown scores (``Catalog.review.suggestion_histogram``:
    one bucket per shown value) pass ``threshold``."""
    if not histogram:
        return 0
    k = max(0, min(len(histogram) - 1, math.ceil(threshold * SHOWN_SCALE - 1e-6)))
    return sum(histogram[k:])


class ThresholdWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thresholdWidget")
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 100)
        self.slider.setPageStep(5)
        self.slider.setMinimumWidth(140)
        self.slider.setMaximumWidth(260)
        self.slider.setAccessibleName("Suggestion threshold")
        self.slider.setToolTip(self.tr("Suggestion threshold: a photo shows the suggestions whose confidence (how "
                                       "likely you are to approve them) is at or above it. Alt+Up / Alt+Down move it."))
        self.value = QLabel(self)
        self.value.setMinimumWidth(36)
        self.budget = QSpinBox(self)
        self.budget.setRange(1, 50)
        self.budget.setAccessibleName(self.tr("Suggestions per photo"))
        self.budget.setToolTip(self.tr("At most this many suggestions per photo, the most confident first"))
        self.preview = QLabel(self)
        self.preview.setToolTip(
            self.tr("How many suggestions pass the threshold: across the library, and on the current photo"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel(self.tr("Threshold"), self))
        layout.addWidget(self.slider)
        layout.addWidget(self.value)
        layout.addWidget(QLabel(self.tr("Per photo"), self))
        layout.addWidget(self.budget)
        layout.addWidget(self.preview)


HISTOGRAM_KEY = "threshold-histogram"


class ThresholdController(QObject):
    """Moves the session's threshold live; recounts from cached scores (no query per tick).

    The library-wide score histogram is computed off the GUI thread (it reads every
    suggestion); the current photo's few scores are read directly.
    """

    def __init__(self, session: Session, widget: ThresholdWidget) -> None:
        super().__init__(widget)
        self.session = session
        self.widget = widget
        self.photo_id: int | None = None
        self.library_histogram: list[int] = []
        self.photo_scores: list[float] = []
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(400)  # many results arriving: recount at most this often
        self._reload_timer.timeout.connect(self.reload_scores)
        widget.slider.setValue(round(session.threshold * 100))
        widget.budget.setValue(session.budget)
        widget.budget.valueChanged.connect(session.set_budget)
        widget.slider.valueChanged.connect(self._on_slider)
        widget.slider.sliderReleased.connect(session.save_settings)
        session.threshold_changed.connect(self._on_threshold)
        session.tags_changed.connect(self._schedule_reload)
        session.library_changed.connect(self._schedule_reload)
        session.queries.ready.connect(self._on_query)
        self.reload_scores()

    def set_photo(self, photo_id: int | None) -> None:
        self.photo_id = photo_id if photo_id is not None and photo_id >= 0 else None
        self.photo_scores = self.session.catalog.review.suggestion_scores(self.photo_id) if self.photo_id else []
        self._update_label()

    def _schedule_reload(self) -> None:
        if not self._reload_timer.isActive():  # restarting it would put the recount off while results stream in
            self._reload_timer.start()

    def reload_scores(self) -> None:
        if self.session.closed:
            return
        self.session.queries.submit(HISTOGRAM_KEY, lambda catalog: catalog.review.suggestion_histogram())
        self.photo_scores = self.session.catalog.review.suggestion_scores(self.photo_id) if self.photo_id else []
        self._update_label()

    def _on_query(self, key: object, result: object) -> None:
        if key == HISTOGRAM_KEY and isinstance(result, list):
            self.library_histogram = result
            self._update_label()

    def step(self, delta: float) -> None:
        self.session.set_threshold(self.session.threshold + delta)
        self.session.save_settings()

    def counts(self) -> tuple[int, int, int, int]:
        """(library passing, library suggestions, photo passing, photo suggestions) at the current threshold."""
        t = self.session.threshold
        return (passing_in_histogram(self.library_histogram, t), sum(self.library_histogram),
                passing(self.photo_scores, t), len(self.photo_scores))

    def _on_slider(self, value: int) -> None:
        self.session.set_threshold(value / 100)

    def _on_threshold(self, value: float) -> None:
        if self.widget.slider.value() != round(value * 100):
            self.widget.slider.blockSignals(True)
            self.widget.slider.setValue(round(value * 100))
            self.widget.slider.blockSignals(False)
        self._update_label()

    def _update_label(self) -> None:
        lib, lib_total, ph, ph_total = self.counts()
        self.widget.value.setText(f"{self.session.threshold:.2f}")
        # Short in the toolbar (it must fit a 1024 px window without overflowing), in full in the tooltip.
        text = (self.tr("{lib:,} shown").format(lib=lib) if lib == lib_total else
                self.tr("{lib:,}/{lib_total:,} pass").format(lib=lib, lib_total=lib_total))
        tip = (self.tr("{lib:,} suggestions shown").format(lib=lib) if lib == lib_total else
               self.tr("{lib:,} of {lib_total:,} suggestions pass the threshold").format(lib=lib, lib_total=lib_total))
        if self.photo_id is not None and ph_total:  # "photo 0/0" said nothing: a photo without suggestions
            text += self.tr(" · photo {ph}/{ph_total}").format(ph=ph, ph_total=ph_total)
            tip += self.tr("; on this photo {ph} of {ph_total}").format(ph=ph, ph_total=ph_total)
        self.widget.preview.setText(text)
        self.widget.preview.setToolTip(tip)
