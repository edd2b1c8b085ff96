"""Dynamic int8 for the captioner's Linear layers (CPU only), with a per-row scale so a photo's
results never depend on the other photos of its batch.

Two kernels, chosen by :func:`int8_backend`:

- ``fbgemm`` (every x86 CPU with AVX2, the common case): torch's ``quantized.linear_dynamic``
  on weights packed once. That kernel quantizes its whole input with one scale, so each input row
  is first divided by its own largest magnitude and one fixed row (+1, -1, 0, ...) is appended:
  the input's range is then always exactly [-1, 1], the kernel's scale never depends on the
  batch, and each row's result is multiplied back by its own scale. Activations use 7 bits
  (``reduce_range``), as the AVX2 u8 x s8 instruction needs to never saturate.
- ``int_mm``: ``torch._int_mm`` with symmetric 8-bit rows, where it is fast: only on CPUs with
  VNNI (on others torch falls back to a plain loop that is many times slower than float32).

The ISA is the one torch dispatches to: ``ATEN_CPU_CAPABILITY=avx2`` makes an AVX-512 machine
choose as an AVX2 one would.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from typing import Any, Literal

from .pages import replace_linears

log = logging.getLogger(__name__)

Backend = Literal["fbgemm", "int_mm"]

# Rows per fbgemm call at most: a large input (8 x 577 rows) in one call runs at a fraction of the
# kernel's speed once input and output no longer fit in the caches; blocks of up to ~1000 rows keep
# it near its peak, and a larger input is split into equal blocks (a small leftover block would be
# slow). Rows are independent, so the split changes no result.
FBGEMM_ROWS = 1024
# The start of torch's deprecation warning for quantized tensors (see fbgemm_linear_class).
QUANTIZED_TENSORS_DEPRECATED = r"torch\.quantize_per_tensor, torch\.quantize_per_channel"
# The input quantization fbgemm's dynamic kernel finds for rows pinned to [-1, 1] with 7-bit
# activations (0..127): scale 2/127, zero point round(127/2).
PINNED_SCALE = 2.0 / 127.0
PINNED_ZERO_POINT = 64
# Layers quantized between two returns of the C heap's free memory to the system while quantizing.
TRIM_EVERY = 4


def cpu_capability() -> str:
    """The vector ISA torch's kernels use here ("AVX2", "AVX512", "DEFAULT", ...)."""
    import torch

    try:
        return str(torch.backends.cpu.get_cpu_capability())
    except Exception:  # an odd build
        log.debug("cpu capability unknown", exc_info=True)
        return "DEFAULT"


def cpu_has_vnni() -> bool:
    """Whether int8 dot products are native (AVX512-VNNI) and torch's kernels may use them."""
    import torch

    check = getattr(torch.cpu, "_is_vnni_supported", None)
    try:
        return cpu_capability() == "AVX512" and bool(check()) if check is not None else False
    except Exception:
        log.debug("VNNI check failed", exc_info=True)
        return False


@functools.cache
def int8_backend() -> Backend | None:
    """The int8 kernel for this CPU and torch build, or None when int8 would not be faster."""
    import torch

    engines = set(torch.backends.quantized.supported_engines)
    if {"x86", "fbgemm"} & engines and cpu_capability() in ("AVX2", "AVX512"):
        try:
            probe = fbgemm_linear_class()(torch.nn.Linear(8, 4))
            if probe(torch.ones(2, 8)).shape == (2, 4):
                return "fbgemm"
        except (AttributeError, RuntimeError, NotImplementedError):
            log.debug("fbgemm int8 unavailable", exc_info=True)
    if cpu_has_vnni():
        try:
            ones = torch.ones(32, 32, dtype=torch.int8)
            if int(torch._int_mm(ones, ones)[0, 0]) == 32:
                return "int_mm"
        except (AttributeError, RuntimeError, NotImplementedError):
            log.debug("torch._int_mm unavailable", exc_info=True)
    return None


def int8_available() -> bool:
    """Whether int8 is fast on this CPU (see :func:`int8_backend`)."""
    return int8_backend() is not None


