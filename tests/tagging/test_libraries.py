"""Importing the model libraries: once, and without keeping the caller's objects alive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
feature = sys.modules.get("shibokensupport.feature")
features = getattr(feature, "pyside_feature_dict", None)  # the modules PySide6's feature hook saw
if features is None or getattr(builtins.__import__, "__name__", "") != "__feature_import__":
    print("SKIP")
    raise SystemExit(0)
hook = builtins.__import__
from imgtag_desktop.tagging.libraries import import_model_libraries
import_model_libraries()
assert "tabnanny" not in sys.modules
import tabnanny  # imported after: through the hook again
print("torch" in sys.modules, "transformers.modeling_utils" in features, "torch" in features,
      "tabnanny" in features, builtins.__import__ is hook)
"""


def _run(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    if out.stdout.split() == ["SKIP"]:
        pytest.skip("this PySide6 has no feature import hook")
    return out.stdout.split()


def test_the_libraries_import_without_pysides_feature_hook_and_the_hook_comes_back() -> None:
    """PySide6's feature hook does work for every module imported (torch and transformers import
    thousands): the model libraries bypass it, and every import after goes through it again."""
    assert _run(PYSIDE_HOOK) == ["True", "False", "False", "True", "True"]


QT_MEANWHILE = """
import builtins, sys, threading
import PySide6.QtWidgets
if getattr(builtins.__import__, "__name__", "") != "__feature_import__":
    print("SKIP")
    raise SystemExit(0)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from imgtag_desktop.tagging.libraries import _without_feature_hook
assert "PySide6.QtSvg" not in sys.modules
seen = []
def other_thread():  # as the GUI thread importing a dialog's module while the libraries import
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtCore import QByteArray
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="7" height="3"/>'
    seen.append((QSvgRenderer(QByteArray(svg)).defaultSize().width(), builtins.__import__ is not hook))
hook = builtins.__import__
with _without_feature_hook():
    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
print(seen, builtins.__import__ is hook)
"""


def test_a_qt_module_imported_on_another_thread_during_the_libraries_import_works() -> None:
    assert _run(QT_MEANWHILE) == ["[(7,", "True)]", "True"]
