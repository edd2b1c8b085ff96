"""Where imgtag keeps its files (per-user folders from platformdirs, never hand-built)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "imgtag"


def data_dir() -> Path:
    """Per-user data folder (the default library lives here). ``IMGTAG_DATA_DIR`` overrides."""
    override = os.environ.get("IMGTAG_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Per-user settings folder. ``IMGTAG_CONFIG_DIR`` overrides."""
    override = os.environ.get("IMGTAG_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Per-user cache folder (thumbnails). ``IMGTAG_CACHE_DIR`` overrides."""
    override = os.environ.get("IMGTAG_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_library() -> Path:
    """The catalog used when no ``--library`` is given. ``IMGTAG_LIBRARY`` overrides."""
    override = os.environ.get("IMGTAG_LIBRARY")
    return Path(override) if override else data_dir() / "library.db"


def pictures_dir() -> Path:
    """The person's Pictures folder (the app opens it when no folder is named)."""
    return Path(platformdirs.user_pictures_dir())


def resources_dir() -> Path:
    """The ``resources/`` folder: in a checkout beside the package, installed inside it."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"
