"""Tagging photos of a catalog in batches, one committed transaction per batch (resumable).

The stages overlap (:mod:`.overlap`): decode threads prepare the next batch and a writer thread
commits the batch before while the models run on the calling thread."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..core.catalog.analysis import CandidateRow
from ..core.catalog.records import Photo
from ..core.imageio import ImageReadError
from .order import Focus, WorkOrder
from .overlap import BatchWriter, Outcome, Prefetcher, decode_workers, default_batch_size
from .pipeline import ImageAnalysis, ModelInputs, Pipeline
from .ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from .suggest import Hold, RankingOptions, RerankStats, maybe_calibrate, rerank
from .vocabulary import builtin_vocabulary, vocabulary_names

if TYPE_CHECKING:
    from ..core.catalog import Catalog

log = logging.getLogger(__name__)

# Photos a run must still have ahead of it to give the caption decoder float16 weights (where auto's
# check accepted them, see .fp16). Making them packs about 120 million weights: 1.0 s on 2 cores,
# which the decoder wins back at 0.017-0.021 s a photo after some 50-60 photos (both measured on
# a 2-core AVX2 machine with the full-size models; CPU costs, not model behaviour); 128 leaves a
# margin. A short run, and a run's first suggestions, never wait for them.
LONG_RUN_PHOTOS = 128

__all__ = ["TagRunStats", "candidate_rows", "model_suggestions", "note_rerank", "record_analysis", "tag_photos",
           "vocabulary_origins"]

@dataclass
class TagRunStats:
    """What one tagging run did."""

    total: int = 0
    analysed: int = 0
    failed: int = 0
    suggested: int = 0  # the model suggestions the analysed photos show (not the places a scan suggested)
    # Analysed before the tag vocabulary was ready by a run stopped before they got it: tagged again next run.
    unfinished: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (photo id, path, reason)
    batch_size: int = 0
    decode_workers: int = 0  # 0: decoded on the calling thread, nothing overlapped
    decode_s: float = 0.0  # decoding and preparing the models' inputs, all decode threads together
    input_wait_s: float = 0.0  # the models waited this long for decoded photos
    models_s: float = 0.0  # the models' own time
    commit_s: float = 0.0  # committing the batches to the catalog (on the writer thread when overlapping)
    commit_wait_s: float = 0.0  # the models waited this long for the writer (a full queue, the last commits)
    # Re-rankings of photos tagged earlier (a new calibration, the vocabulary's candidates): the photos
    # whose shown suggestions changed, and those kept as they were because the person is looking at
    # them (``hold``), to be ranked when the person moves on.
    reranked: set[int] = field(default_factory=set)
    held: set[int] = field(default_factory=set)
    recalibrated: bool = False

    @property
    def remaining(self) -> int:
        """The run's photos still to tag after it: not reached (a stopped run) or :attr:`unfinished`."""
        return max(0, self.total - self.analysed - self.failed + self.unfinished)

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "analysed": self.analysed,
            "failed": self.failed,
            "suggested": self.suggested,
            "unfinished": self.unfinished,
            "remaining": self.remaining,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "batch_size": self.batch_size,
            "decode_workers": self.decode_workers,
            "decode_s": round(self.decode_s, 3),
            "input_wait_s": round(self.input_wait_s, 3),
            "models_s": round(self.models_s, 3),
            "commit_s": round(self.commit_s, 3),
            "commit_wait_s": round(self.commit_wait_s, 3),
            "reranked": len(self.reranked),
            "recalibrated": self.recalibrated,
            "errors": [{"photo_id": i, "path": p, "reason": r} for i, p, r in self.errors],
        }


def note_rerank(stats: TagRunStats, ranked: RerankStats, new: Collection[int] = ()) -> None:
    """Add a re-ranking of photos tagged earlier to the run's stats (``new``: the photos it tagged
    just now, whose first suggestions are no re-ranking)."""
    stats.reranked.update(p for p in ranked.changed if p not in new)
    stats.held.update(ranked.held)
    stats.reranked.difference_update(ranked.held)


