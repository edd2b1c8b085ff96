"""The status bar (job progress, rate, ETA, cancel, failures) and the jobs controller behind it."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizeGrip,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QStyleOption,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Problem
from ..jobs import DuplicatesJob, Job, JobHandle, JobStats, ScanJob, TaggingJob, start_job
from ..jobs.write_job import WriteJob
from .dialogs import fit_to_screen
from .i18n import number_text
from .session import Session

if TYPE_CHECKING:
    from ..tagging.staged import RunStep

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    """A jobs text in the UI language (the JobsController context, for the static helpers below)."""
    return QCoreApplication.translate("JobsController", text)


Failure = Problem  # one per-photo problem: job, photo id, path, reason (stored in the catalog)
PROBLEMS_KEY = "stored-problems"


def format_eta(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class ErrorLogDialog(QDialog):
    """Per-photo failures of the jobs of this session: which file, which job, why."""

    def __init__(self, failures: list[Failure], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Problems"))
        self.resize(fit_to_screen(self, 760, 360))
        self.table = QTableWidget(len(failures), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Photo"), self.tr("Job"), self.tr("Problem")])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, f in enumerate(failures):
            for col, text in enumerate((f.path, f.job, f.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton(self.tr("Copy all"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip(self.tr("Copy the list as tab-separated text"))
        copy.clicked.connect(lambda: QApplication.clipboard().setText(
            "\n".join(f"{f.path}\t{f.job}\t{f.reason}" for f in failures)))
        self.clear = buttons.addButton("Clear list", QDialogButtonBox.ButtonRole.ResetRole)
        self.clear.setToolTip("Forget these problems (they are kept across restarts until cleared)")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("Problems met while scanning, tagging or writing; the rest of the work went on. "
                              "Photos that could not be read were skipped: fix or remove the files, then rescan (F5) "
                              "or tag again. Search state:broken to see them in the grid."), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


class ElidedLabel(QLabel):
    """One line of text that, where it does not fit, ends in '…' and shows the whole in its tooltip
    (a label of the status bar: a long message must not push the progress and Stop aside or be cut
    without a sign). ``text()`` is the whole text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(0)

    def setText(self, text: str) -> None:
        self._full = text
        self._fit()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width()))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")
        self.setAccessibleName(self._full)  # a screen reader reads the whole message


