"""Take docs/images/suggestions-budget.png and docs/images/muted-tags.png (run under Xvfb).

    DISPLAY=:91 python tests/ui/make_suggestion_screenshots.py

Scans /work/shared/data/images (or ../shared/data/images) plus generated photos into a
temporary library, gives every photo stored candidates from the simulated library of
tests/suggestion_sim.py (as a tagging run would: caption phrases and vocabulary terms with their
features), ranks them with a budget of 8, rejects "outdoor" and "daytime" on five photos each
(so they are muted), and grabs the window and the Muted tags list.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.shots import isolated_user_dirs, wait  # noqa: E402


def main() -> int:
    out = ROOT / "docs" / "images"
    images = next((p for p in (Path("/work/shared/data/images"), ROOT.parent / "shared" / "data" / "images")
                   if p.is_dir()), None)
    tmp = isolated_user_dirs()
    from PySide6.QtWidgets import QApplication

    from imgtag_desktop.core.catalog import Catalog
    from imgtag_desktop.core.scanner import scan_folder
    from imgtag_desktop.core.settings import Settings, save_settings
    from imgtag_desktop.tagging.suggest import RankingOptions, after_decisions, rerank
    from tests.helpers import make_photo
    from tests.suggestion_sim import MODEL_A, build_library

    photos = tmp / "photos"
    photos.mkdir()
    if images is not None:
        for src in sorted(images.glob("*.jp*g"))[:24]:
            (photos / src.name).symlink_to(src)
    for i in range(6):
        make_photo(photos / f"generated_{i}.jpg", (480, 320), seed=i)
    save_settings(Settings(suggestion_budget=8, threshold=0.5))
    library = tmp / "library.db"
    with Catalog(library) as cat, Catalog(tmp / "sim.db") as sim:
        scan_folder(cat, photos)
        ids = [p.id for p in cat.photos.all(status="ok")]
        build_library(sim, len(ids), MODEL_A, seed=3)
        sim_ids = [p.id for p in sim.photos.all()]
        for pid, sid in zip(ids, sim_ids, strict=True):
            cat.analysis.record(pid, caption=sim.analysis.caption(sid) or "", caption_model="sim",
                                candidates=sim.analysis.candidates(sid), suggestions=[], embedding=None,
                                visual_model=MODEL_A.key, models_key=MODEL_A.key, fingerprint=None, threshold=0.5)
        options = RankingOptions(threshold=0.5, budget=8)
        rerank(cat, options)
        for name in ("outdoor", "daytime"):
            having = [p for p in ids if any(t.name == name for t in cat.tags.photo_tags(p, states=["suggested"]))]
            for pid in having[:5]:
                cat.tags.reject(pid, name)
        for pid in ids[1:6]:
            for t in cat.tags.photo_tags(pid, states=["suggested"])[:2]:
                cat.tags.approve(pid, t.name)
        after_decisions(cat, options)
        names = {p.id: p.path.name for p in cat.photos.all(status="ok")}
        wanted = [p for p in ids if "Nikon_D5000" in names[p]]  # a photo with a clear preview
        target = wanted[0] if wanted else next(p for p in ids[8:] if cat.tags.photo_tags(p, states=["suggested"]))

    app = QApplication.instance() or QApplication([])
    from imgtag_desktop.ui.app import create_window

    window = create_window(photos, library, prompt=False)
    window.resize(1440, 900)
    window.show()
    wait(3000)
    window.grid.select_photo(target)
    wait(2500)
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "suggestions-budget.png"))
    dialog = window.show_muted_tags()
    dialog.move(window.geometry().center() - dialog.rect().center())
    wait(1500)
    screen = app.primaryScreen()
    area = window.frameGeometry()
    screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(str(out / "muted-tags.png"))
    print(f"saved {out / 'suggestions-budget.png'} and {out / 'muted-tags.png'}")
    dialog.close()
    window.close()
    window.session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
