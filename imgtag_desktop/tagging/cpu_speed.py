"""Whether bfloat16 is this CPU's fast precision for the captioner, measured once per machine.

A CPU with bfloat16 instructions does not always run bfloat16 products fast. With AMX they run
several times faster than float32; with AVX512-BF16 and no AMX (AMD Zen 4, Intel Cooper Lake, or
a virtual machine that hides AMX), torch's bfloat16 products of the image encoder's shapes were
measured at half float32's speed and a quarter of its int8 layers' (768 -> 3072 over 577 rows,
2 cores: 140, 272 and 659 GFLOP/s). So ``auto`` does not take the instructions' word for it: it
times that product in bfloat16 against the captioner's other candidate (int8 where this CPU has a
fast int8 kernel, float32 otherwise), with the threads the models will use, and runs the
captioner in bfloat16 only where bfloat16 is faster.

The measurement takes a fraction of a second at the first load and is kept in the cache folder
(``cpu-speed.json``), keyed by the CPU (its name and features), the threads, torch's version and
the instruction sets the libraries are allowed, so later loads read it.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..core.kept import keep_record, kept_as
from ..core.paths import cache_dir
from .int8 import cpu_capability, int8_available, quantize_int8

log = logging.getLogger(__name__)

CACHE_FILE = "cpu-speed.json"
# The image encoder's widest product (BLIP and CLIP ViT-B: 577 tokens at 384 px, 768 -> 3072).
ROWS, IN_FEATURES, OUT_FEATURES = 577, 768, 3072
ROUNDS = 5  # alternating rounds; each way's fastest round counts (the least disturbed one)
CALLS = 2  # calls per round
MARGIN = 0.1  # how much faster the other way must be for a choice to leave its plain way
# Environment variables that limit which kernels the libraries take: part of the key.
ISA_VARIABLES = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA", "FBGEMM_ENABLE_INSTRUCTIONS",
                 "MKL_ENABLE_INSTRUCTIONS")


@dataclass(frozen=True)
class Timing:
    """Seconds per call of two ways of doing the same work, measured here: ``first`` and ``second``."""

    first: str
    first_s: float
    second: str
    second_s: float

    @property
    def first_pays(self) -> bool:
        """Whether ``first`` was faster by at least :data:`MARGIN`: each choice here leaves its plain
        way (``second``) only then, so a near tie, which one disturbed round can turn, changes nothing."""
        return self.first_s < self.second_s * (1.0 - MARGIN)

    def valid(self) -> bool:
        """Whether the record holds two names and two positive finite times (a kept file may be damaged)."""
        return (isinstance(self.first, str) and isinstance(self.second, str)
                and all(isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t > 0
                        for t in (self.first_s, self.second_s)))

    def text(self) -> str:
        return (f"{self.first} {self.first_s * 1e3:.2f} ms against {self.second} {self.second_s * 1e3:.2f} ms: "
                f"{self.first if self.first_pays else self.second} is used")


@functools.cache
def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else the platform's word; read once)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key() -> str:
    """What a measurement is about: the CPU, the threads, torch and the allowed instruction sets."""
    import torch

    isa = ",".join(f"{name}={os.environ[name]}" for name in ISA_VARIABLES if os.environ.get(name))
    # A virtual machine's CPU name is often generic ("Intel Xeon Processor"): the features that decide
    # bfloat16's speed are named too.
    features = ",".join(name for name in ("amx_tile", "avx512_bf16", "vnni") if _has(torch, name))
    return (f"{cpu_name()}|{features}|cpus={os.cpu_count()}|threads={torch.get_num_threads()}|"
            f"torch={torch.__version__}|capability={cpu_capability()}|{isa}")


def _has(torch: Any, feature: str) -> bool:
    check = getattr(torch.cpu, f"_is_{feature}_supported", None)
    try:
        return bool(check()) if check is not None else False
    except Exception:  # an odd build
        return False


def _timed(call: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


def time_both(first: Callable[[], Any], second: Callable[[], Any], *, rounds: int = ROUNDS,
              calls: int = CALLS) -> tuple[float, float]:
    """Seconds per call of ``first`` and ``second``: each called once to warm up, then ``rounds``
    alternating rounds of ``calls`` calls; each one's fastest round counts (the least disturbed)."""
    import torch

    with torch.inference_mode():
        first(), second()
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(rounds):
            times[0].append(_timed(first, calls))
            times[1].append(_timed(second, calls))
    return min(times[0]), min(times[1])


