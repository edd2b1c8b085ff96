"""Recognising image files by content, reading their header facts cheaply, and decoding them.

Everything here works without a full decode except :func:`open_oriented`, which is the one
place pixels are decoded (JPEG draft mode first, so a 12 MP photo is decoded at 1/2..1/8
scale when a smaller image is enough), with EXIF orientation applied.
"""

from __future__ import annotations

import datetime as _dt
import os
import struct
import threading
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .places import GpsReading, read_gps

# Extensions that may hold a photo; the content decides what the file really is.
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".webp", ".heic", ".heif", ".hif", ".avif"}
)
FORMATS = ("jpeg", "png", "tiff", "webp", "heif", "avif")
# The most pixels imgtag agrees to decode (about 180 MP): above this a header is treated as a bomb.
MAX_PIXELS = 180_000_000

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


def ensure_heif_support() -> bool:
    """Register pillow-heif's opener once, on first need (no side effects at import)."""
    global _heif_ready
    with _heif_lock:
        if _heif_ready is None:
            try:
                import pillow_heif

                pillow_heif.register_heif_opener()
                _heif_ready = True
            except Exception:  # noqa: BLE001 - missing/broken optional codec: report per file instead
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


def read_header(path: str | bytes | os.PathLike[str] | IO[bytes], fmt: str) -> HeaderFacts:
    """Dimensions, orientation, capture date and camera from the header alone (no decode)."""
    if fmt == "heif" and not ensure_heif_support():
        raise ImageReadError("HEIF support is missing: install pillow-heif")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on odd tags: not our reason
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise ImageReadError(
                        f"image declares {width}x{height} pixels, more than imgtag will decode "
                        "(decompression-bomb guard)"
                    )
                exif = img.getexif()
                gps = read_gps(exif, _xmp_bytes(img.info.get("xmp") or img.info.get("XML:com.adobe.xmp")))
    except ImageReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageReadError(f"image declares too many pixels, decompression-bomb guard ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageReadError(f"cannot be read as {fmt.upper()}: header not understood") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageReadError(f"cannot be read as {fmt.upper()}: {exc}") from exc
    if width <= 0 or height <= 0:
        raise ImageReadError(f"image declares an empty size {width}x{height}")
    orientation = _int_or(exif.get(0x0112), 1)
    if orientation not in range(1, 9):
        orientation = 1
    try:
        exif_ifd = exif.get_ifd(0x8769)
    except Exception:  # noqa: BLE001 - a damaged EXIF sub-IFD only costs us the date
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
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise ImageReadError(f"image declares {img.width}x{img.height} pixels (decompression-bomb guard)")
                if max_side and img.format == "JPEG":
                    w, h = img.size
                    scale = max(w, h) / max_side
                    if scale > 1:
                        img.draft("RGB", (max(1, int(w / scale)), max(1, int(h / scale))))
                img.load()
                oriented = ImageOps.exif_transpose(img)
                if oriented.mode != "RGB":
                    oriented = _to_rgb(oriented)
                if max_side and max(oriented.size) > max_side:
                    oriented.thumbnail((max_side, max_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
                return oriented
    except ImageReadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageReadError(f"image declares too many pixels, decompression-bomb guard ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise ImageReadError("not a readable image") from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        raise ImageReadError(f"cannot be decoded: {exc}") from exc


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
