"""Planning and performing safe keyword writes (embedded or XMP sidecar).

The rule: a library's success report proves nothing (exiv2 has truncated files in place,
dropped MakerNotes and replaced XMP it could not parse, all while reporting success). So:

1. check the file is the one the catalog scanned (size, mtime, fingerprint), writable, present;
2. copy it to a temporary file in the same folder (``.NAME.imgtag-tmp-PID-RAND``);
3. let exiv2 modify the copy only;
4. verify the copy: keywords read back (by our own reader, not exiv2), pixels decode and are
   identical, EXIF/IPTC/XMP outside the managed fields unchanged, MakerNote included;
5. fsync, re-check the original did not change meanwhile, ``os.replace`` over it, fsync the folder.

Any failure removes the temporary file and leaves the original byte-identical; a failed
verification of an embedded write falls back to a sidecar. Temporary files left by a killed
process are removed by :func:`clean_stray_temps` on the next run.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from ..scanner import HEAD_BYTES, fingerprint
from .exiftool import Exiftool
from .keywords import (
    IPTC_UTF8,
    KeywordFields,
    MetadataParseError,
    leaf,
    parse_xmp,
    xmp_other_properties,
)
from .read import EmbeddedMetadata, read_embedded, read_sidecar, sidecar_fields, sidecar_path

log = logging.getLogger(__name__)

EMBEDDED_FORMATS = frozenset({"jpeg", "tiff", "png", "webp"})
XP_FORMATS = frozenset({"jpeg", "tiff"})  # EXIF XPKeywords and IPTC: JPEG and TIFF only
TEMP_MARK = ".imgtag-tmp-"
_TEMP_RE = re.compile(r"^\..+\.imgtag-tmp-(\d+)-[0-9a-f]{8}$")
_active_temps: set[str] = set()
_active_lock = threading.Lock()
_exiv2_lock = threading.Lock()
_exiv2_ready = False

SIDECAR_TEMPLATE = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    '  <rdf:Description rdf:about=""/>\n'
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    '<?xpacket end="w"?>\n'
)

# EXIF entries whose values are offsets into the file: a rewrite moves them legitimately.
_EXIF_OFFSET_KEYS = frozenset({
    "Exif.Image.ExifTag", "Exif.Image.GPSTag", "Exif.Photo.InteroperabilityTag", "Exif.Image.XPKeywords",
    "Exif.Thumbnail.JPEGInterchangeFormat", "Exif.MakerNote.Offset", "Exif.MakerNote.ByteOrder",
    "Exif.Image.StripOffsets", "Exif.Image.TileOffsets", "Exif.Image.XMLPacket", "Exif.Image.IPTCNAA",
    "Exif.Image.ImageResources", "Exif.Image.NewSubfileType",
})


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


@dataclass(frozen=True)
class FileChange:
    """The plan for one photo: which file gets which managed fields, and what changes."""

    photo_id: int
    photo: Path
    target: Path
    mode: str  # embedded | sidecar
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
    status: str  # written | unchanged | skipped | failed
    target: Path | None = None
    mode: str | None = None
    reason: str | None = None
    note: str | None = None
    new_state: tuple[int, int, str] | None = None  # (size, mtime_ns, fingerprint) of a rewritten photo
    change: FileChange | None = None


# -- planning -----------------------------------------------------------------------------------------


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
        kept = [v for v in current if v.casefold() not in drop]
        present = {v.casefold() for v in kept}
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
) -> FileChange:
    """Work out what writing this photo's approved tags would change (reads, never writes)."""
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
    if mode == "embedded" and photo.format not in EMBEDDED_FORMATS:
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
                          skip=_os_reason(exc, "cannot be examined"), note=note)
    after = desired_fields(before, approved, managed, fields)
    old = {v.casefold() for f in fields for v in getattr(before, f)}
    new = {v.casefold() for f in fields for v in getattr(after, f)}
    added = tuple(v for v in dict.fromkeys(x for f in fields for x in getattr(after, f)) if v.casefold() not in old)
    removed = tuple(v for v in dict.fromkeys(x for f in fields for x in getattr(before, f)) if v.casefold() not in new)
    return FileChange(**base, target=target, mode=mode, before=before, after=after, fields=fields,  # type: ignore[arg-type]
                      added=added, removed=removed, note=note, target_existed=existed)


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


