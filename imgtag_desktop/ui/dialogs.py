"""Dialogs: models (status, local folders, download), settings, pick a tag."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.folding import fold
from ..core.i18n import TAG_LANGUAGES, UI_LANGUAGES
from ..core.settings import Settings
from ..jobs import JobHandle, JobStats, start_job
from ..jobs.download_job import DownloadJob
from ..jobs.tagging_job import tagging_available
from ..tagging import human_size, models_status
from .completion import FoldingCompleter
from .i18n import N_, tr_

# Each language in its own name: the person looking for theirs may not read the current one.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano",
                  "nl": "Nederlands"}

log = logging.getLogger(__name__)

MODEL_FIELDS = (
    ("captioner", N_("Captioner"), N_("Writes a caption for each photo (BLIP)")),
    ("keyword_model", N_("Keyword model"), N_("Turns captions into candidate tags (a sentence-transformers model)")),
    ("visual_model", N_("Visual model"), N_("Scores how well each candidate matches the photo (CLIP)")),
)
METADATA_MODES = (("off", N_("Off: keep tags in the catalog only")), ("sidecar", N_("XMP sidecar files")),
                  ("embedded", N_("Inside the photo files")))


FIX_IN_WINDOW = ("To fix it: click Download models (needs the internet once), or Choose folder… next to the "
                 "model to use a folder that holds it.")


def window_text(problem: str | None) -> str:
    """A model problem for someone using the window: the reason, without the command-line advice."""
    text = (problem or "").strip()
    cut = text.find(" Run 'imgtag models download'")
    return text[:cut].strip() if cut >= 0 else text


def first_sentence(text: str, limit: int = 220) -> str:
    """The first sentence (or line) of a long error, for a banner; the whole text goes to Problems."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    cut = line.find(". ")
    line = line[: cut + 1] if 0 < cut < limit else line
    return line if len(line) <= limit else line[: limit - 1] + "…"


def models_status_text(settings: Settings) -> str:
    """One line per model (✔ usable / ✘ not, with the reason), then what to do when one is missing."""
    ok, message = tagging_available()
    if not ok:
        return message
    try:
        rows = models_status(settings)
    except Exception as exc:  # report, never hide
        log.warning("model status cannot be read", exc_info=True)
        return f"Model status cannot be read: {exc}"
    lines = [f"✔ {r.role}: {Path(r.path).name if r.path else r.spec} ({'folder' if r.source == 'folder' else 'cache'}"
             f", {human_size(r.size_bytes)})" if r.usable else f"✘ {r.role}: {window_text(r.problem)}"
             for r in rows]
    if not all(r.usable for r in rows):
        lines += ["", FIX_IN_WINDOW]
    return "\n".join(lines)


def models_missing(settings: Settings) -> str:
    """Empty when every model is usable (per ``models_status``), else which one is missing and why."""
    try:
        rows = models_status(settings)
    except Exception as exc:  # report, never hide
        log.warning("model status cannot be read", exc_info=True)
        return f"model status cannot be read ({exc})"
    first = next((r for r in rows if not r.usable), None)
    return "" if first is None else window_text(first.problem)


