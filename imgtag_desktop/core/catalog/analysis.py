"""Captions, candidates (explanations), image embeddings and analysis runs (tagging pipeline)."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .base import CatalogBase


class AnalysisMixin(CatalogBase):
    """What the tagging pipeline learned about each photo."""

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
