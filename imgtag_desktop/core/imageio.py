"""Recognising image files by content, reading their header facts cheaply, and decoding them.

Everything here works without a full decode except :func:`open_oriented`, which is the one
place pixels are decoded (JPEG draft mode first, so a 12 MP photo is decoded at 1/2..1/8
scale when a smaller image is enough), with EXIF orientation applied.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import math
import os
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .places import GpsReading, read_gps

log = logging.getLogger(__name__)

# Extensions that may hold a photo; the content decides what the file really is.
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".hif", ".avif"}
)
FORMATS = ("jpeg", "png", "tiff", "webp", "heif", "avif")
# The most pixels imgtag decodes at full size (250 MP: phones make 200 MP photos). A JPEG above it
# is decoded at a reduced scale (libjpeg draft mode, 1/2..1/8); any other format above it is
# treated as a decompression bomb and recorded as broken with that reason.
MAX_PIXELS = 250_000_000
# Pillow's own guard warns at 89.5 MP and refuses at 179 MP, below real medium-format and
# stitched photos; every decode here applies MAX_PIXELS itself instead.
Image.MAX_IMAGE_PIXELS = None

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_heif_lock = threading.Lock()
_heif_ready: bool | None = None


class ImageReadError(Exception):
    """A file cannot be read as a photo; ``str(exc)`` is the reason shown to the person."""


def sniff_format(head: bytes) -> str | None:
    """The image format from a file's first bytes (at least 32), or None when not an image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), 32), 4)}
        if brands & _AVIF_BRANDS and head[8:12] in _AVIF_BRANDS:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heif"
        if brands & _AVIF_BRANDS:
            return "avif"
    return None


def describe_non_image(head: bytes) -> str:
    """A short guess at what a non-image file is, for the reason shown to the person."""
    if not head:
        return "empty file (0 bytes)"
    if head[4:8] == b"ftyp":
        return f"not a photo (ISO media '{head[8:12].decode('latin-1').strip()}', e.g. a video)"
    if head.startswith(b"\x00\x00\x00\x0cjP  ") or head.startswith(b"\xff\x4f\xff\x51"):
        return "not a supported photo format (JPEG 2000)"
    if head[:5] in (b"%PDF-",):
        return "not a photo (PDF document)"
    return "not an image (content is not JPEG, PNG, TIFF, WebP or HEIF)"


# The modules whose warnings a decode or a header read does not want to hear (Pillow's notes on
# odd tags, truncated data, unexpected sizes; pillow-heif's): the reasons that matter become
# ImageReadError reasons instead.
QUIET_WARNINGS_FROM = (r"PIL(\.|$)", r"pillow_heif(\.|$)")
# Those filters as the warnings module keeps them (documented form: action, message, category,
# module, line number).
_QUIET_FILTERS = tuple(("ignore", None, Warning, re.compile(module), 0) for module in QUIET_WARNINGS_FROM)


def quiet_image_warnings() -> None:
    """Ignore the image libraries' warnings in this process (:data:`QUIET_WARNINGS_FROM`): adds
    their filters where they are missing, so a call costs a look at the filter list.

    Not ``warnings.catch_warnings()`` around each open: that saves and restores the process-wide
    filter list, and decode, scan and loading threads run at once, so one thread's restore could
    put back a filter another had added (a blanket "ignore" left for good) or drop one."""
    for module, item in zip(QUIET_WARNINGS_FROM, _QUIET_FILTERS, strict=True):
        if item not in warnings.filters:
            warnings.filterwarnings("ignore", module=module)


def ensure_heif_support() -> bool:
    """Register pillow-heif's opener once, on first need (no side effects at import)."""
    global _heif_ready
    with _heif_lock:
        if _heif_ready is None:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
                _heif_ready = True
            except Exception:  # missing/broken optional codec: HEIC files are reported per file instead
                log.warning("HEIC/HEIF support is unavailable (pillow-heif cannot be loaded)", exc_info=True)
                _heif_ready = False
        return _heif_ready


@dataclass(frozen=True)
class HeaderFacts:
    format: str
    width: int
    height: int
    orientation: int
    taken_at: str | None
    camera: str | None
    gps: GpsReading = GpsReading()


@contextlib.contextmanager
def _opened(path: str | bytes | os.PathLike[str] | IO[bytes]) -> Iterator[Image.Image]:
    """``Image.open(path)``, the image libraries' warnings quiet, refused before any decode when it
    declares more pixels than imgtag decodes (a JPEG is let through: it can be decoded reduced)."""
    quiet_image_warnings()  # Pillow's notes on odd tags: not our reason
    with Image.open(path) as img:
        w, h = img.size
        if w * h > MAX_PIXELS and img.format != "JPEG":
            raise ImageReadError(
                f"image declares {w}x{h} pixels, more than imgtag will decode "
                f"({MAX_PIXELS // 1_000_000} MP, decompression-bomb guard)"
            )
        yield img


