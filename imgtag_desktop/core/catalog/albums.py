"""Saved smart albums and query execution (search)."""

from __future__ import annotations

from .base import CatalogBase


class AlbumsMixin(CatalogBase):
    """Saved smart albums and query execution (search)."""
