"""The metadata write journal: a write is recorded with the file state it expects *before*
the rename that makes it real, and confirmed in one transaction after it.

A process killed between the rename and the confirmation leaves a pending row; the next
write, undo or scan compares the file on disk with the expected state and either confirms
the write (the file is what the write produced) or drops it (the rename never happened).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass

from .base import Repository

FileState = tuple[int, int, str]  # size, mtime_ns, fingerprint


def stored_path(path: str) -> str | bytes:
    """A path for a TEXT column: as text when it is UTF-8, else its exact bytes (a BLOB)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def loaded_path(value: object) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class PendingWrite:
    """A write (or undo) whose rename may or may not have happened."""

    id: int
    photo_id: int
    target: str
    undo: bool
    target_state: FileState
    photo_state: FileState | None  # the photo's new state when the photo itself was rewritten
    file_keywords: list[str] | None


class JournalRepository(Repository):
    """Pending writes and their confirmation (see the module docstring); ``catalog.journal``."""

    def begin_write(self, batch: str, photo_id: int, target: str, mode: str, previous: dict[str, object],
                    written: dict[str, object], target_state: FileState, photo_state: FileState | None,
                    file_keywords: list[str]) -> int:
        """Record a write about to be renamed into place; returns its id (pending until confirmed)."""
        expected = {"target": list(target_state), "photo": list(photo_state) if photo_state else None,
                    "file_keywords": file_keywords}
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO metadata_writes (batch, photo_id, target, mode, previous, written, written_at,"
                " expected_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (batch, photo_id, stored_path(target), mode, json.dumps(previous, ensure_ascii=False),
                 json.dumps(written, ensure_ascii=False), time.time(), json.dumps(expected, ensure_ascii=False)),
            )
            return int(cur.lastrowid or 0)

    def begin_undo(self, write_id: int, target_state: FileState, photo_state: FileState | None) -> None:
        """Record that the undo of a write is about to be renamed into place."""
        expected = {"undo": True, "target": list(target_state), "photo": list(photo_state) if photo_state else None}
        with self.transaction() as conn:
            conn.execute("UPDATE metadata_writes SET expected_state = ? WHERE id = ?", (json.dumps(expected), write_id))

    def confirm_write(self, pending: PendingWrite) -> None:
        """The rename happened: the write (or undo) and the photo's new state, in one transaction."""
        now = time.time()
        with self.transaction() as conn:
            if pending.undo:
                conn.execute("UPDATE metadata_writes SET expected_state = NULL, undone_at = ? WHERE id = ?",
                             (now, pending.id))
            else:
                conn.execute("UPDATE metadata_writes SET expected_state = NULL WHERE id = ?", (pending.id,))
            if pending.photo_state is not None:
                size, mtime_ns, fp = pending.photo_state
                row = conn.execute("SELECT fingerprint FROM photos WHERE id = ?", (pending.photo_id,)).fetchone()
                conn.execute("UPDATE photos SET size = ?, mtime_ns = ?, fingerprint = ?, updated_at = ? WHERE id = ?",
                             (size, mtime_ns, fp, now, pending.photo_id))
                if row is not None and row[0] is not None and row[0] != fp:
                    # The write changed the file's metadata, never its pixels (verified before the rename):
                    # what was computed from the photo as it was holds for the photo as it is, so no
                    # tagging run analyses it again and no duplicate search hashes it again.
                    for table in ("analyses", "photo_hashes"):
                        conn.execute(f"UPDATE {table} SET fingerprint = ? WHERE photo_id = ? AND fingerprint = ?",
                                     (fp, pending.photo_id, row[0]))
            if pending.file_keywords is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO file_keywords (photo_id, keywords, seen_at) VALUES (?, ?, ?)",
                    (pending.photo_id, json.dumps(pending.file_keywords, ensure_ascii=False), now),
                )

    def abandon_write(self, pending: PendingWrite) -> None:
        """The rename never happened: forget the write (an undo stays undoable)."""
        with self.transaction() as conn:
            if pending.undo:
                conn.execute("UPDATE metadata_writes SET expected_state = NULL WHERE id = ?", (pending.id,))
            else:
                conn.execute("DELETE FROM metadata_writes WHERE id = ?", (pending.id,))

    def pending_writes(self, write_id: int | None = None) -> list[PendingWrite]:
        sql = "SELECT id, photo_id, target, expected_state FROM metadata_writes WHERE expected_state IS NOT NULL"
        args: tuple[object, ...] = ()
        if write_id is not None:
            sql += " AND id = ?"
            args = (write_id,)
        out: list[PendingWrite] = []
        for wid, photo_id, target, raw in self._conn.execute(sql + " ORDER BY id", args):
            exp = json.loads(raw)
            photo = exp.get("photo")
            out.append(PendingWrite(
                int(wid), int(photo_id), loaded_path(target), bool(exp.get("undo")),
                (int(exp["target"][0]), int(exp["target"][1]), str(exp["target"][2])),
                (int(photo[0]), int(photo[1]), str(photo[2])) if photo else None,
                exp.get("file_keywords"),
            ))
        return out
