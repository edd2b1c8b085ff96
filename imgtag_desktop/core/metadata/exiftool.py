"""exiftool, when installed: the embedded writer, and a second opinion on every written copy.

exiv2 and Pillow can both read back a file that exiftool (and the programs that follow
its reading of MakerNotes and IFDs) can no longer read; when exiftool is installed the
writer asks it too. exiftool also writes more formats faithfully than exiv2 (HEIC/HEIF/AVIF,
odd MakerNotes), so where it is installed it writes the embedded keywords and exiv2 is the
fallback. One ``-stay_open`` process per role keeps the cost to milliseconds per file.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import FileChange

log = logging.getLogger(__name__)

# Tags a keyword write changes by design, or which only describe where things sit in the file.
ALLOWED_CHANGES = frozenset({
    "SourceFile", "XMP-x:XMPToolkit", "XMP-dc:Subject", "XMP-lr:HierarchicalSubject", "IPTC:Keywords",
    "IPTC:CodedCharacterSet", "IFD0:XPKeywords", "File:CurrentIPTCDigest", "Photoshop:IPTCDigest",
    "RIFF:WebP_Flags", "IFD0:StripOffsets", "IFD0:TileOffsets", "IFD1:ThumbnailOffset",
    # HEIF/AVIF: the box that holds the (unchanged, separately compared) pixels and the XMP item;
    # exiftool shows it, with -u, as its size.
    "QuickTime:MediaDataSize", "QuickTime:MediaData",
})
_EMPTY: tuple[object, ...] = ("", [], {}, None)
# Tags that come and go with a new or emptied EXIF IFD0 or IPTC block.
CREATED_WITH_BLOCK = frozenset({
    "IFD0:XResolution", "IFD0:YResolution", "IFD0:ResolutionUnit", "IFD0:YCbCrPositioning",
    "IPTC:EnvelopeRecordVersion", "IPTC:ApplicationRecordVersion",
})


def block_key(key: str) -> str:
    """``IPTC2:Keywords`` -> ``IPTC:Keywords``: exiftool numbers the second and later IPTC blocks
    of a file (IPTC split over several APP13 segments); each block holds managed fields alike."""
    return re.sub(r"^IPTC\d+:", "IPTC:", key)


def is_allowed_change(key: str) -> bool:
    key = block_key(key)
    group, _, name = key.partition(":")
    if key in ALLOWED_CHANGES or group in ("System", "Composite", "ExifTool"):
        return True
    if name.endswith(("Offset", "Offsets", "ImageStart")):
        return True
    # The byte order is an encoding, not a value: exiv2 re-encodes some blocks (WebP) little-endian,
    # creates EXIF to hold XPKeywords, or drops it when an undo removes the only entry. Every EXIF
    # value, MakerNotes included, is still compared one by one.
    return key == "File:ExifByteOrder"


# Loaded by each exiftool this module starts (``-config``, POSIX). A ``-stay_open`` exiftool waits
# for commands for as long as its input is open, and at the end of its input it polls for more, 100
# times a second, forever: after imgtag crashed or was killed, its exiftools stayed. This ends one
# within a second of the process that started it, then loads the person's own configuration file,
# which ``-config`` would otherwise replace.
WATCH_PARENT_CONFIG = r"""# Written by imgtag: see imgtag_desktop/core/metadata/exiftool.py.
my $imgtagParent = getppid();
$SIG{ALRM} = sub { exit 0 if getppid() != $imgtagParent; alarm 1; };
alarm 1;
# As exiftool finds its default configuration file: the home folder, then exiftool's own folder.
my $imgtagHome = $ENV{EXIFTOOL_HOME} || $ENV{HOME} || ($ENV{HOMEDRIVE} || '') . ($ENV{HOMEPATH} || '') || '.';
my $imgtagUser = "$imgtagHome/.ExifTool_config";
$imgtagUser = ($Image::ExifTool::exeDir || '.') . '/.ExifTool_config' unless -r $imgtagUser;
if (-r $imgtagUser) {
    unshift @INC, '.';
    eval { require $imgtagUser };
    shift @INC;
    warn $@ if $@;
}
1;
"""


def _watch_parent_args() -> list[str]:
    """``-config FILE`` for :data:`WATCH_PARENT_CONFIG` (written once in the per-user cache folder),
    or nothing where it cannot be used (Windows, a cache folder that cannot be written)."""
    if os.name != "posix":
        return []
    from ..paths import cache_dir

    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "exiftool-watch-parent.config"
        if not path.is_file() or path.read_text(encoding="utf-8") != WATCH_PARENT_CONFIG:
            partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
            partial.write_text(WATCH_PARENT_CONFIG, encoding="utf-8")
            os.replace(partial, path)
    except OSError as exc:  # exiftool still works; it may outlive a crash of imgtag
        log.warning("cannot write exiftool's configuration file (%s); it runs without it", exc)
        return []
    return ["-config", str(path)]


class ExiftoolError(RuntimeError):
    """exiftool refused a command; ``str(exc)`` is its message."""


class Exiftool:
    """A persistent ``exiftool -stay_open`` process (thread-safe, one request at a time).

    Without ``common_args`` it reads metadata as JSON (``-j -G1 -a -s -u -n``: every tag,
    unknown ones and duplicates included, as raw values, MakerNotes decoded by exiftool, which
    also understands the MakerNote layouts it rewrites); the writer starts
    its own process with no output options.
    """

    READ_ARGS = ("-j", "-G1", "-a", "-s", "-u", "-n")

    def __init__(self, executable: str | None = None, common_args: Sequence[str] | None = None) -> None:
        exe = executable or shutil.which("exiftool")
        if exe is None:
            raise FileNotFoundError("exiftool is not installed")
        common = list(self.READ_ARGS if common_args is None else common_args)
        self._proc = subprocess.Popen(
            [exe, *_watch_parent_args(), "-stay_open", "True", "-@", "-", "-common_args", *common,
             "-charset", "filename=utf8"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self._lock = threading.Lock()
        self._n = 0

    @staticmethod
    def available() -> bool:
        return shutil.which("exiftool") is not None

    def execute(self, args: Sequence[str]) -> tuple[bytes, str]:
        """Run one command (arguments one per line, UTF-8); returns (stdout, stderr text)."""
        if any("\n" in a or "\r" in a for a in args):
            raise ExiftoolError("an argument contains a line break, which exiftool's argument file cannot hold")
        with self._lock:
            assert self._proc.stdin is not None and self._proc.stdout is not None and self._proc.stderr is not None
            self._n += 1
            marker = f"{{ready{self._n}}}".encode()
            lines = [*args, "-echo4", f"{{ready{self._n}}}", f"-execute{self._n}"]
            self._proc.stdin.write("".join(a + "\n" for a in lines).encode("utf-8", "surrogateescape"))
            self._proc.stdin.flush()
            out = self._read_until(self._proc.stdout, marker)
            err = self._read_until(self._proc.stderr, marker)
        return out, err.decode("utf-8", "replace").strip()

    @staticmethod
    def _read_until(stream: IO[bytes], marker: bytes) -> bytes:
        out = b""
        while True:
            line = stream.readline()
            if not line:
                raise ExiftoolError("exiftool stopped unexpectedly")
            if line.rstrip(b"\r\n") == marker:
                return out
            out += line

    def read(self, *paths: Path) -> list[dict[str, Any]]:
        out, _err = self.execute([os.fsdecode(p) for p in paths])
        body = out.strip()
        return list(json.loads(body.decode("utf-8", errors="replace"))) if body else []

    def differences(self, original: Path, copy: Path) -> list[str]:
        """Tags that differ between two files beyond what a keyword write may change."""
        records = self.read(original, copy)
        if len(records) != 2:
            return ["exiftool could not read both files"]
        before, after = records
        # An empty XMP structure or list (value '') carries nothing; a rewrite may drop it.
        return sorted(k for k in set(before) | set(after)
                      if before.get(k) != after.get(k) and not is_allowed_change(k)
                      and not (before.get(k) in _EMPTY and after.get(k) in _EMPTY)
                      and not (block_key(k) in CREATED_WITH_BLOCK and (k not in before or k not in after)))

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(b"-stay_open\nFalse\n")
                self._proc.stdin.flush()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> Exiftool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_args(change: FileChange) -> list[str]:
    """exiftool arguments that set the managed keyword fields of ``change`` to their new values.

    ``-TAG=`` clears a list and each ``-TAG=value`` adds one entry, so the result is exactly
    the planned list. IPTC is marked UTF-8 when it gets keywords.
    """
    before, after = change.before, change.after
    args: list[str] = []

    def set_list(tag: str, values: Sequence[str]) -> None:
        args.append(f"-{tag}=")
        args.extend(f"-{tag}={v}" for v in values)

    if before.subject != after.subject:
        set_list("XMP-dc:Subject", after.subject)
    if before.hierarchical != after.hierarchical:
        set_list("XMP-lr:HierarchicalSubject", after.hierarchical)
    if "iptc" in change.fields and before.iptc != after.iptc:
        set_list("IPTC:Keywords", after.iptc)
        if after.iptc:
            args.append("-IPTC:CodedCharacterSet=UTF8")
    if "xp" in change.fields and before.xp != after.xp:
        args.append("-IFD0:XPKeywords=" + ";".join(after.xp))
    return args


class ExiftoolWriter:
    """Writes the managed keyword fields into a staged copy with exiftool (``-overwrite_original``)."""

    name = "exiftool"

    def __init__(self, executable: str | None = None) -> None:
        self._tool = Exiftool(executable, common_args=["-charset", "iptc=UTF8", "-m", "-overwrite_original"])

    def modify(self, path: Path, change: FileChange) -> None:
        args = write_args(change)
        if not args:
            return
        out, err = self._tool.execute([*args, os.fsdecode(path)])
        text = out.decode("utf-8", "replace")
        if "1 image files updated" not in text and "1 image files unchanged" not in text:
            raise ExiftoolError(err.splitlines()[0] if err else (text.strip() or "exiftool wrote nothing"))

    def close(self) -> None:
        self._tool.close()
