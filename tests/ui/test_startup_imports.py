"""The app shows its window before torch is imported, and scans without it. Then either a tagging
run imports the model libraries when it needs them, or, earlier, the window's warm-up does, once the
window is shown and has settled with photos to tag (``warm_up_model_libraries``, on by default)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os, sys, threading, time
from pathlib import Path
HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "keybert")
report = {"during_scan": []}
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from imgtag_desktop.core.settings import load_settings, save_settings
from imgtag_desktop.ui import app as entry
from imgtag_desktop.ui.compat import guard_singleton_refcounts
settings = load_settings()
settings.warm_up_model_libraries = sys.argv[3] == "on"
save_settings(settings)
guard_singleton_refcounts()
qapp = QApplication(sys.argv[:1])

def heavy():
    return [m for m in HEAVY if m in sys.modules]

def window():
    return next((w for w in qapp.topLevelWidgets() if type(w).__name__ == "MainWindow"), None)

state = {"step": "shown", "deadline": time.monotonic() + 240}

def poll():
    w = window()
    if time.monotonic() > state["deadline"]:
        report["timeout"] = state["step"]
        qapp.quit()
    elif w is None or not w.isVisible():
        pass
    elif state["step"] == "shown":
        report["at_show"] = heavy()
        state["step"] = "scanning"
    elif state["step"] == "scanning" and (w.jobs.busy or w.grid.model.rowCount() != 3):
        report["during_scan"] += heavy()
    elif state["step"] == "scanning":
        report["after_scan"] = heavy()
        w.grid.select_photo(w.grid.model.photo_ids()[0])
        encoder = w.session.text_encoder()  # None: no models loaded, and asking loads none
        w.session.queries.run(lambda c: c.albums.search("dog OR -cat", text_encoder=encoder),
                              lambda ids: report.update(searched=len(ids)))
        state["step"] = "browsed"
        state["until"] = time.monotonic() + 3.0
    elif state["step"] == "browsed" and "torch" in heavy() and "first_torch" not in report:
        report["first_torch"] = {"jobs_busy": w.jobs.busy, "visible": w.isVisible(),
                                 "threads": [t.name for t in threading.enumerate()]}
    elif (state["step"] == "browsed" and time.monotonic() > state["until"] and not w.jobs.busy and "searched" in report
          and (sys.argv[3] == "off" or w.warm_up.state == "done")):
        report["after_browsing"] = heavy()
        report["warm_up"] = w.warm_up.state
        w.jobs.job_finished.connect(lambda stats: state.update(step="tagged"))
        w.registry["tag_all"].trigger()
        state["step"] = "tagging"
    elif state["step"] == "tagged":
        report["after_tagging"] = heavy()
        report["tagged"] = bool(w.detail.model.tags())
        state["step"] = "done"
        w.close()

timer = QTimer()
timer.timeout.connect(poll)
timer.start(20)
code = entry.main([sys.argv[1], "--library", sys.argv[2]])
report["code"] = code
print("REPORT " + json.dumps(report), flush=True)
os._exit(0)
"""


@pytest.mark.slow
@pytest.mark.parametrize("warm_up", ["on", "off"])
def test_window_is_shown_before_torch_and_only_tagging_or_the_warm_up_imports_it(
        tmp_path: Path, tiny_models: dict[str, Path], warm_up: str) -> None:
    from tests.helpers import make_photo

    folder = tmp_path / "photos"
    for i in range(3):
        make_photo(folder / f"p{i}.jpg", (320, 240), seed=i)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               IMGTAG_CAPTIONER=str(tiny_models["captioner"]), IMGTAG_VISUAL_MODEL=str(tiny_models["visual"]),
               IMGTAG_KEYWORD_MODEL=str(tiny_models["keywords"]))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(tmp_path / "library.db"), warm_up],
                            env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    line = next((x for x in result.stdout.splitlines() if x.startswith("REPORT ")), None)
    assert line, result.stdout[-2000:] + result.stderr[-4000:]
    report = json.loads(line[len("REPORT "):])
    assert "timeout" not in report, report
    assert report["at_show"] == [], report  # the window is on screen before any model library
    assert report["during_scan"] == [] and report["after_scan"] == [], report  # scanning, thumbnails: none
    assert report["searched"] == 3, report
    if warm_up == "off":  # a selection, a search, seconds of browsing: still none
        assert report["after_browsing"] == [] and "first_torch" not in report, report
    else:  # imported once the window was quiet, by the warm-up thread, before any tagging
        assert "torch" in report["after_browsing"] and report["warm_up"] == "done", report
        first = report["first_torch"]
        assert first["visible"] and not first["jobs_busy"] and "imgtag-warm-up" in first["threads"], report
    assert "torch" in report["after_tagging"] and report["tagged"], report
    assert "sentence_transformers" not in report["after_tagging"], report  # the keyword model needs plain transformers
