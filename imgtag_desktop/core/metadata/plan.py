"""Planning a keyword write: what changes in which file, and whether the file may be written.

Reads files, never writes them. :func:`plan_change` is the preview of one photo; the
exceptions here are what every later step raises for a file that is not written.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..catalog.writes import FileMode
from ..scanner import HEAD_BYTES, fingerprint
from .keywords import IPTC_UTF8, KeywordFields, MetadataParseError, leaf
from .read import EmbeddedMetadata, read_embedded, read_sidecar, sidecar_path

# Formats written embedded by exiv2; exiftool adds HEIF/AVIF (see :mod:`.backends`).
EMBEDDED_FORMATS = frozenset({"jpeg", "tiff", "png", "webp"})
EXIFTOOL_EMBEDDED_FORMATS = EMBEDDED_FORMATS | {"heif", "avif"}
XP_FORMATS = frozenset({"jpeg", "tiff"})  # EXIF XPKeywords and IPTC: JPEG and TIFF only


class WriteSkipped(Exception):
    """A file is not written; ``str(exc)`` says why and what to do. The original is untouched."""


class VerificationError(Exception):
    """The modified copy failed verification; it is discarded (and a sidecar may be written)."""




@dataclass(frozen=True)
class PhotoSnapshot:
    """What the writer needs to know about a photo (an immutable copy of the catalog row)."""

    id: int
    path: Path
    format: str | None
    size: int
    mtime_ns: int
    fingerprint: str | None
    status: str = "ok"
    metadata_error: str | None = None
    error: str | None = None  # why the file is broken / missing


WriteStatus = Literal["written", "unchanged", "skipped", "failed"]


FIELD_NAMES = {"subject": "XMP dc:subject", "hierarchical": "XMP lr:hierarchicalSubject",
               "iptc": "IPTC Keywords", "xp": "EXIF XPKeywords"}


@dataclass(frozen=True)
class FileChange:
    """The plan for one photo: which file gets which managed fields, and what changes."""

    photo_id: int
    photo: Path
    target: Path
    mode: FileMode
    format: str | None
    before: KeywordFields
    after: KeywordFields
    fields: tuple[str, ...]  # the managed fields written to this target
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    note: str | None = None
    skip: str | None = None  # not written, with the reason
    target_existed: bool = True
    approved: tuple[str, ...] = ()
    managed: tuple[str, ...] = ()

    @property
    def changes(self) -> bool:
        return self.skip is None and any(getattr(self.before, f) != getattr(self.after, f) for f in self.fields)

    @property
    def synced_fields(self) -> tuple[str, ...]:
        """Fields that change without a keyword being added or removed overall (filled in, reordered)."""
        return tuple(f for f in self.fields if getattr(self.before, f) != getattr(self.after, f))

    def field_changes(self) -> str:
        """What changes field by field, for a file whose keyword set as a whole stays the same:
        ``IPTC Keywords: +dog; XMP dc:subject: test file → Test File`` (empty when nothing changes)."""
        parts: list[str] = []
        for f in self.synced_fields:
            before, after = getattr(self.before, f), getattr(self.after, f)
            before_cf, after_cf = {v.casefold() for v in before}, {v.casefold() for v in after}
            spelled = {v.casefold(): v for v in after}
            bits = [f"+{v}" for v in after if v.casefold() not in before_cf]
            bits += [f"-{v}" for v in before if v.casefold() not in after_cf]
            bits += [f"{v} → {spelled[v.casefold()]}" for v in before
                     if v.casefold() in spelled and spelled[v.casefold()] != v]
            parts.append(f"{FIELD_NAMES.get(f, f)}: {' '.join(bits) or 'reordered'}")
        return "; ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "photo_id": self.photo_id,
            "fields_changed": list(self.synced_fields) if self.skip is None else [],
            "path": str(self.photo),
            "target": str(self.target),
            "mode": self.mode,
            "added": list(self.added),
            "removed": list(self.removed),
            "note": self.note,
            "skip": self.skip,
            "changes": self.changes,
        }


@dataclass
class WriteResult:
    """What happened to one photo."""

    photo_id: int
    path: Path
    status: WriteStatus
    target: Path | None = None
    mode: FileMode | None = None
    reason: str | None = None
    note: str | None = None
    new_state: tuple[int, int, str] | None = None  # (size, mtime_ns, fingerprint) of a rewritten photo
    writer: str | None = None  # which backend wrote the file: exiftool | exiv2
    change: FileChange | None = None




def desired_fields(
    before: KeywordFields, approved: Iterable[str], managed: Iterable[str], fields: Iterable[str]
) -> KeywordFields:
    """The managed fields after a write: approved tags in, managed-but-not-approved out, others kept.

    ``dc:subject``, IPTC and XPKeywords get leaf names; ``lr:hierarchicalSubject`` full paths.
    """
    approved = list(dict.fromkeys(approved))
    approved_cf = {a.casefold() for a in approved}
    leaves = list(dict.fromkeys(leaf(a) for a in approved))
    leaves_cf = {x.casefold() for x in leaves}
    removed_full = {m.casefold() for m in managed} - approved_cf
    removed_leaves = {leaf(m) for m in removed_full} - leaves_cf

    def update(current: tuple[str, ...], wanted: list[str], drop: set[str]) -> tuple[str, ...]:
        # A value that is an approved tag in another case takes the tag's spelling (a case-only
        # rename reaches every field); casefold-equal duplicates collapse to one.
        spelling = {w.casefold(): w for w in reversed(wanted)}
        kept: list[str] = []
        present: set[str] = set()
        for v in current:
            key = v.casefold()
            if key in drop or (key in spelling and key in present):
                continue
            kept.append(spelling.get(key, v))
            present.add(key)
        return tuple(kept + [w for w in wanted if w.casefold() not in present])

    changes: dict[str, tuple[str, ...]] = {}
    for name in fields:
        if name == "hierarchical":
            changes[name] = update(before.hierarchical, approved, removed_full)
        elif name in ("subject", "iptc", "xp"):
            changes[name] = update(getattr(before, name), leaves, removed_leaves)
    return KeywordFields(**{**before.to_json(), **changes})  # type: ignore[arg-type]


def check_unchanged(photo: PhotoSnapshot) -> os.stat_result:
    """The file is the one the catalog scanned; raises :class:`WriteSkipped` otherwise."""
    try:
        st = os.stat(photo.path)
    except FileNotFoundError as exc:
        raise WriteSkipped("file not found (moved or deleted); rescan the folder") from exc
    except OSError as exc:
        raise WriteSkipped(f"file cannot be examined: {exc.strerror}") from exc
    if st.st_size != photo.size or st.st_mtime_ns != photo.mtime_ns:
        raise WriteSkipped("file changed on disk since the last scan; rescan first")
    if photo.fingerprint is not None and file_fingerprint(photo.path, st.st_size) != photo.fingerprint:
        raise WriteSkipped("file content changed since the last scan; rescan first")
    return st


def file_fingerprint(path: str | os.PathLike[str], size: int | None = None) -> str:
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        if size is None:
            size = os.fstat(fh.fileno()).st_size
    return fingerprint(head, size)


def plan_change(
    photo: PhotoSnapshot,
    approved: Iterable[str],
    managed: Iterable[str],
    mode: str,
    style: str = "append",
    *,
    embedded_formats: frozenset[str] = EMBEDDED_FORMATS,
) -> FileChange:
    """Work out what writing this photo's approved tags would change (reads, never writes).

    ``embedded_formats``: the formats the available writers can write embedded; others go
    to a sidecar with a note.
    """
    approved = list(approved)
    managed = list(managed)
    base = {"photo_id": photo.id, "photo": photo.path, "format": photo.format,
            "approved": tuple(approved), "managed": tuple(managed)}
    empty = KeywordFields()
    note: str | None = None
    if photo.status != "ok":
        return FileChange(**base, target=photo.path, mode=mode, before=empty, after=empty, fields=(),  # type: ignore[arg-type]
                          skip=(f"not a readable photo ({photo.error or 'broken'}); never written"
                                if photo.status == "broken" else "file not found; rescan the folder"))
    if photo.metadata_error:
        return FileChange(**base, target=photo.path, mode=mode, before=empty, after=empty, fields=(),  # type: ignore[arg-type]
                          skip=f"its metadata cannot be parsed ({photo.metadata_error}); never written")
    if mode == "embedded" and photo.format not in embedded_formats:
        mode = "sidecar"
        note = f"{(photo.format or 'this format').upper()}: embedded writing is not supported; written to a sidecar"
    try:
        check_unchanged(photo)
        if mode == "embedded":
            meta = read_embedded(photo.path, photo.format)
            fields: tuple[str, ...] = ("subject", "hierarchical")
            if photo.format in XP_FORMATS:
                fields += ("iptc", "xp")
            if "iptc" in fields and not _iptc_can_be_utf8(meta):
                fields = tuple(f for f in fields if f != "iptc")
                note = "IPTC uses a non-UTF-8 character set; IPTC Keywords left as they are"
            before = meta.fields
            target, existed = photo.path, True
        else:
            target = sidecar_path(photo.path, style)
            existed = target.exists()
            before = read_sidecar(target) if existed else empty
            fields = ("subject", "hierarchical")
    except WriteSkipped as exc:
        return FileChange(**base, target=photo.path, mode=mode, before=empty, after=empty, fields=(),  # type: ignore[arg-type]
                          skip=str(exc), note=note)
    except MetadataParseError as exc:
        what = "sidecar" if mode == "sidecar" else "metadata"
        return FileChange(**base, target=photo.path, mode=mode, before=empty, after=empty, fields=(),  # type: ignore[arg-type]
                          skip=f"its {what} cannot be parsed ({exc}); not written", note=note)
    except OSError as exc:  # e.g. a sidecar name longer than the file system allows
        return FileChange(**base, target=photo.path, mode=mode, before=empty, after=empty, fields=(),  # type: ignore[arg-type]
                          skip=os_reason(exc, "cannot be examined"), note=note)
    after = desired_fields(before, approved, managed, fields)
    old = {v.casefold() for f in fields for v in getattr(before, f)}
    new = {v.casefold() for f in fields for v in getattr(after, f)}
    added = tuple(v for v in dict.fromkeys(x for f in fields for x in getattr(after, f)) if v.casefold() not in old)
    removed = tuple(v for v in dict.fromkeys(x for f in fields for x in getattr(before, f)) if v.casefold() not in new)
    change = FileChange(**base, target=target, mode=mode, before=before, after=after, fields=fields,  # type: ignore[arg-type]
                        added=added, removed=removed, note=note, target_existed=existed)
    if change.changes:
        try:
            reason = read_only_reason(change)
        except OSError as exc:
            reason = os_reason(exc, "cannot be examined")
        if reason is not None:
            return dataclasses.replace(change, skip=reason)
    return change


def _iptc_can_be_utf8(meta: EmbeddedMetadata) -> bool:
    """True when marking the IPTC block UTF-8 cannot change the meaning of other records."""
    records = meta.iptc_raw or {}
    charset = records.get((1, 90))
    if isinstance(charset, bytes) and charset.startswith(IPTC_UTF8):
        return True
    for value in records.values():
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, bytes) and any(b >= 0x80 for b in v):
                try:
                    v.decode("utf-8")
                except UnicodeDecodeError:
                    return False
    return True




def _writable(path: Path | str, *, folder: bool = False) -> bool:
    """Writable by this process and not marked read-only: mode bits as well as access(), or an
    administrator's write would replace a file the person marked read-only."""
    flags = os.W_OK | os.X_OK if folder else os.W_OK
    return os.access(path, flags) and bool(os.stat(path).st_mode & 0o222)


def read_only_reason(change: FileChange) -> str | None:
    """Why writing ``change`` would be skipped for want of permission, or None: the checks the
    writer makes before it writes, so that a dry run says so too."""
    if change.mode == "embedded":
        original = Path(os.path.realpath(change.photo))
        if not _writable(original):
            return "the file is read-only; make it writable (or use sidecar mode) and write again"
        if not _writable(original.parent, folder=True):
            return "its folder is read-only; make it writable (or use sidecar mode) and write again"
        return None
    target = Path(change.target)
    if not _writable(target.parent, folder=True):
        return "the folder is read-only, so no sidecar can be written there; make it writable"
    if change.target_existed and not _writable(target):
        return f"the sidecar {target.name} is read-only; make it writable and write again"
    return None


def os_reason(exc: OSError, what: str) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what}: the disk is full; free some space and write again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what}: permission denied (read-only file, folder or disk); make it writable and write again"
    if exc.errno == errno.ENOENT:
        return f"{what}: file or folder disappeared; rescan the folder"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{what}: the file name is too long for the file system; shorten it and rescan"
    return f"{what}: {exc.strerror or exc}"
