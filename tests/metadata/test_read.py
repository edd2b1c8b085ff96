"""Reading keywords: fields written by exiftool itself come back as the same tags."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from imgtag_desktop.core.metadata import import_keywords, read_keywords
from imgtag_desktop.core.metadata.keywords import KeywordFields, MetadataParseError, parse_xmp, xp_keywords
from tests.helpers import make_photo
from tests.metadata.oracle import NON_ASCII, exiftool_json


def exiftool_write(path: Path, *args: str) -> None:
    exiftool_json(path)  # skips when exiftool is missing
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-charset", "iptc=utf8", "-codedcharacterset=utf8",
                    *args, str(path)], check=True)


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_reads_back_every_field_written_by_exiftool(tmp_path: Path, suffix: str) -> None:
    photo = make_photo(tmp_path / f"p{suffix}")
    exiftool_write(
        photo,
        *[f"-XMP-dc:Subject+={k}" for k in ["dog", *NON_ASCII]],
        "-XMP-lr:HierarchicalSubject+=places|Zürich", "-XMP-lr:HierarchicalSubject+=animals|dog",
        *[f"-IPTC:Keywords+={k}" for k in ["iptc only", "café"]],
        "-XPKeywords=xp only;東京",
        "-XMP-digiKam:TagsList+=people/Ann",
    )
    reading = read_keywords(photo)
    assert reading.error is None
    assert list(reading.embedded.subject) == ["dog", *NON_ASCII]
    assert list(reading.embedded.hierarchical) == ["places|Zürich", "animals|dog"]
    assert list(reading.embedded.iptc) == ["iptc only", "café"]
    assert list(reading.embedded.xp) == ["xp only", "東京"]
    assert list(reading.embedded.tags_list) == ["people/Ann"]
    # The union: hierarchies kept, a flat keyword that is a hierarchy's leaf not doubled.
    assert sorted(reading.tags()) == sorted(
        ["places|Zürich", "animals|dog", "people|Ann", "café", "東京", "iptc only", "xp only"]
    )


@pytest.mark.parametrize("suffix", [".png", ".webp"])
def test_reads_xmp_in_png_and_webp(tmp_path: Path, suffix: str) -> None:
    photo = make_photo(tmp_path / f"p{suffix}")
    exiftool_write(photo, "-XMP-dc:Subject+=Zürich", "-XMP-dc:Subject+=東京")
    assert read_keywords(photo).tags() == ["Zürich", "東京"]


@pytest.mark.parametrize("name", ["p.jpg.xmp", "p.xmp"])
def test_reads_both_sidecar_names(tmp_path: Path, name: str) -> None:
    photo = make_photo(tmp_path / "p.jpg")
    sidecar = tmp_path / name
    exiftool_json(photo)
    subprocess.run(["exiftool", "-q", "-o", str(sidecar), "-XMP-dc:Subject+=café",
                    "-XMP-lr:HierarchicalSubject+=a|b", str(photo)], check=True)
    reading = read_keywords(photo)
    assert str(sidecar) in reading.sidecars
    assert sorted(reading.tags()) == ["a|b", "café"]


def test_broken_xmp_is_reported_not_raised(tmp_path: Path) -> None:
    with pytest.raises(MetadataParseError):
        parse_xmp(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF")
    photo = make_photo(tmp_path / "p.jpg")
    (tmp_path / "p.jpg.xmp").write_bytes(b"<not xml")
    reading = read_keywords(photo)
    assert reading.error is None and reading.sidecar_errors


def test_xpkeywords_is_utf16le() -> None:
    raw = "café;東京".encode("utf-16-le") + b"\x00\x00"
    assert xp_keywords(raw) == ("café", "東京")
    assert xp_keywords(tuple(raw)) == ("café", "東京")


def test_union_keeps_hierarchy_and_drops_duplicates() -> None:
    fields = KeywordFields(subject=("Paris", "dog"), hierarchical=("places|paris",), iptc=("DOG",), xp=("dog",))
    assert fields.tags() == ["places|paris", "dog"]


def test_import_records_approved_imported_tags_and_respects_rejections(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, rescan = library
    photo = make_photo(folder / "a.jpg")
    exiftool_write(photo, "-XMP-dc:Subject+=café", "-XMP-lr:HierarchicalSubject+=places|Zürich", "-IPTC:Keywords+=x")
    rescan()
    pid = catalog.photos.by_path(photo).id
    stats = import_keywords(catalog, [pid])
    assert stats.tags_added == 3
    tags = {t.name: (t.state, t.source) for t in catalog.tags.photo_tags(pid)}
    assert tags == {"café": ("approved", "imported"), "places|Zürich": ("approved", "imported"),
                    "x": ("approved", "imported")}
    # The person removes one and rejects another: a re-import does not bring them back.
    catalog.tags.remove(pid, "x")
    catalog.tags.reject(pid, "café")
    assert import_keywords(catalog, [pid]).tags_added == 0
    tags = {t.name: t.state for t in catalog.tags.photo_tags(pid)}
    assert tags == {"café": "rejected", "places|Zürich": "approved"}


def test_unparseable_metadata_is_recorded_on_the_photo(library) -> None:  # type: ignore[no-untyped-def]
    catalog, folder, rescan = library
    photo = make_photo(folder / "a.jpg")
    data = photo.read_bytes()
    packet = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF"
    seg = b"\xff\xe1" + (len(packet) + 2).to_bytes(2, "big") + packet
    photo.write_bytes(data[:2] + seg + data[2:])
    rescan()
    pid = catalog.photos.by_path(photo).id
    stats = import_keywords(catalog, [pid])
    assert stats.errors and "XMP" in stats.errors[0][1]
    assert "XMP" in (catalog.photos.get(pid).metadata_error or "")
