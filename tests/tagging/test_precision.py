"""Model precision: the int8 captioner and CLIP towers (CPU) run through the same code path as float32."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imgtag_desktop.tagging import Pipeline
from imgtag_desktop.tagging.dtypes import captioner_int8, pick_dtype
from tests.helpers import bench_models_folder, make_photo
from tests.tagging.conftest import tiny_settings_for


def photos(tmp_path: Path, n: int) -> list[Image.Image]:
    return [Pipeline.decode(make_photo(tmp_path / f"p{i}.jpg", (400 + 37 * i, 300), seed=i)) for i in range(n)]


@pytest.fixture(scope="module")
def models(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny models, but the captioner's vision weights drawn at a working scale. BLIP's vision config
    initialises them at std 1e-10, which leaves image states of about 1e-7 that carry next to no signal
    for a precision comparison. Real checkpoints have working-scale weights."""
    import shutil

    import torch
    from transformers import BlipForConditionalGeneration

    folder = tmp_path_factory.mktemp("precision") / "blip"
    shutil.copytree(tiny_models["captioner"], folder)
    model = BlipForConditionalGeneration.from_pretrained(str(folder), local_files_only=True)
    generator = torch.Generator().manual_seed(0)
    vision = model.vision_model
    embeddings = vision.embeddings
    drawn = [m.weight for m in vision.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    with torch.no_grad():
        for weight in [*drawn, embeddings.class_embedding, embeddings.position_embedding]:
            fan_in = weight[0].numel() if weight.ndim > 1 and weight.shape[0] > 1 else 1
            weight.copy_(torch.randn(weight.shape, generator=generator) * fan_in**-0.5)
    model.save_pretrained(folder)
    return {**tiny_models, "captioner": folder}


@pytest.fixture(scope="module")
def float32_pipeline(models: dict[str, Path]) -> Pipeline:
    pipeline = Pipeline(tiny_settings_for(models, dtype="float32"))
    pipeline.load()
    return pipeline


@pytest.fixture(scope="module")
def int8_pipeline(models: dict[str, Path]) -> Pipeline:
    pipeline = Pipeline(tiny_settings_for(models, dtype="int8"))
    pipeline.load()
    return pipeline


def test_int8_quantizes_the_captioner_only(int8_pipeline: Pipeline, float32_pipeline: Pipeline) -> None:
    import torch

    from imgtag_desktop.tagging.int8 import is_int8_linear

    blip_modules = list(int8_pipeline.captioner.model.modules())
    assert any(is_int8_linear(m) for m in blip_modules)
    # Every Linear of the vision encoder and the text decoder is int8 except the cross-attention's
    # keys and values, whose float weights the folded cross-attention reads as matrices.
    from imgtag_desktop.tagging.roles import folded_weights

    kept = list(folded_weights(int8_pipeline.captioner.model.text_decoder))
    assert kept and all(isinstance(m, torch.nn.Linear) and not is_int8_linear(m) for m in kept)
    assert all(m.weight_dtype == torch.int8 for m in blip_modules if is_int8_linear(m))
    assert not any(isinstance(m, torch.nn.Linear) and not any(m is k for k in kept) for m in blip_modules)
    assert not any(is_int8_linear(m) for m in int8_pipeline.visual.model.modules())
    assert int8_pipeline.dtype_name == "captioner=int8,visual=float32"
    assert not any(is_int8_linear(m) for m in float32_pipeline.captioner.model.modules())


@pytest.mark.slow
def test_int8_batch_equals_one_by_one(int8_pipeline: Pipeline, tmp_path: Path) -> None:
    images = photos(tmp_path, 4)
    int8_pipeline.set_vocabulary(["dog", "beach", "birthday cake"])
    batch = int8_pipeline.analyse(images)
    single = [int8_pipeline.analyse([img])[0] for img in images]
    for b, s in zip(batch, single, strict=True):
        assert b.caption == s.caption
        np.testing.assert_allclose(b.embedding, s.embedding, atol=1e-5)
        assert [c.text for c in b.candidates] == [c.text for c in s.candidates]
    assert not np.allclose(batch[0].embedding, batch[1].embedding)
    assert all(a.caption for a in batch)


def test_int8_is_numerically_close_to_float32(
    int8_pipeline: Pipeline, float32_pipeline: Pipeline, tmp_path: Path
) -> None:
    import torch

    images = photos(tmp_path, 3)
    # CLIP stays float32: the embeddings (and so every visual score) are the float32 ones.
    np.testing.assert_allclose(
        int8_pipeline.image_embeddings(images), float32_pipeline.image_embeddings(images), atol=1e-6
    )
    # The captioner's image states move only by the quantization error (random weights: closeness, not quality).
    pixels = float32_pipeline.captioner.pixels(images)
    assert pixels is not None
    exact = float32_pipeline.captioner.vision_states(pixels)
    approx = int8_pipeline.captioner.vision_states(pixels)
    assert not torch.equal(exact, approx)
    cosine = torch.nn.functional.cosine_similarity(exact.flatten(1), approx.flatten(1))
    assert float(cosine.min()) > 0.98
    # The text decoder's next-token logits for the same image states stay close too.
    bos = torch.full((exact.shape[0], 1), 30522)
    with torch.inference_mode():
        logits = [p.captioner.model.text_decoder(input_ids=bos, encoder_hidden_states=exact).logits[:, -1]
                  for p in (float32_pipeline, int8_pipeline)]
    assert not torch.equal(logits[0], logits[1])
    assert float(torch.nn.functional.cosine_similarity(logits[0], logits[1]).min()) > 0.98


def test_auto_picks_bfloat16_or_an_int8_image_encoder_never_an_int8_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from imgtag_desktop.tagging import dtypes as module
    from imgtag_desktop.tagging.dtypes import vision_int8, visual_int8
    from imgtag_desktop.tagging.int8 import int8_available

    for native_bf16, captioner in ((False, torch.float32), (True, torch.bfloat16)):
        monkeypatch.setattr(module, "captioner_bf16", lambda native=native_bf16: native)
        assert not captioner_int8("auto", "cpu") and not captioner_int8("float32", "cpu")
        assert pick_dtype("auto", "cpu", "captioner") == captioner
        assert captioner_int8("int8", "cpu") and pick_dtype("int8", "cpu", "captioner") == torch.float32
        # Without native bfloat16, auto makes the image encoder an int8 candidate (checked at load).
        assert vision_int8("auto", "cpu") == (not native_bf16 and int8_available())
        assert not vision_int8("float32", "cpu") and not vision_int8("auto", "cuda")
        # CLIP's towers are int8 candidates on any CPU with a fast int8 kernel, never elsewhere.
        assert visual_int8("auto", "cpu") == int8_available()
        assert not visual_int8("float32", "cpu") and not visual_int8("int8", "cpu") and not visual_int8("auto", "cuda")


def test_int8_is_cpu_only() -> None:
    with pytest.raises(ValueError, match="CPU only"):
        captioner_int8("int8", "cuda")
    with pytest.raises(ValueError, match="int8"):
        pick_dtype("int4", "cpu", "captioner")


@pytest.mark.slow
def test_bench_command_runs_int8(
    tiny_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from imgtag_desktop.cli import main

    models = bench_models_folder(tiny_models, tmp_path / "models")
    images = tmp_path / "photos"
    images.mkdir()
    for i in range(3):
        make_photo(images / f"p{i}.jpg", (320 + 40 * i, 240), seed=i)
    argv = ["bench", "--models", str(models), "--images", str(images), "--dtype", "int8", "--device", "cpu"]
    assert main([*argv, "--batch-size", "2"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["dtype"] == "captioner=int8,visual=float32"
    assert result["images"] == 3 and result["s_per_image"] > 0
    assert set(result["stages_s_per_image"]) >= {"caption_vision", "caption_text", "visual"}


def test_the_int8_check_accepts_only_results_within_its_bounds() -> None:
    from imgtag_desktop.tagging.int8_check import MIN_STATE_COSINE, probe_images, verdict

    base = [np.linspace(-1, 1, 64).reshape(8, 8) + i for i in range(4)]
    captions = ["a dog", "a cat", "a sky", "a car"]
    assert verdict(base, [b.copy() for b in base], captions, list(captions)).accepted
    # One probe's states turned away from float32 beyond the bound: refused.
    turned = [b.copy() for b in base]
    turned[2] = turned[2] + np.random.default_rng(0).normal(0, 0.2, turned[2].shape)
    result = verdict(base, turned, captions, list(captions))
    assert result.min_state_cosine < MIN_STATE_COSINE and not result.accepted
    # One caption of four differs: 75 % identical is under 90 %.
    assert not verdict(base, base, captions, ["a dog", "a cat", "a sky", "a bus"]).accepted
    probes = probe_images()
    assert len(probes) == 4 and len({p.tobytes() for p in probes}) == 4
    assert [p.tobytes() for p in probe_images()] == [p.tobytes() for p in probes]  # the same every time


@pytest.fixture
def without_bfloat16(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """A CPU without native bfloat16 (auto's int8 and float16 candidates), with its own cache folder."""
    from imgtag_desktop.tagging import dtypes

    monkeypatch.setattr(dtypes, "captioner_bf16", lambda: False)
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cache"))
    return monkeypatch


@pytest.mark.skipif("not __import__('imgtag_desktop.tagging.int8', fromlist=['x']).int8_available()")
def test_auto_without_bfloat16_checks_the_int8_image_encoder_once_and_keeps_float32_when_it_fails(
    models: dict[str, Path], without_bfloat16: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import torch

    from imgtag_desktop.tagging import dtypes, int8_check
    from imgtag_desktop.tagging.fp16 import fp16_available, is_fp16_linear
    from imgtag_desktop.tagging.int8 import is_int8_linear

    monkeypatch = without_bfloat16
    images = photos(tmp_path, 2)

    def vision_and_text_int8(pipeline: Pipeline) -> tuple[bool, bool]:
        """(image encoder int8, text decoder int8): every Linear of the image encoder, and any of the
        text decoder (whose cross-attention reads the image states through its float weights)."""
        blip = pipeline.captioner.model
        image_path = [m for m in blip.vision_model.modules() if is_int8_linear(m) or type(m) is torch.nn.Linear]
        return (bool(image_path) and all(is_int8_linear(m) for m in image_path),
                any(is_int8_linear(m) for m in blip.text_decoder.modules()))

    def clip_towers_int8(pipeline: Pipeline) -> tuple[bool, bool, bool]:
        """(image tower int8, text tower int8, a final projection int8)."""
        clip = pipeline.visual.model
        return (any(is_int8_linear(m) for m in clip.vision_model.modules()),
                any(is_int8_linear(m) for m in clip.text_model.modules()),
                is_int8_linear(clip.visual_projection) or is_int8_linear(clip.text_projection))

    def decoder_fp16(pipeline: Pipeline) -> bool:
        """Whether every Linear the text decoder calls has float16 weights (not the key and value layers
        its folded cross-attention reads as matrices, which stay float32), and its name says so."""
        from imgtag_desktop.tagging.roles import folded_weights

        decoder = pipeline.captioner.model.text_decoder
        folded = list(folded_weights(decoder))
        called = [m for m in decoder.modules() if is_fp16_linear(m) or isinstance(m, torch.nn.Linear)]
        called = [m for m in called if not any(m is f for f in folded)]
        half = bool(called) and all(is_fp16_linear(m) for m in called)
        assert folded and all(isinstance(f, torch.nn.Linear) for f in folded)
        assert pipeline.captioner.decoder_fp16 == half and ("+fp16-decoder" in pipeline.dtype_name) == half
        return half

    accepted = Pipeline(tiny_settings_for(models, dtype="auto"))
    accepted.load()
    verdict = accepted.captioner.int8_verdict
    assert verdict is not None and verdict.accepted and verdict.min_state_cosine >= int8_check.MIN_STATE_COSINE
    assert vision_and_text_int8(accepted) == (True, False)
    assert decoder_fp16(accepted) == fp16_available()  # checked with the int8 image encoder: passed
    # CLIP's towers are checked each on its own; each is int8 exactly when its check passed.
    towers = (accepted.visual.image_verdict, accepted.visual.text_verdict)
    assert all(v is not None and v.same_captions is None and v.probes > 0 for v in towers)
    assert all(v.accepted == (v.min_state_cosine >= int8_check.MIN_STATE_COSINE) for v in towers if v)
    image_int8, text_int8 = (bool(v and v.accepted) for v in towers)
    assert clip_towers_int8(accepted) == (image_int8, text_int8, False)
    names = "+".join(n for n, used in (("image", image_int8), ("text", text_int8)) if used)
    half = "+fp16-decoder" if fp16_available() else ""
    assert accepted.dtype_name == f"captioner=float32+int8-vision{half},visual=float32" + (
        f"+int8-{names}" if names else "")
    assert (tmp_path / "cache" / int8_check.CACHE_FILE).is_file()
    # A second load reads the verdict: no comparison runs (the probes are never made).
    monkeypatch.setattr(int8_check, "probe_images", lambda: pytest.fail("the check ran again"))
    monkeypatch.setattr("imgtag_desktop.tagging.roles.probe_images", lambda: pytest.fail("the check ran again"))
    again = Pipeline(tiny_settings_for(models, dtype="auto"))
    again.load()
    assert again.captioner.int8_verdict == verdict and vision_and_text_int8(again) == (True, False)
    # The float16 decoder weights wait for a long run to ask for them (making them costs more than a
    # few photos save); the check's verdict stands for them.
    assert not decoder_fp16(again)
    assert again.captioner.use_fp16_decoder() == fp16_available() == decoder_fp16(again)
    assert (again.visual.image_verdict, again.visual.text_verdict) == towers
    assert clip_towers_int8(again) == (image_int8, text_int8, False)
    # Image states and captions of photos stay close to float32 ones.
    exact = Pipeline(tiny_settings_for(models, dtype="float32"))
    pixels = exact.captioner.pixels(images)
    cosine = torch.nn.functional.cosine_similarity(
        exact.captioner.vision_states(pixels).flatten(1), again.captioner.vision_states(pixels).flatten(1))
    assert float(cosine.min()) >= 0.99
    # The captions of photos are float32's (the check's bound is on probes; these are other pictures).
    assert again.captioner.caption(images) == exact.captioner.caption(images)
    # CLIP's embeddings of photos and texts stay close to float32 ones.
    photos_cos = (exact.image_embeddings(images) * again.image_embeddings(images)).sum(axis=1)
    texts = ["dog", "a red car on a street", "birthday"]
    texts_cos = (exact.visual.encode_texts(texts) * again.visual.encode_texts(texts)).sum(axis=1)
    assert float(photos_cos.min()) >= 0.99 and float(texts_cos.min()) >= 0.99
    # With a bound int8 cannot meet, a fresh check refuses it and the model stays float32.
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cache2"))
    monkeypatch.undo()
    monkeypatch.setattr(dtypes, "captioner_bf16", lambda: False)
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cache2"))
    monkeypatch.setattr(int8_check, "MIN_STATE_COSINE", 1.000001)
    refused = Pipeline(tiny_settings_for(models, dtype="auto"))
    refused.load()
    assert refused.captioner.int8_verdict is not None and not refused.captioner.int8_verdict.accepted
    assert vision_and_text_int8(refused) == (False, False) and not decoder_fp16(refused)
    assert not refused.captioner.vision_int8
    np.testing.assert_allclose(
        refused.captioner.vision_states(pixels).numpy(), exact.captioner.vision_states(pixels).numpy(), atol=1e-5)
    assert not any(v.accepted for v in (refused.visual.image_verdict, refused.visual.text_verdict) if v)
    assert clip_towers_int8(refused) == (False, False, False)
    assert refused.dtype_name == "captioner=float32,visual=float32"
    np.testing.assert_allclose(refused.image_embeddings(images), exact.image_embeddings(images), atol=1e-5)
    np.testing.assert_allclose(refused.visual.encode_texts(texts), exact.visual.encode_texts(texts), atol=1e-5)


@pytest.mark.skipif("not __import__('imgtag_desktop.tagging.fp16', fromlist=['x']).fp16_available()")
def test_auto_keeps_the_int8_image_encoder_alone_where_float16_decoder_weights_were_refused(
    models: dict[str, Path], without_bfloat16: pytest.MonkeyPatch
) -> None:
    import torch

    from imgtag_desktop.tagging import int8_check
    from imgtag_desktop.tagging.fp16 import is_fp16_linear
    from imgtag_desktop.tagging.int8 import cpu_capability, int8_backend, is_int8_linear

    pipeline = Pipeline(tiny_settings_for(models, dtype="auto"))
    key = f"{pipeline.captioner.version}|torch={torch.__version__}|{int8_backend()}|{cpu_capability()}|"
    # What a model whose captions float16 weights change would have left: that check's refusal.
    int8_check.remember_verdict(key + int8_check.CAPTIONER_FP16_SCHEME, int8_check.Int8Verdict(False, 1.0, 3, 4))
    pipeline.load()
    blip = pipeline.captioner.model
    assert not pipeline.captioner.decoder_fp16 and not any(is_fp16_linear(m) for m in blip.modules())
    image_path = [m for m in blip.vision_model.modules() if is_int8_linear(m) or type(m) is torch.nn.Linear]
    assert image_path and all(is_int8_linear(m) for m in image_path)
    verdict = pipeline.captioner.int8_verdict
    assert verdict is not None and verdict.accepted and verdict.subject == "image encoder"
    assert pipeline.dtype_name.startswith("captioner=float32+int8-vision,")
    # Its own verdict is remembered beside the refusal.
    assert int8_check.cached_verdict(key + int8_check.CAPTIONER_SCHEME) == verdict


def test_fused_attention_blocks_are_freed_with_their_model(models: dict[str, Path]) -> None:
    import gc
    import weakref

    import torch

    from imgtag_desktop.tagging.roles import fused_vision_attention

    pipeline = Pipeline(tiny_settings_for(models, dtype="float32"))
    pipeline.captioner.load()
    vision = pipeline.captioner.model.vision_model
    blocks = [m for m in vision.modules() if getattr(type(m), "fused_attention", False)]
    assert blocks and fused_vision_attention(vision) == len(blocks)  # idempotent: no class of a class
    assert all(not getattr(type(m).__mro__[1], "fused_attention", False) for m in blocks)
    # The fused blocks give BLIP's own attention (a block switched back to its class as the reference).
    block = blocks[0]
    x = torch.randn(1, 5, block.qkv.in_features)
    fused_class = type(block)
    with torch.inference_mode():
        fused = block(x)[0]
        block.__class__ = fused_class.__mro__[1]
        own = block(x)[0]
        block.__class__ = fused_class
    torch.testing.assert_close(fused, own, rtol=1e-4, atol=1e-5)
    # Nothing refers to itself: dropping the model frees the blocks without a garbage collection.
    ref = weakref.ref(blocks[0].qkv)
    del blocks, block, vision
    gc.disable()
    try:
        pipeline.captioner.model = None
        assert ref() is None
    finally:
        gc.enable()


def test_folded_cross_attention_is_blips_own_without_cached_keys_and_values(models: dict[str, Path]) -> None:
    import torch

    from imgtag_desktop.tagging.roles import folded_cross_attention

    pipeline = Pipeline(tiny_settings_for(models, dtype="float32"))
    pipeline.captioner.load()
    decoder = pipeline.captioner.model.text_decoder
    folded = [m for m in decoder.modules() if getattr(type(m), "folded_attention", False)]
    assert folded and folded_cross_attention(decoder) == len(folded)  # idempotent
    block = folded[0]
    torch.manual_seed(1)
    with torch.no_grad():  # working-scale keys and queries, so the attention is far from uniform
        for layer in (block.query, block.key, block.value):
            layer.weight.normal_(0, layer.in_features**-0.5 * 4)
            layer.bias.normal_(0, 1)
    hidden = torch.randn(3, 2, block.query.in_features)
    states = torch.randn(3, 7, block.key.in_features)
    with torch.inference_mode():
        mine, my_probs = block(hidden, encoder_hidden_states=states)
        block.__class__ = type(block).__mro__[1]
        own, own_probs = block(hidden, encoder_hidden_states=states)
        block.__class__ = folded[1].__class__
    assert float(own_probs.max()) > 2 / 7  # not uniform: the keys matter
    torch.testing.assert_close(mine, own, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(my_probs, own_probs, atol=1e-6, rtol=1e-4)
    # Captions equal BLIP's own, and no cross-attention keys and values are cached while decoding.
    images = photos(Path(models["captioner"]).parent, 3)
    states = pipeline.captioner.vision_states(pipeline.captioner.pixels(images))
    captions = pipeline.captioner.decode(states)
    for m in folded:
        m.__class__ = type(m).__mro__[1]
    assert pipeline.captioner.decode(states) == captions
    folded_cross_attention(decoder)
    ran: list[str] = []
    hooks = [layer.register_forward_hook(lambda *_: ran.append("key/value"))
             for m in folded for layer in (m.key, m.value)]
    assert pipeline.captioner.decode(states) == captions
    for hook in hooks:
        hook.remove()
    assert not ran  # the keys and values of the image states are never computed, so never cached


@pytest.mark.skipif("not __import__('imgtag_desktop.tagging.fp16', fromlist=['x']).fp16_available()")
def test_a_float16_decoder_reads_the_image_states_packed_once_per_call_as_float16(
    models: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import copy
    import logging

    import torch

    from imgtag_desktop.tagging import cpu_speed, roles
    from imgtag_desktop.tagging.fp16 import HalfStates

    pipeline = Pipeline(tiny_settings_for(models, dtype="float32"))
    pipeline.captioner.load()
    captioner = pipeline.captioner
    decoder = captioner.model.text_decoder
    folded = [m for m in decoder.modules() if getattr(type(m), "folded_attention", False)]
    states = captioner.vision_states(captioner.pixels(photos(tmp_path, 3)))
    made: list[int] = []
    read: list[int] = []
    pack, scores = HalfStates.__init__, HalfStates.scores

    def counted_pack(self: HalfStates, source: torch.Tensor, workers: int | None = None) -> None:
        made.append(int(source.shape[0]))
        pack(self, source, workers)

    def counted_scores(self: HalfStates, rows: torch.Tensor) -> torch.Tensor:
        read.append(int(rows.shape[0]))
        return scores(self, rows)  # type: ignore[no-any-return]

    def prefer(packed: bool) -> None:  # what this machine's timing of the two ways says (cpu_speed.measured)
        key = f"{cpu_speed.machine_key()}|{roles.half_states_timing(decoder, captioner.generation_config, states)}"
        cpu_speed.remember(key, cpu_speed.Timing(roles.HALF_STATES_WAYS[0], 1.0 if packed else 2.0,
                                                 roles.HALF_STATES_WAYS[1], 1.5))

    monkeypatch.setattr(HalfStates, "__init__", counted_pack)
    monkeypatch.setattr(HalfStates, "scores", counted_scores)
    exact = captioner.decode(states)
    assert not made and not read  # float32 weights: the states are read as they are
    roles._half_decoder(captioner.model, None)
    prefer(packed=False)  # where reading them as they are was timed faster, they are
    assert captioner.decode(states) == exact and not made and not read
    prefer(packed=True)
    half = captioner.decode(states)
    # One packing per decoder call, of its 3 photos, read by every cross-attention block at each step.
    assert made == [3] and read and set(read) == {3} and len(read) % len(folded) == 0
    assert half == exact  # on these photos, float16 weights and states keep float32's captions
    assert roles._packed_states() is None  # nothing of the call is kept after it
    # A beam search copies the states for its beams: nothing is packed for it.
    beams = copy.deepcopy(captioner.generation_config)
    beams.num_beams = 2
    assert roles._half_states(captioner.model, beams, states) is None
    assert made == [3]
    # States the packing does not hold (another call's, say) are read as they are.
    other = states.clone()
    block = folded[0]
    hidden = torch.randn(3, 1, block.query.in_features)
    before = len(read)
    roles._decoding.states = HalfStates(states)
    try:
        with torch.inference_mode():
            own, _ = block(hidden, encoder_hidden_states=other)
            mine, _ = block(hidden, encoder_hidden_states=states)
    finally:
        roles._decoding.states = None
    torch.testing.assert_close(mine, own, atol=1e-3, rtol=1e-3)
    assert len(read) == before + 1  # the packed states were read for the states they hold, and only then
    # A decoder call that fails leaves nothing packed behind either.
    with pytest.raises(Exception):  # noqa: B017 - whatever the decoder raises on a wrong-sized input
        captioner.decode(states[:, :, :-1])
    assert roles._packed_states() is None

    # Packing that fails costs the speed-up only: the call goes on with the states as they are.
    def failing_pack(self: HalfStates, source: torch.Tensor, workers: int | None = None) -> None:
        raise MemoryError("no room for the packed states")

    monkeypatch.setattr(HalfStates, "__init__", failing_pack)
    with caplog.at_level(logging.WARNING, logger="imgtag_desktop.tagging.roles"):
        assert captioner.decode(states) == exact
    assert "float16 image states for the caption decoder failed" in caplog.text


@pytest.mark.parametrize("rows", [1, 3, 16, 64, 65])
@pytest.mark.parametrize("with_bias", [True, False])
def test_split_linear_gives_torchs_own_product(rows: int, with_bias: bool) -> None:
    import torch

    from imgtag_desktop.tagging.roles import split_linears

    torch.manual_seed(rows)
    layer = torch.nn.Linear(48, 90, bias=with_bias)  # 90 outputs: 2, 3 or 5 slices by thread count
    holder = torch.nn.Sequential(layer)
    x = torch.randn(2, rows, 48)
    with torch.inference_mode():
        own = layer(x)
    threads = torch.get_num_threads()
    try:
        for n in (1, 2, 3, 4):
            torch.set_num_threads(n)
            assert split_linears(holder) == 1 and split_linears(holder) == 1  # idempotent
            assert getattr(type(layer), "split_rows", False) and type(layer).__mro__[1] is torch.nn.Linear
            with torch.inference_mode():
                split = layer(x)
            assert split.shape == own.shape and split.is_contiguous()
            torch.testing.assert_close(split, own, atol=1e-5, rtol=1e-5)
            layer.__class__ = torch.nn.Linear
    finally:
        torch.set_num_threads(threads)


def test_split_linear_slices_by_thread_and_leaves_what_it_does_not_speed_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from imgtag_desktop.tagging.roles import _split_parts, split_linears

    assert _split_parts(30524, 2) == 2 and _split_parts(30524, 8) == 4 and _split_parts(768, 16) == 16
    assert _split_parts(7, 4) == 1 and _split_parts(5, 0) == 1
    layer = torch.nn.Linear(16, 32)
    split_linears(torch.nn.Sequential(layer))
    seen: list[int] = []
    baddbmm = torch.baddbmm
    monkeypatch.setattr(torch, "baddbmm", lambda *a, **k: seen.append(a[1].shape[0]) or baddbmm(*a, **k))
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        with torch.inference_mode():
            layer(torch.randn(4, 16))
            assert seen == [2]  # few rows: one slice per thread
            layer(torch.randn(200, 16))  # many rows: torch's own call
        layer(torch.randn(4, 16))  # gradients wanted: torch's own call
        with torch.inference_mode():
            layer.to(torch.bfloat16)(torch.randn(4, 16, dtype=torch.bfloat16))  # not float32
            torch.set_num_threads(1)
            layer.float()(torch.randn(4, 16))  # one thread: nothing to split
            torch.set_num_threads(2)
            layer.weight = torch.nn.Parameter(torch.randn(16, 32).t())  # a weight that is not contiguous
            x = torch.randn(4, 16)
            torch.testing.assert_close(layer(x), torch.nn.functional.linear(x, layer.weight, layer.bias))
        assert seen == [2]
    finally:
        torch.set_num_threads(threads)


def test_captioner_splits_its_decoder_and_captions_stay(models: dict[str, Path]) -> None:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # one thread would never split: the captions would compare nothing
    try:
        _check_split_captions(models)
    finally:
        torch.set_num_threads(threads)


def _check_split_captions(models: dict[str, Path]) -> None:
    pipeline = Pipeline(tiny_settings_for(models, dtype="float32"))
    pipeline.captioner.load()
    decoder = pipeline.captioner.model.text_decoder
    split = [m for m in decoder.modules() if getattr(type(m), "split_rows", False)]
    assert split and getattr(type(decoder.cls.predictions.decoder), "split_rows", False)  # the output layer too
    images = photos(Path(models["captioner"]).parent, 3)
    states = pipeline.captioner.vision_states(pipeline.captioner.pixels(images))
    captions = pipeline.captioner.decode(states)
    alone = [pipeline.captioner.decode(states[i : i + 1])[0] for i in range(3)]
    for m in split:
        m.__class__ = type(m).__mro__[1]
    assert pipeline.captioner.decode(states) == captions
    assert [pipeline.captioner.decode(states[i : i + 1])[0] for i in range(3)] == alone


@pytest.mark.skipif("not __import__('imgtag_desktop.tagging.fp16', fromlist=['x']).fp16_available()")
def test_a_long_run_gives_the_decoder_float16_weights_after_its_first_batch_and_a_short_one_never(
    models: dict[str, Path], without_bfloat16: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder
    from imgtag_desktop.tagging import run, tag_photos
    from imgtag_desktop.tagging.fp16 import is_fp16_linear

    without_bfloat16.setattr(run, "LONG_RUN_PHOTOS", 3)
    folder = tmp_path / "photos"
    for i in range(6):
        make_photo(folder / f"p{i}.jpg", (320 + 24 * i, 240), seed=i)
    Pipeline(tiny_settings_for(models, dtype="auto")).load()  # the first load checks (and makes) them
    exact = Pipeline(tiny_settings_for(models, dtype="float32"))
    captions = {p.name: c for p, c in zip(sorted(folder.iterdir()), exact.caption(
        [Pipeline.decode(p) for p in sorted(folder.iterdir())]), strict=True)}

    def tagged(n: int) -> tuple[Pipeline, list[bool], dict[str, str]]:
        """A run of the first ``n`` photos, batches of 2: whether the decoder had float16 weights as each
        photo's result came, and the captions stored."""
        pipeline = Pipeline(tiny_settings_for(models, dtype="auto"))
        pipeline.load()
        with Catalog(tmp_path / f"run{n}.db") as catalog:
            scan_folder(catalog, folder)
            ids = [p.id for p in catalog.photos.all()][:n]
            half: list[bool] = []
            tag_photos(catalog, ids, pipeline, threshold=0.0, batch_size=2, workers=0,
                       on_result=lambda _pid: half.append(pipeline.captioner.decoder_fp16))
            stored = {Path(catalog.photos.get(i).display_path).name: catalog.analysis.caption(i) or "" for i in ids}
        return pipeline, half, stored

    short, half, stored = tagged(4)  # 2 left after the first batch: fewer than 3
    assert half == [False] * 4 and not short.captioner.decoder_fp16
    assert not any(is_fp16_linear(m) for m in short.captioner.model.modules())
    long, half, stored = tagged(6)  # 4 left after the first batch
    assert half == [False, False, True, True, True, True] and long.captioner.decoder_fp16
    assert "+fp16-decoder" in long.dtype_name
    assert stored == {name: captions[name] for name in stored}  # float32's captions all along


@pytest.mark.skipif("not __import__('imgtag_desktop.tagging.fp16', fromlist=['x']).fp16_available()")
def test_float16_weights_that_fail_to_be_made_leave_the_run_going_on_float32(
    models: dict[str, Path], without_bfloat16: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from imgtag_desktop.tagging import roles

    Pipeline(tiny_settings_for(models, dtype="auto")).load()  # the check, remembered
    pipeline = Pipeline(tiny_settings_for(models, dtype="auto"))
    pipeline.load()
    images = photos(tmp_path, 2)
    before = pipeline.captioner.caption(images)

    def failing(*_args: object, **_kwargs: object) -> None:
        raise MemoryError("no room for the packed weights")  # what the packing may meet on a full machine

    without_bfloat16.setattr(roles, "_half_decoder", failing)
    pipeline.for_long_run()  # no exception: an optional speed-up
    assert not pipeline.captioner.decoder_fp16 and not pipeline.captioner.use_fp16_decoder()
    assert pipeline.captioner.caption(images) == before
