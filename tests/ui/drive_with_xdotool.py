"""Drive the real window under X (Xvfb) with xdotool: the target rule, then the quit time.

    Xvfb :92 -screen 0 1440x900x24 &
    DISPLAY=:92 python tests/ui/drive_with_xdotool.py

Builds a library of generated photos with scored suggestions and tiny test models, starts
``imgtag-desktop`` (the real entry point) on it, and with real X key and mouse events:
clicks the first photo, presses Ctrl+End and A, then Ctrl+Home and R, and checks in the
catalog that each key acted on the photo the detail pane showed (the last, then the first),
and on no other photo. Then Ctrl+G tags everything (models loaded), Ctrl+Q
quits, and the time from Ctrl+Q to the end of the process is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder
    from imgtag_desktop.core.settings import load_settings, save_settings
    from tests.helpers import make_photo
    from tests.tiny_models import build_tiny_models
    from tests.ui.conftest import suggest

    tmp = Path(tempfile.mkdtemp(prefix="imgtag-xdo-"))
    env = dict(os.environ, IMGTAG_DATA_DIR=str(tmp / "data"), IMGTAG_CONFIG_DIR=str(tmp / "config"),
               IMGTAG_CACHE_DIR=str(tmp / "cache"), PYTHONPATH=str(ROOT))
    os.environ.update({k: env[k] for k in ("IMGTAG_DATA_DIR", "IMGTAG_CONFIG_DIR", "IMGTAG_CACHE_DIR")})
    models = build_tiny_models(tmp / "models")
    settings = load_settings()
    settings.captioner, settings.visual_model = str(models["captioner"]), str(models["visual"])
    settings.keyword_model = str(models["keywords"])
    save_settings(settings)
    folder = tmp / "photos"
    for i in range(24):
        make_photo(folder / f"p{i:02d}.jpg", (320, 240), seed=i)
    library = tmp / "library.db"
    with Catalog(library) as cat:
        scan_folder(cat, folder)
        ids = [p.id for p in cat.photos.all()]
        for n, pid in enumerate(ids):
            suggest(cat, pid, "bathroom", 0.9 - 0.01 * n)
            suggest(cat, pid, "tiles", 0.5)
    # IMGTAG_XDO_ENTRY=main compares with a plain return from main() (the interpreter frees the models).
    entry = "from imgtag_desktop.ui.app import run; run()" if os.environ.get("IMGTAG_XDO_ENTRY") != "main" else \
        "from imgtag_desktop.ui.app import main; raise SystemExit(main())"
    app = subprocess.Popen([sys.executable, "-c", entry,
                            str(folder), "--library", str(library)], env=env)
    try:
        window = ""
        for _ in range(200):
            window = xdo("search", "--onlyvisible", "--name", "^imgtag")
            if window:
                break
            time.sleep(0.1)
        window = window.splitlines()[0]
        time.sleep(2.5)  # the scan of the folder ends, the grid is filled
        xdo("windowsize", window, "1280", "800")
        xdo("windowmove", window, "0", "0")
        time.sleep(1.0)
        # The first thumbnail sits near the grid's top left (sidebar 220 px, toolbar and search above).
        xdo("mousemove", "--window", window, "300", "200")
        xdo("click", "1")
        time.sleep(0.5)
        for keys in (("ctrl+End", "a"), ("ctrl+Home", "r")):
            for key in keys:
                xdo("key", "--window", window, key)
                time.sleep(0.6)
        with Catalog(library, read_only=True) as cat:
            last = {t.name: t.state for t in cat.tags.photo_tags(ids[-1])}
            first = {t.name: t.state for t in cat.tags.photo_tags(ids[0])}
            others = {pid: {t.name: t.state for t in cat.tags.photo_tags(pid)} for pid in ids[1:-1]}
        changed_others = [pid for pid, tags in others.items() if set(tags.values()) != {"suggested"}]
        print(f"after click first, Ctrl+End, A: last photo {last}")
        print(f"after Ctrl+Home, R: first photo {first}")
        print(f"other photos changed: {changed_others}")
        # A acts on the last photo (shown after Ctrl+End), R on the first (shown after Ctrl+Home); the chip R
        # rejects is the current one, which stays on the same tag name when moving between photos.
        ok = "approved" in last.values() and "rejected" in first.values() and not changed_others
        print("target rule under X:", "OK" if ok else "WRONG")
        xdo("key", "--window", window, "ctrl+g")  # tag everything: the models load and stay loaded
        time.sleep(1.0)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # until every photo has a caption from the models
            with Catalog(library, read_only=True) as cat:
                if all(cat.analysis.caption(pid) for pid in ids):
                    break
            time.sleep(0.5)
        time.sleep(1.0)
        t0 = time.monotonic()
        xdo("key", "--window", window, "ctrl+q")
        code = app.wait(timeout=60)
        print(f"quit (Ctrl+Q to process end, models loaded): {(time.monotonic() - t0) * 1000:.0f} ms, exit {code}")
        return 0 if ok else 1
    finally:
        if app.poll() is None:
            app.kill()


if __name__ == "__main__":
    raise SystemExit(main())
