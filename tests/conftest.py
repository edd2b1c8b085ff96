"""Shared fixtures: every test gets its own catalog, config, cache and data folders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_IMAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "images"


@pytest.fixture(scope="session")
def shared_text_embeddings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One text-embedding cache for the session: the vocabulary is encoded once per model, not per test."""
    return tmp_path_factory.mktemp("text-embeddings")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                  shared_text_embeddings: Path) -> Iterator[Path]:
    """Per-test user folders so no test touches the real settings, cache or library (the cache of
    vocabulary text embeddings, keyed by model version and texts, is shared by the session)."""
    base = tmp_path_factory.mktemp("user")
    for var, sub in (("IMGTAG_DATA_DIR", "data"), ("IMGTAG_CONFIG_DIR", "config"), ("IMGTAG_CACHE_DIR", "cache")):
        monkeypatch.setenv(var, str(base / sub))
    (base / "cache").mkdir()
    (base / "cache" / "text-embeddings").symlink_to(shared_text_embeddings, target_is_directory=True)
    monkeypatch.delenv("IMGTAG_LIBRARY", raising=False)
    speed = sys.modules.get("imgtag_desktop.tagging.cpu_speed")
    if speed is not None:  # this process's timings belong to another test's cache folder
        speed._memo.clear()
        speed.bf16_is_faster.cache_clear()
    yield base


@pytest.fixture(autouse=True)
def gui_thread_guard() -> Iterator[None]:
    """Active in every test: ``ui/`` code asking the catalog for more than an O(1) read on the GUI
    thread raises (tests/gui_guard.py); a call swallowed by a Qt slot fails the test here."""
    from tests import gui_guard

    gui_guard.install()
    gui_guard.violations.clear()
    yield
    found, gui_guard.violations[:] = list(gui_guard.violations), []
    assert not found, found


@pytest.fixture(autouse=True)
def denormals_restored() -> Iterator[None]:
    """A model thread flushes denormal floats (``roles.flush_denormals``, x86 FTZ/DAZ), and in the
    tests that thread is often the test's own: set back after each test, so a later test (e.g. a
    hypothesis strategy drawing subnormal floats) never depends on which tests ran before it."""
    yield
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_flush_denormal(False)


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    from imgtag_desktop.core.catalog import Catalog

    cat = Catalog(tmp_path / "library.db")
    yield cat
    cat.close()


@pytest.fixture
def shared_images() -> Path:
    if not SHARED_IMAGES.is_dir():
        pytest.skip(f"shared test images not found at {SHARED_IMAGES}")
    return SHARED_IMAGES


# Tiny BLIP/CLIP models (session-scoped `tiny_models` fixture), shared by every test folder.
from tests.tiny_models import tiny_models  # noqa: E402, F401


def _patient_waits() -> None:
    """Waits in GUI tests return as soon as their condition holds; their default limit (5 s) only
    decides when a slow, loaded machine counts as a failure. Give it 30 s. Explicit timeouts stay."""
    from pytestqt.qtbot import QtBot

    for name in ("waitUntil", "waitSignal", "waitSignals"):
        original = getattr(QtBot, name)

        def patient(self, *args, __original=original, timeout=30000, **kwargs):  # type: ignore[no-untyped-def]
            return __original(self, *args, timeout=timeout, **kwargs)

        setattr(QtBot, name, patient)


_patient_waits()