class ModelsDialog(QDialog):
    """Model status, local folders, and a download button when the tagging package can download."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(fit_to_screen(self, 680, 420))
        self.settings = dataclasses.replace(settings)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, tip in ((n, tr_(la), tr_(t)) for n, la, t in MODEL_FIELDS):
            edit = QLineEdit(getattr(self.settings, name), self)
            edit.setToolTip(self.tr("{tip}. A model name from the download cache, or a folder.").format(tip=tip))
            edit.editingFinished.connect(self.refresh)
            browse = QPushButton(self.tr("Choose folder…"), self)
            browse.setToolTip(self.tr("Pick a local folder holding the {label_lower}")
                              .format(label_lower=label.lower()))
            browse.clicked.connect(lambda _=False, n=name: self._browse(n))
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            row.addWidget(browse)
            form.addRow(label, row)
            self.fields[name] = edit
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.download = QPushButton(self.tr("Download models"), self)
        self.download.setToolTip(self.tr("Download the models named above (needs the internet once; about 1 GB)"))
        self.download.setEnabled(tagging_available()[0])
        if not self.download.isEnabled():
            self.download.setToolTip(self.tr("This build cannot download models; pick local folders instead"))
        self.download.clicked.connect(self._download)
        recheck = QPushButton(self.tr("Check again"), self)
        recheck.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.download)
        actions.addWidget(recheck)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.progress)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        self._handle: JobHandle | None = None
        self.refresh()

    def values(self) -> Settings:
        for name, edit in self.fields.items():
            setattr(self.settings, name, edit.text().strip() or getattr(Settings(), name))
        return self.settings

    def refresh(self) -> None:
        self.status.setText(models_status_text(self.values()))

    def _browse(self, name: str) -> None:
        start = self.fields[name].text() if Path(self.fields[name].text()).expanduser().is_dir() else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the model folder"), start)
        if folder:
            self.fields[name].setText(folder)
            self.refresh()

    def _download(self) -> None:
        job = DownloadJob(self.values())
        job.progress.connect(self._on_progress)
        job.message.connect(self.status.setText)
        job.finished.connect(self._on_finished)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.download.setEnabled(False)
        self._handle = start_job(job, self)

    def _on_progress(self, done: int, total: int, name: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{name} %p%" if name else "%p%")

    def _on_finished(self, stats: JobStats) -> None:
        self.progress.hide()
        self.download.setEnabled(True)
        self._handle = None
        self.refresh()
        if stats.error:
            self.status.setText(self.tr("Download failed: {stats_error}\n\n{status_text}")
                                .format(stats_error=stats.error, status_text=self.status.text()))
        elif not stats.cancelled:
            self.status.setText(self.tr("Models downloaded.\n\n{status_text}").format(status_text=self.status.text()))

    def done(self, result: int) -> None:
        if self._handle is not None:
            self._handle.cancel()
            if not self._handle.thread.wait(10000):  # a large file still downloading
                self._handle.leave_running()  # never destroyed with this dialog's parent
        super().done(result)


class SettingsDialog(QDialog):
    """The options a person may want to change; models are edited in the Models dialog."""

    def __init__(self, settings: Settings, metadata_mode: str = "off", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = dataclasses.replace(settings)
        form = QFormLayout(self)
        self.models_button = QPushButton(self.tr("Models…"), self)
        self.models_button.setToolTip(self.tr("Model status, local folders, download"))
        self.models_button.clicked.connect(self._models)
        form.addRow(self.tr("Models"), self.models_button)
        self.device = QComboBox(self)
        self.device.addItems(["auto", "cpu", "cuda", "mps"])
        self.device.setCurrentText(settings.device)
        self.device.setToolTip(self.tr("Where the models run; auto picks a GPU when one is usable"))
        form.addRow(self.tr("Device"), self.device)
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(settings.threshold)
        self.threshold.setToolTip(self.tr("A photo shows the suggestions whose confidence (how likely you are "
                                          "to approve them) is at or above this (also on the toolbar slider)"))
        form.addRow(self.tr("Threshold"), self.threshold)
        self.budget = QSpinBox(self)
        self.budget.setRange(1, 50)
        self.budget.setValue(settings.suggestion_budget)
        self.budget.setToolTip(self.tr("At most this many suggestions per photo, the most confident first"))
        form.addRow(self.tr("Suggestions per photo"), self.budget)
        self.mute_after = QSpinBox(self)
        self.mute_after.setRange(1, 100)
        self.mute_after.setValue(settings.mute_after)
        self.mute_after.setToolTip(self.tr("A tag you reject on this many photos, and never approve, is no longer "
                                           "suggested (Review > Muted tags to unmute it)"))
        form.addRow(self.tr("Mute a tag after rejections"), self.mute_after)
        self.vocabulary = QCheckBox(self.tr("Also score the built-in vocabulary and my own tags"), self)
        self.vocabulary.setChecked(settings.use_vocabulary)
        form.addRow(self.tr("Vocabulary"), self.vocabulary)
        self.unload_after = QSpinBox(self)
        self.unload_after.setRange(0, 1440)
        self.unload_after.setSuffix(self.tr(" min"))
        self.unload_after.setSpecialValueText(self.tr("Never"))
        self.unload_after.setValue(max(0, round(settings.unload_models_after)))
        self.unload_after.setToolTip(self.tr("Free the models' memory after this many minutes without tagging or "
                                             "visual search; they load again when needed"))
        form.addRow(self.tr("Unload the models after"), self.unload_after)
        self.warm_up = QCheckBox(self.tr("Prepare for tagging in the background when photos wait to be tagged"),
                                 self)
        self.warm_up.setChecked(settings.warm_up_model_libraries)
        self.warm_up.setToolTip(self.tr("Loads the model libraries (not the models) once the window is idle, so "
                                        "Tag all shows its first suggestions seconds sooner; uses about 300 MB "
                                        "of memory"))
        form.addRow(self.tr("Start-up"), self.warm_up)
        self.metadata = QComboBox(self)
        for key, text in METADATA_MODES:
            self.metadata.addItem(tr_(text), key)
        self.metadata.setCurrentIndex(max(0, self.metadata.findData(metadata_mode)))
        self.metadata.setToolTip(self.tr("Whether approved tags are also written into the photos (XMP/IPTC/EXIF)"))
        form.addRow(self.tr("Write tags to files"), self.metadata)
        self.thumb = QSpinBox(self)
        self.thumb.setRange(64, 512)
        self.thumb.setSingleStep(16)
        self.thumb.setSuffix(" px")
        self.thumb.setValue(settings.grid_thumbnail_size)
        self.thumb.setToolTip(self.tr("Size of the grid's thumbnails (Ctrl++ / Ctrl+- change it too)"))
        form.addRow(self.tr("Thumbnail size"), self.thumb)
        self.ui_language = QComboBox(self)
        self.tag_language = QComboBox(self)
        for combo, codes, current in ((self.ui_language, UI_LANGUAGES, settings.ui_language),
                                      (self.tag_language, TAG_LANGUAGES, settings.tag_language)):
            combo.addItem(self.tr("Automatic (system language)"), "auto")
            for code in codes:
                combo.addItem(LANGUAGE_NAMES[code], code)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        self.ui_language.setToolTip(self.tr("Language of menus and dialogs (takes effect at the next start)"))
        self.tag_language.setToolTip(self.tr("Language of suggested vocabulary tags and of country names in "
                                             "place tags; tags you approved keep their names"))
        form.addRow(self.tr("Language"), self.ui_language)
        form.addRow(self.tr("Tag language"), self.tag_language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _models(self) -> None:
        dialog = ModelsDialog(self.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.settings = dialog.values()

    def values(self) -> tuple[Settings, str]:
        s = self.settings
        s.device = self.device.currentText()
        s.threshold = round(self.threshold.value(), 2)
        s.suggestion_budget = self.budget.value()
        s.mute_after = self.mute_after.value()
        s.use_vocabulary = self.vocabulary.isChecked()
        if self.unload_after.value() != round(s.unload_models_after):  # a fraction set in the file stays
            s.unload_models_after = float(self.unload_after.value())
        s.warm_up_model_libraries = self.warm_up.isChecked()
        s.grid_thumbnail_size = self.thumb.value()
        s.ui_language = str(self.ui_language.currentData())
        s.tag_language = str(self.tag_language.currentData())
        return s, str(self.metadata.currentData())


class TagPickerDialog(QDialog):
    """Pick a tag name (with completion), e.g. to review or to remove from a selection.

    With ``known_only`` the answer is one of ``names``: Enter takes the completion highlighted in
    the list, else the typed name (ignoring case and accents), else the first name the list
    offers for what was typed; text that matches no name is refused with a message."""

    def __init__(self, title: str, prompt: str, names: Sequence[str], parent: QWidget | None = None,
                 *, editable: bool = True, known_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.names = list(names)
        self.known_only = known_only
        self.combo = QComboBox(self)
        self.combo.setEditable(editable)
        self.combo.addItems(self.names)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Nothing is pre-filled: Enter on an untouched prompt must not pick an arbitrary tag
        # (these prompts remove a tag from many photos, or start a review).
        self.combo.setCurrentIndex(-1)
        if editable:
            self.combo.setPlaceholderText("Type or choose a tag")
        self.completer: FoldingCompleter | None = None
        if editable:
            self.completer = FoldingCompleter(QStringListModel(self.names, self), self)
            self.combo.setCompleter(self.completer)
            popup = self.completer.popup()
            if popup is not None:
                popup.installEventFilter(self)  # Enter in the open list picks its match
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.message = QLabel(self)  # why a typed name was refused
        self.message.setWordWrap(True)
        self.message.hide()
        self.combo.currentTextChanged.connect(self._on_text)
        layout = QVBoxLayout(self)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _on_text(self, text: str) -> None:
        self.ok.setEnabled(bool(text.strip()))
        self.message.hide()

    def name(self) -> str:
        return self.combo.currentText().strip()

    def resolve(self) -> str:
        """The name the prompt stands for now ("" for none; any typed text without ``known_only``)."""
        text = self.name()
        if not text or not self.known_only:
            return text
        key = fold(text)
        exact = next((n for n in self.names if fold(n) == key), None)
        if exact is not None:
            return exact
        return next((n for n in self.names if key in fold(n)), "")  # the completion list's first row

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        popup = self.completer.popup() if self.completer is not None else None
        if (self.known_only and popup is not None and watched is popup
                and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            index = popup.currentIndex()
            picked = str(index.data(Qt.ItemDataRole.DisplayRole) or "") if index.isValid() else ""
            popup.hide()
            if picked:
                self.combo.setEditText(picked)
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        picked = self.resolve()
        if not picked:  # Enter on an empty prompt does nothing; an unknown name is refused
            if self.name():
                self.message.setText(self.tr("No tag matches “{text}”. Choose one from the list, or press Esc.")
                                     .format(text=self.name()))
                self.message.show()
            return
        if picked != self.name():
            self.combo.setEditText(picked)
        super().accept()


EXTRA_KEYS = (
    ("Arrows, Home / End, PgUp / PgDn", "Move between photos (grid) or tags (chips); the photo you land on is "
                                        "selected, shown, and is what the next action acts on"),
    ("Shift/Ctrl+click, Ctrl+A", "Select several photos: actions then act on all of them"),
    ("Tab / Shift+Tab", "Sidebar → photos → tags → add-tag field"),
)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut in a scrolling table that fits a small screen (F1)."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.table = QTableWidget(len(EXTRA_KEYS) + len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for r, (keys, text) in enumerate([*EXTRA_KEYS, *rows]):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(fit_to_screen(self, 720, 560))


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` x ``height``, or less on a small screen (dialogs must fit a 1024x640 laptop)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    area = screen.availableGeometry()
    return QSize(min(width, area.width() - 40), min(height, area.height() - 60))


WINDOW_TITLE = 32  # the frame allowed for around a window not shown yet (pixels)
WINDOW_BORDER = 4


def fit_window_geometry(geometry: QRect, frame: QMargins, area: QRect) -> QRect:
    """``geometry`` (a window's inside) shrunk and moved so that the window, ``frame`` included,
    lies within ``area`` (the screen's available geometry): never larger than the screen, its
    status bar on screen."""
    width = max(1, min(geometry.width(), area.width() - frame.left() - frame.right()))
    height = max(1, min(geometry.height(), area.height() - frame.top() - frame.bottom()))
    x = max(area.left() + frame.left(), min(geometry.x(), area.left() + area.width() - frame.right() - width))
    y = max(area.top() + frame.top(), min(geometry.y(), area.top() + area.height() - frame.bottom() - height))
    return QRect(x, y, width, height)


def fit_window_to_screen(window: QWidget) -> None:
    """Fit a top-level window's initial or restored geometry to its screen (a maximised or
    full-screen window is left as it is). Before the window is shown its frame is not known:
    a title bar and borders of the style's size are allowed for."""
    if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
        return
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    inside, outside = window.geometry(), window.frameGeometry()
    frame = QMargins(inside.left() - outside.left(), inside.top() - outside.top(),
                     outside.right() - inside.right(), outside.bottom() - inside.bottom())
    if frame.isNull():  # not shown yet: allow for a window manager's usual title bar and borders
        style = window.style()
        border = max(WINDOW_BORDER, style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth))
        title = max(WINDOW_TITLE, style.pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight))
        frame = QMargins(border, title + border, border, border)
    fitted = fit_window_geometry(inside, frame, screen.availableGeometry())
    if fitted != inside:
        window.setGeometry(fitted)
