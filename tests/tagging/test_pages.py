"""Giving back the pages of weights a model no longer uses (tagging/pages.py)."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import pytest

from imgtag_desktop.tagging.int8 import int8_available, quantize_int8
from imgtag_desktop.tagging.pages import release_pages

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise is Linux's")


def test_whole_pages_of_a_released_tensor_go_and_a_kept_neighbour_stays() -> None:
    import torch

    page = mmap.PAGESIZE
    n = 64 * page // 4
    memory = torch.ones(n)  # anonymous memory: a page given back reads as zeros afterwards
    released, kept = memory[: n // 2 + 7], memory[n // 2 + 7 :]
    given = release_pages([released], [kept])
    assert given > 0 and given % page == 0 and given <= released.numel() * 4
    assert bool(torch.all(kept == 1))  # the page shared with the kept half was not given back
    assert int((released == 0).sum()) * 4 == given  # exactly the pages reported, nothing else


def test_nothing_goes_when_a_kept_tensor_lies_inside() -> None:
    import torch

    memory = torch.ones(32 * mmap.PAGESIZE // 4)
    inside = memory[1000:2000]
    assert release_pages([memory], [inside]) == 0
    assert bool(torch.all(memory == 1))


@pytest.mark.skipif(not int8_available(), reason="no fast int8 kernel on this CPU")
def test_quantizing_keeps_a_tied_weight_and_gives_back_the_rest() -> None:
    import torch

    torch.manual_seed(0)
    model = torch.nn.Module()
    model.embed = torch.nn.Embedding(4096, 64)
    model.head = torch.nn.Linear(64, 4096, bias=False)
    model.head.weight = model.embed.weight  # tied, as a language model's word scores are
    model.other = torch.nn.Linear(1024, 1024)
    tied, other = model.embed.weight.detach().clone(), model.other.weight.detach()
    x = torch.randn(3, 1024)
    with torch.inference_mode():
        expected = torch.nn.functional.linear(x, other.clone(), model.other.bias)
        quantize_int8(model)
        got = model.other(x)
    assert torch.equal(model.embed.weight.detach(), tied)  # the tied weight is still in use: intact
    assert float((got - expected).abs().max()) < 0.05 * float(expected.abs().max())
    assert int((other == 0).sum()) > other.numel() // 2  # the replaced weight's pages were given back


def test_converting_gives_the_same_model_and_keeps_tied_weights_tied() -> None:
    import copy

    import torch

    from imgtag_desktop.tagging.pages import convert_releasing

    torch.manual_seed(0)
    model = torch.nn.Module()
    model.embed = torch.nn.Embedding(2048, 256)
    model.head = torch.nn.Linear(256, 2048)
    model.head.weight = model.embed.weight  # tied
    model.body = torch.nn.Sequential(torch.nn.Linear(256, 1024), torch.nn.LayerNorm(1024))
    model.register_buffer("positions", torch.arange(64))  # not floating: left as it is
    reference = copy.deepcopy(model).to(torch.bfloat16)
    original_body = model.body[0].weight.detach()
    convert_releasing(model, torch.bfloat16)
    assert model.head.weight is model.embed.weight
    for (name, mine), (_, theirs) in zip(model.state_dict().items(), reference.state_dict().items(), strict=True):
        assert mine.dtype == theirs.dtype and torch.equal(mine, theirs), name
    assert model.positions.dtype == torch.int64
    assert int((original_body == 0).sum()) > original_body.numel() // 2  # its float32 pages were given back


@pytest.mark.skipif(not int8_available(), reason="no fast int8 kernel on this CPU")
@pytest.mark.parametrize("rows", [1, 577, 1024, 1025, 2500])
def test_an_int8_row_never_depends_on_the_rows_beside_it(rows: int) -> None:
    """Inputs larger than one kernel call are split into blocks; each row's result stays its own."""
    import torch

    from imgtag_desktop.tagging import int8

    torch.manual_seed(rows)
    layer = int8.quantize_int8(torch.nn.Sequential(torch.nn.Linear(96, 48)))[0]
    x = torch.randn(rows, 96) * torch.logspace(-2, 2, rows)[:, None]  # rows of very different scales
    with torch.inference_mode():
        together = layer(x)
        alone = torch.cat([layer(x[i : i + 1]) for i in range(rows)])
    assert torch.equal(together, alone)


