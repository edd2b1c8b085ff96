"""The pipeline on tiny models of the real architectures, loaded through the product's own path."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imgtag_desktop.core.settings import Settings
from imgtag_desktop.tagging import ModelUnavailable, Pipeline, load_pipeline, models_status
from imgtag_desktop.tagging.models import resolve_model
from tests.helpers import make_photo
from tests.tagging.conftest import tiny_settings_for


def photos(tmp_path: Path, n: int) -> list[Image.Image]:
    return [Pipeline.decode(make_photo(tmp_path / f"p{i}.jpg", (400 + 37 * i, 300), seed=i)) for i in range(n)]


@pytest.mark.slow
def test_batch_equals_one_by_one(tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    images = photos(tmp_path, 4)
    tiny_pipeline.set_vocabulary(["dog", "beach", "birthday cake"])
    batch = tiny_pipeline.analyse(images)
    single = [tiny_pipeline.analyse([img])[0] for img in images]
    for b, s in zip(batch, single, strict=True):
        assert b.caption == s.caption
        np.testing.assert_allclose(b.embedding, s.embedding, atol=1e-5)
        assert [c.text for c in b.candidates] == [c.text for c in s.candidates]
        np.testing.assert_allclose([c.visual_score for c in b.candidates], [c.visual_score for c in s.candidates],
                                   atol=1e-5)
    # Different photos give different embeddings (the test would be empty otherwise).
    assert not np.allclose(batch[0].embedding, batch[1].embedding)


def test_orientation_is_applied(tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    upright = make_photo(tmp_path / "upright.jpg", (400, 240), seed=3)
    pixels = Image.open(upright)
    # The same scene stored sideways with EXIF orientation 6 (rotate 90 CW to display) ...
    stored = pixels.transpose(Image.Transpose.ROTATE_90)
    sideways = tmp_path / "sideways.jpg"
    stored.save(sideways, quality=95, exif=_exif_orientation(6))
    # ... and stored sideways without the tag: a different picture.
    unflagged = tmp_path / "unflagged.jpg"
    stored.save(unflagged, quality=95)
    a, b, c = (Pipeline.decode(p) for p in (upright, sideways, unflagged))
    assert a.size == b.size == (400, 240) and c.size == (240, 400)
    emb = tiny_pipeline.image_embeddings([a, b, c])
    assert float(emb[0] @ emb[1]) > 0.99
    assert float(emb[0] @ emb[1]) > float(emb[0] @ emb[2]) + 1e-4


def _exif_orientation(value: int) -> bytes:
    import piexif

    return piexif.dump({"0th": {piexif.ImageIFD.Orientation: value}})


@pytest.mark.slow
def test_visual_score_does_not_depend_on_other_candidates(tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    images = photos(tmp_path, 2)
    emb = tiny_pipeline.image_embeddings(images)
    texts = ["dog", "grassy field", "sunset", "birthday cake", "city skyline"]
    alone = [tiny_pipeline.visual_scores(emb, tiny_pipeline.encode_texts([t]))[0][:, 0] for t in texts]
    together, raw = tiny_pipeline.visual_scores(emb, tiny_pipeline.encode_texts(texts))
    np.testing.assert_allclose(np.stack(alone, axis=1), together, atol=1e-6)
    # A lone candidate is not automatically a sure thing (the notebook's softmax gave it 1.0).
    assert np.all(together < 0.999)
    assert np.all((together > 0) & (together < 1))
    np.testing.assert_allclose(raw, emb @ tiny_pipeline.encode_texts(texts).T, atol=1e-6)
    # The vocabulary around a caption phrase does not change its score either.
    tiny_pipeline.set_vocabulary(["dog"])
    a = tiny_pipeline.analyse(images[:1])[0]
    tiny_pipeline.set_vocabulary(["dog", *[f"thing {i}" for i in range(30)]])
    b = tiny_pipeline.analyse(images[:1])[0]
    caption_a = {c.text: c.visual_score for c in a.candidates if c.origin == "caption"}
    caption_b = {c.text: c.visual_score for c in b.candidates if c.origin == "caption"}
    assert caption_a and caption_a == pytest.approx(caption_b, abs=1e-6)


def test_encode_texts_is_normalised_and_in_image_space(tiny_pipeline: Pipeline, tmp_path: Path) -> None:
    t = tiny_pipeline.encode_texts(["a dog on a beach", "sunset"])
    assert t.dtype == np.float32 and t.shape == (2, tiny_pipeline.embedding_dim)
    np.testing.assert_allclose(np.linalg.norm(t, axis=1), 1.0, atol=1e-5)
    img = tiny_pipeline.image_embeddings(photos(tmp_path, 1))
    assert img.shape[1] == t.shape[1]
    np.testing.assert_allclose(tiny_pipeline.encode_texts(["sunset"])[0], t[1], atol=1e-6)


def test_vocabulary_embeddings_are_cached_on_disk(tiny_settings: Settings, isolated_dirs: Path) -> None:
    folder = isolated_dirs / "cache" / "text-embeddings"
    before = set(folder.glob("*.npy"))
    first = Pipeline(tiny_settings)
    first.set_vocabulary(["red car", "blue boat"])
    assert len(set(folder.glob("*.npy")) - before) == 1
    second = Pipeline(tiny_settings)  # a fresh one, as in a new process
    second.set_vocabulary(["red car", "blue boat"])
    assert second.visual.knows("red car") and second.visual.knows("blue boat")
    np.testing.assert_allclose(first._vocab_matrix, second._vocab_matrix)


def test_the_neutral_anchor_comes_from_the_disk_cache_in_a_new_process(tiny_settings: Settings, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from imgtag_desktop.tagging.pipeline import NEUTRAL_TEXT

    # A cache of its own: the session's shared one may hold the anchor from an int8 text tower of
    # another test (the same model version), which is close to this float32 one, not equal.
    monkeypatch.setenv("IMGTAG_CACHE_DIR", str(tmp_path / "cache"))

    first = Pipeline(tiny_settings)
    alone = first.encode_texts([NEUTRAL_TEXT])[0]  # the anchor encoded by itself, as it always was
    np.testing.assert_allclose(first.neutral_embedding(), alone, atol=1e-6)
    second = Pipeline(tiny_settings)  # a fresh one, as in a new process: CLIP's text tower is not run
    second.load_visual()

    def encode(_texts: list[str]) -> None:
        raise AssertionError("the neutral anchor was encoded again")

    monkeypatch.setattr(second.visual, "_encode_into_cache", encode)
    np.testing.assert_allclose(second.neutral_embedding(), alone, atol=1e-6)


def test_models_load_once_and_generation_config_is_honoured(tiny_pipeline: Pipeline, tiny_settings: Settings) -> None:
    blip, clip = tiny_pipeline.captioner.model, tiny_pipeline.visual.model
    tiny_pipeline.load()
    assert tiny_pipeline.captioner.model is blip and tiny_pipeline.visual.model is clip
    # Asking again in the same process (another job, a search) gets the loaded pipeline.
    assert load_pipeline(tiny_settings) is load_pipeline(tiny_settings)
    captioner = tiny_pipeline.captioner
    assert captioner.model.generation_config.max_new_tokens == 8
    pixels = captioner.pixels([Image.new("RGB", (64, 48), (200, 30, 30))])
    import torch

    states = captioner.vision_states(pixels)
    with torch.inference_mode():
        out = captioner.model.text_decoder.generate(
            input_ids=torch.full((1, 1), 30522), encoder_hidden_states=states,
            generation_config=captioner.model.generation_config,
        )
    assert out.shape[1] == 1 + 8


def test_models_key_names_all_three_versions(tiny_pipeline: Pipeline) -> None:
    key = tiny_pipeline.models_key
    assert key.count("|") == 2 and "captioner=" in key and "keywords=" in key and "visual=" in key


def test_missing_model_folder_says_what_to_do(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    settings = tiny_settings_for(tiny_models)
    settings.visual_model = str(tmp_path / "no-such-clip")
    pipeline = load_pipeline(settings)
    with pytest.raises(ModelUnavailable) as info:
        pipeline.load()
    message = str(info.value)
    assert "imgtag models download" in message and "imgtag models use visual FOLDER" in message
    assert "settings dialog" in message
    rows = {r.role: r for r in models_status(settings)}
    assert rows["visual"].usable is False and rows["visual"].problem == message
    assert rows["captioner"].usable and rows["captioner"].size_bytes > 0


def test_hub_id_not_in_cache_is_unavailable_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelUnavailable, match="not in the Hugging Face cache"):
        resolve_model("captioner", "Salesforce/blip-image-captioning-base")


def test_pickled_weights_are_refused(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "blip-bin"
    shutil.copytree(tiny_models["captioner"], folder)
    (folder / "model.safetensors").rename(folder / "pytorch_model.bin")
    with pytest.raises(ModelUnavailable, match="safetensors"):
        resolve_model("captioner", str(folder))


def test_broken_weights_say_what_to_do(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "clip-broken"
    shutil.copytree(tiny_models["visual"], folder)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    settings = tiny_settings_for({**tiny_models, "visual": folder})
    with pytest.raises(ModelUnavailable, match="cannot be loaded.*imgtag models download"):
        load_pipeline(settings).load()


def test_load_pipeline_is_cheap_until_load() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from imgtag_desktop.core.settings import Settings\n"
        "from imgtag_desktop.tagging import load_pipeline\n"
        "p = load_pipeline(Settings())\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'PySide6') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


def test_download_refuses_in_offline_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from imgtag_desktop.tagging import download_models

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="HF_HUB_OFFLINE"):
        download_models(Settings())


def test_models_status_of_a_hub_id_that_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    rows = models_status(Settings())
    assert [r.role for r in rows] == ["captioner", "keywords", "visual"]
    assert not any(r.usable for r in rows)
    assert all("imgtag models download" in (r.problem or "") for r in rows)


def test_search_needs_only_clip(tiny_settings: Settings, tmp_path: Path) -> None:
    pipeline = Pipeline(tiny_settings)
    texts = pipeline.encode_texts(["dog"])
    images = pipeline.image_embeddings(photos(tmp_path, 1))
    assert texts.shape[1] == images.shape[1]
    assert not pipeline.captioner.loaded and not pipeline.keywords.loaded and not pipeline.loaded

