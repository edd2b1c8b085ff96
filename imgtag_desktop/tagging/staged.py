"""Tagging with the first suggestion on screen in seconds: the first photo alone, the vocabulary later.

A run spends its first seconds on two things before any photo is done: a whole batch of photos
(several seconds per photo on a CPU), and, the first time a model version meets the built-in
vocabulary, encoding that vocabulary's ~300 concepts x 4 prompts with CLIP's text tower (about
20 s on a laptop CPU; a disk cache makes it free afterwards, see :mod:`.text_cache`).
:func:`tag_photos_staged` reorders that work, and only that:

1. the first photo (the one the run lists first: the one on screen) is tagged alone, a batch of
   one, with the vocabulary when its embeddings are cached, else with its caption's phrases;
2. when the vocabulary is not cached, it is encoded in chunks, and a batch of photos is tagged
   (with their caption phrases) between two chunks, so results keep coming;
3. once the vocabulary is complete, the photos tagged without it gain their vocabulary candidates
   from what is stored (caption, keyword scores, CLIP image embedding: no model runs on the image
   again) and are ranked again, exactly as if they had been tagged with it;
4. the rest is tagged as usual.

Until step 3, a photo tagged without the vocabulary is recorded as not yet fully analysed, so a
run stopped (or a crash) before then tags it again next time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from .order import Focus, WorkOrder
from .overlap import default_batch_size
from .pipeline import Pipeline
from .ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from .run import TagRunStats, model_suggestions, note_rerank, record_analysis, tag_photos, vocabulary_origins
from .suggest import Hold, RankingOptions, RerankStats, maybe_calibrate, rerank
from .vocabulary import vocabulary_names

if TYPE_CHECKING:
    from ..core.catalog import Catalog

log = logging.getLogger(__name__)

__all__ = ["STEP_TEXTS", "VOCABULARY_CHUNK", "VOCABULARY_PENDING", "RunStep", "add_vocabulary",
           "tag_photos_staged"]

VOCABULARY_CHUNK = 32  # concepts encoded between two batches of photos (x 4 prompt templates)
# Stored as the analysis "error" of a photo tagged before the vocabulary was ready: it stays pending.
VOCABULARY_PENDING = "tagged before the tag vocabulary was ready; its vocabulary candidates come next"


StepKind = Literal["vocabulary", "vocabulary-candidates"]
# What each step says (English; the window shows its own translation of the same sentence).
STEP_TEXTS: dict[StepKind, str] = {
    "vocabulary": "Preparing the tag vocabulary for the visual model ({done}/{total})…",
    "vocabulary-candidates": "Adding the tag vocabulary to the photos tagged before it was ready "
                             "({done}/{total} photos)…",
}


@dataclass(frozen=True)
class RunStep:
    """What a run does between photos, and how far it got: ``vocabulary`` (step 2, concepts encoded
    of the vocabulary's) or ``vocabulary-candidates`` (step 3, photos done of those waiting for it)."""

    kind: StepKind
    done: int
    total: int

    @property
    def text(self) -> str:
        return STEP_TEXTS[self.kind].format(done=self.done, total=self.total)


def _merge(total: TagRunStats, part: TagRunStats) -> None:
    total.analysed += part.analysed
    total.failed += part.failed
    total.errors.extend(part.errors)
    total.cancelled = total.cancelled or part.cancelled
    total.batch_size = max(total.batch_size, part.batch_size)
    total.decode_workers = max(total.decode_workers, part.decode_workers)
    for name in ("decode_s", "input_wait_s", "models_s", "commit_s", "commit_wait_s"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.reranked.update(part.reranked)
    total.held.update(part.held)
    total.recalibrated = total.recalibrated or part.recalibrated


def add_vocabulary(
    catalog: Catalog,
    pipeline: Pipeline,
    photo_ids: Sequence[int],
    origins: dict[str, str],
    options: RankingOptions,
    *,
    language: str = "en",
    progress: Callable[[int, int], None] | None = None,
    hold: Hold | None = None,
) -> RerankStats:
    """Give photos analysed without the vocabulary their vocabulary candidates, from their stored
    caption, caption phrases and image embedding and the pipeline's current vocabulary (set it first),
    and rank them again. ``progress(done, total)`` hears of each photo done. The photos of ``hold``
    (the one the person is looking at) keep the suggestions they show (see :func:`.suggest.rerank`).
    Returns the re-ranking's stats."""
    ids, matrix = catalog.analysis.image_embeddings(pipeline.visual_version)
    row_of = {int(pid): i for i, pid in enumerate(ids)}
    names = vocabulary_names(language)
    done: list[int] = []
    with catalog.transaction():
        for number, photo_id in enumerate(photo_ids, 1):
            if progress:
                progress(number - 1, len(photo_ids))
            caption = catalog.analysis.caption(photo_id)
            photo = catalog.photos.get(photo_id)
            if caption is None or photo_id not in row_of or photo is None:
                continue
            phrases = [r for r in catalog.analysis.candidates(photo_id) if r.origin == "caption"]
            keywords = sorted(((r.text, float(r.keyword_score or 0.0)) for r in phrases), key=lambda x: -x[1])
            embedding = np.asarray(matrix[row_of[photo_id]], dtype=np.float32)[None, :]
            (analysis,) = pipeline.score([caption], embedding, [keywords], vocabulary_origin=origins,
                                         vocabulary_keep=STORED_PER_PHOTO)
            record_analysis(catalog, pipeline, photo_id, analysis, fingerprint=photo.fingerprint, names=names,
                            threshold=options.threshold)
            done.append(photo_id)
    ranked = rerank(catalog, options, done, hold=hold.get() if hold else ()) if done else RerankStats()
    if progress:
        progress(len(photo_ids), len(photo_ids))
    return ranked


def tag_photos_staged(
    catalog: Catalog,
    photo_ids: Sequence[int],
    pipeline: Pipeline,
    *,
    threshold: float,
    batch_size: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_result: Callable[[int], None] | None = None,
    on_error: Callable[[int, str, str], None] | None = None,
    step: Callable[[RunStep], None] | None = None,
    use_vocabulary: bool = True,
    budget: int = DEFAULT_BUDGET,
    mute_after: int = 5,
    language: str = "en",
    focus: Focus | None = None,
    hold: Hold | None = None,
) -> TagRunStats:
    """:func:`.run.tag_photos`, with the first photo done first and alone and the vocabulary encoded
    between photos when it is not cached (see the module docstring). Same arguments, plus
    ``step(RunStep)`` for what the run is doing between photos, with a count; ``on_result`` hears
    again of a photo tagged before the vocabulary was ready once it has its vocabulary candidates.
    A run stopped before then counts those photos as :attr:`TagRunStats.unfinished`. Re-rankings
    of photos tagged earlier (their vocabulary candidates, a new calibration) leave the photos of
    ``hold`` as they are (see :func:`.run.tag_photos`)."""
    start = time.monotonic()
    order = WorkOrder(photo_ids, focus)  # "first" is the focus's first photo when there is a focus
    ids = order.remaining()
    stats = TagRunStats(total=len(ids))
    if not ids:
        return stats
    done_before = 0
    pending_vocabulary: list[int] = []
    analysed_ids: set[int] = set()
    collecting = False

    def is_cancelled() -> bool:
        return bool(cancelled and cancelled())

    def part_progress(done: int, _total: int, path: str) -> None:
        if progress:
            progress(done_before + done, len(ids), path)

    def part_result(photo_id: int) -> None:
        analysed_ids.add(photo_id)
        if collecting:  # tagged without the vocabulary: pending (noted in its batch) until it has them
            pending_vocabulary.append(photo_id)
        if on_result:
            on_result(photo_id)

    def candidates_progress(done: int, total: int) -> None:
        if step:
            step(RunStep("vocabulary-candidates", done, total))

    def run(part: list[int], *, vocabulary: bool, size: int) -> None:
        nonlocal done_before
        result = tag_photos(catalog, part, pipeline, threshold=threshold, batch_size=size, progress=part_progress,
                            cancelled=cancelled, on_result=part_result, on_error=on_error,
                            use_vocabulary=vocabulary, budget=budget, mute_after=mute_after, language=language,
                            focus=focus, pending_note=VOCABULARY_PENDING if collecting else None, hold=hold)
        _merge(stats, result)
        done_before += len(part)

    pipeline.load()
    batch_size = max(1, int(batch_size or default_batch_size(pipeline.device)))
    origins = vocabulary_origins(catalog) if use_vocabulary else {}
    ready = not origins or pipeline.vocabulary_ready(list(origins))
    collecting = not ready
    run(order.take(1), vocabulary=use_vocabulary and ready, size=1)
    if not ready and not stats.cancelled:
        texts = list(origins)
        for first in range(0, len(texts), VOCABULARY_CHUNK):
            if is_cancelled():
                stats.cancelled = True
                break
            if step:
                step(RunStep("vocabulary", first, len(texts)))
            pipeline.encode_texts(texts[first : first + VOCABULARY_CHUNK])  # kept in memory by the model
            if len(order) and first + VOCABULARY_CHUNK < len(texts):
                run(order.take(batch_size), vocabulary=False, size=batch_size)
                if stats.cancelled:
                    break
        collecting = False
        if not stats.cancelled:
            pipeline.set_vocabulary(texts)  # all in memory now: stored in the disk cache for the next run
            if pending_vocabulary:
                options = RankingOptions(threshold=threshold, budget=budget, mute_after=mute_after)
                note_rerank(stats, add_vocabulary(catalog, pipeline, pending_vocabulary, origins, options,
                                                  language=language, progress=candidates_progress, hold=hold))
                if maybe_calibrate(catalog, pipeline.models_key) is not None:
                    # A new calibration changes every photo's confidences.
                    note_rerank(stats, rerank(catalog, options, hold=hold.get() if hold else ()))
                    stats.recalibrated = True
                if on_result:
                    for photo_id in pending_vocabulary:
                        on_result(photo_id)
                pending_vocabulary.clear()
    if len(order) and not stats.cancelled:
        run(order.remaining(), vocabulary=use_vocabulary, size=batch_size)
    stats.unfinished = len(pending_vocabulary)  # stopped before they got the vocabulary: tagged again next run
    if analysed_ids:  # what the analysed photos show now (later parts and re-rankings changed earlier ones)
        stats.suggested = model_suggestions(catalog, sorted(analysed_ids))
    stats.seconds = time.monotonic() - start
    return stats
