"""Places from GPS: reading positions (EXIF, XMP, damaged fields), naming them offline, place tags."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from imgtag_desktop.core.catalog import PLACES_AUTO_APPROVE, Catalog
from imgtag_desktop.core.imageio import read_header
from imgtag_desktop.core.places import (
    MAX_DISTANCE_KM,
    GpsFix,
    check_position,
    country_name,
    geocoder,
    gps_from_exif,
    gps_from_xmp,
)
from imgtag_desktop.core.scanner import scan_folder


def _jpeg_with_gps(path: Path, gps: dict[int, object]) -> Path:
    img = Image.new("RGB", (32, 24), (120, 80, 40))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update(gps)
    img.save(path, exif=exif)
    return path


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round(((value - d) * 60 - m) * 60, 4))


# -- reading -------------------------------------------------------------------------------------


def test_exif_position_with_hemispheres() -> None:
    r = gps_from_exif({1: "S", 2: (33.0, 52.0, 4.0), 3: "W", 4: (151.0, 12.0, 36.0)})
    assert r.error is None and r.fix is not None
    assert r.fix.latitude == pytest.approx(-(33 + 52 / 60 + 4 / 3600))
    assert r.fix.longitude == pytest.approx(-(151 + 12 / 60 + 36 / 3600))


def test_no_gps_means_nothing() -> None:
    assert gps_from_exif(None).fix is None and gps_from_exif(None).error is None
    only_altitude = gps_from_exif({5: b"\x00", 6: 3537.0})
    assert only_altitude.fix is None and only_altitude.error is None
    assert gps_from_xmp(b"<x:xmpmeta/>").fix is None and gps_from_xmp(None).error is None


@pytest.mark.parametrize(
    ("gps", "words"),
    [
        ({1: "N", 2: (float("nan"), 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)}, "not a number"),
        ({1: "N", 2: (95.0, 0.0, 0.0), 3: "E", 4: (10.0, 0.0, 0.0)}, "outside -90..90"),
        ({1: "N", 2: (45.0, 0.0, 0.0), 3: "E", 4: (190.0, 0.0, 0.0)}, "outside -180..180"),
        ({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)}, "0°, 0°"),
        ({1: "N", 2: (45.0, 0.0, 0.0)}, "no longitude"),
        ({1: "N", 2: (45.0, 1.0, 2.0, 3.0, 4.0), 3: "E", 4: (1.0, 0.0, 0.0)}, "5 parts"),
        ({1: "N", 2: "garbage", 3: "E", 4: (1.0, 0.0, 0.0)}, "cannot be read"),
    ],
)
def test_damaged_gps_gives_a_reason(gps: dict[int, object], words: str) -> None:
    r = gps_from_exif(gps)
    assert r.fix is None
    assert r.error is not None and words in r.error and "no place" in r.error or "by hand" in (r.error or "")


def test_decimal_minutes_with_undefined_seconds() -> None:
    # Cameras storing "53.32358 minutes" write the seconds as 0/0 (a NaN rational).
    r = gps_from_exif({1: "N", 2: (48.0, 53.32358, float("nan")), 3: "E", 4: (21.0, 2.59507, float("nan"))})
    assert r.fix == GpsFix(pytest.approx(48 + 53.32358 / 60), pytest.approx(21 + 2.59507 / 60))  # type: ignore[arg-type]


def test_xmp_position_forms() -> None:
    xmp = (b'<rdf:Description exif:GPSLongitude="2,17.4W"><exif:GPSLatitude>48,51,24S</exif:GPSLatitude>'
           b"</rdf:Description>")
    r = gps_from_xmp(xmp)
    assert r.fix is not None
    assert r.fix.latitude == pytest.approx(-(48 + 51 / 60 + 24 / 3600))
    assert r.fix.longitude == pytest.approx(-(2 + 17.4 / 60))
    bad = gps_from_xmp(b"<exif:GPSLatitude>north</exif:GPSLatitude><exif:GPSLongitude>2,1E</exif:GPSLongitude>")
    assert bad.fix is None and bad.error and "not a coordinate" in bad.error


def test_real_files_carry_positions(shared_images: Path) -> None:
    expect = {
        "ianare__DSCN0010.jpg": (43.4674, 11.8851),
        "exiv2__Stonehenge.heic": (51.1783, -1.8266),
        "dne__Nikon_D5000.jpg": (48.8887, 21.0433),  # EXIF seconds are 0/0
    }
    for name, (lat, lon) in expect.items():
        gps = read_header(shared_images / name, "heif" if name.endswith(".heic") else "jpeg").gps
        assert gps.fix is not None, name
        assert (gps.fix.latitude, gps.fix.longitude) == (pytest.approx(lat, abs=1e-3), pytest.approx(lon, abs=1e-3))
    null_island = read_header(shared_images / "dne__Samsung_GT-I9000_Galaxy_S.jpg", "jpeg").gps
    assert null_island.fix is None and null_island.error and "0°, 0°" in null_island.error
    no_gps = read_header(shared_images / "dne__Panasonic_DMC-LC40.jpg", "jpeg").gps
    assert no_gps.fix is None and no_gps.error is None


# -- naming --------------------------------------------------------------------------------------


def test_known_places_and_country_names() -> None:
    arezzo, stonehenge = geocoder().places([GpsFix(43.4674, 11.8851), GpsFix(51.1789, -1.8262)])
    assert arezzo is not None and arezzo.tag() == "places|Italy|Tuscany|Arezzo"
    assert arezzo.tag("de") == "places|Italien|Tuscany|Arezzo"
    assert arezzo.tag("fr") == "places|Italie|Tuscany|Arezzo"
    assert stonehenge is not None and stonehenge.tag("nl").startswith("places|Verenigd Koninkrijk|England|")
    assert country_name("DE", "es") == "Alemania" and country_name("DE", "xx") == "Germany"


@pytest.mark.parametrize(
    ("fix", "country"),
    [
        (GpsFix(47.5576, 7.5906), "CH"),  # Basel, a few hundred metres from France and Germany
        (GpsFix(47.5947, 7.6106), "DE"),  # Weil am Rhein, across the Rhine from Basel and Huningue (FR)
        (GpsFix(41.9029, 12.4534), "VA"),  # St Peter's Square
        (GpsFix(65.8440, 24.1450), "FI"),  # Tornio; Haparanda (SE) is across the river
        (GpsFix(66.32, 179.95), "RU"),  # Egvekinot is 40 km away, across the 180th meridian
    ],
)
def test_border_positions(fix: GpsFix, country: str) -> None:
    (place,) = geocoder().places([fix])
    assert place is not None and place.country_code == country


def test_far_from_any_place_gets_nothing() -> None:
    north, south, mid_pacific = geocoder().places([GpsFix(90.0, 0.0), GpsFix(-90.0, 0.0), GpsFix(-30.0, -130.0)])
    assert north is None and south is None and mid_pacific is None
    # just inside the radius still names the place
    (near,) = geocoder().places([GpsFix(43.4674 + 0.5 * MAX_DISTANCE_KM / 111.2, 11.8851)])
    assert near is not None


def test_poles_and_antimeridian_are_valid_positions() -> None:
    assert check_position(90.0, 180.0) == GpsFix(90.0, 180.0)
    assert check_position(-90.0, -180.0) == GpsFix(-90.0, -180.0)
    for lat, lon in ((math.nan, 1.0), (1.0, math.inf), (0.0, 0.0)):
        with pytest.raises(ValueError):
            check_position(lat, lon)


# -- scanning ------------------------------------------------------------------------------------


def test_scan_suggests_places_and_reports_broken_gps(tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    lat, lon = 43.4674, 11.8851
    _jpeg_with_gps(folder / "arezzo.jpg", {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)})
    zero_by_zero = IFDRational(0, 0)  # what a damaged writer stores: 0/0 degrees
    _jpeg_with_gps(folder / "nan.jpg", {1: "N", 2: (zero_by_zero, 0.0, 0.0), 3: "E", 4: (1.0, 0.0, 0.0)})
    _jpeg_with_gps(folder / "half.jpg", {1: "N", 2: (10.0, 0.0, 0.0)})
    _jpeg_with_gps(folder / "sea.jpg", {1: "S", 2: (30.0, 0.0, 0.0), 3: "W", 4: (130.0, 0.0, 0.0)})
    Image.new("RGB", (8, 8)).save(folder / "plain.jpg")
    stats = scan_folder(catalog, folder, language="de")
    problems = dict(stats.notes)
    assert stats.errors == []
    assert set(problems) == {str(folder / "nan.jpg"), str(folder / "half.jpg")}
    assert "not a number" in problems[str(folder / "nan.jpg")]
    assert "no longitude" in problems[str(folder / "half.jpg")]
    assert stats.broken == 0  # a bad GPS field does not make a photo broken
    tags = {p.path.name: catalog.tags.photo_tags(p.id) for p in catalog.photos.all()}
    assert [(t.name, t.state, t.source) for t in tags["arezzo.jpg"]] == [
        ("places|Italien|Tuscany|Arezzo", "suggested", "gps")]
    assert all(not tags[n] for n in ("nan.jpg", "half.jpg", "sea.jpg", "plain.jpg"))
    assert len(catalog.places.gps_problems()) == 2
    # places search like any hierarchical tag
    assert catalog.tags.by_name("places|Italien") is not None


def test_rejected_place_stays_rejected_and_approved_is_never_renamed(tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    photo = _jpeg_with_gps(folder / "a.jpg", {1: "N", 2: _dms(43.4674), 3: "E", 4: _dms(11.8851)})
    scan_folder(catalog, folder)
    (pid,) = [p.id for p in catalog.photos.all()]
    catalog.tags.approve(pid, "places|Italy|Tuscany|Arezzo")
    # same file rescanned with another language: the approved English name stays, nothing is added twice
    photo.touch()
    import os

    os.utime(photo, ns=(1, 1))
    scan_folder(catalog, folder, language="fr")
    assert {(t.name, t.state) for t in catalog.tags.photo_tags(pid)} == {("places|Italy|Tuscany|Arezzo", "approved")}
    catalog.tags.reject(pid, "places|Italy|Tuscany|Arezzo")
    os.utime(photo, ns=(2, 2))
    scan_folder(catalog, folder, language="en")
    assert {(t.name, t.state) for t in catalog.tags.photo_tags(pid)} == {("places|Italy|Tuscany|Arezzo", "rejected")}


def test_auto_approve_setting(tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    _jpeg_with_gps(folder / "a.jpg", {1: "N", 2: _dms(51.1789), 3: "W", 4: _dms(1.8262)})
    catalog.set_setting(PLACES_AUTO_APPROVE, True)
    scan_folder(catalog, folder)
    (pid,) = [p.id for p in catalog.photos.all()]
    assert [(t.state, t.source) for t in catalog.tags.photo_tags(pid)] == [("approved", "gps")]


def test_real_folder_scan(tmp_path: Path, catalog: Catalog, shared_images: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    for name in ("ianare__DSCN0010.jpg", "dne__Samsung_GT-I9000_Galaxy_S.jpg", "dne__Panasonic_DMC-LC40.jpg"):
        shutil.copy(shared_images / name, folder / name)
    stats = scan_folder(catalog, folder)
    assert [Path(p).name for p, _ in stats.notes] == ["dne__Samsung_GT-I9000_Galaxy_S.jpg"] and not stats.errors
    by_name = {p.path.name: [t.name for t in catalog.tags.photo_tags(p.id)] for p in catalog.photos.all()}
    assert by_name["ianare__DSCN0010.jpg"] == ["places|Italy|Tuscany|Arezzo"]
    assert by_name["dne__Panasonic_DMC-LC40.jpg"] == []


def test_migration_keeps_tags_and_counts(tmp_path: Path) -> None:
    import sqlite3

    from imgtag_desktop.core.catalog import schema

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    for n in range(1, 6):
        conn.executescript(schema.MIGRATIONS[n])
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO folders (id, path, path_bytes, added_at) VALUES (1, '/x', x'2f78', 0)")
    conn.execute("INSERT INTO photos (id, folder_id, path, path_bytes, size, mtime_ns, added_at, updated_at)"
                 " VALUES (1, 1, '/x/a', x'2f782f61', 1, 1, 0, 0)")
    conn.execute("INSERT INTO tags (id, name, leaf) VALUES (1, 'dog', 'dog')")
    conn.execute("INSERT INTO photo_tags VALUES (1, 1, 'approved', 'manual', NULL, NULL, NULL, 0, 0)")
    conn.commit()
    conn.close()
    with Catalog(db) as cat:
        assert [t.name for t in cat.tags.photo_tags(1)] == ["dog"]
        cat.tags.remove(1, "dog")  # the rebuilt table still keeps the approved count
        assert cat._conn.execute("SELECT approved_tags FROM photos WHERE id = 1").fetchone()[0] == 0


def test_cli_places_setting_and_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from imgtag_desktop.cli import main

    folder = tmp_path / "p"
    folder.mkdir()
    _jpeg_with_gps(folder / "half.jpg", {1: "N", 2: (10.0, 0.0, 0.0)})
    _jpeg_with_gps(folder / "ok.jpg", {1: "N", 2: _dms(43.4674), 3: "E", 4: _dms(11.8851)})
    library = str(tmp_path / "lib.db")
    (tmp_path / "empty").mkdir()
    assert main(["--library", library, "scan", str(tmp_path / "empty")]) == 0  # only a scan creates a library
    assert main(["--library", library, "places", "--auto-approve", "on"]) == 0
    assert main(["--library", library, "scan", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--library", library, "places", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["auto_approve"] is True
    assert [Path(p["path"]).name for p in out["problems"]] == ["half.jpg"]
    with Catalog(tmp_path / "lib.db") as cat:
        (ok,) = [p.id for p in cat.photos.all() if p.path.name == "ok.jpg"]
        assert [(t.name, t.state) for t in cat.tags.photo_tags(ok)] == [("places|Italy|Tuscany|Arezzo", "approved")]
