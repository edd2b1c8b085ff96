"""Metadata write history (previous values of managed fields, for undo) and imports."""

from __future__ import annotations

from .base import CatalogBase


class WritesMixin(CatalogBase):
    """Metadata write history (previous values of managed fields, for undo) and imports."""
