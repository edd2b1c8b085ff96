"""Scanning a folder in the background."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.catalog import Catalog
from ..core.i18n import TAG_LANGUAGES, resolve_language
from ..core.scan_import import scan_and_import
from ..core.settings import load_settings
from .base import Job, JobStats


class ScanJob(Job):
    """Bring the catalog up to date with one folder (opens its own catalog on the library file)."""

    kind = "scan"

    def __init__(self, library: str | os.PathLike[str], folder: str | os.PathLike[str]) -> None:
        super().__init__()
        self.library = Path(library)
        self.folder = Path(folder)
        self.title = f"Scanning {self.folder.name or self.folder}"

    def work(self, stats: JobStats) -> None:
        if not self.folder.is_dir():
            raise RuntimeError(f"{self.folder} is not a folder (moved or unplugged?); choose another with File > Open")

        def progress(done: int, total: int, path: str) -> None:
            stats.done, stats.total = done, total
            self.progress.emit(done, total, path)

        language = resolve_language(load_settings().tag_language, TAG_LANGUAGES)
        with Catalog(self.library) as catalog:
            report = scan_and_import(catalog, self.folder, progress=progress, import_progress=progress,
                                     cancelled=self.is_cancelled, language=language)
        result = report.scan
        for path, reason in result.errors + report.imported.errors + result.notes:
            self.failed.emit(0, path, reason)  # a scan error names a file, not a photo id
        stats.failures = len(result.errors) + len(report.imported.errors)
        stats.detail = {"folder": str(self.folder), **result.to_json(), "touched_ids": list(result.touched_ids),
                        "imported": report.imported.to_json()}
