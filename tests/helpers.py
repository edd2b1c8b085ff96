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
    gps: tuple[float, float] | None = None,
) -> Path:
    """Write a small photo with ordinary EXIF (JPEG/TIFF/WebP) or none (PNG); ``gps``: a position
    (latitude, longitude in degrees) in the EXIF GPS fields."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    if color is None:
        small = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)
    else:
        img = Image.new("RGB", size, color)
    fmt = fmt or {".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}.get(path.suffix.lower(), "JPEG")
    fields: dict[str, dict[int, object]] = {
        "0th": {piexif.ImageIFD.Make: make.encode(), piexif.ImageIFD.Model: model.encode(),
                piexif.ImageIFD.Orientation: orientation},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: taken.encode()},
    }
    if gps is not None:
        def dms(value: float) -> tuple[tuple[int, int], ...]:
            seconds = round(abs(value) * 3600 * 100)
            return ((seconds // 360000, 1), (seconds // 6000 % 60, 1), (seconds % 6000, 100))

        fields["GPS"] = {piexif.GPSIFD.GPSLatitudeRef: b"N" if gps[0] >= 0 else b"S",
                         piexif.GPSIFD.GPSLatitude: dms(gps[0]),
                         piexif.GPSIFD.GPSLongitudeRef: b"E" if gps[1] >= 0 else b"W",
                         piexif.GPSIFD.GPSLongitude: dms(gps[1])}
    exif = piexif.dump(fields)
    if fmt == "PNG":
        img.save(path, "PNG")
    elif fmt == "WEBP":
        img.save(path, "WEBP", exif=exif, quality=90)
    else:
        img.save(path, fmt, exif=exif, **({"quality": 90} if fmt == "JPEG" else {}))
    return path


def run_unprivileged(fn: object) -> object:
    """Run ``fn()`` in a forked child as user ``nobody`` when we are root; return its result.

    Permission checks (mode 000 files, read-only folders) mean nothing to root, and CI runs
    as root, so such tests drop privileges instead of skipping. Paths ``fn`` touches must
    be reachable by ``nobody`` (use :func:`world_tmpdir`).
    """
    import os
    import pickle

    if os.geteuid() != 0:
        return fn()  # type: ignore[operator]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            payload = pickle.dumps(("ok", fn()))  # type: ignore[operator]
        except BaseException as exc:
            payload = pickle.dumps(("error", repr(exc)))
        with os.fdopen(write, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    if status == "error":
        raise AssertionError(f"unprivileged child failed: {value}")
    return value


def world_tmpdir() -> Path:
    """A fresh folder under /tmp that an unprivileged user can enter and write."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="imgtag-test-"))
    path.chmod(0o777)
    return path


class DecoderSurprise(Exception):
    """An exception type no decoder documents: what a buggy or new Pillow plugin may raise."""


DECODER_STAGES = ("open", "exif", "load")


def make_decoder_raise(monkeypatch: object, stage: str, file_name: str) -> None:
    """Make Pillow raise :class:`DecoderSurprise` for one file at one stage of decoding.

    ``open`` = parsing the JPEG header, ``exif`` = reading EXIF, ``load`` = decoding pixels.
    The patch sits at Pillow's boundary (the plugin), never inside imgtag.
    """
    import os

    from PIL import Image, ImageFile, JpegImagePlugin

    def is_target(img: object) -> bool:
        name = getattr(img, "filename", "") or getattr(getattr(img, "fp", None), "name", "") or ""
        return os.path.basename(os.fsdecode(name)) == file_name if isinstance(name, str | bytes) else False

    def wrap(owner: type, attr: str) -> None:
        original = getattr(owner, attr)

        def raising(self: object, *args: object, **kwargs: object) -> object:
            if is_target(self):
                raise DecoderSurprise(f"{stage} exploded")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(owner, attr, raising)  # type: ignore[attr-defined]

    if stage == "open":
        wrap(JpegImagePlugin.JpegImageFile, "_open")
    elif stage == "exif":
        wrap(Image.Image, "getexif")
    elif stage == "load":
        wrap(ImageFile.ImageFile, "load")
    else:
        raise ValueError(stage)


def bench_models_folder(tiny_models: dict[str, Path], folder: Path) -> Path:
    """A folder laid out as `imgtag bench --models` expects (blip/, clip/, minilm/), linking the tiny models."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, role in (("blip", "captioner"), ("clip", "visual"), ("minilm", "keywords")):
        (folder / name).symlink_to(tiny_models[role], target_is_directory=True)
    return folder
