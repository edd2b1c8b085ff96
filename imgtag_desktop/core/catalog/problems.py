"""Problems: per-photo failures of jobs (decode, tag, write), stored so they survive a restart."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from .base import Repository


@dataclass(frozen=True)
class Problem:
    """One failure: which file, which job, why (``photo_id`` 0 when the file is not in the library)."""

    job: str
    photo_id: int
    path: str
    reason: str
    created_at: float = 0.0


class ProblemsRepository(Repository):
    """Record, list and clear problems (``catalog.problems``). The same problem (path, job, reason) is kept once."""

    def add(self, problems: Sequence[Problem]) -> None:
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO problems (photo_id, path, job, reason, created_at)"
                " SELECT ?, ?, ?, ?, ? WHERE ? IS NULL OR EXISTS (SELECT 1 FROM photos WHERE id = ?)"
                " ON CONFLICT (path, job, reason) DO UPDATE SET created_at = excluded.created_at",
                [(p.photo_id or None, p.path, p.job, p.reason, now, p.photo_id or None, p.photo_id or None)
                 for p in problems])

    def all(self, limit: int = 10000) -> list[Problem]:
        """The most recent problems first."""
        return [Problem(r[0], int(r[1] or 0), r[2], r[3], r[4]) for r in self._conn.execute(
            "SELECT job, photo_id, path, reason, created_at FROM problems ORDER BY created_at DESC, id DESC LIMIT ?",
            (limit,))]

    def clear(self, photo_ids: Sequence[int] | None = None) -> None:
        """Forget every problem, or those of these photos (e.g. once they were tagged after all)."""
        with self.transaction() as conn:
            if photo_ids is None:
                conn.execute("DELETE FROM problems")
            else:
                conn.executemany("DELETE FROM problems WHERE photo_id = ?", [(i,) for i in photo_ids])
