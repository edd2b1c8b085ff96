"""The model cache holds one pipeline: a model-settings change frees the old models."""

from __future__ import annotations

import dataclasses
import gc
import weakref

from imgtag_desktop.core.settings import Settings
from imgtag_desktop.tagging import cached_pipeline, evict_models_if_changed, load_pipeline, loaded_pipeline


def test_a_model_settings_change_frees_the_old_models(tiny_settings: Settings) -> None:
    old_settings = dataclasses.replace(tiny_settings, dtype="float32")  # not the session's shared pipeline
    pipeline = loaded_pipeline(old_settings)
    assert cached_pipeline(old_settings) is pipeline and load_pipeline(old_settings) is pipeline
    refs = [weakref.ref(obj) for obj in
            (pipeline, pipeline.captioner.model, pipeline.keywords.model, pipeline.visual.model)]
    del pipeline
    gc.collect()
    assert all(ref() is not None for ref in refs)  # the cache keeps them while the settings stay

    assert not evict_models_if_changed(old_settings, dataclasses.replace(old_settings, threshold=0.3))
    gc.collect()
    assert all(ref() is not None for ref in refs)  # a threshold change loads no other models

    new_settings = dataclasses.replace(old_settings, dtype="bfloat16")
    assert evict_models_if_changed(old_settings, new_settings)
    gc.collect()
    assert [ref() for ref in refs] == [None, None, None, None]
    assert cached_pipeline(old_settings) is None


def test_asking_for_other_models_evicts_the_held_ones(tiny_settings: Settings) -> None:
    first = load_pipeline(dataclasses.replace(tiny_settings, dtype="float32"))
    ref = weakref.ref(first)
    del first
    other = load_pipeline(dataclasses.replace(tiny_settings, dtype="bfloat16"))
    gc.collect()
    assert ref() is None and load_pipeline(dataclasses.replace(tiny_settings, dtype="bfloat16")) is other


def test_freeing_the_models_returns_their_memory_after_the_last_reference_is_gone(tiny_settings, monkeypatch):
    from imgtag_desktop.tagging import cache, evict_models

    settings = dataclasses.replace(tiny_settings, dtype="float32")
    pipeline = loaded_pipeline(settings)
    ref = weakref.ref(pipeline.visual.model)
    del pipeline
    released: list[bool] = []  # whether the models were already gone when the memory was given back
    monkeypatch.setattr(cache, "trim_heap", lambda: released.append(ref() is None))
    evict_models()
    assert released == [True]

    pipeline = loaded_pipeline(settings)
    ref = weakref.ref(pipeline.visual.model)
    del pipeline
    assert cache.MODELS.evict_if_idle(1e-9)
    assert released == [True, True]


def test_a_late_settings_change_keeps_the_models_a_run_loaded_for_the_new_settings(tiny_settings):
    # The window frees replaced models on its query worker: a tagging run may have loaded the new
    # settings' models by then, and those stay.
    old = dataclasses.replace(tiny_settings, dtype="float32")
    new = dataclasses.replace(tiny_settings, dtype="bfloat16")
    held = load_pipeline(new)
    assert evict_models_if_changed(old, new)
    assert load_pipeline(new) is held
    assert evict_models_if_changed(new, old)  # the other way round they are the replaced ones
    assert load_pipeline(new) is not held
