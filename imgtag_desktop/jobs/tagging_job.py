"""Tagging photos in the background with the caption -> keywords -> relevance pipeline.

The models are loaded once (the tagging package's model cache keeps them for the next job
with the same model settings), photos are tagged in batches that :func:`imgtag_desktop.tagging.tag_photos`
commits one by one, so a crash or a cancel loses at most the batch in flight. The window
tells the job what the person is looking at (:meth:`TaggingJob.look_at`); each next batch
takes those photos first.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal

from ..core.catalog import Catalog
from ..core.settings import Settings
from ..services.tagging import photos_to_tag, run_tagging
from ..tagging import Focus, ModelUnavailable, load_pipeline, models_in_use
from ..tagging.suggest import Hold
from .base import Job, JobStats

log = logging.getLogger(__name__)

ENABLE_HINT = (
    "Automatic tagging needs the models. Open Tools > Models… to download them or to point at "
    "local model folders; browsing and editing tags work without them."
)

# What loading the models needs besides imgtag itself (imported only when a model loads).
MODEL_LIBRARIES = ("torch", "transformers")
# What the status bar says while the models load (Pipeline.load's steps).
LOAD_MESSAGES = {
    "libraries": "Loading the model libraries…",
    "captioner": "Loading the caption model ({number}/{count})…",
    "visual": "Loading the visual model ({number}/{count})…",
    "keywords": "Loading the keyword model ({number}/{count})…",
}


def check_model_libraries() -> None:
    """Raise RuntimeError saying how to get the models going when a library they need is missing."""
    missing = [name for name in MODEL_LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        raise RuntimeError(f"the tagging pipeline is not installed (no {', '.join(missing)}). {ENABLE_HINT}")


def tagging_available() -> tuple[bool, str]:
    """Whether the model libraries are installed, and a message for the person when not."""
    try:
        check_model_libraries()
    except RuntimeError as exc:
        return False, str(exc)
    return True, ""


class TaggingJob(Job):
    """Tag photos (``photo_ids`` None: every readable photo, listed on the job's thread).

    ``only_needed`` skips photos already analysed with the current models. ``step(RunStep)`` tells
    what the run does between photos (:class:`imgtag_desktop.tagging.staged.RunStep`), with a count."""

    kind = "tagging"
    step = Signal(object)
    loading = Signal(str, int, int)  # a model-loading step (see LOAD_MESSAGES), its number, how many

    def __init__(
        self,
        library: str | os.PathLike[str],
        photo_ids: Sequence[int] | None,
        settings: Settings,
        *,
        only_needed: bool = True,
    ) -> None:
        super().__init__()
        self.library = Path(library)
        self.photo_ids = list(photo_ids) if photo_ids is not None else None
        self.settings = dataclasses.replace(settings)  # a snapshot: later edits do not reach the worker
        self.only_needed = only_needed
        self.title = "Tagging"
        self.focus = Focus()
        self.hold = Hold()

    def look_at(self, photo_ids: Iterable[int]) -> None:
        """The person now looks at these photos (detail pane first, then the grid's visible rows):
        tag them before the rest. Thread-safe and cheap (no I/O): called from the GUI thread."""
        self.focus.set(photo_ids)

    def keep_shown(self, photo_ids: Iterable[int]) -> None:
        """The person is looking at these photos' suggestions (the detail pane's photo): re-rankings of
        photos tagged earlier leave them as they are. Thread-safe and cheap (no I/O)."""
        self.hold.set(photo_ids)

    def work(self, stats: JobStats) -> None:
        check_model_libraries()
        with models_in_use():  # not freed as idle while this run uses them
            self._tag(stats)

    def _load_step(self, step: str, number: int, count: int) -> None:
        """A loading step: as an English ``message``, then as ``loading`` (which the window says in its language)."""
        self.message.emit(LOAD_MESSAGES.get(step, "Loading the tagging models…").format(number=number, count=count))
        self.loading.emit(step, number, count)

    def _tag(self, stats: JobStats) -> None:
        try:
            pipeline = load_pipeline(self.settings)
            models_key = pipeline.models_key  # the models' versions, read from their folders: nothing loaded
        except ModelUnavailable as exc:
            raise RuntimeError(f"{exc} {ENABLE_HINT}") from exc
        with Catalog(self.library) as catalog:
            ids = photos_to_tag(catalog, models_key, self.photo_ids, redo=not self.only_needed)
        stats.total = len(ids)
        self.progress.emit(0, len(ids), "")
        if not ids:  # said without loading the models first (seconds, and 1.5 GB, for nothing)
            self.message.emit("Every photo is already tagged with the current models.")
            return
        try:
            pipeline.load(progress=self._load_step)
        except ModelUnavailable as exc:
            raise RuntimeError(f"{exc} {ENABLE_HINT}") from exc
        if self.is_cancelled():
            return
        with Catalog(self.library) as catalog:

            def progress(done: int, total: int, path: object) -> None:
                stats.done, stats.total = done, total
                self.progress.emit(done, total, str(path or ""))

            def on_error(photo_id: int, path: object, reason: str) -> None:
                stats.failures += 1
                self.failed.emit(int(photo_id), str(path), str(reason))

            result = run_tagging(catalog, ids, pipeline, self.settings, progress=progress,
                                 cancelled=self.is_cancelled, on_result=lambda pid: self.result.emit(int(pid)),
                                 on_error=on_error, step=self.step.emit, focus=self.focus, hold=self.hold)
        stats.detail = {k: v for k, v in dataclasses.asdict(result).items() if isinstance(v, int | float | str)}
        stats.detail["reranked"] = len(result.reranked)
        stats.detail["held"] = sorted(result.held)
