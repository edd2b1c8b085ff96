"""Time from "Tag all" to the first suggestion on screen, and the longest GUI stall meanwhile.

    nice -n 19 python tests/bench/first_suggestion.py --models /tmp/bench-models --photos /tmp/bench-photos \
        [--cache DIR] [--json]

Drives the real window (offscreen unless QT_QPA_PLATFORM says otherwise) in a fresh process, so
the first model load is part of what is measured, as when a person starts the app and presses
Tag all. The first photo of the grid is the one on screen. ``--cache`` is the cache folder
(IMGTAG_CACHE_DIR): an empty one measures a cold start (no text embeddings cached), the same one
a second time a warm start. A heartbeat ticking every 10 ms on the GUI thread records the longest
gap between ticks, from the press until the first suggestion and until the job ends.
Prints one line per milestone and, with ``--json``, the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs, wait  # noqa: E402

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "keybert")


def measure(models: Path, photos: Path, cache: Path | None, timeout: float) -> dict[str, object]:
    tmp = isolated_user_dirs("imgtag-first-")
    if cache is not None:
        os.environ["IMGTAG_CACHE_DIR"] = str(cache)
    os.environ["IMGTAG_CAPTIONER"] = str(models / "blip")
    os.environ["IMGTAG_VISUAL_MODEL"] = str(models / "clip")
    os.environ["IMGTAG_KEYWORD_MODEL"] = str(models / "minilm")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.ui.app import create_window
    from imgtag_desktop.ui.compat import guard_singleton_refcounts
    from tests.ui.gui_stall import Heartbeat

    guard_singleton_refcounts()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = create_window(photos, tmp / "library.db", prompt=False)
    window.resize(1280, 800)
    window.show()
    heavy_at_show = [m for m in HEAVY if m in sys.modules]
    deadline = time.monotonic() + 120
    while (window.jobs.busy or window.grid.model.rowCount() == 0) and time.monotonic() < deadline:
        wait(50)
    if window.grid.model.rowCount() == 0:
        raise SystemExit("the scan found no photos")
    first_id = window.grid.model.photo_ids()[0]
    window.grid.select_photo(first_id)
    wait(500)
    heavy_before_tagging = [m for m in HEAVY if m in sys.modules]
    messages: list[str] = []
    last_message = [""]

    def suggested_on_screen() -> bool:
        return window.detail.photo_id == first_id and any(t.state == "suggested" for t in window.detail.model.tags())

    beat = Heartbeat(10)
    beat.start()
    started = time.perf_counter()
    window.registry["tag_all"].trigger()
    first_at: float | None = None
    gaps_before_first = 0.0
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        wait(10)
        text = window.jobs.panel.message.text()
        if text != last_message[0]:
            last_message[0] = text
            messages.append(f"{time.perf_counter() - started:6.2f} s  {text}")
        if first_at is None and suggested_on_screen():
            first_at = time.perf_counter() - started
            gaps_before_first = beat.longest_gap_ms
        if first_at is not None and not window.jobs.busy:
            break
    total = time.perf_counter() - started
    beat.stop()
    # When the longest gap ended, in seconds after the press (beats are back to back).
    longest = max(range(len(beat.gaps)), key=beat.gaps.__getitem__, default=-1)
    longest_at = sum(beat.gaps[: longest + 1]) / 1000
    result: dict[str, object] = {
        "longest_gui_gap_at_s": round(longest_at, 2),
        "first_suggestion_s": None if first_at is None else round(first_at, 2),
        "job_s": round(total, 2),
        "longest_gui_gap_before_first_ms": round(gaps_before_first, 1),
        "longest_gui_gap_ms": round(beat.longest_gap_ms, 1),
        "p99_gui_gap_ms": round(beat.percentile(0.99), 1),
        "photos": window.grid.model.rowCount(),
        "heavy_imports_when_shown": heavy_at_show,
        "heavy_imports_before_tagging": heavy_before_tagging,
        "status_messages": messages,
    }
    window.close()
    del app
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=Path("/tmp/bench-models"))
    parser.add_argument("--photos", type=Path, default=Path("/tmp/bench-photos"))
    parser.add_argument("--cache", type=Path, help="IMGTAG_CACHE_DIR (default: a new empty one: a cold start)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    cache_was_empty = args.cache is None or not any((args.cache / "text-embeddings").glob("*.npy"))
    result = measure(args.models, args.photos, args.cache, args.timeout)
    result["cold"] = cache_was_empty
    for line in result.pop("status_messages"):  # type: ignore[union-attr]
        print(line)
    print(("cold" if cache_was_empty else "warm") + f" start: first suggestion {result['first_suggestion_s']} s, "
          f"job {result['job_s']} s for {result['photos']} photos; longest GUI gap "
          f"{result['longest_gui_gap_before_first_ms']} ms before the first suggestion, "
          f"{result['longest_gui_gap_ms']} ms in all, ending {result['longest_gui_gap_at_s']} s after the press "
          f"(p99 {result['p99_gui_gap_ms']} ms)")
    print(f"heavy modules when the window was shown: {result['heavy_imports_when_shown']}; "
          f"before Tag all: {result['heavy_imports_before_tagging']}")
    if args.json:
        print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
