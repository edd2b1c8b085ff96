"""Writing use cases: choosing the photos to write, writing approved tags into files, undoing.

One writer per library at a time: a second write in this process fails at once with
:class:`~imgtag_desktop.core.metadata.WriterBusy` (the catalog's write lock also keeps other
processes out). A busy writer is an error with what to do, never a "cancelled" run.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..core.catalog import Catalog
from ..core.metadata import WriterBusy, WriteReport, WriteResult, photos_to_write, undo_last_write, write_photos
from ..core.scanner import CancelCheck, ProgressCallback

TextEncoder = Callable[[str], Any]

__all__ = ["WriterBusy", "WritingOff", "choose_photos_to_write", "undo_write", "write_mode", "write_tags"]

_one_writer = threading.Lock()

WRITING_OFF = ("metadata writing is off for this library; choose sidecar or embedded mode "
               "(imgtag write --mode sidecar --save, or the write dialog)")


class WritingOff(ValueError):
    """No write mode given and the library's mode is off."""


@contextlib.contextmanager
def _single_writer() -> Iterator[None]:
    if not _one_writer.acquire(blocking=False):
        raise WriterBusy("another write is running; wait for it to finish")
    try:
        yield
    finally:
        _one_writer.release()


def choose_photos_to_write(catalog: Catalog, query: str | None = None,
                           text_encoder: TextEncoder | None = None) -> list[int]:
    """The photos a write visits: those matching ``query`` (the search language), or without
    one every photo with approved tags plus the photos whose files hold keywords imgtag
    manages (their removed tags must leave the files too)."""
    if not query:
        return photos_to_write(catalog)
    return [int(i) for i in catalog.albums.search(query, text_encoder=text_encoder)]


def write_mode(catalog: Catalog, mode: str | None) -> str:
    """The mode a write uses: ``mode``, else the library's; :class:`WritingOff` when off."""
    chosen = mode or catalog.writes.mode()
    if chosen not in ("sidecar", "embedded"):
        raise WritingOff(WRITING_OFF)
    return chosen


def write_tags(
    catalog: Catalog,
    photo_ids: Sequence[int],
    *,
    mode: str | None = None,
    style: str | None = None,
    keep_mtime: bool = False,
    use_exiftool: bool | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    on_result: Callable[[WriteResult], None] | None = None,
) -> WriteReport:
    """Write the approved tags of ``photo_ids`` into their files or sidecars (verified, atomic)."""
    chosen = write_mode(catalog, mode)
    with _single_writer():
        return write_photos(catalog, photo_ids, mode=chosen, style=style, keep_mtime=keep_mtime,
                            use_exiftool=use_exiftool, progress=progress, cancelled=cancelled,
                            on_result=on_result)


def undo_write(
    catalog: Catalog,
    *,
    keep_mtime: bool = False,
    use_exiftool: bool | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    on_result: Callable[[WriteResult], None] | None = None,
) -> WriteReport:
    """Restore the keywords the last write replaced (``report.batch`` is None when there was none)."""
    with _single_writer():
        report = undo_last_write(catalog, keep_mtime=keep_mtime, use_exiftool=use_exiftool,
                                 progress=progress, cancelled=cancelled)
    if on_result is not None:
        for result in report.results:
            on_result(result)
    return report