def candidate_rows(
    analysis: ImageAnalysis, states: Mapping[str, str], names: Mapping[str, str] | None = None
) -> list[CandidateRow]:
    """The candidates to store for a photo: every caption phrase, then the vocabulary by visual
    evidence, :data:`STORED_PER_PHOTO` in all, with their features. What is suggested is decided
    by the ranking (:func:`.suggest.rerank`) from these stored rows.

    ``names`` renames vocabulary concepts into the tag language (a candidate from the person's
    own tags keeps its name); the row keeps the concept CLIP scored as its text. A tag approved
    or rejected under either name counts, so an approved tag is never renamed and never
    suggested again in another language."""
    caption = [c for c in analysis.candidates if c.origin == "caption"]
    others = [c for c in analysis.candidates if c.origin != "caption"]
    kept = caption + others[: max(0, STORED_PER_PHOTO - len(caption))]
    rows: list[CandidateRow] = []
    for c in kept:
        name = names.get(c.text.lower(), c.text) if names and c.origin != "library" else c.text
        state = states.get(name.lower()) or states.get(c.text.lower())
        rows.append(
            CandidateRow(
                c.text,
                c.origin,
                c.keyword_score,
                round(c.visual_score, 6),
                round(c.raw_score, 6),
                f"{state}-before" if state in ("approved", "rejected") else "pending",
                None if c.margin is None else round(c.margin, 7),
                c.caption_similarity,
                c.duplicate_group,
                name=name if name != c.text else None,
            )
        )
    return rows


@dataclass(frozen=True)
class _Failure:
    """A photo that could not be analysed: what the person is told, and what the catalog records."""

    photo: Photo
    reason: str
    record: Literal["broken", "error"] | None = None  # mark_broken, record_error, or nothing recorded
    stored: str = ""  # the text recorded


class _NotThere(Exception):
    """The photo's file is not at its path (moved or deleted since the scan)."""


class _PreparingFailed(Exception):
    """The photo decoded, but making the models' inputs from it failed."""


def _prepare(pipeline: Pipeline, photo: Photo) -> ModelInputs:
    """Decode one photo and make both models' inputs from it (runs in a decode thread)."""
    if not photo.path.exists():
        raise _NotThere
    image = pipeline.decode(photo.path)
    try:
        return pipeline.host_inputs(image)
    except Exception as exc:
        raise _PreparingFailed(f"{type(exc).__name__}: {exc}") from exc


def _failure(photo: Photo, error: BaseException) -> _Failure:
    """The failure of a photo whose preparation raised ``error`` (every exception is one photo's)."""
    path = photo.display_path
    if isinstance(error, _NotThere):  # moved or deleted since the scan: not broken, just not there
        gone = "file not found at its path"
        return _Failure(photo, f"{gone}; scan its folder again", "error", gone)
    if isinstance(error, _PreparingFailed):
        log.warning("preparing %s for the models failed: %s", path, error)
        return _Failure(photo, f"analysis failed: {error}")
    if isinstance(error, ImageReadError):
        return _Failure(photo, str(error), "broken", str(error))
    if isinstance(error, OSError):  # vanished or unreadable file: not broken pixels, just not there now
        return _Failure(photo, f"cannot be read: {error.strerror or error}", "error", str(error))
    if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not the photo's fault
        raise error
    log.warning("unexpected error decoding %s", path, exc_info=error)
    reason = f"cannot be decoded: unexpected {type(error).__name__}: {error}"
    return _Failure(photo, reason, "broken", reason)


class _PhotoRows:
    """The catalog rows of each batch, read under the writer's lock (the catalog is shared with the
    writer thread)."""

    def __init__(self, catalog: Catalog, writer: BatchWriter) -> None:
        self._catalog = catalog
        self._writer = writer

    def next_batch(self, order: WorkOrder, size: int) -> list[Photo]:
        """The rows of the next batch the order hands out ([] when it is done; photos removed from the
        catalog since the run started are skipped)."""
        while ids := order.take(size):
            with self._writer.lock:
                rows = {p.id: p for p in self._catalog.photos.all(ids=ids)}
            if batch := [rows[pid] for pid in ids if pid in rows]:
                return batch
        return []


def model_suggestions(catalog: Catalog, photo_ids: Sequence[int]) -> int:
    """How many suggestions of the tagging models these photos show (a scan's place suggestions left out)."""
    return sum(c.suggested for c in catalog.review.tag_state_counts(photo_ids, source="model").values())


def vocabulary_origins(catalog: Catalog) -> dict[str, str]:
    """The texts scored on every photo besides its caption's phrases, with their origin: the
    built-in vocabulary ('vocabulary') and the library's approved tags ('library')."""
    origins: dict[str, str] = {}
    for name in builtin_vocabulary():
        origins.setdefault(name, "vocabulary")
    for name in catalog.tags.names(states=("approved",)):
        origins[name] = "library"
    return origins