# This process's timings by key (None: could not be measured), so a decoder call reads no file.
_memo: dict[str, Timing | None] = {}
_memo_lock = threading.Lock()


def measured(name: str, first: str, second: str, measure: Callable[[], tuple[float, float]]) -> Timing | None:
    """The timing ``name`` on this machine: known in this process, kept from before
    (``cpu-speed.json``, keyed by :func:`machine_key` and ``name``), or measured now by ``measure``
    (seconds per call of ``first`` and ``second``) and kept. None when it could not be measured
    (logged once per process; the caller keeps its plain way)."""
    key = f"{machine_key()}|{name}"
    with _memo_lock:
        if key in _memo:
            known = _memo[key]
            if known is None or (known.first, known.second) == (first, second):
                return known
    timing = cached(key)
    if timing is None or (timing.first, timing.second) != (first, second):
        try:
            first_s, second_s = measure()
            timing = Timing(first, float(first_s), second, float(second_s))
            if not timing.valid():
                raise ValueError(f"not a time: {first_s!r}, {second_s!r}")
        except Exception:  # an odd build: the caller keeps its plain way
            log.warning("could not time %s against %s on this CPU", first, second, exc_info=True)
            with _memo_lock:
                _memo[key] = None
            return None
        remember(key, timing)
        log.info("%s (%s)", timing.text(), key)
    with _memo_lock:
        _memo[key] = timing
    return timing


def _bf16_against_other() -> tuple[float, float]:
    """The image encoder's widest product in bfloat16 and in the captioner's other candidate."""
    import torch

    generator = torch.Generator().manual_seed(0)
    linear = torch.nn.Linear(IN_FEATURES, OUT_FEATURES)
    rows = torch.randn(ROWS, IN_FEATURES, generator=generator)
    half = torch.nn.Linear(IN_FEATURES, OUT_FEATURES).to(torch.bfloat16)
    half.load_state_dict(linear.state_dict())
    half_rows = rows.to(torch.bfloat16)
    candidate = quantize_int8(torch.nn.Sequential(linear), workers=1) if int8_available() else linear
    return time_both(lambda: half(half_rows), lambda: candidate(rows))


def _cache_path() -> Path:
    return cache_dir() / CACHE_FILE


def cached(key: str) -> Timing | None:
    """A timing kept for ``key`` (None when unknown or the file is unreadable)."""
    timing = kept_as(Timing, _cache_path(), key)
    return timing if timing is not None and timing.valid() else None


def remember(key: str, timing: Timing) -> None:
    """Keep a timing for later loads (a failure to write only costs a measurement next time)."""
    keep_record(_cache_path(), key, asdict(timing), "the CPU timing")
    with _memo_lock:
        _memo[key] = timing


@functools.cache
def bf16_is_faster() -> bool:
    """Whether bfloat16 products ran faster here (by :data:`MARGIN`) than the captioner's other
    candidate (int8 where this CPU has a fast int8 kernel, else float32). Measured once per machine.
    Where the int8 check then refuses a model, its captioner runs in float32, even where bfloat16
    would have been faster than float32 (not timed)."""
    other = "int8" if int8_available() else "float32"
    timing = measured(f"image-encoder-product-{ROWS}x{IN_FEATURES}x{OUT_FEATURES}", "bfloat16", other,
                      _bf16_against_other)
    return timing is not None and timing.first_pays
