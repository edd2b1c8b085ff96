"""Helpers shared by the subcommands: opening the catalog, progress bars, JSON output."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from ..core.catalog import Catalog, CatalogError, Photo
from ..core.paths import default_library


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def library_path(args: argparse.Namespace) -> Path:
    return Path(args.library).expanduser() if args.library else default_library()


def open_catalog(args: argparse.Namespace, *, create: bool = False, browse: bool = False) -> Catalog:
    """The library's catalog. Only ``create`` (scan) makes a new library, and says so; ``browse``
    (listing, search) falls back to a read-only catalog where the library cannot be written."""
    path = library_path(args)
    try:
        catalog = Catalog(path, create=create)
    except CatalogError:
        if not browse or not path.is_file() or os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
            raise
        catalog = Catalog(path, read_only=True, create=False)
    if catalog.created:
        print(f"imgtag: created a new library at {path}", file=sys.stderr)
    return catalog


def find_photo(catalog: Catalog, path: str) -> Photo:
    """The library's photo at ``path``, or a :class:`CliError` saying how to add it."""
    photo = catalog.photos.by_path(path)
    if photo is None:
        raise CliError(f"{path} is not in the library; run 'imgtag scan FOLDER' on its folder first")
    return photo


def existing_folder(value: str) -> Path:
    """A folder argument as an absolute path, or a :class:`CliError` when it is not a folder."""
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise CliError(f"{value} is not a folder; give the path of a folder of photos")
    return folder


_SURROGATE = re.compile("[\udc80-\udcff]")


def to_json_text(value: object) -> str:
    """JSON text that is valid UTF-8 whatever the file names: a byte that is not UTF-8 (which
    Python holds as a lone surrogate, U+DC80..U+DCFF) is written as the escape ``\\udcXX``,
    where XX is the byte; ``os.fsencode(json.loads(...))`` gives back the exact name."""
    text = json.dumps(value, ensure_ascii=False, indent=None)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(value: object) -> None:
    sys.stdout.write(to_json_text(value) + "\n")


class Progress:
    """A one-line progress bar on stderr (silent when stderr is not a terminal unless forced).

    Shows done/total, the rate in items per second and the ETA; :meth:`note` shows, on the same
    line, what the work does between items. The line is redrawn at most every 0.1 s, and
    :meth:`close` draws the newest state first, so the last line is never stale.
    """

    def __init__(self, total: int, label: str, *, stream: TextIO | None = None, force: bool = False) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.start = time.monotonic()
        self._last = 0.0
        self._line = ""  # the newest line, drawn or held back by the rate limit
        self._drawn = ""  # the line on screen
        self._width = 0

    def update(self, done: int | None = None, current: str = "") -> None:
        self.done = self.done + 1 if done is None else done
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        tail = current[-40:]
        self._show(f"{self.label} [{bar}] {self.done}/{self.total} {rate:.1f}/s ETA {eta:.0f}s {tail:<40}",
                   now=self.done >= self.total)

    def note(self, text: str, *, now: bool = False) -> None:
        """Show what the work is doing besides counting items, until the next :meth:`update`
        (``now``: even within 0.1 s of the last line, e.g. a step's first and last count)."""
        if self.enabled:
            self._show(f"{self.label}: {text}", now=now)

    def _show(self, line: str, *, now: bool) -> None:
        self._line = line
        if now or time.monotonic() - self._last >= 0.1:
            self._draw()

    def _draw(self) -> None:
        self._last = time.monotonic()
        self.stream.write("\r" + self._line + " " * max(0, self._width - len(self._line)))  # no leftovers
        self.stream.flush()
        self._drawn, self._width = self._line, len(self._line)

    def close(self) -> None:
        if self.enabled:
            if self._line != self._drawn:  # the newest state was held back by the rate limit
                self._draw()
            self.stream.write("\n")
            self.stream.flush()


class LazyProgress:
    """A ``(done, total, current)`` progress callback whose bar is made on the first call,
    when the total is known (for work that counts its items itself, like a scan)."""

    def __init__(self, label: str, *, force: bool = False) -> None:
        self.label = label
        self.force = force
        self.bar: Progress | None = None

    def __call__(self, done: int, total: int, current: str) -> None:
        if self.bar is None:
            self.bar = Progress(total, self.label, force=self.force)
        self.bar.update(done, current)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
