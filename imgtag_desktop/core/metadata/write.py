"""Performing safe keyword writes (embedded or XMP sidecar).

The rule: a library's success report proves nothing (exiv2 has truncated files in place,
dropped MakerNotes and replaced XMP it could not parse, all while reporting success). So:

1. check the file is the one the catalog scanned (size, mtime, fingerprint), writable, present
   (:mod:`.plan`);
2. copy it to a temporary file in the same folder (:func:`.staged.staged_replace`);
3. let a writer modify the copy only: exiftool where it is installed (HEIC/HEIF/AVIF too),
   else exiv2 (:mod:`.exiftool`, :mod:`.exiv2_backend`); when exiftool's copy fails
   verification, exiv2 tries on a fresh copy;
4. verify the copy: keywords read back (by our own reader, not the writer), pixels decode and
   are identical, EXIF/IPTC/XMP outside the managed fields unchanged, MakerNote included
   (:mod:`.verify`; exiftool compares every tag too when installed);
5. fsync, re-check the original did not change meanwhile, tell the catalog the new file's
   state, ``os.replace`` over it, fsync the folder.

Any failure removes the temporary file and leaves the original byte-identical; a failed
verification of an embedded write falls back to a sidecar. Temporary files left by a killed
process are removed by :func:`clean_stray_temps` on the next run.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from . import exiv2_backend
from .exiftool import Exiftool, ExiftoolWriter
from .keywords import KeywordFields, MetadataParseError
from .plan import (
    EMBEDDED_FORMATS,
    EXIFTOOL_EMBEDDED_FORMATS,
    XP_FORMATS,
    FileChange,
    PhotoSnapshot,
    VerificationError,
    WriteResult,
    WriteSkipped,
    check_unchanged,
    desired_fields,
    file_fingerprint,
    os_reason,
    plan_change,
    read_only_reason,
)
from .read import read_embedded, read_sidecar, sidecar_fields
from .staged import TEMP_MARK, BeforeReplace, FileState, clean_stray_temps, staged_replace, temp_path_for
from .verify import verify_embedded, xmp_others

log = logging.getLogger(__name__)

__all__ = [
    "EMBEDDED_FORMATS",
    "EXIFTOOL_EMBEDDED_FORMATS",
    "TEMP_MARK",
    "XP_FORMATS",
    "FileChange",
    "Journal",
    "PhotoSnapshot",
    "VerificationError",
    "WriteResult",
    "WriteSkipped",
    "Writer",
    "apply_change",
    "check_unchanged",
    "clean_stray_temps",
    "desired_fields",
    "file_fingerprint",
    "plan_change",
    "remove_sidecar_if_ours",
    "temp_path_for",
]

SIDECAR_TEMPLATE = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    '  <rdf:Description rdf:about=""/>\n'
    " </rdf:RDF>\n"
    "</x:xmpmeta>\n"
    '<?xpacket end="w"?>\n'
)



Journal = Callable[[FileChange, FileState], None]


def _hook(journal: Journal | None, change: FileChange) -> BeforeReplace | None:
    return None if journal is None else (lambda state: journal(change, state))


class Writer(Protocol):
    """A metadata library that modifies a staged copy in place."""

    name: str

    def modify(self, path: Path, change: FileChange) -> None: ...


class Exiv2Writer:
    name = "exiv2"

    def modify(self, path: Path, change: FileChange) -> None:
        exiv2_backend.modify(path, change)


EXIV2 = Exiv2Writer()


def apply_change(change: FileChange, photo: PhotoSnapshot, *, keep_mtime: bool = False,
                 style: str = "append", fallback: bool = True, exiftool: Exiftool | None = None,
                 writer: ExiftoolWriter | None = None, journal: Journal | None = None) -> WriteResult:
    """Perform a planned change safely; never raises for a per-file problem.

    Callers clean stray temporary files of the folders they write first (:func:`clean_stray_temps`).

    With ``exiftool`` (see :mod:`.exiftool`), exiftool must also find the copy unchanged
    outside the managed fields. With ``writer``, exiftool writes embedded keywords (exiv2
    is the fallback). ``before_replace`` receives the new file's state just before the rename.
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
            result.new_state, result.writer, written = _write_embedded(change, photo, keep_mtime, exiftool,
                                                                       writer, journal)
            if written is not change:
                result.change, result.note = written, written.note
        else:
            _write_sidecar(change, _hook(journal, change))
            result.writer = "exiv2"
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
        side_result = apply_change(side, photo, style=style, fallback=False, journal=journal)
        if side_result.status == "written":
            side_result.note = f"embedded write failed verification ({exc}); written to the sidecar instead"
        else:
            side_result.reason = (f"embedded write failed verification ({exc}); the sidecar fallback: "
                                  f"{side_result.reason or side_result.status}")
        return side_result


