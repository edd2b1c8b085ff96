"""Suggestion ranking storage: candidate features, the decisions log, muted tags.

Every candidate of a photo's last analysis is stored with the features the ranking needs
(visual margin, raw cosine, keyword score, origin, similarity to the caption, its group of
near-duplicates), so the suggestions can be ranked again at any threshold, budget or learned
model without running a model. Every approve and reject is logged with the candidate's
features as they were when the person decided (:meth:`SuggestionsMixin.record_decisions`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .base import CatalogBase, in_chunks

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

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class Decision:
    """One logged approve/reject, with the candidate's features when it was decided."""

    photo_id: int
    tag: str
    label: int
    action: str
    models_key: str | None
    origin: str | None
    keyword_score: float | None
    visual_score: float | None
    raw_score: float | None
    margin: float | None
    caption_similarity: float | None
    rank: int | None


@dataclass(frozen=True)
class TagMute:
    """A tag's decision history and whether it is muted (never suggested anywhere)."""

    tag: str
    rejections: int
    approvals: int
    muted: bool
    override: str | None  # 'muted' / 'unmuted' when the person chose, else None
    baseline: int  # rejections when the person chose

    def to_json(self) -> dict[str, object]:
        return {"tag": self.tag, "rejections": self.rejections, "approvals": self.approvals,
                "muted": self.muted, "override": self.override}


RankedRow = tuple[int, str, str, float, int]  # photo id, candidate text, decision, confidence, rank


def _nan(v: object) -> float:
    return float("nan") if v is None else float(v)  # type: ignore[arg-type]


