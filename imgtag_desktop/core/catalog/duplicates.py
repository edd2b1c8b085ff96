"""Perceptual hashes of photos, keepers of duplicate groups, merged tags, moved-out photos."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .base import Repository, in_chunks


class DuplicatesRepository(Repository):
    """The catalog side of the duplicates view (``catalog.duplicates``)."""

    def needing_hash(self) -> list[tuple[int, Path, str | None]]:
        """(id, path, fingerprint) of readable photos with no hash of their current content."""
        rows = self._conn.execute(
            "SELECT p.id, p.path_bytes, p.fingerprint FROM photos p LEFT JOIN photo_hashes h ON h.photo_id = p.id"
            " WHERE p.status = 'ok' AND (h.photo_id IS NULL OR h.fingerprint IS NOT p.fingerprint)"
            " ORDER BY p.path_bytes"
        )
        return [(int(r[0]), Path(os.fsdecode(bytes(r[1]))), r[2]) for r in rows]

    def set_hashes(self, rows: Sequence[tuple[int, str | None, int]]) -> None:
        """Store (photo id, fingerprint, 64-bit difference hash) rows."""
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO photo_hashes (photo_id, fingerprint, dhash) VALUES (?, ?, ?)", rows
            )

    def hashes(self) -> tuple[list[int], npt.NDArray[np.int64]]:
        """(photo ids, hashes) of every readable photo whose hash matches its current content."""
        rows = self._conn.execute(
            "SELECT h.photo_id, h.dhash FROM photo_hashes h JOIN photos p ON p.id = h.photo_id"
            " WHERE p.status = 'ok' AND h.fingerprint IS p.fingerprint ORDER BY h.photo_id"
        ).fetchall()
        return [int(r[0]) for r in rows], np.array([int(r[1]) for r in rows], dtype=np.int64)

    def rank_keepers(self, photo_ids: Sequence[int]) -> tuple[int, ...]:
        """The photos best keeper first: most pixels, then most approved tags, then largest file."""
        order: list[tuple[int, int, int, int]] = []
        for chunk, marks in in_chunks(list(photo_ids)):
            for r in self._conn.execute(
                f"SELECT id, coalesce(width * height, 0), approved_tags, size FROM photos WHERE id IN ({marks})",
                chunk,
            ):
                order.append((int(r[0]), int(r[1]), int(r[2]), int(r[3])))
        order.sort(key=lambda r: (-r[1], -r[2], -r[3], r[0]))
        return tuple(r[0] for r in order)

    def merge_tags(self, keeper: int, others: Sequence[int]) -> list[str]:
        """Give ``keeper`` every approved tag of ``others`` it lacks (approved, source kept).

        A tag the keeper has as a suggestion is approved; one the person rejected on the keeper
        stays rejected. Returns the names added or approved (for undo)."""
        now = time.time()
        changed: list[str] = []
        with self.transaction() as conn:
            for chunk, marks in in_chunks(list(others)):
                rows = conn.execute(
                    f"SELECT DISTINCT t.id, t.name, pt.source FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
                    f" WHERE pt.photo_id IN ({marks}) AND pt.state = 'approved'",
                    chunk,
                ).fetchall()
                for tag_id, name, source in rows:
                    cur = conn.execute(
                        "INSERT INTO photo_tags (photo_id, tag_id, state, source, created_at, updated_at)"
                        " VALUES (?, ?, 'approved', ?, ?, ?) ON CONFLICT (photo_id, tag_id) DO UPDATE SET"
                        " state = 'approved', updated_at = excluded.updated_at WHERE photo_tags.state = 'suggested'",
                        (keeper, tag_id, source, now, now),
                    )
                    if cur.rowcount and name not in changed:
                        changed.append(str(name))
        return changed

    def mark_present(self, photo_ids: Sequence[int]) -> None:
        """Photos whose files are back at their paths (an undone move): readable again."""
        with self.transaction() as conn:
            for chunk, marks in in_chunks(list(photo_ids)):
                conn.execute(
                    f"UPDATE photos SET status = 'ok', error = NULL, updated_at = ? WHERE id IN ({marks})",
                    (time.time(), *chunk),
                )