# -- temporary files ----------------------------------------------------------------------------------


def temp_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def clean_stray_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files left by a killed write in ``folder``. Returns what was removed."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = _TEMP_RE.match(name)
        if not m:
            continue
        path = Path(folder) / name
        pid = int(m.group(1))
        with _active_lock:
            if str(path) in _active_temps:
                continue
        if pid != os.getpid() and _pid_alive(pid):
            continue  # another imgtag process is writing it right now
        try:
            path.unlink()
            removed.append(path)
            log.info("removed stray temporary file %s", path)
        except OSError as exc:
            log.warning("cannot remove stray temporary file %s: %s", path, exc.strerror)
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_to_temp(source: Path | None, temp: Path, content: bytes | None = None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600)
    with os.fdopen(fd, "wb") as out:
        if source is not None:
            with open(source, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
        elif content is not None:
            out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _commit(temp: Path, target: Path) -> None:
    """The atomic step: rename the verified copy over the target."""
    os.replace(temp, target)


def _os_reason(exc: OSError, what: str) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what}: the disk is full; free some space and write again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what}: permission denied (read-only file, folder or disk); make it writable and write again"
    if exc.errno == errno.ENOENT:
        return f"{what}: file or folder disappeared; rescan the folder"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{what}: the file name is too long for the file system; shorten it and rescan"
    return f"{what}: {exc.strerror or exc}"


# -- exiv2 on the copy --------------------------------------------------------------------------------


def _exiv2() -> Any:
    global _exiv2_ready
    import pyexiv2

    with _exiv2_lock:
        if not _exiv2_ready:
            pyexiv2.set_log_level(4)  # we report problems ourselves; exiv2's warnings go to stderr
            _exiv2_ready = True
    return pyexiv2


_SEQ_TO_BAG = [
    re.compile(r"(<dc:subject>\s*<rdf:)Seq(>.*?</rdf:)Seq(>\s*</dc:subject>)", re.S),
    re.compile(r"(<lr:hierarchicalSubject>\s*<rdf:)Seq(>.*?</rdf:)Seq(>\s*</lr:hierarchicalSubject>)", re.S),
]


def _bagify(packet: str) -> str:
    """pyexiv2 writes every list as rdf:Seq; dc:subject and lr:hierarchicalSubject are rdf:Bag."""
    for pattern in _SEQ_TO_BAG:
        packet = pattern.sub(r"\1Bag\2Bag\3", packet)
    return packet


def _exiv2_modify(path: Path, change: FileChange) -> None:
    pyexiv2 = _exiv2()
    before, after = change.before, change.after
    img = pyexiv2.Image(str(path))
    try:
        if "iptc" in change.fields and before.iptc != after.iptc:
            iptc: dict[str, object] = {"Iptc.Application2.Keywords": list(after.iptc) or None}
            if after.iptc:
                iptc["Iptc.Envelope.CharacterSet"] = IPTC_UTF8.decode("ascii")
            img.modify_iptc(iptc)
        if "xp" in change.fields and before.xp != after.xp:
            img.modify_exif({"Exif.Image.XPKeywords": ";".join(after.xp) or None})
        if before.subject != after.subject or before.hierarchical != after.hierarchical:
            img.modify_xmp({
                "Xmp.dc.subject": list(after.subject) or None,
                "Xmp.lr.hierarchicalSubject": list(after.hierarchical) or None,
            })
            raw = img.read_raw_xmp()
            fixed = _bagify(raw)
            if fixed != raw:
                img.modify_raw_xmp(fixed)
    finally:
        img.close()


