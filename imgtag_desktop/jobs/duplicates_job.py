"""Finding near-duplicates, and acting on them, in the background."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..core.catalog import Catalog
from ..core.duplicates import find_duplicates, update_hashes
from .base import Job, JobStats


class DuplicatesJob(Job):
    """Hash the photos that need it, then group near-duplicates (``detail["groups"]``)."""

    kind = "duplicates"
    title = "Looking for duplicates"

    def __init__(self, library: str | os.PathLike[str]) -> None:
        super().__init__()
        self.library = Path(library)

    def work(self, stats: JobStats) -> None:
        def progress(done: int, total: int, path: str) -> None:
            stats.done, stats.total = done, total
            self.progress.emit(done, total, path)

        with Catalog(self.library) as catalog:
            problems = update_hashes(catalog, progress=progress, cancelled=self.is_cancelled)
            if self.is_cancelled():
                return
            self.message.emit("Grouping near-duplicates…")
            groups = find_duplicates(catalog)
        for path, reason in problems:
            self.failed.emit(0, path, reason)
        stats.failures = len(problems)
        stats.detail = {"groups": groups}


class CatalogActionJob(Job):
    """One write to the library off the GUI thread: ``action(catalog)``'s value is ``detail["result"]``."""

    def __init__(self, library: str | os.PathLike[str], kind: str, title: str,
                 action: Callable[[Catalog], object]) -> None:
        super().__init__()
        self.library = Path(library)
        self.kind = kind
        self.title = title
        self.action = action

    def work(self, stats: JobStats) -> None:
        with Catalog(self.library) as catalog:
            stats.detail = {"result": self.action(catalog)}
