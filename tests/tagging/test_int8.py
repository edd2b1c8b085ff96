"""The int8 layers' kernel call (tagging/int8.py)."""

from __future__ import annotations

import pytest

from imgtag_desktop.tagging.int8 import fbgemm_linear_class, fixed_range_kernel, int8_backend

pytestmark = pytest.mark.skipif(int8_backend() != "fbgemm", reason="no fbgemm int8 kernel on this CPU")


@pytest.mark.parametrize("rows", [1, 7, 577, 1154, 2049])
def test_the_fixed_range_kernel_gives_the_pinned_kernels_results_bit_for_bit(rows: int) -> None:
    import torch

    if fixed_range_kernel() is None:
        pytest.skip("this torch has no fixed-range int8 kernel")
    torch.manual_seed(rows)
    layer = fbgemm_linear_class()(torch.nn.Linear(96, 40))
    x = torch.randn(rows, 96) * torch.logspace(-6, 3, rows)[:, None]  # rows of very different sizes
    x[0] = 0.0  # a row of zeros: its magnitude is clamped, its result the bias
    if rows > 2:
        x[1, ::2] = 0.0
        x[2] = x[2].abs()  # one sign only: the pin row still pins the range to [-1, 1]
    assert layer.fixed is not None
    with torch.inference_mode():
        fixed = layer(x)
        layer.fixed = None
        pinned = layer(x)
    assert torch.equal(fixed, pinned)
    torch.testing.assert_close(fixed[0], layer.bias)
    # And both are the float32 product to int8 precision.
    want = x @ layer_weight(layer).t() + layer.bias
    scale = x.abs().amax(dim=1, keepdim=True) * layer_weight(layer).abs().sum(dim=1)[None, :]
    assert bool(((fixed - want).abs() <= 0.02 * scale + 1e-6).all())


def layer_weight(layer: object) -> object:
    """The int8 layer's weight as float32, from its packed integers and scales."""
    import torch

    qweight, _bias = torch.ops.quantized.linear_unpack(layer.packed)  # type: ignore[attr-defined]
    return qweight.dequantize()