class ElidingStatusBar(QStatusBar):
    """A status bar whose passing messages (``showMessage``: a re-ranking's news, an error) end in '…'
    where they do not fit before the permanent widgets, the whole in the bar's tooltip. Qt's own
    clips them mid-word, without a sign."""

    JOIN_S = 3.0  # a message said this recently stays in front of the next one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._said_at = -1e9
        self._said = ("", 0.0)  # the person's last message and until when it is shown (monotonic)
        self._joined = False

    def say(self, text: str, ms: int = 6000) -> None:
        """Show what the person's action did, for ``ms``."""
        self._said_at, self._joined = time.monotonic(), False
        self._said = (text, self._said_at + ms / 1000)
        self.showMessage(text, ms)

    def status_tip(self, tip: str) -> None:
        """A hover tip (the window's status-tip events): shown while the pointer is on its widget. When the
        pointer leaves, the person's own message comes back for the rest of its time, rather than
        going with the tip (pressing a toolbar button and moving away lost what the press did)."""
        if tip:
            self.showMessage(tip)
            return
        text, until = self._said
        left_ms = int((until - time.monotonic()) * 1000)
        if text and left_ms > 0:
            self.showMessage(text, left_ms)
        else:
            self.clearMessage()

    def tell(self, text: str, ms: int = 6000) -> None:
        """Show news of background work (a re-ranking the person's decisions caused). The person's own
        message said less than :attr:`JOIN_S` ago stays in front of it ("Undone: …" and then the
        re-ranking the undo caused), so neither goes by unread."""
        current = self.currentMessage()
        if current and text != current and not self._joined and time.monotonic() - self._said_at < self.JOIN_S:
            text, self._joined = f"{current} · {text}", True
        self.showMessage(text, ms)

    def _beside(self) -> list[QWidget]:
        """The widgets shown beside a message: the permanent ones (a message hides the normal ones)."""
        return [child for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if child.isVisible() and not isinstance(child, QSizeGrip)]

    def _message_room(self) -> tuple[int, int]:
        """Left and right end of the message (where Qt draws it: up to the first permanent widget)."""
        return 6, min([self.width() - 12] + [child.x() - 2 for child in self._beside()])

    def shown_message(self) -> str:
        """The passing message as drawn: whole, or cut with '…'."""
        left, right = self._message_room()
        return self.fontMetrics().elidedText(self.currentMessage(), Qt.TextElideMode.ElideRight,
                                             max(0, right - left))

    def message_tip(self) -> str:
        """The whole passing message where it is drawn cut, else ''."""
        message = self.currentMessage()
        return message if message and self.shown_message() != message else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        for child in self._beside():  # as Qt frames them
            option.rect = child.geometry().adjusted(-2, -1, 2, 1)
            self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameStatusBarItem, option, painter, self)
        left, right = self._message_room()
        painter.setPen(self.palette().windowText().color())
        painter.drawText(left, 0, max(0, right - left), self.height(),
                         Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter, self.shown_message())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.currentMessage() and isinstance(event, QHelpEvent):
            tip = self.message_tip()
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class StatusPanel(QObject):
    """Widgets in the window's status bar."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.message = ElidedLabel(bar)
        self.progress = QProgressBar(bar)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.rate = QLabel(bar)
        self.cancel = QToolButton(bar)
        self.cancel.setText(self.tr("Stop"))
        self.cancel.setToolTip(self.tr("Stop the running job after the batch in flight (Ctrl+.)"))
        self.failures = QToolButton(bar)
        self.failures.setToolTip(
            self.tr("Problems met while scanning, tagging or writing: click for the list (Ctrl+L)"))
        self.failures.setAutoRaise(True)
        bar.addWidget(self.message, 1)
        for w in (self.progress, self.rate, self.cancel, self.failures):
            bar.addPermanentWidget(w)
        self.set_idle()
        self.set_failures(0)

    def show_job_message(self, text: str) -> None:
        """What the running job is doing. A hover tip (the status tip of the button just clicked)
        would hide it for as long as the mouse stays there: the job's news replaces the tip."""
        self.bar.clearMessage()
        self.message.setText(text)

    def set_idle(self) -> None:
        self.progress.hide()
        self.rate.hide()
        self.cancel.hide()

    def set_failures(self, count: int) -> None:
        self.failures.setText(self.tr("⚠ Problems: {count}").format(count=count))
        self.failures.setVisible(count > 0)


