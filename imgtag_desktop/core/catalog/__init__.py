"""The catalog: one SQLite file per library, and the only code that runs SQL.

:class:`Catalog` is the gateway: it owns the connection (:class:`CatalogBase`: transactions,
migrations, per-library settings) and one repository per area, so each area's SQL lives next
to its API: ``catalog.photos``, ``catalog.tags``, ``catalog.review``, ``catalog.analysis``,
``catalog.albums`` (saved albums and search), ``catalog.writes`` (metadata write history),
``catalog.journal`` (metadata writes pending between their rename and their confirmation),
``catalog.suggestions`` (stored candidates, ranked suggestions) and ``catalog.decisions``
(approvals and rejections to learn from, muted tags).
A repository that needs another area gets it in its constructor. Open one ``Catalog`` per
thread; SQLite's WAL mode lets readers and a writer work side by side.
"""

from __future__ import annotations

import os

from .albums import AlbumsRepository
from .analysis import AnalysisRepository
from .base import SCHEMA_VERSION, CatalogBase, CatalogError, Repository
from .decisions import Decision, DecisionsRepository, TagMute
from .duplicates import DuplicatesRepository
from .journal import JournalRepository, PendingWrite
from .photos import KnownFile, PhotoFacts, PhotosRepository
from .places import PLACES_AUTO_APPROVE, GpsRow, PlacesRepository
from .problems import Problem, ProblemsRepository
from .records import (
    TAG_SOURCES,
    TAG_STATES,
    Folder,
    Photo,
    PhotoTag,
    ScanStats,
    Tag,
    TagCount,
    TagSource,
    TagState,
    display_path,
    path_to_bytes,
)
from .review import GridRow, ReviewRepository, TaggedPhoto, TagStateCounts
from .suggestions import CandidateTable, SuggestionsRepository
from .tag_admin import TagAdminRepository
from .tags import HIERARCHY_SEPARATOR, TagsRepository, normalise_tag_name
from .writes import WritesRepository


class Catalog(CatalogBase):
    """The library's catalog gateway: the connection plus one repository per area."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, create: bool = True) -> None:
        super().__init__(path, read_only=read_only, create=create)
        self.photos = PhotosRepository(self)
        self.decisions = DecisionsRepository(self)
        self.tags = TagsRepository(self, self.decisions)
        self.review = ReviewRepository(self)
        self.analysis = AnalysisRepository(self, self.tags)
        self.albums = AlbumsRepository(self, self.analysis)
        self.writes = WritesRepository(self, self.tags)
        self.suggestions = SuggestionsRepository(self, self.tags)
        self.journal = JournalRepository(self)
        self.places = PlacesRepository(self, self.tags)
        self.duplicates = DuplicatesRepository(self)
        self.tag_admin = TagAdminRepository(self)
        self.problems = ProblemsRepository(self)



__all__ = [
    "HIERARCHY_SEPARATOR",
    "PLACES_AUTO_APPROVE",
    "GpsRow",
    "SCHEMA_VERSION",
    "TAG_SOURCES",
    "TAG_STATES",
    "AlbumsRepository",
    "AnalysisRepository",
    "CandidateTable",
    "Catalog",
    "CatalogBase",
    "CatalogError",
    "Decision",
    "DecisionsRepository",
    "Folder",
    "GridRow",
    "JournalRepository",
    "KnownFile",
    "Photo",
    "PendingWrite",
    "PhotoFacts",
    "PhotoTag",
    "PhotosRepository",
    "Problem",
    "ProblemsRepository",
    "Repository",
    "ReviewRepository",
    "ScanStats",
    "Tag",
    "SuggestionsRepository",
    "TagCount",
    "TagMute",
    "TagStateCounts",
    "TaggedPhoto",
    "TagSource",
    "TagState",
    "TagsRepository",
    "WritesRepository",
    "display_path",
    "normalise_tag_name",
    "path_to_bytes",
]
