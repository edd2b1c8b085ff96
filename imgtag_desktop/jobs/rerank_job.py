"""The re-ranking job: refit the learned model and rank every photo's stored candidates again.

No model runs: it reads the stored candidate features (see :mod:`imgtag_desktop.tagging.suggest`).
Started after a batch of decisions, when the threshold or the budget moves, or for the photo the
person just left when a ranking kept it as it was while it was shown (``hold``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from ..core.catalog import Catalog
from ..tagging.suggest import RankingOptions, after_decisions, rerank
from .base import Job, JobStats


class RerankJob(Job):
    kind = "rerank"
    title = "Ranking suggestions"

    def __init__(self, catalog_path: str | Path, options: RankingOptions, *, refit: bool,
                 photo_ids: Sequence[int] | None = None, hold: Collection[int] = ()) -> None:
        super().__init__()
        self.catalog_path = Path(catalog_path)
        self.options = options
        self.refit = refit
        self.photo_ids = None if photo_ids is None else list(photo_ids)
        self.hold = frozenset(hold)

    def work(self, stats: JobStats) -> None:
        with Catalog(self.catalog_path) as catalog:
            if self.refit:
                result = after_decisions(catalog, self.options, hold=self.hold)
            else:
                result = rerank(catalog, self.options, self.photo_ids, hold=self.hold)
        stats.done = stats.total = result.photos
        stats.detail = {"suggestions": result.suggestions, "refitted": result.refitted,
                        "changed": list(result.changed), "held": list(result.held)}