def _write_embedded(change: FileChange, photo: PhotoSnapshot, keep_mtime: bool, exiftool: Exiftool | None,
                    writer: ExiftoolWriter | None,
                    journal: Journal | None) -> tuple[FileState, str, FileChange]:
    """Write and verify a staged copy, trying each writer in turn; returns the new file's state,
    the writer's name and the change written (without XPKeywords when only that one could be)."""
    original = Path(os.path.realpath(photo.path))
    st = check_unchanged(photo)
    reason = read_only_reason(change)
    if reason is not None:
        raise WriteSkipped(reason)
    if st.st_nlink > 1:
        raise VerificationError("the file has several hard links, which a rewrite would separate")
    try:
        before_meta = read_embedded(original, change.format)
    except MetadataParseError as exc:
        raise VerificationError(f"the original's metadata cannot be read ({exc})") from exc
    try:
        before_exiv2: tuple[dict[str, object], dict[str, object]] | None = exiv2_backend.snapshot(original)
    except VerificationError:
        if exiftool is None:
            raise
        before_exiv2 = None  # exiv2 cannot read this file: exiftool's comparison of every tag decides
    attempts: list[tuple[Writer, FileChange]] = []
    if writer is not None and change.format in EXIFTOOL_EMBEDDED_FORMATS:
        attempts.append((writer, change))
    if change.format in EMBEDDED_FORMATS:
        attempts.append((EXIV2, change))
    without_xp = _without_xp(change)
    if writer is not None and without_xp is not None:
        # XMP and IPTC only, leaving the EXIF block byte for byte as it is: last, or next when
        # exiftool refuses to rewrite a damaged EXIF block ("Bad format (0) for IFD0 entry 0"),
        # which exiv2 would rewrite with nobody able to judge the entries neither can read.
        attempts.append((writer, without_xp))
    if not attempts:
        raise VerificationError(f"no writer for {(change.format or 'this format').upper()} files here")
    errors: list[str] = []
    single = len(attempts) == 1
    while attempts:
        w, ch = attempts.pop(0)
        refused = False
        # A MakerNote whose offsets exiftool corrects as it rewrites (Canon's shifted base)
        # reads differently to exiv2 afterwards; exiftool, which wrote it, compares it instead,
        # tag by tag (decoded, unknown tags included).
        by_exiftool = w is writer and exiftool is not None
        try:
            with staged_replace(original, source=original, mode=st.st_mode, expected=st,
                                keep_times=st if keep_mtime else None, before_replace=_hook(journal, ch),
                                what="the file") as staged:
                try:
                    w.modify(staged.temp, ch)
                except Exception as exc:  # writers raise RuntimeError and others
                    refused = True
                    raise VerificationError(f"{w.name} could not write the copy ({exc})") from exc
                verify_embedded(original, staged.temp, ch, before_meta, before_exiv2,
                                makernote_by_exiftool=by_exiftool)
                _exiftool_agrees(exiftool, original, staged.temp)
        except VerificationError as exc:
            label = w.name if ch is change else f"{w.name} without XPKeywords"
            errors.append(str(exc) if single else f"{label}: {exc}")
            if refused and w is writer and ch is change and attempts[-1:] == [(writer, without_xp)]:
                attempts.insert(0, attempts.pop())
            continue
        assert staged.new_state is not None
        if ch is not change:
            ch = dataclasses.replace(ch, note=_join(change.note, f"EXIF XPKeywords left as they were (the EXIF "
                                                                 f"block could not be rewritten safely: "
                                                                 f"{errors[0]})"))
        return staged.new_state, w.name, ch
    raise VerificationError("; ".join(errors))


