"""The tagging pipeline: caption -> keyword candidates -> calibrated CLIP relevance, in batches.

:class:`Pipeline` is cheap to make; :meth:`Pipeline.load` loads its three role models
(:mod:`.roles`: captioner, keyword embedder, visual model) once. Every stage takes a batch.
A photo is decoded once (JPEG draft mode, EXIF orientation applied) to one small image, from
which both vision models' inputs are made. The process keeps one pipeline at a time
(:mod:`.cache`).

The visual score is absolute. For a text ``t`` and an image ``x`` with CLIP cosine
``cos(x, t)``, and a fixed neutral text ``n`` ("a photo of something", same templates):

    visual = sigmoid(s * (cos(x, t) - cos(x, n)))        s = the model's own logit scale

It depends only on the photo and that one text, never on which other candidates are
present, and subtracting the neutral anchor removes the per-photo offset of CLIP cosines,
so one threshold means the same on every photo. ``raw_score`` keeps ``cos(x, t)``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image

from ..core.confidence import logistic
from ..core.imageio import open_oriented
from ..core.settings import Settings
from .libraries import import_model_libraries
from .models import ResolvedModel, Role
from .phrases import caption_phrases
from .ranking import duplicate_groups
from .roles import CLIP_TEMPLATES, LOAD_LOCK, Captioner, KeywordEmbedder, RoleModel, VisualModel
from .text_cache import cached_text_matrix, lookup_text_matrix

if TYPE_CHECKING:
    import torch

__all__ = ["CLIP_TEMPLATES", "NEUTRAL_TEXT", "ImageAnalysis", "ModelInputs", "Pipeline", "ScoredCandidate"]

FloatArray = npt.NDArray[np.float32]

NEUTRAL_TEXT = "something"
# The order in which :meth:`Pipeline.load` loads the models, and what it reports as its steps.
LOAD_ORDER: tuple[Role, ...] = ("captioner", "visual", "keywords")
LoadStep = str  # "libraries" or a role

# The photo is decoded once to this long side (JPEG draft + one resize); both models' inputs come from it.
DECODE_SIDE = 512


@dataclass(frozen=True)
class ScoredCandidate:
    """One candidate tag of one photo with its evidence (the explanation row)."""

    text: str
    origin: str  # caption | vocabulary | library
    keyword_score: float | None
    visual_score: float
    raw_score: float
    margin: float | None = None  # cos(x, t) - cos(x, neutral): the visual evidence before any squashing
    caption_similarity: float | None = None  # keyword-model cosine between the text and the caption
    duplicate_group: int | None = None  # near-duplicates among this photo's candidates share it


@dataclass(frozen=True)
class ModelInputs:
    """The two vision models' input tensors for a batch of photos (N x 3 x H x W each)."""

    caption: torch.Tensor  # BLIP's
    visual: torch.Tensor  # CLIP's

    def __len__(self) -> int:
        return int(self.caption.shape[0])

    def __getitem__(self, index: slice) -> ModelInputs:
        return ModelInputs(self.caption[index], self.visual[index])


@dataclass
class ImageAnalysis:
    """What the pipeline says about one photo."""

    caption: str
    embedding: FloatArray
    candidates: list[ScoredCandidate] = field(default_factory=list)


