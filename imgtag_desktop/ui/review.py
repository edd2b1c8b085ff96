"""Review by tag: every photo where a tag is suggested, best score first, judged from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ..core.catalog import Catalog
from ..core.confidence import passes
from .commands import TagChange, TagOp, push_changes
from .grid import GridController
from .session import Session
from .sources import ReviewSource, Source

LABEL_KEY = "review-label"


class ReviewBar(QWidget):
    """Shown above the grid while a tag is under review."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewBar")
        self.label = QLabel(self)
        # The label wraps instead of setting the window's minimum width (it once widened the
        # window past a laptop screen); the keys are in the tooltip and the Review menu.
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setToolTip("A approve · R reject · Del remove · Enter approve all ≥ the score on the right")
        self.min_score = QDoubleSpinBox(self)
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setPrefix("≥ ")
        self.min_score.setToolTip(self.tr("Score used by 'Approve all ≥' (Enter)"))
        self.approve_all = QPushButton(self.tr("Approve all ≥"), self)
        self.approve_all.setToolTip(self.tr("Approve this tag on every photo scored at or above the value (Enter)"))
        self.done = QPushButton(self.tr("Done"), self)
        self.done.setToolTip(self.tr("Leave the review and show all photos"))
        # The label beside the controls; above them where the bar is too narrow for both (the label
        # then had no width left, and its wrapped lines a tall empty strip).
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(0, 0, 0, 0)
        self.controls.addWidget(self.min_score)
        self.controls.addWidget(self.approve_all)
        self.controls.addWidget(self.done)
        self.rows = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.rows.setContentsMargins(6, 2, 6, 2)
        self.rows.addWidget(self.label, 1)
        self.rows.addLayout(self.controls)
        self.hide()

    # Room the label needs beside the controls before it goes above them.
    LABEL_ROOM = 220

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        beside = event.size().width() >= self.controls.sizeHint().width() + self.LABEL_ROOM
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.rows.direction() != direction:
            self.rows.setDirection(direction)


class ReviewController(QObject):
    """Runs the review-by-tag mode of the grid: A/R/Del act on the reviewed tag of the selected photos."""

    finished = Signal()
    approved_all = Signal(int)  # how many photos "Approve all ≥" approved
    tag_changed = Signal(object)  # the tag under review, or None when the review ends

    def __init__(self, session: Session, grid: GridController, bar: ReviewBar) -> None:
        super().__init__(bar)
        self.session = session
        self.grid = grid
        self.bar = bar
        self.tag: str | None = None
        bar.approve_all.clicked.connect(self._approve_all_clicked)
        bar.done.clicked.connect(self.stop)
        session.photos_changed.connect(lambda _ids: self._update_label())
        grid.loaded.connect(self._update_label)  # new rows: after a start, a re-rank or a refit
        grid.source_changed.connect(self._on_source)

    @property
    def active(self) -> bool:
        return self.tag is not None and isinstance(self.grid.source, ReviewSource)

    def start(self, name: str) -> None:
        self.tag = name
        self.bar.min_score.setValue(self.session.threshold)
        self.bar.label.setText(self.tr("Reviewing “{tag}”…").format(tag=name))
        self.grid.show_source(ReviewSource(name))
        self.bar.show()
        self.tag_changed.emit(name)
        # The prompt that started the review has just closed: give the window back the keyboard
        # (without a window manager nothing else does), so that Ctrl+Shift+R and A/R reach it.
        self.grid.view.window().activateWindow()
        self.grid.view.setFocus()

    def _approve_all_clicked(self) -> None:
        self.approve_all_above()

    def stop(self) -> None:
        was = self.tag
        self.tag = None
        self.bar.hide()
        if was is not None:
            self.tag_changed.emit(None)
            self.finished.emit()

    def _on_source(self, source: Source) -> None:
        if not isinstance(source, ReviewSource) and self.tag is not None:
            self.tag = None
            self.bar.hide()
            self.tag_changed.emit(None)

    def _update_label(self) -> None:
        """Count what the grid shows: of the photos listed for review (the suggestions the ranking
        shows now: at or above the threshold, within the budget), how many still have the tag
        suggested; and on how many photos it is approved. Read off the GUI thread, again whenever
        the rows are read again (a re-rank, a refit) or tags change."""
        if self.tag is None or not isinstance(self.grid.source, ReviewSource) or self.grid.loading:
            return
        tag = self.tag
        shown = {self.grid.model.item(r).id for r in range(self.grid.model.rowCount())}

        def read(catalog: Catalog) -> tuple[int, int]:
            left = sum(t.photo_id in shown for t in catalog.review.photos_with_tag(tag, ("suggested",)))
            return left, len(catalog.review.photos_with_tag(tag, ("approved",)))

        def show(counts: tuple[int, int]) -> None:
            if self.tag == tag:
                left, approved = counts
                self.bar.label.setText(self.tr("Reviewing “{tag}”: {left} left, {approved} approved").format(
                    tag=tag, left=left, approved=approved))

        self.session.queries.run(read, show, key=LABEL_KEY)

    def _apply(self, op: TagOp) -> bool:
        if self.tag is None:
            return False
        ids = self.grid.selected_photo_ids()
        if not ids:
            return False
        done = push_changes(self.session, [TagChange(op, tuple(ids), self.tag)])
        if done and len(ids) == 1 and not self.grid.move(1):
            # Nothing after it: the next key would act on this photo again, so say so.
            self.session.status.emit(self.tr("That was the last photo listed for “{tag}”: the keys now act on "
                                             "it again; Done shows all photos").format(tag=self.tag))
        return done

    def approve(self) -> bool:
        return self._apply("approve")

    def reject(self) -> bool:
        return self._apply("reject")

    def remove(self) -> bool:
        return self._apply("remove")

    def approve_all_above(self, min_score: float | None = None) -> None:
        """Approve the tag on every photo where it is suggested with a score >= ``min_score``.

        The photos are listed off the GUI thread; the edit (one undo step) follows."""
        if self.tag is None:
            return
        tag = self.tag
        value = self.bar.min_score.value() if min_score is None else min_score

        def read(catalog: Catalog) -> list[int]:
            return [t.photo_id for t in catalog.review.photos_with_tag(tag, ("suggested",))
                    if passes(t.score, value)]

        def approve(ids: list[int]) -> None:
            if ids and self.tag == tag:
                push_changes(self.session, [TagChange("approve", tuple(ids), tag)],
                             f"Approve '{tag}' on {len(ids)} photos scored ≥ {value:.2f}")
            self.approved_all.emit(len(ids))

        self.session.queries.run(read, approve)