def read_header(path: str | bytes | os.PathLike[str] | IO[bytes], fmt: str) -> HeaderFacts:
    """Dimensions, orientation, capture date and camera from the header alone (no decode)."""
    if fmt == "heif" and not ensure_heif_support():
        raise ImageReadError("HEIF support is missing: install pillow-heif")
    try:
        with _opened(path) as img:
            width, height = img.size
            exif = img.getexif()
            gps = read_gps(exif, _xmp_bytes(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")))
    except ImageReadError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageReadError(f"cannot be read as {fmt.upper()}: header not understood") from exc
    except MemoryError as exc:
        raise ImageReadError(f"cannot be read as {fmt.upper()}: not enough memory for its header") from exc
    except Exception as exc:
        raise ImageReadError(f"cannot be read as {fmt.upper()}: {_describe(exc)}") from exc
    if width <= 0 or height <= 0:
        raise ImageReadError(f"image declares an empty size {width}x{height}")
    orientation = _int_or(exif.get(0x0112), 1)
    if orientation not in range(1, 9):
        orientation = 1
    try:
        exif_ifd = exif.get_ifd(0x8769)
    except Exception:  # a damaged EXIF sub-IFD only costs us the date
        log.debug("EXIF sub-IFD unreadable", exc_info=True)
        exif_ifd = {}
    taken = _exif_datetime(exif_ifd.get(0x9003)) or _exif_datetime(exif.get(0x0132))
    return HeaderFacts(fmt, width, height, orientation, taken, _camera(exif.get(0x010F), exif.get(0x0110)), gps)


def _xmp_bytes(value: object) -> bytes | None:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value) if isinstance(value, bytes | bytearray) else None


def open_oriented(path: str | bytes | os.PathLike[str] | IO[bytes], max_side: int | None = None) -> Image.Image:
    """Decode a photo as RGB with EXIF orientation applied, at least ``max_side`` on its long side.

    JPEG draft mode lets libjpeg decode at a reduced scale, the big saving for thumbnails
    and model inputs. Raises :class:`ImageReadError` with a reason when the file is broken.
    """
    ensure_heif_support()
    try:
        with _opened(path) as img:
            w, h = img.size
            if img.format == "JPEG":
                want = (w, h)
                if max_side and max(w, h) > max_side:
                    scale = max(w, h) / max_side
                    want = (max(1, int(w / scale)), max(1, int(h / scale)))
                if w * h > MAX_PIXELS:
                    # Above the limit, libjpeg decodes at 1/2..1/8 scale so the pixels fit under it.
                    reduce = 2 ** max(1, math.ceil(math.log2(math.sqrt(w * h / MAX_PIXELS))))
                    want = (min(want[0], max(1, w // reduce)), min(want[1], max(1, h // reduce)))
                if want != (w, h):
                    img.draft("RGB", want)
                if img.size[0] * img.size[1] > MAX_PIXELS:
                    raise ImageReadError(
                        f"image declares {w}x{h} pixels, too many to decode even at 1/8 scale "
                        "(decompression-bomb guard)"
                    )
            img.load()
            oriented = ImageOps.exif_transpose(img)
            if oriented.mode != "RGB":
                oriented = _to_rgb(oriented)
            if max_side and max(oriented.size) > max_side:
                oriented.thumbnail((max_side, max_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
            return oriented
    except ImageReadError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageReadError("not a readable image") from exc
    except FileNotFoundError:
        raise  # not broken pixels: the file is not there now (callers report it as such)
    except MemoryError as exc:
        raise ImageReadError("cannot be decoded: not enough memory") from exc
    except Exception as exc:
        raise ImageReadError(f"cannot be decoded: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    """A decoder's exception as a reason: its message, with its type when that says more."""
    text = str(exc)
    if isinstance(exc, (OSError, SyntaxError, ValueError, EOFError)) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if img.mode == "I;16" or img.mode.startswith("I;16"):
        return img.point(lambda v: v / 256).convert("RGB")
    return img.convert("RGB")


def verify_decodes(path: str | bytes | os.PathLike[str] | IO[bytes]) -> None:
    """Decode at the smallest draft scale to prove the pixel data is complete (truncation check)."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    if previous:  # another component relaxed the global; a check must be strict
        raise ImageReadError("cannot verify: truncated-image loading is enabled process-wide")
    open_oriented(path, max_side=64)


def _int_or(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return default


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", " ").strip()
    return text or None


def _exif_datetime(value: object) -> str | None:
    text = _exif_text(value)
    if not text:
        return None
    for fmt in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return _dt.datetime.strptime(text[:19], fmt).isoformat()
        except ValueError:
            continue
    return None


def _camera(make: object, model: object) -> str | None:
    mk, md = _exif_text(make), _exif_text(model)
    if mk and md and md.lower().startswith(mk.split()[0].lower()):
        return md
    parts = [p for p in (mk, md) if p]
    return " ".join(parts) or None
