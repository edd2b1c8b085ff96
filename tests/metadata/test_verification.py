"""The verification is what makes a write safe: a library that damages the copy is caught."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imgtag_desktop.core.metadata import WriterBusy, exiv2_backend, undo_last_write, write_photos
from imgtag_desktop.core.metadata import write as w
from imgtag_desktop.core.metadata.service import writer_lock
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo
from tests.metadata.oracle import digest, exiftool_json, exiftool_keywords


def one_tagged_photo(library, name: str = "p.jpg") -> tuple[object, list[int], Path]:  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make_photo(folder / name)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    catalog.tags.add(ids, "Zürich")
    return catalog, ids, photo


def damage_after(real, damage):  # type: ignore[no-untyped-def]
    def modify(path: Path, change: w.FileChange) -> None:
        real(path, change)
        if change.mode == "embedded":  # the sidecar fallback gets a well-behaved library
            damage(path)
    return modify


def damage_every_writer(monkeypatch, damage) -> None:  # type: ignore[no-untyped-def]
    """Both embedded writers (exiftool where installed, exiv2) damage their copy."""
    from imgtag_desktop.core.metadata.exiftool import ExiftoolWriter

    monkeypatch.setattr(exiv2_backend, "modify", damage_after(exiv2_backend.modify, damage))
    real = ExiftoolWriter.modify
    monkeypatch.setattr(ExiftoolWriter, "modify",
                        lambda self, path, change: damage_after(lambda p, c: real(self, p, c), damage)(path, change))


def drop_model(path: Path) -> None:  # what exiv2 did to MakerNotes: a silent loss
    import pyexiv2

    img = pyexiv2.Image(str(path))
    img.modify_exif({"Exif.Image.Model": None})
    img.close()


def truncate(path: Path) -> None:  # what exiv2 0.27 left after a crash: a zero-byte file
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [drop_model, truncate], ids=["lost-exif-tag", "truncated"])
@pytest.mark.parametrize("use_exiftool", [True, False], ids=["exiftool", "inner-checks-only"])
def test_damaged_copy_is_discarded_and_falls_back_to_sidecar(library, monkeypatch, damage, use_exiftool) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    original = digest(photo)
    damage_every_writer(monkeypatch, damage)
    result = write_photos(catalog, ids, mode="embedded", use_exiftool=use_exiftool).results[0]
    assert result.status == "written" and result.mode == "sidecar"
    assert "failed verification" in (result.note or "")
    assert digest(photo) == original
    assert sorted(os.listdir(photo.parent)) == ["p.jpg", "p.jpg.xmp"]


def test_changed_pixels_are_caught(library, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    original = digest(photo)

    def repaint(path: Path) -> None:
        data = path.read_bytes()
        make_photo(path, seed=42)  # another image with the same metadata shape
        assert path.read_bytes() != data

    monkeypatch.setattr(exiv2_backend, "modify", damage_after(exiv2_backend.modify, repaint))
    result = write_photos(catalog, ids, mode="embedded", use_exiftool=False).results[0]
    assert result.mode == "sidecar" and digest(photo) == original


def test_a_library_that_damages_every_copy_fails_the_file_cleanly(library, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    original = digest(photo)

    def always_truncate(path: Path, change: w.FileChange) -> None:
        path.write_bytes(b"")

    monkeypatch.setattr(exiv2_backend, "modify", always_truncate)
    monkeypatch.setattr("imgtag_desktop.core.metadata.exiftool.ExiftoolWriter.modify",
                        lambda self, path, change: always_truncate(path, change))
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.status == "failed" and "original untouched" in (result.reason or "")
    assert digest(photo) == original and os.listdir(photo.parent) == ["p.jpg"]


def test_one_writer_at_a_time(library) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    original = digest(photo)
    with writer_lock(catalog), pytest.raises(WriterBusy):
        write_photos(catalog, ids, mode="embedded")
    assert digest(photo) == original


def test_existing_sidecar_keeps_its_other_content_and_undo_restores(library) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    sidecar = photo.with_name("p.jpg.xmp")
    sidecar.write_text(
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:darktable="http://darktable.sf.net/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" darktable:xmp_version="5" darktable:history_end="3">'
        "<dc:subject><rdf:Bag><rdf:li>kept</rdf:li></rdf:Bag></dc:subject>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>\n",
        encoding="utf-8",
    )
    before = exiftool_json(sidecar)
    assert write_photos(catalog, ids, mode="sidecar").results[0].status == "written"
    after = exiftool_json(sidecar)
    assert after["XMP-darktable:History_end"] == before["XMP-darktable:History_end"] == 3
    assert sorted(exiftool_keywords(sidecar)["subject"]) == ["Zürich", "kept"]
    assert undo_last_write(catalog).count("written") == 1
    assert exiftool_keywords(sidecar)["subject"] == ["kept"] and sidecar.exists()


def test_hard_linked_file_is_not_split(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    catalog, ids, photo = one_tagged_photo(library)
    other = tmp_path / "elsewhere.jpg"
    os.link(photo, other)
    original = digest(photo)
    result = write_photos(catalog, ids, mode="embedded").results[0]
    assert result.mode == "sidecar" and "hard links" in (result.note or "")
    assert digest(photo) == original and os.stat(photo).st_ino == os.stat(other).st_ino
