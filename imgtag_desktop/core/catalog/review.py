"""Read-side queries for reviewing tags: per-photo counts, photos by tag, suggestion scores.

These serve the desktop app's grid badges, review-by-tag view and threshold preview; they
are plain reads so the GUI thread can run them on its own connection.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..confidence import SHOWN_SCALE
from ..query.compiler import Fragment, tag_ids_sql
from .base import Repository, in_chunks
from .records import PhotoStatus, TagSource, TagState


@dataclass(frozen=True)
class TagStateCounts:
    """How many tags of each state one photo carries."""

    suggested: int = 0
    approved: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class TaggedPhoto:
    """A photo carrying a given tag, with that tag's state and visual score."""

    photo_id: int
    state: TagState
    score: float | None


@dataclass(frozen=True)
class GridRow:
    """What the photo grid shows of one photo: the file and its tag counts by state."""

    id: int
    path: Path
    fingerprint: str | None
    status: PhotoStatus
    error: str | None
    suggested: int
    approved: int
    rejected: int


# The approved count is kept in the photo row by triggers; the other two are index probes.
_GRID_ROW = (
    "SELECT p.id, p.path_bytes, p.fingerprint, p.status, p.error,"
    " (SELECT count(*) FROM photo_tags pt WHERE pt.photo_id = p.id AND pt.state = 'suggested'),"
    " p.approved_tags,"
    " (SELECT count(*) FROM photo_tags pt WHERE pt.photo_id = p.id AND pt.state = 'rejected')"
    " FROM photos p"
)


class ReviewRepository(Repository):
    """Queries for the review views. Reads only."""

    def grid_rows(self, *, folder_id: int | None = None, ids: Sequence[int] | None = None) -> list[GridRow]:
        """The grid's rows in one query: every present photo (by path), a folder's, or ``ids`` in that order."""
        if ids is not None:
            sql = (_GRID_ROW + " JOIN json_each(?) j ON p.id = j.value WHERE p.status != 'missing' ORDER BY j.key")
            rows = self._conn.execute(sql, (json.dumps([int(i) for i in ids]),))
        elif folder_id is not None:
            rows = self._conn.execute(_GRID_ROW + " WHERE p.folder_id = ? AND p.status != 'missing'"
                                      " ORDER BY p.path_bytes", (folder_id,))
        else:
            rows = self._conn.execute(_GRID_ROW + " WHERE p.status != 'missing' ORDER BY p.path_bytes")
        return [GridRow(int(r[0]), Path(os.fsdecode(bytes(r[1]))), r[2], r[3], r[4], int(r[5]), int(r[6]), int(r[7]))
                for r in rows]

    def tag_state_counts(
        self, photo_ids: Sequence[int] | None = None, *, source: TagSource | None = None
    ) -> dict[int, TagStateCounts]:
        """Per-photo counts of suggested / approved / rejected tags (photos without tags are absent);
        ``source`` counts only the tags from there ('model': the tagging runs', not the scan's places)."""
        base = (
            "SELECT photo_id, count(CASE WHEN state = 'suggested' THEN 1 END),"
            " count(CASE WHEN state = 'approved' THEN 1 END),"
            " count(CASE WHEN state = 'rejected' THEN 1 END) FROM photo_tags"
        )
        where, args = (["source = ?"], (source,)) if source is not None else ([], ())
        result: dict[int, TagStateCounts] = {}
        if photo_ids is None:
            sql = base + "".join(f" WHERE {w}" for w in where) + " GROUP BY photo_id"
            for r in self._conn.execute(sql, args):
                result[int(r[0])] = TagStateCounts(r[1], r[2], r[3])
            return result
        for chunk, marks in in_chunks(list(photo_ids)):
            sql = base + " WHERE " + " AND ".join([*where, f"photo_id IN ({marks})"]) + " GROUP BY photo_id"
            for r in self._conn.execute(sql, (*args, *chunk)):
                result[int(r[0])] = TagStateCounts(r[1], r[2], r[3])
        return result

    def photos_with_tag(
        self, name: str, states: Sequence[TagState] = ("suggested", "approved"), *, include_children: bool = True
    ) -> list[TaggedPhoto]:
        """Photos carrying a tag (and, for a parent ``a``, its ``a|...`` children) in these states.

        Sorted by visual score, best first (tags without a score last), one row per photo.
        """
        states = list(states) or ["suggested", "approved", "rejected"]
        name = name.strip()
        marks = ",".join("?" * len(states))
        # The search language's tag matching (case-insensitive, children by index range).
        tag_ids = tag_ids_sql([name]) if include_children else Fragment("SELECT id FROM tags WHERE name = ?", (name,))
        rows = self._conn.execute(
            f"SELECT pt.photo_id, pt.state, max(pt.visual_score) FROM photo_tags pt WHERE pt.tag_id IN ({tag_ids.sql})"
            f" AND pt.state IN ({marks})"
            " GROUP BY pt.photo_id ORDER BY max(pt.visual_score) IS NULL, max(pt.visual_score) DESC, pt.photo_id",
            [*tag_ids.args, *states],
        )
        return [TaggedPhoto(int(r[0]), r[1], r[2]) for r in rows]

    def suggestion_histogram(self, photo_id: int | None = None, buckets: int = SHOWN_SCALE) -> list[int]:
        """Counts of suggested tags per score as shown: index ``i`` holds the scores shown as
        ``i / buckets`` (rounded half up, :func:`imgtag_desktop.core.confidence.shown_confidence`).

        ``buckets + 1`` entries; the first also holds those without a score or below 0. How many
        pass a threshold ``k / buckets`` (:func:`~imgtag_desktop.core.confidence.passes`) is
        ``sum(histogram[k:])``: one cheap grouped query instead of fetching every score.
        """
        sql = (
            "SELECT max(0, min(?, CAST(coalesce(visual_score, 0.0) * ? + 0.5 AS INTEGER))), count(*)"
            " FROM photo_tags WHERE state = 'suggested'"
        )
        args: list[object] = [buckets, buckets]
        if photo_id is not None:
            sql += " AND photo_id = ?"
            args.append(photo_id)
        histogram = [0] * (buckets + 1)
        for bucket, count in self._conn.execute(sql + " GROUP BY 1", args):
            histogram[int(bucket)] += int(count)
        return histogram

    def suggestion_scores(self, photo_id: int | None = None) -> list[float]:
        """Visual scores of the suggested tags (library-wide or of one photo), ascending.

        Suggestions without a score count as 0.0. Lets a threshold preview count, by bisection,
        how many suggestions pass any threshold without another query.
        """
        sql = "SELECT coalesce(visual_score, 0.0) FROM photo_tags WHERE state = 'suggested'"
        args: tuple[object, ...] = ()
        if photo_id is not None:
            sql += " AND photo_id = ?"
            args = (photo_id,)
        return [float(r[0]) for r in self._conn.execute(sql + " ORDER BY 1", args)]
