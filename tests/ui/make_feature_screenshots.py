"""Take docs/places.png, docs/duplicates.png and docs/ui-de.png of the real window (under Xvfb).

    xvfb-run python tests/ui/make_feature_screenshots.py --shot places|duplicates|german

Scans the shared sample photos (with their GPS positions) plus a resized and a re-encoded copy
of two of them into a temporary library, approves some place tags, and grabs the window or
the duplicates view. Embeddings stand in for a tagging run (the copies get their original's
vector with a little noise), since real model weights are not available where this runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs, wait  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shot", choices=("places", "duplicates", "german"), required=True)
    parser.add_argument("--images", type=Path, default=Path("/work/shared/data/images"))
    args = parser.parse_args()
    tmp = isolated_user_dirs()
    import numpy as np
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.duplicates import find_duplicates, update_hashes
    from imgtag_desktop.core.scanner import scan_folder

    photos = tmp / "photos"
    photos.mkdir()
    for src in sorted(args.images.iterdir()):
        if src.suffix.lower() in (".jpg", ".jpeg", ".heic", ".png", ".tif", ".webp") and src.stat().st_size > 2000:
            (photos / src.name).symlink_to(src)
    for name in ("ianare__DSCN0010.jpg", "dne__Nexus_4.jpg"):
        with Image.open(args.images / name) as img:
            img.convert("RGB").resize((img.width // 2, img.height // 2)).save(photos / f"copy of {name}", quality=80)
            img.convert("RGB").save(photos / f"{Path(name).stem} (re-encoded).webp", quality=70)
    library = tmp / "library.db"
    language = "de" if args.shot == "german" else "en"
    with Catalog(library) as cat:
        scan_folder(cat, photos, language=language)
        ok = cat.photos.all(status="ok")
        rng = np.random.default_rng(0)
        base = {p.path.name: rng.standard_normal(512).astype(np.float32) for p in ok}
        vectors = []
        for p in ok:
            origin = next((n for n in ("ianare__DSCN0010.jpg", "dne__Nexus_4.jpg")
                           if Path(n).stem in p.path.name), p.path.name)
            v = base[origin] + 0.05 * rng.standard_normal(512).astype(np.float32)
            vectors.append((p.id, v))
        cat.analysis.set_embeddings(vectors, "sample")
        for p in ok:
            for t in cat.tags.photo_tags(p.id):
                if t.source == "gps" and "Italy" not in t.name and "Italien" not in t.name:
                    cat.tags.approve(p.id, t.name)
        cat.tags.add([p.id for p in ok[:4]], "holiday|2024" if language == "en" else "Urlaub|2024")
        update_hashes(cat)
        groups = find_duplicates(cat)

    app = QApplication.instance() or QApplication([])
    from imgtag_desktop.ui.i18n import install_translators

    install_translators(app, language)
    from imgtag_desktop.ui.app import create_window

    window = create_window(photos, library, prompt=False)
    window.resize(1440, 900)
    window.show()
    wait(2500)
    if args.shot == "duplicates":
        from imgtag_desktop.ui.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(window.session, window.jobs, groups, window)
        dialog.resize(1000, 520)
        dialog.show()
        wait(2500)
        out = ROOT / "docs" / "duplicates.png"
        dialog.grab().save(str(out))
    else:
        model = window.sidebar.model
        item = model.tag_item("places|United Kingdom|England" if language == "en"
                              else "places|Vereinigtes Königreich|England")
        if item is not None:
            index = item.index()
            window.sidebar_view.setCurrentIndex(index)
            window.sidebar_view.scrollTo(index)
        wait(2000)
        photos_shown = window.grid.model.photo_ids()
        if photos_shown:
            window.grid.select_photo(photos_shown[0])
        wait(2000)
        out = ROOT / "docs" / ("places.png" if args.shot == "places" else "ui-de.png")
        window.grab().save(str(out))
    print(f"saved {out}; {len(groups)} duplicate groups")
    window.close()
    window.session.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