class JobsController(QObject):
    """Runs scan, tagging and write jobs one after another, shows their progress, forwards their results.

    Results are collected and announced to the panels at most every 200 ms, so a fast job
    never floods the GUI thread with repaints.
    """

    job_finished = Signal(object)  # JobStats
    FILL_INTERVAL = 1.0  # seconds between grid refreshes while a scan adds photos

    def __init__(self, session: Session, panel: StatusPanel) -> None:
        super().__init__(panel)
        self.session = session
        self.panel = panel
        self.failures: list[Failure] = []
        self.handle: JobHandle | None = None
        self._queue: list[Job] = []
        self._results: set[int] = set()
        self._started = 0.0
        self._first_done: tuple[float, int] | None = None
        self._bar_on_step = False
        self._first_result_shown = False
        self._flush = QTimer(self)
        self._flush.setInterval(200)
        self._flush.timeout.connect(self._announce)
        panel.cancel.clicked.connect(self.cancel)
        panel.failures.clicked.connect(self.show_log)
        self._old: list[JobHandle] = []
        self._unsaved: list[Problem] = []
        self._last_fill = 0.0
        self._focus: list[int] = []  # what the person looks at: a tagging job takes these photos first
        self._shown: list[int] = []  # the detail pane's photo: a tagging run's re-rankings leave it as shown
        session.queries.ready.connect(self._on_query)
        session.queries.submit(PROBLEMS_KEY, lambda catalog: catalog.problems.all())  # kept from earlier sessions

    @property
    def busy(self) -> bool:
        return self.handle is not None

    def scan(self, folder: Path) -> None:
        self.submit(ScanJob(self.session.library, folder, self.session.settings))

    def tag(self, photo_ids: list[int] | None, *, only_needed: bool = True) -> None:
        """Tag these photos (None: the whole library, listed by the job off the GUI thread)."""
        self.submit(TaggingJob(self.session.library, photo_ids, self.session.settings, only_needed=only_needed))

    def set_focus(self, photo_ids: list[int]) -> None:
        """The person now looks at these photos (the grid tells, debounced): the running tagging
        job, and any that starts later, takes them first. Cheap: hands the ids over, no I/O."""
        self._focus = list(photo_ids)
        job = self.handle.job if self.handle is not None else None
        if isinstance(job, TaggingJob):
            job.look_at(self._focus)

    def keep_shown(self, photo_ids: list[int]) -> None:
        """The detail pane shows these photos' suggestions: the running tagging job, and any that
        starts later, leaves them as they are when it re-ranks photos tagged earlier. Cheap, no I/O."""
        self._shown = list(photo_ids)
        job = self.handle.job if self.handle is not None else None
        if isinstance(job, TaggingJob):
            job.keep_shown(self._shown)

    def submit(self, job: Job) -> None:
        if self.session.closed:
            return
        if self.handle is None:
            self._start(job)
        else:
            self._queue.append(job)
            self.panel.message.setText(self.tr("{job_title} will start when the current job ends")
                .format(job_title=self.job_title(job)))

    def cancel(self) -> None:
        self._queue.clear()
        if self.handle is not None:
            self.handle.cancel()
            self.panel.message.setText(self.tr("Stopping after the batch in flight…"))

    def _start(self, job: Job) -> None:
        if isinstance(job, TaggingJob):
            job.look_at(self._focus)
            job.keep_shown(self._shown)
        job.progress.connect(self._on_progress)
        job.result.connect(self._on_result)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        job.message.connect(self.panel.show_job_message)
        if isinstance(job, TaggingJob):
            job.step.connect(self._on_step)
            # After each loading step's English message: the window says it in its language. A method
            # of this object, so the call is queued to the GUI thread (a lambda would run on the job's).
            job.loading.connect(self._on_loading)
        self._started = time.monotonic()
        self._first_done = None
        self._first_result_shown = False
        self._bar_on_step = False  # the bar shows a step's progress (vocabulary), not the photos'
        p = self.panel
        p.message.setText(f"{self.job_title(job)}…")
        p.progress.setRange(0, 0)
        p.progress.show()
        p.rate.setText("")
        p.rate.show()
        p.cancel.show()
        self.handle = start_job(job, self)
        self._flush.start()

    def _on_progress(self, done: int, total: int, path: str) -> None:
        p = self.panel
        if total <= 0:
            return
        now = time.monotonic()
        if self.handle is not None and self.handle.job.kind == "scan" and now - self._last_fill > self.FILL_INTERVAL:
            self._last_fill = now  # the grid fills while the scan runs (the scanner commits in batches)
            self.session.library_changed.emit()
        self._bar_on_step = False
        p.progress.setRange(0, total)
        p.progress.setValue(done)
        now = time.monotonic()
        if self._first_done is None:
            self._first_done = (now, done)  # measure the rate after model loading
            return
        t0, d0 = self._first_done
        if done > d0 and now > t0:
            rate = (done - d0) / (now - t0)
            p.rate.setText(self.tr("{rate} photos/s · ETA {eta}")
                .format(rate=number_text(rate, 1), eta=format_eta((total - done) / rate)))
        if path:
            p.message.setText(f"{self.job_title(self.handle.job) if self.handle else ''}: {Path(path).name}")

    def _on_loading(self, step: str, number: int, count: int) -> None:
        self.panel.show_job_message(self.load_text(step, number, count))

    def _on_step(self, step: RunStep) -> None:
        """A step between photos: its sentence and count; the photos' rate and ETA are cleared (they say
        nothing of this step), and once no photo is left to tag (or none has been yet) the bar shows
        the step's own progress instead of a full or empty photo bar."""
        p = self.panel
        p.show_job_message(self.step_text(step))
        p.rate.setText("")
        photos_bar = p.progress.maximum() > 0 and p.progress.value() < p.progress.maximum()
        if step.total > 0 and (self._bar_on_step or not photos_bar):
            self._bar_on_step = True
            p.progress.setRange(0, step.total)
            p.progress.setValue(min(step.done, step.total))

    @staticmethod
    def job_title(job: Job) -> str:
        """A running job's name in the UI language (the job's own, English, for a kind not listed)."""
        if isinstance(job, TaggingJob):
            return _tr("Tagging")
        if isinstance(job, ScanJob):
            return _tr("Scanning {folder}").format(folder=job.folder.name or job.folder)
        if isinstance(job, WriteJob):
            return _tr("Undoing the last write") if job.undo else _tr("Writing tags to files")
        if isinstance(job, DuplicatesJob):
            return _tr("Looking for duplicates")
        return str(job.title)

    @staticmethod
    def load_text(step: str, number: int, count: int) -> str:
        """A tagging run's model-loading step in the UI language (the sentences of
        :data:`imgtag_desktop.jobs.tagging_job.LOAD_MESSAGES`, translated)."""
        texts = {
            "libraries": _tr("Loading the model libraries…"),
            "captioner": _tr("Loading the caption model ({number}/{count})…"),
            "visual": _tr("Loading the visual model ({number}/{count})…"),
            "keywords": _tr("Loading the keyword model ({number}/{count})…"),
        }
        return texts.get(step, _tr("Loading the tagging models…")).format(number=number, count=count)

    @staticmethod
    def step_text(step: RunStep) -> str:
        """What a tagging run does between photos, with its count, in the UI language (the sentences
        of :data:`imgtag_desktop.tagging.staged.STEP_TEXTS`, translated)."""
        texts = {
            "vocabulary": _tr("Preparing the tag vocabulary for the visual model ({done}/{total})…"),
            "vocabulary-candidates": _tr("Adding the tag vocabulary to the photos tagged before it was ready "
                                         "({done}/{total} photos)…"),
        }
        return texts.get(step.kind, step.text).format(done=step.done, total=step.total)

    def _on_result(self, photo_id: int) -> None:
        self._results.add(photo_id)
        if not self._first_result_shown:  # the job's first result shows at once, the rest every 200 ms
            self._first_result_shown = True
            self._announce()

    def _on_failed(self, photo_id: int, path: str, reason: str) -> None:
        self.add_failure(self.handle.job.kind if self.handle else "job", photo_id, path, reason)

    def add_failure(self, job: str, photo_id: int, path: str, reason: str) -> None:
        """Record a per-photo problem (from a job, or from decoding a thumbnail) for the log and the catalog."""
        problem = Problem(job, photo_id, path, reason)
        if any((f.path, f.job, f.reason) == (path, job, reason) for f in self.failures[-200:]):
            return
        self.failures.append(problem)
        self._unsaved.append(problem)
        self.panel.set_failures(len(self.failures))
        if not self._flush.isActive():
            QTimer.singleShot(200, self._save_problems)

    def _on_query(self, key: object, result: object) -> None:
        if key == PROBLEMS_KEY and isinstance(result, list) and not self.session.closed:
            seen = {(f.path, f.job, f.reason) for f in self.failures}
            self.failures = [p for p in result if (p.path, p.job, p.reason) not in seen] + self.failures
            self.panel.set_failures(len(self.failures))

    def _save_problems(self) -> None:
        """Store new problems in the catalog (batched: one small insert at most every 200 ms)."""
        if self._unsaved and not self.session.closed:
            batch, self._unsaved = self._unsaved, []
            self.session.queries.run(  # a batch of rows: written on the query worker
                lambda catalog: catalog.problems.add(batch), write=True,
                failure=lambda reason: self.session.error.emit(
                    f"Problems cannot be saved in the library ({reason}); they are listed until you quit."))

    def clear_problems(self) -> None:
        self.failures = []
        self._unsaved = []
        self.panel.set_failures(0)
        self.session.queries.run(lambda catalog: catalog.problems.clear(), write=True)

    def _announce(self) -> None:
        self._save_problems()
        if self._results and not self.session.closed:
            ids, self._results = sorted(self._results), set()
            self.session.announce(ids)

    def _on_finished(self, stats: JobStats) -> None:
        if self.session.closed:  # the window closed while the job was winding down
            self.handle = None
            return
        self._announce()
        handle, self.handle = self.handle, None
        if handle is not None:  # keep the thread object alive until it has really ended
            self._old = [h for h in self._old if h.running()] + [handle]
        if stats.kind == "scan":
            self.session.library_changed.emit()
        self.panel.set_idle()
        self.panel.message.setText(self.describe(stats))
        if stats.kind == "tagging" and not stats.error and (held := self.held_text(stats.detail)):
            self.session.news.emit(held)
        self.job_finished.emit(stats)
        if self._queue:
            self._start(self._queue.pop(0))
        else:
            self._flush.stop()

    @staticmethod
    def describe(stats: JobStats) -> str:
        if stats.error:
            return _tr("{kind} stopped: {error}").format(kind=stats.kind.capitalize(), error=stats.error)
        d = stats.detail
        if stats.kind == "scan":
            text = (_tr("Scan stopped: {new} new, {changed} changed, {moved} moved, {removed} gone") if stats.cancelled
                    else _tr("Scan finished: {new} new, {changed} changed, {moved} moved, {removed} gone")).format(
                new=d.get("new", 0), changed=d.get("changed", 0), moved=d.get("moved", 0), removed=d.get("removed", 0))
        elif stats.kind == "write":
            text = (_tr("Writing stopped: {done} of {total} files") if stats.cancelled and stats.done < stats.total
                    else _tr("Writing finished: {done} of {total} files")).format(done=stats.done, total=stats.total)
        elif stats.kind == "duplicates":
            text = _tr("Duplicates: {groups} groups found").format(groups=len(d.get("groups", [])))  # type: ignore[arg-type]
        elif stats.kind == "tagging" and stats.total == 0 and not stats.cancelled:
            return _tr("Every photo is already tagged with the current models")
        else:
            # Stopped during the last batch, whose photos are still committed: the run did finish.
            text = (_tr("Tagging stopped: {done} of {total} photos") if stats.cancelled and stats.done < stats.total
                    else _tr("Tagging finished: {done} of {total} photos")).format(done=stats.done, total=stats.total)
            if isinstance(suggested := d.get("suggested"), int):  # the run's own, not the places a scan suggested
                text += _tr(", {suggested} tags suggested").format(suggested=suggested)
        if stats.seconds:
            text += _tr(" in {seconds} s").format(seconds=number_text(stats.seconds, 1))
        if stats.failures and stats.kind == "write":  # skipped (vanished, read-only, ...) or failed
            text += _tr(" · {failures} not written (Ctrl+L for why)").format(failures=stats.failures)
        elif stats.failures:
            text += _tr(" · {failures} failed (Ctrl+L for the list)").format(failures=stats.failures)
        if stats.kind == "tagging":
            text += JobsController._reranked_text(d)
        if stats.kind == "scan" and isinstance(waiting := d.get("waiting"), int) and waiting > 0:
            # New photos, or photos a stopped or killed run left: what Tag all would do now.
            text += _tr(" · {waiting} photos to tag (Tools > Tag all photos)").format(waiting=number_text(waiting, 0))
        return text

    @staticmethod
    def _reranked_text(detail: dict[str, object]) -> str:
        """What a tagging run's re-rankings of photos tagged earlier changed without the person asking
        (their vocabulary candidates, a new calibration); that the photo shown was kept as it is is
        said apart, for a while (:meth:`held_text`)."""
        text = ""
        if isinstance(reranked := detail.get("reranked"), int) and reranked:
            text += (_tr(" · suggestions of {n} photos tagged earlier re-ranked with the calibration")
                     if detail.get("recalibrated") else
                     _tr(" · suggestions of {n} photos tagged earlier re-ranked with the tag vocabulary")
                     ).format(n=reranked)
        return text

    @staticmethod
    def held_text(detail: dict[str, object]) -> str:
        """That a tagging run kept the photo shown as it was ('' when it did not). Said for a while,
        not kept in the run's message: the photo is ranked as soon as the person moves on."""
        if not detail.get("held"):
            return ""
        return QCoreApplication.translate(
            "JobsController", "The photo shown keeps its suggestions until you move on; the run re-ranked others")

    def show_log(self) -> None:
        dialog = ErrorLogDialog(self.failures, self.panel.bar.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.clear.clicked.connect(self.clear_problems)
        dialog.clear.clicked.connect(dialog.accept)
        dialog.open()

    def shutdown(self, wait_ms: int = 30000) -> None:
        """Cancel the running job and wait up to ``wait_ms`` for it (on close).

        A job still busy then (a large model on the photo in flight) is left to the process exit:
        its results are committed per batch, so at most the batch in flight is lost, as after a
        crash. Its thread is handed over to the process (:meth:`JobHandle.leave_running`): Qt never
        destroys it with the window."""
        self._queue.clear()
        deadline = time.monotonic() + wait_ms / 1000
        for h in ([self.handle] if self.handle is not None else []) + self._old:
            h.cancel()
            if not h.thread.wait(max(0, int((deadline - time.monotonic()) * 1000))):
                log.warning("%s still running at quit; left to the process exit", h.job.title)
                h.leave_running()
