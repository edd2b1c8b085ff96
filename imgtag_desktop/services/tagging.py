"""Tagging use cases: choosing the photos to tag, and tagging them."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..core.catalog import Catalog
from ..core.memory import trim_heap
from ..core.settings import Settings
from ..tagging import Focus, ModelUnavailable, Pipeline, TagRunStats
from ..tagging.staged import RunStep, tag_photos_staged
from ..tagging.suggest import Hold
from .library import tag_language


def photos_to_tag(
    catalog: Catalog,
    models_key: str,
    photo_ids: Sequence[int] | None = None,
    *,
    under: str | os.PathLike[str] | None = None,
    redo: bool = False,
) -> list[int]:
    """The photos a tagging run visits, in catalog order.

    ``photo_ids`` (a selection) or ``under`` (a folder) narrow the library; without ``redo``
    photos already analysed by the models ``models_key`` are left out, so a run resumes
    where the last one stopped."""
    ids: list[int] | None = list(photo_ids) if photo_ids is not None else None
    if under is not None:
        in_folder = [p.id for p in catalog.photos.all(status="ok", under=Path(under))]
        ids = in_folder if ids is None else [i for i in ids if i in set(in_folder)]
    if not redo:
        return catalog.analysis.pending(models_key, ids)
    if ids is None:
        return [p.id for p in catalog.photos.all(status="ok")]
    return ids


def photos_waiting(catalog: Catalog, settings: Settings) -> int:
    """How many photos Tag all would tag now with the settings' models (0 when a model is missing:
    no run could start). Reads the models' folders and the catalog: call it off the GUI thread."""
    try:
        models_key = Pipeline(settings.with_env()).models_key  # a fresh one: asking loads and evicts nothing
    except ModelUnavailable:
        return 0
    return len(photos_to_tag(catalog, models_key))


def run_tagging(
    catalog: Catalog,
    photo_ids: Sequence[int],
    pipeline: Pipeline,
    settings: Settings,
    *,
    threshold: float | None = None,
    budget: int | None = None,
    mute_after: int | None = None,
    batch_size: int | None = None,
    use_vocabulary: bool | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_result: Callable[[int], None] | None = None,
    on_error: Callable[[int, str, str], None] | None = None,
    step: Callable[[RunStep], None] | None = None,
    focus: Focus | None = None,
    hold: Hold | None = None,
) -> TagRunStats:
    """Tag ``photo_ids`` with the settings' threshold, suggestion budget, muting, batch size,
    vocabulary choice and tag language (all but the language overridable for one run); results
    are committed batch by batch. The first photo is tagged first and alone, so its suggestions show
    in seconds (see :mod:`imgtag_desktop.tagging.staged`); ``step`` hears what the run does
    between photos, with a count (:class:`~imgtag_desktop.tagging.staged.RunStep`). Photos are taken
    in the given order, except that the photos the ``focus`` holds when a batch is chosen (what the
    person is looking at) come first; re-rankings of photos tagged earlier leave the photos of ``hold``
    (the one the person is looking at) as they show them. When the run ends, the memory its batches freed goes back to
    the system (a window lives on after a run; see :mod:`imgtag_desktop.core.memory`)."""
    try:
        return tag_photos_staged(
            catalog,
            photo_ids,
            pipeline,
            threshold=settings.threshold if threshold is None else threshold,
            budget=settings.suggestion_budget if budget is None else budget,
            mute_after=settings.mute_after if mute_after is None else mute_after,
            batch_size=int(batch_size or settings.batch_size) or None,  # None: the device chooses
            progress=progress,
            cancelled=cancelled,
            on_result=on_result,
            on_error=on_error,
            step=step,
            use_vocabulary=bool(settings.use_vocabulary if use_vocabulary is None else use_vocabulary),
            language=tag_language(settings),
            focus=focus,
            hold=hold,
        )
    finally:
        trim_heap()
