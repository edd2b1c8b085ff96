"""One class per model role: the captioner (BLIP), the keyword embedder (MiniLM) and the visual
model (CLIP). Each has an idempotent, thread-safe :meth:`RoleModel.load` that does the heavy
imports (torch, transformers) and batch methods that load on first use."""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt
from PIL import Image

from ..core.memory import trim_heap
from ..core.settings import Settings
from .clip_text import text_features
from .cpu_speed import measured, time_both
from .dtypes import DevicePlan, device_plan
from .fp16 import HalfStates, fp16_available, half_weights
from .int8 import cpu_capability, int8_backend, quantize_int8
from .int8_check import (
    CAPTIONER_FP16_SCHEME,
    CAPTIONER_SCHEME,
    VISUAL_IMAGE_SCHEME,
    VISUAL_TEXT_SCHEME,
    Int8Verdict,
    cached_verdict,
    digest,
    probe_images,
    probe_texts,
    remember_verdict,
    verdict,
)
from .libraries import import_model_libraries
from .models import ROLE_TITLES, ModelUnavailable, ResolvedModel, Role, fix_hint, resolve_model, role_spec
from .pages import convert_releasing, stored_float_dtype
from .sentence_embedder import open_sentence_embedder

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]

# Prompt ensemble for CLIP text embeddings (averaged, then normalised), after CLIP's own recipe.
CLIP_TEMPLATES: tuple[str, ...] = (
    "a photo of {}.",
    "a photo of the {}.",
    "a close-up photo of {}.",
    "a good photo of {}.",
)
# Prompts per call of CLIP's text tower: enough rows to keep the matrix products efficient, few
# enough that its activations (prompts x tokens x 4 x width floats) stay small next to the weights.
TEXT_CHUNK = 64
# Loading is serialised process-wide: two threads asking for the same models load them once.
LOAD_LOCK = threading.RLock()


