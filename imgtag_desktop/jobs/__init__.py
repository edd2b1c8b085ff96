"""Qt glue for long work: workers on their own threads with progress / result / failed / finished.

A job is a :class:`~imgtag_desktop.jobs.base.Job` (a QObject) moved to a QThread by
:func:`~imgtag_desktop.jobs.base.start_job`. Jobs receive snapshots (ids, paths, a settings
copy), open their own :class:`~imgtag_desktop.core.catalog.Catalog` on the library file, and
check a cancel flag between photos. This package is the only place that starts threads.
"""

from __future__ import annotations

from .base import Job, JobHandle, JobStats, start_job, when_finished
from .duplicates_job import CatalogActionJob, DuplicatesJob
from .queries import QueryRunner
from .scan_job import ScanJob
from .tagging_job import TaggingJob, tagging_available
from .thumbnails import ImageLoader

__all__ = [
    "CatalogActionJob",
    "DuplicatesJob",
    "ImageLoader",
    "Job",
    "JobHandle",
    "JobStats",
    "QueryRunner",
    "ScanJob",
    "TaggingJob",
    "start_job",
    "tagging_available",
    "when_finished",
]
