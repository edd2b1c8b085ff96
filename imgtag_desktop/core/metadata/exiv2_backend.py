"""The exiv2 backend (through pyexiv2): modifies a staged copy, and reads EXIF/IPTC for verification."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any

from .keywords import IPTC_UTF8
from .plan import FileChange, VerificationError

_exiv2_lock = threading.Lock()
_exiv2_ready = False

_EXIF_OFFSET_KEYS = frozenset({
    "Exif.Image.ExifTag", "Exif.Image.GPSTag", "Exif.Photo.InteroperabilityTag", "Exif.Image.XPKeywords",
    "Exif.Thumbnail.JPEGInterchangeFormat", "Exif.MakerNote.Offset", "Exif.MakerNote.ByteOrder",
    "Exif.Image.StripOffsets", "Exif.Image.TileOffsets", "Exif.Image.XMLPacket", "Exif.Image.IPTCNAA",
    "Exif.Image.ImageResources", "Exif.Image.NewSubfileType",
})



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


def _image(pyexiv2: Any, path: Path) -> Any:
    """Open a file by its exact bytes: Latin-1 maps each byte of the name to one character and
    back, so non-UTF-8 and non-Latin-1 names alike reach exiv2 unchanged."""
    return pyexiv2.Image(os.fsencode(path).decode("latin-1"), encoding="latin-1")


def modify(path: Path, change: FileChange) -> None:
    pyexiv2 = _exiv2()
    before, after = change.before, change.after
    img = _image(pyexiv2, path)
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
            # Latin-1 maps every byte to one character, so a packet with non-UTF-8 bytes (some
            # cameras write Latin-1) survives the round trip unchanged except for our edit.
            raw = img.read_raw_xmp(encoding="ISO-8859-1")
            fixed = _bagify(raw)
            if fixed != raw:
                img.modify_raw_xmp(fixed, encoding="ISO-8859-1")
    finally:
        img.close()


def snapshot(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    pyexiv2 = _exiv2()
    # Latin-1 maps every byte to one character, so values compare exactly whatever their charset.
    try:
        img = _image(pyexiv2, path)
        try:
            exif = {k: v for k, v in img.read_exif(encoding="ISO-8859-1").items() if k not in _EXIF_OFFSET_KEYS}
            iptc = {k: v for k, v in img.read_iptc(encoding="ISO-8859-1").items()
                    if k not in ("Iptc.Application2.Keywords", "Iptc.Envelope.CharacterSet")}
        finally:
            img.close()
    except Exception as exc:  # noqa: BLE001 - exiv2 raises RuntimeError and others
        raise VerificationError(f"exiv2 cannot read the metadata of {path.name} ({exc})") from exc
    return exif, iptc