def test_a_model_is_read_as_its_files_store_it_whatever_its_config_says(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    """A folder whose config names another dtype than its files hold (here bfloat16 for float32 weights)
    loads its float32 weights exactly, not rounded through the config's dtype."""
    import json
    import shutil

    import torch
    from safetensors.torch import load_file, save_file

    from imgtag_desktop.tagging.pages import stored_float_dtype
    from imgtag_desktop.tagging.roles import VisualModel
    from tests.tagging.conftest import tiny_settings_for

    folder = tmp_path / "clip"
    shutil.copytree(tiny_models["visual"], folder)
    config = json.loads((folder / "config.json").read_text())
    config["dtype"] = "bfloat16"
    (folder / "config.json").write_text(json.dumps(config))
    stored = load_file(str(folder / "model.safetensors"))
    assert stored_float_dtype(folder) == torch.float32
    clip = VisualModel(tiny_settings_for({**tiny_models, "visual": folder}, dtype="float32"))
    clip.load()
    state = clip.model.state_dict()
    floating = [name for name, t in stored.items() if t.is_floating_point() and name in state]
    assert floating
    for name in floating:
        assert state[name].dtype == torch.float32 and torch.equal(state[name], stored[name]), name
    # Files of several float dtypes have no one stored dtype: the model is read in the wanted one.
    save_file({"a": torch.zeros(2), "b": torch.zeros(2, dtype=torch.float16)}, str(tmp_path / "model.safetensors"))
    assert stored_float_dtype(tmp_path) is None


def test_the_fast_weight_quantization_equals_torchs_own() -> None:
    import warnings

    import torch

    from imgtag_desktop.tagging.int8 import quantize_weight

    for seed in range(5):
        torch.manual_seed(seed)
        weight = torch.randn(512, 384) * torch.rand(512, 1) * 3
        scale = weight.abs().amax(dim=1).clamp_min(1e-12) / 127.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            own = torch.quantize_per_channel(weight, scale.double(), torch.zeros(512, dtype=torch.long), 0, torch.qint8)
            fast = quantize_weight(weight, scale)
            scratch = torch.full((512 * 384 + 7,), float("nan"))  # reused, larger, with old contents
            in_scratch = quantize_weight(weight, scale, scratch)
        assert torch.equal(fast.int_repr(), own.int_repr())
        assert torch.equal(in_scratch.int_repr(), own.int_repr())
        assert torch.equal(fast.q_per_channel_scales(), own.q_per_channel_scales())


def test_each_rows_scale_is_its_largest_magnitude_over_127() -> None:
    """The int8 layers' per-channel scales: rows whose largest magnitude is a negative, a positive,
    or zero (a row of zeros gets the floor, not a division by zero)."""
    import torch

    from imgtag_desktop.tagging.int8 import _weights

    linear = torch.nn.Linear(4, 3)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[0.5, -2.0, 1.0, 0.0], [3.0, -1.0, 0.25, 2.5], [0.0, 0.0, 0.0, 0.0]]))
    _weight, scale, _bias = _weights(linear)
    assert torch.equal(scale, torch.tensor([2.0, 3.0, 1e-12]) / 127.0)


@pytest.mark.skipif(not int8_available(), reason="no fast int8 kernel on this CPU")
def test_quantizing_gives_each_layers_pages_back_before_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from imgtag_desktop.tagging import int8

    torch.manual_seed(0)
    model = torch.nn.Sequential(*[torch.nn.Linear(512, 512) for _ in range(4)])
    originals = [m.weight.detach() for m in model]
    given_back: list[list[bool]] = []  # as each layer is quantized: which layers' weights are gone already

    def spying(cls: type) -> type:
        class Spy(cls):  # type: ignore[valid-type, misc]
            def __init__(self, linear: torch.nn.Linear, *args: object) -> None:
                given_back.append([int((w == 0).sum()) > w.numel() // 2 for w in originals])
                super().__init__(linear, *args)

        return Spy

    fbgemm_spy, int8_spy = spying(int8.fbgemm_linear_class()), spying(int8.int8_linear_class())
    monkeypatch.setattr(int8, "fbgemm_linear_class", lambda: fbgemm_spy)
    monkeypatch.setattr(int8, "int8_linear_class", lambda: int8_spy)
    quantize_int8(model, workers=1)
    assert given_back == [[i < k for i in range(4)] for k in range(4)]
    assert all(int((w == 0).sum()) > w.numel() // 2 for w in originals)


@pytest.mark.skipif(not int8_available(), reason="no fast int8 kernel on this CPU")
def test_layers_quantized_two_at_a_time_equal_those_quantized_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import copy
    import threading
    import time
    import warnings

    import torch

    from imgtag_desktop.tagging import int8

    threads: set[int] = set()
    base = int8.fbgemm_linear_class()

    class Slow(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object) -> None:
            threads.add(threading.get_ident())
            time.sleep(0.02)  # both workers of a pair are busy at once
            super().__init__(*args)

    torch.manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(384, 256), *[torch.nn.Linear(256, 256) for _ in range(5)])
    twin = copy.deepcopy(model)
    int8.quantize_int8(twin, "fbgemm", workers=1)
    filters = list(warnings.filters)
    monkeypatch.setattr(int8, "fbgemm_linear_class", lambda: Slow)
    int8.quantize_int8(model, "fbgemm", workers=2)
    assert len(threads) == 2 and threading.get_ident() not in threads
    # One process-wide filter for torch's deprecation notice, made once: quantizing on threads
    # neither adds filters nor leaves one thread's behind (warnings.catch_warnings() did).
    assert warnings.filters == filters
    x = torch.randn(9, 384)
    with torch.inference_mode():
        assert all(int8.is_int8_linear(m) for m in model)
        assert torch.equal(model(x), twin(x))  # each thread's own scratch: no layer saw another's


@pytest.mark.skipif(not int8_available(), reason="no fast int8 kernel on this CPU")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_weight_two_quantized_layers_share_is_read_intact_by_the_second(workers: int) -> None:
    import copy

    import torch

    torch.manual_seed(0)
    first, second, twice = torch.nn.Linear(512, 512), torch.nn.Linear(512, 512), torch.nn.Linear(512, 512)
    second.weight = first.weight  # tied between two Linear layers: both are quantized
    model = torch.nn.Sequential(first, second, torch.nn.Sequential(twice), torch.nn.Sequential(twice))
    shared, own = first.weight.detach(), twice.weight.detach()
    # The same layers quantized from copies whose pages nothing gives back: what each must equal.
    references = [quantize_int8(torch.nn.Sequential(copy.deepcopy(m)))[0] for m in (first, second, twice)]
    quantize_int8(model, workers=workers)
    x = torch.randn(3, 512)
    with torch.inference_mode():
        for got, want in zip((model[0], model[1], model[2][0], model[3][0]), (*references, references[2]), strict=True):
            assert torch.equal(got(x), want(x))  # each read its float weight before any page went
    # Gone once its last user was quantized.
    assert int((shared == 0).sum()) > shared.numel() // 2 and int((own == 0).sum()) > own.numel() // 2
