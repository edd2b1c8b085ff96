"""Captions, candidates (explanations), image embeddings and analysis runs (tagging pipeline)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .base import CatalogBase, Repository, in_chunks
from .tags import TagsRepository


@dataclass(frozen=True)
class CandidateRow:
    """One candidate tag of a photo's last analysis, with its evidence and what was decided."""

    text: str
    origin: str  # caption | vocabulary | library
    keyword_score: float | None
    visual_score: float | None
    raw_score: float | None
    decision: str
    margin: float | None = None  # cos(x, t) - cos(x, neutral text)
    caption_similarity: float | None = None  # keyword-model cosine to the caption
    duplicate_group: int | None = None  # near-duplicates of one photo share it
    confidence: float | None = None  # of the last ranking
    rank: int | None = None  # 1-based in the photo, by visual evidence
    name: str | None = None  # the tag it suggests, in the tag language (None: ``text``)

    @property
    def tag_name(self) -> str:
        return self.name or self.text

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "origin": self.origin,
            "keyword_score": self.keyword_score,
            "visual_score": self.visual_score,
            "raw_score": self.raw_score,
            "decision": self.decision,
            "margin": self.margin,
            "caption_similarity": self.caption_similarity,
            "duplicate_group": self.duplicate_group,
            "confidence": self.confidence,
            "rank": self.rank,
            "name": self.tag_name,
        }


@dataclass(frozen=True)
class Suggestion:
    """A tag the pipeline suggests for a photo, with the scores that produced it."""

    name: str
    keyword_score: float | None
    visual_score: float | None


@dataclass(frozen=True)
class AnalysisInfo:
    """The analyses row of a photo: which models, when, with which threshold, and any error."""

    photo_id: int
    models_key: str
    fingerprint: str | None
    analysed_at: float
    threshold: float | None
    error: str | None