class Pipeline:
    """The three role models and the stages built on them. Load once, then call the batch APIs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.captioner = Captioner(settings)
        self.keywords = KeywordEmbedder(settings)
        self.visual = VisualModel(settings)
        self._vocab_key: tuple[str, ...] = ()
        self._vocab_matrix: FloatArray = np.zeros((0, 0), dtype=np.float32)
        self._neutral: FloatArray | None = None

    # -- models ---------------------------------------------------------------------------------

    def role(self, role: Role) -> RoleModel:
        return {"captioner": self.captioner, "keywords": self.keywords, "visual": self.visual}[role]

    def resolved(self, role: Role) -> ResolvedModel:
        return self.role(role).resolved

    @property
    def models_key(self) -> str:
        """Identifies the three model versions (an analysis by other models is redone)."""
        return "|".join(f"{role}={self.resolved(role).version}" for role in ("captioner", "keywords", "visual"))

    @property
    def visual_version(self) -> str:
        """The version of the CLIP model: stored with image embeddings, the space of :meth:`encode_texts`."""
        return self.visual.version

    @property
    def loaded(self) -> bool:
        return self.captioner.loaded and self.keywords.loaded and self.visual.loaded

    @property
    def any_loaded(self) -> bool:
        """Whether any of the three models is loaded (search loads CLIP alone)."""
        return self.captioner.loaded or self.keywords.loaded or self.visual.loaded

    @property
    def device(self) -> str:
        return self.visual.plan.device if self.visual.loaded else "cpu"

    @property
    def dtype_name(self) -> str:
        if not self.visual.loaded:
            return self.settings.dtype
        captioner = self.captioner
        loaded = captioner.loaded
        return self.visual.plan.describe(
            loaded and captioner.vision_int8, self.visual.int8_towers, loaded and captioner.decoder_fp16
        )

    def load(self, progress: Callable[[LoadStep, int, int], None] | None = None) -> None:
        """Load the three models (idempotent; thread-safe; raises ModelUnavailable).

        ``progress(step, number, count)`` is told before each step that has work left: the
        libraries (number 0), then each model (1..3 of 3)."""
        with LOAD_LOCK:
            for model in (self.captioner, self.keywords, self.visual):
                model.resolved  # noqa: B018 - every folder is checked before anything heavy loads
            if self.loaded:
                return
            if progress:
                progress("libraries", 0, len(LOAD_ORDER))
            import_model_libraries()
            for number, role in enumerate(LOAD_ORDER, 1):
                role_model = self.role(role)
                if not role_model.loaded:
                    if progress:
                        progress(role, number, len(LOAD_ORDER))
                    role_model.load()

    def load_visual(self) -> None:
        """Load only CLIP (enough for :meth:`encode_texts` and :meth:`image_embeddings`, e.g. for search)."""
        self.visual.load()

    def for_long_run(self) -> None:
        """The models as a run with many photos ahead wants them: what costs more to make than a few
        photos save (the caption decoder's float16 weights, where accepted; see .run.LONG_RUN_PHOTOS)."""
        self.captioner.use_fp16_decoder()

    def load_keywords(self) -> None:
        """Load only the keyword embedder (for the caption-only stage, ``imgtag keywords``)."""
        self.keywords.load()

    # -- images ---------------------------------------------------------------------------------

    @staticmethod
    def decode(path: str | os.PathLike[str]) -> Image.Image:
        """Decode a photo once, small (JPEG draft), oriented. Raises ImageReadError when broken."""
        return open_oriented(path, max_side=DECODE_SIDE)

    def host_inputs(self, image: Image.Image) -> ModelInputs:
        """Both vision models' inputs for one decoded photo, in host memory (resized and normalised;
        thread-safe, so decode workers make them while the models run)."""
        return ModelInputs(self.captioner.host_pixels([image]), self.visual.host_pixels([image]))

    def device_inputs(self, inputs: Sequence[ModelInputs]) -> ModelInputs:
        """Photos' host inputs as one batch on the models' device (pinned, non-blocking copies on CUDA)."""
        import torch

        return ModelInputs(
            self.captioner.to_device(torch.cat([i.caption for i in inputs])),
            self.visual.to_device(torch.cat([i.visual for i in inputs])),
        )

    def device_batch(self, inputs: Sequence[ModelInputs]) -> tuple[ModelInputs, list[ModelInputs]]:
        """:meth:`device_inputs`, and each photo's inputs to keep for a retry photo by photo. On a CPU
        the batch is in host memory, so these are views of it and the photos' own tensors can go: the
        pixels are in memory once (38 MB less for 16 photos); elsewhere the host inputs as given."""
        batch = self.device_inputs(inputs)
        if batch.caption.device.type == "cpu":
            return batch, [batch[i : i + 1] for i in range(len(batch))]
        return batch, list(inputs)

    # -- stages ---------------------------------------------------------------------------------

    def caption(self, images: Sequence[Image.Image]) -> list[str]:
        """Captions for a batch of decoded images."""
        return self.captioner.caption(images)

    def image_embeddings(self, images: Sequence[Image.Image]) -> FloatArray:
        """L2-normalised CLIP image embeddings (N x D float32)."""
        return self.visual.image_embeddings(images)

    def encode_texts(self, texts: list[str]) -> FloatArray:
        """CLIP text embeddings, prompt-template averaged, L2-normalised (N x D float32)."""
        return self.visual.encode_texts(texts)

    @property
    def embedding_dim(self) -> int:
        return self.visual.embedding_dim

    def keyword_candidates(self, captions: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per caption: its noun-phrase candidates with a keyword score (MiniLM cosine to the caption)."""
        phrases = [[p.text for p in caption_phrases(c)] for c in captions]
        vectors = self.keywords.embed([*captions, *(t for ps in phrases for t in ps)])
        result: list[list[tuple[str, float]]] = []
        for caption, ps in zip(captions, phrases, strict=True):
            cvec = vectors[caption]
            scored = [(text, round(float(np.dot(vectors[text], cvec)), 4)) for text in ps]
            scored.sort(key=lambda x: -x[1])
            result.append(scored)
        return result

    def keyword_vectors(self, texts: Sequence[str]) -> FloatArray:
        """Keyword-model (MiniLM) embeddings of texts, L2-normalised, cached in memory."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self.keywords.embed(texts)
        return np.stack([vectors[t] for t in texts]).astype(np.float32)

    def _with_text_evidence(self, caption: str, cands: list[ScoredCandidate]) -> list[ScoredCandidate]:
        """Add each candidate's similarity to the caption and its group of near-duplicates."""
        if not cands:
            return cands
        texts = [c.text.split("|")[-1] for c in cands]
        vectors = self.keyword_vectors([caption, *texts])
        sims = vectors[1:] @ vectors[0]
        groups = duplicate_groups(texts, vectors[1:])
        return [
            dataclasses.replace(
                c,
                caption_similarity=c.keyword_score if c.keyword_score is not None else round(float(sim), 4),
                duplicate_group=group,
            )
            for c, sim, group in zip(cands, sims, groups, strict=True)
        ]

    # -- calibrated visual scores ------------------------------------------------------------------

    def neutral_embedding(self) -> FloatArray:
        """The neutral anchor's text embedding, encoded alone, kept in the disk cache of text embeddings
        (a new process reads it instead of running CLIP's text tower before its first photo is scored)."""
        if self._neutral is None:
            self._neutral = self._cached_text_matrix([NEUTRAL_TEXT])[0]
        return self._neutral

    def visual_scores(self, image_embeddings: FloatArray, text_embeddings: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(calibrated scores in 0..1, raw cosines), both N images x M texts.

        Each score depends on its own image and text only (see the module docstring).
        """
        raw = (image_embeddings @ text_embeddings.T).astype(np.float32)
        anchor = (image_embeddings @ self.neutral_embedding()).astype(np.float32)[:, None]
        return logistic(np.float32(self.visual.logit_scale) * (raw - anchor)).astype(np.float32), raw

    def set_vocabulary(self, texts: Sequence[str]) -> None:
        """Texts scored on every photo (built-in list + the library's approved tags), embeddings cached."""
        key = tuple(dict.fromkeys(texts))
        if key == self._vocab_key:
            return
        self.load_visual()
        self._vocab_matrix = self._cached_text_matrix(list(key))
        self._vocab_key = key

    def vocabulary_ready(self, texts: Sequence[str]) -> bool:
        """Make ``texts`` the vocabulary if that needs no text encoding (their embeddings are in memory
        or in the disk cache); returns whether the vocabulary is now ``texts``."""
        key = tuple(dict.fromkeys(texts))
        if key == self._vocab_key:
            return True
        self.load_visual()
        if not all(self.visual.knows(t) for t in key):
            matrix = lookup_text_matrix(self.visual_version, CLIP_TEMPLATES, list(key)) if key else None
            if matrix is None:
                return False
            self.visual.remember(list(key), matrix)
        self.set_vocabulary(key)  # every embedding in memory now: no encoding
        return True

    def _cached_text_matrix(self, texts: list[str]) -> FloatArray:
        """Text embeddings through the disk cache (keyed by the CLIP version, the templates and the texts)."""
        if not texts:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        matrix, from_disk = cached_text_matrix(self.visual_version, CLIP_TEMPLATES, texts, self.encode_texts)
        if from_disk:
            self.visual.remember(texts, matrix)
        return matrix

    # -- the whole thing ------------------------------------------------------------------------------

    def analyse(
        self,
        images: Sequence[Image.Image],
        *,
        vocabulary_origin: dict[str, str] | None = None,
        vocabulary_keep: int = 10,
        keep_above: float | None = None,
    ) -> list[ImageAnalysis]:
        """Caption, candidates with keyword and visual scores, and the image embedding of each image.

        Vocabulary texts (see :meth:`set_vocabulary`) are all scored; those scoring at least
        ``keep_above`` (the decision threshold) and the ``vocabulary_keep`` best of each photo are
        kept as candidates (the rest would only bloat the explanation).
        ``vocabulary_origin`` maps a vocabulary text to its origin ('library' or 'vocabulary').
        """
        self.load()
        if not images:
            return []
        inputs = ModelInputs(self.captioner.pixels(images), self.visual.pixels(images))
        return self.analyse_inputs(
            inputs, vocabulary_origin=vocabulary_origin, vocabulary_keep=vocabulary_keep, keep_above=keep_above
        )

    def analyse_inputs(
        self,
        inputs: ModelInputs,
        *,
        vocabulary_origin: dict[str, str] | None = None,
        vocabulary_keep: int = 10,
        keep_above: float | None = None,
    ) -> list[ImageAnalysis]:
        """:meth:`analyse` from the models' input tensors (:meth:`device_inputs`)."""
        self.load()
        captions = self.captioner.caption_pixels(inputs.caption)
        embeddings = self.visual.embed_pixels(inputs.visual)
        keywords = self.keyword_candidates(captions)
        return self.score(
            captions,
            embeddings,
            keywords,
            vocabulary_origin=vocabulary_origin,
            vocabulary_keep=vocabulary_keep,
            keep_above=keep_above,
        )

    def score(
        self,
        captions: Sequence[str],
        embeddings: FloatArray,
        keywords: Sequence[Sequence[tuple[str, float]]],
        *,
        vocabulary_origin: dict[str, str] | None = None,
        vocabulary_keep: int = 10,
        keep_above: float | None = None,
    ) -> list[ImageAnalysis]:
        """Visual scores of each photo's caption phrases and of the vocabulary, as analyses."""
        phrase_texts = list(dict.fromkeys(t for ks in keywords for t, _ in ks))
        phrase_matrix = self.encode_texts(phrase_texts)
        phrase_index = {t: i for i, t in enumerate(phrase_texts)}
        p_scores, p_raw = self.visual_scores(embeddings, phrase_matrix)
        anchor = (embeddings @ self.neutral_embedding()).astype(np.float32)[:, None]
        p_margin = p_raw - anchor
        vocab = list(self._vocab_key)
        if vocab:
            v_scores, v_raw = self.visual_scores(embeddings, self._vocab_matrix)
            v_margin = v_raw - anchor
        origins = vocabulary_origin or {}
        results = []
        for i, (caption, ks) in enumerate(zip(captions, keywords, strict=True)):
            cands: list[ScoredCandidate] = []
            seen: set[str] = set()
            for text, kscore in ks:
                j = phrase_index[text]
                cands.append(ScoredCandidate(text, "caption", kscore, float(p_scores[i, j]), float(p_raw[i, j]),
                                             float(p_margin[i, j])))
                seen.add(text)
            if vocab:
                order = np.argsort(-v_scores[i], kind="stable")
                n_keep = max(0, vocabulary_keep)
                if keep_above is not None:
                    n_keep = max(n_keep, int(np.count_nonzero(v_scores[i] >= keep_above)))
                for j in order[:n_keep]:
                    text = vocab[int(j)]
                    if text.lower() in seen:
                        continue
                    seen.add(text.lower())
                    cands.append(
                        ScoredCandidate(
                            text, origins.get(text, "vocabulary"), None, float(v_scores[i, j]), float(v_raw[i, j]),
                            float(v_margin[i, j]),
                        )
                    )
            results.append(ImageAnalysis(caption, embeddings[i], self._with_text_evidence(caption, cands)))
        return results
