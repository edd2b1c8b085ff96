"""Library use case: scanning a folder, the keywords its files hold included."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..core.catalog import Catalog, ScanStats
from ..core.metadata import ImportStats, import_keywords
from ..core.scanner import CancelCheck, ProgressCallback, scan_folder


@dataclass
class ScanReport:
    """What a scan changed and what its keyword import found."""

    scan: ScanStats
    imported: ImportStats

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Per-file problems of both halves, as (path, reason)."""
        return [*self.scan.errors, *self.imported.errors]


def scan_and_import(
    catalog: Catalog,
    folder: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    import_progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ScanReport:
    """Bring the catalog up to date with ``folder``; the keywords already in new, changed or
    moved files become approved tags with source ``imported``."""
    stats = scan_folder(catalog, folder, progress=progress, cancelled=cancelled)
    imported = import_keywords(catalog, stats.touched_ids, progress=import_progress, cancelled=cancelled)
    return ScanReport(stats, imported)

