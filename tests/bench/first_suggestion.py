"""Time from "Tag all" to the first suggestion on screen, and the longest GUI stall meanwhile.

    python tests/bench/first_suggestion.py --models /tmp/bench-models --photos /tmp/bench-photos \
        [--cache DIR] [--look S] [--no-warm-up] [--json]

Drives the real window (offscreen unless QT_QPA_PLATFORM says otherwise) in a fresh process, so
the first model load is part of what is measured, as when a person starts the app and presses
Tag all. The first photo of the grid is the one on screen. ``--cache`` is the cache folder
(IMGTAG_CACHE_DIR): an empty one measures a cold start (no text embeddings cached), the same one
a second time a warm start. ``--look S``: the person looks at the window for S seconds after the
scan finished and the first photo is selected, then presses Tag all (default 0.5: at once). The
window warms up the model libraries when it has been quiet a moment (``warm_up_model_libraries``),
so a longer look finds them imported; ``--no-warm-up`` turns that setting off. A heartbeat ticking
every 10 ms on the GUI thread from the moment the window is shown records the longest gap between
ticks: before the press (scan, thumbnails, warm-up), from the press until the first suggestion, and
until the job ends; for each gap over 40 ms it says how much of it the GUI thread ran, waited for
a CPU (a busy machine) or was blocked (on the interpreter lock, held by another thread). Prints one line per
milestone and, with ``--json``, the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs, wait  # noqa: E402

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "keybert")


def measure(models: Path, photos: Path, cache: Path | None, timeout: float, *, look: float = 0.5,
            warm_up: bool = True) -> dict[str, object]:
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
    window.session.settings.warm_up_model_libraries = warm_up
    window.resize(1280, 800)
    beat = Heartbeat(10)
    marks: dict[str, float] = {}
    window.warm_up.started.connect(lambda: marks.setdefault("warm_up_started", time.perf_counter()))
    window.warm_up.finished.connect(lambda _s: marks.setdefault("warm_up_finished", time.perf_counter()))
    window.show()
    shown = time.perf_counter()
    beat.start()
    heavy_at_show = [m for m in HEAVY if m in sys.modules]
    deadline = time.monotonic() + 120
    while (window.jobs.busy or window.grid.model.rowCount() == 0) and time.monotonic() < deadline:
        wait(50)
    if window.grid.model.rowCount() == 0:
        raise SystemExit("the scan found no photos")
    scanned = time.perf_counter()
    gaps_at_scan = len(beat.gaps)
    heavy_after_scan = [m for m in HEAVY if m in sys.modules]
    first_id = window.grid.model.photo_ids()[0]
    window.grid.select_photo(first_id)
    wait(int(look * 1000))
    heavy_before_tagging = [m for m in HEAVY if m in sys.modules]
    gaps_before_press = len(beat.gaps)
    messages: list[str] = []
    last_message = [""]

    def suggested_on_screen() -> bool:
        return window.detail.photo_id == first_id and any(t.state == "suggested" for t in window.detail.model.tags())

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
            gaps_before_first = max(beat.gaps[gaps_before_press:], default=0.0)
        if first_at is not None and not window.jobs.busy:
            break
    total = time.perf_counter() - started
    beat.stop()
    before, after = beat.gaps[:gaps_before_press], beat.gaps[gaps_before_press:]
    # When the longest gap after the press ended, in seconds after the press (beats are back to back).
    longest = max(range(len(after)), key=after.__getitem__, default=-1)
    longest_at = (sum(beat.gaps[: gaps_before_press + longest + 1]) / 1000) - (started - shown)

    def since_press(name: str) -> float | None:
        return round(marks[name] - started, 2) if name in marks else None

    result: dict[str, object] = {
        "look_s": look,
        "warm_up": warm_up,
        "first_suggestion_s": None if first_at is None else round(first_at, 2),
        "job_s": round(total, 2),
        "scan_s": round(scanned - shown, 2),
        "warm_up_started_s": since_press("warm_up_started"),  # relative to the press (negative: before it)
        "warm_up_finished_s": since_press("warm_up_finished"),
        "longest_gui_gap_before_press_ms": round(max(before, default=0.0), 1),  # the first paint included
        "longest_gui_gap_while_looking_ms": round(max(before[gaps_at_scan:], default=0.0), 1),  # the warm-up's
        "longest_gui_gap_before_first_ms": round(gaps_before_first, 1),
        "longest_gui_gap_after_press_ms": round(max(after, default=0.0), 1),
        "longest_gui_gap_at_s": round(longest_at, 2),
        "p99_gui_gap_ms": round(beat.percentile(0.99), 1),
        "photos": window.grid.model.rowCount(),
        "heavy_imports_when_shown": heavy_at_show,
        "heavy_imports_after_scan": heavy_after_scan,
        "heavy_imports_before_tagging": heavy_before_tagging,
        "status_messages": messages,
        "stalls": [f"{st.ms:.0f} ms ending {st.end - started:+.2f} s after the press: {st.why()}"
                   for st in beat.stalls],
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
    parser.add_argument("--look", type=float, default=0.5,
                        help="seconds between the selection of the first photo and Tag all (default 0.5)")
    parser.add_argument("--no-warm-up", action="store_true", help="turn the background warm-up of the "
                        "model libraries off (warm_up_model_libraries)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The package's bytecode first, as an installed app has it (pip writes it at install, Python at the
    # first run). Without it (PYTHONDONTWRITEBYTECODE, a read-only checkout) every run compiles each
    # module it imports, on the importing thread and holding Python's lock: 40-50 ms at a time for the
    # largest modules, which then shows as GUI stalls that an installed app does not have.
    compileall.compile_dir(str(Path(__file__).resolve().parents[2] / "imgtag_desktop"), quiet=1)
    cache_was_empty = args.cache is None or not any((args.cache / "text-embeddings").glob("*.npy"))
    result = measure(args.models, args.photos, args.cache, args.timeout, look=args.look, warm_up=not args.no_warm_up)
    result["cold"] = cache_was_empty
    for line in result.pop("status_messages"):  # type: ignore[union-attr]
        print(line)
    for line in result["stalls"]:  # type: ignore[union-attr]
        print("GUI stall " + line)
    warm = "off" if args.no_warm_up else (
        f"started {result['warm_up_started_s']} s, finished {result['warm_up_finished_s']} s after the press"
        if result["warm_up_started_s"] is not None else "not started")
    print(("cold" if cache_was_empty else "warm") + f" start, look {args.look} s: first suggestion "
          f"{result['first_suggestion_s']} s, job {result['job_s']} s for {result['photos']} photos; warm-up {warm}")
    print(f"longest GUI gap: {result['longest_gui_gap_before_press_ms']} ms before the press (scan "
          f"{result['scan_s']} s; {result['longest_gui_gap_while_looking_ms']} ms after the scan), "
          f"{result['longest_gui_gap_before_first_ms']} ms from the press to the first "
          f"suggestion, {result['longest_gui_gap_after_press_ms']} ms after the press, ending "
          f"{result['longest_gui_gap_at_s']} s after it (p99 {result['p99_gui_gap_ms']} ms)")
    print(f"heavy modules when the window was shown: {result['heavy_imports_when_shown']}; after the scan: "
          f"{result['heavy_imports_after_scan']}; at Tag all: {result['heavy_imports_before_tagging']}")
    if args.json:
        print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
