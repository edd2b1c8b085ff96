from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imgtag_desktop.core.imageio import ImageReadError, open_oriented, sniff_format
from imgtag_desktop.core.thumbnails import ThumbnailCache
from tests.helpers import make_photo


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"\xff\xd8\xff\xe0" + b"\0" * 28, "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 24, "png"),
        (b"II*\x00" + b"\0" * 28, "tiff"),
        (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 16, "webp"),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 4, "heif"),
        (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1" + b"\0" * 4, "avif"),
        (b"\0\0\0\x18ftypisom\0\0\0\0isomiso2" + b"\0" * 4, None),
        (b"GIF89a" + b"\0" * 26, None),
    ],
)
def test_sniff_by_content(head: bytes, fmt: str | None) -> None:
    assert sniff_format(head) == fmt


def test_orientation_is_applied(tmp_path: Path) -> None:
    # Stored pixels: red on top, blue at the bottom; orientation 6 (rotate 90 CW) puts red on the right.
    img = Image.new("RGB", (200, 100), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 200, 50))
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rot.jpg"
    img.save(path, exif=exif.tobytes(), quality=95)
    out = open_oriented(path)
    assert out.size == (100, 200)
    arr = np.asarray(out)
    assert arr[100, 90, 0] > 200 and arr[100, 10, 2] > 200


def test_draft_decode_respects_max_side(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "big.jpg", size=(4000, 3000))
    out = open_oriented(path, max_side=256)
    assert max(out.size) == 256 and out.mode == "RGB"


def test_truncated_file_raises_with_reason(tmp_path: Path) -> None:
    data = make_photo(tmp_path / "x.jpg", size=(800, 600)).read_bytes()
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(data[:2000])
    with pytest.raises(ImageReadError, match="cannot be decoded"):
        open_oriented(bad)


def test_thumbnail_cache_keyed_by_fingerprint(tmp_path: Path) -> None:
    cache = ThumbnailCache(tmp_path / "thumbs", size=128)
    photo = make_photo(tmp_path / "p.jpg", size=(1200, 900), orientation=6)
    first = cache.get(photo, "abcd1234")
    assert cache.cached("abcd1234") == first
    with Image.open(first) as thumb:
        assert thumb.size == (96, 128)  # orientation 6 turns 4:3 landscape into portrait
    photo.unlink()
    assert cache.get(photo, "abcd1234") == first  # served from cache, the file is not read


@pytest.mark.shared_data
def test_heic_decodes(shared_images: Path) -> None:
    img = open_oriented(shared_images / "exiv2__Stonehenge.heic", max_side=64)
    assert max(img.size) == 64


def _with_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """A JPEG whose SOF0 declares another size (the header is all a scan reads)."""
    import struct

    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


def test_medium_format_and_200_mp_phone_photos_are_not_bombs(tmp_path: Path) -> None:
    from imgtag_desktop.core.imageio import MAX_PIXELS, read_header

    assert MAX_PIXELS == 250_000_000
    small = make_photo(tmp_path / "s.jpg", (64, 48)).read_bytes()
    for w, h in ((11656, 8742), (12288, 8320), (16320, 12240)):  # 102 MP, 102 MP stitched, 200 MP phone
        path = tmp_path / f"{w}.jpg"
        path.write_bytes(_with_jpeg_size(small, w, h))
        assert (read_header(path, "jpeg").width, read_header(path, "jpeg").height) == (w, h)


def test_a_real_95_mp_jpeg_decodes(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("L", (11900, 8000), 128).save(path, quality=50)
    out = open_oriented(path, max_side=512)
    assert max(out.size) == 512
    assert open_oriented(path).size == (11900, 8000)  # under 250 MP: full size when asked


def test_above_the_limit_jpeg_is_decoded_reduced_and_others_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imgtag_desktop.core.imageio as imageio

    monkeypatch.setattr(imageio, "MAX_PIXELS", 1_000_000)  # a small limit, so the files stay small
    jpeg = tmp_path / "big.jpg"
    png = tmp_path / "big.png"
    Image.new("RGB", (2000, 1500), (10, 20, 30)).save(jpeg)
    Image.new("RGB", (2000, 1500), (10, 20, 30)).save(png)
    out = open_oriented(jpeg)
    assert out.size[0] * out.size[1] <= 1_000_000 and out.size == (1000, 750)  # libjpeg at 1/2 scale
    assert imageio.read_header(jpeg, "jpeg").width == 2000
    with pytest.raises(ImageReadError, match="decompression-bomb"):
        open_oriented(png)
    with pytest.raises(ImageReadError, match="decompression-bomb"):
        imageio.read_header(png, "png")


def test_decoding_on_threads_leaves_the_warning_filters_as_they_were(tmp_path: Path) -> None:
    """Decode and header threads run at once; quieting Pillow per open with warnings.catch_warnings()
    saved and restored the process-wide filter list, so one thread's restore could leave another's
    "ignore" behind for good. The image libraries' warnings are quieted once instead."""
    import threading
    import warnings

    from imgtag_desktop.core.imageio import read_header

    path = make_photo(tmp_path / "a.jpg", size=(320, 240))
    open_oriented(path, max_side=64)
    filters = list(warnings.filters)

    def work() -> None:
        for _ in range(60):
            open_oriented(path, max_side=64)
            read_header(path, "jpeg")

    workers = [threading.Thread(target=work) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert warnings.filters == filters
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("default")
        warnings.filters[:0] = filters  # as the process has them
        warnings.warn_explicit("odd tag", UserWarning, "TiffImagePlugin.py", 1, module="PIL.TiffImagePlugin")
        warnings.warn_explicit("someone else's", UserWarning, "elsewhere.py", 1, module="elsewhere")
    assert [str(w.message) for w in heard] == ["someone else's"]
