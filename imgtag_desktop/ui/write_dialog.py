"""The "Write tags to files" dialog: a per-file preview, then Write / Undo last write.

Self-contained: ``WritePreviewDialog(catalog_path, photo_ids, parent)``. The preview
(what each file gains and loses) is computed on a worker thread when the dialog opens and
after each run; the writing itself runs in a :class:`~imgtag_desktop.jobs.write_job.WriteJob`,
with progress and cancel: through the window's jobs controller when one is given (``submit``,
so its failures reach the Problems list), else on a thread of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QThread, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog
from ..core.metadata import FileChange, WriteReport, WriteResult, plan_writes
from ..jobs.base import JobStats, start_job
from ..jobs.queries import QueryRunner
from ..jobs.write_job import WriteJob
from .dialogs import fit_to_screen

COLUMNS = ("File", "Written to", "Added", "Removed", "Note")
PLAN_KEY = "write-plan"


class MiddleElide(QStyledItemDelegate):
    """Elides a cell's text in the middle (file names keep their ends)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def _note(plan: FileChange) -> str:
    """The Note column: why a file is skipped, else the plan's note, plus what changes in the
    fields when no keyword is added or removed as a whole (so no changing row is blank)."""
    if plan.skip:
        return plan.skip
    detail = plan.field_changes() if plan.changes and not (plan.added or plan.removed) else ""
    return "; ".join(x for x in (plan.note, detail) if x)