class SuggestionsMixin(CatalogBase):
    """Storage for ranking suggestions and learning from the person's decisions."""

    # -- stored candidates -----------------------------------------------------------------------

    def candidate_table(self, photo_ids: Sequence[int] | None = None) -> CandidateTable:
        """The stored candidates of analysed photos (all, or of these photos), in photo order."""
        sql = (
            "SELECT c.photo_id, c.text, c.origin, c.keyword_score, c.visual_score, c.raw_score, c.margin,"
            " c.caption_similarity, c.duplicate_group, a.models_key FROM candidates c"
            " JOIN analyses a ON a.photo_id = c.photo_id"
        )
        rows: list[tuple[object, ...]] = []
        if photo_ids is None:
            rows = list(self._conn.execute(sql + " ORDER BY c.photo_id"))
        else:
            for chunk, marks in in_chunks(sorted(set(photo_ids))):
                rows.extend(self._conn.execute(sql + f" WHERE c.photo_id IN ({marks}) ORDER BY c.photo_id", chunk))
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
        )

    def reviewed_tags(self, photo_ids: Sequence[int] | None = None) -> dict[int, dict[str, str]]:
        """Per photo, its approved and rejected tags (lower-cased names) and their states."""
        sql = (
            "SELECT pt.photo_id, lower(t.name), pt.state FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
            " WHERE pt.state IN ('approved', 'rejected')"
        )
        out: dict[int, dict[str, str]] = {}
        if photo_ids is None:
            chunks: Iterable[tuple[list[int], str]] = [([], "")]
        else:
            chunks = in_chunks(sorted(set(photo_ids)))
        for chunk, marks in chunks:
            q = sql if photo_ids is None else sql + f" AND pt.photo_id IN ({marks})"
            for pid, name, state in self._conn.execute(q, chunk):
                out.setdefault(int(pid), {})[str(name)] = str(state)
        return out

    def apply_ranking(
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
                        tag_ids[key] = int(self.ensure_tag(name).id)  # type: ignore[attr-defined]
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

    def withdraw_suggestions_of(self, name: str) -> int:
        """Take a tag's model suggestions off every photo (a muted tag). Returns how many."""
        with self.transaction() as conn:
            return conn.execute(
                "DELETE FROM photo_tags WHERE state = 'suggested' AND source = 'model'"
                " AND tag_id = (SELECT id FROM tags WHERE name = ?)",
                (name,),
            ).rowcount

    def analysed_photo_count(self, models_key: str | None = None) -> int:
        sql = "SELECT count(*) FROM analyses WHERE error IS NULL"
        args: tuple[object, ...] = ()
        if models_key is not None:
            sql += " AND models_key = ?"
            args = (models_key,)
        return int(self._conn.execute(sql, args).fetchone()[0])

    def analysed_photo_ids(self) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT photo_id FROM analyses WHERE error IS NULL")]

    def models_keys(self) -> list[str]:
        """The models keys of the analysed photos, most photos first."""
        rows = self._conn.execute(
            "SELECT models_key FROM analyses WHERE error IS NULL GROUP BY models_key ORDER BY count(*) DESC"
        )
        return [str(r[0]) for r in rows]

    # -- decisions -------------------------------------------------------------------------------

    def record_decisions(self, photo_ids: Iterable[int], name: str, label: int, action: str) -> int:
        """Log that the person approved (1) or rejected (0) a tag on photos, with the candidate's
        stored features (NULL when the tag was never a candidate there). Returns how many."""
        now = time.time()
        ids = list(dict.fromkeys(photo_ids))
        if not ids:
            return 0
        with self.transaction() as conn:
            for chunk, marks in in_chunks(ids):
                conn.execute(
                    "INSERT INTO decisions (photo_id, tag, label, action, models_key, origin, keyword_score,"
                    " visual_score, raw_score, margin, caption_similarity, rank, decided_at)"
                    " SELECT p.id, ?, ?, ?, a.models_key, c.origin, c.keyword_score, c.visual_score, c.raw_score,"
                    " c.margin, c.caption_similarity, c.rank, ? FROM photos p"
                    " LEFT JOIN candidates c ON c.photo_id = p.id AND c.text = ? COLLATE NOCASE"
                    " LEFT JOIN analyses a ON a.photo_id = p.id"
                    f" WHERE p.id IN ({marks})",
                    (name, int(label), action, now, name, *chunk),
                )
        return len(ids)

    def note_decision(self, photo_ids: Iterable[int], name: str, new_state: str, action: str) -> None:
        """Log the decision a state change makes, before it is written: approving or rejecting a tag
        (from any other state), or removing a suggestion (a rejection). Other changes are not logged."""
        ids = list(dict.fromkeys(photo_ids))
        if new_state not in ("approved", "rejected", "removed") or not ids:
            return
        before: dict[int, str] = {}
        for chunk, marks in in_chunks(ids):
            for pid, state in self._conn.execute(
                "SELECT pt.photo_id, pt.state FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
                f" WHERE t.name = ? AND pt.photo_id IN ({marks})",
                (name.strip(), *chunk),
            ):
                before[int(pid)] = str(state)
        if new_state == "removed":
            changed = [pid for pid in ids if before.get(pid) == "suggested"]
        else:
            changed = [pid for pid in ids if before.get(pid) != new_state]
        if changed:
            stored = self._conn.execute("SELECT name FROM tags WHERE name = ?", (name.strip(),)).fetchone()
            self.record_decisions(changed, str(stored[0]) if stored else name.strip(),
                                  1 if new_state == "approved" else 0, action)

    def _effective_decisions_sql(self) -> str:
        """The latest decision per (photo, tag) that the photo's tag still agrees with (undo, re-add)."""
        return (
            "SELECT d.* FROM decisions d"
            " JOIN (SELECT max(id) AS id FROM decisions GROUP BY photo_id, tag) last ON last.id = d.id"
            " LEFT JOIN tags t ON t.name = d.tag"
            " LEFT JOIN photo_tags pt ON pt.photo_id = d.photo_id AND pt.tag_id = t.id"
            " WHERE (d.label = 1 AND pt.state = 'approved')"
            " OR (d.label = 0 AND (pt.state IS NULL OR pt.state = 'rejected'))"
        )

    def decisions(self) -> list[Decision]:
        """The effective decisions (see :meth:`_effective_decisions_sql`), oldest first."""
        rows = self._conn.execute(
            "SELECT photo_id, tag, label, action, models_key, origin, keyword_score, visual_score, raw_score,"
            f" margin, caption_similarity, rank FROM ({self._effective_decisions_sql()}) ORDER BY id"
        )
        return [Decision(*r) for r in rows]

    def decision_count(self) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM ({self._effective_decisions_sql()})").fetchone()[0])

    def forget_decisions(self) -> None:
        """Reset learning: the decisions log and the person's mute choices are cleared (tags stay)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM decisions")
            conn.execute("DELETE FROM tag_mutes")

    # -- muting ----------------------------------------------------------------------------------

    def tag_mutes(self, after: int) -> list[TagMute]:
        """Every tag with a rejection or a mute choice; ``muted`` after ``after`` rejections, never approved."""
        rejections = {
            str(r[0]).lower(): (str(r[0]), int(r[1]))
            for r in self._conn.execute(
                f"SELECT tag, count(*) FROM ({self._effective_decisions_sql()}) WHERE label = 0 GROUP BY tag"
            )
        }
        approvals = {
            str(r[0]).lower(): int(r[1])
            for r in self._conn.execute(
                "SELECT t.name, count(*) FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id"
                " WHERE pt.state = 'approved' GROUP BY t.id"
            )
        }
        overrides = {str(r[0]).lower(): (str(r[0]), str(r[1]), int(r[2]))
                     for r in self._conn.execute("SELECT tag, state, rejections FROM tag_mutes")}
        out: list[TagMute] = []
        for key in sorted(set(rejections) | set(overrides)):
            name, rej = rejections.get(key, (overrides.get(key, (key, "", 0))[0], 0))
            appr = approvals.get(key, 0)
            override = overrides.get(key)
            if override is None:
                muted = rej >= after and appr == 0
            elif override[1] == "muted":
                muted = True
            else:  # unmuted by the person: muted again only after ``after`` more rejections
                muted = rej >= override[2] + after and appr == 0
            out.append(TagMute(name, rej, appr, muted, override[1] if override else None,
                               override[2] if override else 0))
        return out

    def muted_tag_names(self, after: int) -> set[str]:
        """Lower-cased names of the muted tags."""
        return {m.tag.lower() for m in self.tag_mutes(after) if m.muted}

    def mute_override(self, name: str) -> tuple[str, int] | None:
        row = self._conn.execute("SELECT state, rejections FROM tag_mutes WHERE tag = ?", (name,)).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def set_mute_override(self, name: str, override: tuple[str, int] | None) -> None:
        """The person's mute choice for a tag ('muted' / 'unmuted' with the rejections then), or none."""
        with self.transaction() as conn:
            if override is None:
                conn.execute("DELETE FROM tag_mutes WHERE tag = ?", (name,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO tag_mutes (tag, state, rejections, changed_at) VALUES (?, ?, ?, ?)",
                    (name, override[0], int(override[1]), time.time()),
                )
