"""Give back the memory pages of weights a model no longer uses.

Weights are read from memory-mapped safetensors files: a float32 weight replaced by an int8 copy
stays mapped while any other weight of its file is alive, and the pages read while quantizing it
stay resident, counted in the process's memory, until the kernel needs them. ``madvise`` with
``MADV_DONTNEED`` drops them from this process at once (a file's pages stay in the page cache; an
anonymous page is freed). Only whole pages inside a released tensor's bytes are dropped, and never
a page that holds bytes of a tensor the model still uses.
"""

from __future__ import annotations

import bisect
import collections
import concurrent.futures
import ctypes
import functools
import json
import logging
import mmap
import struct
import sys
from collections.abc import Container, Iterable
from pathlib import Path
from typing import Any

from ..core.memory import trim_heap

log = logging.getLogger(__name__)

MADV_DONTNEED = 4  # Linux


@functools.cache
def _madvise() -> Any:
    """libc's ``madvise``, or None where it is not Linux's."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.madvise
    except (OSError, AttributeError):
        return None
    call.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    call.restype = ctypes.c_int
    return call


def _span(tensor: Any) -> tuple[int, int]:
    """The bytes ``tensor`` reads: [start, end) (from its first to its last element, strides included)."""
    start = int(tensor.data_ptr())
    last = sum((size - 1) * stride for size, stride in zip(tensor.shape, tensor.stride(), strict=True) if size)
    return start, start + (int(last) + 1) * tensor.element_size()


class _Spans:
    """The byte spans of tensors, sorted, to find the ones overlapping a range in about log time."""

    def __init__(self, tensors: Iterable[Any]) -> None:
        spans = sorted((*_span(t), id(t)) for t in tensors if t.device.type == "cpu" and t.numel())
        self.spans = spans
        self.starts = [lo for lo, _, _ in spans]
        self.reach: list[int] = []  # the furthest end among spans[: k + 1]
        for _, hi, _ in spans:
            self.reach.append(max(hi, self.reach[-1]) if self.reach else hi)

    def clear_of(self, first: int, last: int, ignored: Container[int]) -> tuple[int, int]:
        """[first, last) shrunk, in whole pages, so it holds no byte of a span (except those of the
        tensors whose ids are ``ignored``); empty (first >= last) when a span lies inside it."""
        page = mmap.PAGESIZE
        k = bisect.bisect_left(self.starts, last) - 1  # spans[k] is the last that starts before ``last``
        while k >= 0 and self.reach[k] > first and first < last:
            lo, hi, owner = self.spans[k]
            k -= 1
            if owner in ignored or hi <= first:
                continue
            if lo <= first:
                first = max(first, -(-hi // page) * page)
            elif hi >= last:
                last = min(last, lo // page * page)
            else:  # a kept tensor inside: keep this one's pages whole
                first = last
        return first, last


def release_pages(released: Iterable[Any], kept: Iterable[Any]) -> int:
    """Drop the resident pages of the CPU tensors in ``released`` (which must never be read
    again) that hold no byte of a tensor in ``kept``. Returns the bytes given back (0 where the
    system has no ``madvise``)."""
    return _release(released, _Spans(kept), ())


class LayerByLayer:
    """:func:`release_pages` for the weights of ``scope``'s layers, released one layer at a time: the
    spans are sorted once, a tensor's pages go once no layer of ``scope`` uses it any more (a tied
    weight stays while its other user does), and a page once every tensor with a byte on it is gone."""

    def __init__(self, scope: Any) -> None:
        named = [*scope.named_parameters(remove_duplicate=False), *scope.named_buffers(remove_duplicate=False)]
        self._tensors = {id(t): t for _, t in named}  # held, so that their ids stay theirs
        self._users = collections.Counter(id(t) for _, t in named)
        self._spans = _Spans(self._tensors.values())
        self._released: set[int] = set()

    def release(self, tensor: Any) -> int:
        """One user of ``tensor`` (a tensor of ``scope``) is gone; once it was the last, drop its pages
        (it is never read again). Returns the bytes given back."""
        key = id(tensor)
        self._users[key] -= 1
        if self._users[key] > 0 or key not in self._tensors:
            return 0
        self._released.add(key)
        return _release([tensor], self._spans, self._released)


# Layers made at a time at most (int8 or float16 weights): the gain was measured on 2 cores (the
# kernels that pack a layer run without the interpreter lock); each worker also runs torch's own
# threads and holds its own temporaries (an int8 layer's scratch is the largest layer's size, up
# to 94 MB for a 30524-word output layer, of which only the pages a layer touches are made), so
# more workers are not assumed to help.
MAX_LAYER_WORKERS = 2


def layer_workers() -> int:
    """Layers made at a time by default: one per torch thread, at most :data:`MAX_LAYER_WORKERS`. On
    2 cores two at a time quantized the captioner's image encoder in 0.31-0.32 s against 0.38-0.42 s
    one by one, and packed the caption decoder's float16 weights in 1.0 s against 1.37 s (measured
    on a 2-core AVX2 machine)."""
    import torch

    return max(1, min(MAX_LAYER_WORKERS, torch.get_num_threads()))


def replace_linears(
    model: Any, make: Any, *, within: Any = None, keep: Any = (), trim_every: int = 4, workers: int | None = None
) -> int:
    """Every ``nn.Linear`` of ``model`` but those in ``keep`` replaced, in place, by ``make(layer)``,
    each replaced weight's pages given back at once (:class:`LayerByLayer` over ``within``, default
    ``model``: a tensor another layer of it still uses stays) and the C heap trimmed every
    ``trim_every`` layers, so the float weights and the making's temporaries never pile up.
    ``workers`` > 1 makes that many layers at a time on threads (default :func:`layer_workers`; for a
    ``make`` that releases the interpreter lock and shares nothing between calls). Returns how many
    layers were replaced."""
    import torch

    pages = LayerByLayer(model if within is None else within)
    targets = [
        (parent, name, child)
        for parent in list(model.modules())
        for name, child in list(parent.named_children())
        if isinstance(child, torch.nn.Linear) and not any(child is k for k in keep)
    ]
    step = max(1, layer_workers() if workers is None else workers)
    pool = concurrent.futures.ThreadPoolExecutor(step, thread_name_prefix="imgtag-layers") if step > 1 else None
    untrimmed = 0
    try:
        for first in range(0, len(targets), step):
            group = targets[first : first + step]
            made = list(pool.map(make, [c for _, _, c in group])) if pool else [make(c) for _, _, c in group]
            for (parent, name, child), layer in zip(group, made, strict=True):
                setattr(parent, name, layer)
                pages.release(child.weight)
            untrimmed += len(group)
            if untrimmed >= trim_every:
                trim_heap()
                untrimmed = 0
    finally:
        if pool is not None:
            pool.shutdown()
    trim_heap()
    return len(targets)


def _release(released: Iterable[Any], kept: _Spans, ignored: Container[int]) -> int:
    call = _madvise()
    if call is None:
        return 0
    page = mmap.PAGESIZE
    given = 0
    for tensor in released:
        if tensor.device.type != "cpu" or not tensor.numel() or not tensor.is_contiguous():
            continue
        start = int(tensor.data_ptr())
        end = start + tensor.numel() * tensor.element_size()
        first, last = -(-start // page) * page, end // page * page  # whole pages inside [start, end)
        first, last = kept.clear_of(first, last, ignored)  # never a page that holds a kept byte
        if last <= first:
            continue
        if call(ctypes.c_void_p(first), ctypes.c_size_t(last - first), MADV_DONTNEED) == 0:
            given += last - first
        else:
            log.debug("madvise failed: errno %d", ctypes.get_errno())
    return given


def convert_releasing(model: Any, dtype: Any) -> Any:
    """``model``'s floating-point parameters and buffers converted to ``dtype`` in place, one tensor
    at a time, each original's pages given back as soon as its copy exists: converting a model read
    from a memory-mapped file then never holds the whole file and the whole copy at once. A tensor
    shared by several modules (tied weights) is converted once and stays shared."""
    import torch

    entries = [
        (store, name, tensor)
        for module in model.modules()
        for store in (module._parameters, module._buffers)
        for name, tensor in store.items()
        if tensor is not None
    ]
    # Whatever may still read a converted tensor's bytes: every other tensor of the model not
    # converted (yet). The originals stay referenced here until the end, so no id is reused.
    originals = [tensor for _, _, tensor in entries]
    spans = _Spans(originals)
    converted: dict[int, Any] = {}
    for store, name, tensor in entries:
        if not tensor.is_floating_point() or tensor.dtype == dtype:
            continue
        if id(tensor) not in converted:
            copy = tensor.detach().to(dtype)
            if isinstance(tensor, torch.nn.Parameter):
                copy = torch.nn.Parameter(copy, requires_grad=tensor.requires_grad)
            converted[id(tensor)] = copy
            _release([tensor.detach()], spans, converted)  # its own span is among the converted
        store[name] = converted[id(tensor)]
    del originals
    return model


_FLOAT_DTYPES = {"F16": "float16", "BF16": "bfloat16", "F32": "float32", "F64": "float64"}


def stored_float_dtype(folder: Path) -> Any:
    """The one floating-point dtype the safetensors weights in ``folder`` are stored in (a
    ``torch.dtype``), read from the files' headers; None when they store several, none, or cannot
    be read. ``from_pretrained(dtype="auto")`` would take the config's ``dtype`` instead, which may
    differ from what the files hold: loading a float32 file as a config's bfloat16 and converting
    it back loses precision."""
    import torch

    index = folder / "model.safetensors.index.json"
    try:
        if index.is_file():
            shards = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
            files = [folder / name for name in shards]
        else:
            files = [folder / "model.safetensors"]
        found: set[str] = set()
        for file in files:
            with open(file, "rb") as handle:
                (size,) = struct.unpack("<Q", handle.read(8))
                header = json.loads(handle.read(size))
            found.update(
                str(entry["dtype"]) for name, entry in header.items()
                if name != "__metadata__" and str(entry.get("dtype")) in _FLOAT_DTYPES
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, struct.error):
        return None
    return getattr(torch, _FLOAT_DTYPES[found.pop()]) if len(found) == 1 else None
