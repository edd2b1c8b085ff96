"""A library scan as the person means it: bring the catalog up to date, then import the
keywords of every photo whose file is new or changed.

Keyword import state lives in the photo row (``keywords_pending``, set when the scanner
writes the row, cleared in the transaction that records the file's keywords), so a scan
killed at any point resumes both halves: the next scan reads the files it had not reached,
and imports the keywords of every row still pending, including rows committed before the
kill. The CLI and the GUI's scan job both call :func:`scan_and_import`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .catalog import Catalog, ScanStats
from .metadata.service import ImportStats, WriterBusy, import_keywords, recover_interrupted_writes, writer_lock
from .scanner import CancelCheck, ProgressCallback, scan_folder


@dataclass
class ScanReport:
    """What a scan changed and what its keyword import found."""

    scan: ScanStats
    imported: ImportStats


def scan_and_import(
    catalog: Catalog,
    folder: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    import_progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    language: str = "en",
) -> ScanReport:
    """Scan ``folder``, then import the keywords of every photo still pending (any folder)."""
    try:
        with writer_lock(catalog):  # a write killed after its rename: the file is ours, not "changed"
            recover_interrupted_writes(catalog)
    except WriterBusy:
        pass  # a writer is running; it settles what is pending itself
    stats = scan_folder(catalog, folder, progress=progress, cancelled=cancelled, language=language)
    pending = catalog.writes.photo_ids_pending_keyword_import()
    imported = import_keywords(catalog, pending, progress=import_progress, cancelled=cancelled)
    return ScanReport(stats, imported)
