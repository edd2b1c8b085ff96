"""A scripted session of the real window, printing the process RSS after each round, then the quit time.

    QT_QPA_PLATFORM=offscreen python tests/bench/memory_session.py [--rounds 20] [--photos 300]

Each round does what a photographer does: tags a selection (tiny test models, loaded once),
reviews a tag from the keyboard (approve, reject, undo), searches and goes back to all photos,
scrolls the whole grid (thumbnails decode), renames a tag in the tag manager and undoes it,
and lets the background sync write the edited photos' sidecars. RSS should stay flat after
the first rounds (models and caches warm). At the end the window is closed and the time to
close it, and for the process to exit, is printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def session(rounds: int, n_photos: int, trace: bool = False) -> int:
    tmp = isolated_user_dirs("imgtag-mem-")
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder
    from imgtag_desktop.core.settings import load_settings, save_settings
    from imgtag_desktop.ui.app import create_window
    from imgtag_desktop.ui.compat import guard_singleton_refcounts
    from imgtag_desktop.ui.sync import FileSync
    from tests.helpers import make_photo
    from tests.tiny_models import build_tiny_models

    guard_singleton_refcounts()
    models = build_tiny_models(tmp / "models")
    settings = load_settings()
    settings.captioner, settings.visual_model = str(models["captioner"]), str(models["visual"])
    settings.keyword_model, settings.threshold = str(models["keywords"]), 0.0
    save_settings(settings)
    photos = tmp / "photos"
    for i in range(n_photos):
        make_photo(photos / f"p{i:04d}.jpg", (320, 240), seed=i)
    library = tmp / "library.db"
    with Catalog(library) as cat:
        scan_folder(cat, photos)
        cat.writes.set_mode("sidecar")
    app = QApplication.instance() or QApplication([])
    FileSync.DELAY_MS = 100
    window = create_window(None, library, prompt=False)
    window.resize(1280, 800)
    window.show()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.005)

    def wait_jobs(timeout: float = 300) -> None:
        end = time.monotonic() + timeout
        pump(0.1)
        while (window.jobs.busy or (window.sync.handle and window.sync.handle.running())) and time.monotonic() < end:
            pump(0.05)

    grid = window.grid_view
    end = time.monotonic() + 60
    while not window.grid.model.photo_ids() and time.monotonic() < end:  # rows arrive off the GUI thread
        pump(0.05)
    ids = window.grid.model.photo_ids()
    print(f"start: {rss_mb():.0f} MB ({len(ids)} photos)", flush=True)
    figures = []
    started = time.monotonic()
    for r in range(rounds):
        chunk = ids[(r * 20) % len(ids):][:20] or ids[:20]
        window.jobs.tag(chunk, only_needed=False)  # tagging (models load in round 1, then stay)
        wait_jobs()
        names = [c.tag.name for c in window.session.catalog.tags.with_counts() if c.suggested]
        if names:
            window.review.start(names[r % len(names)])  # review by tag from the keyboard
            pump(0.2)
            grid.setFocus()
            for key in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_A, Qt.Key.Key_Right, Qt.Key.Key_A):
                QTest.keyClick(grid, key)
                pump(0.02)
            QTest.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            window.review.stop()
        window.query_bar.set_text(names[0] if names else "dog")  # search, then back to all photos
        window.query_bar.submit()
        pump(0.3)
        window.sidebar.select_all_photos()
        pump(0.2)
        for row in range(0, window.grid.model.rowCount(), 30):  # scroll the grid: thumbnails decode
            grid.scrollTo(window.grid.model.index(row, 0))
            pump(0.03)
        if names:  # the tag manager: rename a tag everywhere, then undo
            window.tags.apply("rename", names[0], names[0] + " renamed")
            pump(0.1)
            window.session.undo_stack.undo()
        wait_jobs()  # the background sync writes the edited photos
        pump(0.5)
        figures.append(rss_mb())
        if trace and r == 4:
            import tracemalloc

            tracemalloc.start(12)
            baseline = tracemalloc.take_snapshot()
        print(f"round {r + 1}: {figures[-1]:.0f} MB  ({time.monotonic() - started:.0f} s)", flush=True)
    if trace and rounds > 5:
        import gc
        from collections import Counter

        gc.collect()
        diff = tracemalloc.take_snapshot().compare_to(baseline, "traceback")
        for stat in diff[:8]:
            print(f"{stat.size_diff / 1024:+.0f} KiB {stat.count_diff:+d} blocks", flush=True)
            for line in stat.traceback.format()[-6:]:
                print("   ", line, flush=True)
        counts = Counter(type(o).__name__ for o in gc.get_objects())
        print("objects:", counts.most_common(12), flush=True)
    warm = figures[min(2, len(figures) - 1)]
    print(f"RSS after warm-up (round 3): {warm:.0f} MB; last: {figures[-1]:.0f} MB; "
          f"growth after warm-up: {figures[-1] - warm:+.0f} MB over {len(figures) - 3} rounds; "
          f"session {time.monotonic() - started:.0f} s", flush=True)
    t0 = time.monotonic()
    window.close()
    app.quit()
    print(f"window closed in {(time.monotonic() - t0) * 1000:.0f} ms", flush=True)
    from imgtag_desktop.ui.app import fast_exit

    fast_exit(0, started_ms=t0)
    return 0


def measure_quit() -> None:
    """Start a session of 1 round in a child process and time its exit from the moment the window closes."""
    t = time.monotonic()
    out = subprocess.run([sys.executable, __file__, "--rounds", "1", "--photos", "40"], capture_output=True,
                         text=True, timeout=600)
    print(out.stdout[-2000:], out.stderr[-2000:], f"child total {time.monotonic() - t:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--trace", action="store_true", help="print where Python memory grew after round 5")
    args = parser.parse_args()
    raise SystemExit(session(args.rounds, args.photos, args.trace))
