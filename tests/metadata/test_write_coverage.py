"""Files exiftool writes faithfully but a narrower check used to refuse (or read wrongly):
each must now be written embedded, with exiftool as the judge that nothing else changed."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest

from imgtag_desktop.core.metadata import import_keywords, read_embedded, undo_last_write, write_photos
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import make_photo
from tests.metadata.oracle import digest, exiftool_json, exiftool_keywords, metadata_diff

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""'
       ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Ann</rdf:li></rdf:Seq>'
       '</dc:creator><dc:subject><rdf:Bag><rdf:li>lake</rdf:li></rdf:Bag></dc:subject></rdf:Description>'
       '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_trailing_xmp(path: Path, *, compressed: bool = False) -> Path:
    """A PNG whose XMP iTXt chunk follows the image data (allowed; exiftool's own sample does it)."""
    make_photo(path, (40, 30))
    data = path.read_bytes()
    text = XMP.encode()
    payload = b"XML:com.adobe.xmp\0" + (b"\1\0" + b"\0\0" + zlib.compress(text) if compressed else b"\0\0\0\0" + text)
    end = data.rindex(b"IEND") - 4
    path.write_bytes(data[:end] + png_chunk(b"iTXt", payload) + data[end:])
    return path


def iptc_app13(records: list[tuple[int, bytes]]) -> bytes:
    """One APP13 segment: a Photoshop 3.0 resource block holding an IPTC-IIM (8BIM 0x0404) block."""
    iim = b"".join(b"\x1c\x02" + bytes([n]) + struct.pack(">H", len(v)) + v for n, v in records)
    res = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(iim)) + iim + (b"\0" if len(iim) % 2 else b"")
    body = b"Photoshop 3.0\0" + res
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_split_iptc(path: Path) -> Path:
    """IPTC in two APP13 segments (as Photoshop writes a large block); each holds its own records."""
    make_photo(path)
    data = path.read_bytes()
    segs = iptc_app13([(0, b"\0\4"), (110, b"credit one")]) + iptc_app13([(0, b"\0\4"), (110, b"credit two")])
    path.write_bytes(data[:2] + segs + data[2:])
    return path


def jpeg_with_damaged_ifd0(path: Path) -> Path:
    """EXIF whose first IFD0 entry has format 0 (as the Sony DSC-HX5V writes it): exiftool reads
    the rest but refuses to rewrite the block."""
    make_photo(path)
    data = path.read_bytes()
    # Little-endian TIFF: IFD0 with entry 0 = tag 0x010E, format 0, and entry 1 = Make "Cam".
    ifd = struct.pack("<H", 2) + struct.pack("<HHII", 0x010E, 0, 1, 0) + struct.pack("<HHI4s", 0x010F, 2, 4, b"Cam\0")
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0)
    body = b"Exif\0\0" + tiff
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    start = 2
    if data[2:4] == b"\xff\xe0":  # after JFIF
        start = 4 + struct.unpack(">H", data[4:6])[0]
    if data[start : start + 2] == b"\xff\xe1":  # replace Pillow's EXIF
        end = start + 2 + struct.unpack(">H", data[start + 2 : start + 4])[0]
        data = data[:start] + data[end:]
    path.write_bytes(data[:start] + segment + data[start:])
    return path


def write_one(library, make, name: str, use_exiftool: bool = True):  # type: ignore[no-untyped-def]
    catalog, folder, _ = library
    photo = make(folder / name)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    import_keywords(catalog, ids)
    before = exiftool_json(photo) if shutil.which("exiftool") else None
    catalog.tags.add(ids, "places|Zürich")
    report = write_photos(catalog, ids, mode="embedded", use_exiftool=use_exiftool)
    return catalog, photo, before, report.results[0]


def exif_segment(data: bytes) -> bytes:
    """The APP1 EXIF segment of a JPEG, byte for byte."""
    i = 2
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if data[i + 1] == 0xE1 and data[i + 4 : i + 10] == b"Exif\0\0":
            return data[i : i + 2 + length]
        i += 2 + length
    raise AssertionError("no EXIF segment")


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "compressed"])
def test_png_xmp_after_the_image_data_is_read(tmp_path: Path, compressed: bool) -> None:
    photo = png_with_trailing_xmp(tmp_path / "p.png", compressed=compressed)
    meta = read_embedded(photo, "png")
    assert meta.fields.subject == ("lake",)
    assert meta.xmp is not None and b"Ann" in meta.xmp


@needs_exiftool
def test_png_with_trailing_xmp_is_written_embedded_and_loses_nothing(library) -> None:  # type: ignore[no-untyped-def]
    catalog, photo, before, result = write_one(library, png_with_trailing_xmp, "p.png")
    assert (result.status, result.mode, result.writer) == ("written", "embedded", "exiftool"), result.note
    kw = exiftool_keywords(photo)
    assert set(kw["subject"]) == {"lake", "Zürich"} and set(kw["hierarchical"]) == {"lake", "places|Zürich"}
    assert exiftool_json(photo)["XMP-dc:Creator"] == "Ann"
    assert metadata_diff(before, exiftool_json(photo)) == []


@needs_exiftool
def test_iptc_split_over_two_app13_segments_gets_the_keywords_in_each(library) -> None:  # type: ignore[no-untyped-def]
    catalog, photo, before, result = write_one(library, jpeg_with_split_iptc, "split.jpg")
    assert (result.status, result.mode, result.writer) == ("written", "embedded", "exiftool"), result.note
    after = exiftool_json(photo)
    assert after["IPTC:Credit"] == "credit one" and after["IPTC2:Credit"] == "credit two"
    assert after["IPTC:Keywords"] == after["IPTC2:Keywords"] == "Zürich"
    assert metadata_diff(before, after) == []


@needs_exiftool
def test_damaged_exif_gets_xmp_and_iptc_and_its_exif_stays_byte_identical(library) -> None:  # type: ignore[no-untyped-def]
    exif = exif_segment(jpeg_with_damaged_ifd0(library[1] / "model.jpg").read_bytes())
    (library[1] / "model.jpg").unlink()
    catalog, photo, before, result = write_one(library, jpeg_with_damaged_ifd0, "damaged.jpg")
    assert (result.status, result.mode, result.writer) == ("written", "embedded", "exiftool"), result.reason
    assert "XPKeywords left as they were" in (result.note or "")
    kw = exiftool_keywords(photo)
    assert kw["subject"] == ["Zürich"] and kw["iptc"] == ["Zürich"] and kw["xp"] == []
    assert metadata_diff(before, exiftool_json(photo)) == []
    assert exif_segment(photo.read_bytes()) == exif
    assert result.change is not None and "xp" not in result.change.fields  # what the undo history holds
    # The undo restores the file through the same path (EXIF still untouched).
    written = digest(photo)
    undo = undo_last_write(catalog)
    assert [r.status for r in undo.results] == ["written"], [r.reason for r in undo.results]
    assert digest(photo) != written and exiftool_keywords(photo)["subject"] == []
    assert metadata_diff(before, exiftool_json(photo)) == []
    assert exif_segment(photo.read_bytes()) == exif