def normalise(m: FloatArray) -> FloatArray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    out: FloatArray = (m / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def _pixel_tensor(arrays: list[FloatArray], proc: Any) -> torch.Tensor:
    """A normalised float32 NCHW tensor in host memory from HWC float images, as the model's image
    processor would make it (elementwise: a photo's values never depend on the rest of its batch)."""
    import torch

    batch = np.stack(arrays) * np.float32(proc.rescale_factor)
    mean = np.asarray(proc.image_mean, dtype=np.float32)
    std = np.asarray(proc.image_std, dtype=np.float32)
    batch = (batch - mean) / std
    return torch.from_numpy(np.ascontiguousarray(batch.transpose(0, 3, 1, 2)))


def _blip_pixels(processor: Any, images: Sequence[Image.Image]) -> torch.Tensor:
    """BLIP's input in host memory: each image resized to the processor's size, then normalised."""
    proc = processor.image_processor
    h, w = int(proc.size["height"]), int(proc.size["width"])
    arrays = [np.asarray(img.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32) for img in images]
    return _pixel_tensor(arrays, proc)


# -- tensor transfer: host pixels to the model's device -------------------------------------------


def to_device(tensor: torch.Tensor, device: str, dtype: Any = None) -> torch.Tensor:
    """``tensor`` (in host memory) on ``device`` in ``dtype``. On CUDA the copy goes from pinned
    (page-locked) memory without blocking, so the host prepares the next batch while it runs; the
    cast happens on the GPU. Elsewhere it is a plain cast (pinning needs CUDA)."""
    if str(device).startswith("cuda"):
        if not tensor.is_pinned():
            tensor = tensor.pin_memory()
        tensor = tensor.to(device, non_blocking=True)
        return tensor if dtype is None else tensor.to(dtype)
    return tensor.to(device) if dtype is None else tensor.to(device, dtype)


class RoleModel:
    """A model for one role: resolved from the settings, loaded once on :meth:`load`."""

    role: ClassVar[Role]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._resolved: ResolvedModel | None = None
        self._plan: DevicePlan | None = None
        self.model: Any = None

    @property
    def resolved(self) -> ResolvedModel:
        """Where the model is and its version (checks the folder; loads nothing)."""
        if self._resolved is None:
            self._resolved = resolve_model(self.role, role_spec(self.settings, self.role))
        return self._resolved

    @property
    def version(self) -> str:
        return self.resolved.version

    @property
    def loaded(self) -> bool:
        return self.model is not None

    @property
    def plan(self) -> DevicePlan:
        if self._plan is None:
            self._plan = device_plan(self.settings)
        return self._plan

    def load(self) -> None:
        """Import the libraries and load the model (idempotent; thread-safe). Raises
        :class:`ModelUnavailable` with what to do when the model cannot be loaded."""
        if self.model is None:
            import_model_libraries()  # without long pauses of the other threads (see .libraries)
            flush_denormals()  # before this thread's first parallel operation starts its workers
        with LOAD_LOCK:
            if self.model is not None:
                return
            model = self.resolved
            plan = self.plan
            try:
                loaded = self._open(model, plan)
            except ModelUnavailable:
                raise
            except Exception as exc:
                raise ModelUnavailable(
                    f"The {ROLE_TITLES[model.role]} at {model.path} cannot be loaded ({type(exc).__name__}: {exc}). "
                    f"{fix_hint(model.role)}",
                    model.role,
                ) from exc
            self.model = self._ready(loaded, model, plan)
            trim_heap()  # what loading and quantizing left in the C heap

    def _open(self, model: ResolvedModel, plan: DevicePlan) -> Any:
        """Read the model from its folder (errors become :class:`ModelUnavailable`)."""
        raise NotImplementedError

    def _ready(self, loaded: Any, model: ResolvedModel, plan: DevicePlan) -> Any:
        """Put the opened model on its device and in its final form."""
        return loaded

    def _float(self, loaded: Any, plan: DevicePlan) -> Any:
        """The opened model on its device, ready in its loaded precision."""
        return loaded.to(plan.device).eval()

    # -- auto's int8, checked against float32 per model (see .int8_check) --------------------------

    def _int8_if_close(
        self, loaded: Any, model: ResolvedModel, plan: DevicePlan, scheme: str, subject: str,
        outputs: Callable[[Any], tuple[list[np.ndarray], list[str] | None]], quantize: Callable[[Any, Any], None],
    ) -> tuple[Any, Int8Verdict]:
        """``loaded`` with the int8 layers ``quantize`` makes (in place) when, for this model, they keep
        ``outputs`` (embeddings per probe and, for a captioner, captions) within the bounds of
        :mod:`.int8_check`: measured once, then remembered. Else ``loaded`` as it was, read again
        when the check had replaced its layers."""
        key = self._verdict_key(model, scheme)
        known = cached_verdict(key)
        if known is not None:
            if known.accepted:
                quantize(loaded, int8_backend())
            return loaded, known
        (result,) = self._measure(loaded, model, [(key, subject, quantize)], outputs)
        if not result.accepted:  # back to float32 (read again: the int8 layers replaced the float ones)
            loaded = self._float(self._open(model, plan), plan)
        return loaded, result

    @staticmethod
    def _verdict_key(model: ResolvedModel, scheme: str) -> str:
        """What a remembered verdict is about: the model's version, torch, the int8 kernel, the CPU and the scheme."""
        import torch

        return f"{model.version}|torch={torch.__version__}|{int8_backend()}|{cpu_capability()}|{scheme}"

    @staticmethod
    def _measure(
        loaded: Any, model: ResolvedModel, steps: list[tuple[str, str, Callable[[Any, Any], None]]],
        outputs: Callable[[Any], tuple[list[np.ndarray], list[str] | None]],
    ) -> list[Int8Verdict]:
        """Check ``steps`` (key, subject, change in place) applied one after the other to float32
        ``loaded``: each step's verdict compares the outputs with it and the steps before it applied
        against float32's. Stops after a refused step (those after it are not measured, and not
        returned). Every verdict measured is remembered and logged."""
        backend = int8_backend()
        verdicts: list[Int8Verdict] = []
        try:
            exact = outputs(loaded)
        except Exception:  # float32 itself fails on the probes: nothing approximated
            log.warning("the int8 check of %s failed; it stays float32", model.path, exc_info=True)
            exact = None
        for key, subject, change in steps:
            try:
                if exact is None:
                    raise RuntimeError("no float32 outputs to compare with")
                change(loaded, backend)
                approx = outputs(loaded)
                result = dataclasses.replace(verdict(exact[0], approx[0], exact[1], approx[1]), subject=subject)
            except Exception:  # any failure of the step: not used, and not tried again for this model
                if exact is not None:
                    log.warning("the check of %s (%s) failed; that step is not used", model.path, subject,
                                exc_info=True)
                result = Int8Verdict(False, 0.0, 0, 0, subject)
            log.info("%s (%s)", result.text, model.path)
            remember_verdict(key, result)
            verdicts.append(result)
            if not result.accepted:
                break
        return verdicts


def _in_dtype(cls: Any, model: ResolvedModel, plan: DevicePlan, dtype: Any) -> Any:
    """``cls`` read from the model's folder in ``dtype``. On the CPU it is read as stored (memory-mapped,
    no copy) and then converted tensor by tensor, each stored tensor's pages given back once
    converted (:func:`.pages.convert_releasing`): the file and its converted copy are never both
    in memory. Elsewhere the model is moved to its device afterwards anyway."""
    on_cpu = str(plan.device) == "cpu"
    # As stored: the files' own dtype (not "auto", which follows the config's dtype, and that may differ
    # from the files'); where they mix dtypes, the wanted one (transformers converts while reading).
    stored = stored_float_dtype(model.path) if on_cpu else None
    loaded = cls.from_pretrained(
        str(model.path), local_files_only=True, use_safetensors=True, dtype=dtype if stored is None else stored
    )
    return convert_releasing(loaded, dtype) if on_cpu else loaded


class Captioner(RoleModel):
    """BLIP: a caption per image, greedy decoding with the folder's generation config."""

    role = "captioner"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.processor: Any = None
        self.generation_config: Any = None
        self.int8_verdict: Int8Verdict | None = None  # auto's check of the int8 image path, when made
        self.decoder_fp16 = False  # whether the caption decoder's Linear layers have float16 weights
        self._fp16_later = False  # auto's check accepted them: made by use_fp16_decoder
        self._decoder_lock = threading.Lock()  # decoding and making float16 weights, one at a time

    @property
    def vision_int8(self) -> bool:
        """Whether the image encoder runs in int8 (``--dtype int8``, or ``auto`` with the check passed)."""
        return self.plan.captioner_int8 or bool(self.int8_verdict and self.int8_verdict.accepted)

    def _open(self, model: ResolvedModel, plan: DevicePlan) -> Any:
        from transformers import BlipForConditionalGeneration, BlipProcessor

        self.processor = BlipProcessor.from_pretrained(str(model.path), local_files_only=True)
        return _in_dtype(BlipForConditionalGeneration, model, plan, plan.captioner_dtype)

    def _float(self, loaded: Any, plan: DevicePlan) -> Any:
        import torch

        blip = loaded.to(plan.device).eval()
        fused_vision_attention(blip.vision_model)
        folded_cross_attention(blip.text_decoder)
        if str(plan.device) == "cpu" and plan.captioner_dtype == torch.float32:
            split_linears(blip.text_decoder)
        return blip

    def _ready(self, loaded: Any, model: ResolvedModel, plan: DevicePlan) -> Any:
        self.decoder_fp16 = self._fp16_later = False
        blip = self._float(loaded, plan)
        if plan.captioner_int8:  # the folded cross-attention reads its keys' and values' float weights
            blip = quantize_int8(blip, keep=list(folded_weights(blip.text_decoder)))
        gen = copy.deepcopy(blip.generation_config)
        if getattr(gen, "max_new_tokens", None) is None and not (model.path / "generation_config.json").is_file():
            gen.max_new_tokens = 30  # the folder has no generation config: room for BLIP's usual captions
        # As BlipForConditionalGeneration.generate: captions end at [SEP].
        text_config = blip.config.text_config
        gen.eos_token_id = text_config.sep_token_id if text_config.sep_token_id is not None else gen.eos_token_id
        if gen.pad_token_id is None:
            gen.pad_token_id = text_config.pad_token_id
        self.generation_config = gen
        if plan.vision_int8 and not plan.captioner_int8:
            blip, self.int8_verdict = self._checked_approximations(blip, model, plan)
        return blip

    def _checked_approximations(self, blip: Any, model: ResolvedModel, plan: DevicePlan) -> tuple[Any, Int8Verdict]:
        """``auto`` without native bfloat16: the int8 image encoder when its check passes, else float32.
        Where the check also accepted float16 decoder weights on top of it, they are made when a long
        run asks for them (:meth:`use_fp16_decoder`): making them costs more than a short run saves.
        Both are checked against float32 in one go at a model's first load, and remembered
        (:mod:`.int8_check`)."""
        vision_key = self._verdict_key(model, CAPTIONER_SCHEME)
        both_key = self._verdict_key(model, CAPTIONER_FP16_SCHEME)
        vision, both = cached_verdict(vision_key), cached_verdict(both_key)
        half = fp16_available()
        if vision is not None and not (half and both is None and vision.accepted):  # known: nothing to measure
            if vision.accepted:
                quantize_image_path(blip, int8_backend())
        else:
            steps: list[tuple[str, str, Callable[[Any, Any], None]]] = [
                (vision_key, "image encoder", quantize_image_path)
            ]
            if half and both is None:
                steps.append((both_key, "image encoder, with float16 caption-decoder weights,", _half_decoder))
            measured = self._measure(blip, model, steps, self._probe_outputs)
            vision, both = measured[0], (measured[1] if len(measured) > 1 else both)
            if not vision.accepted or (len(measured) > 1 and not measured[1].accepted):
                blip = self._float(self._open(model, plan), plan)  # float32 again (read anew), then what passed
                if vision.accepted:
                    quantize_image_path(blip, int8_backend())
            elif len(measured) > 1:  # the check made the float16 weights and they passed: kept
                self.decoder_fp16 = True
        self._fp16_later = bool(half and vision.accepted and both is not None and both.accepted)
        return blip, vision

    def use_fp16_decoder(self) -> bool:
        """Give the caption decoder float16 weights where ``auto``'s check accepted them (:mod:`.fp16`),
        for a long run: making them packs about 120 million weights (1.0 s on 2 cores), which a run
        of a few photos would not win back. Thread-safe; returns whether the decoder has them."""
        with self._decoder_lock:
            if self._fp16_later and not self.decoder_fp16 and self.model is not None:
                try:
                    _half_decoder(self.model, None)
                    self.decoder_fp16 = True
                except Exception:  # an optional speed-up: the run goes on with the layers as they are
                    # (each layer is swapped only once made: those made have float16 weights, the rest float32)
                    log.warning("float16 weights for the caption decoder failed; it goes on as it is", exc_info=True)
                    self._fp16_later = False
            return self.decoder_fp16

    def _probe_outputs(self, blip: Any) -> tuple[list[np.ndarray], list[str]]:
        """Image states and captions of the probe pictures."""
        pixels = to_device(_blip_pixels(self.processor, probe_images()), self.plan.device, self.plan.captioner_dtype)
        states = _encode(blip, pixels)
        return [s.float().numpy() for s in states], _greedy(blip, self.generation_config, self.processor, states,
                                                            timed=False)

    def pixels(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """The model's input tensor for a batch of decoded images."""
        return self.to_device(self.host_pixels(images))

    def host_pixels(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """The model's input for a batch of decoded images, float32 in host memory (resize and
        normalise; safe to run in a decode worker thread)."""
        self.load()
        return _blip_pixels(self.processor, images)

    def to_device(self, host: torch.Tensor) -> torch.Tensor:
        """Host pixels (:meth:`host_pixels`, possibly several concatenated) on the model's device and dtype."""
        return to_device(host, self.plan.device, self.plan.captioner_dtype)

    def caption(self, images: Sequence[Image.Image]) -> list[str]:
        """Captions for a batch of decoded images."""
        return self.caption_pixels(self.pixels(images))

    def caption_pixels(self, pixels: torch.Tensor) -> list[str]:
        return self.decode(self.vision_states(pixels))

    def vision_states(self, pixels: torch.Tensor) -> torch.Tensor:
        """BLIP's image encoder. On a CPU one image at a time: as fast as a batch (the activations of
        one 384 px image already fill the cores, and stay in cache), and a photo's caption never
        depends on which other photos share its batch. On CUDA the whole batch in one call: a GPU
        needs the batch to fill itself."""

        self.load()
        return _encode(self.model, pixels)

    def decode(self, image_states: torch.Tensor) -> list[str]:
        """Greedy decoding of a whole batch at once, with the folder's generation_config.json."""

        self.load()
        with self._decoder_lock:
            return _greedy(self.model, self.generation_config, self.processor, image_states)


def quantize_image_path(blip: Any, backend: Any) -> None:
    """int8 for what depends on the image alone: every Linear of the image encoder. The text
    decoder (its cross-attention reads the image states through float32 weights, see
    :func:`folded_cross_attention`) stays as it is."""
    quantize_int8(blip.vision_model, backend, within=blip)


def _half_decoder(blip: Any, backend: Any) -> None:
    """Float16 weights for the text decoder's Linear layers (see :mod:`.fp16`) but the key and value
    layers the folded cross-attention reads as matrices; and from then on, that cross-attention
    reads the image states as float16 too (:class:`.fp16.HalfStates`). ``backend`` unused: a
    check's step."""
    half_weights(blip.text_decoder, within=blip, keep=list(folded_weights(blip.text_decoder)))
    setattr(blip.text_decoder, HALF_STATES, True)


# Set on a text decoder whose folded cross-attention reads the image states as float16.
HALF_STATES = "_imgtag_half_states"
# The image states of the decoder call running on this thread, packed as float16 (see _greedy).
_decoding = threading.local()


def _packed_states() -> HalfStates | None:
    return getattr(_decoding, "states", None)


def fused_vision_attention(vision_model: Any) -> int:
    """Run the image encoder's self-attention through torch's fused ``scaled_dot_product_attention``
    (the same product, softmax and weighting as BLIP's own matmul + softmax, without materialising
    the 577 x 577 score matrices). Returns how many attention blocks were switched; a block without
    BLIP's ``qkv`` / ``projection`` / ``num_heads`` / ``scale`` keeps its own forward. The blocks
    change class (no self-reference: they are freed with the model)."""
    switched = 0
    for module in vision_model.modules():
        if all(hasattr(module, name) for name in ("qkv", "projection", "num_heads", "scale")):
            module.__class__ = _fused_attention_class(type(module))
            switched += 1
    return switched


_SUBCLASSES: dict[tuple[type, str], type] = {}


def _subclass(base: type, marker: str, make_forward: Callable[[type], Callable[..., Any]]) -> type:
    """``base`` with the forward ``make_forward(base)`` and the class flag ``marker``: one subclass per
    class and flag, made once; a class that has the flag already is returned as it is."""
    if getattr(base, marker, False):
        return base
    key = (base, marker)
    if key not in _SUBCLASSES:
        name = marker.split("_")[0].capitalize() + base.__name__
        _SUBCLASSES[key] = type(name, (base,), {"forward": make_forward(base), marker: True})
    return _SUBCLASSES[key]


def _fused_attention_class(base: type) -> type:
    """``base`` with the fused forward (one subclass per attention class)."""
    return _subclass(base, "fused_attention", _fused_forward)


def _fused_forward(base: type) -> Callable[..., Any]:
    import torch

    def forward(self: Any, hidden_states: torch.Tensor, *args: Any, **kwargs: Any) -> tuple[torch.Tensor, None]:
        b, t, e = hidden_states.shape
        heads = int(self.num_heads)
        qkv = self.qkv(hidden_states).reshape(b, t, 3, heads, e // heads).permute(2, 0, 3, 1, 4)
        context = torch.nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], scale=float(self.scale))
        return self.projection(context.permute(0, 2, 1, 3).reshape(b, t, e)), None

    return forward


def folded_cross_attention(text_decoder: Any) -> int:
    """Run the text decoder's cross-attention on the image states themselves instead of on cached
    keys and values. With E the image states, a head's key for image token j is ``Wk E_j + bk`` and
    its value ``Wv E_j + bv``; so ``q . k_j = (Wk^T q) . E_j + q . bk``, where the last term is the
    same for every j and cancels in the softmax, and ``sum_j p_j v_j = Wv (sum_j p_j E_j) + bv``.
    The same attention, without the 12 layers x 2 x 577 x 768 cached keys and values per photo
    (42 MB in float32): each layer of each step reads the photo's image states (1.7 MB, so 21 MB a
    step) instead of its cached keys and values (3.5 MB, 42 MB a step), which is less memory and
    less memory traffic for a decoder that is bound by it. Returns how many
    cross-attention blocks were switched (those with ``query``/``key``/``value`` and heads)."""
    switched = 0
    for layer in text_decoder.modules():
        attention = getattr(getattr(layer, "crossattention", None), "self", None)
        if attention is not None and all(
            hasattr(attention, n) for n in ("query", "key", "value", "num_attention_heads", "attention_head_size")
        ):
            attention.__class__ = _folded_attention_class(type(attention))
            switched += 1
    return switched


def folded_weights(text_decoder: Any) -> Iterator[Any]:
    """The key and value layers the folded cross-attention reads as matrices."""
    for module in text_decoder.modules():
        if getattr(type(module), "folded_attention", False):
            yield module.key
            yield module.value


def _folded_attention_class(base: type) -> type:
    """``base`` with the folded cross-attention forward (one subclass per attention class)."""
    return _subclass(base, "folded_attention", _folded_forward)


def _folded_forward(base: type) -> Callable[..., Any]:
    import torch

    own_forward: Callable[..., Any] = base.forward  # type: ignore[attr-defined]

    def forward(
        self: Any, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None,
        encoder_hidden_states: torch.Tensor | None = None, encoder_attention_mask: torch.Tensor | None = None,
        *args: Any, **kwargs: Any,
    ) -> Any:
        if encoder_hidden_states is None or self.training:
            return own_forward(self, hidden_states, attention_mask, encoder_hidden_states, encoder_attention_mask,
                               *args, **kwargs)
        b, t, _ = hidden_states.shape
        heads, size = int(self.num_attention_heads), int(self.attention_head_size)
        states = encoder_hidden_states  # (b, s, e)
        e = states.shape[-1]
        packed = _packed_states()
        if packed is not None and not packed.holds(states):
            packed = None
        # Per head, batched over heads: (h, b*t, d) @ (h, d, e) -> Wk^T q, as (b, h*t, e).
        query = self.query(hidden_states).view(b * t, heads, size).transpose(0, 1)
        folded = torch.bmm(query, self.key.weight.view(heads, size, e))
        folded = folded.view(heads, b, t, e).transpose(0, 1).reshape(b, heads * t, e)
        scores = packed.scores(folded) if packed is not None else torch.bmm(folded, states.transpose(1, 2))
        scores = scores.view(b, heads, t, -1) / math.sqrt(size)
        if encoder_attention_mask is not None:
            scores = scores + encoder_attention_mask.to(scores.device)
        probs = torch.softmax(scores, dim=-1)
        weights = probs.view(b, heads * t, -1)
        # sum_j p_j E_j: (b, h*t, e)
        mixed = packed.mix(weights) if packed is not None else torch.bmm(weights, states)
        mixed = mixed.view(b, heads, t, e).transpose(0, 1).reshape(heads, b * t, e)
        context = torch.bmm(mixed, self.value.weight.view(heads, size, e).transpose(1, 2))  # (h, b*t, d)
        context = context + self.value.bias.view(heads, 1, size)
        return context.view(heads, b, t, size).permute(1, 2, 0, 3).reshape(b, t, heads * size), probs

    return forward


# Rows up to which a split Linear layer computes one slice of its outputs per thread (below) instead
# of torch's own call. Above, a product has rows enough to fill the cores as it is.
SPLIT_MAX_ROWS = 64
# Up to this many rows each slice multiplies the weight by the input's columns (a matrix-vector
# product per row: the fastest for one row, with other rounding than torch's own call); above, the
# input by the weight's transpose, as torch's own call does, with bit-identical results.
SPLIT_COLUMN_ROWS = 4


def split_linears(text_decoder: Any) -> int:
    """Run the text decoder's Linear layers as one slice of output features per thread. The decoder generates
    one token per step for a few photos, so each layer multiplies a few rows by its whole weight: a product
    bound by reading the weight. torch's own call runs such a thin product on one core (17 GB/s measured on
    a 2-core machine whose memory gives 40-45 GB/s), while a batched product over equal slices of the
    weight's rows gives each thread its own slice (measured 1.4x at 16 rows, 1.8-3x at one row). On another
    2-core machine the slices were slower (torch's own call used both cores there), so a decoder call uses
    them only where they were measured faster on this machine for its number of rows (:func:`_split_pays`).
    Nothing is copied: the slices are views of the weight. Float32 layers on the CPU, at most
    :data:`SPLIT_MAX_ROWS` rows; anything else runs as before (bfloat16 too: on a CPU with native bfloat16,
    torch's own call was faster at one row, 0.38 against 0.54 s a caption, and the same at 16). Returns how
    many layers were switched (the class changes, as for the other switches here)."""
    import torch

    switched = 0
    for module in text_decoder.modules():
        if type(module) is torch.nn.Linear or getattr(type(module), "split_rows", False):
            module.__class__ = _subclass(type(module), "split_rows", _split_forward)
            switched += 1
    return switched


def _split_parts(features: int, threads: int) -> int:
    """The largest number of equal slices of ``features`` that is at most ``threads``."""
    return max(p for p in range(1, max(threads, 1) + 1) if features % p == 0)


def _split_forward(base: type) -> Callable[..., Any]:
    import torch

    own_forward: Callable[..., Any] = base.forward  # type: ignore[attr-defined]

    def forward(self: Any, x: torch.Tensor) -> torch.Tensor:
        weight, bias = self.weight, self.bias
        n, k = weight.shape
        rows = x.reshape(-1, k)
        m = rows.shape[0]
        if (
            m > SPLIT_MAX_ROWS or x.device.type != "cpu" or weight.dtype != torch.float32 or x.dtype != torch.float32
            or not weight.is_contiguous() or torch.is_grad_enabled() or not getattr(_decoding, "split", True)
        ):
            return own_forward(self, x)  # type: ignore[no-any-return]
        parts = _split_parts(n, torch.get_num_threads())
        if parts < 2:
            return own_forward(self, x)  # type: ignore[no-any-return]
        slices = weight.view(parts, n // parts, k)
        if m <= SPLIT_COLUMN_ROWS:  # (parts, n/parts, k) @ (parts, k, m): slices by columns
            columns = rows.t().expand(parts, k, m)
            y = torch.bmm(slices, columns) if bias is None else torch.baddbmm(bias.view(parts, -1, 1), slices, columns)
            out = y.view(n, m).t().contiguous()
        else:  # (parts, m, k) @ (parts, k, n/parts): as torch's own call, slice by slice
            expanded, t = rows.expand(parts, m, k), slices.transpose(1, 2)
            y = torch.bmm(expanded, t) if bias is None else torch.baddbmm(bias.view(parts, 1, -1), expanded, t)
            out = y.transpose(0, 1).reshape(m, n)
        return out.view(*x.shape[:-1], n)

    return forward


def flush_denormals() -> None:
    """Treat float32 values below 1.2e-38 as zero on this thread (x86 FTZ/DAZ): arithmetic on such
    values is many times slower on x86, and their contribution to any result is nil. Per thread:
    called on a model thread before its first parallel operation, the workers it starts inherit it."""
    import torch

    torch.set_flush_denormal(True)


def _encode(blip: Any, pixels: torch.Tensor) -> torch.Tensor:
    """BLIP's image encoder over a batch of pixels (one image at a time except on CUDA)."""
    import torch

    flush_denormals()
    with torch.inference_mode():
        if pixels.device.type == "cuda":  # CUDA batching of the vision encoder
            return blip.vision_model(pixel_values=pixels)[0]  # type: ignore[no-any-return]
        states = [blip.vision_model(pixel_values=pixels[i : i + 1])[0] for i in range(pixels.shape[0])]
        batch = torch.cat(states)
    del states
    trim_heap()  # each photo's activations: 84 MB the C heap kept for a batch of 16 with the full-size model
    return batch


def _half_states(blip: Any, generation_config: Any, image_states: torch.Tensor, *, timed: bool = True
                 ) -> HalfStates | None:
    """The image states packed as float16 for a decoder call, where the decoder reads them so (see
    :func:`_half_decoder`), the call passes them on as they are (one sequence per photo: a beam
    search or several captions per photo copy them, and copies are read as they are), and, when
    ``timed``, packing was timed faster on this machine (:func:`_half_states_pay`). The first-load
    check passes ``timed=False``: its verdict must cover the packed states, whichever shape a run's
    timing favours. None elsewhere, and where packing fails: an optional speed-up, the call goes on
    without it."""
    import torch

    if not (
        getattr(blip.text_decoder, HALF_STATES, False) and image_states.device.type == "cpu"
        and image_states.dtype == torch.float32 and (getattr(generation_config, "num_beams", 1) or 1) == 1
        and (getattr(generation_config, "num_return_sequences", 1) or 1) == 1
    ):
        return None
    try:
        if timed and not _half_states_pay(blip.text_decoder, generation_config, image_states):
            return None
        return HalfStates(image_states)
    except Exception:
        log.warning("float16 image states for the caption decoder failed; it reads them as they are", exc_info=True)
        return None


def _cross_attentions(text_decoder: Any) -> list[Any]:
    return [m for m in text_decoder.modules() if getattr(type(m), "folded_attention", False)]


def _half_states_pay(text_decoder: Any, generation_config: Any, image_states: torch.Tensor) -> bool:
    """Whether packing these image states as float16 (:class:`.fp16.HalfStates`) makes a decoder call
    faster on this machine than reading them as they are: the packing once, then every
    cross-attention block of every generated token multiplies each photo's states twice. Timed
    once per machine and shape (:func:`.cpu_speed.measured`): on one 2-core machine the packed
    products were 1.7-2.5x as fast, on another slower."""
    import torch

    heads, uses = _cross_attention_uses(text_decoder, generation_config)
    if not uses:
        return False
    photos, tokens, width = (int(n) for n in image_states.shape)

    def measure() -> tuple[float, float]:
        generator = torch.Generator().manual_seed(0)
        states = torch.randn(photos, tokens, width, generator=generator)
        folded = torch.randn(photos, heads, width, generator=generator)
        weights = torch.softmax(torch.randn(photos, heads, tokens, generator=generator), dim=-1)
        held: list[HalfStates] = []  # the last packing only: each holds about 43 MB at 16 photos

        def pack() -> None:
            held.clear()
            held.append(HalfStates(states))

        pack_s, _ = time_both(pack, lambda: None, rounds=2, calls=1)
        packed = held.pop()
        half_s, float_s = time_both(
            lambda: (packed.scores(folded), packed.mix(weights)),
            lambda: (torch.bmm(folded, states.transpose(1, 2)), torch.bmm(weights, states)),
        )
        return pack_s + uses * half_s, uses * float_s

    timing = measured(half_states_timing(text_decoder, generation_config, image_states), *HALF_STATES_WAYS, measure)
    return timing is not None and timing.first_pays


# The two ways :func:`_half_states_pay` times, and :func:`_split_pays`.
HALF_STATES_WAYS = ("float16 states", "float32 states")
SPLIT_WAYS = ("split layers", "whole layers")


def half_states_timing(text_decoder: Any, generation_config: Any, image_states: torch.Tensor) -> str:
    """The name of :func:`_half_states_pay`'s timing for a decoder call (see :func:`.cpu_speed.measured`):
    the states' shape, the heads and how many times a call multiplies them."""
    heads, uses = _cross_attention_uses(text_decoder, generation_config)
    photos, tokens, width = (int(n) for n in image_states.shape)
    return f"decoder-half-states|{photos}x{tokens}x{width}|heads={heads}|uses={uses}"


def _cross_attention_uses(text_decoder: Any, generation_config: Any) -> tuple[int, int]:
    """The folded cross-attention's heads, and how many times a decoder call runs it: its blocks times
    the call's most tokens (0, 0 without such blocks)."""
    blocks = _cross_attentions(text_decoder)
    heads = int(blocks[0].num_attention_heads) if blocks else 0
    return heads, len(blocks) * int(getattr(generation_config, "max_new_tokens", None) or 20)


def _called_split_layers(text_decoder: Any) -> list[Any]:
    """The decoder's split Linear layers a decoder call runs (not the key and value layers the folded
    cross-attention reads as matrices)."""
    folded = {id(m) for m in folded_weights(text_decoder)}
    return [m for m in text_decoder.modules() if getattr(type(m), "split_rows", False) and id(m) not in folded]


def split_timing(text_decoder: Any, rows: int) -> str:
    """The name of :func:`_split_pays`' timing: the rows, and the split layers' count and shapes."""
    layers = _called_split_layers(text_decoder)
    shapes = sorted({(int(m.weight.shape[1]), int(m.weight.shape[0])) for m in layers})
    return f"decoder-split-layers|rows={rows}|layers={len(layers)}|shapes={shapes}"


def _split_pays(text_decoder: Any, rows: int) -> bool:
    """Whether the decoder's split Linear layers (:func:`split_linears`) are faster on this machine than
    torch's own call, for ``rows`` rows: every such layer a call runs timed both ways on random rows,
    once per machine, layer shapes and rows (:func:`.cpu_speed.measured`). False where nothing is
    timed (nothing split, too many rows, one thread) or the timing fails: torch's own call then."""
    import torch

    layers = _called_split_layers(text_decoder)
    if not layers or rows > SPLIT_MAX_ROWS or torch.get_num_threads() < 2:
        return False
    def measure() -> tuple[float, float]:
        inputs = [(layer, torch.randn(rows, int(layer.weight.shape[1]))) for layer in layers]

        def run(split: bool) -> None:
            _decoding.split = split
            try:
                for layer, x in inputs:
                    layer(x)
            finally:
                _decoding.split = True

        return time_both(lambda: run(True), lambda: run(False), rounds=3, calls=1)

    try:
        timing = measured(split_timing(text_decoder, rows), *SPLIT_WAYS, measure)
    except Exception:  # an optional speed-up: the call goes on with torch's own products
        log.warning("timing the caption decoder's split layers failed", exc_info=True)
        return False
    return timing is not None and timing.first_pays


def _greedy(blip: Any, generation_config: Any, processor: Any, image_states: torch.Tensor, *, timed: bool = True
            ) -> list[str]:
    """Greedy captions of a whole batch of image states in one decoder call (``timed``: see
    :func:`_half_states`; the split layers are then used only where timed faster)."""
    import torch

    flush_denormals()
    text_config = blip.config.text_config
    n = image_states.shape[0]
    input_ids = torch.full((n, 1), int(text_config.bos_token_id), dtype=torch.long, device=image_states.device)
    mask = torch.ones(image_states.shape[:-1], dtype=torch.long, device=image_states.device)
    with torch.inference_mode():
        split = timed and image_states.device.type == "cpu" and _split_pays(blip.text_decoder, n)
        _decoding.states = _half_states(blip, generation_config, image_states, timed=timed)
        _decoding.split = split
        try:
            # As BlipForConditionalGeneration.generate does, but the decoder's own defaults would
            # ignore the folder's generation_config.json: pass it explicitly.
            out = blip.text_decoder.generate(
                input_ids=input_ids,
                encoder_hidden_states=image_states,
                encoder_attention_mask=mask,
                generation_config=generation_config,
            )
        finally:
            _decoding.states = None
            _decoding.split = True
    texts = processor.batch_decode(out, skip_special_tokens=True)
    trim_heap()  # the batch's decoding activations, the largest a batch makes
    return [" ".join(str(t).split()) for t in texts]


class KeywordEmbedder(RoleModel):
    """MiniLM sentence embeddings (L2-normalised) for captions and their phrases, cached per text."""

    role = "keywords"
    CACHE_LIMIT = 50_000

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._cache: dict[str, FloatArray] = {}

    def _open(self, model: ResolvedModel, plan: DevicePlan) -> Any:
        # Plain transformers and the folder's pooling: the same vectors as sentence-transformers,
        # without importing it (see .sentence_embedder).
        return open_sentence_embedder(model.path, plan.device)

    def embed(self, texts: Sequence[str]) -> dict[str, FloatArray]:
        """The embedding of each distinct text."""
        self.load()
        wanted = [t for t in dict.fromkeys(texts) if t not in self._cache]
        fresh: dict[str, FloatArray] = {}
        if wanted:
            vectors = self.model.encode(wanted, batch_size=64)
            fresh = dict(zip(wanted, np.asarray(vectors, dtype=np.float32), strict=True))
            if len(self._cache) + len(fresh) > self.CACHE_LIMIT:
                self._cache.clear()
            self._cache.update(fresh)
        return {t: fresh[t] if t in fresh else self._cache[t] for t in dict.fromkeys(texts)}


class VisualModel(RoleModel):
    """CLIP: image embeddings and prompt-averaged text embeddings in the same space."""

    role = "visual"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.processor: Any = None
        self.logit_scale = 100.0
        self.image_verdict: Int8Verdict | None = None  # auto's checks of the int8 towers, when made
        self.text_verdict: Int8Verdict | None = None
        self._text_cache: dict[str, FloatArray] = {}
        # Fast tokenizers refuse concurrent use ("Already borrowed"): the window's searches encode
        # on the query worker while a tagging job scores phrases with the same CLIP tokenizer on
        # its own thread (never on the GUI thread).
        self._tokenizer_lock = threading.Lock()

    def _open(self, model: ResolvedModel, plan: DevicePlan) -> Any:
        from transformers import CLIPModel, CLIPProcessor

        self.processor = CLIPProcessor.from_pretrained(str(model.path), local_files_only=True)
        return _in_dtype(CLIPModel, model, plan, plan.visual_dtype)

    def _float(self, loaded: Any, plan: DevicePlan) -> Any:
        clip = loaded.to(plan.device).eval()
        if self.image_verdict is not None and self.image_verdict.accepted:  # read again after a refused text check
            _quantize_image_tower(clip, int8_backend())
        return clip

    def _ready(self, loaded: Any, model: ResolvedModel, plan: DevicePlan) -> Any:
        self.image_verdict = self.text_verdict = None
        clip = self._float(loaded, plan)
        self.logit_scale = float(min(100.0, float(clip.logit_scale.exp().item())))
        if plan.visual_int8:  # each tower checked on its own: one may pass where the other does not
            clip, self.image_verdict = self._int8_if_close(
                clip, model, plan, VISUAL_IMAGE_SCHEME, "CLIP image tower", self._probe_images, _quantize_image_tower
            )
            clip, self.text_verdict = self._int8_if_close(
                clip, model, plan, f"{VISUAL_TEXT_SCHEME},templates={digest(CLIP_TEMPLATES)}", "CLIP text tower",
                self._probe_texts, _quantize_text_tower,
            )
        return clip

    @property
    def int8_towers(self) -> str:
        """Which towers run in int8: "", "image", "text" or "image+text"."""
        towers = [name for name, v in (("image", self.image_verdict), ("text", self.text_verdict)) if v and v.accepted]
        return "+".join(towers)

    def _probe_images(self, clip: Any) -> tuple[list[np.ndarray], None]:
        return list(_clip_image_embeddings(clip, self.to_device(_clip_pixels(self.processor, probe_images())))), None

    def _probe_texts(self, clip: Any) -> tuple[list[np.ndarray], None]:
        """As the vocabulary's embeddings are made: prompt-averaged."""
        return list(self._text_embeddings(clip, list(probe_texts()))), None

    @property
    def embedding_dim(self) -> int:
        self.load()
        return int(self.model.config.projection_dim)

    def pixels(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """The model's input tensor (shortest edge resized, centre crop) for a batch of decoded images."""
        return self.to_device(self.host_pixels(images))

    def host_pixels(self, images: Sequence[Image.Image]) -> torch.Tensor:
        """The model's input for a batch of decoded images, float32 in host memory (safe to run in a
        decode worker thread)."""
        self.load()
        return _clip_pixels(self.processor, images)

    def to_device(self, host: torch.Tensor) -> torch.Tensor:
        """Host pixels (:meth:`host_pixels`, possibly several concatenated) on the model's device and dtype."""
        return to_device(host, self.plan.device, self.plan.visual_dtype)

    def image_embeddings(self, images: Sequence[Image.Image]) -> FloatArray:
        """L2-normalised image embeddings (N x D float32)."""
        return self.embed_pixels(self.pixels(images))

    def embed_pixels(self, pixels: torch.Tensor) -> FloatArray:
        self.load()
        return _clip_image_embeddings(self.model, pixels)

    def encode_texts(self, texts: Sequence[str]) -> FloatArray:
        """Text embeddings, prompt-template averaged, L2-normalised (N x D float32)."""
        self.load()
        missing = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if missing:
            self._encode_into_cache(missing)
        if not texts:
            return np.zeros((0, self.embedding_dim), dtype=np.float32)
        return np.stack([self._text_cache[t] for t in texts]).astype(np.float32)

    def remember(self, texts: Sequence[str], matrix: FloatArray) -> None:
        """Keep text embeddings computed elsewhere (the disk cache) for :meth:`encode_texts`."""
        for text, vector in zip(texts, matrix, strict=True):
            self._text_cache.setdefault(text, vector.astype(np.float32))

    def knows(self, text: str) -> bool:
        """Whether the embedding of ``text`` is in memory."""
        return text in self._text_cache

    def _encode_into_cache(self, texts: list[str]) -> None:
        for text, vector in zip(texts, self._text_embeddings(self.model, texts), strict=True):
            self._text_cache[text] = vector

    def _text_embeddings(self, clip: Any, texts: list[str]) -> FloatArray:
        """Prompt-averaged, normalised text embeddings of ``texts`` by ``clip``."""
        flush_denormals()
        # A hierarchical tag ('places|paris') is shown to CLIP by its leaf.
        prompts = [tpl.format(t.split("|")[-1]) for t in texts for tpl in CLIP_TEMPLATES]
        tok = self.processor.tokenizer
        max_len = int(getattr(clip.config.text_config, "max_position_embeddings", 77))
        with self._tokenizer_lock:
            ids = tok(prompts, truncation=True, max_length=max_len)["input_ids"]
        pad = tok.pad_token_id if tok.pad_token_id is not None else 0
        groups = [i % len(CLIP_TEMPLATES) for i in range(len(prompts))]  # a template's prompts begin alike
        features = normalise(text_features(clip, ids, groups, self.plan.device, TEXT_CHUNK, int(pad)))
        per_prompt = features.reshape(len(texts), len(CLIP_TEMPLATES), -1)
        return normalise(per_prompt.mean(axis=1))


def _quantize_image_tower(clip: Any, backend: Any) -> None:
    """int8 for CLIP's image tower (its final projection stays float32)."""
    quantize_int8(clip.vision_model, backend, within=clip)


def _quantize_text_tower(clip: Any, backend: Any) -> None:
    """int8 for CLIP's text tower (its final projection stays float32)."""
    quantize_int8(clip.text_model, backend, within=clip)


def _clip_pixels(processor: Any, images: Sequence[Image.Image]) -> torch.Tensor:
    """CLIP's input in host memory: shortest edge resized, centre crop, normalised."""
    proc = processor.image_processor
    short = int(proc.size["shortest_edge"]) if proc.size.get("shortest_edge") else int(proc.size["height"])
    ch, cw = int(proc.crop_size["height"]), int(proc.crop_size["width"])
    arrays = []
    for img in images:
        w, h = img.size
        scale = short / min(w, h)
        rw, rh = max(cw, round(w * scale)), max(ch, round(h * scale))
        resized = img.resize((rw, rh), Image.Resampling.BICUBIC)
        left, top = (rw - cw) // 2, (rh - ch) // 2
        arrays.append(np.asarray(resized.crop((left, top, left + cw, top + ch)), dtype=np.float32))
    return _pixel_tensor(arrays, proc)


def _clip_image_embeddings(clip: Any, pixels: torch.Tensor) -> FloatArray:
    """L2-normalised image embeddings (N x D float32)."""
    import torch

    flush_denormals()
    with torch.inference_mode():
        feats = clip.get_image_features(pixel_values=pixels)
    feats = getattr(feats, "pooler_output", feats)
    embeddings = normalise(feats.float().cpu().numpy())
    if pixels.device.type == "cpu":
        trim_heap()  # the batch's activations (60 MB kept for 16 photos with the full-size model)
    return embeddings
