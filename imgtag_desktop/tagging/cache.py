"""The process's one model cache: the pipeline for the current model settings, and no other.

Asking for a pipeline with other model settings (captioner, keyword model, visual model,
device, dtype) drops the held one first, so at most one set of models is alive (about 1.5 GB
with the real weights) once nothing else refers to the old pipeline.

The cache also knows when the models were last used: work that uses them for long (a tagging
run) holds them with :meth:`ModelCache.using`, and :meth:`ModelCache.evict_if_idle` frees them
after a quiet spell (the app's "unload the models after" setting); the next tagging run or
visual search loads them again, quickly from the operating system's file cache.

Freeing the models also returns their memory to the system (:func:`..core.memory.trim_heap`: malloc would
otherwise keep the anonymous pages for later allocations), so the evicting calls take a moment and
belong off the GUI thread.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..core.memory import trim_heap
from ..core.settings import Settings
from .pipeline import Pipeline

ModelKey = tuple[str, str, str, str, str]


def model_key(settings: Settings) -> ModelKey:
    """The settings that decide which models a pipeline loads (environment overrides applied)."""
    s = settings.with_env()
    return (s.captioner, s.keyword_model, s.visual_model, s.device, s.dtype)


class ModelCache:
    """Holds the pipeline of one model key; a different key evicts it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: ModelKey | None = None
        self._pipeline: Pipeline | None = None
        self._users = 0
        self._last_used = time.monotonic()
        self._idle_key: ModelKey | None = None  # the models freed by evict_if_idle, until another key is asked for

    def pipeline(self, settings: Settings) -> Pipeline:
        """The pipeline for these settings (cheap: nothing is imported or loaded until ``load()``)."""
        key = model_key(settings)
        with self._lock:
            self._last_used = time.monotonic()
            if self._idle_key != key:
                self._idle_key = None
            if self._pipeline is None or self._key != key:
                self._pipeline = None  # evict first: never two sets of models at once
                self._pipeline, self._key = Pipeline(settings.with_env()), key
            return self._pipeline

    def loaded(self, settings: Settings) -> Pipeline:
        """The pipeline for these settings with its models loaded (raises ModelUnavailable)."""
        pipeline = self.pipeline(settings)
        pipeline.load()
        return pipeline

    def cached(self, settings: Settings) -> Pipeline | None:
        """The held pipeline if it is for these settings and loaded; never loads anything."""
        with self._lock:
            pipeline = self._pipeline
            if pipeline is None or self._key != model_key(settings) or not pipeline.loaded:
                return None
            return pipeline  # asking is not using: using() marks real use

    @contextmanager
    def using(self) -> Iterator[None]:
        """Mark the models as in use for the duration (never freed as idle meanwhile)."""
        with self._lock:
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                self._last_used = time.monotonic()

    def idle_seconds(self) -> float:
        """Seconds since the models were last asked for or used (0 while in use)."""
        with self._lock:
            return 0.0 if self._users else time.monotonic() - self._last_used

    def evict_if_idle(self, after_seconds: float) -> bool:
        """Drop loaded models nobody used for ``after_seconds`` (0 or less: never); returns whether it did."""
        with self._lock:
            pipeline = self._pipeline
            if after_seconds <= 0 or pipeline is None or self._users or not pipeline.any_loaded:
                return False
            if time.monotonic() - self._last_used < after_seconds:
                return False
            self._idle_key, self._pipeline, self._key = self._key, None, None
        del pipeline  # the last reference, unless a caller still holds the pipeline
        trim_heap()
        return True

    def freed_when_idle(self, settings: Settings) -> bool:
        """Whether the models for these settings were loaded, then freed as idle (and not loaded again)."""
        with self._lock:
            return self._idle_key == model_key(settings) and (self._pipeline is None or not self._pipeline.loaded)

    def evict(self) -> None:
        """Drop the held pipeline (its models are freed once nothing else refers to them) and return
        the freed memory to the system."""
        self._evict(None)

    def evict_if_changed(self, old: Settings, new: Settings) -> bool:
        """Evict when ``new`` loads other models than ``old``; returns whether they differ. Models
        already held for ``new`` (a run started meanwhile) stay."""
        changed = model_key(old) != model_key(new)
        if changed:
            self._evict(model_key(new))
        return changed

    def _evict(self, keep: ModelKey | None) -> None:
        with self._lock:
            pipeline = self._pipeline
            if pipeline is not None and self._key == keep:
                return
            self._pipeline, self._key, self._idle_key = None, None, None
        del pipeline  # the last reference, unless a caller still holds the pipeline
        trim_heap()


MODELS = ModelCache()


def load_pipeline(settings: Settings) -> Pipeline:
    """The process's pipeline for these settings (cheap until ``load()``); see :class:`ModelCache`."""
    return MODELS.pipeline(settings)


def loaded_pipeline(settings: Settings) -> Pipeline:
    """The process's pipeline for these settings, loaded."""
    return MODELS.loaded(settings)


def cached_pipeline(settings: Settings) -> Pipeline | None:
    """The loaded pipeline for these settings, or None (never loads)."""
    return MODELS.cached(settings)


def evict_models() -> None:
    """Drop the loaded models (e.g. after new models were downloaded); off the GUI thread."""
    MODELS.evict()


def evict_models_if_changed(old: Settings, new: Settings) -> bool:
    """Drop the loaded models when the new settings load other ones (off the GUI thread); returns
    whether the settings load other models."""
    return MODELS.evict_if_changed(old, new)


def models_in_use() -> contextlib.AbstractContextManager[None]:
    """Hold the process's models as in use (a tagging run): never freed as idle meanwhile."""
    return MODELS.using()


def evict_models_if_idle(after_seconds: float) -> bool:
    """Free the process's models when unused for ``after_seconds`` (0: never; off the GUI thread);
    returns whether it did."""
    return MODELS.evict_if_idle(after_seconds)


def models_freed_when_idle(settings: Settings) -> bool:
    """Whether the models for these settings were freed as idle (a search may load CLIP again)."""
    return MODELS.freed_when_idle(settings)


def visual_pipeline(settings: Settings) -> Pipeline | None:
    """For visual search: the loaded pipeline, or, when its models were freed as idle, the pipeline
    with CLIP loaded again (call off the GUI thread); None when tagging never loaded them."""
    pipeline = MODELS.cached(settings)
    if pipeline is not None:
        return pipeline
    if not MODELS.freed_when_idle(settings):
        return None
    pipeline = MODELS.pipeline(settings)
    with MODELS.using():
        pipeline.load_visual()
    return pipeline
