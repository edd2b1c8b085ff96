"""The optional fourth model: a multilingual text encoder in the visual model's space.

sentence-transformers' ``clip-ViT-B-32-multilingual-v1`` (a multilingual DistilBERT, mean
pooling, and a dense layer into CLIP ViT-B/32's 512-d space) is the model for the default
CLIP: with it ``~"Hund am Strand"`` finds the photos that ``~"dog on a beach"`` finds. It is
set with the ``multilingual_text_model`` setting (a hub id or a folder; empty: none) and
follows the same rules as the other models: read from a folder or the local Hugging Face
cache only, safetensors only, listed by ``imgtag models status``, fetched by
``imgtag models download``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..core.settings import Settings
from .models import ModelUnavailable, ResolvedModel, resolve_model

MULTILINGUAL_DEFAULT = "sentence-transformers/clip-ViT-B-32-multilingual-v1"

_lock = threading.Lock()
_loaded: dict[str, MultilingualEncoder] = {}


class MultilingualEncoder:
    """Encodes text in any of the model's languages into the visual model's embedding space."""

    def __init__(self, resolved: ResolvedModel, device: str = "cpu") -> None:
        self.resolved = resolved
        self.device = device
        self._model: Any = None
        self._encode_lock = threading.Lock()

    @property
    def version(self) -> str:
        return self.resolved.version

    def load(self) -> None:
        """Load the model (idempotent; heavy imports here). Raises :class:`ModelUnavailable`."""
        if self._model is not None:
            return
        _check_modules(self.resolved.path)
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.resolved.path), device=self.device, local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any loader failure is one clear message
            raise ModelUnavailable(
                f"The multilingual text encoder at {self.resolved.path} cannot be loaded ({exc}). Point the "
                "multilingual_text_model setting at a sentence-transformers folder, or clear it.",
                "multilingual",
            ) from exc

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings, one row per text."""
        self.load()
        with self._encode_lock:
            vectors = self._model.encode(texts, convert_to_numpy=True, normalize_embeddings=True,
                                         show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def __call__(self, text: str) -> npt.NDArray[np.float32]:
        """A text encoder for :meth:`Catalog.search` (``~"..."`` terms)."""
        vector: npt.NDArray[np.float32] = self.encode([text])[0]
        return vector


def _check_modules(path: Path) -> None:
    """Every module folder (e.g. the dense projection) must hold safetensors weights, not pickles."""
    for folder in sorted(p for p in path.iterdir() if p.is_dir()):
        pickled = list(folder.glob("*.bin")) + list(folder.glob("*.pt"))
        if pickled and not (folder / "model.safetensors").is_file():
            raise ModelUnavailable(
                f"The multilingual text encoder's {folder.name} has only pickled weights ({pickled[0].name}); "
                "imgtag loads safetensors only, for safety. Convert it, or use another model folder.",
                "multilingual",
            )


def multilingual_encoder(settings: Settings, *, load: bool = True) -> MultilingualEncoder | None:
    """The configured encoder (loaded once per model and shared), or None when none is configured.

    Raises :class:`ModelUnavailable` when one is configured but missing."""
    spec = settings.multilingual_text_model.strip()
    if not spec:
        return None
    resolved = resolve_model("multilingual", spec)
    with _lock:
        encoder = _loaded.get(resolved.version)
        if encoder is None:
            device = settings.device if settings.device in ("cpu", "cuda", "mps") else "cpu"
            encoder = _loaded[resolved.version] = MultilingualEncoder(resolved, device)
    if load:
        encoder.load()
    return encoder


def loaded_multilingual_encoder(settings: Settings) -> MultilingualEncoder | None:
    """The encoder if it is already loaded (never loads; safe on the GUI thread)."""
    spec = settings.multilingual_text_model.strip()
    if not spec:
        return None
    with _lock:
        for encoder in _loaded.values():
            if encoder.resolved.spec == spec and encoder._model is not None:
                return encoder
    return None
