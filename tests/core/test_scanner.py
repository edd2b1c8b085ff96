from __future__ import annotations

import builtins
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import _Entry, read_facts, scan_folder
from tests.helpers import make_photo, run_unprivileged, world_tmpdir


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares a size, with a tiny (wrong-sized) body: a decompression bomb header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 16)
    body += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return b"\x89PNG\r\n\x1a\n" + body + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    make_photo(root / "a.jpg", seed=1, taken="2023:05:04 10:11:12", make="Canon", model="Canon EOS 7D")
    make_photo(root / "sub" / "b.png", seed=2)
    make_photo(root / "sub" / "c.tif", seed=3, orientation=6)
    make_photo(root / "d.webp", seed=4)
    make_photo(root / ".hidden" / "e.jpg", seed=5)
    make_photo(root / "@eaDir" / "f.jpg", seed=6)
    (root / "notes.txt").write_text("not a photo")
    return root


def test_first_scan_records_photos_with_header_facts(catalog: Catalog, library: Path) -> None:
    stats = scan_folder(catalog, library)
    assert (stats.new, stats.broken, stats.removed) == (4, 0, 0)
    photos = {p.path.relative_to(library).as_posix(): p for p in catalog.photos.all()}
    assert set(photos) == {"a.jpg", "sub/b.png", "sub/c.tif", "d.webp"}
    a = photos["a.jpg"]
    assert (a.format, a.width, a.height) == ("jpeg", 320, 240)
    assert (a.taken_at, a.camera) == ("2023-05-04T10:11:12", "Canon EOS 7D")
    assert photos["sub/c.tif"].orientation == 6 and photos["sub/c.tif"].format == "tiff"
    assert photos["d.webp"].format == "webp" and photos["sub/b.png"].format == "png"
    assert sorted(stats.touched_ids) == sorted(p.id for p in photos.values())


