"""Reading keywords from photos and their XMP sidecars.

Embedded metadata is read through Pillow (no pixel decode), never through exiv2: reading
happens on every scan, and a crafted file must at worst be reported, not crash the process.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, IptcImagePlugin

from ..imageio import ensure_heif_support, quiet_image_warnings
from .keywords import (
    KeywordFields,
    MetadataParseError,
    iptc_keywords,
    parse_xmp,
    xmp_keyword_fields,
    xp_keywords,
)

XP_KEYWORDS_TAG = 0x9C9E
TIFF_XMP_TAG = 700
SIDECAR_SUFFIX = ".xmp"


@dataclass(frozen=True)
class EmbeddedMetadata:
    """What a photo carries inside: keyword fields and the raw XMP packet (for verification)."""

    fields: KeywordFields
    xmp: bytes | None = None
    iptc_raw: dict[tuple[int, int], bytes | list[bytes]] | None = None
    exif_tag_count: int = 0


@dataclass(frozen=True)
class KeywordReading:
    """Keywords found for one photo: embedded, per sidecar, their union as tags, and problems."""

    embedded: KeywordFields = field(default_factory=KeywordFields)
    sidecars: dict[str, KeywordFields] = field(default_factory=dict)
    error: str | None = None  # the embedded metadata cannot be parsed: never write this file
    sidecar_errors: dict[str, str] = field(default_factory=dict)

    def all_fields(self) -> KeywordFields:
        out = self.embedded
        for f in self.sidecars.values():
            out = out.merged(f)
        return out

    def tags(self) -> list[str]:
        return self.all_fields().tags()


def sidecar_paths(photo: Path) -> tuple[Path, Path]:
    """(``photo.jpg.xmp``, ``photo.xmp``): the two sidecar names programs use."""
    return photo.with_name(photo.name + SIDECAR_SUFFIX), photo.with_suffix(SIDECAR_SUFFIX)


def sidecar_path(photo: Path, style: str = "append") -> Path:
    """The sidecar we write: ``append`` = ``photo.jpg.xmp`` (default), ``replace`` = ``photo.xmp``."""
    append, replace_ = sidecar_paths(photo)
    return replace_ if style == "replace" else append


def read_embedded(path: str | os.PathLike[str], fmt: str | None = None) -> EmbeddedMetadata:
    """Keyword fields inside a photo. Raises :class:`MetadataParseError` with the reason."""
    if fmt in (None, "heif", "avif"):
        ensure_heif_support()
    try:
        quiet_image_warnings()
        with Image.open(path) as img:
            xmp = _raw_xmp(img)
            if xmp is None and img.format == "PNG":
                xmp = png_trailing_xmp(path)
            iptc = IptcImagePlugin.getiptcinfo(img) if img.format in ("JPEG", "TIFF") else None
            exif = img.getexif()
            xp = exif.get(XP_KEYWORDS_TAG)
            # EXIF entries outside the managed XPKeywords, for the writer's completeness check.
            count = len(exif) - (XP_KEYWORDS_TAG in exif)
            count += sum(len(exif.get_ifd(t)) for t in (0x8769, 0x8825) if t in exif)
    except Exception as exc:
        raise MetadataParseError(f"metadata cannot be read ({type(exc).__name__}: {exc})") from exc
    try:
        fields_ = KeywordFields(iptc=iptc_keywords(iptc), xp=xp_keywords(xp))
        if xmp:
            root = parse_xmp(xmp)
            x = xmp_keyword_fields(root)
            fields_ = KeywordFields(subject=x.subject, hierarchical=x.hierarchical, tags_list=x.tags_list,
                                    iptc=fields_.iptc, xp=fields_.xp)
    except MetadataParseError:
        raise
    except Exception as exc:
        raise MetadataParseError(f"keywords cannot be parsed ({type(exc).__name__}: {exc})") from exc
    return EmbeddedMetadata(fields=fields_, xmp=xmp, iptc_raw=iptc, exif_tag_count=count)


def _raw_xmp(img: Image.Image) -> bytes | None:
    value = img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")
    if value is None and img.format == "TIFF":
        value = getattr(img, "tag_v2", {}).get(TIFF_XMP_TAG)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes | bytearray):
        return bytes(value) or None
    if isinstance(value, tuple):  # some TIFF writers store XMLPacket as BYTE values
        try:
            return bytes(int(v) & 0xFF for v in value) or None
        except (TypeError, ValueError):
            return None
    return None


_PNG_XMP_KEY = b"XML:com.adobe.xmp"
_MAX_XMP = 16 << 20


def png_trailing_xmp(path: str | os.PathLike[str]) -> bytes | None:
    """The XMP ``iTXt`` chunk of a PNG that holds it after the image data, where Pillow only
    looks once the pixels are decoded (the PNG standard allows text chunks there). Walks the
    chunk headers, skipping the data: no pixel decode."""
    found: bytes | None = None
    with open(path, "rb") as fh:
        if fh.read(8) != b"\x89PNG\r\n\x1a\n":
            return None
        while True:
            head = fh.read(8)
            if len(head) < 8:
                return found
            length, kind = struct.unpack(">I4s", head)
            if kind == b"IEND":
                return found
            if kind != b"iTXt" or length > _MAX_XMP:
                fh.seek(length + 4, os.SEEK_CUR)
                continue
            data = fh.read(length)
            fh.seek(4, os.SEEK_CUR)  # CRC
            key, _, rest = data.partition(b"\0")
            if key != _PNG_XMP_KEY or len(rest) < 2:
                continue
            compressed, text = rest[0], rest[2:].split(b"\0", 2)[-1]
            if compressed:
                text = zlib.decompressobj().decompress(text, _MAX_XMP)
            found = text or None


def read_sidecar(path: str | os.PathLike[str]) -> KeywordFields:
    """Keyword fields of an XMP sidecar file. Raises :class:`MetadataParseError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MetadataParseError(f"sidecar cannot be read: {exc.strerror or exc}") from exc
    try:
        return sidecar_fields(data)
    except MetadataParseError:
        raise
    except Exception as exc:
        raise MetadataParseError(f"sidecar cannot be parsed ({type(exc).__name__}: {exc})") from exc


def sidecar_fields(data: bytes) -> KeywordFields:
    """Keyword fields of the bytes of an XMP sidecar already read. Raises :class:`MetadataParseError`."""
    return xmp_keyword_fields(parse_xmp(data))


def read_keywords(path: str | os.PathLike[str], fmt: str | None = None) -> KeywordReading:
    """Every keyword of a photo: embedded fields plus both sidecar styles, problems reported."""
    photo = Path(path)
    error: str | None = None
    embedded = KeywordFields()
    try:
        embedded = read_embedded(photo, fmt).fields
    except MetadataParseError as exc:
        error = str(exc)
    sidecars: dict[str, KeywordFields] = {}
    sidecar_errors: dict[str, str] = {}
    for candidate in dict.fromkeys(sidecar_paths(photo)):
        try:
            if not os.path.isfile(candidate):  # False for a name too long to exist (ENAMETOOLONG)
                continue
            sidecars[str(candidate)] = read_sidecar(candidate)
        except MetadataParseError as exc:
            sidecar_errors[str(candidate)] = str(exc)
        except Exception as exc:
            sidecar_errors[str(candidate)] = f"sidecar cannot be read ({type(exc).__name__}: {exc})"
    return KeywordReading(embedded=embedded, sidecars=sidecars, error=error, sidecar_errors=sidecar_errors)
