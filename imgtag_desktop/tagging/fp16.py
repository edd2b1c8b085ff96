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

import concurrent.futures
import functools
import logging
from typing import Any

from .pages import layer_workers, replace_linears

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


class HalfStates:
    """A batch of image states (photos x tokens x width, float32 on the CPU) as float16 matrices for
    fbgemm's kernel, for the caption decoder's folded cross-attention (see
    :func:`.roles.folded_cross_attention`): every layer of every generated token reads each photo's
    states twice, once for the attention scores (``E q'``) and once to mix them (``p E``). Read as
    float16 they are half the bytes (14 instead of 28 MB a pass at 16 photos of BLIP-base), and the
    kernel multiplies them at its float32 speed (1.7-2.5x as fast as a batched float32 product of the same
    shapes on a 2-core AVX2 machine). Each photo's states are packed twice (as they are and transposed), once
    per decoder call, ``workers`` photos at a time (the kernel's packing releases the interpreter
    lock): about 43 MB for 16 photos of BLIP-base, held while the call runs. Each photo is multiplied
    on its own, so a photo's result never depends on the others of its batch. Rounding the states to
    float16 changes them by at most 2^-11 of themselves (2^-25 below float16's normal range; values
    beyond its +-65504 are clamped to it; the states given are never changed); whether that keeps a
    model's captions is part of the float16 decoder's check (:mod:`.int8_check`)."""

    def __init__(self, states: Any, workers: int | None = None) -> None:
        import torch

        self.source = states
        self.photos, self.tokens, self.width = (int(n) for n in states.shape)

        def pack(index: int) -> tuple[Any, Any]:
            # Copies: the packing clamps its input to float16's range in place.
            one = states[index].float()
            return (torch.ops.quantized.linear_prepack_fp16(one.clone(memory_format=torch.contiguous_format), None),
                    torch.ops.quantized.linear_prepack_fp16(one.t().contiguous(), None))

        step = max(1, min(self.photos, layer_workers() if workers is None else int(workers)))
        if step > 1:
            with concurrent.futures.ThreadPoolExecutor(step, thread_name_prefix="imgtag-layers") as pool:
                packed = list(pool.map(pack, range(self.photos)))
        else:
            packed = [pack(i) for i in range(self.photos)]
        self._keys = [k for k, _ in packed]  # photo i: rows x width -> rows x tokens
        self._values = [v for _, v in packed]  # photo i: rows x tokens -> rows x width

    def holds(self, states: Any) -> bool:
        """Whether ``states`` are the states these were packed from (the same tensor, or a view of
        the same memory with the same layout)."""
        if states is self.source:
            return True
        src = self.source
        return bool(
            states is not None and states.device == src.device and states.dtype == src.dtype
            and tuple(states.shape) == tuple(src.shape) and states.stride() == src.stride()
            and states.data_ptr() == src.data_ptr()
        )

    def scores(self, rows: Any) -> Any:
        """``rows`` (photos x r x width) times each photo's states transposed: photos x r x tokens."""
        return self._each(rows, self._keys)

    def mix(self, weights: Any) -> Any:
        """``weights`` (photos x r x tokens) times each photo's states: photos x r x width."""
        return self._each(weights, self._values)

    def _each(self, inputs: Any, packs: list[Any]) -> Any:
        """Each photo's ``inputs`` through its own packed matrix, stacked."""
        import torch

        return torch.stack([torch.ops.quantized.linear_dynamic_fp16(inputs[i].float().contiguous(), packs[i])
                            for i in range(self.photos)])
