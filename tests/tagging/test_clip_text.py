"""CLIP's text tower with the templates' shared beginnings computed once: CLIP's own results, less work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from imgtag_desktop.core.settings import Settings
from imgtag_desktop.tagging import clip_text
from imgtag_desktop.tagging.roles import CLIP_TEMPLATES, VisualModel

TEXTS = ["dog", "a", "birthday cake", "mountain lake at sunrise", "old stone church by the sea", "x" * 40, "dog"]


@pytest.fixture(scope="module")
def visual(tiny_settings: Settings) -> VisualModel:
    model = VisualModel(tiny_settings)
    model.load()
    return model


@pytest.fixture()
def eos(visual: VisualModel) -> Iterator[Any]:
    """The text tower, with its end-token id restored after a test changes it."""
    text = visual.model.text_model
    before = text.eos_token_id
    yield text
    text.eos_token_id = before


def _clips_own(visual: VisualModel, prompts: list[str]) -> np.ndarray:
    """Each prompt alone through CLIP's own ``get_text_features`` (no padding, nothing shared)."""
    import torch

    tok = visual.processor.tokenizer
    rows = []
    with torch.inference_mode():
        for prompt in prompts:
            enc = tok([prompt], return_tensors="pt")
            feats = visual.model.get_text_features(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
            rows.append(getattr(feats, "pooler_output", feats)[0].float().numpy())
    return np.stack(rows)


def _features(visual: VisualModel, prompts: list[str], chunk: int = 3) -> np.ndarray:
    ids = visual.processor.tokenizer(prompts)["input_ids"]
    groups = [i % len(CLIP_TEMPLATES) for i in range(len(prompts))]
    return clip_text.text_features(visual.model, ids, groups, "cpu", chunk, 0)


def _prompts() -> list[str]:
    return [tpl.format(t) for t in TEXTS for tpl in CLIP_TEMPLATES]


def _tokens_run(visual: VisualModel, prompts: list[str]) -> int:
    """Token rows CLIP's first attention layer computed while encoding ``prompts``."""
    seen = []
    layer = visual.model.text_model.encoder.layers[0].self_attn.q_proj
    handle = layer.register_forward_hook(lambda _m, args, _out: seen.append(args[0].shape[0] * args[0].shape[1]))
    try:
        _features(visual, prompts)
    finally:
        handle.remove()
    return sum(seen)


def test_the_shared_beginning_is_computed_once_and_changes_no_result(visual: VisualModel) -> None:
    prompts = _prompts()
    own = _clips_own(visual, prompts)
    mine = _features(visual, prompts)
    np.testing.assert_allclose(mine, own, atol=2e-5, rtol=1e-4)
    lengths = [len(r) for r in visual.processor.tokenizer(prompts)["input_ids"]]
    # "a photo of " and the other templates' words are run once per template, not once per prompt
    assert _tokens_run(visual, prompts) < 0.8 * sum(lengths)


def test_a_prompt_alone_or_among_others_gets_the_same_features(visual: VisualModel) -> None:
    prompts = _prompts()
    together = _features(visual, prompts)
    for i in (0, 5, len(prompts) - 1):
        np.testing.assert_allclose(_features(visual, [prompts[i]]), together[i : i + 1], atol=2e-5, rtol=1e-4)


def test_old_configs_read_the_largest_id_as_clip_does(visual: VisualModel, eos: Any) -> None:
    """Configs made before CLIP's end token was fixed (``eos_token_id`` 2) read at the largest id."""
    eos.eos_token_id = 2
    prompts = _prompts()
    np.testing.assert_allclose(_features(visual, prompts), _clips_own(visual, prompts), atol=2e-5, rtol=1e-4)


def test_a_tokenizer_without_the_models_end_token_is_run_whole(visual: VisualModel, eos: Any) -> None:
    """When the prompts lack the config's end token CLIP reads their first token, which every prompt
    shares: nothing can be shared then, and each prompt is run whole, as CLIP runs it."""
    eos.eos_token_id = 99_999
    prompts = _prompts()
    lengths = [len(r) for r in visual.processor.tokenizer(prompts)["input_ids"]]
    np.testing.assert_allclose(_features(visual, prompts), _clips_own(visual, prompts), atol=2e-5, rtol=1e-4)
    assert _tokens_run(visual, prompts) >= sum(lengths)


def test_common_prefix_and_reading_positions() -> None:
    assert clip_text.common_prefix([[1, 2, 3, 9], [1, 2, 4], [1, 2, 3]]) == 2
    assert clip_text.common_prefix([[5, 6], [5, 6]]) == 2
    assert clip_text.end_index([7, 1, 9, 9], 9) == 2
    assert clip_text.end_index([7, 1, 3], 9) == 0  # no end token: CLIP reads the first
    assert clip_text.end_index([7, 11, 3, 11], 2) == 1  # old configs: the (first) largest id


def test_a_tower_that_cannot_share_falls_back_to_clips_own_call(visual: VisualModel, caplog) -> None:  # type: ignore[no-untyped-def]
    """A text tower laid out as CLIP's whose attention still does not run this way (here its head
    count is misreported, which CLIP's own forward does not read) gets CLIP's own results, is
    logged once, and its later prompts run whole."""
    attention = visual.model.text_model.encoder.layers[0].self_attn
    heads = attention.num_heads
    attention.num_heads = heads + 1
    try:
        prompts = _prompts()
        with caplog.at_level("WARNING"):
            mine = _features(visual, prompts)
        np.testing.assert_allclose(mine, _clips_own(visual, prompts), atol=2e-5, rtol=1e-4)
        assert sum("runs each prompt whole" in r.getMessage() for r in caplog.records) == 1
        assert getattr(visual.model, clip_text.WHOLE_PROMPTS) is True
        lengths = [len(r) for r in visual.processor.tokenizer(prompts)["input_ids"]]
        assert _tokens_run(visual, prompts) >= sum(lengths)  # whole from now on
    finally:
        attention.num_heads = heads
        delattr(visual.model, clip_text.WHOLE_PROMPTS)


def _least_cost(lengths: list[int], chunk: int, call_cost: int) -> int:
    """The least cost over every way of cutting the prompts into calls (not only contiguous runs of the
    sorted prompts), by brute force."""
    best = None

    def place(i: int, calls: list[list[int]]) -> None:
        nonlocal best
        if i == len(lengths):
            cost = sum(len(c) * max(c) + call_cost for c in calls)
            best = cost if best is None else min(best, cost)
            return
        for c in calls:
            if len(c) < chunk:
                c.append(lengths[i])
                place(i + 1, calls)
                c.pop()
        calls.append([lengths[i]])
        place(i + 1, calls)
        calls.pop()

    place(0, [])
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(12))
def test_prompts_are_cut_into_the_calls_that_run_fewest_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lengths = [int(x) for x in rng.integers(3, 40, size=int(rng.integers(1, 8)))]
    chunk, call_cost = int(rng.integers(1, 5)), int(rng.integers(0, 40))
    calls = clip_text.length_chunks(lengths, chunk, call_cost)
    assert sorted(i for c in calls for i in c) == list(range(len(lengths)))  # each prompt once
    assert all(0 < len(c) <= chunk for c in calls)
    cost = sum(len(c) * max(lengths[i] for i in c) + call_cost for c in calls)
    assert cost == _least_cost(lengths, chunk, call_cost)


def test_prompts_that_share_nothing_run_together_whatever_their_template(visual: VisualModel, eos: Any) -> None:
    """Prompts of four templates, all of one length, that share nothing (no end token: CLIP reads each
    at its first token) run in one call, not one per template, with CLIP's own results."""
    import torch

    eos.eos_token_id = 99_999
    rng = np.random.default_rng(0)
    ids = [[int(t) for t in rng.integers(10, 200, size=9)] for _ in range(8)]
    calls = []
    layer = visual.model.text_model.encoder.layers[0].self_attn.q_proj
    handle = layer.register_forward_hook(lambda _m, args, _out: calls.append(args[0].shape[0]))
    try:
        mine = clip_text.text_features(visual.model, ids, [0, 1, 2, 3] * 2, "cpu", 64, 0)
    finally:
        handle.remove()
    assert calls == [8]
    with torch.inference_mode():
        own = visual.model.get_text_features(input_ids=torch.tensor(ids))
    np.testing.assert_allclose(mine, getattr(own, "pooler_output", own).numpy(), atol=2e-5, rtol=1e-4)
