"""Writing keywords safely; exiftool is the oracle for what other programs will see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imgtag_desktop.core.metadata import plan_writes, read_keywords, undo_last_write, write_photos
from imgtag_desktop.core.metadata.write import TEMP_MARK
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo
from tests.metadata.oracle import NON_ASCII, digest, exiftool_json, exiftool_keywords, metadata_diff, pixels

TAGS = ["dog", "places|Zürich", "café", "東京"]
LEAVES = ["dog", "Zürich", "café", "東京"]


def tag_all(catalog, folder: Path, names=TAGS) -> list[int]:  # type: ignore[no-untyped-def]
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    for name in names:
        catalog.tags.add(ids, name)
    return ids


@pytest.mark.parametrize("suffix", [".jpg", ".tif", ".png", ".webp"])
def test_embedded_write_is_seen_by_exiftool_and_changes_nothing_else(library, suffix: str) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / f"p{suffix}")
    before, px = exiftool_json(photo), pixels(photo)
    ids = tag_all(catalog, folder)
    report = write_photos(catalog, ids, mode="embedded")
    assert [r.status for r in report.results] == ["written"], report.to_json()
    assert report.results[0].mode == "embedded"
    kw = exiftool_keywords(photo)
    assert sorted(kw["subject"]) == sorted(LEAVES)
    assert sorted(kw["hierarchical"]) == sorted(TAGS)
    if suffix in (".jpg", ".tif"):
        assert sorted(kw["iptc"]) == sorted(LEAVES)
        assert sorted(kw["xp"]) == sorted(LEAVES)
        assert exiftool_json(photo)["IPTC:CodedCharacterSet"] == "UTF8"
    assert metadata_diff(before, exiftool_json(photo)) == []
    assert pixels(photo) == px
    assert not [n for n in os.listdir(folder) if TEMP_MARK in n]
    # The catalog row follows the file: a rescan sees no change, a second write nothing to do.
    assert scan_folder(catalog, folder).changed == 0
    assert write_photos(catalog, ids, mode="embedded").results[0].status == "unchanged"


def test_dc_subject_is_a_bag(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    write_photos(catalog, tag_all(catalog, folder), mode="embedded")
    out = subprocess.run(["exiftool", "-validate", "-warning", "-a", str(photo)], capture_output=True, text=True)
    assert "incorrect list type" not in out.stdout


@pytest.mark.parametrize("style,name", [("append", "p.jpg.xmp"), ("replace", "p.xmp")])
def test_sidecar_mode_leaves_the_photo_byte_identical(library, style: str, name: str) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    original = digest(photo)
    ids = tag_all(catalog, folder)
    report = write_photos(catalog, ids, mode="sidecar", style=style)
    assert report.results[0].status == "written"
    assert digest(photo) == original
    kw = exiftool_keywords(folder / name)
    assert sorted(kw["subject"]) == sorted(LEAVES) and sorted(kw["hierarchical"]) == sorted(TAGS)
    assert sorted(read_keywords(photo).tags()) == sorted(TAGS)


def test_removing_a_tag_removes_it_but_foreign_keywords_stay(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    exiftool_json(photo)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Subject+=from another app", str(photo)],
                   check=True)
    ids = tag_all(catalog, folder)  # the scan did not import (that is the CLI's job): "from another app" is foreign
    write_photos(catalog, ids, mode="embedded")
    catalog.tags.remove(ids, "café")
    catalog.tags.reject(ids[0], "dog")
    scan_folder(catalog, folder)
    plan = plan_writes(catalog, ids, "embedded")[0]
    assert sorted(plan.removed) == ["café", "dog"] and plan.added == ()
    assert write_photos(catalog, ids, mode="embedded").results[0].status == "written"
    kw = exiftool_keywords(photo)
    assert sorted(kw["subject"]) == sorted(["from another app", "Zürich", "東京"])
    assert sorted(kw["iptc"]) == sorted(["Zürich", "東京"])
    assert sorted(kw["hierarchical"]) == sorted(["places|Zürich", "東京"])


def test_undo_restores_previous_values(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    exiftool_json(photo)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-IPTC:Keywords=old", str(photo)], check=True)
    sidecar_photo = make_photo(folder / "q.jpg", seed=3)
    before = exiftool_keywords(photo)
    ids = tag_all(catalog, folder)
    write_photos(catalog, [ids[0]], mode="embedded")
    write_photos(catalog, [ids[1]], mode="sidecar")
    assert (folder / "q.jpg.xmp").exists()
    assert undo_last_write(catalog).count("written") == 1
    assert not (folder / "q.jpg.xmp").exists() and sidecar_photo.exists()
    assert undo_last_write(catalog).count("written") == 1
    assert exiftool_keywords(photo) == before
    assert undo_last_write(catalog).batch is None


def test_file_changed_since_scan_is_skipped(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder)
    make_photo(photo, seed=9)  # edited by another program after the scan
    edited = digest(photo)
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.status == "skipped" and "rescan" in (result.reason or "")
    assert digest(photo) == edited


def test_read_only_file_and_folder_are_skipped_untouched(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder)
    original = digest(photo)
    assert plan_writes(catalog, ids, "embedded")[0].changes  # writable: the dry run would write it
    photo.chmod(0o444)
    planned = plan_writes(catalog, ids, "embedded")[0]  # the dry run says so before anything is written
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.status == "skipped" and "read-only" in (result.reason or "")
    assert not planned.changes and planned.skip == result.reason
    photo.chmod(0o644)
    folder.chmod(0o555)
    try:
        planned_pair = plan_writes(catalog, ids, "embedded")[0], plan_writes(catalog, ids, "sidecar")[0]
        result = write_photos(catalog, ids, mode="embedded").results[0]
        sidecar = write_photos(catalog, ids, mode="sidecar").results[0]
    finally:
        folder.chmod(0o755)
    assert result.status == "skipped" and "read-only" in (result.reason or "")
    assert sidecar.status == "skipped" and "read-only" in (sidecar.reason or "")
    assert [p.skip for p in planned_pair] == [result.reason, sidecar.reason]
    assert digest(photo) == original and os.listdir(folder) == ["p.jpg"]


def test_vanished_file_is_skipped(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder)
    photo.unlink()
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.status == "skipped" and "not found" in (result.reason or "")
    assert os.listdir(folder) == []


def test_full_disk_leaves_original_untouched(library, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    from imgtag_desktop.core.metadata import staged

    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder)
    original = digest(photo)

    def full(*args: object, **kwargs: object) -> None:  # the boundary: the OS refusing to write
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(staged.shutil, "copyfileobj", full)
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.status == "skipped" and "disk is full" in (result.reason or "")
    assert digest(photo) == original
    assert os.listdir(folder) == ["p.jpg"]


CRASH_SCRIPT = """
import os, sys
from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata import staged as w, write_photos

