"""Whether int8 keeps a model's results within bounds of float32, checked at run time per model.

``auto`` on a CPU without native bfloat16 runs the captioner's image path and CLIP's two towers
in int8, and the caption decoder with float16 weights, only when, for this model, they stay within
stated bounds of float32 on a fixed set of probes (pictures, and for CLIP also texts):

- image states (captioner) and embeddings (CLIP): cosine to float32 at least
  :data:`MIN_STATE_COSINE` on every probe;
- captions: token-identical to float32 on at least :data:`MIN_SAME_CAPTIONS` of the probes.

No threshold here is fitted to a model: they are the bounds themselves. The verdict is measured
once per model version, torch version, int8 kernel and CPU capability, and kept in the cache
folder (``int8-check.json``), so later loads skip the comparison.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ..core.kept import keep_record, kept_as
from ..core.paths import cache_dir

log = logging.getLogger(__name__)

MIN_STATE_COSINE = 0.999
MIN_SAME_CAPTIONS = 0.9
PROBES = 4
CACHE_FILE = "int8-check.json"
# Texts CLIP's text tower is checked on, through the vocabulary's prompt templates: varied
# subjects, short and long, as tags and caption phrases are.
PROBE_TEXTS = (
    "dog", "beach", "birthday cake", "mountain lake at sunrise", "city street at night", "portrait",
    "red sports car", "snow", "a group of people sitting at a table", "flower", "old stone church",
    "cat sleeping on a sofa",
)
# What a verdict is about: the layers made int8, the attention, the probes and the bounds. Part of
# the remembered verdict's key, so a verdict is never reused for another scheme.
CAPTIONER_SCHEME = (
    f"image-encoder,fused-attention,folded-cross-attention,probes={PROBES},cos={MIN_STATE_COSINE},"
    f"same={MIN_SAME_CAPTIONS}"
)
# The int8 image encoder together with float16 weights in the caption decoder and float16 image
# states in its cross-attention (see .fp16): one check of all, as the captions depend on all.
CAPTIONER_FP16_SCHEME = f"decoder-fp16-weights,fp16-image-states,{CAPTIONER_SCHEME}"
VISUAL_IMAGE_SCHEME = f"clip-image-tower,probes={PROBES},cos={MIN_STATE_COSINE}"


def digest(texts: tuple[str, ...] | list[str]) -> str:
    """A short digest of texts, for a verdict's key."""
    return hashlib.blake2b("\n".join(texts).encode(), digest_size=6).hexdigest()


VISUAL_TEXT_SCHEME = f"clip-text-tower,probes={digest(PROBE_TEXTS)},cos={MIN_STATE_COSINE}"


@dataclass(frozen=True)
class Int8Verdict:
    """The comparison of int8 against float32 on the probe images."""

    accepted: bool
    min_state_cosine: float
    same_captions: int | None  # None: a model without captions (CLIP)
    probes: int
    subject: str = "image encoder"  # what was made int8, for the log

    @property
    def text(self) -> str:
        used = "used" if self.accepted else "not used"
        if self.same_captions is None:
            return (
                f"int8 {self.subject} {used}: embedding cosine to float32 {self.min_state_cosine:.5f} "
                f"(at least {MIN_STATE_COSINE}) on {self.probes} probes"
            )
        return (
            f"int8 {self.subject} {used}: image-state cosine to float32 "
            f"{self.min_state_cosine:.5f} (at least {MIN_STATE_COSINE}), captions identical on "
            f"{self.same_captions} of {self.probes} probes (at least {MIN_SAME_CAPTIONS:.0%})"
        )


def probe_images(size: int = 384) -> list[Image.Image]:
    """Deterministic, varied pictures: a sky over a field with a sun, a striped building, a
    portrait-like blob on a dark background, and fine texture (no files, no randomness across runs)."""
    rng = np.random.default_rng(12345)
    images = []
    sky = Image.new("RGB", (size, size), (110, 160, 225))
    draw = ImageDraw.Draw(sky)
    draw.rectangle((0, size * 2 // 3, size, size), fill=(70, 140, 60))
    draw.ellipse((size * 0.65, size * 0.1, size * 0.85, size * 0.3), fill=(250, 220, 90))
    images.append(sky)
    building = Image.new("RGB", (size, size), (200, 200, 205))
    draw = ImageDraw.Draw(building)
    for x in range(20, size, 48):
        draw.rectangle((x, 60, x + 24, size - 30), fill=(120, 70, 50))
    images.append(building)
    portrait = Image.new("RGB", (size, size), (25, 25, 35))
    draw = ImageDraw.Draw(portrait)
    draw.ellipse((size * 0.3, size * 0.15, size * 0.7, size * 0.6), fill=(225, 180, 150))
    draw.rectangle((size * 0.2, size * 0.62, size * 0.8, size), fill=(40, 60, 140))
    images.append(portrait)
    texture = (rng.random((size, size, 3)) * 255).astype(np.uint8)
    yy, xx = np.mgrid[0:size, 0:size]
    texture[..., 1] = (127 + 127 * np.sin(xx / 7.0 + yy / 11.0)).astype(np.uint8)
    images.append(Image.fromarray(texture, "RGB"))
    return images[:PROBES]


def probe_texts() -> tuple[str, ...]:
    """The texts CLIP's text tower is checked on."""
    return PROBE_TEXTS


def verdict(
    states_float32: list[np.ndarray], states_int8: list[np.ndarray], captions_float32: list[str] | None,
    captions_int8: list[str] | None,
) -> Int8Verdict:
    """Compare per probe: the states or embeddings (flattened cosine) and, for a captioner, the
    captions (token-identical text)."""
    cosines = []
    for a, b in zip(states_float32, states_int8, strict=True):
        a64, b64 = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
        norms = float(np.linalg.norm(a64)) * float(np.linalg.norm(b64))
        cosines.append(float(a64 @ b64) / max(norms, 1e-30))
    low = min(cosines) if cosines else 0.0
    if captions_float32 is None or captions_int8 is None:
        n = len(cosines)
        return Int8Verdict(bool(n) and low >= MIN_STATE_COSINE, round(low, 6), None, n, "embeddings")
    same = sum(x == y for x, y in zip(captions_float32, captions_int8, strict=True))
    n = len(captions_float32)
    accepted = bool(n) and low >= MIN_STATE_COSINE and same >= math.ceil(MIN_SAME_CAPTIONS * n)
    return Int8Verdict(accepted, round(low, 6), same, n)


def _cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def cached_verdict(key: str) -> Int8Verdict | None:
    """A verdict measured before for ``key`` (None when unknown or the file is unreadable)."""
    return kept_as(Int8Verdict, _cache_path(), key)


def remember_verdict(key: str, result: Int8Verdict) -> None:
    """Keep a verdict for later loads (a failure to write only costs a check next time)."""
    keep_record(_cache_path(), key, asdict(result), "the int8 check")
