"""Float16 weights for the caption decoder's Linear layers (CPU).

The decoder generates one token per step for a batch of photos, so each of its Linear layers
multiplies a few rows by its whole weight: its time goes to reading the weight. fbgemm's float16
kernel keeps a weight in half the bytes and widens it to float32 in registers (F16C, on every
AVX2 CPU); the inputs, products and sums stay float32. Measured on a 2-core AVX2 machine at 16
rows, against the float32 layers: 0.55-0.65x the time for the decoder's 768- and 3072-wide
layers, 0.31x for its 30524-word output layer; the whole decoder 0.115 -> 0.094 s a photo.

Rounding a weight to float16 changes it by at most 2^-11 of itself (eight times finer than
bfloat16). Whether that keeps a model's captions is checked once per model at load, with the
int8 image encoder, against float32 (:mod:`.int8_check`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from .pages import replace_linears

log = logging.getLogger(__name__)

# Layers converted between two returns of the C heap's free memory to the system.
TRIM_EVERY = 8


@functools.cache
def fp16_available() -> bool:
    """Whether torch has fbgemm's float16-weight kernel here (x86 with AVX2 or later)."""
    import torch

    try:
        layer = fp16_linear_class()(torch.nn.Linear(8, 4))
        return tuple(layer(torch.ones(2, 8)).shape) == (2, 4)
    except (AttributeError, RuntimeError, NotImplementedError):
        log.debug("float16 weights unavailable", exc_info=True)
        return False


def half_weights(model: Any, *, within: Any = None, keep: Any = (), workers: int | None = None) -> int:
    """Every ``nn.Linear`` of ``model`` (but those in ``keep``) replaced, in place, by one with its
    weight in float16 (:func:`fp16_linear_class`). The replaced float32 weights' pages are given
    back as each layer is made, except where a tensor still used by ``within`` (default: ``model``)
    shares them, as the decoder's output layer shares the word embeddings. ``workers`` layers are
    packed at a time (default :func:`.pages.layer_workers`: the kernel's packing releases the
    interpreter lock). Returns how many layers
    were replaced."""
    return replace_linears(
        model, fp16_linear_class(), within=within, keep=keep, trim_every=TRIM_EVERY, workers=workers
    )


def is_fp16_linear(module: Any) -> bool:
    """Whether ``module`` is one of this module's float16-weight layers."""
    return isinstance(module, fp16_linear_class())


@functools.cache
def fp16_linear_class() -> Any:
    """The ``Fp16Linear`` module class (defined on first use: it needs torch)."""
    import torch

    class Fp16Linear(torch.nn.Module):
        """y = x W^T + b with W stored as float16 and everything else float32. Each row's result is
        its own: rows of other photos change it by float32 rounding at most, as any float32 product
        does. For inference (the kernel has no gradient)."""

        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            weight = linear.weight.detach().float().contiguous()
            bias = linear.bias.detach().float() if linear.bias is not None else None
            self.packed = torch.ops.quantized.linear_prepack_fp16(weight, bias)
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.weight_dtype = torch.float16  # for inspection: the packed weight is float16

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features).float().contiguous()
            y: torch.Tensor = torch.ops.quantized.linear_dynamic_fp16(rows, self.packed)
            return y.reshape(*x.shape[:-1], self.out_features)

    return Fp16Linear
