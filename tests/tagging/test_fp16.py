"""Float16 weights for the caption decoder (tagging/fp16.py)."""

from __future__ import annotations

import sys

import pytest

from imgtag_desktop.tagging.fp16 import fp16_available, half_weights, is_fp16_linear

pytestmark = pytest.mark.skipif(not fp16_available(), reason="no float16-weight kernel on this CPU")


def test_a_float16_layer_is_the_float32_product_of_its_weight_rounded_to_float16() -> None:
    import torch

    torch.manual_seed(0)
    linear = torch.nn.Linear(384, 1000)
    with torch.no_grad():
        linear.weight.mul_(3.0)  # weights that float16 rounds visibly
    x = torch.randn(2, 5, 384)
    with torch.no_grad():
        exact = torch.nn.functional.linear(x.double(), linear.weight.double(), linear.bias.double())
        rounded = torch.nn.functional.linear(x.double(), linear.weight.half().double(), linear.bias.double())
    layer = torch.nn.Sequential(linear)
    assert half_weights(layer) == 1 and is_fp16_linear(layer[0])
    with torch.inference_mode():
        got = layer(x).double()
    assert got.shape == (2, 5, 1000)
    off_rounded = float((got - rounded).abs().max())
    off_exact = float((got - exact).abs().max())
    # The weights are float16 (the result follows the rounded weights), the arithmetic float32
    # (far closer to the rounded weights' exact product than float16 rounding of the weights is).
    assert off_rounded < 1e-4 < off_exact
    assert off_rounded < off_exact / 20


@pytest.mark.parametrize("rows", [1, 3, 16])
def test_a_row_of_a_float16_layer_barely_depends_on_the_rows_beside_it(rows: int) -> None:
    import torch

    torch.manual_seed(1)
    layer = torch.nn.Sequential(torch.nn.Linear(768, 3072))
    half_weights(layer)
    x = torch.randn(rows + 21, 768)
    with torch.inference_mode():
        together = layer(x)
        alone = layer(x[:rows])
    # float32 rounding at most: the kernel may sum a row in another order for another row count.
    torch.testing.assert_close(alone, together[:rows], rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise is Linux's")
def test_float16_weights_keep_a_tied_weight_and_give_back_the_rest() -> None:
    import torch

    torch.manual_seed(0)
    model = torch.nn.Module()
    model.embed = torch.nn.Embedding(4096, 64)
    model.head = torch.nn.Linear(64, 4096, bias=False)
    model.head.weight = model.embed.weight  # tied, as the decoder's word scores are
    model.other = torch.nn.Linear(1024, 1024)
    model.kept = torch.nn.Linear(64, 64)
    tied, other = model.embed.weight.detach().clone(), model.other.weight.detach()
    x = torch.randn(3, 1024)
    with torch.inference_mode():
        expected = torch.nn.functional.linear(x, other.clone(), model.other.bias)
        assert half_weights(model, keep=[model.kept]) == 2
        got = model.other(x)
        head = model.head(torch.randn(2, 64))
    assert type(model.kept) is torch.nn.Linear and is_fp16_linear(model.head)
    assert torch.equal(model.embed.weight.detach(), tied)  # still in use by the embedding: intact
    assert head.shape == (2, 4096)
    torch.testing.assert_close(got, expected, rtol=0, atol=2e-3 * float(expected.abs().max()))
    assert int((other == 0).sum()) > other.numel() // 2  # the replaced weight's pages were given back


def test_layers_made_two_at_a_time_equal_those_made_one_by_one() -> None:
    import copy

    import torch

    torch.manual_seed(2)
    model = torch.nn.Sequential(*[torch.nn.Linear(256, 256) for _ in range(5)])
    twin = copy.deepcopy(model)
    assert half_weights(model, workers=2) == half_weights(twin, workers=1) == 5
    x = torch.randn(7, 256)
    with torch.inference_mode():
        assert all(is_fp16_linear(m) for m in model) and torch.equal(model(x), twin(x))


@pytest.mark.parametrize("workers", [1, 2])
def test_half_states_are_the_float32_products_of_each_photos_states_rounded_to_float16(workers: int) -> None:
    import torch

    from imgtag_desktop.tagging.fp16 import HalfStates

    torch.manual_seed(3)
    states = torch.randn(3, 37, 48) * 3.0  # photos x tokens x width: values float16 rounds visibly
    rows = torch.randn(3, 5, 48)
    weights = torch.softmax(torch.randn(3, 5, 37) * 4, dim=-1)
    packed = HalfStates(states, workers=workers)
    with torch.inference_mode():
        scores, mixed = packed.scores(rows).double(), packed.mix(weights).double()
    rounded = states.half().double()
    assert scores.shape == (3, 5, 37) and mixed.shape == (3, 5, 48)
    for got, want_rounded, want_exact in (
        (scores, rows.double() @ rounded.transpose(1, 2), rows.double() @ states.double().transpose(1, 2)),
        (mixed, weights.double() @ rounded, weights.double() @ states.double()),
    ):
        off_rounded = float((got - want_rounded).abs().max())
        off_exact = float((got - want_exact).abs().max())
        # The products of the rounded states, to float32 precision; visibly not those of the exact ones.
        assert off_rounded < 1e-4 * float(want_rounded.abs().max())
        assert off_exact > 10 * off_rounded
    # Values beyond float16's range are clamped to it in the packed copies, never in the states given.
    huge = states.clone()
    huge[0, 0, :2] = torch.tensor([1e5, -7e4])
    kept = huge.clone()
    clamped = HalfStates(huge, workers=workers)
    assert torch.equal(huge, kept)
    with torch.inference_mode():
        got = clamped.scores(rows)[0, :, 0].double()
    want = rows[0].double() @ huge[0, 0].clamp(-65504, 65504).half().double()
    torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-3)
    # Each photo on its own: a photo's result does not depend on the others of its batch.
    alone = HalfStates(states[1:2].clone(), workers=1)
    with torch.inference_mode():
        assert torch.equal(alone.scores(rows[1:2]), packed.scores(rows)[1:2])
        assert torch.equal(alone.mix(weights[1:2]), packed.mix(weights)[1:2])


def test_half_states_hold_only_the_states_they_were_packed_from() -> None:
    import torch

    from imgtag_desktop.tagging.fp16 import HalfStates

    states = torch.randn(2, 9, 16)
    packed = HalfStates(states)
    assert packed.holds(states) and packed.holds(states.view(2, 9, 16))  # the same memory and layout
    assert not packed.holds(states.clone())  # equal values elsewhere: other states as far as it knows
    assert not packed.holds(states[:1]) and not packed.holds(None)
    assert not packed.holds(states.transpose(1, 2).contiguous().transpose(1, 2))
