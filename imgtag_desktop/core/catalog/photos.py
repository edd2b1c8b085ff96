"""Folders and photos: the part of the catalog the scanner writes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..places import GpsReading
from .base import Repository, in_chunks
from .records import Folder, Photo, PhotoStatus, display_path, path_to_bytes

PHOTO_COLUMNS = (
    "id, folder_id, path_bytes, path, size, mtime_ns, fingerprint, format, width, height, "
    "orientation, taken_at, camera, status, error, metadata_error"
)


@dataclass(frozen=True)
class PhotoFacts:
    """What the scanner learned about one file (the catalog's input for a photo row)."""

    path_bytes: bytes
    rel_dir: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    format: str | None
    width: int | None = None
    height: int | None = None
    orientation: int = 1
    taken_at: str | None = None
    camera: str | None = None
    status: PhotoStatus = "ok"
    error: str | None = None
    gps: GpsReading = GpsReading()  # kept by the places table, not the photo row


@dataclass(frozen=True)
class KnownFile:
    """The catalog's view of a file, for change detection without reading the file."""

    photo_id: int
    size: int
    mtime_ns: int
    fingerprint: str | None
    status: PhotoStatus


def photo_from_row(row: Any) -> Photo:
    raw = bytes(row[2])
    return Photo(
        id=int(row[0]),
        folder_id=int(row[1]),
        path=Path(os.fsdecode(raw)),
        display_path=str(row[3]),
        size=int(row[4]),
        mtime_ns=int(row[5]),
        fingerprint=row[6],
        format=row[7],
        width=row[8],
        height=row[9],
        orientation=int(row[10]),
        taken_at=row[11],
        camera=row[12],
        status=row[13],
        error=row[14],
        metadata_error=row[15],
    )


class PhotosRepository(Repository):
    """Folders and photo rows."""

    # -- folders -------------------------------------------------------------------------------

    def add_folder(self, path: str | os.PathLike[str]) -> Folder:
        """Register a library folder (idempotent) and return it."""
        raw = path_to_bytes(path)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO folders (path, path_bytes, added_at) VALUES (?, ?, ?)",
                (display_path(raw), raw, time.time()),
            )
        folder = self.folder_by_path(path)
        assert folder is not None
        return folder

    def folder_by_path(self, path: str | os.PathLike[str]) -> Folder | None:
        row = self._conn.execute(
            "SELECT id, path_bytes, added_at, last_scan_at FROM folders WHERE path_bytes = ?",
            (path_to_bytes(path),),
        ).fetchone()
        return _folder(row) if row else None

    def folders(self) -> list[Folder]:
        rows = self._conn.execute("SELECT id, path_bytes, added_at, last_scan_at FROM folders ORDER BY path")
        return [_folder(r) for r in rows]

    def mark_folder_scanned(self, folder_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE folders SET last_scan_at = ? WHERE id = ?", (time.time(), folder_id))

    def remove_folder(self, folder_id: int) -> None:
        """Forget a library folder and everything recorded about its photos (files untouched)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))

    # -- photos: scanner side -------------------------------------------------------------------

    def known_files(self, folder_id: int) -> dict[bytes, KnownFile]:
        """Every photo of a folder by raw path, for change detection."""
        rows = self._conn.execute(
            "SELECT path_bytes, id, size, mtime_ns, fingerprint, status FROM photos WHERE folder_id = ?",
            (folder_id,),
        )
        return {bytes(r[0]): KnownFile(r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def missing_by_fingerprint(self, fingerprints: Iterable[str]) -> dict[str, int]:
        """Missing photos (any folder) whose fingerprint is one of these: candidates for a move."""
        found: dict[str, int] = {}
        for chunk, marks in in_chunks(list(set(fingerprints))):
            rows = self._conn.execute(
                f"SELECT fingerprint, id FROM photos WHERE status = 'missing' AND fingerprint IN ({marks})",
                chunk,
            )
            for fp, pid in rows:
                found.setdefault(fp, pid)
        return found

    def add(self, folder_id: int, facts: Sequence[PhotoFacts]) -> list[int]:
        """Insert new photo rows in one transaction; returns their ids in order."""
        now = time.time()
        ids: list[int] = []
        with self.transaction() as conn:
            for f in facts:
                cur = conn.execute(
                    "INSERT INTO photos (folder_id, path, path_bytes, rel_dir, size, mtime_ns, fingerprint,"
                    " format, width, height, orientation, taken_at, camera, status, error, added_at, updated_at,"
                    " keywords_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (folder_id, display_path(f.path_bytes), f.path_bytes, f.rel_dir, *_fact_values(f), now, now,
                     int(f.status == "ok")),
                )
                ids.append(int(cur.lastrowid or 0))
        return ids

    def update(self, updates: Sequence[tuple[int, PhotoFacts]], *, folder_id: int | None = None) -> None:
        """Rewrite photo rows from new facts (a changed file, or a move when the path differs)."""
        now = time.time()
        with self.transaction() as conn:
            for photo_id, f in updates:
                conn.execute(
                    "UPDATE photos SET path = ?, path_bytes = ?, rel_dir = ?, size = ?, mtime_ns = ?,"
                    " fingerprint = ?, format = ?, width = ?, height = ?, orientation = ?, taken_at = ?,"
                    " camera = ?, status = ?, error = ?, updated_at = ?,"
                    " folder_id = COALESCE(?, folder_id), keywords_pending = ? WHERE id = ?",
                    (display_path(f.path_bytes), f.path_bytes, f.rel_dir, *_fact_values(f), now, folder_id,
                     int(f.status == "ok"), photo_id),
                )

    def mark_missing(self, photo_ids: Iterable[int], reason: str = "file not found at its path") -> None:
        """Record that files disappeared; their tags are kept in case they come back or moved."""
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE photos SET status = 'missing', error = ?, updated_at = ? WHERE id = ?",
                [(reason, now, pid) for pid in photo_ids],
            )

    def mark_broken(self, photo_id: int, reason: str) -> None:
        """Record that a photo's pixels cannot be decoded (found by a thumbnailer or the pipeline)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE photos SET status = 'broken', error = ?, updated_at = ? WHERE id = ?",
                (reason, time.time(), photo_id),
            )

    # -- photos: readers ------------------------------------------------------------------------

    def get(self, photo_id: int) -> Photo | None:
        row = self._conn.execute(f"SELECT {PHOTO_COLUMNS} FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return photo_from_row(row) if row else None

    def by_path(self, path: str | os.PathLike[str]) -> Photo | None:
        row = self._conn.execute(
            f"SELECT {PHOTO_COLUMNS} FROM photos WHERE path_bytes = ?", (path_to_bytes(path),)
        ).fetchone()
        return photo_from_row(row) if row else None

    def all(
        self,
        *,
        folder_id: int | None = None,
        status: PhotoStatus | None = None,
        under: str | os.PathLike[str] | None = None,
        ids: Sequence[int] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Photo]:
        """Photos ordered by path, optionally filtered by folder, status, a folder prefix or ids."""
        where, args = _photo_filter(folder_id, status, under)
        if ids is not None:
            if not ids:
                return []
            photos: list[Photo] = []
            for chunk, marks in in_chunks(ids):
                clause = " AND ".join([*where, f"id IN ({marks})"])
                rows = self._conn.execute(f"SELECT {PHOTO_COLUMNS} FROM photos WHERE {clause}", [*args, *chunk])
                photos.extend(photo_from_row(r) for r in rows)
            order = {pid: i for i, pid in enumerate(ids)}
            photos.sort(key=lambda p: order[p.id])
            return photos
        sql = f"SELECT {PHOTO_COLUMNS} FROM photos"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY path_bytes"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [photo_from_row(r) for r in self._conn.execute(sql, args)]

    def count(self, *, folder_id: int | None = None, status: PhotoStatus | None = None) -> int:
        where, args = _photo_filter(folder_id, status, None)
        sql = "SELECT count(*) FROM photos" + (" WHERE " + " AND ".join(where) if where else "")
        return int(self._conn.execute(sql, args).fetchone()[0])


def _photo_filter(
    folder_id: int | None, status: PhotoStatus | None, under: str | os.PathLike[str] | None
) -> tuple[list[str], list[object]]:
    where: list[str] = []
    args: list[object] = []
    if folder_id is not None:
        where.append("folder_id = ?")
        args.append(folder_id)
    if status is not None:
        where.append("status = ?")
        args.append(status)
    if under is not None:
        prefix = path_to_bytes(under).rstrip(b"/") + b"/"
        where.append("substr(path_bytes, 1, ?) = ?")
        args += [len(prefix), prefix]
    return where, args


def _fact_values(f: PhotoFacts) -> tuple[object, ...]:
    return (
        f.size, f.mtime_ns, f.fingerprint, f.format, f.width, f.height, f.orientation,
        f.taken_at, f.camera, f.status, f.error,
    )


def _folder(row: Any) -> Folder:
    return Folder(
        id=int(row[0]),
        path=Path(os.fsdecode(bytes(row[1]))),
        added_at=float(row[2]),
        last_scan_at=row[3],
    )