class WritePreviewDialog(QDialog):
    """Preview and perform the writing of approved tags for ``photo_ids``."""

    def __init__(self, catalog_path: str | Path, photo_ids: Sequence[int], parent: QWidget | None = None,
                 *, mode: str | None = None, scope: str = "", saved_mode: str = "off",
                 submit: Callable[[WriteJob], None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Write tags to files"))
        self.resize(fit_to_screen(self, 900, 480))
        n = len(photo_ids)
        scope = scope or self.tr("{n} photo(s)").format(n=f"{n:,}")
        self.scope = QLabel(self.tr("Photos: {scope}. Only approved tags are written; files already up to date "
                                    "are left alone.").format(scope=scope))
        self.scope.setWordWrap(True)
        self.catalog_path = Path(catalog_path)
        self.photo_ids = list(photo_ids)
        self.plans: list[FileChange] = []
        self.last_report: WriteReport | None = None
        self._job: WriteJob | None = None
        self._thread: QThread | None = None
        self._note = ""  # the last run's outcome, shown instead of the preview's summary once
        self._submit = submit
        self.mode_box = QComboBox()
        self.mode_box.addItem("XMP sidecar (photo.jpg.xmp)", "sidecar")
        self.mode_box.addItem("Inside the file (embedded)", "embedded")
        wanted = mode or (saved_mode if saved_mode != "off" else "sidecar")
        self.mode_box.setCurrentIndex(max(0, self.mode_box.findData(wanted)))
        self.mode_box.currentIndexChanged.connect(self.refresh)
        self.keep_mtime = QCheckBox(self.tr("Keep modification times"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col in (2, 4):  # the added tags and the reason get the room
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 170), (1, 170), (3, 110)):
            header.resizeSection(col, width)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Lists and sentences are cut at the end (the tooltip has them in full); file names in the middle.
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._middle = MiddleElide(self.table)
        for col in (0, 1):
            self.table.setItemDelegateForColumn(col, self._middle)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.write_button = QPushButton(self.tr("Write"))
        self.undo_button = QPushButton(self.tr("Undo last write"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"))
        self.write_button.clicked.connect(self.start_write)
        self.undo_button.clicked.connect(self.start_undo)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Write to:")))
        top.addWidget(self.mode_box)
        top.addWidget(self.keep_mtime)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._queries = QueryRunner(self.catalog_path, parent=self)
        self._queries.ready.connect(self._on_plans)
        self._queries.failed.connect(lambda _key, reason: self.summary.setText(
            self.tr("The files cannot be read: {reason}")
            .format(reason=reason)))
        self.refresh()

    @property
    def mode(self) -> str:
        return str(self.mode_box.currentData())

    def refresh(self) -> None:
        """Recompute the per-file preview (reads the files; writes nothing).

        For many photos the files are read on a worker thread and the table follows."""
        mode, ids = self.mode, list(self.photo_ids)
        self.write_button.setEnabled(False)
        self.undo_button.setEnabled(False)
        self.summary.setText(self.tr("Reading {len_ids:,} files…").format(len_ids=len(ids)))

        def plan(catalog: Catalog) -> tuple[str, list[FileChange], bool]:
            return mode, plan_writes(catalog, ids, mode), catalog.writes.last_batch() is not None

        self._queries.submit(PLAN_KEY, plan)

    def _on_plans(self, key: object, result: object) -> None:
        if key == PLAN_KEY and isinstance(result, tuple) and result[0] == self.mode:
            self._show(result[1], result[2])

    def _show(self, plans: list[FileChange], can_undo: bool) -> None:
        self.plans = plans
        rows = [p for p in self.plans if p.changes or p.skip]
        self.table.setRowCount(len(rows))
        for i, plan in enumerate(rows):
            values = (plan.photo.name, plan.target.name if not plan.skip else "—", ", ".join(plan.added),
                      ", ".join(plan.removed), _note(plan))
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(plan.photo) if j == 0 else value)
                self.table.setItem(i, j, item)
        changing = sum(1 for p in self.plans if p.changes)
        skipped = sum(1 for p in self.plans if p.skip)
        self.summary.setText(self._note or f"{changing} file(s) will change, {skipped} will be skipped, "
                                           f"{len(self.plans) - changing - skipped} already up to date.")
        self._note = ""
        self.write_button.setEnabled((changing > 0 or skipped > 0) and self._job is None)
        self.undo_button.setEnabled(can_undo and self._job is None)

    def start_write(self) -> None:
        # The files the preview counted as skipped are tried too, so the result reports them the same way.
        ids = [p.photo_id for p in self.plans if p.changes or p.skip]
        self._start(WriteJob(self.catalog_path, ids, mode=self.mode, keep_mtime=self.keep_mtime.isChecked()))

    def start_undo(self) -> None:
        self._start(WriteJob(self.catalog_path, undo=True, keep_mtime=self.keep_mtime.isChecked()))

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _start(self, job: WriteJob) -> None:
        self._job = job
        job.progress.connect(self._on_progress)
        job.message.connect(self.summary.setText)
        job.finished.connect(self._on_finished)
        self.write_button.setEnabled(False)
        self.undo_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        if self._submit is not None:
            self._submit(job)
            return
        thread = start_job(job, self).thread
        self._thread = thread
        # A slot of the dialog (queued to the GUI thread) that frees the thread that sent it: a previous
        # run's thread may end only after the next run has started, and must then free itself, never
        # the running one.
        thread.finished.connect(self._thread_done)

    def _on_progress(self, done: int, total: int, path: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}  {Path(path).name}")

    @Slot()
    def _thread_done(self, thread: QThread | None = None) -> None:
        """``thread`` (by default the one that sent this) has ended: free it; forget it if it is the
        latest run's."""
        ended = thread if thread is not None else self.sender()
        if not isinstance(ended, QThread):
            return
        ended.deleteLater()
        if self._thread is ended:
            self._thread = None

    def _on_finished(self, stats: JobStats) -> None:
        report = stats.detail.get("report")
        report = report if isinstance(report, WriteReport) else WriteReport()
        self.last_report = report
        self._job = None
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        text = (f"Done: {report.count('written')} written, {report.count('skipped')} skipped, "
                f"{report.count('failed')} failed" + (" (cancelled)" if report.cancelled else ""))
        writers = Counter(str(r.writer) for r in report.results if r.status == "written" and r.mode == "embedded")
        if writers:
            text += " (embedded by " + ", ".join(f"{w}: {n}" for w, n in sorted(writers.items())) + ")"
        sidecars = sum(1 for r in report.results if r.status == "written" and r.mode == "sidecar"
                       and self.mode == "embedded")
        if sidecars:
            text += f"; {sidecars} went to sidecars (the Note column says why)"
        if stats.error:
            text = self.tr("Nothing written: {error}").format(error=stats.error)
        self.summary.setText(text + ". The table shows what happened to each file.")
        self._show_results(report.results)
        self.undo_button.setEnabled(report.count("written") > 0)
        self.write_button.setEnabled(False)

    def _show_results(self, results: Sequence[WriteResult]) -> None:
        """After a run: one row per file tried, with what happened and why (the preview no longer applies)."""
        rows = [r for r in results if r.status != "unchanged"]
        self.table.setRowCount(len(rows))
        plans = {p.photo_id: p for p in self.plans}
        for i, r in enumerate(rows):
            plan = plans.get(r.photo_id)
            change = r.change or plan
            status = {"written": "Written", "skipped": "Skipped", "failed": "Failed"}.get(r.status, r.status)
            why = r.reason if r.status != "written" else (_note(change) if change else r.note)
            values = (r.path.name, r.target.name if r.target else "—",
                      ", ".join(change.added) if change else "", ", ".join(change.removed) if change else "",
                      f"{status}: {why}" if why else status)
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(str(r.path) if j == 0 else value)
                self.table.setItem(i, j, item)

    def done(self, result: int) -> None:
        """Close (Close button, Esc, window close): stop the job and wait for its thread first.

        Not in ``closeEvent``: since Qt 6.3 ``reject()``/``accept()`` close the dialog without
        one, and with WA_DeleteOnClose a still-running thread would be destroyed with it."""
        self.cancel()
        if self._thread is not None:
            self._thread.wait(30000)
        self._queries.close()
        super().done(result)
