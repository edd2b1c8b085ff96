from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from imgtag_desktop.core.settings import OPTION_TYPES, Settings, load_settings, save_settings


def test_every_option_has_a_known_type() -> None:
    assert {str(f.type) for f in dataclasses.fields(Settings)} <= set(OPTION_TYPES)


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(Settings(threshold=0.3, grid_thumbnail_size=200, last_folder="/photos"), path)
    loaded = load_settings(path, apply_env=False)
    assert (loaded.threshold, loaded.grid_thumbnail_size, loaded.last_folder) == (0.3, 200, "/photos")


def test_a_value_of_the_wrong_type_falls_back_to_its_default(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"threshold": "high", "batch_size": True, "use_vocabulary": 1, "device": "cpu",
                                "grid_thumbnail_size": "big", "last_folder": None, "unknown": 5}), encoding="utf-8")
    loaded = load_settings(path, apply_env=False)
    defaults = Settings()
    assert (loaded.threshold, loaded.batch_size, loaded.use_vocabulary, loaded.grid_thumbnail_size) == (
        defaults.threshold, defaults.batch_size, defaults.use_vocabulary, defaults.grid_thumbnail_size)
    assert loaded.device == "cpu" and loaded.last_folder is None  # valid values are kept


def test_a_damaged_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_settings(path, apply_env=False) == Settings()