def quantize_int8(
    model: Any, backend: Backend | None = None, *, within: Any = None, keep: Any = (), workers: int | None = None
) -> Any:
    """Every ``nn.Linear`` of ``model`` replaced, in place, by an int8 one (weights int8 per output
    channel, inputs int8 per row, products accumulated in int32; layer norms, embeddings, attention
    products and softmax stay float32). Integer sums are exact in any order and every scale is a
    row's own, so a photo's results never depend on the other photos of its batch.

    The replaced float32 weights' pages are given back (:mod:`.pages`), except where a tensor
    still used by ``within`` (default: ``model``, the whole model when ``model`` is part of it)
    shares them, as a tied weight does. Linear layers in ``keep`` stay as they are. ``workers`` layers
    are made at a time, on threads (default :func:`.pages.layer_workers`); each layer's integers are
    the same whichever thread makes it."""
    import torch

    chosen = backend or int8_backend()
    if chosen is None:
        raise RuntimeError("int8 is not available on this CPU")
    cls = fbgemm_linear_class() if chosen == "fbgemm" else int8_linear_class()
    # One float32 scratch per thread for every layer's scaled weight: a fresh one per layer cost each
    # layer's size in new pages (zero-filled by the kernel), a quarter of a model's quantizing time.
    chosen_layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear) and not any(m is k for k in keep)]
    size = max((m.weight.numel() for m in chosen_layers), default=0)
    scratches = threading.local()

    def make(layer: Any) -> Any:
        scratch = getattr(scratches, "tensor", None)
        if scratch is None:
            scratch = scratches.tensor = torch.empty(size)
        return cls(layer, scratch)

    # Layer by layer, so the float32 weights read and the quantizing's temporaries never pile up: all
    # at the end, loading CLIP beside a bfloat16 captioner peaked 0.3-0.7 GB higher.
    replace_linears(model, make, within=within, keep=keep, trim_every=TRIM_EVERY, workers=workers)
    return model


def is_int8_linear(module: Any) -> bool:
    """Whether ``module`` is one of this module's int8 layers."""
    return isinstance(module, (int8_linear_class(), fbgemm_linear_class()))


def _weights(linear: Any) -> tuple[Any, Any, Any]:
    """A Linear's float32 weight, its symmetric int8 scale per output channel, and its float32
    bias (zeros when it has none): what both int8 layers start from."""
    import torch

    weight = linear.weight.detach().float()
    # Each row's largest magnitude, max(max, -min): two reading passes, no |weight| copy to write.
    magnitude = torch.maximum(weight.amax(dim=1), weight.amin(dim=1).neg_())
    scale = magnitude.clamp_min_(1e-12) / 127.0
    bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(linear.out_features)
    return weight, scale, bias


def quantize_weight(weight: Any, scale: Any, scratch: Any = None) -> Any:
    """``torch.quantize_per_channel(weight, scale, 0, axis 0, qint8)``, the same integers (rounded
    from ``weight * (1 / scale)``, as that function does) made several times faster: its own loop
    is slow enough to be a quarter of a model's load. ``scratch``: a float32 tensor of at least
    ``weight``'s size to work in (None: a new one)."""
    import torch

    zero = torch.zeros(scale.shape, dtype=torch.long)
    make = getattr(torch, "_make_per_channel_quantized_tensor", None)
    if make is None:  # another torch: its own function
        return torch.quantize_per_channel(weight, scale.double(), zero, 0, torch.qint8)
    return make(_rounded(weight, scale, scratch), scale.double(), zero, 0)


def _rounded(weight: Any, scale: Any, scratch: Any = None, *, divide: bool = False) -> Any:
    """``round(weight * (1 / scale))`` per output channel (``divide``: ``round(weight / scale)``),
    clamped to int8, computed in ``scratch`` when it is given and large enough."""
    import torch

    work = None
    if scratch is not None and scratch.numel() >= weight.numel():
        work = scratch[: weight.numel()].view(weight.shape)
    if divide:
        scaled = torch.div(weight, scale[:, None], out=work) if work is not None else weight / scale[:, None]
    else:
        factor = (1.0 / scale)[:, None]
        scaled = torch.mul(weight, factor, out=work) if work is not None else weight * factor
    return scaled.round_().clamp_(-128, 127).to(torch.int8)


