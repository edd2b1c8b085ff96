"""The window frees the models after the idle timeout; tagging and visual search load them again."""

from __future__ import annotations

import gc
import weakref

import pytest

from imgtag_desktop.core.catalog import Catalog
from imgtag_desktop.core.settings import load_settings, save_settings
from imgtag_desktop.tagging import MODELS, cached_pipeline
from tests.ui.test_ui_tagging import _folder


@pytest.mark.slow
def test_idle_models_are_freed_and_load_again(qtbot, tmp_path, tiny_models, monkeypatch):
    from imgtag_desktop.ui.app import create_window

    monkeypatch.setenv("IMGTAG_CAPTIONER", str(tiny_models["captioner"]))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    settings = load_settings()
    settings.threshold = 0.0
    settings.unload_models_after = 0.0  # never, to begin with
    save_settings(settings)
    folder = _folder(tmp_path, 3)
    library = tmp_path / "library.db"
    window = create_window(folder, library, prompt=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.jobs.busy and window.grid.model.rowCount() == 3, timeout=30000)
    with qtbot.waitSignal(window.jobs.job_finished, timeout=120000):
        window.jobs.tag(window.grid.model.photo_ids(), only_needed=False)
    pipeline = cached_pipeline(window.session.settings)
    assert pipeline is not None
    refs = [weakref.ref(o) for o in (pipeline, pipeline.captioner.model, pipeline.keywords.model,
                                     pipeline.visual.model)]
    del pipeline
    qtbot.wait(400)
    assert not window.unloader.timer.isActive()  # 0: never unloaded
    gc.collect()
    assert all(ref() is not None for ref in refs)

    window.session.settings.unload_models_after = 0.01  # 0.6 s
    window.unloader.schedule()
    with qtbot.waitSignal(window.unloader.unloaded, timeout=10000):
        pass
    qtbot.waitUntil(lambda: "unloaded" in window.statusBar().currentMessage(), timeout=5000)
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None, None]
    assert cached_pipeline(window.session.settings) is None

    # A visual search loads CLIP again, on the query worker.
    encoder = window.session.text_encoder()
    assert encoder is not None
    results: list[object] = []
    window.session.queries.run(lambda catalog: catalog.albums.search('~"a photo"', text_encoder=encoder),
                               results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=60000)
    assert len(results[0]) == 3  # type: ignore[arg-type]

    # Tagging afterwards works, with models loaded again.
    with qtbot.waitSignal(window.jobs.job_finished, timeout=120000) as blocker:
        window.jobs.tag(window.grid.model.photo_ids(), only_needed=False)
    assert not blocker.args[0].error and blocker.args[0].done == 3
    assert cached_pipeline(window.session.settings) is not None
    with Catalog(library) as catalog:
        assert catalog.analysis.pending(cached_pipeline(window.session.settings).models_key) == []


def test_models_in_use_are_never_freed_as_idle(tiny_settings_idle):
    pipeline = MODELS.pipeline(tiny_settings_idle)
    pipeline.load_visual()
    with MODELS.using():
        assert MODELS.idle_seconds() == 0.0
        assert not MODELS.evict_if_idle(1e-9)
    assert not MODELS.evict_if_idle(3600)  # just used
    assert not MODELS.evict_if_idle(0)  # 0: never
    assert MODELS.evict_if_idle(1e-9)
    assert MODELS.freed_when_idle(tiny_settings_idle)


@pytest.fixture
def tiny_settings_idle(tiny_models):
    import dataclasses

    from tests.tagging.conftest import tiny_settings_for

    return dataclasses.replace(tiny_settings_for(tiny_models), dtype="float32")


def test_a_settings_change_frees_the_replaced_models_off_the_gui_thread(qtbot, tmp_path, tiny_models, monkeypatch):
    import dataclasses
    import threading

    import imgtag_desktop.tagging.cache as cache
    from imgtag_desktop.tagging import loaded_pipeline
    from imgtag_desktop.ui.app import create_window

    monkeypatch.setenv("IMGTAG_CAPTIONER", str(tiny_models["captioner"]))
    monkeypatch.setenv("IMGTAG_VISUAL_MODEL", str(tiny_models["visual"]))
    monkeypatch.setenv("IMGTAG_KEYWORD_MODEL", str(tiny_models["keywords"]))
    window = create_window(_folder(tmp_path, 1), tmp_path / "library.db", prompt=False)
    qtbot.addWidget(window)
    old = dataclasses.replace(window.session.settings, dtype="float32")
    pipeline = loaded_pipeline(old)
    ref = weakref.ref(pipeline.visual.model)
    del pipeline
    released: list[tuple[bool, bool]] = []  # (on the GUI thread, the models already gone)
    monkeypatch.setattr(cache, "trim_heap",
                        lambda: released.append((threading.current_thread() is threading.main_thread(),
                                                 ref() is None)))
    window._free_replaced_models(old, dataclasses.replace(old, dtype="bfloat16"))
    qtbot.waitUntil(lambda: bool(released), timeout=10000)
    assert released == [(False, True)]
    assert cached_pipeline(old) is None