def crash(temp, target):  # the process dies between the verified temp write and the rename
    os._exit(9)

w._commit = crash
with Catalog(sys.argv[1]) as catalog:
    write_photos(catalog, [int(sys.argv[2])], mode="embedded", use_exiftool=False)
"""


def test_crash_between_temp_write_and_rename(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder)
    original = digest(photo)
    proc = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(catalog.path), str(ids[0])],
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 9
    assert digest(photo) == original
    strays = [n for n in os.listdir(folder) if TEMP_MARK in n]
    assert len(strays) == 1 and strays[0].startswith(".")
    report = write_photos(catalog, ids, mode="embedded")
    assert report.results[0].status == "written"
    assert [Path(p).name for p in report.cleaned_temps] == strays
    assert sorted(os.listdir(folder)) == ["p.jpg"]


def test_keep_mtime(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    os.utime(photo, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    ids = tag_all(catalog, folder)
    write_photos(catalog, ids, mode="embedded", keep_mtime=True)
    assert photo.stat().st_mtime_ns == 1_600_000_000_000_000_000
    assert sorted(exiftool_keywords(photo)["subject"]) == sorted(LEAVES)


def test_unparseable_metadata_is_never_written(library) -> None:  # type: ignore[no-untyped-def]
    from imgtag_desktop.core.metadata import import_keywords

    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    data = photo.read_bytes()
    packet = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF"
    photo.write_bytes(data[:2] + b"\xff\xe1" + (len(packet) + 2).to_bytes(2, "big") + packet + data[2:])
    ids = tag_all(catalog, folder)
    import_keywords(catalog, ids)
    original = digest(photo)
    for mode in ("embedded", "sidecar"):
        result = write_photos(catalog, ids, mode=mode).results[0]
        assert result.status == "skipped" and "never written" in (result.reason or "")
    assert digest(photo) == original and os.listdir(folder) == ["p.jpg"]


def test_non_ascii_survives_every_field_and_reads_back(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / "p.jpg")
    ids = tag_all(catalog, folder, NON_ASCII)
    write_photos(catalog, ids, mode="embedded")
    kw = exiftool_keywords(photo)
    for field in ("subject", "hierarchical", "iptc", "xp"):
        assert sorted(kw[field]) == sorted(NON_ASCII), field
    assert sorted(read_keywords(photo).tags()) == sorted(NON_ASCII)


@pytest.mark.parametrize("name", ["exiv2__Stonehenge.heic", "exiv2__Sony.HIF", "exiv2__avif_exif_xmp.avif"])
def test_heif_and_avif_are_written_embedded_by_exiftool(library, shared_images: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    import shutil

    catalog, folder, _ = library
    photo = folder / name
    shutil.copy(shared_images / name, photo)
    photo.chmod(0o644)
    before = exiftool_json(photo)
    before_pixels = pixels(photo)
    ids = tag_all(catalog, folder)
    result = write_photos(catalog, ids, mode="embedded", use_exiftool=True).results[0]
    assert (result.status, result.mode, result.writer) == ("written", "embedded", "exiftool"), result.note
    assert sorted(exiftool_keywords(photo)["subject"]) == sorted(LEAVES)
    assert metadata_diff(before, exiftool_json(photo)) == []
    assert pixels(photo) == before_pixels
    assert not (folder / (name + ".xmp")).exists()


def test_heic_goes_to_a_sidecar_without_exiftool(library, shared_images: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    catalog, folder, _ = library
    photo = folder / "s.heic"
    shutil.copy(shared_images / "exiv2__Stonehenge.heic", photo)
    original = digest(photo)
    ids = tag_all(catalog, folder)
    result = write_photos(catalog, ids, mode="embedded", use_exiftool=False).results[0]
    assert result.status == "written" and result.mode == "sidecar" and "sidecar" in (result.note or "")
    assert digest(photo) == original
    assert sorted(exiftool_keywords(folder / "s.heic.xmp")["subject"]) == sorted(LEAVES)


@pytest.mark.parametrize("use_exiftool", [False, True], ids=["exiv2", "exiftool"])
def test_latin1_exif_text_and_an_empty_xpkeywords_entry_do_not_stop_a_write(library, use_exiftool: bool) -> None:  # type: ignore[no-untyped-def]
    """Camera text in Latin-1 (not UTF-8), and an XPKeywords entry that holds nothing, which used
    to fail verification as "EXIF tag count dropped from N to N"."""
    import piexif
    from PIL import Image

    catalog, folder, _ = library
    photo = folder / "p.jpg"
    exif = piexif.dump({"0th": {piexif.ImageIFD.ImageDescription: b"Montr\xe9al caf\xe9",
                                piexif.ImageIFD.Artist: b"Jos\xe9", piexif.ImageIFD.XPKeywords: [0, 0]},
                        "Exif": {piexif.ExifIFD.UserComment: b"ASCII\x00\x00\x00caf\xe9"}})
    Image.new("RGB", (64, 48), (10, 20, 30)).save(photo, exif=exif)
    before = exiftool_json(photo)
    ids = tag_all(catalog, folder)
    result = write_photos(catalog, ids, mode="embedded", use_exiftool=use_exiftool).results[0]
    assert (result.status, result.mode) == ("written", "embedded"), (result.reason, result.note)
    assert result.writer == ("exiftool" if use_exiftool else "exiv2")
    after = exiftool_json(photo)
    assert after["IFD0:ImageDescription"] == before["IFD0:ImageDescription"]
    assert after["IFD0:Artist"] == before["IFD0:Artist"]
    assert sorted(exiftool_keywords(photo)["xp"]) == sorted(LEAVES)


def test_writing_keywords_leaves_the_photos_analysis_current(library) -> None:  # type: ignore[no-untyped-def]
    """The write changes the file's bytes (so its fingerprint) but not its pixels: the photo is not
    analysed again by the next tagging run nor hashed again by the next duplicate search, and a
    photo whose analysis was already stale stays so."""
    catalog, folder, _ = library
    make_photo(folder / "a.jpg", seed=1)
    make_photo(folder / "b.jpg", seed=2)
    ids = tag_all(catalog, folder)
    a, b = (catalog.photos.get(i) for i in ids)
    for photo, fingerprint in ((a, a.fingerprint), (b, "an older content")):
        catalog.analysis.record(photo.id, caption="a photo", caption_model="c", candidates=[], suggestions=[],
                                embedding=None, visual_model="v", models_key="models", fingerprint=fingerprint,
                                threshold=None)
    assert catalog.analysis.pending("models") == [b.id]
    catalog.duplicates.set_hashes([(a.id, a.fingerprint, 12345)])  # a duplicate search hashed a before
    assert [row[0] for row in catalog.duplicates.needing_hash()] == [b.id]
    report = write_photos(catalog, ids, mode="embedded")
    assert [r.status for r in report.results] == ["written", "written"]
    assert catalog.photos.get(a.id).fingerprint != a.fingerprint  # the file's head changed
    assert catalog.analysis.pending("models") == [b.id]
    assert [row[0] for row in catalog.duplicates.needing_hash()] == [b.id]  # nor hashed again
    assert scan_folder(catalog, folder).changed == 0
    # Undoing the write restores the file: the analysis follows it back.
    undo_last_write(catalog)
    assert catalog.analysis.pending("models") == [b.id]
    assert scan_folder(catalog, folder).changed == 0