def record_analysis(
    catalog: Catalog,
    pipeline: Pipeline,
    photo_id: int,
    analysis: ImageAnalysis,
    *,
    fingerprint: str | None,
    names: Mapping[str, str],
    threshold: float,
) -> None:
    """Store one photo's analysis (its candidates; the suggestions come from :func:`.suggest.rerank`)."""
    catalog.analysis.record(
        photo_id,
        caption=analysis.caption,
        caption_model=pipeline.resolved("captioner").version,
        candidates=candidate_rows(analysis, catalog.tags.states_on(photo_id), names),
        suggestions=None,  # made by the ranking, which may keep a photo on screen as it is
        embedding=analysis.embedding,
        visual_model=pipeline.visual_version,
        models_key=pipeline.models_key,
        fingerprint=fingerprint,
        threshold=threshold,
    )


def tag_photos(
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
    use_vocabulary: bool = True,
    budget: int = DEFAULT_BUDGET,
    mute_after: int = 5,
    language: str = "en",
    workers: int | None = None,
    focus: Focus | None = None,
    pending_note: str | None = None,
    hold: Hold | None = None,
) -> TagRunStats:
    """Analyse photos in batches and store the results, one committed transaction per photo batch.

    ``batch_size`` None or 0 lets the device choose (:func:`.overlap.default_batch_size`). While
    the models run a batch, ``workers`` threads (default: :func:`.overlap.decode_workers`) decode
    the next one, and a writer thread commits the one before; ``workers=0`` does everything on
    the calling thread, one step after another, with the same results.

    ``cancelled()`` is checked between batches and while waiting for decoded photos; the batch in
    the models when it turns true is still committed, then the run stops. Work committed before a
    cancel (or a crash) is kept, and :meth:`AnalysisRepository.pending` tells the next run what is
    left. Each photo shows at most ``budget`` suggestions with a confidence of at least ``threshold``
    (see :mod:`.suggest`); when a batch makes the models' calibration possible or due (100
    photos, then every 25 % more), the whole library is ranked again with it.
    A photo that cannot be decoded is marked broken, reported through ``on_error``, and the
    batch goes on without it. ``progress``, ``on_result`` and ``on_error`` are called on the
    writer thread when overlapping (after the photo's batch is committed).
    Photos are taken in the order of ``photo_ids``, except that each batch starts with the
    photos of ``focus`` (what the person is looking at) still to do; see :mod:`.order`.
    ``pending_note``: recorded, in the batch's own transaction, as each analysed photo's open
    matter, so it stays pending until that is settled (see :mod:`.staged`). A re-ranking of photos
    tagged earlier (a new calibration) leaves the photos of ``hold`` (the one the person is looking
    at) as they are and lists them in :attr:`TagRunStats.held`; the photos it changed are in
    :attr:`TagRunStats.reranked`. A photo of the batch itself always shows its new suggestions.
    """
    start = time.monotonic()
    stats = TagRunStats(total=len(set(photo_ids)))  # each photo once (see WorkOrder)
    pipeline.load()
    models_key = pipeline.models_key
    origins = vocabulary_origins(catalog) if use_vocabulary else {}
    pipeline.set_vocabulary(list(origins))
    options = RankingOptions(threshold=threshold, budget=budget, mute_after=mute_after)
    analysed_ids: list[int] = []
    names = vocabulary_names(language)
    done = 0
    batch_size = max(1, int(batch_size or default_batch_size(pipeline.device)))
    workers = decode_workers() if workers is None else max(0, int(workers))
    stats.batch_size, stats.decode_workers = batch_size, workers

    def is_cancelled() -> bool:
        return bool(cancelled and cancelled())

    def fail(photo_id: int, path: str, reason: str) -> None:
        stats.failed += 1
        stats.errors.append((photo_id, path, reason))
        if on_error:
            on_error(photo_id, path, reason)

    def advance(path: str) -> None:
        """One more photo finished (analysed or failed): the progress counts both."""
        nonlocal done
        done += 1
        if progress:
            progress(done, stats.total, path)

    def commit(failures: list[_Failure], results: list[tuple[Photo, ImageAnalysis]]) -> None:
        """Store one batch (on the writer thread), then report it."""
        committed: list[Photo] = []
        with catalog.transaction():  # the whole batch in one transaction, committed before the next
            for f in failures:
                if f.record == "broken":
                    catalog.photos.mark_broken(f.photo.id, f.stored)
                elif f.record == "error":
                    catalog.analysis.record_error(f.photo.id, models_key, f.stored)
            for photo, analysis in results:
                record_analysis(catalog, pipeline, photo.id, analysis, fingerprint=photo.fingerprint, names=names,
                                threshold=threshold)
                if pending_note:
                    catalog.analysis.record_error(photo.id, models_key, pending_note)
                committed.append(photo)
            analysed_ids.extend(p.id for p in committed)
            if committed and maybe_calibrate(catalog, models_key) is not None:
                # Enough photos for a (new) calibration: every photo's confidences change.
                batch = {p.id for p in committed}
                ranked = rerank(catalog, options, hold=(hold.get() if hold else frozenset()) - batch)
                note_rerank(stats, ranked, batch)
                stats.recalibrated = True
                stats.suggested = model_suggestions(catalog, analysed_ids)
            elif committed:
                stats.suggested += rerank(catalog, options, [p.id for p in committed]).suggestions
        for f in failures:
            fail(f.photo.id, f.photo.display_path, f.reason)
            advance(f.photo.display_path)
        for photo in committed:
            stats.analysed += 1
            if on_result:
                on_result(photo.id)
            advance(photo.display_path)

    order = WorkOrder(photo_ids, focus)  # the batch-selection point: what the person looks at first
    writer = BatchWriter(threaded=workers > 0)
    rows = _PhotoRows(catalog, writer)
    prefetch: Prefetcher[Photo, ModelInputs] = Prefetcher(functools.partial(_prepare, pipeline), workers)
    failed = True
    taken = 0
    try:
        photos = rows.next_batch(order, batch_size)
        pending = prefetch.submit(photos)
        while photos:
            if is_cancelled():
                stats.cancelled = True
                break
            outcomes = prefetch.collect(pending, is_cancelled)
            if outcomes is None:
                stats.cancelled = True
                break
            batch_photos = photos
            # The next batch (chosen now, so the focus as it stands) decodes while the models run this one.
            photos = rows.next_batch(order, batch_size)
            # The next batch's futures, or none: the last batch's would keep its inputs alive.
            pending = prefetch.submit(photos) if photos else []
            failures, ready = _sort_outcomes(batch_photos, outcomes)
            del outcomes  # ready holds the inputs now; _analyse keeps one copy of them
            models_start = time.perf_counter()
            analysed, analysis_failures = _analyse(pipeline, ready, origins)
            stats.models_s += time.perf_counter() - models_start
            writer.put(functools.partial(commit, failures + analysis_failures, analysed))
            taken += len(batch_photos)
            if stats.total - taken >= LONG_RUN_PHOTOS:  # after the first suggestions: see LONG_RUN_PHOTOS
                pipeline.for_long_run()
        failed = False
    finally:
        prefetch.close()
        writer.close(raise_error=not failed)
        stats.decode_s, stats.input_wait_s = prefetch.busy_s, prefetch.waited_s
        stats.commit_s, stats.commit_wait_s = writer.busy_s, writer.waited_s
    stats.seconds = time.monotonic() - start
    return stats


