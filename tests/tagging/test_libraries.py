"""Importing the model libraries: once, and without keeping the caller's objects alive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import gc, sys, weakref
from imgtag_desktop.tagging.libraries import import_model_libraries

class Models:  # stands for a pipeline whose load() imports the libraries
    pass

def load():
    models = Models()
    import_model_libraries()
    return weakref.ref(models)

assert "torch" not in sys.modules
ref = load()
gc.collect()
print("torch" in sys.modules, "transformers.modeling_utils" in sys.modules, ref() is None, gc.isenabled())
"""


def test_the_first_import_keeps_nothing_of_the_callers_stack() -> None:
    # In a fresh process: here torch is imported already. Some of the libraries keep exceptions of
    # optional imports, whose tracebacks would hold the importing stack's locals for good.
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["True", "True", "True", "True"], out.stdout + out.stderr[-3000:]


BARS = """
import os
from imgtag_desktop.tagging.libraries import import_model_libraries
import_model_libraries()
from huggingface_hub import utils as hub
from transformers.utils import logging
print(logging.is_progress_bar_enabled(), hub.are_progress_bars_disabled())
"""


def test_loading_shows_no_weight_bars_and_downloads_keep_theirs() -> None:
    """Models load without transformers' "Loading weights" bars on the terminal (the app and the CLI
    report loading per model); the hub's bars, a download's progress, stay as they were."""
    out = subprocess.run([sys.executable, "-c", BARS], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr[-3000:]


PYSIDE_HOOK = """
import builtins, sys
import PySide6.QtWidgets
hook = builtins.__import__
from imgtag_desktop.tagging.libraries import import_model_libraries
import_model_libraries()
features = sys.modules["shibokensupport.feature"].pyside_feature_dict  # the modules PySide6's hook saw
assert "tabnanny" not in sys.modules
import tabnanny  # imported after: through the hook again
print("torch" in sys.modules, "transformers.modeling_utils" in features, "torch" in features,
      "tabnanny" in features, builtins.__import__ is hook)
"""


def test_the_libraries_import_with_pythons_own_import_in_the_window_and_pysides_hook_comes_back() -> None:
    """PySide6's import hook does work for every module imported (torch and transformers import
    thousands): the model libraries bypass it, and every import after goes through it again."""
    out = subprocess.run([sys.executable, "-c", PYSIDE_HOOK], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["True", "False", "False", "True", "True"], out.stdout + out.stderr[-3000:]