@functools.cache
def fbgemm_linear_class() -> Any:
    """The ``FbgemmLinear`` module class (defined on first use: it needs torch)."""
    import torch

    _ignore_quantized_notice()

    class FbgemmLinear(torch.nn.Module):
        """y = m * L(x / m) + b, with m each row's largest magnitude and L fbgemm's dynamic int8
        linear (no bias) over the scaled rows plus one fixed row that pins its range to [-1, 1].
        For inference (no gradients: the quantized kernel has none). Where torch has it, the kernel
        is told that range instead (:func:`fixed_range_kernel`), with the same results."""

        bias: torch.Tensor
        pin: torch.Tensor
        fixed: Any = fixed_range_kernel()  # None: the pin row is appended instead

        def __init__(self, linear: torch.nn.Linear, scratch: torch.Tensor | None = None) -> None:
            super().__init__()
            weight, scale, bias = _weights(linear)
            qweight = quantize_weight(weight, scale, scratch)
            self.packed = torch.ops.quantized.linear_prepack(qweight, None)
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.register_buffer("bias", bias)
            pin = torch.zeros(1, self.in_features)
            pin[0, 0], pin[0, -1] = 1.0, -1.0
            self.register_buffer("pin", pin)
            self.weight_dtype = torch.int8  # for inspection: the packed weight is int8

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features).float()
            n = rows.shape[0]
            if n <= FBGEMM_ROWS:
                y = self._rows(rows)
            else:
                block = -(-n // -(-n // FBGEMM_ROWS))  # equal blocks of at most FBGEMM_ROWS
                y = rows.new_empty(n, self.out_features)
                for i in range(0, n, block):
                    self._rows(rows[i : i + block], y[i : i + block])
            return y.reshape(*x.shape[:-1], self.out_features)

        def _rows(self, rows: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
            m = rows.shape[0]
            magnitude = rows.abs().amax(dim=1, keepdim=True).clamp_min_(1e-12)
            if self.fixed is not None:  # the range the pin row gives, told to the kernel: no pass to find it
                y = self.fixed(torch.div(rows, magnitude), PINNED_SCALE, PINNED_ZERO_POINT, self.packed)
                return torch.addcmul(self.bias, y, magnitude, out=out)
            # Each row divided by its largest magnitude straight into the kernel's input, the pin row
            # after them: no concatenated copy of the input (6 % of the image encoder's time in a profile).
            scaled = rows.new_empty(m + 1, self.in_features)
            torch.div(rows, magnitude, out=scaled[:m])
            scaled[m:] = self.pin
            y = torch.ops.quantized.linear_dynamic(scaled, self.packed, reduce_range=True)[:-1]
            return torch.addcmul(self.bias, y, magnitude, out=out)

    return FbgemmLinear


def _ignore_quantized_notice() -> None:
    """Quantized tensors are deprecated; the kernel is what is used, and the person has nothing to do
    about the notice. One filter for the process, not ``warnings.catch_warnings()`` around each layer:
    layers are made on several threads at once, and that save-and-restore of the process-wide
    filter list is not thread-safe (a thread's restore can leave another's filter for good)."""
    warnings.filterwarnings("ignore", message=QUANTIZED_TENSORS_DEPRECATED, category=UserWarning)


@functools.cache
def fixed_range_kernel() -> Any:
    """fbgemm's int8 product with the input's quantization given (``quantized.
    linear_with_input_q_dq_qweight_dq_output_fp32``): the scaled rows' range is always [-1, 1], so
    it is told the parameters that the dynamic kernel finds for it with the pin row, 7-bit
    (:data:`PINNED_SCALE`, :data:`PINNED_ZERO_POINT`), and skips the pass that finds them. The
    same integers and results (tested bit-identical); on a 2-core AVX2 machine 2-3 % less time per
    layer at 577 rows, the captioner's image encoder 0.3-1.2 % (medians and minima of 8 runs each,
    alternating in one process). None where this torch lacks it or it does not give the pinned
    kernel's result on a probe: the pin row then goes on as before."""
    import torch

    _ignore_quantized_notice()
    try:
        kernel = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32
        weight = torch.tensor([[3.0, -2.0, 1.0, 0.5], [-1.0, 0.25, 2.0, -3.0]])
        packed = torch.ops.quantized.linear_prepack(quantize_weight(weight, torch.full((2,), 3.0 / 127)), None)
        rows = torch.tensor([[1.0, -0.5, 0.25, -1.0], [0.1, 1.0, -0.3, 0.7], [1.0, 0.0, 0.0, -1.0]])
        pinned = torch.ops.quantized.linear_dynamic(rows, packed, reduce_range=True)
        if torch.equal(kernel(rows, PINNED_SCALE, PINNED_ZERO_POINT, packed), pinned):
            return kernel
        log.debug("the fixed-range int8 kernel differs from the pinned one here: not used")
    except (AttributeError, RuntimeError, NotImplementedError):
        log.debug("no fixed-range int8 kernel in this torch", exc_info=True)
    return None


@functools.cache
def int8_linear_class() -> Any:
    """The ``Int8Linear`` module class (defined on first use: it needs torch)."""
    import torch

    class Int8Linear(torch.nn.Module):
        """y = (q(x) @ q(W).T) * s_x * s_w + b, with q symmetric int8 per row (x) and per output channel (W)."""

        weight_t: torch.Tensor
        weight_scale: torch.Tensor
        bias: torch.Tensor

        def __init__(self, linear: torch.nn.Linear, scratch: torch.Tensor | None = None) -> None:
            super().__init__()
            weight, scale, bias = _weights(linear)
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.register_buffer("weight_t", _rounded(weight, scale, scratch, divide=True).t().contiguous())
            self.register_buffer("weight_scale", scale)
            self.register_buffer("bias", bias)
            self.weight_dtype = torch.int8

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features).float()
            scale = rows.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127.0
            q = torch.round(rows / scale).to(torch.int8)
            y = torch._int_mm(q, self.weight_t).float() * scale * self.weight_scale + self.bias
            return y.reshape(*x.shape[:-1], self.out_features)

    return Int8Linear