def _sort_outcomes(
    photos: list[Photo], outcomes: list[Outcome[ModelInputs]]
) -> tuple[list[_Failure], list[tuple[Photo, ModelInputs]]]:
    """The batch's failed photos (with their reasons) and the photos ready for the models."""
    failures: list[_Failure] = []
    ready: list[tuple[Photo, ModelInputs]] = []
    for photo, outcome in zip(photos, outcomes, strict=True):
        if outcome.error is not None or outcome.value is None:
            failures.append(_failure(photo, outcome.error or RuntimeError("nothing decoded")))
        else:
            ready.append((photo, outcome.value))
    return failures, ready


def _analyse(
    pipeline: Pipeline, ready: list[tuple[Photo, ModelInputs]], origins: dict[str, str]
) -> tuple[list[tuple[Photo, ImageAnalysis]], list[_Failure]]:
    """Analyse a batch; if the batch fails as a whole, retry photo by photo so one bad photo fails alone."""
    if not ready:
        return [], []
    try:
        inputs, kept = pipeline.device_batch([r[1] for r in ready])
        ready[:] = [(photo, one) for (photo, _), one in zip(ready, kept, strict=True)]  # for a retry
        analyses = pipeline.analyse_inputs(inputs, vocabulary_origin=origins, vocabulary_keep=STORED_PER_PHOTO)
        return [(photo, a) for (photo, _), a in zip(ready, analyses, strict=True)], []
    except Exception as exc:
        if len(ready) == 1:
            log.warning("analysis of %s failed: %s", ready[0][0].display_path, exc)
            return [], [_Failure(ready[0][0], f"analysis failed: {exc}")]
        log.warning("batch analysis failed (%s); retrying photo by photo", exc)
    analysed: list[tuple[Photo, ImageAnalysis]] = []
    failures: list[_Failure] = []
    for item in ready:
        one, failed = _analyse(pipeline, [item], origins)
        analysed.extend(one)
        failures.extend(failed)
    return analysed, failures
