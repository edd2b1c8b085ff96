"""The process's one model cache: the pipeline for the current model settings, and no other.

Asking for a pipeline with other model settings (captioner, keyword model, visual model,
device, dtype) drops the held one first, so at most one set of models is alive (about 1.5 GB
with the real weights) once nothing else refers to the old pipeline.
"""

from __future__ import annotations

import threading

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

    def pipeline(self, settings: Settings) -> Pipeline:
        """The pipeline for these settings (cheap: nothing is imported or loaded until ``load()``)."""
        key = model_key(settings)
        with self._lock:
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
            return pipeline

    def evict(self) -> None:
        """Drop the held pipeline (its models are freed once nothing else refers to them)."""
        with self._lock:
            self._pipeline, self._key = None, None

    def evict_if_changed(self, old: Settings, new: Settings) -> bool:
        """Evict when ``new`` loads other models than ``old``; returns whether it did."""
        changed = model_key(old) != model_key(new)
        if changed:
            self.evict()
        return changed


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
    """Drop the loaded models (e.g. after new models were downloaded)."""
    MODELS.evict()


def evict_models_if_changed(old: Settings, new: Settings) -> bool:
    """Drop the loaded models when the new settings load other ones; returns whether they did."""
    return MODELS.evict_if_changed(old, new)
