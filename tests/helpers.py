"""Generated test photos (no shared data needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import piexif
from PIL import Image


def make_photo(
    path: Path,
    size: tuple[int, int] = (320, 240),
    *,
    color: tuple[int, int, int] | None = None,
    seed: int = 0,
    orientation: int = 1,
    taken: str = "2024:06:01 12:00:00",
    make: str = "TestCam",
    model: str = "Model 1",
    fmt: str | None = None,
) -> Path:
    """Write a small photo with ordinary EXIF (JPEG/TIFF/WebP) or none (PNG)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    if color is None:
        small = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
    else:
        img = Image.new("RGB", size, color)
    fmt = fmt or {".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}.get(path.suffix.lower(), "JPEG")
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: make.encode(), piexif.ImageIFD.Model: model.encode(),
                piexif.ImageIFD.Orientation: orientation},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: taken.encode()},
    })
    if fmt == "PNG":
        img.save(path, "PNG")
    elif fmt == "WEBP":
        img.save(path, "WEBP", exif=exif, quality=90)
    else:
        img.save(path, fmt, exif=exif, **({"quality": 90} if fmt == "JPEG" else {}))
    return path
