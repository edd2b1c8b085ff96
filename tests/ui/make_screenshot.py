"""Take the screenshots of the docs from the real window (run under Xvfb or offscreen).

    python tests/ui/make_screenshot.py [--tiny-models] [--out FILE.png] [--set docs/img]

With ``--set FOLDER`` it also saves, at 1280x800 and 1024x640: the main window, review by
tag, the tag manager and the write dialog (``FOLDER/{main,review,tag-manager,write}-WxH.png``).

Scans /work/shared/data/images (or ../shared/data/images) plus generated photos into a
temporary library, tags them (tiny models when available and asked for, else tags put in
through the catalog as a model would: suggested with scores), approves some, and grabs
the window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))

SAMPLE_TAGS = [("outdoor", 0.81), ("sky", 0.74), ("building", 0.66), ("tree", 0.58), ("car", 0.47),
               ("animal|dog", 0.44), ("night", 0.31)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--images", type=Path, default=Path("/work/shared/data/images"))
    parser.add_argument("--tiny-models", action="store_true",
                        help="point the settings at tiny test models (needs the tagging package)")
    parser.add_argument("--tag", action="store_true", help="also tag the photos with them (random words)")
    parser.add_argument("--set", type=Path, default=None, help="also save the screenshot set into this folder")
    args = parser.parse_args()
    tmp = isolated_user_dirs()
    from helpers import make_photo
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder

    photos = tmp / "photos"
    photos.mkdir()
    if args.images.is_dir():
        for src in sorted(args.images.glob("*.jp*g"))[:24]:
            (photos / src.name).symlink_to(src)
    for i in range(6):
        make_photo(photos / f"generated_{i}.jpg", (480, 320), seed=i)
    library = tmp / "library.db"
    with Catalog(library) as cat:
        scan_folder(cat, photos)
        ids = [p.id for p in cat.photos.all(status="ok")]
        if args.tiny_models:
            from tiny_models import build_tiny_models

            from imgtag_desktop.core.settings import load_settings, save_settings

            models = build_tiny_models(tmp / "models")
            s = load_settings()
            s.captioner, s.visual_model = str(models["captioner"]), str(models["visual"])
            s.keyword_model = str(models["keywords"])
            save_settings(s)
        if args.tag:
            from imgtag_desktop.jobs.tagging_job import loaded_pipeline
            from imgtag_desktop.tagging import tag_photos

            tag_photos(cat, ids, loaded_pipeline(load_settings()), threshold=0.0)
        else:
            from imgtag_desktop.core.catalog import PhotoTag, Tag

            with cat.transaction():
                for n, pid in enumerate(ids):
                    for k, (name, score) in enumerate(SAMPLE_TAGS):
                        if (n + k) % 3 == 0:
                            continue
                        visual = round(score - 0.02 * ((n * 7 + k) % 5), 3)
                        cat.tags.restore(PhotoTag(pid, Tag(0, name, name, None), "suggested", "model",
                                                       score * 0.8, visual, "sample", 0.0, 0.0))
        for pid in ids[::2]:
            for t in cat.tags.photo_tags(pid)[:2]:
                cat.tags.approve(pid, t.name)
        for pid in ids[2::4]:
            suggested = cat.tags.photo_tags(pid, states=["suggested"])
            if suggested:
                cat.tags.reject(pid, suggested[-1].name)
        cat.tags.add(ids[:3], "holiday|2024")
        cat.tags.add(ids[3:5], "places|Zürich")
        cat.writes.set_mode("sidecar")

    _app = QApplication.instance() or QApplication([])
    from imgtag_desktop.ui.app import create_window

    window = create_window(photos, library, prompt=False)
    window.resize(1440, 900)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(2500, loop.quit)
    loop.exec()
    window.grid.select_photo(ids[2])
    loop = QEventLoop()
    QTimer.singleShot(2500, loop.quit)
    loop.exec()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out))
    print(f"saved {args.out}")
    if args.set is not None:
        shoot_set(window, ids, args.set)
    window.close()
    window.session.close()
    return 0


def shoot_set(window, ids: list[int], folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Main window, review by tag, tag manager and write dialog at a laptop and a small-laptop size."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.ui.write_dialog import WritePreviewDialog

    def settle(ms: int = 1200) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    folder.mkdir(parents=True, exist_ok=True)
    for w, h in ((1280, 800), (1024, 640)):
        window.review.stop()
        window.sidebar.select_all_photos()
        window.resize(w, h)
        settle()
        window.grid.select_photo(ids[2])
        settle()
        window.grab().save(str(folder / f"main-{w}x{h}.png"))
        window.review.start("outdoor")
        settle()
        window.grab().save(str(folder / f"review-{w}x{h}.png"))
        window.review.stop()
        dialog = window.show_tag_manager()
        settle()
        dialog.select("outdoor")
        settle(300)
        dialog.grab().save(str(folder / f"tag-manager-{w}x{h}.png"))
        dialog.close()
        write = WritePreviewDialog(window.session.library, ids[:8], window, scope="the 8 selected photos")
        write.resize(min(900, w - 80), min(480, h - 80))
        write.show()
        settle()
        write.grab().save(str(folder / f"write-{w}x{h}.png"))
        write.done(0)
        QApplication.processEvents()
        print(f"saved the {w}x{h} set into {folder}")


if __name__ == "__main__":
    raise SystemExit(main())
