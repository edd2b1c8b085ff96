"""Tagging photos of a catalog in batches, committing each batch before the next (resumable)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image

from ..core.catalog.analysis import CandidateRow
from ..core.imageio import ImageReadError
from .pipeline import ImageAnalysis, Pipeline
from .ranking import DEFAULT_BUDGET, STORED_PER_PHOTO
from .suggest import RankingOptions, maybe_calibrate, rerank
from .vocabulary import builtin_vocabulary, vocabulary_names

if TYPE_CHECKING:
    from ..core.catalog import Catalog

log = logging.getLogger(__name__)

__all__ = ["TagRunStats", "candidate_rows", "record_analysis", "tag_photos", "vocabulary_origins"]



@dataclass
class TagRunStats:
    """What one tagging run did."""

    total: int = 0
    analysed: int = 0
    failed: int = 0
    suggested: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (photo id, path, reason)

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "analysed": self.analysed,
            "failed": self.failed,
            "suggested": self.suggested,
            "cancelled": self.cancelled,
            "seconds": round(self.seconds, 3),
            "errors": [{"photo_id": i, "path": p, "reason": r} for i, p, r in self.errors],
        }


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
        suggestions=[],
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
    batch_size: int = 8,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_result: Callable[[int], None] | None = None,
    on_error: Callable[[int, str, str], None] | None = None,
    use_vocabulary: bool = True,
    budget: int = DEFAULT_BUDGET,
    mute_after: int = 5,
    language: str = "en",
) -> TagRunStats:
    """Analyse photos in batches and store the results, one committed transaction per photo batch.

    ``cancelled()`` is checked between photos; work committed before a cancel (or a crash)
    is kept, and :meth:`AnalysisRepository.pending` tells the next run what is left.
    Each photo shows at most ``budget`` suggestions with a confidence of at least ``threshold``
    (see :mod:`.suggest`); when a batch makes the models' calibration possible or due (100
    photos, then every 25 % more), the whole library is ranked again with it.
    A photo that cannot be decoded is marked broken, reported through ``on_error``, and the
    batch goes on without it.
    """
    start = time.monotonic()
    stats = TagRunStats(total=len(photo_ids))
    pipeline.load()
    models_key = pipeline.models_key
    origins = vocabulary_origins(catalog) if use_vocabulary else {}
    pipeline.set_vocabulary(list(origins))
    options = RankingOptions(threshold=threshold, budget=budget, mute_after=mute_after)
    analysed_ids: list[int] = []
    names = vocabulary_names(language)
    done = 0
    batch_size = max(1, int(batch_size))

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

    for first in range(0, len(photo_ids), batch_size):
        if is_cancelled():
            stats.cancelled = True
            break
        photos = catalog.photos.all(ids=list(photo_ids[first : first + batch_size]))
        decoded: list[tuple[int, str, str | None, Image.Image]] = []
        for photo in photos:
            if is_cancelled():
                stats.cancelled = True
                break
            if not photo.path.exists():  # moved or deleted since the scan: not broken, just not there
                catalog.analysis.record_error(photo.id, models_key, "file not found at its path")
                fail(photo.id, photo.display_path, "file not found at its path; scan its folder again")
                advance(photo.display_path)
                continue
            try:
                decoded.append((photo.id, photo.display_path, photo.fingerprint, pipeline.decode(photo.path)))
            except ImageReadError as exc:
                catalog.photos.mark_broken(photo.id, str(exc))
                fail(photo.id, photo.display_path, str(exc))
                advance(photo.display_path)
            except OSError as exc:  # vanished or unreadable file: not broken pixels, just not there now
                catalog.analysis.record_error(photo.id, models_key, str(exc))
                fail(photo.id, photo.display_path, f"cannot be read: {exc.strerror or exc}")
                advance(photo.display_path)
            except Exception as exc:
                log.warning("unexpected error decoding %s", photo.display_path, exc_info=True)
                reason = f"cannot be decoded: unexpected {type(exc).__name__}: {exc}"
                catalog.photos.mark_broken(photo.id, reason)
                fail(photo.id, photo.display_path, reason)
                advance(photo.display_path)
        if stats.cancelled:
            break
        if not decoded:
            continue
        results = _analyse(pipeline, decoded, origins, threshold, fail)
        committed: list[tuple[int, str]] = []
        with catalog.transaction():  # the whole batch in one transaction, committed before the next
            for (photo_id, path, fingerprint, _img), analysis in results:
                if analysis is None:
                    continue
                record_analysis(catalog, pipeline, photo_id, analysis, fingerprint=fingerprint, names=names,
                                threshold=threshold)
                committed.append((photo_id, path))
            analysed_ids.extend(pid for pid, _ in committed)
            if committed and maybe_calibrate(catalog, models_key) is not None:
                # Enough photos for a (new) calibration: every photo's confidences change.
                rerank(catalog, options)
                stats.suggested = sum(c.suggested for c in catalog.review.tag_state_counts(analysed_ids).values())
            elif committed:
                stats.suggested += rerank(catalog, options, [pid for pid, _ in committed]).suggestions
        for (_photo_id, path, _fp, _img), analysis in results:
            if analysis is None:
                advance(path)
        for photo_id, path in committed:
            stats.analysed += 1
            if on_result:
                on_result(photo_id)
            advance(path)
    stats.seconds = time.monotonic() - start
    return stats


def _analyse(
    pipeline: Pipeline,
    decoded: list[tuple[int, str, str | None, Image.Image]],
    origins: dict[str, str],
    threshold: float,
    fail: Callable[[int, str, str], None],
) -> list[tuple[tuple[int, str, str | None, Image.Image], ImageAnalysis | None]]:
    """Analyse a batch; if the batch fails as a whole, retry photo by photo so one bad photo fails alone."""
    images = [d[3] for d in decoded]
    try:
        analyses = pipeline.analyse(images, vocabulary_origin=origins, vocabulary_keep=STORED_PER_PHOTO)
        return list(zip(decoded, analyses, strict=True))
    except Exception as exc:
        if len(decoded) == 1:
            log.warning("analysis of %s failed: %s", decoded[0][1], exc)
            fail(decoded[0][0], decoded[0][1], f"analysis failed: {exc}")
            return [(decoded[0], None)]
        log.warning("batch analysis failed (%s); retrying photo by photo", exc)
    out: list[tuple[tuple[int, str, str | None, Image.Image], ImageAnalysis | None]] = []
    for item in decoded:
        out.extend(_analyse(pipeline, [item], origins, threshold, fail))
    return out
