"""The ML tagging pipeline (no Qt): BLIP caption -> noun-phrase candidates -> calibrated CLIP relevance.

Public API::

    pipeline = load_pipeline(settings)      # cheap; the process's one pipeline for these models
    pipeline.load()                         # heavy imports + models, once (raises ModelUnavailable)
    stats = tag_photos(catalog, ids, pipeline, threshold=settings.threshold)
    focus = Focus(); tag_photos(..., focus=focus); focus.set(ids_on_screen)   # those first
    pipeline.encode_texts(["a dog on a beach"])   # for free-text search
    evict_models_if_changed(old, new)       # after a settings change: free the old models
    models_status(settings)                 # what is where, for the settings dialog

Importing this package imports neither torch nor transformers; loading a model does.
"""

from __future__ import annotations

from .cache import (
    MODELS,
    ModelCache,
    cached_pipeline,
    evict_models,
    evict_models_if_changed,
    evict_models_if_idle,
    load_pipeline,
    loaded_pipeline,
    model_key,
    models_freed_when_idle,
    models_in_use,
    visual_pipeline,
)
from .models import (
    ROLES,
    ModelStatus,
    ModelUnavailable,
    download_models,
    human_size,
    models_status,
    settings_with_model,
)
from .order import Focus, WorkOrder
from .pipeline import ImageAnalysis, Pipeline, ScoredCandidate
from .roles import Captioner, KeywordEmbedder, RoleModel, VisualModel
from .run import TagRunStats, tag_photos

__all__ = [
    "MODELS",
    "ROLES",
    "Captioner",
    "Focus",
    "ImageAnalysis",
    "KeywordEmbedder",
    "ModelCache",
    "ModelStatus",
    "ModelUnavailable",
    "Pipeline",
    "RoleModel",
    "ScoredCandidate",
    "TagRunStats",
    "VisualModel",
    "WorkOrder",
    "cached_pipeline",
    "download_models",
    "evict_models",
    "evict_models_if_changed",
    "evict_models_if_idle",
    "load_pipeline",
    "loaded_pipeline",
    "model_key",
    "models_freed_when_idle",
    "models_in_use",
    "models_status",
    "human_size",
    "settings_with_model",
    "tag_photos",
    "visual_pipeline",
]
