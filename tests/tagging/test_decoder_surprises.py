"""No single file stops a tag run, whatever its decoder raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.scanner import scan_folder
from imgtag_desktop.tagging import Pipeline, tag_photos
from tests.helpers import make_decoder_raise, make_photo


@pytest.mark.parametrize("stage", ["open", "load"])
def test_tag_run_fails_the_one_photo_and_goes_on(catalog: Catalog, tiny_pipeline: Pipeline, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    folder = tmp_path / "photos"
    for i, name in enumerate(("a.jpg", "bad.jpg", "c.jpg")):
        make_photo(folder / name, seed=i)
    scan_folder(catalog, folder)
    ids = [p.id for p in catalog.photos.all()]
    make_decoder_raise(monkeypatch, stage, "bad.jpg")
    errors: list[str] = []
    stats = tag_photos(catalog, ids, tiny_pipeline, threshold=0.0, batch_size=3,
                       on_error=lambda _i, path, reason: errors.append(f"{path}: {reason}"))
    assert stats.analysed == 2 and stats.failed == 1
    assert len(errors) == 1 and "bad.jpg" in errors[0] and "DecoderSurprise" in errors[0]
    by_name = {p.path.name: p for p in catalog.photos.all()}
    assert by_name["bad.jpg"].status == "broken" and "exploded" in (by_name["bad.jpg"].error or "")
    assert catalog.analysis.caption(by_name["a.jpg"].id) and catalog.analysis.caption(by_name["c.jpg"].id)
