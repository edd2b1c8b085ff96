"""Memory of a tagging run in the window and on the command line, side by side.

    nice -n 19 python tests/bench/tagging_memory.py --models /tmp/bench-models --photos /tmp/bench-photos \
        [--runs 2] [--json]

Two fresh processes, one after the other, each with its own user folders (a cold start: no
cached text embeddings) and a new library:

- ``window``: the real window (offscreen unless QT_QPA_PLATFORM says otherwise) scans the photos,
  shows the first one, runs Tag all, then ``--runs`` more runs over every photo (select all, Tag
  selection), then frees the models as the idle timeout does (on the query worker);
- ``cli``: ``imgtag tag PHOTOS`` in a new library.

The parent samples each child's /proc/PID/status every 0.2 s (RSS, anonymous and file-backed
pages); each child reports its memory after each step. Prints the peak and the memory after
each step, in MB; with ``--json`` also one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FIELDS = {"VmRSS": "rss", "VmHWM": "peak", "RssAnon": "anon", "RssFile": "file"}


def memory(pid: int | str = "self") -> dict[str, int]:
    """A process's memory in MB (rss, peak, anon, file) from /proc."""
    usage: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in FIELDS:
                    usage[FIELDS[key]] = int(value.split()[0]) // 1024
    except OSError:
        pass
    return usage


def step(name: str) -> None:
    print(json.dumps({"step": name, **memory()}), flush=True)


def _bench_env(models: Path) -> Path:
    """Private user folders (returned) and the bench models for this process."""
    from tests.ui.shots import isolated_user_dirs

    tmp = isolated_user_dirs("imgtag-memory-")
    os.environ["IMGTAG_CAPTIONER"] = str(models / "blip")
    os.environ["IMGTAG_VISUAL_MODEL"] = str(models / "clip")
    os.environ["IMGTAG_KEYWORD_MODEL"] = str(models / "minilm")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return tmp


def window_child(models: Path, photos: Path, runs: int) -> None:
    tmp = _bench_env(models)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.tagging import evict_models_if_idle
    from imgtag_desktop.ui.app import create_window
    from imgtag_desktop.ui.compat import guard_singleton_refcounts
    from tests.ui.shots import wait

    guard_singleton_refcounts()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = create_window(photos, tmp / "library.db", prompt=False)
    window.resize(1280, 800)
    window.show()
    deadline = time.monotonic() + 120
    while (window.jobs.busy or window.grid.model.rowCount() == 0) and time.monotonic() < deadline:
        wait(50)
    window.grid.select_photo(window.grid.model.photo_ids()[0])
    wait(1000)
    step("scanned")

    def run(action: str, name: str) -> None:
        window.registry[action].trigger()
        wait(200)
        while window.jobs.busy:
            wait(100)
        step(name)

    run("tag_all", "Tag all")
    for i in range(runs):
        window.grid.view.selectAll()
        wait(300)
        run("tag_selection", f"run {i + 2}")
    freed: list[bool] = []
    window.session.queries.run(lambda _catalog: evict_models_if_idle(1e-9), freed.append)
    while not freed:
        wait(50)
    step("models freed" if freed[0] else "models not freed")
    window.close()
    app.quit()
    os._exit(0)


def cli_child(models: Path, photos: Path) -> None:
    library = _bench_env(models) / "library.db"
    from imgtag_desktop.cli import main

    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            code = main(["--library", str(library), "tag", str(photos)])
        finally:
            sys.stdout = stdout
    step("imgtag tag" if code == 0 else f"imgtag tag failed ({code})")
    os._exit(0)


def _figures(usage: dict[str, Any]) -> str:
    return f"{usage.get('rss')} MB (anonymous {usage.get('anon')}, file-backed {usage.get('file')})"


def measure(kind: str, models: Path, photos: Path, runs: int, timeout: float) -> dict[str, Any]:
    """Run one child, sampling its memory; its steps and the peak (MB)."""
    command = [sys.executable, __file__, "--child", kind, "--models", str(models), "--photos", str(photos),
               "--runs", str(runs)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = {"rss": 0, "anon": 0, "file": 0}
    end = time.monotonic() + timeout
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout or []), daemon=True)
    reader.start()
    while child.poll() is None and time.monotonic() < end:
        for key, value in memory(child.pid).items():
            if key in peak:
                peak[key] = max(peak[key], value)
        time.sleep(0.2)
    if child.poll() is None:
        child.kill()
    reader.join(5)
    steps = [json.loads(line) for line in lines if line.startswith("{")]
    peak["rss"] = max([peak["rss"], *(int(s.get("peak", 0)) for s in steps)])
    return {"peak": peak, "steps": steps}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=Path("/tmp/bench-models"))
    parser.add_argument("--photos", type=Path, default=Path("/tmp/bench-photos"))
    parser.add_argument("--runs", type=int, default=2, help="runs over every photo after Tag all (window)")
    parser.add_argument("--only", choices=("window", "cli"), help="measure only this one")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=("window", "cli"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "window":
        window_child(args.models, args.photos, args.runs)
    elif args.child == "cli":
        cli_child(args.models, args.photos)
    kinds = (args.only,) if args.only else ("window", "cli")
    results = {kind: measure(kind, args.models, args.photos, args.runs, args.timeout) for kind in kinds}
    for kind, result in results.items():
        print(f"{kind}: peak RSS {_figures(result['peak'])}")
        for s in result["steps"]:
            print(f"  after {s['step']}: RSS {_figures(s)}")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
