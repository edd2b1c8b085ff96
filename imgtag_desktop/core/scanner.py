"""Incremental folder scanner: new, changed, moved and removed photos.

A rescan of an unchanged folder costs one ``stat`` per file: a file is opened only when it
is new, or when its size or modification time differ from the catalog. Moves are found by
content fingerprint (size + hash of the first 64 KiB), so a moved photo keeps its tags.
Broken files are recorded with a reason and never stop the scan.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .catalog import Catalog, PhotoFacts, ScanStats, display_path
from .imageio import IMAGE_EXTENSIONS, ImageReadError, describe_non_image, read_header, sniff_format, verify_decodes
from .places import record_places

log = logging.getLogger(__name__)

HEAD_BYTES = 64 * 1024
BATCH = 500
FIRST_BATCH = 50  # committed early, so a window shows the first photos of a big folder at once
# Folders that hold no photos of the person's own: NAS/OS housekeeping, trash, caches.
SKIPPED_DIRS = frozenset(
    {b"@eaDir", b"#recycle", b"#snapshot", b"$RECYCLE.BIN", b"System Volume Information", b"__MACOSX",
     b"lost+found", b"Thumbs", b"node_modules"}
)

ProgressCallback = Callable[[int, int, str], None]
CancelCheck = Callable[[], bool]


@dataclass
class _Entry:
    path: bytes
    rel_dir: str
    size: int
    mtime_ns: int


@dataclass
class _Walk:
    entries: list[_Entry] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def fingerprint(head: bytes, size: int) -> str:
    """The content fingerprint used to recognise a file after a move."""
    return hashlib.blake2b(size.to_bytes(8, "little") + head, digest_size=16).hexdigest()


def walk_photos(root: bytes) -> _Walk:
    """Every candidate photo under ``root`` with its stat, following directory symlinks once."""
    result = _Walk()
    seen_dirs: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
    except OSError as exc:
        raise FileNotFoundError(f"cannot open folder {display_path(root)}: {exc.strerror}") from exc
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{display_path(root)} is not a folder")
    seen_dirs.add((st.st_dev, st.st_ino))
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                children = list(it)
        except OSError as exc:
            result.errors.append((display_path(folder), f"folder cannot be listed: {exc.strerror}"))
            continue
        rel = os.path.relpath(folder, root)
        rel_dir = "" if rel == b"." else display_path(rel)
        for child in sorted(children, key=lambda c: c.name):
            name = child.name
            if name.startswith(b".") or name in SKIPPED_DIRS:
                continue
            try:
                is_dir = child.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    dst = child.stat(follow_symlinks=True)
                except OSError as exc:
                    result.errors.append((display_path(child.path), f"folder cannot be read: {exc.strerror}"))
                    continue
                key = (dst.st_dev, dst.st_ino)
                if key in seen_dirs:  # a symlink loop or a second link to a folder already walked
                    continue
                seen_dirs.add(key)
                stack.append(child.path)
                continue
            if os.path.splitext(name)[1].lower().decode("ascii", "replace") not in IMAGE_EXTENSIONS:
                continue
            try:
                fst = child.stat(follow_symlinks=True)
            except OSError as exc:
                reason = "symbolic link to a missing file" if child.is_symlink() else exc.strerror
                result.errors.append((display_path(child.path), f"cannot be read: {reason}"))
                continue
            if not stat.S_ISREG(fst.st_mode):
                continue
            result.entries.append(_Entry(child.path, rel_dir, fst.st_size, fst.st_mtime_ns))
    return result


def read_facts(entry: _Entry) -> PhotoFacts:
    """Open a file once: fingerprint its head, recognise the format, read the header."""
    base = {"path_bytes": entry.path, "rel_dir": entry.rel_dir, "size": entry.size, "mtime_ns": entry.mtime_ns}
    try:
        with open(entry.path, "rb") as fh:
            return _facts_from_file(fh, entry, base)
    except FileNotFoundError:
        return PhotoFacts(**base, fingerprint=None, format=None, status="missing",  # type: ignore[arg-type]
                          error="file disappeared while scanning")
    except OSError as exc:
        return PhotoFacts(**base, fingerprint=None, format=None, status="broken",  # type: ignore[arg-type]
                          error=f"cannot be read: {exc.strerror or exc} (check the file's permissions)")
    except Exception as exc:
        log.warning("unexpected error reading %s", display_path(entry.path), exc_info=True)
        return PhotoFacts(**base, fingerprint=None, format=None, status="broken",  # type: ignore[arg-type]
                          error=f"cannot be read: unexpected {type(exc).__name__}: {exc}")


def _facts_from_file(fh: BinaryIO, entry: _Entry, base: dict[str, object]) -> PhotoFacts:
    """The facts of an open file; the header parser and the truncation check read the same handle."""
    head = fh.read(HEAD_BYTES)
    tail = b""
    if entry.size > 4:
        fh.seek(max(0, entry.size - 4096))
        tail = fh.read()
    fp = fingerprint(head, entry.size)
    fmt = sniff_format(head[:32])
    if fmt is None:
        return PhotoFacts(**base, fingerprint=fp, format=None, status="broken",  # type: ignore[arg-type]
                          error=describe_non_image(head[:32]))
    try:
        header = read_header(fh, fmt)
        # A JPEG that does not end in an EOI marker is usually cut short: prove it decodes.
        if fmt == "jpeg" and b"\xff\xd9" not in tail:
            verify_decodes(fh)
    except ImageReadError as exc:
        return PhotoFacts(**base, fingerprint=fp, format=fmt, status="broken", error=str(exc))  # type: ignore[arg-type]
    return PhotoFacts(
        **base,  # type: ignore[arg-type]
        fingerprint=fp,
        format=fmt,
        width=header.width,
        height=header.height,
        orientation=header.orientation,
        taken_at=header.taken_at,
        camera=header.camera,
        gps=header.gps,
    )


def scan_folder(
    catalog: Catalog,
    folder: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    language: str = "en",
) -> ScanStats:
    """Bring the catalog up to date with a folder; returns what changed.

    Writes are committed in batches, so a cancel or crash loses at most one batch, and the
    next scan picks up from there. Photos with a GPS position get a place tag (country names
    in ``language``); an unusable GPS field is reported in the scan's notes.
    """
    root = Path(folder).expanduser().resolve()
    walk = walk_photos(os.fsencode(root))
    record = catalog.photos.add_folder(root)
    known = catalog.photos.known_files(record.id)
    errors = list(walk.errors)
    notes: list[tuple[str, str]] = []
    seen: set[bytes] = set()
    to_read: list[tuple[_Entry, int | None]] = []  # (entry, existing photo id)
    unchanged = 0
    for entry in walk.entries:
        seen.add(entry.path)
        old = known.get(entry.path)
        if old and old.size == entry.size and old.mtime_ns == entry.mtime_ns and old.status != "missing":
            unchanged += 1
        else:
            to_read.append((entry, old.photo_id if old else None))
    gone = {path: k for path, k in known.items() if path not in seen and k.status != "missing"}

    total = len(to_read)
    new_facts: list[PhotoFacts] = []
    updates: list[tuple[int, PhotoFacts]] = []
    counts = {"new": 0, "changed": 0, "moved": 0, "broken": 0}
    touched: list[int] = []
    located: list[tuple[int, PhotoFacts]] = []
    gone_by_fp = {k.fingerprint: path for path, k in gone.items() if k.fingerprint}

    def flush() -> None:
        if new_facts:
            # Moves: a new path whose content matches a photo that vanished keeps that photo's row.
            moved_from_elsewhere = catalog.photos.missing_by_fingerprint(
                f.fingerprint for f in new_facts if f.fingerprint and f.fingerprint not in gone_by_fp
            )
            fresh: list[PhotoFacts] = []
            for f in new_facts:
                old_path = gone_by_fp.pop(f.fingerprint, None) if f.fingerprint and f.status == "ok" else None
                if old_path is not None:
                    updates.append((gone.pop(old_path).photo_id, f))
                    counts["moved"] += 1
                elif f.fingerprint and f.status == "ok" and f.fingerprint in moved_from_elsewhere:
                    updates.append((moved_from_elsewhere.pop(f.fingerprint), f))
                    counts["moved"] += 1
                else:
                    fresh.append(f)
                    counts["new"] += 1
            added = catalog.photos.add(record.id, fresh)
            touched.extend(pid for pid, f in zip(added, fresh, strict=True) if f.status == "ok")
            located.extend((pid, f) for pid, f in zip(added, fresh, strict=True) if f.status == "ok")
            new_facts.clear()
        if updates:
            catalog.photos.update(updates, folder_id=record.id)
            touched.extend(pid for pid, f in updates if f.status == "ok")
            located.extend((pid, f) for pid, f in updates if f.status == "ok")
            updates.clear()
        if located:
            notes.extend(record_places(catalog, located, language=language))
            located.clear()

    was_cancelled = False
    for done, (entry, photo_id) in enumerate(to_read, 1):
        if cancelled and cancelled():
            was_cancelled = True
            break
        facts = read_facts(entry)
        if facts.status != "ok":
            counts["broken"] += 1
            errors.append((display_path(entry.path), facts.error or "unreadable"))
        if photo_id is None:
            new_facts.append(facts)
        else:
            updates.append((photo_id, facts))
            counts["changed"] += 1
        if len(new_facts) + len(updates) >= (FIRST_BATCH if done <= FIRST_BATCH else BATCH):
            flush()
        if progress:
            progress(done, total, display_path(entry.path))
    flush()
    if gone and not was_cancelled:
        catalog.photos.mark_missing(k.photo_id for k in gone.values())
    if not was_cancelled:
        catalog.photos.mark_folder_scanned(record.id)
    return ScanStats(
        new=counts["new"],
        changed=counts["changed"],
        moved=counts["moved"],
        removed=0 if was_cancelled else len(gone),
        unchanged=unchanged,
        broken=counts["broken"],
        contents_read=total,
        errors=errors,
        notes=notes,
        touched_ids=touched,
    )

