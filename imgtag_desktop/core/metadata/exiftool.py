"""An optional second opinion: exiftool compares the original and the written copy.

exiv2 and Pillow can both read back a file that exiftool (and the programs that follow
its reading of MakerNotes and IFDs) can no longer read; when exiftool is installed the
writer asks it too. One ``-stay_open`` process per writer keeps the cost to milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

# Tags a keyword write changes by design, or which only describe where things sit in the file.
ALLOWED_CHANGES = frozenset({
    "SourceFile", "XMP-x:XMPToolkit", "XMP-dc:Subject", "XMP-lr:HierarchicalSubject", "IPTC:Keywords",
    "IPTC:CodedCharacterSet", "IFD0:XPKeywords", "File:CurrentIPTCDigest", "Photoshop:IPTCDigest",
    "RIFF:WebP_Flags", "IFD0:StripOffsets", "IFD0:TileOffsets", "IFD1:ThumbnailOffset",
})


def is_allowed_change(key: str) -> bool:
    group, _, name = key.partition(":")
    if key in ALLOWED_CHANGES or group in ("System", "Composite", "ExifTool"):
        return True
    if name.endswith(("Offset", "Offsets", "ImageStart")):
        return True
    # The byte order is an encoding, not a value: exiv2 re-encodes some blocks (WebP) little-endian,
    # creates EXIF to hold XPKeywords, or drops it when an undo removes the only entry. Every EXIF
    # value, MakerNotes included, is still compared one by one.
    return key == "File:ExifByteOrder"


class Exiftool:
    """A persistent ``exiftool -stay_open`` process (thread-safe, one request at a time)."""

    def __init__(self, executable: str | None = None) -> None:
        exe = executable or shutil.which("exiftool")
        if exe is None:
            raise FileNotFoundError("exiftool is not installed")
        self._proc = subprocess.Popen(
            [exe, "-stay_open", "True", "-@", "-", "-common_args", "-j", "-G1", "-a", "-s", "-charset",
             "filename=utf8"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        return shutil.which("exiftool") is not None

    def read(self, *paths: Path) -> list[dict[str, Any]]:
        with self._lock:
            assert self._proc.stdin is not None and self._proc.stdout is not None
            args = "".join(os.fsdecode(p) + "\n" for p in paths) + "-execute\n"
            self._proc.stdin.write(args.encode("utf-8"))
            self._proc.stdin.flush()
            out = b""
            while not out.endswith(b"{ready}\n"):
                line = self._proc.stdout.readline()
                if not line:
                    raise RuntimeError("exiftool stopped unexpectedly")
                out += line
        body = out[: -len(b"{ready}\n")].strip()
        return list(json.loads(body.decode("utf-8", errors="replace"))) if body else []

    def differences(self, original: Path, copy: Path) -> list[str]:
        """Tags that differ between two files beyond what a keyword write may change."""
        records = self.read(original, copy)
        if len(records) != 2:
            return ["exiftool could not read both files"]
        before, after = records
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and not is_allowed_change(k))

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(b"-stay_open\nFalse\n")
                self._proc.stdin.flush()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()

    def __enter__(self) -> Exiftool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