class AnalysisRepository(Repository):
    """What the tagging pipeline learned about each photo."""

    def __init__(self, db: CatalogBase, tags: TagsRepository) -> None:
        super().__init__(db)
        self._tags = tags

    # -- image embeddings (CLIP), float32 and L2-normalised ---------------------------------------

    def set_embeddings(self, items: Sequence[tuple[int, npt.NDArray[np.float32]]], model_version: str) -> None:
        """Store normalised image embeddings (one row per photo, replaced on re-analysis)."""
        now = time.time()
        rows = []
        for photo_id, vector in items:
            v = np.asarray(vector, dtype="<f4").ravel()
            norm = float(np.linalg.norm(v))
            if norm > 0:
                v = (v / norm).astype("<f4")
            rows.append((photo_id, model_version, int(v.shape[0]), v.tobytes(), now))
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (photo_id, model_version, dim, vector, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def image_embeddings(self, model_version: str | None = None) -> tuple[list[int], npt.NDArray[np.float32]]:
        """All stored embeddings as (photo ids, N x D float32 matrix), optionally of one model.

        Rows of a dimension other than the first row's are skipped (a model change in progress).
        """
        sql = "SELECT photo_id, dim, vector FROM embeddings"
        args: tuple[object, ...] = ()
        if model_version is not None:
            sql += " WHERE model_version = ?"
            args = (model_version,)
        ids: list[int] = []
        chunks: list[bytes] = []
        dim = 0
        for photo_id, d, blob in self._conn.execute(sql + " ORDER BY photo_id", args):
            if not dim:
                dim = int(d)
            if d != dim:
                continue
            ids.append(int(photo_id))
            chunks.append(bytes(blob))
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(ids), dim).astype(np.float32)
        return ids, matrix

    # -- resumability -------------------------------------------------------------------------------

    def pending(self, models_key: str, photo_ids: Sequence[int] | None = None) -> list[int]:
        """Readable photos with no analysis by these models of their current content, in path order.

        A photo analysed by other models, or whose file changed since (another fingerprint),
        needs analysis again. Broken and missing photos are left out.
        """
        sql = (
            "SELECT p.id FROM photos p LEFT JOIN analyses a ON a.photo_id = p.id"
            " WHERE p.status = 'ok' AND (a.photo_id IS NULL OR a.models_key != ? OR a.error IS NOT NULL"
            " OR a.fingerprint IS NOT p.fingerprint)"
        )
        if photo_ids is None:
            return [int(r[0]) for r in self._conn.execute(sql + " ORDER BY p.path_bytes", (models_key,))]
        wanted: set[int] = set()
        ids = list(photo_ids)
        for chunk, marks in in_chunks(ids):
            rows = self._conn.execute(sql + f" AND p.id IN ({marks})", (models_key, *chunk))
            wanted.update(int(r[0]) for r in rows)
        return [pid for pid in dict.fromkeys(ids) if pid in wanted]

    # -- one photo's analysis ----------------------------------------------------------------------

    def record(
        self,
        photo_id: int,
        *,
        caption: str,
        caption_model: str,
        candidates: Sequence[CandidateRow],
        suggestions: Sequence[Suggestion] | None,
        embedding: npt.NDArray[np.float32] | None,
        visual_model: str,
        models_key: str,
        fingerprint: str | None,
        threshold: float | None,
    ) -> list[str]:
        """Store everything one analysis produced, in one transaction. Returns the tags now suggested.

        ``suggestions`` None leaves the photo's suggestions as they are (the ranking makes them from
        the stored candidates: it may keep a photo the person is looking at as it was)."""
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO captions (photo_id, caption, model_version, created_at) VALUES (?, ?, ?, ?)",
                (photo_id, caption, caption_model, now),
            )
            conn.execute("DELETE FROM candidates WHERE photo_id = ?", (photo_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO candidates (photo_id, text, origin, keyword_score, visual_score, raw_score,"
                " decision, margin, caption_similarity, duplicate_group, confidence, rank, name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (photo_id, c.text, c.origin, c.keyword_score, c.visual_score, c.raw_score, c.decision,
                     c.margin, c.caption_similarity, c.duplicate_group, c.confidence, c.rank, c.name)
                    for c in candidates
                ],
            )
            suggested = [] if suggestions is None else self.record_suggestions(photo_id, suggestions, models_key)
            if embedding is not None:
                self.set_embeddings([(photo_id, embedding)], visual_model)
            conn.execute(
                "INSERT OR REPLACE INTO analyses (photo_id, models_key, fingerprint, analysed_at, error, threshold)"
                " VALUES (?, ?, ?, ?, NULL, ?)",
                (photo_id, models_key, fingerprint, now, threshold),
            )
        return suggested

    def record_error(self, photo_id: int, models_key: str, error: str) -> None:
        """Remember that a photo could not be analysed (it is tried again on the next run)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO analyses (photo_id, models_key, fingerprint, analysed_at, error)"
                " VALUES (?, ?, (SELECT fingerprint FROM photos WHERE id = ?), ?, ?)",
                (photo_id, models_key, photo_id, time.time(), error),
            )

    def record_suggestions(self, photo_id: int, suggestions: Sequence[Suggestion], model_version: str) -> list[str]:
        """Make these the photo's model suggestions.

        Approved and rejected tags are never changed (a rejected tag is never suggested again);
        earlier model suggestions that are not in ``suggestions`` are withdrawn. Returns the
        names that are suggestions now.
        """
        now = time.time()
        kept: list[str] = []
        with self.transaction() as conn:
            tag_ids: dict[int, Suggestion] = {}
            for s in suggestions:
                tag = self._tags.ensure(s.name)
                tag_ids[int(tag.id)] = s
            for tag_id, s in tag_ids.items():
                cur = conn.execute(
                    "INSERT INTO photo_tags (photo_id, tag_id, state, source, keyword_score, visual_score,"
                    " model_version, created_at, updated_at) VALUES (?, ?, 'suggested', 'model', ?, ?, ?, ?, ?)"
                    " ON CONFLICT (photo_id, tag_id) DO UPDATE SET keyword_score = excluded.keyword_score,"
                    " visual_score = excluded.visual_score, model_version = excluded.model_version,"
                    " updated_at = excluded.updated_at WHERE photo_tags.state = 'suggested'",
                    (photo_id, tag_id, s.keyword_score, s.visual_score, model_version, now, now),
                )
                if cur.rowcount:
                    kept.append(s.name)
            stale = conn.execute(
                "SELECT tag_id FROM photo_tags WHERE photo_id = ? AND state = 'suggested' AND source = 'model'",
                (photo_id,),
            ).fetchall()
            conn.executemany(
                "DELETE FROM photo_tags WHERE photo_id = ? AND tag_id = ?",
                [(photo_id, r[0]) for r in stale if int(r[0]) not in tag_ids],
            )
        return kept

    def caption(self, photo_id: int) -> str | None:
        row = self._conn.execute("SELECT caption FROM captions WHERE photo_id = ?", (photo_id,)).fetchone()
        return str(row[0]) if row else None

    def candidates(self, photo_id: int) -> list[CandidateRow]:
        """The explanation of a photo's last analysis: every candidate, best visual score first."""
        rows = self._conn.execute(
            "SELECT text, origin, keyword_score, visual_score, raw_score, decision, margin, caption_similarity,"
            " duplicate_group, confidence, rank, name FROM candidates"
            " WHERE photo_id = ? ORDER BY coalesce(confidence, visual_score) DESC, text",
            (photo_id,),
        )
        return [CandidateRow(*r) for r in rows]

    def info(self, photo_id: int) -> AnalysisInfo | None:
        row = self._conn.execute(
            "SELECT photo_id, models_key, fingerprint, analysed_at, threshold, error FROM analyses WHERE photo_id = ?",
            (photo_id,),
        ).fetchone()
        return AnalysisInfo(*row) if row else None
