"""GPS readings and place tags (source ``gps``) of photos."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .base import CatalogBase, Repository, in_chunks

if TYPE_CHECKING:
    from .tags import TagsRepository

PLACES_AUTO_APPROVE = "places.auto_approve"  # per-library setting; default False: place tags are suggestions


# A place read from the photo's own GPS position is a fact, not a guess: its suggestion passes
# any threshold and takes one place of the photo's suggestion budget (the ranking reserves it).
PLACE_CONFIDENCE = 1.0


@dataclass(frozen=True)
class GpsRow:
    photo_id: int
    latitude: float | None
    longitude: float | None
    error: str | None


class PlacesRepository(Repository):
    """Where photos were taken (``catalog.places``), and the place tags that says."""

    def __init__(self, db: CatalogBase, tags: TagsRepository) -> None:
        super().__init__(db)
        self._tags = tags

    def set_gps(self, rows: Sequence[GpsRow]) -> None:
        """Record GPS readings (a position, or why there is none usable); replaces earlier ones."""
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO photo_gps (photo_id, latitude, longitude, error, read_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(r.photo_id, r.latitude, r.longitude, r.error, now) for r in rows],
            )

    def clear_gps(self, photo_ids: Sequence[int]) -> None:
        """Forget the GPS of photos whose file no longer carries any."""
        with self.transaction() as conn:
            for chunk, marks in in_chunks(list(photo_ids)):
                conn.execute(f"DELETE FROM photo_gps WHERE photo_id IN ({marks})", chunk)

    def gps(self, photo_id: int) -> GpsRow | None:
        row = self._conn.execute(
            "SELECT photo_id, latitude, longitude, error FROM photo_gps WHERE photo_id = ?", (photo_id,)
        ).fetchone()
        return GpsRow(*row) if row else None

    def gps_problems(self) -> list[tuple[int, str]]:
        """(photo id, reason) of every photo whose GPS field is unusable."""
        return [(int(r[0]), str(r[1])) for r in self._conn.execute(
            "SELECT photo_id, error FROM photo_gps WHERE error IS NOT NULL ORDER BY photo_id")]

    def record_tags(self, places: Sequence[tuple[int, str | None]], *, approve: bool = False) -> int:
        """Make ``name`` each photo's place tag from GPS (None: the photo has no place).

        Earlier GPS suggestions that differ are withdrawn; approved and rejected tags are never
        changed, so a place the person rejected is not suggested again and an approved one is
        never renamed. A photo that already has an approved place (any ``places|...`` tag) gets
        no second one, e.g. in another language. Returns how many tags were added.
        """
        now = time.time()
        state = "approved" if approve else "suggested"
        added = 0
        with self.transaction() as conn:
            for photo_id, name in places:
                keep: int | None = None
                if name is not None and self._has_approved_place(photo_id):
                    name = None
                if name is not None:
                    keep = int(self._tags.ensure(name).id)
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO photo_tags (photo_id, tag_id, state, source, visual_score,"
                        " model_version, created_at, updated_at) VALUES (?, ?, ?, 'gps', ?, 'geonames', ?, ?)",
                        (photo_id, keep, state, PLACE_CONFIDENCE, now, now),
                    )
                    added += cur.rowcount
                conn.execute(
                    "DELETE FROM photo_tags WHERE photo_id = ? AND source = 'gps' AND state = 'suggested'"
                    " AND tag_id IS NOT ?",
                    (photo_id, keep),
                )
        return added

    def _has_approved_place(self, photo_id: int) -> bool:
        return self._conn.execute(
            "SELECT 1 FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.photo_id = ?"
            " AND pt.state = 'approved' AND t.name LIKE 'places|%' LIMIT 1",
            (photo_id,),
        ).fetchone() is not None
