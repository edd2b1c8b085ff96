"""auto's choices that depend on this machine's speed are timed here, once, and kept."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imgtag_desktop.tagging import cpu_speed
from imgtag_desktop.tagging.cpu_speed import Timing, measured, time_both
from tests.tagging.conftest import tiny_settings_for


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_time_both_times_each_way_per_call() -> None:
    slow, quick = time_both(lambda: _busy(0.004), lambda: _busy(0.0005), rounds=3, calls=2)
    assert slow >= 0.004 and 0.0005 <= quick < slow


def test_a_timing_is_measured_once_and_kept(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def measure() -> tuple[float, float]:
        calls.append("measured")
        return 0.002, 0.003

    first = measured("probe|a", "one way", "other way", measure)
    assert first == Timing("one way", 0.002, "other way", 0.003) and first.first_pays
    assert measured("probe|a", "one way", "other way", measure) == first and calls == ["measured"]
    cpu_speed._memo.clear()  # another process: reads the kept file, measures nothing
    assert measured("probe|a", "one way", "other way", measure) == first and calls == ["measured"]
    kept = json.loads((Path(os.environ["IMGTAG_CACHE_DIR"]) / cpu_speed.CACHE_FILE).read_text())
    assert [key.endswith("|probe|a") and key.startswith(cpu_speed.cpu_name()) for key in kept] == [True]
    # Another name, or other ways under the same name, are measured anew.
    assert measured("probe|b", "one way", "other way", measure) == first and len(calls) == 2
    assert measured("probe|a", "one way", "a third way", measure) is not None and len(calls) == 3
    # An unreadable file, or a damaged record, costs a measurement, nothing else.
    path = Path(os.environ["IMGTAG_CACHE_DIR"]) / cpu_speed.CACHE_FILE
    path.write_text("{not json")
    cpu_speed._memo.clear()
    assert measured("probe|a", "one way", "other way", lambda: (0.5, 0.1)) == Timing("one way", 0.5, "other way", 0.1)
    assert not measured("probe|a", "one way", "other way", measure).first_pays  # type: ignore[union-attr]
    key = next(iter(json.loads(path.read_text())))
    for damaged in ({"first": "one way", "first_s": None, "second": "other way", "second_s": 0.1},
                    {"first": "one way", "first_s": -1, "second": "other way", "second_s": 0.1},
                    {"first": "one way", "first_s": float("nan"), "second": "other way", "second_s": 0.1},
                    {"first": 3, "first_s": 0.1, "second": "other way", "second_s": 0.1},
                    {"first": "one way", "second": "other way"}, ["not", "a", "record"]):
        path.write_text(json.dumps({key: damaged}))
        cpu_speed._memo.clear()
        fresh = measured("probe|a", "one way", "other way", lambda: (0.3, 0.6))
        assert fresh == Timing("one way", 0.3, "other way", 0.6)

    def failing() -> tuple[float, float]:
        calls.append("failed")
        raise RuntimeError("no such kernel")

    with caplog.at_level(logging.WARNING, logger="imgtag_desktop.tagging.cpu_speed"):
        assert measured("probe|c", "one way", "other way", failing) is None
        assert measured("probe|c", "one way", "other way", failing) is None  # once per process
    assert "could not time one way against other way" in caplog.text and calls.count("failed") == 1
    with caplog.at_level(logging.WARNING, logger="imgtag_desktop.tagging.cpu_speed"):
        assert measured("probe|d", "one way", "other way", lambda: (float("inf"), 0.1)) is None


def test_a_choice_leaves_its_plain_way_only_when_clearly_faster() -> None:
    margin = cpu_speed.MARGIN
    assert Timing("new", 0.5, "plain", 1.0).first_pays
    assert Timing("new", 1.0 - margin * 1.01, "plain", 1.0).first_pays
    assert not Timing("new", 1.0 - margin * 0.99, "plain", 1.0).first_pays  # a near tie keeps the plain way
    assert not Timing("new", 1.0, "plain", 1.0).first_pays and not Timing("new", 2.0, "plain", 1.0).first_pays


def test_bfloat16_is_chosen_only_where_it_was_timed_faster(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from imgtag_desktop.tagging import dtypes
    from imgtag_desktop.tagging.int8 import int8_available

    cpu_speed.bf16_is_faster.cache_clear()
    monkeypatch.setattr(dtypes, "cpu_has_bf16", lambda: True)
    chosen = dtypes.captioner_bf16()
    kept = json.loads((Path(os.environ["IMGTAG_CACHE_DIR"]) / cpu_speed.CACHE_FILE).read_text())
    [(key, timing)] = kept.items()
    assert key.endswith("image-encoder-product-577x768x3072")
    assert timing["first"] == "bfloat16" and timing["second"] == ("int8" if int8_available() else "float32")
    assert timing["first_s"] > 0 and timing["second_s"] > 0
    assert chosen == (timing["first_s"] < timing["second_s"] * (1 - cpu_speed.MARGIN))
    assert (dtypes.pick_dtype("auto", "cpu", "captioner") == torch.bfloat16) == chosen
    assert dtypes.vision_int8("auto", "cpu") == (int8_available() and not chosen)
    # Another verdict kept for this machine is followed (read once per process).
    cpu_speed.bf16_is_faster.cache_clear()
    cpu_speed._memo.clear()
    cpu_speed.remember(key, Timing("bfloat16", 1.0, timing["second"], 2.0 if not chosen else 0.5))
    assert dtypes.captioner_bf16() == (not chosen)
    cpu_speed.bf16_is_faster.cache_clear()


def test_without_bfloat16_instructions_nothing_is_timed(tmp_path: Path) -> None:
    code = ("from imgtag_desktop.tagging import dtypes; import torch; "
            "print(dtypes.captioner_bf16(), dtypes.pick_dtype('auto', 'cpu', 'captioner'))")
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "avx2", "IMGTAG_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "torch.float32"]
    assert not (tmp_path / cpu_speed.CACHE_FILE).exists()


def test_the_decoder_splits_its_layers_only_where_that_was_timed_faster(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    import torch
    from PIL import Image

    from imgtag_desktop.tagging import Pipeline, roles

    pipeline = Pipeline(tiny_settings_for(tiny_models, dtype="float32"))
    captioner = pipeline.captioner
    captioner.load()
    decoder = captioner.model.text_decoder
    images = [Image.new("RGB", (64, 48), (40 * i, 90, 200 - 30 * i)) for i in range(3)]
    states = captioner.vision_states(captioner.pixels(images))
    # The first call times the split layers against torch's own call, for its 3 rows, and keeps it.
    captions = captioner.decode(states)
    kept = json.loads((Path(os.environ["IMGTAG_CACHE_DIR"]) / cpu_speed.CACHE_FILE).read_text())
    name = roles.split_timing(decoder, 3)
    assert name.startswith("decoder-split-layers|rows=3|layers=")
    key = f"{cpu_speed.machine_key()}|{name}"
    assert kept[key]["first_s"] > 0 and kept[key]["second_s"] > 0

    def split_products(prefer_split: bool) -> int:
        cpu_speed.remember(key, Timing(*roles.SPLIT_WAYS[:1], 1.0 if prefer_split else 2.0, roles.SPLIT_WAYS[1], 1.5))
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
            assert captioner.decode(states) == captions
        # a split layer with a bias runs as one batched product over its slices (baddbmm)
        return sum(event.count for event in prof.key_averages() if event.key == "aten::baddbmm")

    if torch.get_num_threads() >= 2:
        assert split_products(True) > 0
    assert split_products(False) == 0
    assert roles._decoding.split is True  # nothing of the call is left for the next one on this thread


def test_each_timing_runs_its_two_ways_as_named(tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """What each way runs (bfloat16 or not; split slices or torch's own call; packed states or not)
    and how the call's cost is made of them; the clock is replaced by one that records the ways."""
    import torch

    from imgtag_desktop.tagging import Pipeline, roles
    from imgtag_desktop.tagging.fp16 import HalfStates
    ran: list[tuple[object, object]] = []
    answers: list[tuple[float, float]] = []

    def recorded(first, second, **_):  # type: ignore[no-untyped-def]
        with torch.inference_mode(), torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as one:
            a = first()
        with torch.inference_mode(), torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as two:
            b = second()
        ran.append(((a, {e.key for e in one.key_averages()}), (b, {e.key for e in two.key_averages()})))
        return answers.pop(0)

    monkeypatch.setattr(cpu_speed, "time_both", recorded)
    monkeypatch.setattr(roles, "time_both", recorded)
    answers.append((1.0, 2.0))
    assert cpu_speed.bf16_is_faster()
    [((half, _), (other, _))] = ran
    assert half.dtype == torch.bfloat16 and other.dtype == torch.float32

    pipeline = Pipeline(tiny_settings_for(tiny_models, dtype="float32"))
    captioner = pipeline.captioner
    captioner.load()
    decoder = captioner.model.text_decoder
    ran.clear()
    answers.append((1.0, 2.0))
    if torch.get_num_threads() >= 2:
        assert roles._split_pays(decoder, 16)
        [((_, split_ops), (_, whole_ops))] = ran
        assert "aten::baddbmm" in split_ops and "aten::baddbmm" not in whole_ops and "aten::addmm" in whole_ops

    roles._half_decoder(captioner.model, None)
    states = torch.randn(2, 5, int(roles._cross_attentions(decoder)[0].key.weight.shape[1]))
    ran.clear()
    answers.extend([(0.01, 0.0), (0.001, 0.004)])  # packing 10 ms; a pair of products 1 ms packed, 4 float32
    gen = captioner.generation_config
    packings: list[int] = []
    pack = HalfStates.__init__

    def counted(self: HalfStates, source: torch.Tensor, workers: int | None = None) -> None:
        packings.append(int(source.shape[0]))
        pack(self, source, workers)

    monkeypatch.setattr(HalfStates, "__init__", counted)
    assert roles._half_states_pay(decoder, gen, states)
    assert packings == [2]  # the first way of the first timing packs the call's photos, the second nothing
    ((packed, _), (plain, _)) = ran[1]
    blocks = roles._cross_attentions(decoder)
    uses = len(blocks) * int(gen.max_new_tokens or 20)
    kept = cpu_speed._memo[f"{cpu_speed.machine_key()}|{roles.half_states_timing(decoder, gen, states)}"]
    assert kept == Timing(*roles.HALF_STATES_WAYS[:1], 0.01 + uses * 0.001, roles.HALF_STATES_WAYS[1], uses * 0.004)
    # The packing is counted once a call: where it costs more than the products save, nothing is packed.
    cpu_speed._memo.clear()
    (Path(os.environ["IMGTAG_CACHE_DIR"]) / cpu_speed.CACHE_FILE).unlink()
    answers.extend([(uses * 0.003 + 0.001, 0.0), (0.001, 0.004)])
    assert not roles._half_states_pay(decoder, gen, states)
    assert [tuple(t.shape) for t in packed] == [tuple(t.shape) for t in plain]
    torch.testing.assert_close(packed[0], plain[0], atol=1e-2, rtol=1e-2)  # the same products, one from float16
    assert not torch.equal(packed[0], plain[0])
