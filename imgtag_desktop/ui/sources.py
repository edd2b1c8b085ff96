"""What the grid shows: a union of small frozen dataclasses, one per kind of source.

Each source knows its title and how to read its rows (``rows(catalog, encoder)``), which
runs on the query worker thread, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.catalog import Catalog, GridRow

TextEncoder = Callable[[str], Any]


@dataclass(frozen=True)
class AllPhotos:
    """Every photo of the library."""

    label: str = "All photos"


@dataclass(frozen=True)
class FolderSource:
    """The photos of one library folder."""

    folder_id: int
    path: Path

    @property
    def label(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class TagSource:
    """Photos carrying a tag (suggested or approved), children of ``a`` in ``a|b`` included."""

    name: str

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class ReviewSource:
    """Photos where a tag is suggested, best score first (review by tag)."""

    name: str

    @property
    def label(self) -> str:
        return f"Review: {self.name}"


@dataclass(frozen=True)
class AlbumSource:
    """A smart album: its saved query, run when shown."""

    album_id: int
    name: str
    query: str

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class SearchSource:
    """The photos a search found, in its order."""

    query: str
    ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"Search: {self.query}"


Source = AllPhotos | FolderSource | TagSource | ReviewSource | AlbumSource | SearchSource

ALL_PHOTOS = AllPhotos()


@dataclass(frozen=True)
class Rows:
    """A source's rows, and the reviewed tag's score per photo (review sources only)."""

    source: Source
    rows: list[GridRow]
    scores: dict[int, float | None]


def read_rows(catalog: Catalog, source: Source, encoder: TextEncoder | None = None) -> Rows:
    """The grid rows of ``source`` (on the query worker: give it that thread's catalog)."""
    scores: dict[int, float | None] = {}
    if isinstance(source, FolderSource):
        rows = catalog.review.grid_rows(folder_id=source.folder_id)
    elif isinstance(source, TagSource | ReviewSource):
        review = isinstance(source, ReviewSource)
        tagged = catalog.review.photos_with_tag(source.name, ("suggested",) if review else ("suggested", "approved"))
        rows = catalog.review.grid_rows(ids=[t.photo_id for t in tagged])
        if review:
            scores = {t.photo_id: t.score for t in tagged}
    elif isinstance(source, AlbumSource):
        rows = catalog.review.grid_rows(ids=catalog.albums.search(source.query, text_encoder=encoder))
    elif isinstance(source, SearchSource):
        rows = catalog.review.grid_rows(ids=list(source.ids))
    else:
        rows = catalog.review.grid_rows()
    return Rows(source, rows, scores)
