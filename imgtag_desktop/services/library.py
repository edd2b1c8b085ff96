"""Library use case: scanning a folder, the keywords its files hold included.

A library scan as the person means it: bring the catalog up to date, then import the
keywords of every photo whose file is new or changed. Keyword import state lives in the
photo row (``keywords_pending``, set when the scanner writes the row, cleared in the
transaction that records the file's keywords), so a scan killed at any point resumes both
halves: the next scan reads the files it had not reached, and imports the keywords of every
row still pending, including rows committed before the kill. The CLI (``imgtag scan``) and
the GUI's scan job both call :func:`scan_and_import`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..core.catalog import Catalog, ScanStats
from ..core.i18n import TAG_LANGUAGES, resolve_language
from ..core.metadata.service import ImportStats, WriterBusy, import_keywords, recover_interrupted_writes, writer_lock
from ..core.scanner import CancelCheck, ProgressCallback, scan_folder
from ..core.settings import Settings, load_settings


@dataclass
class ScanReport:
    """What a scan changed and what its keyword import found."""

    scan: ScanStats
    imported: ImportStats

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Per-file problems of both halves, as (path, reason)."""
        return [*self.scan.errors, *self.imported.errors]


def tag_language(settings: Settings | None = None) -> str:
    """The language tags are named in (place names, vocabulary): the settings' choice, or the system's."""
    return resolve_language((settings or load_settings()).tag_language, TAG_LANGUAGES)


def scan_and_import(
    catalog: Catalog,
    folder: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    import_progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    language: str | None = None,
) -> ScanReport:
    """Scan ``folder``, then import the keywords of every photo still pending (any folder).

    ``language`` names place tags (default: :func:`tag_language` of the saved settings)."""
    try:
        with writer_lock(catalog):  # a write killed after its rename: the file is ours, not "changed"
            recover_interrupted_writes(catalog)
    except WriterBusy:
        pass  # a writer is running; it settles what is pending itself
    stats = scan_folder(catalog, folder, progress=progress, cancelled=cancelled,
                        language=language or tag_language())
    pending = catalog.writes.photo_ids_pending_keyword_import()
    imported = import_keywords(catalog, pending, progress=import_progress, cancelled=cancelled)
    rerank_placed_photos(catalog)
    return ScanReport(stats, imported)


def rerank_placed_photos(catalog: Catalog) -> int:
    """A place suggestion takes one place of its photo's budget: re-rank (from the stored
    candidates, no model run) the photos a newly found place put over the budget the library was
    last ranked with. Returns how many photos were re-ranked (none on an unchanged rescan)."""
    from ..tagging.suggest import RankingOptions, last_view, rerank

    view = last_view(catalog)
    if not view:
        return 0  # nothing ranked yet: the first ranking leaves room for the place
    options = RankingOptions.from_settings(load_settings(), threshold=view.get("threshold"),
                                           budget=view.get("budget"))
    ids = catalog.suggestions.over_budget_photo_ids(options.budget)
    if ids:
        rerank(catalog, options, ids)
    return len(ids)
