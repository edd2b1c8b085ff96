"""Whether a Tag all would have work: what the window asks before warming up the model libraries."""

from __future__ import annotations

from pathlib import Path

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import Settings
from imgtag_desktop.services import photos_waiting, scan_and_import
from imgtag_desktop.tagging import Pipeline
from tests.helpers import make_photo


def _settings(tiny_models: dict[str, Path]) -> Settings:
    return Settings(captioner=str(tiny_models["captioner"]), visual_model=str(tiny_models["visual"]),
                    keyword_model=str(tiny_models["keywords"]))


def test_photos_waiting_counts_the_photos_tag_all_would_tag(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    for i in range(3):
        make_photo(tmp_path / "photos" / f"p{i}.jpg", seed=i)
    settings = _settings(tiny_models)
    with Catalog(tmp_path / "library.db") as catalog:
        assert photos_waiting(catalog, settings) == 0  # an empty library
        scan_and_import(catalog, tmp_path / "photos")
        assert photos_waiting(catalog, settings) == 3
        photo = catalog.photos.all()[0]
        catalog.analysis.record(photo.id, caption="a photo", caption_model="c", candidates=[], suggestions=[],
                                embedding=None, visual_model="v", models_key=Pipeline(settings).models_key,
                                fingerprint=photo.fingerprint, threshold=None)
        assert photos_waiting(catalog, settings) == 2  # analysed by these models: not waiting
        missing = Settings(captioner=str(tmp_path / "no-such-model"), visual_model=str(tiny_models["visual"]),
                           keyword_model=str(tiny_models["keywords"]))
        assert photos_waiting(catalog, missing) == 0  # no run could start
