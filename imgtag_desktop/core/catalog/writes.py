"""Metadata write history (previous values of managed fields, for undo) and keyword imports."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .base import CatalogBase, CatalogError, Repository
from .journal import loaded_path
from .tags import TagsRepository, normalise_tag_name

WriteMode = Literal["off", "sidecar", "embedded"]
SidecarStyle = Literal["append", "replace"]
WRITE_MODES: tuple[WriteMode, ...] = ("off", "sidecar", "embedded")
SIDECAR_STYLES: tuple[SidecarStyle, ...] = ("append", "replace")
MODE_KEY = "metadata.write_mode"
STYLE_KEY = "metadata.sidecar_style"


@dataclass(frozen=True)
class WriteRecord:
    """One recorded write: the file written and the managed fields before and after."""

    id: int
    batch: str | None
    photo_id: int
    target: str
    mode: str
    previous: dict[str, object]
    written: dict[str, object]
    written_at: float
    undone_at: float | None


class WritesRepository(Repository):
    """Metadata write history (previous values of managed fields, for undo) and imports."""

    def __init__(self, db: CatalogBase, tags: TagsRepository) -> None:
        super().__init__(db)
        self._tags = tags

    # -- per-library options --------------------------------------------------------------------

    def mode(self) -> WriteMode:
        """off (default), sidecar or embedded."""
        value = self._db.get_setting(MODE_KEY, "off")
        return value if value in WRITE_MODES else "off"

    def set_mode(self, mode: str) -> None:
        if mode not in WRITE_MODES:
            raise CatalogError(f"unknown write mode {mode!r}; choose one of {', '.join(WRITE_MODES)}")
        self._db.set_setting(MODE_KEY, mode)

    def sidecar_style(self) -> SidecarStyle:
        """append = ``photo.jpg.xmp`` (default), replace = ``photo.xmp``."""
        value = self._db.get_setting(STYLE_KEY, "append")
        return value if value in SIDECAR_STYLES else "append"

    def set_sidecar_style(self, style: str) -> None:
        if style not in SIDECAR_STYLES:
            raise CatalogError(f"unknown sidecar style {style!r}; choose append or replace")
        self._db.set_setting(STYLE_KEY, style)

    # -- what the writer needs to know about photos --------------------------------------------

    def photo_ids_with_approved_tags(self) -> list[int]:
        """Photos (status ok) with at least one approved tag, in path order."""
        rows = self._conn.execute(
            "SELECT DISTINCT p.id FROM photos p JOIN photo_tags pt ON pt.photo_id = p.id"
            " WHERE pt.state = 'approved' AND p.status = 'ok' ORDER BY p.path_bytes"
        )
        return [int(r[0]) for r in rows]

    def photo_ids_with_file_keywords(self) -> list[int]:
        """Photos whose files held keywords when last read or written, or that imgtag wrote before
        (a write must visit them too, so that tags the person removed leave the files)."""
        rows = self._conn.execute(
            "SELECT photo_id FROM file_keywords WHERE keywords != '[]'"
            " UNION SELECT photo_id FROM metadata_writes WHERE undone_at IS NULL AND expected_state IS NULL"
        )
        return sorted(int(r[0]) for r in rows)

    # -- keyword import state (part of what a scan resumes) --------------------------------------

    def photo_ids_pending_keyword_import(self) -> list[int]:
        """Readable photos new or changed since their files' keywords were last read, in id order."""
        rows = self._conn.execute(
            "SELECT id FROM photos WHERE keywords_pending = 1 AND status = 'ok' ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    def finish_keyword_import(self, photo_id: int, metadata_error: str | None) -> None:
        """The file's keywords are read (call inside the transaction that records them)."""
        with self.transaction() as conn:
            conn.execute("UPDATE photos SET metadata_error = ?, keywords_pending = 0 WHERE id = ?",
                         (metadata_error, photo_id))

    # -- keywords last seen in files ------------------------------------------------------------

    def file_keywords(self, photo_id: int) -> list[str] | None:
        """The tag names last read from or written to the photo's file(s); None when never read."""
        row = self._conn.execute("SELECT keywords FROM file_keywords WHERE photo_id = ?", (photo_id,)).fetchone()
        return list(json.loads(row[0])) if row else None

    def set_file_keywords(self, photo_id: int, names: Sequence[str]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO file_keywords (photo_id, keywords, seen_at) VALUES (?, ?, ?)",
                (photo_id, json.dumps(list(names), ensure_ascii=False), time.time()),
            )

    def import_keywords(self, photo_id: int, names: Iterable[str]) -> list[str]:
        """Record keywords found in a file as approved tags with source 'imported'.

        A tag the photo already has keeps its state and source (a rejected tag stays rejected),
        except a suggestion, which the file confirms. Returns the names newly approved.
        """
        added: list[str] = []
        now = time.time()
        with self.transaction() as conn:
            for raw in names:
                try:
                    name = normalise_tag_name(raw)
                except CatalogError:
                    continue
                tag = self._tags.ensure(name)
                cur = conn.execute(
                    "INSERT INTO photo_tags (photo_id, tag_id, state, source, created_at, updated_at)"
                    " VALUES (?, ?, 'approved', 'imported', ?, ?)"
                    " ON CONFLICT (photo_id, tag_id) DO UPDATE SET state = 'approved', source = 'imported',"
                    " updated_at = excluded.updated_at WHERE photo_tags.state = 'suggested'",
                    (photo_id, tag.id, now, now),
                )
                if cur.rowcount:
                    added.append(tag.name)
        return added

    # -- write history --------------------------------------------------------------------------

    @staticmethod
    def new_batch() -> str:
        return uuid.uuid4().hex

    def last_batch(self) -> str | None:
        """The most recent batch with writes not undone yet."""
        row = self._conn.execute(
            "SELECT batch FROM metadata_writes WHERE undone_at IS NULL AND expected_state IS NULL"
            " ORDER BY written_at DESC, id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def in_batch(self, batch: str) -> list[WriteRecord]:
        rows = self._conn.execute(
            "SELECT id, batch, photo_id, target, mode, previous, written, written_at, undone_at"
            " FROM metadata_writes WHERE batch = ? AND undone_at IS NULL AND expected_state IS NULL ORDER BY id DESC",
            (batch,),
        )
        return [_record(r) for r in rows]

    def mark_undone(self, write_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE metadata_writes SET undone_at = ? WHERE id = ?", (time.time(), write_id))


def _record(r: tuple[object, ...]) -> WriteRecord:
    return WriteRecord(
        id=int(r[0]),  # type: ignore[call-overload]
        batch=r[1],  # type: ignore[arg-type]
        photo_id=int(r[2]),  # type: ignore[call-overload]
        target=loaded_path(r[3]),
        mode=str(r[4]),
        previous=json.loads(str(r[5])),
        written=json.loads(str(r[6])),
        written_at=float(r[7]),  # type: ignore[arg-type]
        undone_at=r[8],  # type: ignore[arg-type]
    )