def test_rescan_of_unchanged_folder_opens_no_file(
    catalog: Catalog, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan_folder(catalog, library)
    opened: list[str] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(os.fsdecode(file) if isinstance(file, bytes) else file).startswith(str(library)):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    stats = scan_folder(catalog, library)
    assert opened == []
    assert (stats.changes, stats.contents_read, stats.unchanged) == (0, 0, 4)


def test_changed_moved_removed(catalog: Catalog, library: Path) -> None:
    scan_folder(catalog, library)
    a = catalog.photos.by_path(library / "a.jpg")
    assert a is not None
    catalog.tags.add(a.id, "dog")
    (library / "archive").mkdir()
    shutil.move(library / "a.jpg", library / "archive" / "a-renamed.jpg")
    make_photo(library / "d.webp", seed=40, size=(100, 50))
    (library / "sub" / "b.png").unlink()
    stats = scan_folder(catalog, library)
    assert (stats.new, stats.changed, stats.moved, stats.removed) == (0, 1, 1, 1)
    moved = catalog.photos.by_path(library / "archive" / "a-renamed.jpg")
    assert moved is not None and moved.id == a.id
    assert [t.name for t in catalog.tags.photo_tags(a.id)] == ["dog"]
    d = catalog.photos.by_path(library / "d.webp")
    assert d is not None and (d.width, d.height) == (100, 50)
    b = catalog.photos.by_path(library / "sub" / "b.png")
    assert b is not None and b.status == "missing"


def test_move_to_another_library_folder_keeps_tags(catalog: Catalog, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    make_photo(one / "x.jpg", seed=9)
    two.mkdir()
    scan_folder(catalog, one)
    x = catalog.photos.by_path(one / "x.jpg")
    assert x is not None
    catalog.tags.add(x.id, "cat")
    shutil.move(one / "x.jpg", two / "x.jpg")
    scan_folder(catalog, one)
    stats = scan_folder(catalog, two)
    assert stats.moved == 1
    moved = catalog.photos.by_path(two / "x.jpg")
    assert moved is not None and moved.id == x.id and moved.status == "ok"
    assert [t.name for t in catalog.tags.photo_tags(x.id)] == ["cat"]


def test_bad_inputs_get_reasons_and_do_not_stop_the_scan(catalog: Catalog, tmp_path: Path) -> None:
    root = tmp_path / "bad"
    good = make_photo(root / "good.jpg", seed=1)
    (root / "zero.jpg").write_bytes(b"")
    data = good.read_bytes()
    (root / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (root / "text.jpg").write_text("hello, I am not a photo")
    (root / "bomb.png").write_bytes(_png_header(65000, 65000))
    (root / b"caf\xe9-latin1.jpg".decode(errors="surrogateescape")).write_bytes(data)
    (root / "loop").symlink_to(root)
    (root / "dangling.jpg").symlink_to(root / "nowhere.jpg")
    stats = scan_folder(catalog, root)
    reasons = {Path(p).name: r for p, r in stats.errors}
    assert reasons["zero.jpg"] == "empty file (0 bytes)"
    assert "not an image" in reasons["text.jpg"]
    assert "decompression-bomb" in reasons["bomb.png"] and "65000x65000 pixels" in reasons["bomb.png"]
    assert "cannot be decoded" in reasons["truncated.jpg"]
    assert "missing file" in reasons["dangling.jpg"]
    ok = {p.path.name for p in catalog.photos.all(status="ok")}
    assert ok == {"good.jpg", b"caf\xe9-latin1.jpg".decode(errors="surrogateescape")}
    broken = {p.path.name: p.error for p in catalog.photos.all(status="broken")}
    assert set(broken) == {"zero.jpg", "truncated.jpg", "text.jpg", "bomb.png"}
    # A second scan reads nothing and reports nothing new.
    again = scan_folder(catalog, root)
    assert (again.changes, again.contents_read) == (0, 0)


def test_unreadable_file() -> None:
    root = world_tmpdir()
    try:
        folder = root / "locked"
        folder.mkdir(mode=0o777)
        folder.chmod(0o777)
        make_photo(folder / "ok.jpg", seed=1).chmod(0o644)
        make_photo(folder / "x.jpg").chmod(0)

        def scan() -> list[tuple[str, str, str | None]]:
            with Catalog(root / "library.db") as cat:
                scan_folder(cat, folder)
                return [(p.path.name, p.status, p.error) for p in cat.photos.all()]

        rows = run_unprivileged(scan)
        reason = "cannot be read: Permission denied (check the file's permissions)"
        assert rows == [("ok.jpg", "ok", None), ("x.jpg", "broken", reason)]
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_file_deleted_between_listing_and_reading(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "gone.jpg")
    st = path.stat()
    entry = _Entry(bytes(path), "", st.st_size, st.st_mtime_ns)
    path.unlink()
    facts = read_facts(entry)
    assert facts.status == "missing" and facts.error == "file disappeared while scanning"


def test_scan_of_missing_folder_is_a_clear_error(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="cannot open folder"):
        scan_folder(catalog, tmp_path / "nope")


def test_cancel_stops_between_files_and_next_scan_resumes(catalog: Catalog, library: Path) -> None:
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    first = scan_folder(catalog, library, cancelled=cancelled)
    assert first.new < 4
    second = scan_folder(catalog, library)
    assert first.new + second.new == 4 and second.removed == 0


@pytest.mark.shared_data
def test_shared_images_every_file_recorded_or_explained(catalog: Catalog, shared_images: Path) -> None:
    stats = scan_folder(catalog, shared_images)
    files = sorted(p.name for p in shared_images.iterdir() if p.suffix.lower() not in {".tsv", ".md"})
    recorded = {p.path.name: p for p in catalog.photos.all()}
    assert sorted(recorded) == files
    for photo in recorded.values():
        if photo.status == "ok":
            assert photo.width and photo.height and photo.format
        else:
            assert photo.error, photo.path
    index = (shared_images / "INDEX.tsv").read_text().splitlines()[1:]
    not_images = [row.split("\t")[0] for row in index if row.split("\t")[6].startswith("not-image")]
    assert not_images and all(recorded[name].status == "broken" for name in not_images)
    again = scan_folder(catalog, shared_images)
    assert (again.changes, again.contents_read) == (0, 0) and stats.new == len(files)
