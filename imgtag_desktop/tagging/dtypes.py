"""Device and dtype policy: which device each model runs on and in which precision."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.settings import Settings
from .int8 import cpu_capability, int8_available
from .models import Role

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import torch

DTYPES = ("auto", "float32", "float16", "bfloat16", "int8")


def pick_device(requested: str) -> str:
    """auto -> CUDA, then MPS, then CPU."""
    import torch

    if requested and requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def cpu_has_bf16() -> bool:
    """Whether this CPU runs bfloat16 matrix products natively (AVX512-BF16 or AMX) and torch's
    kernels may use them (``ATEN_CPU_CAPABILITY=avx2`` says no)."""
    import torch

    if cpu_capability() != "AVX512":
        return False
    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    try:
        return bool(check()) if check is not None else False
    except Exception:  # an odd build: assume no
        log.debug("bfloat16 support check failed", exc_info=True)
        return False


def captioner_bf16() -> bool:
    """Whether ``auto`` runs the captioner in bfloat16 on this CPU: it has native bfloat16
    instructions, and bfloat16 products were measured faster here than the captioner's other
    candidate (:mod:`.cpu_speed`: without AMX they can be slower than float32)."""
    from .cpu_speed import bf16_is_faster

    return cpu_has_bf16() and bf16_is_faster()


def captioner_int8(requested: str, device: str) -> bool:
    """Whether all the captioner's Linear layers (image encoder and text decoder) run as dynamic int8:
    only when asked (``int8``, CPU only). ``auto`` quantizes at most the image encoder
    (:func:`vision_int8`)."""
    if requested != "int8":
        return False
    if device != "cpu":
        raise ValueError(f"dtype int8 runs on the CPU only (device is {device}); use --device cpu or another dtype")
    if not int8_available():
        raise ValueError(
            "dtype int8 has no fast int8 kernel on this CPU (it needs AVX2 on x86, or VNNI); use auto or float32"
        )
    return True


def vision_int8(requested: str, device: str) -> bool:
    """Whether the captioner's image encoder is a candidate for int8 (``auto`` on a CPU with a fast int8 kernel
    where bfloat16 products are not faster, :func:`captioner_bf16`; where they are, the captioner runs in
    bfloat16). The image encoder is most of the work on such CPUs, and it is compute-bound, where int8
    doubles the AVX2 throughput; int8 also stores a weight in a quarter of the memory. The text decoder's
    greedy choices follow small logit differences, so it never goes int8; it may keep its weights in float16
    (:mod:`.fp16`: eight times finer than bfloat16, and it is bound by reading them). Whether the int8
    encoder (with or without float16 decoder weights) is used for a model is checked once at load against
    float32 (:mod:`.int8_check`)."""
    return requested in ("", "auto") and device == "cpu" and int8_available() and not captioner_bf16()


def visual_int8(requested: str, device: str) -> bool:
    """Whether CLIP's image and text towers are candidates for int8 (``auto`` on any CPU with a fast
    int8 kernel: CLIP stays float32 otherwise). Each tower is used in int8 only when its check
    against float32 passes (:mod:`.int8_check`)."""
    return requested in ("", "auto") and device == "cpu" and int8_available()


def pick_dtype(requested: str, device: str, role: Role) -> torch.dtype:
    """The dtype of one model. ``auto``: float16 on CUDA/MPS; on CPU bfloat16 for the captioner when the CPU
    runs bfloat16 products fastest (:func:`captioner_bf16`; it is most of the work), float32 otherwise and
    for CLIP (whose scores are compared against a threshold). ``int8``: every model loads in float32 and the
    captioner is then quantized (see :func:`captioner_int8`)."""
    import torch

    if requested in ("", "auto"):
        if device in ("cuda", "mps"):
            return torch.float16
        if role == "captioner" and captioner_bf16():
            return torch.bfloat16
        return torch.float32
    if requested == "int8":
        return torch.float32
    value = getattr(torch, requested, None) if requested in DTYPES else None
    if not isinstance(value, torch.dtype):
        raise ValueError(f"unknown dtype {requested!r}; use {', '.join(DTYPES)}")
    return value


@dataclass(frozen=True)
class DevicePlan:
    """Where and in which precision the models run, decided once per pipeline."""

    device: str
    captioner_dtype: Any  # torch.dtype
    visual_dtype: Any  # torch.dtype (CLIP and the keyword embedder's device)
    captioner_int8: bool
    # auto's int8 candidates: the captioner's image encoder, and CLIP's towers; whether each is used is
    # its check's verdict (Captioner.int8_verdict, VisualModel.image_verdict and text_verdict)
    vision_int8: bool = False
    visual_int8: bool = False

    def describe(self, vision_int8: bool, visual_int8: str = "", decoder_fp16: bool = False) -> str:
        """The name "captioner=...,visual=...", with ``vision_int8`` saying whether the loaded captioner's image
        path is int8, ``visual_int8`` which of CLIP's towers are ("image", "text", "image+text"; a
        candidate in the plan becomes int8 only when its check passes) and ``decoder_fp16`` whether
        the caption decoder's weights are float16."""
        captioner = "int8" if self.captioner_int8 else str(self.captioner_dtype).removeprefix("torch.")
        if vision_int8 and not self.captioner_int8:
            captioner += "+int8-vision"
        if decoder_fp16 and not self.captioner_int8:
            captioner += "+fp16-decoder"
        visual = str(self.visual_dtype).removeprefix("torch.") + (f"+int8-{visual_int8}" if visual_int8 else "")
        return f"captioner={captioner},visual={visual}"


def device_plan(settings: Settings) -> DevicePlan:
    """The plan for these settings (imports torch; honours ``IMGTAG_THREADS``)."""
    import torch

    if os.environ.get("IMGTAG_THREADS"):
        torch.set_num_threads(int(os.environ["IMGTAG_THREADS"]))
    device = pick_device(settings.device)
    return DevicePlan(
        device=device,
        captioner_dtype=pick_dtype(settings.dtype, device, "captioner"),
        visual_dtype=pick_dtype(settings.dtype, device, "visual"),
        captioner_int8=captioner_int8(settings.dtype, device),
        vision_int8=vision_int8(settings.dtype, device),
        visual_int8=visual_int8(settings.dtype, device),
    )
