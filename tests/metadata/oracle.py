"""exiftool as the oracle, and byte / pixel digests, for the metadata tests."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imgtag_desktop.core.metadata.exiftool import is_allowed_change

NON_ASCII = ["café", "Zürich", "東京"]


def exiftool_json(path: Path, *extra: str) -> dict[str, Any]:
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed (CI installs it)")
    out = subprocess.run(["exiftool", "-j", "-G1", "-a", "-s", "-charset", "filename=utf8", *extra, str(path)],
                         capture_output=True, check=False)
    return dict(json.loads(out.stdout.decode("utf-8"))[0])


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def exiftool_keywords(path: Path) -> dict[str, list[str]]:
    d = exiftool_json(path)
    xp = d.get("IFD0:XPKeywords")
    return {
        "subject": as_list(d.get("XMP-dc:Subject")),
        "hierarchical": as_list(d.get("XMP-lr:HierarchicalSubject")),
        "iptc": as_list(d.get("IPTC:Keywords")),
        "xp": [p for p in str(xp).split(";") if p] if xp else [],
    }


def metadata_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """exiftool tags that differ beyond the managed fields (and the toolkit/offset tags a writer moves).

    An empty XMP structure (exiftool shows '') that disappears lost nothing, and a new IPTC
    block or EXIF IFD0 comes with the records the IIM and EXIF standards make mandatory."""
    empty = ("", None)
    mandatory = {"IPTC:EnvelopeRecordVersion", "IPTC:ApplicationRecordVersion", "IFD0:XResolution",
                 "IFD0:YResolution", "IFD0:ResolutionUnit", "IFD0:YCbCrPositioning"}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and not is_allowed_change(k)
                  and not (before.get(k) in empty and after.get(k) in empty)
                  and not (k in mandatory and k not in before))


def pixels(path: Path) -> str:
    with Image.open(path) as img:
        img.load()
        return hashlib.sha256(img.mode.encode() + repr(img.size).encode() + img.tobytes()).hexdigest()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


