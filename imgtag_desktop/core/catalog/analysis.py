"""Captions, candidates (explanations), image embeddings and analysis runs (tagging pipeline)."""

from __future__ import annotations

from .base import CatalogBase


class AnalysisMixin(CatalogBase):
    """Captions, candidates (explanations), image embeddings and analysis runs (tagging pipeline)."""
