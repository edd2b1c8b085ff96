"""The tagging pipeline: caption -> keyword candidates -> calibrated CLIP relevance, in batches.

:func:`load_pipeline` is cheap; :meth:`Pipeline.load` does the heavy imports (torch,
transformers, sentence-transformers) and loads the three models once. Every stage takes
a batch. A photo is decoded once (JPEG draft mode, EXIF orientation applied) to one
small image, from which both vision models' inputs are made.

The visual score is absolute. For a text ``t`` and an image ``x`` with CLIP cosine
``cos(x, t)``, and a fixed neutral text ``n`` ("a photo of something", same templates):

    visual = sigmoid(s * (cos(x, t) - cos(x, n)))        s = the model's own logit scale

It depends only on the photo and that one text, never on which other candidates are
present, and subtracting the neutral anchor removes the per-photo offset of CLIP cosines,
so one threshold means the same on every photo. ``raw_score`` keeps ``cos(x, t)``.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from ..core.imageio import open_oriented
from ..core.paths import cache_dir
from ..core.settings import Settings
from .models import ROLE_TITLES, ModelUnavailable, ResolvedModel, Role, fix_hint, resolve_model, role_spec
from .phrases import caption_phrases
from .ranking import duplicate_groups

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

__all__ = ["CLIP_TEMPLATES", "NEUTRAL_TEXT", "ImageAnalysis", "Pipeline", "ScoredCandidate", "load_pipeline"]

FloatArray = npt.NDArray[np.float32]

# Prompt ensemble for CLIP text embeddings (averaged, then normalised), after CLIP's own recipe.
CLIP_TEMPLATES: tuple[str, ...] = (
    "a photo of {}.",
    "a photo of the {}.",
    "a close-up photo of {}.",
    "a good photo of {}.",
)
NEUTRAL_TEXT = "something"
# The photo is decoded once to this long side (JPEG draft + one resize); both models' inputs come from it.
DECODE_SIDE = 512
_load_lock = threading.RLock()


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


@dataclass
class ImageAnalysis:
    """What the pipeline says about one photo."""

    caption: str
    embedding: FloatArray
    candidates: list[ScoredCandidate] = field(default_factory=list)


def _sigmoid(x: FloatArray) -> FloatArray:
    return (1.0 / (1.0 + np.exp(-x))).astype(np.float32)


def _normalise(m: FloatArray) -> FloatArray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    out: FloatArray = (m / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def pick_device(requested: str) -> str:
    """auto -> CUDA, then MPS, then CPU."""
    import torch

    if requested and requested != "auto":
        return requested
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def cpu_has_bf16() -> bool:
    """Whether this CPU runs bfloat16 matrix products natively (AVX512-BF16 or AMX)."""
    import torch

    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    try:
        return bool(check()) if check is not None else False
    except Exception:  # noqa: BLE001 - an odd build: assume no
        return False


DTYPES = ("auto", "float32", "float16", "bfloat16", "int8")


def int8_available() -> bool:
    """Whether this torch build multiplies int8 matrices on the CPU (``torch._int_mm``)."""
    import torch

    try:
        ones = torch.ones(32, 32, dtype=torch.int8)
        return bool(int(torch._int_mm(ones, ones)[0, 0]) == 32)
    except (AttributeError, RuntimeError, NotImplementedError):
        return False


def captioner_int8(requested: str, device: str) -> bool:
    """Whether the captioner's Linear layers run as dynamic int8: only when asked (``int8``, CPU only).
    ``auto`` never picks it: it moves results further from float32 than bfloat16 does (docs/tagging.md)."""
    if requested != "int8":
        return False
    if device != "cpu":
        raise ValueError(f"dtype int8 runs on the CPU only (device is {device}); use --device cpu or another dtype")
    if not int8_available():
        raise ValueError("dtype int8 needs torch's int8 matrix product on the CPU, which this build lacks; use float32")
    return True


def pick_dtype(requested: str, device: str, role: Role) -> torch.dtype:
    """The dtype of one model. ``auto``: float16 on CUDA/MPS; on CPU bfloat16 for the captioner when the
    CPU has native bfloat16 (it is most of the work), float32 otherwise and for CLIP (whose scores are
    compared against a threshold). ``int8``: every model loads in float32 and the captioner is then
    quantized (see :func:`captioner_int8`)."""
    import torch

    if requested in ("", "auto"):
        if device in ("cuda", "mps"):
            return torch.float16
        if role == "captioner" and cpu_has_bf16():
            return torch.bfloat16
        return torch.float32
    if requested == "int8":
        return torch.float32
    value = getattr(torch, requested, None) if requested in DTYPES else None
    if not isinstance(value, torch.dtype):
        raise ValueError(f"unknown dtype {requested!r}; use {', '.join(DTYPES)}")
    return value


def quantize_int8(model: Any) -> Any:
    """Every ``nn.Linear`` of ``model`` replaced, in place, by an int8 one (weights and inputs int8,
    products accumulated in int32; layer norms, embeddings, attention products and softmax stay
    float32). Each weight row (output channel) and each input row (one token of one photo) gets
    its own symmetric scale, so a photo's results never depend on the other photos of its batch
    (integer sums are exact in any order). Closer to float32 than torch's ``quantize_dynamic``, further
    than bfloat16; about 2.5x faster than float32 on the captioner with AVX512-VNNI (docs/tagging.md)."""
    import torch

    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(parent, name, _int8_linear_class()(child))
    return model


@functools.cache
def _int8_linear_class() -> Any:
    import torch

    class Int8Linear(torch.nn.Module):
        """y = (q(x) @ q(W).T) * s_x * s_w + b, with q symmetric int8 per row (x) and per output channel (W)."""

        weight_t: torch.Tensor
        weight_scale: torch.Tensor
        bias: torch.Tensor

        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            weight = linear.weight.detach().float()
            scale = weight.abs().amax(dim=1).clamp_min(1e-12) / 127.0
            self.in_features, self.out_features = linear.in_features, linear.out_features
            self.register_buffer("weight_t", torch.round(weight / scale[:, None]).to(torch.int8).t().contiguous())
            self.register_buffer("weight_scale", scale)
            bias = linear.bias.detach().float() if linear.bias is not None else torch.zeros(self.out_features)
            self.register_buffer("bias", bias)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features).float()
            scale = rows.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127.0
            q = torch.round(rows / scale).to(torch.int8)
            y = torch._int_mm(q, self.weight_t).float() * scale * self.weight_scale + self.bias
            return y.reshape(*x.shape[:-1], self.out_features)

    return Int8Linear


class Pipeline:
    """The three models and the stages built on them. Load once, then call the batch APIs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._resolved: dict[Role, ResolvedModel] = {}
        self._loaded = False
        self.device = "cpu"
        self.dtype_name = settings.dtype
        self._text_cache: dict[str, FloatArray] = {}
        # Fast tokenizers refuse concurrent use ("Already borrowed"): free-text search encodes on
        # the GUI thread while a tagging job scores phrases with the same CLIP tokenizer.
        self._clip_tokenizer_lock = threading.Lock()
        self._phrase_cache: dict[str, FloatArray] = {}
        self._vocab_key: tuple[str, ...] = ()
        self._vocab_matrix: FloatArray = np.zeros((0, 0), dtype=np.float32)
        self._neutral: FloatArray | None = None
        self._logit_scale = 100.0
        self._blip: Any = None
        self._blip_processor: Any = None
        self._clip: Any = None
        self._clip_processor: Any = None
        self._st: Any = None
        self._dtype: Any = None
        self._blip_dtype: Any = None
        self._blip_int8 = False
        self._generation_config: Any = None

    # -- models ---------------------------------------------------------------------------------

    def resolved(self, role: Role) -> ResolvedModel:
        if role not in self._resolved:
            self._resolved[role] = resolve_model(role, role_spec(self.settings, role))
        return self._resolved[role]

    @property
    def models_key(self) -> str:
        """Identifies the three model versions (an analysis by other models is redone)."""
        return "|".join(f"{role}={self.resolved(role).version}" for role in ("captioner", "keywords", "visual"))

    @property
    def visual_version(self) -> str:
        """The version of the CLIP model: stored with image embeddings, the space of :meth:`encode_texts`."""
        return self.resolved("visual").version

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Import torch/transformers and load the three models (idempotent; thread-safe)."""
        with _load_lock:
            if self._loaded:
                return
            resolved = {role: self.resolved(role) for role in ("captioner", "keywords", "visual")}
            self._setup_device()
            if self._blip is None:
                self._load_captioner(resolved["captioner"])
            if self._clip is None:
                self._load_visual(resolved["visual"])
            if self._st is None:
                self._load_keywords(resolved["keywords"])
            self._loaded = True

    def load_visual(self) -> None:
        """Load only CLIP (enough for :meth:`encode_texts` and :meth:`image_embeddings`, e.g. for search)."""
        with _load_lock:
            if self._clip is None:
                model = self.resolved("visual")
                self._setup_device()
                self._load_visual(model)

    def load_keywords(self) -> None:
        """Load only the keyword embedder (for the caption-only stage, ``imgtag keywords``)."""
        with _load_lock:
            if self._st is None:
                model = self.resolved("keywords")
                self._setup_device()
                self._load_keywords(model)

    def _setup_device(self) -> None:
        if self._dtype is not None:
            return
        import torch

        if os.environ.get("IMGTAG_THREADS"):
            torch.set_num_threads(int(os.environ["IMGTAG_THREADS"]))
        self.device = pick_device(self.settings.device)
        self._blip_int8 = captioner_int8(self.settings.dtype, self.device)
        self._blip_dtype = pick_dtype(self.settings.dtype, self.device, "captioner")
        self._dtype = pick_dtype(self.settings.dtype, self.device, "visual")
        captioner = "int8" if self._blip_int8 else str(self._blip_dtype).removeprefix("torch.")
        self.dtype_name = f"captioner={captioner},visual={str(self._dtype).removeprefix('torch.')}"

    def _fail(self, model: ResolvedModel, exc: BaseException) -> ModelUnavailable:
        return ModelUnavailable(
            f"The {ROLE_TITLES[model.role]} at {model.path} cannot be loaded ({type(exc).__name__}: {exc}). "
            f"{fix_hint(model.role)}",
            model.role,
        )

    def _load_captioner(self, model: ResolvedModel) -> None:
        from transformers import BlipForConditionalGeneration, BlipProcessor

        try:
            self._blip_processor = BlipProcessor.from_pretrained(str(model.path), local_files_only=True)
            blip = BlipForConditionalGeneration.from_pretrained(
                str(model.path), local_files_only=True, use_safetensors=True, dtype=self._blip_dtype
            )
        except Exception as exc:  # noqa: BLE001 - any loading failure is reported the same way
            raise self._fail(model, exc) from exc
        self._blip = blip.to(self.device).eval()  # type: ignore[arg-type]
        if self._blip_int8:
            self._blip = quantize_int8(self._blip)
        gen = copy.deepcopy(self._blip.generation_config)
        if getattr(gen, "max_new_tokens", None) is None and not (model.path / "generation_config.json").is_file():
            gen.max_new_tokens = 30  # the folder has no generation config: room for BLIP's usual captions
        # As BlipForConditionalGeneration.generate: captions end at [SEP].
        text_config = self._blip.config.text_config
        gen.eos_token_id = text_config.sep_token_id if text_config.sep_token_id is not None else gen.eos_token_id
        if gen.pad_token_id is None:
            gen.pad_token_id = text_config.pad_token_id
        self._generation_config = gen

    def _load_visual(self, model: ResolvedModel) -> None:
        from transformers import CLIPModel, CLIPProcessor

        try:
            self._clip_processor = CLIPProcessor.from_pretrained(str(model.path), local_files_only=True)
            clip = CLIPModel.from_pretrained(
                str(model.path), local_files_only=True, use_safetensors=True, dtype=self._dtype
            )
        except Exception as exc:  # noqa: BLE001
            raise self._fail(model, exc) from exc
        self._clip = clip.to(self.device).eval()  # type: ignore[arg-type]
        self._logit_scale = float(min(100.0, float(self._clip.logit_scale.exp().item())))

    def _load_keywords(self, model: ResolvedModel) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._st = SentenceTransformer(
                str(model.path),
                device=self.device,
                local_files_only=True,
                model_kwargs={"use_safetensors": True},
            )
        except Exception as exc:  # noqa: BLE001
            raise self._fail(model, exc) from exc

    # -- images ---------------------------------------------------------------------------------

    @staticmethod
    def decode(path: str | os.PathLike[str]) -> Image.Image:
        """Decode a photo once, small (JPEG draft), oriented. Raises ImageReadError when broken."""
        return open_oriented(path, max_side=DECODE_SIDE)

    def _model_inputs(
        self, images: Sequence[Image.Image], *, captioner: bool = True
    ) -> tuple[torch.Tensor | None, torch.Tensor]:
        """BLIP and CLIP pixel tensors from the same decoded images (as their processors would)."""
        import torch

        bp = self._blip_processor.image_processor if captioner else None
        cp = self._clip_processor.image_processor
        bh, bw = (int(bp.size["height"]), int(bp.size["width"])) if bp is not None else (0, 0)
        short = int(cp.size["shortest_edge"]) if cp.size.get("shortest_edge") else int(cp.size["height"])
        ch, cw = int(cp.crop_size["height"]), int(cp.crop_size["width"])
        blip_arrays = []
        clip_arrays = []
        for img in images:
            if bp is not None:
                blip_arrays.append(np.asarray(img.resize((bw, bh), Image.Resampling.BICUBIC), dtype=np.float32))
            w, h = img.size
            scale = short / min(w, h)
            rw, rh = max(cw, round(w * scale)), max(ch, round(h * scale))
            resized = img.resize((rw, rh), Image.Resampling.BICUBIC)
            left, top = (rw - cw) // 2, (rh - ch) // 2
            clip_arrays.append(np.asarray(resized.crop((left, top, left + cw, top + ch)), dtype=np.float32))

        def tensor(arrays: list[npt.NDArray[np.float32]], proc: Any, dtype: Any) -> torch.Tensor:
            batch = np.stack(arrays) * np.float32(proc.rescale_factor)
            mean = np.asarray(proc.image_mean, dtype=np.float32)
            std = np.asarray(proc.image_std, dtype=np.float32)
            batch = (batch - mean) / std
            return torch.from_numpy(np.ascontiguousarray(batch.transpose(0, 3, 1, 2))).to(self.device, dtype)

        blip = tensor(blip_arrays, bp, self._blip_dtype) if bp is not None else None
        return blip, tensor(clip_arrays, cp, self._dtype)

    # -- stages ---------------------------------------------------------------------------------

    def caption(self, images: Sequence[Image.Image]) -> list[str]:
        """Captions for a batch of decoded images."""
        self.load()
        blip_pixels, _ = self._model_inputs(images)
        assert blip_pixels is not None
        return self._caption_pixels(blip_pixels)

    def _caption_pixels(self, pixels: torch.Tensor) -> list[str]:
        return self._decode_captions(self._vision_states(pixels))

    def _vision_states(self, pixels: torch.Tensor) -> torch.Tensor:
        """BLIP's image encoder, one image at a time: as fast as a batch on a CPU (the activations of
        one 384 px image already fill the cores, and stay in cache), and a photo's caption never
        depends on which other photos share its batch."""
        import torch

        with torch.inference_mode():
            states = [self._blip.vision_model(pixel_values=pixels[i : i + 1])[0] for i in range(pixels.shape[0])]
        return torch.cat(states)

    def _decode_captions(self, image_states: torch.Tensor) -> list[str]:
        """Greedy decoding of a whole batch at once, with the folder's generation_config.json."""
        import torch

        blip = self._blip
        text_config = blip.config.text_config
        n = image_states.shape[0]
        input_ids = torch.full((n, 1), int(text_config.bos_token_id), dtype=torch.long, device=image_states.device)
        mask = torch.ones(image_states.shape[:-1], dtype=torch.long, device=image_states.device)
        with torch.inference_mode():
            # As BlipForConditionalGeneration.generate does, but the decoder's own defaults would
            # ignore the folder's generation_config.json: pass it explicitly.
            out = blip.text_decoder.generate(
                input_ids=input_ids,
                encoder_hidden_states=image_states,
                encoder_attention_mask=mask,
                generation_config=self._generation_config,
            )
        texts = self._blip_processor.batch_decode(out, skip_special_tokens=True)
        return [" ".join(str(t).split()) for t in texts]

    def image_embeddings(self, images: Sequence[Image.Image]) -> FloatArray:
        """L2-normalised CLIP image embeddings (N x D float32)."""
        self.load_visual()
        _, clip_pixels = self._model_inputs(images, captioner=False)
        return self._embed_pixels(clip_pixels)

    def _embed_pixels(self, pixels: torch.Tensor) -> FloatArray:
        import torch

        with torch.inference_mode():
            feats = self._clip.get_image_features(pixel_values=pixels)
        feats = getattr(feats, "pooler_output", feats)
        return _normalise(feats.float().cpu().numpy())

    def encode_texts(self, texts: list[str]) -> FloatArray:
        """CLIP text embeddings, prompt-template averaged, L2-normalised (N x D float32)."""
        self.load_visual()
        missing = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if missing:
            self._encode_into_cache(missing)
        if not texts:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        return np.stack([self._text_cache[t] for t in texts]).astype(np.float32)

    @property
    def embedding_dim(self) -> int:
        self.load_visual()
        return int(self._clip.config.projection_dim)

    def _encode_into_cache(self, texts: list[str]) -> None:
        import torch

        # A hierarchical tag ('places|paris') is shown to CLIP by its leaf.
        prompts = [tpl.format(t.split("|")[-1]) for t in texts for tpl in CLIP_TEMPLATES]
        tok = self._clip_processor.tokenizer
        max_len = int(getattr(self._clip.config.text_config, "max_position_embeddings", 77))
        chunks = []
        for start in range(0, len(prompts), 256):
            with self._clip_tokenizer_lock:
                enc = tok(
                    prompts[start : start + 256], padding=True, truncation=True, max_length=max_len,
                    return_tensors="pt",
                )
            with torch.inference_mode():
                feats = self._clip.get_text_features(
                    input_ids=enc["input_ids"].to(self.device), attention_mask=enc["attention_mask"].to(self.device)
                )
            feats = getattr(feats, "pooler_output", feats)
            chunks.append(_normalise(feats.float().cpu().numpy()))
        per_prompt = np.concatenate(chunks).reshape(len(texts), len(CLIP_TEMPLATES), -1)
        averaged = _normalise(per_prompt.mean(axis=1))
        for text, vector in zip(texts, averaged, strict=True):
            self._text_cache[text] = vector

    def keyword_candidates(self, captions: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per caption: its noun-phrase candidates with a keyword score (MiniLM cosine to the caption)."""
        self.load_keywords()
        phrases = [[p.text for p in caption_phrases(c)] for c in captions]
        texts = dict.fromkeys([*captions, *(t for ps in phrases for t in ps)])
        wanted = [t for t in texts if t not in self._phrase_cache]
        if wanted:
            vectors = self._st.encode(wanted, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
            for text, vector in zip(wanted, np.asarray(vectors, dtype=np.float32), strict=True):
                self._phrase_cache[text] = vector
            if len(self._phrase_cache) > 50_000:
                self._phrase_cache.clear()
        result: list[list[tuple[str, float]]] = []
        for caption, ps in zip(captions, phrases, strict=True):
            if not ps:
                result.append([])
                continue
            cvec = self._phrase_cache.get(caption)
            if cvec is None:  # evicted above
                cvec = np.asarray(self._st.encode([caption], normalize_embeddings=True), dtype=np.float32)[0]
            scored = []
            for text in ps:
                vec = self._phrase_cache.get(text)
                if vec is None:
                    vec = np.asarray(self._st.encode([text], normalize_embeddings=True), dtype=np.float32)[0]
                scored.append((text, round(float(np.dot(vec, cvec)), 4)))
            scored.sort(key=lambda x: -x[1])
            result.append(scored)
        return result

    def keyword_vectors(self, texts: Sequence[str]) -> FloatArray:
        """Keyword-model (MiniLM) embeddings of texts, L2-normalised, cached in memory."""
        self.load_keywords()
        texts = list(texts)
        wanted = [t for t in dict.fromkeys(texts) if t not in self._phrase_cache]
        if wanted:
            if len(self._phrase_cache) + len(wanted) > 50_000:
                self._phrase_cache.clear()
                wanted = list(dict.fromkeys(texts))
            vectors = self._st.encode(wanted, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
            for text, vector in zip(wanted, np.asarray(vectors, dtype=np.float32), strict=True):
                self._phrase_cache[text] = vector
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._phrase_cache[t] for t in texts]).astype(np.float32)

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
        if self._neutral is None:
            self._neutral = self.encode_texts([NEUTRAL_TEXT])[0]
        return self._neutral

    def visual_scores(self, image_embeddings: FloatArray, text_embeddings: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(calibrated scores in 0..1, raw cosines), both N images x M texts.

        Each score depends on its own image and text only (see the module docstring).
        """
        raw = (image_embeddings @ text_embeddings.T).astype(np.float32)
        anchor = (image_embeddings @ self.neutral_embedding()).astype(np.float32)[:, None]
        return _sigmoid(np.float32(self._logit_scale) * (raw - anchor)), raw

    def set_vocabulary(self, texts: Sequence[str]) -> None:
        """Texts scored on every photo (built-in list + the library's approved tags), embeddings cached."""
        key = tuple(dict.fromkeys(texts))
        if key == self._vocab_key:
            return
        self.load_visual()
        self._vocab_matrix = self._cached_text_matrix(list(key))
        self._vocab_key = key

    def _cached_text_matrix(self, texts: list[str]) -> FloatArray:
        """Text embeddings through a disk cache keyed by the CLIP version, the templates and the texts."""
        if not texts:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        digest = hashlib.blake2b(
            "\n".join([self.visual_version, *CLIP_TEMPLATES, "", *texts]).encode(), digest_size=12
        ).hexdigest()
        path = cache_dir() / "text-embeddings" / f"{digest}.npy"
        if path.is_file():
            try:
                matrix = np.load(path)
                if matrix.shape[0] == len(texts):
                    for text, vector in zip(texts, matrix, strict=True):
                        self._text_cache.setdefault(text, vector.astype(np.float32))
                    cached: FloatArray = matrix.astype(np.float32)
                    return cached
            except (OSError, ValueError) as exc:
                log.warning("ignoring unreadable text-embedding cache %s: %s", path, exc)
        matrix = self.encode_texts(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, matrix)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("cannot write text-embedding cache %s: %s", path, exc)
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
        blip_pixels, clip_pixels = self._model_inputs(images)
        assert blip_pixels is not None
        captions = self._caption_pixels(blip_pixels)
        embeddings = self._embed_pixels(clip_pixels)
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


_pipelines: dict[tuple[str, ...], Pipeline] = {}


def load_pipeline(settings: Settings) -> Pipeline:
    """The pipeline for these settings (cheap: nothing is imported or loaded until ``load()``).

    One pipeline per model choice, device and dtype per process: jobs and searches that ask
    again get the same object, so the models are loaded once per process and stay loaded.
    """
    settings = settings.with_env()
    key = (settings.captioner, settings.keyword_model, settings.visual_model, settings.device, settings.dtype)
    with _load_lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = _pipelines[key] = Pipeline(settings)
        return pipeline


def analyse_paths(pipeline: Pipeline, paths: Sequence[Path]) -> list[ImageAnalysis]:
    """Convenience for scripts: decode and analyse (no catalog)."""
    return pipeline.analyse([pipeline.decode(p) for p in paths])
