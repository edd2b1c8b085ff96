"""Typed application settings, declared once, stored as JSON in the per-user config folder.

Every option lives in :class:`Settings` with its default. Environment variables override
the model choices (``IMGTAG_CAPTIONER``, ``IMGTAG_KEYWORD_MODEL``, ``IMGTAG_VISUAL_MODEL``,
``IMGTAG_DEVICE``) so scripts and tests can point at local folders without touching the
file. Per-library options (the metadata write mode) live in the catalog's settings table.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import config_dir

log = logging.getLogger(__name__)

SETTINGS_VERSION = 2

DEFAULT_CAPTIONER = "Salesforce/blip-image-captioning-base"
DEFAULT_KEYWORD_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_VISUAL_MODEL = "openai/clip-vit-base-patch32"

ENV_OVERRIDES = {
    "captioner": "IMGTAG_CAPTIONER",
    "keyword_model": "IMGTAG_KEYWORD_MODEL",
    "visual_model": "IMGTAG_VISUAL_MODEL",
    "device": "IMGTAG_DEVICE",
    "multilingual_text_model": "IMGTAG_MULTILINGUAL_TEXT_MODEL",
}


@dataclass
class Settings:
    """All options of the application, with their defaults."""

    # Models: a Hugging Face hub id (loaded from the HF cache) or a local folder.
    captioner: str = DEFAULT_CAPTIONER
    keyword_model: str = DEFAULT_KEYWORD_MODEL
    visual_model: str = DEFAULT_VISUAL_MODEL
    device: str = "auto"  # auto | cpu | cuda | mps
    dtype: str = "auto"  # auto | float32 | float16 | bfloat16 | int8 (CPU: captioner int8)
    # Tagging
    threshold: float = 0.5  # confidence (P(you approve)) a tag needs to be suggested
    suggestion_budget: int = 10  # at most this many suggestions per photo (1-50)
    mute_after: int = 5  # a tag rejected on this many photos and never approved is muted
    use_vocabulary: bool = True  # also score the built-in vocabulary and the library's tags
    batch_size: int = 0  # photos per model batch; 0: by device (16 on a CPU, 32 on CUDA)
    # Import torch and transformers in the background once the window has settled, when photos wait
    # to be tagged, so Tag all starts seconds sooner (costs ~300 MB of memory; see ui/warmup.py)
    warm_up_model_libraries: bool = True
    unload_models_after: float = 10.0  # minutes without tagging or searching before the app frees the models (0: never)
    # Browsing
    thumbnail_size: int = 256
    grid_thumbnail_size: int = 160  # size of the desktop grid's cells (the cache keeps thumbnail_size)
    last_folder: str | None = None
    # Window state (base64 of Qt's saveGeometry/saveState), owned by the UI
    window_geometry: str | None = None
    window_state: str | None = None
    splitter_state: str | None = None
    # Languages: "auto" follows the system locale; a code (de, fr, ...) overrides it
    ui_language: str = "auto"
    tag_language: str = "auto"  # vocabulary suggestions and country names of place tags
    # Optional multilingual text encoder in the visual model's space ("" = none)
    multilingual_text_model: str = ""
    version: int = SETTINGS_VERSION

    def with_env(self) -> Settings:
        """A copy with the environment's overrides applied."""
        changes: dict[str, Any] = {name: os.environ[var] for name, var in ENV_OVERRIDES.items() if os.environ.get(var)}
        return dataclasses.replace(self, **changes) if changes else self


def settings_file() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None, *, apply_env: bool = True) -> Settings:
    """Read settings; unknown keys are ignored, a damaged file or value falls back to defaults (logged)."""
    path = path or settings_file()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            data = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError) as exc:
            log.warning("settings file %s cannot be read (%s); using defaults", path, exc)
    settings = Settings(**_valid_values(_upgrade(data), path))
    return settings.with_env() if apply_env else settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write settings atomically (temp file + rename)."""
    path = path or settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(settings), indent=2), encoding="utf-8")
    os.replace(tmp, path)


# JSON types each option accepts, by its annotation (a test checks every field is listed).
OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "str | None": (str, type(None)),
    "float": (int, float),
    "int": (int,),
    "bool": (bool,),
    "list[str]": (list,),
}


def _valid_values(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The known options whose values have the option's type; a wrong one keeps its default (logged),
    so a hand-edited ``"threshold": "high"`` cannot break tagging later."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        if f.name not in data:
            continue
        value = data[f.name]
        kinds = OPTION_TYPES[str(f.type)]
        ok = isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool))
        if ok and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        if ok:
            values[f.name] = value
        else:
            log.warning("settings file %s: %s = %r is not valid; using the default", path, f.name, value)
    return values


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Versioned upgrade hooks: turn an older settings file into the current shape."""
    version = int(data.get("version", SETTINGS_VERSION))
    if version < 2 and data.get("batch_size") == 8:
        data["batch_size"] = 0  # 8 was the fixed default; the device chooses now (32 on CUDA)
    data["version"] = max(version, SETTINGS_VERSION)
    return data
