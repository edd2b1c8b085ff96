"""What the panels share: the GUI thread's catalog, the settings, the undo stack, change signals."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.catalog import Catalog
from ..core.catalog.albums import SemanticSearchUnavailable
from ..core.settings import ENV_OVERRIDES, Settings, load_settings, save_settings
from ..core.thumbnails import ThumbnailCache
from ..jobs.queries import QueryRunner
from ..jobs.thumbnails import ImageLoader
from ..tagging import cached_pipeline, models_freed_when_idle, models_in_use, visual_pipeline
from .compat import guard_singleton_refcounts

log = logging.getLogger(__name__)
UNDO_LIMIT = 200


class Session(QObject):
    """One open library. Panels read through ``queries`` (off the GUI thread), make their
    edits through ``catalog`` and announce them through the signals.

    ``photos_changed(ids)``: tags of these photos changed (an edit, an undo, a tagging result).
    ``library_changed()``: photos were added or removed (a scan finished).
    ``tags_changed()``: the tag vocabulary or counts changed.
    ``threshold_changed(float)``: the suggestion threshold moved.
    ``budget_changed(int)``: the number of suggestions per photo changed.
    ``suggestions_changed()``: the suggestions were ranked again (threshold, budget, learning).
    """

    photos_changed = Signal(list)
    library_changed = Signal()
    tags_changed = Signal()
    threshold_changed = Signal(float)
    budget_changed = Signal(int)
    suggestions_changed = Signal()
    error = Signal(str)
    status = Signal(str)  # what an action just did, for the status bar ("Approve 'dog' on 6 photos")
    # What background work changed without being asked (a re-ranking after decisions): said after the
    # person's own last message when that is recent, not over it.
    news = Signal(str)
    edited = Signal(list)  # a person's tag edit (or its undo) touched these photos: files may need a write

    def __init__(self, library: Path, settings: Settings, *, settings_path: Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        guard_singleton_refcounts()
        self.library = Path(library)
        self.settings = settings
        self.settings_path = settings_path
        self.catalog = Catalog(self.library)
        self.closed = False
        self.undo_stack = QUndoStack(self)
        # Each step keeps the tags it replaced (a library-wide rename keeps every photo's): bound the
        # history so a long session's memory stays flat.
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.thumbnails = ThumbnailCache(size=max(64, int(settings.thumbnail_size)))
        self.loader = ImageLoader(self.thumbnails, threads=2, parent=self)
        self.queries = QueryRunner(self.library, parent=self)

    def undo(self) -> None:
        """Undo the last edit and say so in the status bar (the grid and the detail pane show its effect)."""
        if self.undo_stack.canUndo():
            edit = self.undo_stack.undoText()
            self.undo_stack.undo()
            self.status.emit(self.tr("Undone: {edit}").format(edit=edit))

    def redo(self) -> None:
        """Redo the last undone edit and say so in the status bar."""
        if self.undo_stack.canRedo():
            edit = self.undo_stack.redoText()
            self.undo_stack.redo()
            self.status.emit(self.tr("Redone: {edit}").format(edit=edit))

    @property
    def threshold(self) -> float:
        return float(self.settings.threshold)

    def set_threshold(self, value: float) -> None:
        value = min(1.0, max(0.0, round(float(value), 2)))
        if value != self.settings.threshold:
            self.settings.threshold = value
            self.threshold_changed.emit(value)

    def text_encoder(self) -> Callable[[str], Any] | None:
        """CLIP text encoding for ~"..." searches once a tagging job has loaded the models (None before).

        The encoder is called by queries on the worker thread, never on the GUI thread. The optional
        multilingual text encoder, once loaded, takes precedence."""
        if self.settings.multilingual_text_model.strip():
            from ..tagging.multilingual import loaded_multilingual_encoder

            multilingual = loaded_multilingual_encoder(self.settings)
            if multilingual is not None:
                return multilingual
        settings = self.settings
        if cached_pipeline(settings) is None and not models_freed_when_idle(settings):
            return None

        def encode(text: str) -> Any:
            pipeline = visual_pipeline(settings)  # loads CLIP again (here, on the worker) after an idle unload
            if pipeline is None:
                raise SemanticSearchUnavailable("Visual search needs the models: tag some photos (Ctrl+G) first.")
            with models_in_use():
                return pipeline.encode_texts([text])[0]

        return encode

    @property
    def budget(self) -> int:
        return int(self.settings.suggestion_budget)

    def set_budget(self, value: int) -> None:
        value = min(50, max(1, int(value)))
        if value != self.settings.suggestion_budget:
            self.settings.suggestion_budget = value
            self.budget_changed.emit(value)

    def save_settings(self) -> None:
        """Save the settings; options overridden by the environment keep their value from the file."""
        to_save = dataclasses.replace(self.settings)
        overridden = [name for name, var in ENV_OVERRIDES.items() if os.environ.get(var)]
        if overridden:
            stored = load_settings(self.settings_path, apply_env=False)
            for name in overridden:
                if getattr(to_save, name) == os.environ[ENV_OVERRIDES[name]]:
                    setattr(to_save, name, getattr(stored, name))
        try:
            save_settings(to_save, self.settings_path)
        except OSError as exc:
            log.warning("settings cannot be saved: %s", exc)
            self.error.emit(f"Settings cannot be saved ({exc.strerror}); check that the config folder is writable.")

    def announce(self, photo_ids: Iterable[int], *, edited: bool = False) -> None:
        """Tell every panel that these photos' tags changed (``edited``: by the person, not by a model)."""
        ids = sorted(set(photo_ids))
        if ids:
            self.photos_changed.emit(ids)
            self.tags_changed.emit()
            if edited:
                self.edited.emit(ids)

    def close(self) -> None:
        """Stop the worker pools and close the catalog (once; the window and ``main`` both call it)."""
        if self.closed:
            return
        self.closed = True
        self.queries.close()
        self.loader.close()
        self.catalog.close()
