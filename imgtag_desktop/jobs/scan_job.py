"""Scanning a folder in the background."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

from ..core.catalog import Catalog
from ..core.settings import Settings
from ..services.library import scan_and_import
from ..services.tagging import photos_waiting
from .base import Job, JobStats
from .tagging_job import tagging_available

log = logging.getLogger(__name__)


class ScanJob(Job):
    """Bring the catalog up to date with one folder, keywords in the files included
    (:func:`~imgtag_desktop.services.library.scan_and_import`, on its own catalog). With ``settings``,
    it also counts the photos Tag all would tag now (``detail["waiting"]``): photos new to the
    library, changed, or left untagged by a run that was stopped or killed."""

    kind = "scan"

    def __init__(self, library: str | os.PathLike[str], folder: str | os.PathLike[str],
                 settings: Settings | None = None) -> None:
        super().__init__()
        self.library = Path(library)
        self.folder = Path(folder)
        self.settings = dataclasses.replace(settings) if settings is not None else None  # a copy for this thread
        self.title = f"Scanning {self.folder.name or self.folder}"

    def work(self, stats: JobStats) -> None:
        if not self.folder.is_dir():
            raise RuntimeError(f"{self.folder} is not a folder (moved or unplugged?); choose another with File > Open")

        def progress(done: int, total: int, path: str) -> None:
            stats.done, stats.total = done, total
            self.progress.emit(done, total, path)

        waiting: int | None = None
        with Catalog(self.library) as catalog:
            report = scan_and_import(catalog, self.folder, progress=progress, import_progress=progress,
                                     cancelled=self.is_cancelled)
            if self.settings is not None and not self.is_cancelled():
                try:
                    # Only where a Tag all could run at all (the model libraries are installed).
                    waiting = photos_waiting(catalog, self.settings) if tagging_available()[0] else None
                except Exception:  # a count for the summary only: the scan itself is done
                    log.warning("cannot count the photos waiting to be tagged", exc_info=True)
        result = report.scan
        for path, reason in report.errors + result.notes:
            self.failed.emit(0, path, reason)  # a scan error names a file, not a photo id
        stats.failures = len(report.errors)
        stats.detail = {"folder": str(self.folder), **result.to_json(), "touched_ids": list(result.touched_ids),
                        "imported": report.imported.to_json()}
        if waiting is not None:
            stats.detail["waiting"] = waiting
