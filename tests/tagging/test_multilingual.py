"""The optional multilingual text encoder: a tiny model of the clip-ViT-B-32-multilingual-v1 shape
(DistilBERT -> mean pooling -> dense into the visual space), built offline, loaded like the real one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import Settings
from imgtag_desktop.tagging.models import ModelUnavailable, models_status, resolve_model
from imgtag_desktop.tagging.multilingual import multilingual_encoder

CLIP_DIM = 24
WORDS = ["hund", "am", "strand", "dog", "on", "a", "beach", "katze", "chat", "plage", "le", "sur"]


def build_tiny_multilingual(folder: Path) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers 6 moved its modules (the old path warns)
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:
        from sentence_transformers import models  # type: ignore[no-redef,attr-defined]
    from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizerFast

    torch.manual_seed(0)
    base = folder / "base"
    base.mkdir(parents=True)
    (base / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    DistilBertTokenizerFast(vocab_file=str(base / "vocab.txt"), do_lower_case=True).save_pretrained(base)
    config = DistilBertConfig(vocab_size=5 + len(WORDS), dim=32, hidden_dim=64, n_layers=2, n_heads=2,
                              max_position_embeddings=64)
    DistilBertModel(config).save_pretrained(base, safe_serialization=True)
    word = models.Transformer(str(base), max_seq_length=32)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pooling = models.Pooling(dim(), pooling_mode="mean")
    dense = models.Dense(32, CLIP_DIM, bias=False, activation_function=torch.nn.Identity())
    out = folder / "clip-multilingual-tiny"
    SentenceTransformer(modules=[word, pooling, dense], device="cpu").save(str(out), safe_serialization=True)
    return out


@pytest.fixture(scope="module")
def tiny_multilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_multilingual(tmp_path_factory.mktemp("multilingual"))


def test_not_configured_means_none() -> None:
    assert multilingual_encoder(Settings()) is None
    assert [r.role for r in models_status(Settings(captioner="/nowhere", keyword_model="/nowhere",
                                                    visual_model="/nowhere"))] == ["captioner", "keywords", "visual"]


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="multilingual text encoder"):
        multilingual_encoder(Settings(multilingual_text_model=str(tmp_path / "missing")))


def test_status_and_visual_search_in_german(tiny_multilingual: Path, catalog: Catalog, tmp_path: Path) -> None:
    settings = Settings(multilingual_text_model=str(tiny_multilingual))
    rows = {r.role: r for r in models_status(settings)}
    assert rows["multilingual"].usable and rows["multilingual"].source == "folder"
    assert resolve_model("multilingual", str(tiny_multilingual)).path == tiny_multilingual.resolve()
    encoder = multilingual_encoder(settings)
    assert encoder is not None
    query = encoder("Hund am Strand")
    assert query.shape == (CLIP_DIM,) and abs(float(np.linalg.norm(query)) - 1) < 1e-5
    assert not np.allclose(query, encoder("chat sur le plage"))

    from PIL import Image

    from imgtag_desktop.core.scanner import scan_folder

    folder = tmp_path / "p"
    folder.mkdir()
    for i in range(5):
        Image.new("RGB", (8, 8), (i * 40, 0, 0)).save(folder / f"{i}.jpg")
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((5, CLIP_DIM)).astype(np.float32)
    vectors[3] = query + 0.05 * vectors[3] / np.linalg.norm(vectors[3])  # the photo that matches the words
    catalog.analysis.set_embeddings(list(zip(ids, vectors, strict=True)), "clip")
    assert catalog.albums.search('~"Hund am Strand"', text_encoder=encoder, top_k=1) == [ids[3]]


def test_pickled_dense_weights_are_refused(tiny_multilingual: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "pickled"
    shutil.copytree(tiny_multilingual, copy)
    dense = next(p for p in copy.iterdir() if p.is_dir() and "Dense" in p.name)
    (dense / "model.safetensors").unlink()
    (dense / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(ModelUnavailable, match="safetensors"):
        multilingual_encoder(Settings(multilingual_text_model=str(copy)))
