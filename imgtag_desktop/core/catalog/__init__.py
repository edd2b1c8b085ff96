"""The catalog: one SQLite file per library, and the only code that runs SQL.

:class:`Catalog` is the gateway. It is assembled from one mixin per area (photos, tags,
analysis, albums, metadata writes) so each area's SQL lives next to its API. Open one
``Catalog`` per thread; SQLite's WAL mode lets readers and a writer work side by side.
"""

from __future__ import annotations

from .albums import AlbumsMixin
from .analysis import AnalysisMixin
from .base import SCHEMA_VERSION, CatalogError
from .photos import KnownFile, PhotoFacts, PhotosMixin
from .problems import Problem, ProblemsMixin
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
from .review import ReviewMixin, TaggedPhoto, TagStateCounts
from .tag_admin import TagAdminMixin
from .tags import HIERARCHY_SEPARATOR, TagsMixin, normalise_tag_name
from .writes import WritesMixin


class Catalog(PhotosMixin, TagsMixin, TagAdminMixin, ReviewMixin, AnalysisMixin, AlbumsMixin, WritesMixin,
              ProblemsMixin):
    """The library's catalog gateway. See the mixins for the API of each area."""


__all__ = [
    "HIERARCHY_SEPARATOR",
    "SCHEMA_VERSION",
    "TAG_SOURCES",
    "TAG_STATES",
    "Catalog",
    "CatalogError",
    "Folder",
    "KnownFile",
    "Photo",
    "PhotoFacts",
    "PhotoTag",
    "Problem",
    "ScanStats",
    "Tag",
    "TagCount",
    "TagStateCounts",
    "TaggedPhoto",
    "TagSource",
    "TagState",
    "display_path",
    "normalise_tag_name",
    "path_to_bytes",
]
