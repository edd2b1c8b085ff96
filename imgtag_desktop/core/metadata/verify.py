"""Verifying a written copy: it differs from the original only in the managed keyword fields."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PIL import Image

from ..imageio import MAX_PIXELS, quiet_image_warnings
from . import exiv2_backend
from .keywords import MetadataParseError, parse_xmp, xmp_other_properties
from .plan import FileChange, VerificationError
from .read import EmbeddedMetadata, read_embedded

# EXIF and IPTC entries a writer creates with a new IFD0 or IPTC block (EXIF makes
# resolution and YCbCr positioning mandatory; IPTC its record versions).
CREATED_WITH_BLOCK = frozenset({
    "Exif.Image.XResolution", "Exif.Image.YResolution", "Exif.Image.ResolutionUnit", "Exif.Image.YCbCrPositioning",
    "Iptc.Envelope.ModelVersion", "Iptc.Application2.RecordVersion",
})


def _pixels(path: Path) -> tuple[str, tuple[int, int], str]:
    """Mode, size and a digest of the decoded pixels (a JPEG above the decode limit at 1/8 scale,
    the same libjpeg scaling for original and copy)."""
    quiet_image_warnings()
    with Image.open(path) as img:
        if img.width * img.height > MAX_PIXELS:
            if img.format != "JPEG":
                raise VerificationError(f"{img.width}x{img.height} pixels: too many to compare")
            img.draft(img.mode, (img.width // 8, img.height // 8))
        img.load()
        return img.mode, img.size, hashlib.blake2b(img.tobytes(), digest_size=16).hexdigest()


def verify_embedded(original: Path, copy: Path, change: FileChange, before_meta: EmbeddedMetadata,
                    before_exiv2: tuple[dict[str, Any], dict[str, Any]] | None, *,
                    makernote_by_exiftool: bool = False) -> None:
    """Raise :class:`VerificationError` unless the copy differs from the original only in our fields.

    ``before_exiv2`` is exiv2's reading of the original's EXIF/IPTC; None when exiv2 cannot
    read the format, and then the caller has exiftool compare every tag instead. With
    ``makernote_by_exiftool`` (exiftool wrote the copy, and compares every tag of both files
    after this), exiv2's reading of the MakerNote is left to exiftool: exiftool corrects
    MakerNote offsets some cameras get wrong (exiv2 misreads those before the rewrite, not
    after), and decodes MakerNotes exiv2 cannot. Every other EXIF entry is still compared here.
    """
    try:
        after_meta = read_embedded(copy, change.format)
    except MetadataParseError as exc:
        raise VerificationError(f"the written copy's metadata cannot be read back ({exc})") from exc
    for name in ("subject", "hierarchical", "iptc", "xp"):
        expected = getattr(change.after if name in change.fields else before_meta.fields, name)
        got = getattr(after_meta.fields, name)
        if list(got) != list(expected):
            raise VerificationError(f"{name} keywords read back as {list(got)}, expected {list(expected)}")
    before_xmp = xmp_others(before_meta.xmp)
    after_xmp = xmp_others(after_meta.xmp)
    if before_xmp is None and before_meta.xmp:
        raise VerificationError("the original XMP packet could not be parsed")
    if after_xmp is None:
        raise VerificationError("the written XMP packet does not parse")
    if before_xmp != (after_xmp or {}) and not (before_xmp is None and not after_xmp):
        lost = set((before_xmp or {}).items()) - set(after_xmp.items())
        gained = set(after_xmp.items()) - set((before_xmp or {}).items())
        raise VerificationError(f"other XMP properties changed (lost {sorted(lost)[:3]}, gained {sorted(gained)[:3]})")
    if before_exiv2 is not None:
        exif_a, iptc_a = exiv2_backend.snapshot(copy)
        exif_a = _comparable_exif(exif_a, makernote=not makernote_by_exiftool)
        exif_b = _comparable_exif(before_exiv2[0], makernote=not makernote_by_exiftool)
        iptc_b = dict(before_exiv2[1])
        # Entries a writer must create along with a new EXIF IFD0 or IPTC block.
        # They come and go with their block (an undo that empties IPTC drops the block).
        for a, b in ((exif_a, exif_b), (iptc_a, iptc_b)):
            for key in CREATED_WITH_BLOCK & (set(a) ^ set(b)):
                a.pop(key, None)
                b.pop(key, None)
        if exif_a != exif_b:
            lost_keys = sorted(set(exif_b) - set(exif_a))
            changed = sorted(k for k in exif_b if k in exif_a and exif_a[k] != exif_b[k])
            raise VerificationError(
                f"EXIF outside the keywords changed ({len(lost_keys)} entries lost, e.g. {lost_keys[:3]}; "
                f"{len(changed)} changed, e.g. {changed[:3]})"
            )
        if iptc_a != iptc_b:
            raise VerificationError("IPTC records other than Keywords changed")
    # Counted without XPKeywords (read.py), whose presence is ours to change: an empty or
    # unreadable XPKeywords entry used to make a faithful copy look one tag short.
    if after_meta.exif_tag_count < before_meta.exif_tag_count:
        raise VerificationError(
            f"EXIF entries other than XPKeywords dropped from {before_meta.exif_tag_count} "
            f"to {after_meta.exif_tag_count}"
        )
    try:
        before_pixels = _pixels(original)
    except VerificationError:
        raise
    except Exception as exc:
        raise VerificationError(f"the original's pixels cannot be decoded to compare ({type(exc).__name__}: "
                                f"{exc})") from exc
    try:
        after_pixels = _pixels(copy)
    except Exception as exc:
        raise VerificationError(f"the written copy does not decode ({type(exc).__name__}: {exc})") from exc
    if before_pixels != after_pixels:
        raise VerificationError("decoded pixels differ from the original")


_STANDARD_EXIF_GROUPS = frozenset({"Image", "Photo", "GPSInfo", "Iop", "Thumbnail", "Image2", "Image3", "MpfInfo"})
_OLYMPUS_POINTERS = frozenset({"CameraSettings", "Equipment", "FocusInfo", "ImageProcessing", "RawDevelopment",
                               "RawDevelopment2", "RawInfo", "MainInfo"})


def _comparable_exif(exif: dict[str, Any], *, makernote: bool = True) -> dict[str, Any]:
    """EXIF entries minus those a faithful rewrite changes: offsets, and the raw MakerNote
    blob when exiv2 decoded it (exiv2 relocates it and fixes its offsets; the decoded
    MakerNote entries are compared one by one instead). Without ``makernote``, the
    standard EXIF groups only (another reader compares the MakerNote)."""
    decoded_makernote = any(k.split(".")[1] not in _STANDARD_EXIF_GROUPS for k in exif if k.count(".") >= 2)
    out: dict[str, Any] = {}
    for key, value in exif.items():
        _, group, name = (key.split(".", 2) + ["", ""])[:3]
        if not makernote and (group not in _STANDARD_EXIF_GROUPS or key == "Exif.Photo.MakerNote"):
            continue
        if key == "Exif.Photo.MakerNote" and decoded_makernote:
            continue
        if group not in _STANDARD_EXIF_GROUPS and (
            name.endswith(("Offset", "Start")) or (group.startswith("Olympus") and name in _OLYMPUS_POINTERS)
        ):
            continue
        out[key] = value
    return out


def xmp_others(packet: bytes | None) -> dict[tuple[str, str], int] | None:
    """XMP properties outside the managed fields, each (path, value) pair counted once.

    Empty values (an empty structure or text) carry nothing and are left out, and a pair
    repeated (the same property in two ``rdf:Description`` elements, ``rdf:about`` on each)
    counts once: writers merge descriptions and drop empty containers, and neither loses a
    value."""
    if not packet:
        return {}
    try:
        props = dict(xmp_other_properties(parse_xmp(packet)))
    except MetadataParseError:
        return None
    # An unqualified ``about`` is the old spelling of ``rdf:about`` (left out like it): writers
    # rewrite it as ``rdf:about``; exiftool's comparison still sees a changed value.
    return {k: 1 for k in props if str(k[1]).strip() and not k[0].endswith("/{}about")}


