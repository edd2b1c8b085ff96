"""Thumbnail disk cache keyed by content fingerprint.

A thumbnail is made once per file content (size + head hash + requested size), with JPEG
draft decoding and EXIF orientation applied, and stored as a small JPEG under the cache
folder. Moving a photo keeps its thumbnail; editing it makes a new one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .imageio import ImageReadError, open_oriented
from .paths import cache_dir


class ThumbnailCache:
    """Make and find thumbnails. Safe to use from several threads (writes are atomic renames)."""

    def __init__(self, root: Path | None = None, size: int = 256) -> None:
        self.root = root or cache_dir() / "thumbnails"
        self.size = size

    def path_for(self, fingerprint: str) -> Path:
        return self.root / f"{self.size}" / fingerprint[:2] / f"{fingerprint}.jpg"

    def cached(self, fingerprint: str | None) -> Path | None:
        """The cached thumbnail of this content, or None when it has not been made yet."""
        if not fingerprint:
            return None
        path = self.path_for(fingerprint)
        return path if path.exists() else None

    def get(self, photo_path: str | os.PathLike[str], fingerprint: str | None) -> Path:
        """The thumbnail file for a photo, made now when missing. Raises ImageReadError with a reason."""
        hit = self.cached(fingerprint)
        if hit:
            return hit
        image = open_oriented(photo_path, max_side=self.size)
        target = self.path_for(fingerprint or _path_key(photo_path))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "JPEG", quality=85)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise ImageReadError(f"thumbnail cannot be saved in {self.root}: {exc.strerror}") from exc
        return target


def _path_key(path: str | os.PathLike[str]) -> str:
    return hashlib.blake2b(os.fsencode(path), digest_size=16).hexdigest()
