"""The ML tagging pipeline (no Qt): BLIP caption -> noun-phrase candidates -> calibrated CLIP relevance.

Public API::

    pipeline = load_pipeline(settings)      # cheap
    pipeline.load()                         # heavy imports + models, once (raises ModelUnavailable)
    stats = tag_photos(catalog, ids, pipeline, threshold=settings.threshold)
    pipeline.encode_texts(["a dog on a beach"])   # for free-text search
    models_status(settings)                 # what is where, for the settings dialog
"""

from __future__ import annotations

from .models import ROLES, ModelStatus, ModelUnavailable, download_models, models_status, settings_with_model
from .pipeline import ImageAnalysis, Pipeline, ScoredCandidate, load_pipeline
from .run import TagRunStats, tag_photos

__all__ = [
    "ROLES",
    "ImageAnalysis",
    "ModelStatus",
    "ModelUnavailable",
    "Pipeline",
    "ScoredCandidate",
    "TagRunStats",
    "download_models",
    "load_pipeline",
    "models_status",
    "settings_with_model",
    "tag_photos",
]
