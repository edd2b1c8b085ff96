"""The re-ranking job: refit the learned model and rank every photo's stored candidates again.

No model runs: it reads the stored candidate features (see :mod:`imgtag_desktop.tagging.suggest`).
Started after a batch of decisions, or when the threshold or the budget moves.
"""

from __future__ import annotations

from pathlib import Path

from ..core.catalog import Catalog
from ..tagging.suggest import RankingOptions, after_decisions, rerank
from .base import Job, JobStats


class RerankJob(Job):
    kind = "rerank"
    title = "Ranking suggestions"

    def __init__(self, catalog_path: str | Path, options: RankingOptions, *, refit: bool) -> None:
        super().__init__()
        self.catalog_path = Path(catalog_path)
        self.options = options
        self.refit = refit

    def work(self, stats: JobStats) -> None:
        with Catalog(self.catalog_path) as catalog:
            result = after_decisions(catalog, self.options) if self.refit else rerank(catalog, self.options)
        stats.done = stats.total = result.photos
        stats.detail = {"suggestions": result.suggestions, "refitted": result.refitted}