def _exiv2_snapshot(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    pyexiv2 = _exiv2()
    # Latin-1 maps every byte to one character, so values compare exactly whatever their charset.
    try:
        img = pyexiv2.Image(str(path), encoding="ISO-8859-1")
        try:
            exif = {k: v for k, v in img.read_exif(encoding="ISO-8859-1").items() if k not in _EXIF_OFFSET_KEYS}
            iptc = {k: v for k, v in img.read_iptc(encoding="ISO-8859-1").items()
                    if k not in ("Iptc.Application2.Keywords", "Iptc.Envelope.CharacterSet")}
        finally:
            img.close()
    except Exception as exc:  # noqa: BLE001 - exiv2 raises RuntimeError and others
        raise VerificationError(f"exiv2 cannot read the metadata of {path.name} ({exc})") from exc
    return exif, iptc


# -- verification -------------------------------------------------------------------------------------


def _pixels(path: Path) -> tuple[str, tuple[int, int], str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as img:
            img.load()
            return img.mode, img.size, hashlib.blake2b(img.tobytes(), digest_size=16).hexdigest()


def verify_embedded(original: Path, copy: Path, change: FileChange, before_meta: EmbeddedMetadata,
                    before_exiv2: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Raise :class:`VerificationError` unless the copy differs from the original only in our fields."""
    try:
        after_meta = read_embedded(copy, change.format)
    except MetadataParseError as exc:
        raise VerificationError(f"the written copy's metadata cannot be read back ({exc})") from exc
    for name in ("subject", "hierarchical", "iptc", "xp"):
        expected = getattr(change.after if name in change.fields else before_meta.fields, name)
        got = getattr(after_meta.fields, name)
        if list(got) != list(expected):
            raise VerificationError(f"{name} keywords read back as {list(got)}, expected {list(expected)}")
    before_xmp = _xmp_others(before_meta.xmp)
    after_xmp = _xmp_others(after_meta.xmp)
    if before_xmp is None and before_meta.xmp:
        raise VerificationError("the original XMP packet could not be parsed")
    if after_xmp is None:
        raise VerificationError("the written XMP packet does not parse")
    if before_xmp != (after_xmp or {}) and not (before_xmp is None and not after_xmp):
        lost = set((before_xmp or {}).items()) - set(after_xmp.items())
        gained = set(after_xmp.items()) - set((before_xmp or {}).items())
        raise VerificationError(f"other XMP properties changed (lost {sorted(lost)[:3]}, gained {sorted(gained)[:3]})")
    exif_a, iptc_a = _exiv2_snapshot(copy)
    exif_a, exif_b = _comparable_exif(exif_a), _comparable_exif(before_exiv2[0])
    iptc_b = before_exiv2[1]
    if exif_a != exif_b:
        lost_keys = sorted(set(exif_b) - set(exif_a))
        changed = sorted(k for k in exif_b if k in exif_a and exif_a[k] != exif_b[k])
        raise VerificationError(
            f"EXIF outside the keywords changed ({len(lost_keys)} entries lost, e.g. {lost_keys[:3]}; "
            f"{len(changed)} changed, e.g. {changed[:3]})"
        )
    if iptc_a != iptc_b:
        raise VerificationError("IPTC records other than Keywords changed")
    xp_delta = (1 if change.before.xp else 0) if "xp" in change.fields else 0
    xp_delta -= (1 if change.after.xp else 0) if "xp" in change.fields else 0
    if after_meta.exif_tag_count + xp_delta < before_meta.exif_tag_count:
        raise VerificationError(
            f"EXIF tag count dropped from {before_meta.exif_tag_count} to {after_meta.exif_tag_count}"
        )
    try:
        if _pixels(original) != _pixels(copy):
            raise VerificationError("decoded pixels differ from the original")
    except (OSError, ValueError, SyntaxError) as exc:
        raise VerificationError(f"the written copy does not decode ({exc})") from exc


_STANDARD_EXIF_GROUPS = frozenset({"Image", "Photo", "GPSInfo", "Iop", "Thumbnail", "Image2", "Image3", "MpfInfo"})
_OLYMPUS_POINTERS = frozenset({"CameraSettings", "Equipment", "FocusInfo", "ImageProcessing", "RawDevelopment",
                               "RawDevelopment2", "RawInfo", "MainInfo"})


def _comparable_exif(exif: dict[str, Any]) -> dict[str, Any]:
    """EXIF entries minus those a faithful rewrite changes: offsets, and the raw MakerNote
    blob when exiv2 decoded it (exiv2 relocates it and fixes its offsets; the decoded
    MakerNote entries are compared one by one instead)."""
    decoded_makernote = any(k.split(".")[1] not in _STANDARD_EXIF_GROUPS for k in exif if k.count(".") >= 2)
    out: dict[str, Any] = {}
    for key, value in exif.items():
        _, group, name = (key.split(".", 2) + ["", ""])[:3]
        if key == "Exif.Photo.MakerNote" and decoded_makernote:
            continue
        if group not in _STANDARD_EXIF_GROUPS and (
            name.endswith(("Offset", "Start")) or (group.startswith("Olympus") and name in _OLYMPUS_POINTERS)
        ):
            continue
        out[key] = value
    return out


def _xmp_others(packet: bytes | None) -> dict[tuple[str, str], int] | None:
    if not packet:
        return {}
    try:
        return dict(xmp_other_properties(parse_xmp(packet)))
    except MetadataParseError:
        return None


# -- performing a change ------------------------------------------------------------------------------


def apply_change(change: FileChange, photo: PhotoSnapshot, *, keep_mtime: bool = False,
                 style: str = "append", fallback: bool = True, exiftool: Exiftool | None = None) -> WriteResult:
    """Perform a planned change safely; never raises for a per-file problem.

    Callers clean stray temporary files of the folders they write first (:func:`clean_stray_temps`).

    With ``exiftool`` (see :mod:`.exiftool`), exiftool must also find the copy unchanged
    outside the managed fields.
    """
    result = WriteResult(photo.id, photo.path, "skipped", target=change.target, mode=change.mode,
                         note=change.note, change=change)
    if change.skip:
        result.reason = change.skip
        return result
    if not change.changes:
        result.status = "unchanged"
        return result
    try:
        if change.mode == "embedded":
            result.new_state = _write_embedded(change, photo, keep_mtime, exiftool)
        else:
            _write_sidecar(change)
        result.status = "written"
        return result
    except WriteSkipped as exc:
        result.reason = str(exc)
        return result
    except VerificationError as exc:
        log.info("verification failed for %s: %s", photo.path, exc)
        if not (fallback and change.mode == "embedded"):
            result.status, result.reason = "failed", f"verification failed: {exc}; original untouched"
            return result
        side = plan_change(photo, change.approved, change.managed, "sidecar", style)
        side_result = apply_change(side, photo, style=style, fallback=False)
        if side_result.status == "written":
            side_result.note = f"embedded write failed verification ({exc}); written to the sidecar instead"
        else:
            side_result.reason = (f"embedded write failed verification ({exc}); the sidecar fallback: "
                                  f"{side_result.reason or side_result.status}")
        return side_result


def _write_embedded(change: FileChange, photo: PhotoSnapshot, keep_mtime: bool,
                    exiftool: Exiftool | None) -> tuple[int, int, str]:
    original = Path(os.path.realpath(photo.path))
    st = check_unchanged(photo)
    folder = original.parent
    # Mode bits as well as access(): an administrator's write would otherwise replace a file
    # the person marked read-only.
    if not os.access(original, os.W_OK) or not st.st_mode & 0o222:
        raise WriteSkipped("the file is read-only; make it writable (or use sidecar mode) and write again")
    if not os.access(folder, os.W_OK | os.X_OK) or not os.stat(folder).st_mode & 0o222:
        raise WriteSkipped("its folder is read-only; make it writable (or use sidecar mode) and write again")
    if st.st_nlink > 1:
        raise VerificationError("the file has several hard links, which a rewrite would separate")
    before_meta = read_embedded(original, change.format)
    before_exiv2 = _exiv2_snapshot(original)
    temp = temp_path_for(original)
    with _active_lock:
        _active_temps.add(str(temp))
    try:
        try:
            _copy_to_temp(original, temp)
        except OSError as exc:
            raise WriteSkipped(_os_reason(exc, "cannot make the temporary copy")) from exc
        try:
            _exiv2_modify(temp, change)
        except Exception as exc:  # noqa: BLE001 - exiv2 raises RuntimeError and others
            raise VerificationError(f"exiv2 could not write the copy ({exc})") from exc
        verify_embedded(original, temp, change, before_meta, before_exiv2)
        if exiftool is not None:
            try:
                diff = exiftool.differences(original, temp)
            except (OSError, RuntimeError, ValueError) as exc:
                raise VerificationError(f"exiftool could not compare the copy ({exc})") from exc
            if diff:
                raise VerificationError(f"exiftool sees other metadata changed: {', '.join(diff[:5])}"
                                        + (f" and {len(diff) - 5} more" if len(diff) > 5 else ""))
        try:
            os.chmod(temp, stat.S_IMODE(st.st_mode))
            if keep_mtime:
                os.utime(temp, ns=(st.st_atime_ns, st.st_mtime_ns))
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            now = os.stat(original)
            if (now.st_size, now.st_mtime_ns, now.st_ino) != (st.st_size, st.st_mtime_ns, st.st_ino):
                raise WriteSkipped("file changed on disk while it was being written; rescan first")
            _commit(temp, original)
        except OSError as exc:
            raise WriteSkipped(_os_reason(exc, "cannot replace the file")) from exc
        _fsync_dir(folder)
        new = os.stat(original)
        return new.st_size, new.st_mtime_ns, file_fingerprint(original, new.st_size)
    finally:
        _discard(temp)


def _write_sidecar(change: FileChange) -> None:
    target = change.target
    folder = target.parent
    if not os.access(folder, os.W_OK | os.X_OK) or not os.stat(folder).st_mode & 0o222:
        raise WriteSkipped("the folder is read-only, so no sidecar can be written there; make it writable")
    if change.target_existed and (not os.access(target, os.W_OK) or not os.stat(target).st_mode & 0o222):
        raise WriteSkipped(f"the sidecar {target.name} is read-only; make it writable and write again")
    before_others: dict[tuple[str, str], int] | None = {}
    try:
        original_bytes = target.read_bytes() if change.target_existed else None
    except FileNotFoundError as exc:
        raise WriteSkipped("the sidecar disappeared while writing; write again") from exc
    except OSError as exc:
        raise WriteSkipped(_os_reason(exc, "cannot read the sidecar")) from exc
    if original_bytes is not None:
        before_others = _xmp_others(original_bytes)
        if before_others is None:
            raise WriteSkipped("the existing sidecar cannot be parsed; fix or remove it")
        if sidecar_fields(original_bytes) != change.before:
            raise WriteSkipped("the sidecar changed since the preview; write again")
    temp = temp_path_for(target)
    with _active_lock:
        _active_temps.add(str(temp))
    try:
        try:
            _copy_to_temp(None, temp, original_bytes if original_bytes is not None else SIDECAR_TEMPLATE.encode())
        except OSError as exc:
            raise WriteSkipped(_os_reason(exc, "cannot write the sidecar")) from exc
        try:
            _exiv2_modify(temp, change)
        except Exception as exc:  # noqa: BLE001
            raise VerificationError(f"exiv2 could not write the sidecar ({exc})") from exc
        try:
            got = read_sidecar(temp)
        except MetadataParseError as exc:
            raise VerificationError(f"the written sidecar does not parse ({exc})") from exc
        if (got.subject, got.hierarchical) != (change.after.subject, change.after.hierarchical):
            raise VerificationError("sidecar keywords did not read back as written")
        if original_bytes is not None and _xmp_others(temp.read_bytes()) != before_others:
            raise VerificationError("other properties of the sidecar changed")
        try:
            if change.target_existed:
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
            else:
                os.chmod(temp, 0o644)
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            _commit(temp, target)
        except OSError as exc:
            raise WriteSkipped(_os_reason(exc, "cannot replace the sidecar")) from exc
        _fsync_dir(folder)
    finally:
        _discard(temp)


def _discard(temp: Path) -> None:
    try:
        temp.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove temporary file %s: %s", temp, exc.strerror)
    with _active_lock:
        _active_temps.discard(str(temp))


def remove_sidecar_if_ours(path: Path, expected: KeywordFields) -> bool:
    """Delete a sidecar imgtag created when it holds nothing but what we wrote (for undo)."""
    try:
        data = path.read_bytes()
        others = _xmp_others(data)
        got = sidecar_fields(data)
    except (OSError, MetadataParseError):
        return False
    template = _xmp_others(SIDECAR_TEMPLATE.encode())
    if others != template or (got.subject, got.hierarchical) != (expected.subject, expected.hierarchical):
        return False
    path.unlink()
    return True

