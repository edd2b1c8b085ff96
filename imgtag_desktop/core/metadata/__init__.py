"""Keywords in files: reading XMP / IPTC / EXIF keywords and sidecars, and writing approved tags safely.

- :func:`read_keywords` — every keyword of a photo (embedded fields and both sidecar styles).
- :func:`import_keywords` — record them as approved tags with source ``imported`` (used on scan).
- :func:`plan_writes` / :func:`write_photos` / :func:`undo_last_write` — preview, write, undo.

See :mod:`.write` for the safety rules (temporary copy, verification, atomic rename).
"""

from __future__ import annotations

from .keywords import KeywordFields, MetadataParseError
from .read import KeywordReading, read_embedded, read_keywords, read_sidecar, sidecar_path, sidecar_paths
from .service import (
    ImportStats,
    WriterBusy,
    WriteReport,
    import_keywords,
    photos_to_write,
    plan_writes,
    undo_last_write,
    write_photos,
)
from .write import FileChange, PhotoSnapshot, WriteResult, apply_change, clean_stray_temps, plan_change

__all__ = [
    "FileChange",
    "ImportStats",
    "KeywordFields",
    "KeywordReading",
    "MetadataParseError",
    "PhotoSnapshot",
    "WriteReport",
    "WriteResult",
    "WriterBusy",
    "apply_change",
    "clean_stray_temps",
    "import_keywords",
    "photos_to_write",
    "plan_change",
    "plan_writes",
    "read_embedded",
    "read_keywords",
    "read_sidecar",
    "sidecar_path",
    "sidecar_paths",
    "undo_last_write",
    "write_photos",
]
