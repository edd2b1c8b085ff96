"""No single file stops a scan, a keyword import or a write, whatever its decoder raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.metadata import import_keywords, write_photos
from imgtag_desktop.core.scanner import scan_folder
from tests.helpers import DECODER_STAGES, make_decoder_raise, make_photo

NAMES = ("a.jpg", "bad.jpg", "c.jpg")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for i, name in enumerate(NAMES):
        make_photo(folder / name, seed=i)
    return folder


@pytest.mark.parametrize("stage", ["open", "exif"])
def test_scan_records_a_reason_and_goes_on(catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           stage: str) -> None:
    folder = _folder(tmp_path)
    make_decoder_raise(monkeypatch, stage, "bad.jpg")
    stats = scan_folder(catalog, folder)
    by_name = {p.path.name: p for p in catalog.photos.all()}
    assert set(by_name) == set(NAMES)
    assert by_name["bad.jpg"].status == "broken"
    reason = by_name["bad.jpg"].error or ""
    assert "DecoderSurprise" in reason and f"{stage} exploded" in reason
    assert by_name["a.jpg"].status == by_name["c.jpg"].status == "ok"
    assert stats.broken == 1 and stats.new == 3


@pytest.mark.parametrize("stage", ["open", "exif"])
def test_keyword_import_records_a_reason_and_goes_on(catalog: Catalog, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    folder = _folder(tmp_path)
    for name in NAMES:
        (folder / (name + ".xmp")).write_text(
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>'
            f'<rdf:li>kw-{name}</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>')
    stats = scan_folder(catalog, folder)
    make_decoder_raise(monkeypatch, stage, "bad.jpg")
    imported = import_keywords(catalog, stats.touched_ids)
    by_name = {p.path.name: p for p in catalog.photos.all()}
    assert imported.photos == 3 and imported.tags_added == 3  # the sidecar of the bad file still counts
    assert [p for p, _r in imported.errors] == [by_name["bad.jpg"].display_path]
    assert "DecoderSurprise" in (by_name["bad.jpg"].metadata_error or "")
    for name in NAMES:
        assert [t.name for t in catalog.tags.photo_tags(by_name[name].id)] == [f"kw-{name}"]


@pytest.mark.parametrize("stage", DECODER_STAGES)
def test_embedded_write_records_a_reason_and_goes_on(catalog: Catalog, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    folder = _folder(tmp_path)
    scan_folder(catalog, folder)
    photos = catalog.photos.all()
    for p in photos:
        catalog.tags.add(p.id, "dog")
    before = (folder / "bad.jpg").read_bytes()
    make_decoder_raise(monkeypatch, stage, "bad.jpg")
    report = write_photos(catalog, [p.id for p in photos], mode="embedded", use_exiftool=False)
    by_name = {r.path.name: r for r in report.results}
    assert by_name["a.jpg"].status == by_name["c.jpg"].status == "written"
    bad = by_name["bad.jpg"]
    # Either the file is left alone with a reason, or its sidecar took the keywords instead.
    assert (bad.status in ("skipped", "failed") and bad.reason) or (bad.status == "written" and bad.mode == "sidecar")
    assert (folder / "bad.jpg").read_bytes() == before


def test_a_name_too_long_for_its_sidecar_does_not_stop_the_import(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    long_name = "x" * 251 + ".jpg"  # 255 bytes: fits, but NAME.jpg.xmp does not (ENAMETOOLONG)
    make_photo(folder / long_name, seed=1)
    make_photo(folder / "z.jpg", seed=2)
    (folder / "z.jpg.xmp").write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>'
        '<rdf:li>later</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>')
    stats = scan_folder(catalog, folder)
    imported = import_keywords(catalog, stats.touched_ids)
    assert imported.photos == 2 and imported.tags_added == 1
    z = next(p for p in catalog.photos.all() if p.path.name == "z.jpg")
    assert [t.name for t in catalog.tags.photo_tags(z.id)] == ["later"]
    long_photo = next(p for p in catalog.photos.all() if p.path.name == long_name)
    catalog.tags.add(long_photo.id, "dog")
    report = write_photos(catalog, [long_photo.id], mode="sidecar", use_exiftool=False)
    assert report.results[0].status == "skipped" and "too long" in (report.results[0].reason or "")
