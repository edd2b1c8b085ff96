"""The use cases: what a person can do with a library, once, for every front end.

Each function here is Qt-free and takes the calling thread's
:class:`~imgtag_desktop.core.catalog.Catalog`; the CLI commands (``cli/``) and the GUI's jobs
(``jobs/``) are thin adapters that turn arguments or widget state into a call and the
result into output or signals. A test runs each use case through both front ends and
compares the catalogs (tests/services/test_front_ends.py).

- :mod:`.library`: scanning a folder, with the import of the keywords its files hold;
- :mod:`.tagging`: choosing the photos to tag, tagging them;
- :mod:`.writing`: choosing the photos to write, writing approved tags into files, undoing
  the last write;
- :mod:`.tag_manager`: tag management across the library (rename, merge, move, delete, with
  exact undo).
"""

from __future__ import annotations

from .library import ScanReport, scan_and_import, tag_language
from .tag_manager import TagEdit, TagManager
from .tagging import photos_to_tag, photos_waiting, run_tagging
from .writing import WriterBusy, WritingOff, choose_photos_to_write, undo_write, write_mode, write_tags

__all__ = [
    "ScanReport",
    "TagEdit",
    "TagManager",
    "WriterBusy",
    "WritingOff",
    "choose_photos_to_write",
    "photos_to_tag",
    "photos_waiting",
    "run_tagging",
    "scan_and_import",
    "tag_language",
    "undo_write",
    "write_mode",
    "write_tags",
]
