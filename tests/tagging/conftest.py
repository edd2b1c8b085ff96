"""Fixtures of the tagging tests: settings and one loaded pipeline on the tiny models."""

from __future__ import annotations

from pathlib import Path

import pytest

from imgtag_desktop.core.settings import Settings


def tiny_settings_for(models: dict[str, Path], **changes: object) -> Settings:
    return Settings(
        captioner=str(models["captioner"]),
        keyword_model=str(models["keywords"]),
        visual_model=str(models["visual"]),
        device="cpu",
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def tiny_settings(tiny_models: dict[str, Path]) -> Settings:
    return tiny_settings_for(tiny_models)


@pytest.fixture(scope="session")
def tiny_pipeline(tiny_settings: Settings):  # type: ignore[no-untyped-def]
    """One pipeline on the tiny models, loaded once for the session (as the app does per job)."""
    from imgtag_desktop.tagging import load_pipeline

    pipeline = load_pipeline(tiny_settings)
    pipeline.load()
    return pipeline
