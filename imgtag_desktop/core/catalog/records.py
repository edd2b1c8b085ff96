"""Value objects returned by the catalog. Immutable, safe to hand to other threads."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

TagState = Literal["suggested", "approved", "rejected"]
TagSource = Literal["model", "manual", "imported", "gps"]
PhotoStatus = Literal["ok", "broken", "missing"]

TAG_STATES: tuple[TagState, ...] = ("suggested", "approved", "rejected")
TAG_SOURCES: tuple[TagSource, ...] = ("model", "manual", "imported", "gps")


def path_to_bytes(path: str | os.PathLike[str] | bytes) -> bytes:
    """The exact bytes of a path, the catalog's identity for files (survives non-UTF-8 names)."""
    if isinstance(path, bytes):
        return path
    return os.fsencode(os.path.abspath(os.fspath(path)))


def display_path(raw: bytes) -> str:
    """A printable form of a raw path: undecodable bytes become U+FFFD."""
    return raw.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Folder:
    id: int
    path: Path
    added_at: float
    last_scan_at: float | None


@dataclass(frozen=True)
class Photo:
    """A photo row. ``path`` is exact (``os.fsdecode`` of the stored bytes)."""

    id: int
    folder_id: int
    path: Path
    display_path: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    format: str | None
    width: int | None
    height: int | None
    orientation: int
    taken_at: str | None
    camera: str | None
    status: PhotoStatus
    error: str | None
    metadata_error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "path": str(self.path),  # exact: non-UTF-8 bytes become \udcXX escapes in JSON output
            "size": self.size,
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "orientation": self.orientation,
            "taken_at": self.taken_at,
            "camera": self.camera,
            "status": self.status,
            "error": self.error,
            "metadata_error": self.metadata_error,
        }


@dataclass(frozen=True)
class Tag:
    id: int
    name: str
    leaf: str
    parent_id: int | None


@dataclass(frozen=True)
class TagCount:
    """A tag with how many photos carry it in each state."""

    tag: Tag
    approved: int
    suggested: int
    rejected: int

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.tag.name,
            "approved": self.approved,
            "suggested": self.suggested,
            "rejected": self.rejected,
        }


@dataclass(frozen=True)
class PhotoTag:
    """A tag on a photo with its state, source and the evidence that produced it."""

    photo_id: int
    tag: Tag
    state: TagState
    source: TagSource
    keyword_score: float | None = None
    visual_score: float | None = None
    model_version: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def name(self) -> str:
        return self.tag.name


@dataclass(frozen=True)
class ScanStats:
    """What one scan did."""

    new: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    unchanged: int = 0
    broken: int = 0
    contents_read: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    touched_ids: list[int] = field(default_factory=list)  # photos new, changed or moved (readable ones)
    # Problems with readable photos that were scanned all the same (e.g. a damaged GPS field)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.new + self.changed + self.moved + self.removed

    def to_json(self) -> dict[str, object]:
        return {
            "new": self.new,
            "changed": self.changed,
            "moved": self.moved,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "broken": self.broken,
            "contents_read": self.contents_read,
            "errors": [{"path": p, "reason": r} for p, r in self.errors],
            "notes": [{"path": p, "reason": r} for p, r in self.notes],
        }
