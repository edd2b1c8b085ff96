"""Tagging photos in the background with the caption -> keywords -> relevance pipeline.

The heavy pipeline is loaded once per job (and kept for the next job with the same model
settings), photos are tagged in batches that :func:`imgtag_desktop.tagging.tag_photos`
commits one by one, so a crash or a cancel loses at most the batch in flight.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.catalog import Catalog
from ..core.i18n import TAG_LANGUAGES, resolve_language
from ..core.settings import Settings
from .base import Job, JobStats

log = logging.getLogger(__name__)

ENABLE_HINT = (
    "Automatic tagging needs the models. Open Tools > Models… to download them or to point at "
    "local model folders; browsing and editing tags work without them."
)

_pipelines: dict[tuple[object, ...], Any] = {}
_pipelines_lock = threading.Lock()


def tagging_module() -> Any:
    """The tagging package, or raise RuntimeError saying how to get it."""
    try:
        module = importlib.import_module("imgtag_desktop.tagging")
    except ImportError as exc:
        raise RuntimeError(f"the tagging pipeline is not installed ({exc}). {ENABLE_HINT}") from exc
    return module


def tagging_available() -> tuple[bool, str]:
    """Whether the tagging package can be imported, and a message for the person when not."""
    try:
        tagging_module()
    except RuntimeError as exc:
        return False, str(exc)
    return True, ""


def pipeline_key(settings: Settings) -> tuple[object, ...]:
    """The settings that decide which models a pipeline loads."""
    return (settings.captioner, settings.keyword_model, settings.visual_model, settings.device, settings.dtype,
            settings.use_vocabulary)


def loaded_pipeline(settings: Settings) -> Any:
    """A loaded pipeline for these settings (loaded once, then shared by later jobs)."""
    module = tagging_module()
    key = pipeline_key(settings)
    with _pipelines_lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = module.load_pipeline(settings)
            pipeline.load()
            _pipelines.clear()  # one set of models in memory at a time
            _pipelines[key] = pipeline
        return pipeline


def cached_pipeline(settings: Settings) -> Any | None:
    """The pipeline a job already loaded for these settings, or None (never loads anything)."""
    with _pipelines_lock:
        return _pipelines.get(pipeline_key(settings))


def forget_pipelines() -> None:
    """Drop loaded models (after the model settings changed)."""
    with _pipelines_lock:
        _pipelines.clear()


class TaggingJob(Job):
    """Tag photos (``photo_ids`` None: every readable photo, listed on the job's thread).

    ``only_needed`` skips photos already analysed with the current models."""

    kind = "tagging"

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

    def work(self, stats: JobStats) -> None:
        module = tagging_module()
        self.message.emit("Loading the tagging models…")
        try:
            pipeline = loaded_pipeline(self.settings)
        except module.ModelUnavailable as exc:
            raise RuntimeError(f"{exc} {ENABLE_HINT}") from exc
        if self.is_cancelled():
            return
        with Catalog(self.library) as catalog:
            if self.only_needed:
                ids = catalog.photos_needing_analysis(pipeline.models_key, self.photo_ids)
            else:
                ids = self.photo_ids if self.photo_ids is not None else [p.id for p in catalog.photos(status="ok")]
            stats.total = len(ids)
            self.progress.emit(0, len(ids), "")
            if not ids:
                self.message.emit("Every photo is already tagged with the current models.")
                return

            def progress(done: int, total: int, path: object) -> None:
                stats.done, stats.total = done, total
                self.progress.emit(done, total, str(path or ""))

            def on_error(photo_id: int, path: object, reason: str) -> None:
                stats.failures += 1
                self.failed.emit(int(photo_id), str(path), str(reason))

            result = module.tag_photos(
                catalog,
                ids,
                pipeline,
                threshold=self.settings.threshold,
                batch_size=max(1, int(self.settings.batch_size)),
                progress=progress,
                cancelled=self.is_cancelled,
                on_result=lambda pid: self.result.emit(int(pid)),
                on_error=on_error,
                use_vocabulary=bool(self.settings.use_vocabulary),
                language=resolve_language(self.settings.tag_language, TAG_LANGUAGES),
            )
        stats.detail = {k: v for k, v in dataclasses.asdict(result).items() if isinstance(v, int | float | str)}
