"""Library-level operations: import keywords, preview / write / undo approved tags.

These are what the CLI and the GUI's jobs call. They take a :class:`Catalog` (opened on
the calling thread) and photo ids, and report per file; they never raise for one file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog, PendingWrite, Photo
from ..catalog.writes import WriteRecord
from .exiftool import Exiftool, ExiftoolWriter
from .keywords import KeywordFields, leaf
from .plan import EMBEDDED_FORMATS, EXIFTOOL_EMBEDDED_FORMATS, file_fingerprint
from .read import KeywordReading, read_keywords
from .staged import FileState
from .write import (
    FileChange,
    PhotoSnapshot,
    WriteResult,
    apply_change,
    clean_stray_temps,
    plan_change,
    remove_sidecar_if_ours,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]
ResultCallback = Callable[[WriteResult], None]


class WriterBusy(Exception):
    """Another imgtag process or job is writing metadata for this library."""


@dataclass
class ImportStats:
    """What an import of keywords from files did."""

    photos: int = 0
    with_keywords: int = 0
    tags_added: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"photos": self.photos, "with_keywords": self.with_keywords, "tags_added": self.tags_added,
                "errors": [{"path": p, "reason": r} for p, r in self.errors]}


@dataclass
class WriteReport:
    """What a write (or undo) run did, file by file."""

    results: list[WriteResult] = field(default_factory=list)
    batch: str | None = None
    cancelled: bool = False
    cleaned_temps: list[str] = field(default_factory=list)
    recovered: int = 0  # writes of an interrupted run found done (or undone) and confirmed

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def to_json(self) -> dict[str, object]:
        return {
            "batch": self.batch,
            "written": self.count("written"),
            "unchanged": self.count("unchanged"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "cancelled": self.cancelled,
            "recovered": self.recovered,
            "files": [
                {"path": str(r.path), "status": r.status, "target": str(r.target) if r.target else None,
                 "mode": r.mode, "writer": r.writer, "reason": r.reason, "note": r.note,
                 "added": list(r.change.added) if r.change else [],
                 "removed": list(r.change.removed) if r.change else []}
                for r in self.results
            ],
        }


def snapshot(photo: Photo) -> PhotoSnapshot:
    return PhotoSnapshot(photo.id, photo.path, photo.format, photo.size, photo.mtime_ns, photo.fingerprint,
                         photo.status, photo.metadata_error, photo.error)


# -- import -------------------------------------------------------------------------------------------


def import_keywords(
    catalog: Catalog,
    photo_ids: Sequence[int],
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ImportStats:
    """Read the keywords of photos (embedded + sidecars) and record them as approved, imported tags.

    Only keywords new since the file was last read are added, so a tag the person removed
    is not brought back by the next scan. Unparseable metadata is recorded on the photo row
    (such a file is never written).
    """
    stats = ImportStats()
    photos = catalog.photos.all(ids=list(photo_ids))
    for done, photo in enumerate(photos, 1):
        if cancelled and cancelled():
            break
        if photo.status != "ok":
            continue
        stats.photos += 1
        try:
            reading = read_keywords(photo.path, photo.format)
        except Exception as exc:
            log.warning("unexpected error reading keywords of %s", photo.display_path, exc_info=True)
            reading = KeywordReading(error=f"metadata cannot be read ({type(exc).__name__}: {exc})")
        if reading.error:
            stats.errors.append((photo.display_path, reading.error))
        for sidecar, reason in reading.sidecar_errors.items():
            stats.errors.append((sidecar, reason))
        names = reading.tags()
        if names:
            stats.with_keywords += 1
        with catalog.transaction():  # one commit per photo: its tags, what its file held, and "done"
            catalog.writes.finish_keyword_import(photo.id, reading.error)
            seen_before = {n.casefold() for n in (catalog.writes.file_keywords(photo.id) or [])}
            fresh = [n for n in names if n.casefold() not in seen_before]
            stats.tags_added += len(catalog.writes.import_keywords(photo.id, fresh))
            catalog.writes.set_file_keywords(photo.id, names)
        if progress:
            progress(done, len(photos), photo.display_path)
    return stats


# -- write --------------------------------------------------------------------------------------------


def photos_to_write(catalog: Catalog) -> list[int]:
    """Photos a write should visit: those with approved tags, plus photos whose files hold
    keywords or that were written before (whose removed tags must leave the file too)."""
    writes = catalog.writes
    return list(dict.fromkeys(writes.photo_ids_with_approved_tags() + writes.photo_ids_with_file_keywords()))


def plan_writes(catalog: Catalog, photo_ids: Sequence[int], mode: str, style: str | None = None,
                use_exiftool: bool | None = None) -> list[FileChange]:
    """The preview: what a write would add and remove, per file (reads files, writes nothing)."""
    style = style or catalog.writes.sidecar_style()
    formats = _embedded_formats(use_exiftool)
    return [_plan(catalog, photo, mode, style, formats) for photo in catalog.photos.all(ids=list(photo_ids))]


def _embedded_formats(use_exiftool: bool | None) -> frozenset[str]:
    """HEIC/HEIF/AVIF are written embedded only by exiftool."""
    with_exiftool = use_exiftool is True or (use_exiftool is None and Exiftool.available())
    return EXIFTOOL_EMBEDDED_FORMATS if with_exiftool else EMBEDDED_FORMATS


def _plan(catalog: Catalog, photo: Photo, mode: str, style: str,
          formats: frozenset[str] = EMBEDDED_FORMATS) -> FileChange:
    """What writing one photo would change: its approved tags in, the other tags imgtag manages out."""
    approved = catalog.tags.names_on(photo.id, states=("approved",))
    managed = set(catalog.tags.names_on(photo.id)) | set(catalog.writes.file_keywords(photo.id) or [])
    try:
        return plan_change(snapshot(photo), approved, managed, mode, style, embedded_formats=formats)
    except Exception as exc:
        log.warning("unexpected error planning %s", photo.path, exc_info=True)
        empty = KeywordFields()
        return FileChange(photo.id, photo.path, photo.path, "sidecar" if mode == "sidecar" else "embedded",
                          photo.format, empty, empty, (),
                          skip=f"cannot be examined: unexpected {type(exc).__name__}: {exc}")


@contextlib.contextmanager
def writer_lock(catalog: Catalog) -> Iterator[None]:
    """One metadata writer per library at a time, across threads and processes."""
    lock_path = Path(str(catalog.path) + ".write-lock")
    fh = open(lock_path, "a+b")
    try:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: the job-level guard still applies
            pass
        except OSError as exc:
            raise WriterBusy("another imgtag is writing metadata for this library; wait for it to finish") from exc
        yield
    finally:
        fh.close()


def write_photos(
    catalog: Catalog,
    photo_ids: Sequence[int],
    *,
    mode: str | None = None,
    style: str | None = None,
    keep_mtime: bool = False,
    use_exiftool: bool | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    on_result: ResultCallback | None = None,
) -> WriteReport:
    """Write the approved tags of photos into their files or sidecars, safely, and record undo data.

    ``use_exiftool``: None = use exiftool where installed (writer and verifier), True = require
    it, False = exiv2 and the inner checks only.
    """
    mode = mode or catalog.writes.mode()
    if mode not in ("sidecar", "embedded"):
        raise ValueError("metadata writing is off for this library; choose sidecar or embedded mode")
    style = style or catalog.writes.sidecar_style()
    report = WriteReport(batch=catalog.writes.new_batch())
    with writer_lock(catalog), _exiftool_tools(use_exiftool) as (exiftool, writer):
        report.recovered = recover_interrupted_writes(catalog)
        photos = catalog.photos.all(ids=list(photo_ids))
        for folder in dict.fromkeys(p.path.parent for p in photos):
            report.cleaned_temps += [str(p) for p in clean_stray_temps(folder)]
        formats = EXIFTOOL_EMBEDDED_FORMATS if writer is not None else EMBEDDED_FORMATS
        for done, photo in enumerate(photos, 1):
            if cancelled and cancelled():
                report.cancelled = True
                break
            result = _write_one(catalog, photo, mode, style, keep_mtime, exiftool, writer, formats,
                                report.batch or "")
            report.results.append(result)
            if on_result:
                on_result(result)
            if progress:
                progress(done, len(photos), photo.display_path)
    return report


@contextlib.contextmanager
def _exiftool_tools(use: bool | None) -> Iterator[tuple[Exiftool | None, ExiftoolWriter | None]]:
    """exiftool's reader (the verifier's second opinion) and writer, when it is to be used."""
    exiftool = _open_exiftool(use)
    writer: ExiftoolWriter | None = None
    try:
        if exiftool is not None:
            try:
                writer = ExiftoolWriter()
            except OSError as exc:
                log.warning("exiftool cannot be started as a writer (%s); exiv2 writes instead", exc)
        yield exiftool, writer
    finally:
        for tool in (writer, exiftool):
            if tool is not None:
                tool.close()


def _open_exiftool(use: bool | None) -> Exiftool | None:
    if use is False or (use is None and not Exiftool.available()):
        return None
    try:
        return Exiftool()
    except (OSError, FileNotFoundError) as exc:
        if use:
            raise
        log.warning("exiftool cannot be started (%s); verifying without it", exc)
        return None


def _write_one(catalog: Catalog, photo: Photo, mode: str, style: str, keep_mtime: bool,
               exiftool: Exiftool | None, writer: ExiftoolWriter | None, formats: frozenset[str],
               batch: str) -> WriteResult:
    pending: list[int] = []

    def journal(ch: FileChange, state: FileState) -> None:
        """Just before the rename: the write and the state it will leave, as one pending row."""
        pending.append(catalog.journal.begin_write(
            batch, photo.id, str(ch.target), ch.mode,
            {"fields": ch.before.to_json(), "existed": ch.target_existed, "written_fields": list(ch.fields)},
            {"fields": ch.after.to_json(), "written_fields": list(ch.fields)},
            state, state if ch.mode == "embedded" else None, _file_keywords_after(catalog, photo, ch),
        ))

    try:
        change = _plan(catalog, photo, mode, style, formats)
        result = apply_change(change, snapshot(photo), keep_mtime=keep_mtime, style=style, exiftool=exiftool,
                              writer=writer, journal=journal)
    except Exception as exc:
        log.exception("unexpected error writing %s", photo.path)
        result = WriteResult(photo.id, photo.path, "failed", reason=f"unexpected error: {exc}; original untouched")
    for write_id in pending:  # confirmed in one transaction, or dropped when the rename did not happen
        _settle(catalog, write_id, confirmed=result.status == "written")
    return result


def _file_keywords_after(catalog: Catalog, photo: Photo, change: FileChange) -> list[str]:
    """The names imgtag counts as its own in the photo's files once ``change`` is in place.

    Its approved tags, plus every name counted before that some file still holds: a write to
    the sidecar leaves a deleted tag in the embedded keywords (and the other way round), and
    the next write there must still remove it. A name no file holds any more is dropped, so
    that a program adding it back later is read as that program's keyword.
    """
    previous = catalog.writes.file_keywords(photo.id) or []
    try:
        reading = read_keywords(photo.path, photo.format)
    except Exception:
        log.warning("cannot read the keywords of %s", photo.display_path, exc_info=True)
        return _union_casefold(change.approved, previous)
    target = str(change.target)
    if reading.error or any(p != target for p in reading.sidecar_errors):
        return _union_casefold(change.approved, previous)  # a file we cannot read may hold any of them
    held = [change.after] + [f for p, f in reading.sidecars.items() if p != target]
    if change.target != photo.path:
        held.append(reading.embedded)
    values = {v.casefold() for fields in held for name in fields.to_json()
              for v in getattr(fields, name)}
    still = [n for n in previous if n.casefold() in values or leaf(n).casefold() in values]
    return _union_casefold(change.approved, still)


def _union_casefold(*groups: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in (n for g in groups for n in g):
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _settle(catalog: Catalog, write_id: int, *, confirmed: bool | None) -> bool:
    """Confirm or abandon one pending write; ``confirmed=None`` decides from the file on disk."""
    for p in catalog.journal.pending_writes(write_id):
        done = _file_matches(p) if confirmed is None else confirmed
        if done:
            catalog.journal.confirm_write(p)
        else:
            catalog.journal.abandon_write(p)
        return done
    return False


def _file_matches(p: PendingWrite) -> bool:
    target = Path(p.target)
    try:
        st = os.stat(target)
        return (st.st_size, st.st_mtime_ns, file_fingerprint(target, st.st_size)) == p.target_state
    except OSError:
        return False


def recover_interrupted_writes(catalog: Catalog) -> int:
    """Settle writes and undos a killed run left pending: confirmed when the file on disk is
    what they produced, forgotten when the rename never happened. Returns how many were done."""
    return sum(_settle(catalog, p.id, confirmed=None) for p in catalog.journal.pending_writes())


# -- undo ---------------------------------------------------------------------------------------------


def undo_last_write(
    catalog: Catalog,
    *,
    keep_mtime: bool = False,
    use_exiftool: bool | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> WriteReport:
    """Restore the managed fields the last write batch replaced (the same safe path as a write)."""
    batch = catalog.writes.last_batch()
    report = WriteReport(batch=batch)
    if batch is None:
        return report
    with writer_lock(catalog), _exiftool_tools(use_exiftool) as (exiftool, writer):
        report.recovered = recover_interrupted_writes(catalog)
        records = catalog.writes.in_batch(batch)
        for folder in dict.fromkeys(Path(r.target).parent for r in records):
            report.cleaned_temps += [str(p) for p in clean_stray_temps(folder)]
        for done, record in enumerate(records, 1):
            if cancelled and cancelled():
                report.cancelled = True
                break
            photo = catalog.photos.get(record.photo_id)
            if photo is None:
                continue
            try:
                result = _undo_one(catalog, photo, record, keep_mtime, exiftool, writer)
            except Exception as exc:
                log.exception("unexpected error undoing the write of %s", photo.path)
                result = WriteResult(photo.id, photo.path, "failed",
                                     reason=f"unexpected error: {exc}; file left as it was")
            report.results.append(result)
            if progress:
                progress(done, len(records), photo.display_path)
    return report


def _undo_one(catalog: Catalog, photo: Photo, record: WriteRecord, keep_mtime: bool,
              exiftool: Exiftool | None, writer: ExiftoolWriter | None) -> WriteResult:
    target = Path(record.target)
    previous = KeywordFields.from_json(record.previous.get("fields"))  # type: ignore[arg-type]
    written = KeywordFields.from_json(record.written.get("fields"))  # type: ignore[arg-type]
    raw_fields = record.written.get("written_fields", ())
    fields: tuple[str, ...] = tuple(str(f) for f in raw_fields) if isinstance(raw_fields, list | tuple) else ()
    snap = snapshot(photo)
    if record.mode == "sidecar":
        if not record.previous.get("existed"):
            if not target.exists() or remove_sidecar_if_ours(target, written):
                catalog.writes.mark_undone(record.id)
                return WriteResult(photo.id, photo.path, "written", target=target, mode="sidecar",
                                   note="sidecar created by the write removed")
        current = _current(target, "sidecar", photo.format)
    else:
        current = _current(target, "embedded", photo.format)
    if current is None:
        return WriteResult(photo.id, photo.path, "skipped", target=target, mode=record.mode,
                           reason="its metadata cannot be read any more; not restored")
    if any(getattr(current, f) != getattr(written, f) for f in fields):
        return WriteResult(photo.id, photo.path, "skipped", target=target, mode=record.mode,
                           reason="keywords changed since the write; not restored (nothing was overwritten)")
    change = FileChange(photo.id, photo.path, target, record.mode, photo.format, current,
                        KeywordFields(**{**current.to_json(), **{f: getattr(previous, f) for f in fields}}),
                        fields, target_existed=target.exists())
    journaled: list[bool] = []

    def journal(ch: FileChange, state: FileState) -> None:
        catalog.journal.begin_undo(record.id, state, state if ch.mode == "embedded" else None)
        journaled.append(True)

    result = apply_change(change, snap, keep_mtime=keep_mtime, fallback=False, exiftool=exiftool, writer=writer,
                          journal=journal)
    if journaled:
        _settle(catalog, record.id, confirmed=result.status == "written")
    elif result.status == "unchanged":
        catalog.writes.mark_undone(record.id)
    return result


def _current(target: Path, mode: str, fmt: str | None) -> KeywordFields | None:
    from .keywords import MetadataParseError
    from .read import read_embedded, read_sidecar

    try:
        if mode == "sidecar":
            return read_sidecar(target) if target.exists() else KeywordFields()
        return read_embedded(target, fmt).fields
    except MetadataParseError:
        return None
