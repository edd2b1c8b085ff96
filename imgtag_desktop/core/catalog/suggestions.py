"""Suggestion ranking storage: candidate features, the decisions log, muted tags.

Every candidate of a photo's last analysis is stored with the features the ranking needs
(visual margin, raw cosine, keyword score, origin, similarity to the caption, its group of
near-duplicates), so the suggestions can be ranked again at any threshold, budget or learned
model without running a model. Every approve and reject is logged with the candidate's
features as they were when the person decided (see :mod:`.decisions`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .base import CatalogBase, Repository, in_chunks
from .tags import TagsRepository, resolve_alias

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CandidateTable:
    """Stored candidates (one row each) as columns; missing numbers are NaN."""

    photo_ids: IntArray
    texts: list[str]
    origins: list[str]
    keyword: FloatArray
    visual: FloatArray
    raw: FloatArray
    margin: FloatArray
    caption_similarity: FloatArray
    group: IntArray  # -1 when unknown (each candidate alone)
    models_keys: list[str]
    names: list[str]  # the tag each suggests (tag language; the text when no other name)

    def __len__(self) -> int:
        return len(self.texts)


RankedRow = tuple[int, str, str, float, int]  # photo id, candidate text, decision, confidence, rank


def _nan(v: object) -> float:
    return float("nan") if v is None else float(v)  # type: ignore[arg-type]


class SuggestionsRepository(Repository):
    """Stored candidates with their features, and the suggestions a ranking makes of them."""

    def __init__(self, db: CatalogBase, tags: TagsRepository) -> None:
        super().__init__(db)
        self._tags = tags

    # -- stored candidates -----------------------------------------------------------------------

    def table(self, photo_ids: Sequence[int] | None = None) -> CandidateTable:
        """The stored candidates of analysed photos (all, or of these photos), in photo order."""
        sql = (
            "SELECT c.photo_id, c.text, c.origin, c.keyword_score, c.visual_score, c.raw_score, c.margin,"
            " c.caption_similarity, c.duplicate_group, a.models_key, coalesce(c.name, c.text) FROM candidates c"
            " JOIN analyses a ON a.photo_id = c.photo_id"
        )
        rows: list[tuple[object, ...]] = []
        if photo_ids is None:
            rows = list(self._conn.execute(sql + " ORDER BY c.photo_id"))
        else:
            for chunk, marks in in_chunks(sorted(set(photo_ids))):
                rows.extend(self._conn.execute(sql + f" WHERE c.photo_id IN ({marks}) ORDER BY c.photo_id", chunk))
        aliases = self._tags.aliases()  # a renamed or merged tag is suggested under its new name
        return CandidateTable(
            photo_ids=np.array([int(r[0]) for r in rows], dtype=np.int64),  # type: ignore[call-overload]
            texts=[str(r[1]) for r in rows],
            origins=[str(r[2]) for r in rows],
            keyword=np.array([_nan(r[3]) for r in rows], dtype=np.float64),
            visual=np.array([_nan(r[4]) for r in rows], dtype=np.float64),
            raw=np.array([_nan(r[5]) for r in rows], dtype=np.float64),
            margin=np.array([_nan(r[6]) for r in rows], dtype=np.float64),
            caption_similarity=np.array([_nan(r[7]) for r in rows], dtype=np.float64),
            group=np.array([-1 if r[8] is None else int(r[8]) for r in rows], dtype=np.int64),  # type: ignore[call-overload]
            models_keys=[str(r[9]) for r in rows],
            names=[resolve_alias(str(r[10]), aliases) for r in rows],
        )

    def reviewed(self, photo_ids: Sequence[int] | None = None) -> dict[int, dict[str, str]]:
        """Per photo, its approved and rejected tags (lower-cased names) and their states.

        A suggestion the person removed (and did not put back) counts as rejected there, so the
        ranking does not bring it straight back."""
        queries = (
            ("SELECT pt.photo_id, lower(t.name), pt.state FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
             " WHERE pt.state IN ('approved', 'rejected')", "pt.photo_id"),
            ("SELECT d.photo_id, lower(d.tag), 'rejected' FROM decisions d"
             " JOIN (SELECT max(id) AS id FROM decisions GROUP BY photo_id, tag) last ON last.id = d.id"
             " WHERE d.action = 'remove' AND NOT EXISTS (SELECT 1 FROM photo_tags pt JOIN tags t"
             " ON t.id = pt.tag_id WHERE pt.photo_id = d.photo_id AND t.name = d.tag)", "d.photo_id"),
        )
        out: dict[int, dict[str, str]] = {}
        for sql, column in reversed(queries):  # a photo tag's own state wins
            if photo_ids is None:
                chunks: Iterable[tuple[list[int], str]] = [([], "")]
            else:
                chunks = in_chunks(sorted(set(photo_ids)))
            for chunk, marks in chunks:
                q = sql if photo_ids is None else sql + f" AND {column} IN ({marks})"
                for pid, name, state in self._conn.execute(q, chunk):
                    out.setdefault(int(pid), {})[str(name)] = str(state)
        return out

    def other_suggested(self, photo_ids: Sequence[int] | None = None) -> dict[int, int]:
        """Per photo, how many of its suggestions come from elsewhere than the models (a place from
        its GPS position): they take places of the photo's budget."""
        sql = "SELECT photo_id, count(*) FROM photo_tags WHERE state = 'suggested' AND source != 'model'"
        out: dict[int, int] = {}
        chunks: Iterable[tuple[list[int], str]] = (
            [([], "")] if photo_ids is None else in_chunks(sorted(set(photo_ids)))
        )
        for chunk, marks in chunks:
            q = sql + ("" if photo_ids is None else f" AND photo_id IN ({marks})") + " GROUP BY photo_id"
            out.update((int(pid), int(n)) for pid, n in self._conn.execute(q, chunk))
        return out

    def shown(self, photo_ids: Sequence[int] | None = None) -> dict[int, dict[str, float | None]]:
        """Per photo, the model suggestions it shows now: lower-cased name -> confidence."""
        sql = ("SELECT pt.photo_id, lower(t.name), pt.visual_score FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
               " WHERE pt.state = 'suggested' AND pt.source = 'model'")
        out: dict[int, dict[str, float | None]] = {}
        chunks: Iterable[tuple[list[int], str]] = (
            [([], "")] if photo_ids is None else in_chunks(sorted(set(photo_ids)))
        )
        for chunk, marks in chunks:
            q = sql + ("" if photo_ids is None else f" AND pt.photo_id IN ({marks})")
            for pid, name, score in self._conn.execute(q, chunk):
                out.setdefault(int(pid), {})[str(name)] = None if score is None else float(score)
        return out

    def over_budget_photo_ids(self, budget: int) -> list[int]:
        """Photos that show more than ``budget`` suggestions because one came from elsewhere than
        the models (a place found by a scan after the photo was ranked)."""
        return [int(r[0]) for r in self._conn.execute(
            "SELECT photo_id FROM photo_tags WHERE state = 'suggested' GROUP BY photo_id"
            " HAVING count(*) > ? AND sum(source != 'model') > 0 ORDER BY photo_id", (int(budget),))]

    def apply(
        self,
        suggestions: Mapping[int, Sequence[tuple[str, float | None, float]]],
        rows: Sequence[RankedRow],
        models_keys: Mapping[int, str],
    ) -> int:
        """Make ``suggestions`` (name, keyword score, confidence) the model suggestions of these photos.

        Approved and rejected tags are never touched; model suggestions of these photos that are
        not listed are withdrawn. ``rows`` update each candidate's decision, confidence and rank
        (the explanation). One transaction. Returns how many suggestions these photos now show.
        """
        now = time.time()
        tag_ids: dict[str, int] = {}
        shown = 0
        with self.transaction() as conn:
            for photo_id, items in suggestions.items():
                keep: set[int] = set()
                for name, keyword, confidence in items:
                    key = name.lower()
                    if key not in tag_ids:
                        tag_ids[key] = int(self._tags.ensure(name).id)
                    tag_id = tag_ids[key]
                    cur = conn.execute(
                        "INSERT INTO photo_tags (photo_id, tag_id, state, source, keyword_score, visual_score,"
                        " model_version, created_at, updated_at) VALUES (?, ?, 'suggested', 'model', ?, ?, ?, ?, ?)"
                        " ON CONFLICT (photo_id, tag_id) DO UPDATE SET keyword_score = excluded.keyword_score,"
                        " visual_score = excluded.visual_score, model_version = excluded.model_version,"
                        " source = 'model', updated_at = excluded.updated_at WHERE photo_tags.state = 'suggested'"
                        " AND (photo_tags.visual_score IS NOT excluded.visual_score"
                        " OR photo_tags.source != 'model')",
                        (photo_id, tag_id, keyword, round(confidence, 6), models_keys.get(photo_id), now, now),
                    )
                    del cur
                    keep.add(tag_id)
                    shown += 1
                stale = conn.execute(
                    "SELECT tag_id FROM photo_tags WHERE photo_id = ? AND state = 'suggested' AND source = 'model'",
                    (photo_id,),
                ).fetchall()
                conn.executemany(
                    "DELETE FROM photo_tags WHERE photo_id = ? AND tag_id = ? AND state = 'suggested'",
                    [(photo_id, int(r[0])) for r in stale if int(r[0]) not in keep],
                )
            conn.executemany(
                "UPDATE candidates SET decision = ?, confidence = ?, rank = ? WHERE photo_id = ? AND text = ?",
                [(decision, round(conf, 6), rank, pid, text) for pid, text, decision, conf, rank in rows],
            )
        return shown

    def withdraw(self, name: str) -> int:
        """Take a tag's model suggestions off every photo (a muted tag). Returns how many."""
        with self.transaction() as conn:
            return conn.execute(
                "DELETE FROM photo_tags WHERE state = 'suggested' AND source = 'model'"
                " AND tag_id = (SELECT id FROM tags WHERE name = ?)",
                (name,),
            ).rowcount

    def analysed_count(self, models_key: str | None = None) -> int:
        sql = "SELECT count(*) FROM analyses WHERE error IS NULL"
        args: tuple[object, ...] = ()
        if models_key is not None:
            sql += " AND models_key = ?"
            args = (models_key,)
        return int(self._conn.execute(sql, args).fetchone()[0])

    def analysed_ids(self) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT photo_id FROM analyses WHERE error IS NULL")]

    def models_keys(self) -> list[str]:
        """The models keys of the analysed photos, most photos first."""
        rows = self._conn.execute(
            "SELECT models_key FROM analyses WHERE error IS NULL GROUP BY models_key ORDER BY count(*) DESC"
        )
        return [str(r[0]) for r in rows]
