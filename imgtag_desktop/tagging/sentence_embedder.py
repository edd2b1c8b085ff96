"""Sentence embeddings from a sentence-transformers folder, with plain transformers.

A sentence-transformers model folder is a transformers model plus a ``modules.json`` that
chains it with a pooling step (``1_Pooling/config.json``) and often a normalisation. For the
chains the keyword model uses (Transformer -> Pooling [-> Normalize]) this module computes the
same vectors as ``SentenceTransformer.encode(..., normalize_embeddings=True)``: the tokenizer
with the folder's ``max_seq_length``, the model's last hidden state, mean / CLS / max pooling
over the real tokens, L2 normalisation. Importing sentence-transformers costs about a second of
CPU and, on a worker thread, long pauses of every other thread (its import holds the interpreter
lock in long stretches); other chains (a Dense layer, say) still load through it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_POOLING_MODES = ("mean", "cls", "max")


class UnsupportedChain(Exception):
    """The folder's modules need sentence-transformers itself."""


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise UnsupportedChain(f"{path} is not a JSON object")
    return data


def pooling_mode(folder: Path) -> str:
    """The one pooling mode of the folder's chain (``mean``, ``cls`` or ``max``); raises
    :class:`UnsupportedChain` for any other chain."""
    modules_file = folder / "modules.json"
    if not modules_file.is_file():
        raise UnsupportedChain(f"{folder} has no modules.json")
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    types = [str(m.get("type", "")) for m in modules] if isinstance(modules, list) else []
    if not types or types[0] != _TRANSFORMER or str(modules[0].get("path", "")) not in ("", "."):
        raise UnsupportedChain(f"{folder}: the chain does not start with the transformer in the folder itself")
    if types[1:] not in ([_POOLING], [_POOLING, _NORMALIZE]):
        raise UnsupportedChain(f"{folder}: unsupported modules {types[1:]}")
    config = _read_json(folder / str(modules[1].get("path", "1_Pooling")) / "config.json")
    keys = {"mean": "pooling_mode_mean_tokens", "cls": "pooling_mode_cls_token", "max": "pooling_mode_max_tokens"}
    modes = [m for m in _POOLING_MODES if config.get(keys[m])]
    others = [k for k, v in config.items() if k.startswith("pooling_mode_") and v and k not in keys.values()]
    if len(modes) != 1 or others or config.get("include_prompt", True) is not True:
        raise UnsupportedChain(f"{folder}: unsupported pooling {config}")
    return modes[0]


class SentenceEmbedder:
    """A sentence-transformers folder's embeddings (L2-normalised), loaded with transformers."""

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        from transformers import AutoModel, AutoTokenizer

        self.folder = Path(folder)
        self.mode = pooling_mode(self.folder)
        settings_file = self.folder / "sentence_bert_config.json"
        st_config = _read_json(settings_file) if settings_file.is_file() else {}
        self.device = device
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.folder), local_files_only=True)
        self.lower_case = bool(st_config.get("do_lower_case"))  # sentence-transformers lowercases the texts
        limit = st_config.get("max_seq_length")
        model_limit = getattr(self.tokenizer, "model_max_length", None)
        self.max_length = int(limit) if limit else int(min(model_limit or 512, 512))
        self.model = AutoModel.from_pretrained(str(self.folder), local_files_only=True, use_safetensors=True)
        self.model = self.model.to(device).eval()
        self._lock = threading.Lock()  # fast tokenizers refuse concurrent use

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> FloatArray:
        """One L2-normalised row per text."""
        import torch

        if self.lower_case:
            texts = [t.lower() for t in texts]
        # Batches of texts of similar lengths (as sentence-transformers does), so few padding tokens
        # are run: a batch is padded to its longest text.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows: list[FloatArray] = []
        for start in range(0, len(texts), batch_size):
            with self._lock:
                enc = self.tokenizer([texts[i] for i in order[start : start + batch_size]], padding=True,
                                     truncation=True, max_length=self.max_length, return_tensors="pt")
            enc = {k: v.to(self.device) for k, v in enc.items()}
            with torch.inference_mode():
                tokens = self.model(**enc).last_hidden_state.float()
            mask = enc["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            if self.mode == "mean":
                pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            elif self.mode == "cls":
                pooled = tokens[:, 0]
            else:
                pooled = tokens.masked_fill(mask == 0, -1e9).max(dim=1).values
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            rows.append(pooled.cpu().numpy().astype(np.float32))
        if not rows:
            return np.zeros((0, int(self.model.config.hidden_size)), dtype=np.float32)
        out = np.empty((len(texts), rows[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(rows)
        return out


class SentenceTransformerEmbedder:
    """The same interface over sentence-transformers itself, for chains :class:`SentenceEmbedder` does not do."""

    def __init__(self, folder: Path, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device=device, local_files_only=True,
                                         model_kwargs={"use_safetensors": True})

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> FloatArray:
        vectors = self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def open_sentence_embedder(folder: Path, device: str = "cpu") -> SentenceEmbedder | SentenceTransformerEmbedder:
    """The folder's embedder: plain transformers when its chain allows, sentence-transformers otherwise."""
    try:
        pooling_mode(Path(folder))
    except UnsupportedChain:
        return SentenceTransformerEmbedder(Path(folder), device)
    return SentenceEmbedder(Path(folder), device)
