"""The main window: assembles the panels, binds the action registry, remembers its layout.

Each panel has its own controller; this class only wires them together.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, Qt
from PySide6.QtGui import QCloseEvent, QStatusTipEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import Catalog, Folder, PhotoTag, TagCount
from ..core.settings import Settings
from ..jobs import DuplicatesJob, JobStats, tagging_available
from ..jobs.tagging_job import ENABLE_HINT
from ..tagging import evict_models_if_changed
from .actions import ActionRegistry
from .commands import TagChange, push_changes, target_text
from .detail import DetailController, DetailPanel
from .dialogs import (
    ModelsDialog,
    SettingsDialog,
    ShortcutsDialog,
    TagPickerDialog,
    first_sentence,
    fit_window_to_screen,
    models_missing,
    window_text,
)
from .duplicates import DuplicatesDialog, install_grid_menu
from .grid import GridController, PhotoGrid, empty_text
from .i18n import tr_
from .query_bar import QueryBar
from .review import ReviewBar, ReviewController
from .session import Session
from .sidebar import SidebarController, make_sidebar
from .sources import ALL_PHOTOS, FolderSource, SearchSource, Source
from .status import ElidingStatusBar, JobsController, StatusPanel
from .suggestions import MutedTagsDialog, SuggestionsController
from .sync import FileSync
from .tag_manager import TagManagerController, TagManagerDialog
from .targets import action_texts
from .threshold import ThresholdController, ThresholdWidget
from .unloader import ModelUnloader
from .warmup import LibraryWarmUp
from .write_dialog import WritePreviewDialog

log = logging.getLogger(__name__)

GRID_SIZES = (96, 128, 160, 200, 256)
QUIT_WAIT_MS = 700  # how long quitting waits for a cancelled tagging or scan job (quit stays under 1 s)


class Banner(QWidget):
    """A one-line notice above the grid with an optional button (e.g. models missing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setAutoFillBackground(True)
        self.hide()

    def show_message(self, text: str, button: str = "") -> None:
        self.label.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        self.show()


class MainWindow(QMainWindow):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        session.setParent(self)  # the session's signals die with the window
        self.setWindowTitle(self.tr("imgtag"))
        self.resize(1280, 820)
        self.registry = ActionRegistry(self)
        self._opened_folder: Path | None = None

        # Panels
        self.sidebar_view = make_sidebar(self)
        self.grid_view = PhotoGrid(self)
        self.detail_panel = DetailPanel(self)
        self.review_bar = ReviewBar(self)
        self.banner = Banner(self)
        self.threshold_widget = ThresholdWidget(self)
        self.status_bar = ElidingStatusBar(self)
        self.setStatusBar(self.status_bar)
        self.status = StatusPanel(self.statusBar())
        self.query_bar = self._make_query_bar()

        # Controllers
        size = self._grid_size(session.settings.grid_thumbnail_size)
        self.grid = GridController(session, self.grid_view, size)
        self.detail = DetailController(session, self.detail_panel)
        self.sidebar = SidebarController(session, self.sidebar_view)
        self.review = ReviewController(session, self.grid, self.review_bar)
        self.threshold = ThresholdController(session, self.threshold_widget)
        self.jobs = JobsController(session, self.status)
        self.tags = TagManagerController(session, self)
        self.sync = FileSync(session, self.jobs.add_failure, self)
        self.suggestions = SuggestionsController(session, self)
        self.unloader = ModelUnloader(session, lambda: self.jobs.busy, self)
        self.unloader.unloaded.connect(lambda: self.statusBar().showMessage(self.tr(
            "The models were unloaded after {minutes:g} min unused, to free memory; they load again when needed")
            .format(minutes=self.session.settings.unload_models_after), 8000))
        # Tag all finds torch and transformers imported when the window had a quiet moment before it.
        self.warm_up = LibraryWarmUp(session, lambda: self.isVisible() and not self.jobs.busy, parent=self)
        self._mute_after = session.settings.mute_after  # the settings dialog edits the settings in place
        self._tagging_ok: bool | None = None  # the last check's answer (None: not checked yet)

        self._layout()
        self._wire()
        self._write_status_tip = self.registry["write_metadata"].statusTip()  # its own, for writing on again
        self._update_write_action()
        self._restore_layout()
        self._check_tagging()
        self._load_multilingual()
        self.warm_up.arm()
        self.grid_view.setFocus()  # the arrows and the review keys move in the photos from the start

    def _load_multilingual(self) -> None:
        """Load the optional multilingual text encoder off the GUI thread; searches use it once ready."""
        settings = self.session.settings
        if not settings.multilingual_text_model.strip():
            return

        def load(_catalog: object) -> object:
            from ..tagging.multilingual import multilingual_encoder

            return multilingual_encoder(settings)

        # Searches pick it up through Session.text_encoder(); album counts that need it are redone.
        self.session.queries.run(load, lambda _encoder: self.sidebar.refresh_tags(), key="multilingual",
                                 failure=lambda reason: log.warning("multilingual text encoder: %s", reason))

    # -- assembly -----------------------------------------------------------------------------

    def _layout(self) -> None:
        middle = QWidget(self)
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.query_bar)
        column.addWidget(self.review_bar)
        column.addWidget(self.grid_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar_view)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail_panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([220, 700, 380])
        self.setCentralWidget(self.splitter)

        r = self.registry
        r.build_menus(self.menuBar())
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action_id in ("open_folder", "tag_all", "stop", "review_tag", "undo", "redo"):
            toolbar.addAction(r[action_id])
        toolbar.addSeparator()
        toolbar.addWidget(self.threshold_widget)
        self.addToolBar(toolbar)
        self.detail_buttons = {
            action_id: self.detail_panel.add_button(r[action_id], label)
            for action_id, label in (("approve", self.tr("Approve (A)")), ("reject", self.tr("Reject (R)")),
                                     ("approve_all", self.tr("All ≥ threshold (Enter)")),
                                     ("remove_tag", self.tr("Remove (Del)")))}
        r.attach_review_keys(self.grid_view, self.detail_panel.chips, self.review_bar)
        install_grid_menu(self.grid_view, r)
        self.setTabOrder(self.sidebar_view, self.grid_view)
        self.setTabOrder(self.grid_view, self.detail_panel.chips)
        self.setTabOrder(self.detail_panel.chips, self.detail_panel.add_field)

    def _wire(self) -> None:
        s, r = self.session, self.registry
        self.detail.target_source = self.grid.selected_photo_ids
        self.detail.ranking_waits = lambda pid: pid in self.suggestions.stale
        self.detail.added_from_field.connect(self.grid_view.setFocus)  # Ctrl+T, type, Enter: back to the photos
        self.grid.current_changed.connect(self._on_current)
        self.grid.selection_changed.connect(self.detail.set_selection)  # the current photo has its own signal
        self.grid.selection_changed.connect(lambda _ids: self.update_action_texts())
        self.detail_panel.chips.selectionModel().currentChanged.connect(lambda *_: self.update_action_texts())
        self.review.bar.min_score.valueChanged.connect(lambda _v: self.update_action_texts())
        s.photos_changed.connect(lambda _ids: self.update_action_texts())
        s.threshold_changed.connect(lambda _v: self.update_action_texts())
        s.status.connect(self.status_bar.say)
        s.news.connect(self.status_bar.tell)
        self.sidebar.source_selected.connect(self.grid.show_source)
        self.sidebar.review_requested.connect(self.review.start)
        self.sidebar.manage_requested.connect(self.manage_tag)
        self.review.finished.connect(lambda: self.grid.show_source(ALL_PHOTOS))
        self.review.tag_changed.connect(self.detail.set_focus_tag)  # the reviewed tag is the current chip
        self.review.tag_changed.connect(lambda _tag: self.update_action_texts())
        self.grid.source_changed.connect(self._on_source)
        self.jobs.job_finished.connect(self._on_job_finished)
        self.jobs.job_finished.connect(lambda _stats: self.warm_up.arm())  # a scan may have found photos to tag
        self.grid.focus_changed.connect(self.jobs.set_focus)  # tagging takes what the person looks at first
        self.sidebar.folders_shown.connect(self._show_opened_folder)
        self.grid.model.thumbnail_failed.connect(self._on_thumbnail_failed)
        s.error.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.banner.button.clicked.connect(self.show_models)
        r["undo"].setEnabled(False)
        r["redo"].setEnabled(False)
        s.undo_stack.canUndoChanged.connect(r["undo"].setEnabled)
        s.undo_stack.canRedoChanged.connect(r["redo"].setEnabled)
        s.undo_stack.undoTextChanged.connect(lambda t: self._name_undo("undo", "Undo", t))
        s.undo_stack.redoTextChanged.connect(lambda t: self._name_undo("redo", "Redo", t))
        bindings = {
            "open_folder": self.ask_folder,
            "rescan": self.rescan,
            "write_metadata": self.write_metadata,
            "quit": self.close,
            "undo": s.undo,
            "redo": s.redo,
            "add_tag": self.focus_add_tag,
            "remove_from_selection": self.remove_from_selection,
            "settings": self.show_settings,
            "tag_manager": lambda: self.show_tag_manager(),
            "approve": lambda: self.review.approve() if self.review.active else self.detail.approve(),
            "reject": lambda: self.review.reject() if self.review.active else self.detail.reject(),
            "approve_all": lambda: (self.review.approve_all_above() if self.review.active
                                    else self.detail.approve_all_above()),
            "remove_tag": lambda: self.review.remove() if self.review.active else self.detail.remove(),
            "edit_tag": self.detail.edit_current,
            "next_tag": lambda: self._step_chip(1),
            "prev_tag": lambda: self._step_chip(-1),
            "review_tag": self.pick_review_tag,
            "threshold_up": lambda: self.threshold.step(0.05),
            "threshold_down": lambda: self.threshold.step(-0.05),
            "tag_all": self.tag_all,
            "tag_selection": self.tag_selection,
            "stop": self.jobs.cancel,
            "error_log": self.jobs.show_log,
            "models": self.show_models,
            "find": self.focus_search,
            "focus_sidebar": self.sidebar_view.setFocus,
            "focus_grid": self.grid_view.setFocus,
            "focus_tags": self.detail_panel.chips.setFocus,
            "all_photos": self.sidebar.select_all_photos,
            "bigger": lambda: self.resize_thumbnails(1),
            "smaller": lambda: self.resize_thumbnails(-1),
            "shortcuts": self.show_shortcuts,
            "find_similar": self.find_similar,
            "duplicates": self.find_duplicates,
            "muted_tags": self.show_muted_tags,
            "reset_learning": lambda: self.suggestions.reset(self),
        }
        learning = r["learning"]
        learning.setCheckable(True)
        learning.setChecked(self.suggestions.learning())
        learning.toggled.connect(self.suggestions.set_learning)
        s.suggestions_changed.connect(self._on_suggestions_changed)
        s.budget_changed.connect(lambda _v: s.save_settings())
        for action_id, handler in bindings.items():
            r.bind(action_id, handler)

    # -- panels talking to each other -----------------------------------------------------------

    def _make_query_bar(self) -> QueryBar:
        catalog = self.session.catalog
        bar = QueryBar(self.session.queries, encoder=self.session.text_encoder, save_album=catalog.albums.add,
                       parent=self)
        bar.results_ready.connect(self._on_search_results)
        bar.query_changed.connect(self._on_query)
        bar.album_saved.connect(lambda *_: self.sidebar.refresh())
        self.session.tags_changed.connect(bar.refresh_completions)  # new tags complete too
        return bar

    def _on_query(self, _text: str, node: object) -> None:
        if node is None:
            self.grid.show_source(ALL_PHOTOS)

    def _on_search_results(self, ids: list[int]) -> None:
        text = self.query_bar.text()
        self.grid.show_source(SearchSource(text, tuple(ids)))
        self.statusBar().showMessage(self.tr("{len_ids} photos match {text}").format(len_ids=len(ids), text=text), 5000)

    def focus_search(self) -> None:
        self.query_bar.edit.setFocus()
        self.query_bar.edit.selectAll()

    def _on_current(self, photo_id: int) -> None:
        self.suggestions.show_photo(photo_id)  # rankings leave it as shown; the one left is ranked now
        self.jobs.keep_shown([photo_id] if photo_id >= 0 else [])
        self.detail.show_photo(photo_id, self.grid.selected_photo_ids())
        self.threshold.set_photo(photo_id)
        self.update_action_texts()

    def _name_undo(self, action_id: str, verb: str, text: str) -> None:
        """Undo and Redo name the edit they will undo: "Undo Add 'dog' to 6 photos"."""
        action = self.registry[action_id]
        plain = self.tr("&Undo") if verb == "Undo" else self.tr("&Redo")
        action.setText((self.tr("&Undo {edit}") if verb == "Undo" else self.tr("&Redo {edit}")).format(edit=text)
                       if text else plain)
        action.setToolTip(action.text().replace("&", "") if text else tr_(self.registry.specs[action_id].tip))

    def update_action_texts(self) -> None:
        """Name the target in the texts of the actions that act on it (the window's one rule)."""
        texts = action_texts(self.grid.selected_photo_ids(), self.detail.current_tag_name(),
                             self.review.tag if self.review.active else None,
                             self.session.threshold, self.review_bar.min_score.value())
        for action_id, text in texts.items():
            action = self.registry[action_id]
            if action.text() != text:
                action.setText(text)
                action.setStatusTip(text.replace("&", ""))
        # In review by tag Enter approves the reviewed tag on every listed photo, not this photo's tags.
        self.detail_buttons["approve_all"].setText(
            self.tr("Every photo ≥ {score} (Enter)").format(score=f"{self.review_bar.min_score.value():.2f}")
            if self.review.active else self.tr("All ≥ threshold (Enter)"))

    def _on_source(self, source: Source) -> None:
        place = source.path if isinstance(source, FolderSource) else source.label
        self.setWindowTitle(self.tr("imgtag — {place}").format(place=place))
        if not isinstance(source, SearchSource) and self.query_bar.text():
            # Another source replaces the results: the old query would describe photos no longer shown.
            self.query_bar.clear_quietly()

    def _show_opened_folder(self) -> None:
        """Open folder shows that folder, as soon as the sidebar lists it (the scan put it in the library)."""
        if self._opened_folder is None or self.session.closed:
            return
        folder = next((f for f in self.sidebar.folders if f.path == self._opened_folder), None)
        if folder is not None and self.sidebar.select_source(FolderSource(folder.id, folder.path)):
            self._opened_folder = None

    def _step_chip(self, step: int) -> None:
        chips = self.detail_panel.chips
        row = chips.currentIndex().row() + step
        if 0 <= row < self.detail.model.rowCount():
            chips.setCurrentIndex(self.detail.model.index(row, 0))

    # -- commands -----------------------------------------------------------------------------

    def open_folder(self, folder: Path) -> None:
        """Add a folder to the library, show it, and scan it in the background."""
        if self.session.closed:  # a queued open after the window closed
            return
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            self.statusBar().showMessage(
                self.tr("{folder} is not a folder; choose one with File > Open folder (Ctrl+O)")
                .format(folder=folder))
            return
        self.session.settings.last_folder = str(folder.resolve())
        self.session.save_settings()
        self._opened_folder = folder.resolve()
        self.grid.scanning = True
        if not self.grid.model.rowCount():
            self.grid.view.set_empty_text(empty_text(self.grid.source, True))
        self.jobs.scan(folder.resolve())
        self._show_opened_folder()  # a folder already in the library shows at once

    def ask_folder(self) -> None:
        start = self.session.settings.last_folder or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a photo folder"), start)
        if folder:
            self.open_folder(Path(folder))

    def rescan(self) -> None:
        self.session.queries.run(lambda catalog: catalog.photos.folders(), self._rescan)

    def _rescan(self, folders: list[Folder]) -> None:
        if not folders:
            self.ask_folder()
        for f in folders:
            self.jobs.scan(f.path)

    def tag_all(self) -> None:
        self._when_tagging_ready(lambda: self.jobs.tag(None, only_needed=True))  # the job lists the photos

    def tag_selection(self) -> None:
        ids = self.grid.selected_photo_ids()
        if ids:
            self._when_tagging_ready(lambda: self.jobs.tag(ids, only_needed=False))

    def focus_add_tag(self) -> None:
        self.detail_panel.add_field.setFocus()
        self.detail_panel.add_field.selectAll()

    def remove_from_selection(self) -> None:
        ids = self.grid.selected_photo_ids()

        def read(catalog: Catalog) -> dict[int, list[PhotoTag]]:
            return catalog.tags.photo_tags_of(ids)

        self.session.queries.run(read, lambda tags: self._pick_tag_to_remove(ids, tags))

    def _pick_tag_to_remove(self, ids: list[int], tags: dict[int, list[PhotoTag]]) -> None:
        names = sorted({t.name for found in tags.values() for t in found}, key=str.casefold)
        if not names:
            self.statusBar().showMessage(self.tr("The selected photos have no tags"), 4000)
            return
        prompt = self.tr("Remove which tag from {target}?").format(target=target_text(ids))
        self._ask_tag(self.tr("Remove tag"), prompt, names, lambda name: self.remove_tag_from(ids, name),
                      known_only=True)

    def remove_tag_from(self, photo_ids: list[int], name: str) -> bool:
        """Batch edit: take a tag off these photos (one undo step)."""
        return push_changes(self.session, [TagChange("remove", tuple(photo_ids), name)])

    def pick_review_tag(self) -> None:
        self.session.queries.run(lambda catalog: catalog.tags.with_counts(), self._pick_review_tag)

    def _pick_review_tag(self, with_counts: list[TagCount]) -> None:
        counts = [c for c in with_counts if c.suggested]
        names = [c.tag.name for c in sorted(counts, key=lambda c: -c.suggested)]
        if not names:
            self.statusBar().showMessage(self.tr("No suggestions to review; tag photos first (Ctrl+G)"), 5000)
            return
        self._ask_tag(self.tr("Review by tag"), self.tr("Review the suggestions of which tag?"), names,
                      self.review.start, known_only=True)

    def _ask_tag(self, title: str, prompt: str, names: list[str], then: Callable[[str], object],
                 *, known_only: bool = False) -> None:
        """A tag picker that does not block (it opens when the names arrive from the query worker)."""
        dialog = TagPickerDialog(title, prompt, names, self, known_only=known_only)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: then(dialog.name()) if dialog.name() else None)
        dialog.open()

    def show_tag_manager(self, name: str = "") -> TagManagerDialog:
        dialog = TagManagerDialog(self.session, self.tags, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if name:
            dialog.filter.setText(name)
        dialog.open()
        return dialog

    def manage_tag(self, op: str, name: str) -> None:
        """The sidebar's tag menu: a library-wide edit of one tag, or the tag manager."""
        if op == "manager":
            self.show_tag_manager(name)
        else:
            {"rename": self.tags.rename, "merge": self.tags.merge, "move": self.tags.move,
             "delete": self.tags.delete}[op](name)

    def resize_thumbnails(self, step: int) -> None:
        current = self._grid_size(self.grid.delegate.thumb_size)
        i = min(len(GRID_SIZES) - 1, max(0, GRID_SIZES.index(current) + step))
        self.grid.set_thumb_size(GRID_SIZES[i])
        self.session.settings.grid_thumbnail_size = GRID_SIZES[i]

    @staticmethod
    def _grid_size(size: int) -> int:
        return min(GRID_SIZES, key=lambda s: abs(s - size))

    def show_models(self) -> None:
        dialog = ModelsDialog(self.session.settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            new = dialog.values()
            self._free_replaced_models(self.session.settings, new)
            self.session.settings = new
            self.session.save_settings()
            self._check_tagging()

    def _free_replaced_models(self, old: Settings, new: Settings) -> None:
        """Free the models the new settings no longer use, on the query worker: dropping a gigabyte
        of weights and returning it to the system takes longer than a GUI frame."""
        old, new = dataclasses.replace(old), dataclasses.replace(new)  # the dialogs' settings change later
        self.session.queries.run(lambda _catalog: evict_models_if_changed(old, new))

    def show_settings(self) -> None:
        catalog = self.session.catalog
        mode = str(catalog.writes.mode())
        dialog = SettingsDialog(self.session.settings, mode, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        new, new_mode = dialog.values()
        language_changed = new.ui_language != self.session.settings.ui_language
        self._free_replaced_models(self.session.settings, new)
        threshold, budget = new.threshold, new.suggestion_budget
        new.threshold, new.suggestion_budget = self.session.settings.threshold, self.session.budget
        mute_changed = new.mute_after != self._mute_after
        self._mute_after = new.mute_after
        self.session.settings = new
        self.session.set_threshold(threshold)
        self.session.set_budget(budget)
        if mute_changed:
            self.suggestions.request(refit=False, hold=False)
        self.grid.set_thumb_size(self._grid_size(new.grid_thumbnail_size))
        self.unloader.schedule()
        self.warm_up.arm()
        if new_mode != mode:
            catalog.writes.set_mode(new_mode)
            self.sync.set_mode(new_mode)
            self._update_write_action()
        self.session.save_settings()
        if language_changed:  # menus and dialogs are made once: the new language needs a new start
            self.status_bar.say(self.tr("The new language shows when imgtag starts again"), 10000)

    def _update_write_action(self) -> None:
        """With writing Off nothing is written, and the menu item says why; otherwise edits sync in the background."""
        action = self.registry["write_metadata"]
        if self.sync.enabled:
            action.setStatusTip(self._write_status_tip)
            where = self.tr("XMP sidecars") if self.sync.mode == "sidecar" else self.tr("the photo files")
            action.setEnabled(True)
            action.setText(self.tr("&Write tags to files…"))
            action.setToolTip(self.tr("Edits are written to {where} automatically; this previews and writes every "
                                      "shown or selected photo now (Ctrl+Shift+W)").format(where=where))
        else:  # still enabled: its shortcut then says why nothing happens, instead of nothing at all
            action.setEnabled(True)
            action.setText(self.tr("&Write tags to files… (off: turn it on in Settings)"))
            action.setToolTip(self._writing_off_text())
            action.setStatusTip(self._writing_off_text())

    def _writing_off_text(self) -> str:
        return self.tr("Writing tags to files is off for this library; choose XMP sidecar or Inside "
                       "the photo in Settings (Ctrl+,)")

    def write_metadata(self) -> None:
        """Preview and write approved tags into the selected photos (all shown photos when one is
        selected); with writing off, the status bar says how to turn it on and nothing is written."""
        if not self.sync.enabled:
            self.status_bar.say(self._writing_off_text(), 8000)
            return
        ids = self.grid.selected_photo_ids()
        if len(ids) > 1:
            scope = self.tr("the {n} selected photos").format(n=f"{len(ids):,}")
        else:
            ids = self.grid.model.photo_ids()
            scope = self.tr("all {n} photos shown ({source})").format(n=f"{len(ids):,}", source=self.grid.source.label)
        try:
            dialog = WritePreviewDialog(self.session.library, ids, self, scope=scope,
                                        saved_mode=str(self.session.catalog.writes.mode()), submit=self.jobs.submit)
        except Exception as exc:  # the metadata feature failing must not take the window down
            log.exception("the write dialog cannot open")
            QMessageBox.warning(self, self.tr("Write tags to files"),
                                self.tr("The tags cannot be written now: {exc}\n\nNothing was changed in your files.")
                                    .format(exc=exc))
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.session.announce(ids))
        dialog.open()

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.registry.keyboard_map(), self).open()

    # -- state ----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.StatusTip and isinstance(event, QStatusTipEvent):
            self.status_bar.status_tip(event.tip())  # the person's message outlives a hover tip
            return True
        return super().event(event)

    def _when_tagging_ready(self, start: Callable[[], None]) -> None:
        """``start()`` a tagging run now, unless the last check found tagging off: then check again (the
        models may be there by now) and start only if it is on. A run whose models went missing since
        the last check says so itself."""
        if self._tagging_ok is False:
            self._check_tagging(then=start)
        else:
            start()

    def _check_tagging(self, then: Callable[[], None] | None = None) -> None:
        """Whether tagging can run, checked on the query worker (it reads the model folders), then shown:
        the banner says what is missing; ``then()`` runs when tagging is on."""
        settings = dataclasses.replace(self.session.settings)

        def check(_catalog: object) -> tuple[bool, str]:
            ok, message = tagging_available()
            if ok and (missing := models_missing(settings)):
                ok, message = False, missing
            return ok, message

        def unknown(message: str) -> None:  # the check itself failed: the run, if asked for, says what is wrong
            log.warning("checking whether tagging can run failed: %s", message)
            self._tagging_ok = None
            if then is not None:
                then()

        self.session.queries.run(check, lambda result: self._show_tagging_state(result, then), failure=unknown)

    def _show_tagging_state(self, result: tuple[bool, str], then: Callable[[], None] | None = None) -> None:
        ok, message = result
        self._tagging_ok = ok
        if ok:
            self.banner.hide()
        else:
            self.banner.show_message(self.tr("Automatic tagging is off: {message} Use Models… to get them.")
                                     .format(message=message), self.tr("Models…"))
        self.registry["tag_all"].setToolTip(self.registry.specs["tag_all"].tip if ok else ENABLE_HINT)
        if then is not None:
            if ok:
                then()
            else:  # pressed, and nothing starts: say why where the person looks after pressing
                self.status_bar.say(
                    self.tr("Tagging cannot start: automatic tagging is off (see the notice above the photos)"), 8000)

    def _on_thumbnail_failed(self, photo_id: int, path: str, reason: str) -> None:
        self.jobs.add_failure("thumbnail", photo_id, path, reason)

    def find_similar(self) -> None:
        """Search for photos like the current one (``like:ID``), most similar first."""
        photo_id = self.grid.current_photo_id()
        if photo_id is None:
            self.statusBar().showMessage(self.tr("Select a photo first, then Find similar"), 4000)
            return
        self.query_bar.set_text(f"like:{photo_id}")
        self.query_bar.submit()

    def find_duplicates(self) -> None:
        self.jobs.submit(DuplicatesJob(self.session.library))

    def show_duplicates(self, groups: list[Any]) -> None:
        dialog = DuplicatesDialog(self.session, self.jobs, groups, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.duplicates_dialog = dialog

    def _on_job_finished(self, stats: JobStats) -> None:
        if stats.kind == "tagging":
            if isinstance(held := stats.detail.get("held"), list) and held:
                self.suggestions.keep_as_shown([int(p) for p in held])
                self.detail.refresh_summary()
            self.suggestions.sync_view()  # the run ranked with the threshold it started with
        if stats.kind == "duplicates" and not stats.error and not stats.cancelled:
            self.show_duplicates(list(stats.detail.get("groups", [])))  # type: ignore[call-overload]
        if stats.kind == "scan":
            self.grid.scanning = self.jobs.busy
            self.grid.view.set_empty_text(empty_text(self.grid.source, self.grid.scanning)
                                          if not self.grid.model.rowCount() else "")
        if stats.kind == "tagging" and stats.error:
            # The banner gets the first sentence, readable; Problems keeps the whole text to copy.
            self.jobs.add_failure("tagging", 0, "(models)", stats.error)
            self.banner.show_message(self.tr("Tagging stopped: {error} The full message is in Problems (Ctrl+L).")
                                     .format(error=first_sentence(window_text(stats.error))), self.tr("Models…"))

    def _on_suggestions_changed(self) -> None:
        """The suggestions were ranked again: badges, sidebar counts, the preview and the chips follow."""
        self.grid.reload()
        self.sidebar.refresh_tags()
        self.threshold.reload_scores()
        self.detail.reload_tags()

    def show_muted_tags(self) -> MutedTagsDialog:
        dialog = MutedTagsDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _restore_layout(self) -> None:
        s = self.session.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.window_state:
            self.restoreState(QByteArray.fromBase64(s.window_state.encode()))
        if s.splitter_state:
            self.splitter.restoreState(QByteArray.fromBase64(s.splitter_state.encode()))
        fit_window_to_screen(self)  # a size saved on a larger screen, or the default, fits this one

    def save_layout(self) -> None:
        s = self.session.settings
        s.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        s.window_state = bytes(self.saveState().toBase64().data()).decode()
        s.splitter_state = bytes(self.splitter.saveState().toBase64().data()).decode()
        self.session.save_settings()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.sync.shutdown()  # a metadata write finishes the file it is on
        self.jobs.shutdown(wait_ms=QUIT_WAIT_MS)
        self.suggestions.close()
        self.session.close()
        event.accept()
