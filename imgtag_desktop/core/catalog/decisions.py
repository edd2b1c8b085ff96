"""The decisions log and muted tags: what the person approved and rejected, for learning.

Every approve and reject is logged with the candidate's stored features as they were when the
person decided (:meth:`DecisionsRepository.note`, called by the tags repository before a state
change is written). A tag rejected often and never approved is muted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from .base import Repository, in_chunks


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


class DecisionsRepository(Repository):
    """The person's approvals and rejections with their features, and mute choices."""

    # -- decisions -------------------------------------------------------------------------------

    def record(self, photo_ids: Iterable[int], name: str, label: int, action: str) -> int:
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
                    " LEFT JOIN candidates c ON c.photo_id = p.id AND c.text = (SELECT text FROM candidates"
                    " WHERE photo_id = p.id AND coalesce(name, text) = ? COLLATE NOCASE ORDER BY name IS NULL LIMIT 1)"
                    " LEFT JOIN analyses a ON a.photo_id = p.id"
                    f" WHERE p.id IN ({marks})",
                    (name, int(label), action, now, name, *chunk),
                )
        return len(ids)

    def note(self, photo_ids: Iterable[int], name: str, new_state: str, action: str) -> None:
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
            self.record(changed, str(stored[0]) if stored else name.strip(),
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

    def effective(self) -> list[Decision]:
        """The effective decisions (see :meth:`_effective_decisions_sql`), oldest first."""
        rows = self._conn.execute(
            "SELECT photo_id, tag, label, action, models_key, origin, keyword_score, visual_score, raw_score,"
            f" margin, caption_similarity, rank FROM ({self._effective_decisions_sql()}) ORDER BY id"
        )
        return [Decision(*r) for r in rows]

    def count(self) -> int:
        return int(self._conn.execute(f"SELECT count(*) FROM ({self._effective_decisions_sql()})").fetchone()[0])

    def forget(self) -> None:
        """Reset learning: the decisions log and the person's mute choices are cleared (tags stay)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM decisions")
            conn.execute("DELETE FROM tag_mutes")

    # -- muting ----------------------------------------------------------------------------------

    def mutes(self, after: int) -> list[TagMute]:
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

    def muted_names(self, after: int) -> set[str]:
        """Lower-cased names of the muted tags."""
        return {m.tag.lower() for m in self.mutes(after) if m.muted}

    def override(self, name: str) -> tuple[str, int] | None:
        row = self._conn.execute("SELECT state, rejections FROM tag_mutes WHERE tag = ?", (name,)).fetchone()
        return (str(row[0]), int(row[1])) if row else None

    def set_override(self, name: str, override: tuple[str, int] | None) -> None:
        """The person's mute choice for a tag ('muted' / 'unmuted' with the rejections then), or none."""
        with self.transaction() as conn:
            if override is None:
                conn.execute("DELETE FROM tag_mutes WHERE tag = ?", (name,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO tag_mutes (tag, state, rejections, changed_at) VALUES (?, ?, ?, ?)",
                    (name, override[0], int(override[1]), time.time()),
                )
