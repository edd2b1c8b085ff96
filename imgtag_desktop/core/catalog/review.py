"""Read-side queries for reviewing tags: per-photo counts, photos by tag, suggestion scores.

These serve the desktop app's grid badges, review-by-tag view and threshold preview; they
are plain reads so the GUI thread can run them on its own connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..query.compiler import Fragment, tag_ids_sql
from .base import Repository, in_chunks
from .records import TagState


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


class ReviewRepository(Repository):
    """Queries for the review views. Reads only."""

    def tag_state_counts(self, photo_ids: Sequence[int] | None = None) -> dict[int, TagStateCounts]:
        """Per-photo counts of suggested / approved / rejected tags (photos without tags are absent)."""
        base = (
            "SELECT photo_id, count(CASE WHEN state = 'suggested' THEN 1 END),"
            " count(CASE WHEN state = 'approved' THEN 1 END),"
            " count(CASE WHEN state = 'rejected' THEN 1 END) FROM photo_tags"
        )
        result: dict[int, TagStateCounts] = {}
        if photo_ids is None:
            for r in self._conn.execute(base + " GROUP BY photo_id"):
                result[int(r[0])] = TagStateCounts(r[1], r[2], r[3])
            return result
        for chunk, marks in in_chunks(list(photo_ids)):
            for r in self._conn.execute(base + f" WHERE photo_id IN ({marks}) GROUP BY photo_id", chunk):
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

    def suggestion_histogram(self, photo_id: int | None = None, buckets: int = 100) -> list[int]:
        """Counts of suggested tags per score bucket: index ``i`` holds scores in [i/buckets, (i+1)/buckets).

        ``buckets + 1`` entries; the last holds scores >= 1.0, the first also those without a score
        or below 0. How many pass a threshold ``k / buckets`` is ``sum(histogram[k:])``: one cheap
        grouped query instead of fetching every score.
        """
        sql = (
            "SELECT max(0, min(?, CAST(coalesce(visual_score, 0.0) * ? + 1e-9 AS INTEGER))), count(*)"
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