def _join(*notes: str | None) -> str:
    return "; ".join(n for n in notes if n)


def _without_xp(change: FileChange) -> FileChange | None:
    """The change without EXIF XPKeywords (XMP and IPTC carry the same keywords), or None when
    XPKeywords are not written anyway."""
    if "xp" not in change.fields or change.before.xp == change.after.xp:
        return None
    return dataclasses.replace(change, fields=tuple(f for f in change.fields if f != "xp"),
                               after=dataclasses.replace(change.after, xp=change.before.xp))


def _exiftool_agrees(exiftool: Exiftool | None, original: Path, copy: Path) -> None:
    if exiftool is None:
        return
    try:
        diff = exiftool.differences(original, copy)
    except Exception as exc:
        raise VerificationError(f"exiftool could not compare the copy ({exc})") from exc
    if diff:
        raise VerificationError(f"exiftool sees other metadata changed: {', '.join(diff[:5])}"
                                + (f" and {len(diff) - 5} more" if len(diff) > 5 else ""))


def _write_sidecar(change: FileChange, before_replace: BeforeReplace | None = None) -> None:
    target = change.target
    reason = read_only_reason(change)
    if reason is not None:
        raise WriteSkipped(reason)
    before_others: dict[tuple[str, str], int] | None = {}
    try:
        original_bytes = target.read_bytes() if change.target_existed else None
        mode = os.stat(target).st_mode if change.target_existed else 0o644
    except FileNotFoundError as exc:
        raise WriteSkipped("the sidecar disappeared while writing; write again") from exc
    except OSError as exc:
        raise WriteSkipped(os_reason(exc, "cannot read the sidecar")) from exc
    if original_bytes is not None:
        before_others = xmp_others(original_bytes)
        if before_others is None:
            raise WriteSkipped("the existing sidecar cannot be parsed; fix or remove it")
        if sidecar_fields(original_bytes) != change.before:
            raise WriteSkipped("the sidecar changed since the preview; write again")
    content = original_bytes if original_bytes is not None else SIDECAR_TEMPLATE.encode()
    with staged_replace(target, content=content, mode=mode, before_replace=before_replace,
                        what="the sidecar") as staged:
        try:
            exiv2_backend.modify(staged.temp, change)
        except Exception as exc:
            raise VerificationError(f"exiv2 could not write the sidecar ({exc})") from exc
        try:
            got = read_sidecar(staged.temp)
        except MetadataParseError as exc:
            raise VerificationError(f"the written sidecar does not parse ({exc})") from exc
        if (got.subject, got.hierarchical) != (change.after.subject, change.after.hierarchical):
            raise VerificationError("sidecar keywords did not read back as written")
        if original_bytes is not None and xmp_others(staged.temp.read_bytes()) != before_others:
            raise VerificationError("other properties of the sidecar changed")


def remove_sidecar_if_ours(path: Path, expected: KeywordFields) -> bool:
    """Delete a sidecar imgtag created when it holds nothing but what we wrote (for undo)."""
    try:
        data = path.read_bytes()
        others = xmp_others(data)
        got = sidecar_fields(data)
    except (OSError, MetadataParseError):
        return False
    template = xmp_others(SIDECAR_TEMPLATE.encode())
    if others != template or (got.subject, got.hierarchical) != (expected.subject, expected.hierarchical):
        return False
    path.unlink()
    return True


