"""Whether a Tag all would have work: what the window asks before warming up the model libraries."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_scan_says_how_many_photos_wait_to_be_tagged(tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    """After a run was stopped or killed (or new photos came), the window's scan summary says how many
    photos Tag all would tag now; a scan without settings (or with none waiting) says nothing of it."""
    from imgtag_desktop.jobs.scan_job import ScanJob
    from imgtag_desktop.ui.status import JobsController

    for i in range(3):
        make_photo(tmp_path / "photos" / f"p{i}.jpg", seed=i)
    settings = _settings(tiny_models)
    library = tmp_path / "library.db"
    stats = ScanJob(library, tmp_path / "photos", settings).execute()
    assert stats.error is None and stats.detail["waiting"] == 3
    assert JobsController.describe(stats).endswith(" · 3 photos to tag (Tools > Tag all photos)")
    with Catalog(library) as catalog:  # one photo tagged by these models before the run stopped
        photo = catalog.photos.all()[0]
        catalog.analysis.record(photo.id, caption="a photo", caption_model="c", candidates=[], suggestions=[],
                                embedding=None, visual_model="v", models_key=Pipeline(settings).models_key,
                                fingerprint=photo.fingerprint, threshold=None)
    again = ScanJob(library, tmp_path / "photos", settings).execute()
    assert again.detail["waiting"] == 2 and "2 photos to tag" in JobsController.describe(again)
    plain = ScanJob(library, tmp_path / "photos").execute()
    assert "waiting" not in plain.detail and "to tag" not in JobsController.describe(plain)


def test_a_scan_advertises_no_tagging_without_the_model_libraries(
        tmp_path: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from imgtag_desktop.jobs import scan_job
    from imgtag_desktop.ui.status import JobsController

    make_photo(tmp_path / "photos" / "p.jpg")
    monkeypatch.setattr(scan_job, "tagging_available", lambda: (False, "the tagging pipeline is not installed"))
    stats = scan_job.ScanJob(tmp_path / "library.db", tmp_path / "photos", _settings(tiny_models)).execute()
    assert stats.error is None and "waiting" not in stats.detail
    assert "to tag" not in JobsController.describe(stats)
