"""Importing the model libraries (torch, transformers) on a worker thread without stalling the GUI.

Importing torch and transformers takes seconds of CPU on the importing thread, which is fine on a
worker, but two things in it hold the interpreter lock for a long time in one piece, freezing
every other Python thread, the GUI thread included:

- the dynamic loader mapping torch's ~400 MB of shared libraries and running their static
  initialisers (150-300 ms): CPython's import holds the lock around ``dlopen``;
- the cyclic garbage collector: the imports create millions of objects, and each full
  collection they trigger walks all of them (100-300 ms each, several times).

:func:`import_model_libraries` therefore maps torch's libraries first by calling ``dlopen``
through ctypes (a foreign call, made without the lock), with the same flags the import will
use, so the import finds them loaded; it pauses the collector while importing, then freezes the
imported objects (:func:`gc.freeze`) so later collections skip them. What is left is torch's own
module initialisation, a few tens of milliseconds. Everything here is best effort: any failure
just falls back to the plain import.

In the window's process one more thing slows the imports down: PySide6 replaces ``__import__``
with a hook of its own (for its optional ``from __feature__ import snake_case``) that does work for
every module imported, and torch and transformers import thousands. The app uses no such feature,
so while the model libraries import, the import PySide6 kept when it installed that hook
(``builtins.__orig_import__``: Python's own, or with PySide6 6.12 its lazy loading of Qt classes,
which stays in place) is put back, and the feature hook after (:func:`_without_feature_hook`):
2.3 s became 2.0 s measured on a 2-core machine, three runs each. A Qt module imported meanwhile
on another thread works as before (``tests/tagging/test_libraries.py``); only the feature switch
would not apply to it.

The app calls it twice: on a tagging run's thread before loading the models, and, earlier, on a
warm-up thread of its own once the window has settled with photos waiting to be tagged (see
``ui/warmup.py``), so that Tag all finds the libraries imported. A run that starts while the
warm-up imports waits for that import instead of starting another.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import gc
import importlib
import importlib.util
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

# torch's own libraries that do not call into Python, in load order (libtorch_python does: it is
# left to the import).
_TORCH_LIBRARIES = ("libc10.so", "libtorch_cpu.so", "libtorch.so")
# What the pipeline uses, imported one module at a time, each with the collector paused.
MODULES = (
    "torch",
    "transformers",
    "transformers.modeling_utils",
    "transformers.models.blip.modeling_blip",
    "transformers.models.blip.processing_blip",
    "transformers.models.clip.modeling_clip",
    "transformers.models.clip.processing_clip",
    "transformers.models.bert.modeling_bert",
    "transformers.models.bert.tokenization_bert_fast",
    "transformers.models.clip.tokenization_clip_fast",
    "transformers.models.blip.image_processing_pil_blip",  # names of transformers 5; others are skipped
    "transformers.models.clip.image_processing_pil_clip",
)

_lock = threading.Lock()
_done = False


def _preload_torch_libraries() -> None:
    """``dlopen`` torch's big shared libraries without holding the interpreter lock (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return
    folder = os.path.join(os.path.dirname(spec.origin), "lib")
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    flags = sys.getdlopenflags()  # what the import itself passes to dlopen
    cuda_build = os.path.isfile(os.path.join(folder, "libtorch_cuda.so"))
    for name in _TORCH_LIBRARIES:
        if cuda_build and name == "libtorch.so":  # it pulls in the CUDA libraries: torch places them first
            continue
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not dlopen(path.encode(), flags):
            log.debug("preloading %s failed; the import will load it", path)
            return


@contextlib.contextmanager
def _without_feature_hook() -> Iterator[None]:
    """The ``__import__`` PySide6 kept while the block runs, where PySide6's feature hook replaced it
    (see the module's docstring); the hook is put back after, unless someone changed it meanwhile."""
    hook: Any = builtins.__import__
    kept: Any = getattr(builtins, "__orig_import__", None)
    swap = callable(kept) and kept is not hook and getattr(hook, "__name__", "") == "__feature_import__"
    if swap:
        builtins.__import__ = kept
    try:
        yield
    finally:
        if swap and builtins.__import__ is kept:
            builtins.__import__ = hook


def _import_all() -> None:
    started = time.perf_counter()
    first = "torch" not in sys.modules
    if first:
        try:
            _preload_torch_libraries()
        except Exception:  # best effort: the import loads them itself
            log.debug("preloading torch's libraries failed", exc_info=True)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _without_feature_hook():
            for name in MODULES:
                try:
                    importlib.import_module(name)
                except Exception:  # an older or newer transformers: loading the model says what is wrong
                    log.debug("cannot import %s", name, exc_info=True)
    finally:
        _quiet_loading_bars()
        if first:  # the imported modules live as long as the process: later collections skip them
            gc.freeze()  # (not when torch came earlier: then it would pin whatever else lives now)
        if was_enabled:
            gc.enable()
    log.info("model libraries imported in %.2f s", time.perf_counter() - started)


def _quiet_loading_bars() -> None:
    """No "Loading weights" progress bars from transformers on the terminal: the app and ``imgtag``
    report the models' loading themselves, a step per model."""
    try:
        from huggingface_hub.utils import _tqdm as hub_bars_control
        from transformers.utils import logging as transformers_logging

        hub_bars = not hub_bars_control.are_progress_bars_disabled()
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # the hub's bars go off too:
        if hub_bars:  # keep those, a download's progress
            hub_bars_control.enable_progress_bars()
    except Exception:  # another transformers: its bars stay
        log.debug("cannot turn transformers' progress bars off", exc_info=True)


def model_libraries_imported() -> bool:
    """Whether :func:`import_model_libraries` has finished in this process (cheap; any thread)."""
    return _done


def import_model_libraries() -> None:
    """Import torch and the transformers modules the pipeline uses (idempotent; thread-safe; call it
    on a worker thread). Costs the calling thread seconds; costs other threads almost nothing.

    The imports run on a short-lived thread of their own, the caller waiting: some of these
    libraries keep an exception from an optional import, whose traceback holds every frame of
    the importing stack, and with them the caller's locals (a pipeline, its models) for the rest
    of the process. A fresh thread's stack holds nothing of the caller's."""
    global _done
    with _lock:
        if _done:
            return
        worker = threading.Thread(target=_import_all, name="imgtag-import-libraries", daemon=True)
        worker.start()
        worker.join()
        _done = True
