"""Seeded fuzz: a few hundred mutated copies of the shared camera files go through scan,
keyword import, decode and an embedded write. Nothing may escape as an exception, every
file gets a status or a reason, and no file that was not written changes by one byte.

IMGTAG_FUZZ_FILES=N fuzzes more files (default 240, well under a minute); IMGTAG_FUZZ_EXIFTOOL=1
writes with exiftool (default: exiv2 alone).
"""

from __future__ import annotations

import hashlib
import os
import random
from collections import Counter
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.imageio import IMAGE_EXTENSIONS, ImageReadError, open_oriented
from imgtag_desktop.core.metadata import write_photos
from imgtag_desktop.core.scan_import import scan_and_import

MAX_SOURCE_BYTES = 400_000  # keeps the run fast; the large files add nothing the small ones lack


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One of the mutations fuzzers use on image files: bit flips, byte runs, cuts, splices."""
    buf = bytearray(data)
    kind = rng.randrange(6)
    if not buf:
        return bytes(rng.randbytes(rng.randrange(1, 64)))
    if kind == 0:  # flip a few bits, biased to the header where parsers decide most
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(min(len(buf), 4096 if rng.random() < 0.7 else len(buf)))
            buf[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # overwrite a run with interesting bytes
        i = rng.randrange(len(buf))
        buf[i : i + rng.randint(1, 16)] = bytes(rng.choice([0x00, 0xFF, 0x7F, 0x80]) for _ in range(rng.randint(1, 16)))
    elif kind == 2:  # cut short
        del buf[rng.randrange(len(buf)) :]
    elif kind == 3:  # delete a chunk
        i = rng.randrange(len(buf))
        del buf[i : i + rng.randint(1, 512)]
    elif kind == 4:  # duplicate a chunk (repeated segments, boxes, IFDs)
        i = rng.randrange(len(buf))
        chunk = buf[i : i + rng.randint(1, 512)]
        j = rng.randrange(len(buf))
        buf[j:j] = chunk
    else:  # big-endian length fields set huge
        i = rng.randrange(max(1, min(len(buf) - 4, 4096)))
        buf[i : i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\x00\x00\x00\x00"])
    return bytes(buf)


@pytest.mark.slow
@pytest.mark.shared_data
def test_mutated_camera_files_never_stop_the_work(tmp_path: Path, shared_images: Path) -> None:
    sources = [p for p in sorted(shared_images.iterdir())
               if p.suffix.lower() in IMAGE_EXTENSIONS and 0 < p.stat().st_size <= MAX_SOURCE_BYTES]
    assert sources
    rng = random.Random(20261128)
    n = int(os.environ.get("IMGTAG_FUZZ_FILES", 240))
    folder = tmp_path / "photos"
    folder.mkdir()
    digests: dict[str, str] = {}
    for i in range(n):
        src = rng.choice(sources)
        name = f"f{i:04d}{src.suffix.lower()}"
        data = mutate(src.read_bytes(), rng)
        (folder / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    with Catalog(tmp_path / "library.db") as catalog:
        report = scan_and_import(catalog, folder)
        photos = catalog.photos.all()
        assert len(photos) == n
        status = Counter(p.status for p in photos)
        assert all(p.status == "ok" or p.error for p in photos)
        decoded = Counter()
        for p in photos:
            if p.status != "ok":
                continue
            try:
                open_oriented(p.path, max_side=96)
                decoded["ok"] += 1
            except ImageReadError:
                decoded["broken"] += 1
        ids = [p.id for p in photos]
        catalog.tags.add(ids, "fuzz")
        written = write_photos(catalog, ids, mode="embedded", use_exiftool=bool(os.environ.get("IMGTAG_FUZZ_EXIFTOOL")))
        results = Counter((r.status, r.mode) for r in written.results)
        for r in written.results:
            assert r.status in ("written", "unchanged", "skipped", "failed")
            if r.status != "written" or r.mode != "embedded":
                assert hashlib.sha256(r.path.read_bytes()).hexdigest() == digests[r.path.name], r.path
            if r.status in ("skipped", "failed"):
                assert r.reason
            if r.status == "written" and r.mode == "embedded":
                open_oriented(r.path, max_side=32)  # still decodes after the write
    print(f"fuzz: {n} files; scan {dict(status)}; keyword import {report.imported.photos} read, "
          f"{len(report.imported.errors)} with a reason; decode {dict(decoded)}; write {dict(results)}")
    for r in written.results:
        if r.status == "failed":
            print(f"  failed {r.path.name}: {r.reason}")
