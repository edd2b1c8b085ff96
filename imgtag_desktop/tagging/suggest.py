"""Suggestions from stored candidates: rank, re-rank, calibrate, learn, explain (no model runs).

The one implementation behind the tagging run, the CLI (``imgtag tag``, ``approve``, ``reject``,
``tag-add``, ``tag-remove``, ``calibration``, ``explain``, ``muted``, ``learning``) and the
desktop app's background re-ranking. Everything here reads the catalog's stored candidate
features; nothing loads or calls a model.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..core.catalog import CandidateTable, Catalog
from ..core.catalog.analysis import CandidateRow
from ..core.settings import Settings
from .calibration import MIN_PHOTOS, REFIT_GROWTH, Calibration, fit_calibration, visual_logits, why_not_fitted
from .learning import FEATURE_TITLES, FEATURES, LearnedModel, design_matrix, fit_model
from .ranking import DEFAULT_BUDGET, MAX_BUDGET, RankedCandidate, prior_ranks, select, shown_confidence

__all__ = [
    "Hold",
    "RankingOptions",
    "RerankStats",
    "after_decisions",
    "calibration_report",
    "explain_photo",
    "learning_enabled",
    "maybe_calibrate",
    "refit",
    "rerank",
    "reset_learning",
    "set_learning",
]

FloatArray = npt.NDArray[np.float64]

CALIBRATIONS_SETTING = "suggestions.calibrations"
MODEL_SETTING = "suggestions.learned_model"
ENABLED_SETTING = "suggestions.learning"
VIEW_SETTING = "suggestions.view"  # the threshold and budget of the last ranking
DEFAULT_MUTE_AFTER = 5


@dataclass(frozen=True)
class RankingOptions:
    """What the person chose: the confidence threshold, the budget per photo, rejections that mute a tag."""

    threshold: float = 0.5
    budget: int = DEFAULT_BUDGET
    mute_after: int = DEFAULT_MUTE_AFTER

    @staticmethod
    def from_settings(settings: Settings, **changes: object) -> RankingOptions:
        values: dict[str, object] = {
            "threshold": settings.threshold,
            "budget": settings.suggestion_budget,
            "mute_after": settings.mute_after,
        }
        values.update({k: v for k, v in changes.items() if v is not None})
        return RankingOptions(
            threshold=float(values["threshold"]),  # type: ignore[arg-type]
            budget=max(1, min(MAX_BUDGET, int(values["budget"]))),  # type: ignore[call-overload]
            mute_after=max(1, int(values["mute_after"])),  # type: ignore[call-overload]
        )


@dataclass
class RerankStats:
    photos: int = 0
    suggestions: int = 0
    refitted: bool = False
    calibrated: list[str] | None = None
    changed: list[int] = field(default_factory=list)  # photos whose shown suggestions changed (names or scores)
    held: list[int] = field(default_factory=list)  # photos the ranking would change, kept as they were


class Hold:
    """The photos whose shown suggestions a re-ranking leaves as they are: the photo the person is
    looking at (thread-safe, cheap: set from the GUI thread, read by a ranking on another)."""

    def __init__(self, photo_ids: Iterable[int] = ()) -> None:
        self._lock = threading.Lock()
        self._ids: frozenset[int] = frozenset(int(p) for p in photo_ids)

    def set(self, photo_ids: Iterable[int]) -> None:
        ids = frozenset(int(p) for p in photo_ids)
        with self._lock:
            self._ids = ids

    def get(self) -> frozenset[int]:
        with self._lock:
            return self._ids


# -- per-library state ------------------------------------------------------------------------------

def learning_enabled(catalog: Catalog) -> bool:
    return bool(catalog.get_setting(ENABLED_SETTING, True))


def set_learning(catalog: Catalog, enabled: bool) -> None:
    catalog.set_setting(ENABLED_SETTING, bool(enabled))


def reset_learning(catalog: Catalog) -> None:
    """Forget every decision, the learned model and the mute choices (the tags themselves stay)."""
    with catalog.transaction():
        catalog.decisions.forget()
        catalog.set_setting(MODEL_SETTING, None)


def last_view(catalog: Catalog) -> dict[str, float]:
    """The threshold and budget the library's suggestions were last ranked with ({} when never)."""
    view = catalog.get_setting(VIEW_SETTING, {})
    return dict(view) if isinstance(view, dict) else {}


def calibrations(catalog: Catalog) -> dict[str, Calibration]:
    stored = catalog.get_setting(CALIBRATIONS_SETTING, {})
    out: dict[str, Calibration] = {}
    if isinstance(stored, dict):
        for key, data in stored.items():
            cal = Calibration.from_json(data)
            if cal is not None:
                out[str(key)] = cal
    return out


def learned_model(catalog: Catalog) -> LearnedModel:
    """The library's learned model; the prior when learning is off or nothing was decided yet."""
    if not learning_enabled(catalog):
        return LearnedModel()
    return LearnedModel.from_json(catalog.get_setting(MODEL_SETTING))


def muted_tags(catalog: Catalog, options: RankingOptions) -> set[str]:
    return catalog.decisions.muted_names(options.mute_after) if learning_enabled(catalog) else set()


# -- scoring ---------------------------------------------------------------------------------------

def _raw_standardised(raw: FloatArray, keys: Sequence[str | None], stats: dict[str, tuple[float, float]]) -> FloatArray:
    out = np.zeros(len(raw))
    arr = np.array([k or "" for k in keys], dtype=object)
    for key, (mean, sd) in stats.items():
        rows = arr == key
        out[rows] = (raw[rows] - mean) / (sd if sd > 0 else 1.0)
    return np.nan_to_num(out, nan=0.0)


def _raw_stats(table: CandidateTable) -> dict[str, tuple[float, float]]:
    keys = np.array(table.models_keys, dtype=object)
    stats: dict[str, tuple[float, float]] = {}
    for key in dict.fromkeys(table.models_keys):
        values = table.raw[(keys == key) & ~np.isnan(table.raw)]
        if len(values):
            stats[str(key)] = (float(values.mean()), float(values.std()))
    return stats


@dataclass
class Scored:
    table: CandidateTable
    names: list[str]
    visual_logit: FloatArray
    ranks: npt.NDArray[np.int64]
    x: FloatArray
    model: LearnedModel

    @property
    def confidence(self) -> FloatArray:
        return self.model.confidence(self.x, self.names)


def score_table(catalog: Catalog, table: CandidateTable, model: LearnedModel | None = None) -> Scored:
    model = model if model is not None else learned_model(catalog)
    z = visual_logits(table.margin, table.visual, table.models_keys, calibrations(catalog))
    ranks = prior_ranks(table.photo_ids, z)
    x = design_matrix(z, table.origins, table.keyword, table.caption_similarity, ranks.astype(np.float64),
                      _raw_standardised(table.raw, table.models_keys, model.raw_stats))
    return Scored(table, [n.lower() for n in table.names], z, ranks, x, model)


def table_of_rows(photo_id: int, rows: Sequence[CandidateRow], models_key: str = "") -> CandidateTable:
    """A candidate table of one photo's rows, without a catalog (for ``imgtag bench``)."""
    def col(values: Sequence[float | None]) -> FloatArray:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)

    return CandidateTable(
        photo_ids=np.full(len(rows), photo_id, dtype=np.int64),
        texts=[r.text for r in rows],
        origins=[r.origin for r in rows],
        keyword=col([r.keyword_score for r in rows]),
        visual=col([r.visual_score for r in rows]),
        raw=col([r.raw_score for r in rows]),
        margin=col([r.margin for r in rows]),
        caption_similarity=col([r.caption_similarity for r in rows]),
        group=np.array([-1 if r.duplicate_group is None else r.duplicate_group for r in rows], dtype=np.int64),
        models_keys=[models_key] * len(rows),
        names=[r.tag_name for r in rows],
    )


def prior_suggestions(
    rows: Sequence[CandidateRow], options: RankingOptions, states: Mapping[str, str] | None = None
) -> list[str]:
    """The tags a photo with these candidates shows under the prior (no calibration, no learning);
    ``states``: its approved/rejected tags (lower-cased names)."""
    table = table_of_rows(0, rows)
    z = visual_logits(table.margin, table.visual, table.models_keys, {})
    ranks = prior_ranks(table.photo_ids, z)
    x = design_matrix(z, table.origins, table.keyword, table.caption_similarity, ranks.astype(np.float64),
                      np.zeros(len(table)))
    names = [n.lower() for n in table.names]
    confidence = LearnedModel().confidence(x, names)
    ranked = select(table.photo_ids, names, table.group, confidence, threshold=options.threshold,
                    budget=options.budget, reviewed={0: dict(states or {})}, muted=set(),
                    aliases=[t.lower() for t in table.texts])
    order = sorted((r for r in ranked if r.decision == "suggested"), key=lambda r: -confidence[r.index])
    return [table.names[r.index] for r in order]


# -- ranking ---------------------------------------------------------------------------------------

def rank_photos(
    catalog: Catalog, options: RankingOptions, photo_ids: Sequence[int] | None = None
) -> tuple[CandidateTable, Scored, FloatArray, list[RankedCandidate]]:
    """The one ranking of these photos' stored candidates (all analysed photos by default), as
    :func:`rerank` stores it and :func:`explain_photo` explains it: the candidates, their scoring,
    each one's confidence (to the stored precision, so the threshold judges exactly the numbers
    the views read back) and what the ranking decided for it."""
    table = catalog.suggestions.table(photo_ids)
    scored = score_table(catalog, table)
    confidence = np.round(scored.confidence, 6)
    ranked = select(table.photo_ids, scored.names, table.group, confidence, threshold=options.threshold,
                    budget=options.budget, reviewed=catalog.suggestions.reviewed(photo_ids),
                    muted=muted_tags(catalog, options), aliases=[t.lower() for t in table.texts],
                    reserved=catalog.suggestions.other_suggested(photo_ids))
    return table, scored, confidence, ranked


def rerank(
    catalog: Catalog, options: RankingOptions, photo_ids: Sequence[int] | None = None, *,
    hold: Collection[int] = (),
) -> RerankStats:
    """Rank the stored candidates of these photos (all analysed photos by default) and make the
    suggestions they show: one transaction, no model run.

    The photos in ``hold`` (the one the person is looking at) keep the suggestions they show: the
    ranking only reports them in :attr:`RerankStats.held` when it would change them, so that they can
    be ranked once the person moves on. :attr:`RerankStats.changed` lists the photos whose shown
    suggestions (names or shown confidences) did change."""
    table, scored, confidence, ranked = rank_photos(catalog, options, photo_ids)
    suggestions: dict[int, list[tuple[str, float | None, float]]] = {int(p): [] for p in photo_ids or ()}
    models_keys: dict[int, str] = {}
    rows = []
    order = sorted(ranked, key=lambda r: (int(table.photo_ids[r.index]), -confidence[r.index], r.index))
    for r in order:
        i = r.index
        pid = int(table.photo_ids[i])
        suggestions.setdefault(pid, [])
        models_keys[pid] = table.models_keys[i]
        if r.decision == "suggested":
            kw = None if math.isnan(table.keyword[i]) else float(table.keyword[i])
            suggestions[pid].append((table.names[i], kw, float(confidence[i])))
        rows.append((pid, table.texts[i], r.decision, float(confidence[i]), int(scored.ranks[i])))
    before = catalog.suggestions.shown(photo_ids)
    changed: list[int] = []
    held: list[int] = []
    for pid, items in suggestions.items():
        now = {name.lower(): shown_confidence(conf) for name, _kw, conf in items}
        was = {name: None if conf is None else shown_confidence(conf) for name, conf in before.get(pid, {}).items()}
        if now != was:
            (held if pid in hold else changed).append(pid)
    kept = set(hold) & set(suggestions)
    if kept:
        suggestions = {pid: items for pid, items in suggestions.items() if pid not in kept}
        rows = [row for row in rows if row[0] not in kept]
    with catalog.transaction():
        shown = catalog.suggestions.apply(suggestions, rows, models_keys)
        if last_view(catalog) != {"threshold": options.threshold, "budget": options.budget}:
            catalog.set_setting(VIEW_SETTING, {"threshold": options.threshold, "budget": options.budget})
    return RerankStats(photos=len(suggestions), suggestions=shown, changed=changed, held=held)


def refit(catalog: Catalog, table: CandidateTable | None = None) -> LearnedModel:
    """Fit the library's model on the effective decisions that have features, and store it."""
    table = table if table is not None else catalog.suggestions.table()
    decisions = [d for d in catalog.decisions.effective() if d.margin is not None or d.visual_score is not None]
    stats = _raw_stats(table)
    if not decisions:
        model = LearnedModel(raw_stats=stats)
    else:
        f = np.array([[np.nan if v is None else float(v) for v in
                       (d.margin, d.visual_score, d.raw_score, d.keyword_score, d.caption_similarity, d.rank)]
                      for d in decisions], dtype=np.float64)
        keys = [d.models_key or "" for d in decisions]
        z = visual_logits(f[:, 0], f[:, 1], keys, calibrations(catalog))
        x = design_matrix(z, [d.origin for d in decisions], f[:, 3], f[:, 4], f[:, 5],
                          _raw_standardised(f[:, 2], keys, stats))
        y = np.array([d.label for d in decisions], dtype=np.float64)
        model = fit_model(x, y, [d.tag.lower() for d in decisions])
        model.raw_stats = stats
    catalog.set_setting(MODEL_SETTING, model.to_json())
    return model


def after_decisions(catalog: Catalog, options: RankingOptions, *, hold: Collection[int] = ()) -> RerankStats:
    """After a batch of approvals/rejections: refit (when learning is on) and re-rank the library
    (``hold``: see :func:`rerank`)."""
    refitted = False
    if learning_enabled(catalog):
        refit(catalog)
        refitted = True
    stats = rerank(catalog, options, hold=hold)
    stats.refitted = refitted
    return stats


def maybe_calibrate(catalog: Catalog, models_key: str, *, force: bool = False) -> Calibration | None:
    """Fit this models key's calibration when there are enough photos and the library grew since
    the last fit (or ``force``). Returns the new fit, or None when nothing changed."""
    photos = catalog.suggestions.analysed_count(models_key)
    current = calibrations(catalog).get(models_key)
    if photos < MIN_PHOTOS:
        return None
    if not force and current is not None and photos < current.photos * REFIT_GROWTH:
        return None
    table = catalog.suggestions.table()
    cal = fit_calibration(table, models_key, photos)
    if cal is None:
        return None
    stored = catalog.get_setting(CALIBRATIONS_SETTING, {})
    stored = dict(stored) if isinstance(stored, dict) else {}
    stored[models_key] = cal.to_json()
    catalog.set_setting(CALIBRATIONS_SETTING, stored)
    return cal


def _rejections(catalog: Catalog, name: str, options: RankingOptions) -> int:
    return next((m.rejections for m in catalog.decisions.mutes(options.mute_after)
                 if m.tag.lower() == name.lower()), 0)


def mute_tag(catalog: Catalog, name: str, options: RankingOptions) -> tuple[str, int] | None:
    """Mute a tag by hand. Returns the previous choice (for undo)."""
    previous = catalog.decisions.override(name)
    catalog.decisions.set_override(name, ("muted", _rejections(catalog, name, options)))
    return previous


def unmute_tag(catalog: Catalog, name: str, options: RankingOptions) -> tuple[str, int] | None:
    """Unmute a tag: suggested again until it gathers ``mute_after`` more rejections. Returns the
    previous choice (for undo: :meth:`DecisionsRepository.set_override` with it)."""
    previous = catalog.decisions.override(name)
    catalog.decisions.set_override(name, ("unmuted", _rejections(catalog, name, options)))
    return previous


# -- explaining -------------------------------------------------------------------------------------

def explain_photo(catalog: Catalog, photo_id: int, options: RankingOptions) -> list[dict[str, object]]:
    """Every stored candidate of a photo with its confidence, what was decided, each feature's
    contribution (log-odds) and, for a collapsed near-duplicate, the suggestion it collapsed into."""
    table, scored, confidence, ranked = rank_photos(catalog, options, [photo_id])
    if not len(table):
        return []
    contributions = scored.model.contributions(scored.x, scored.names)
    titles = ("bias", *FEATURES, "tag")
    best_in_group: dict[int, str] = {}
    for r in sorted(ranked, key=lambda r: -confidence[r.index]):
        g = int(table.group[r.index])
        if g >= 0 and r.decision != "duplicate":
            best_in_group.setdefault(g, table.names[r.index])
    out: list[dict[str, object]] = []
    for r in sorted(ranked, key=lambda r: (-confidence[r.index], r.index)):
        i = r.index
        item: dict[str, object] = {
            "text": table.texts[i],
            "name": table.names[i],
            "origin": table.origins[i],
            "decision": r.decision,
            "confidence": round(float(confidence[i]), 4),
            "position": r.position,
            "keyword_score": None if math.isnan(table.keyword[i]) else round(float(table.keyword[i]), 4),
            "visual_score": None if math.isnan(table.visual[i]) else round(float(table.visual[i]), 4),
            "margin": None if math.isnan(table.margin[i]) else round(float(table.margin[i]), 5),
            "raw_score": None if math.isnan(table.raw[i]) else round(float(table.raw[i]), 5),
            "caption_similarity": None if math.isnan(table.caption_similarity[i])
            else round(float(table.caption_similarity[i]), 4),
            "contributions": {name: round(float(v), 4) for name, v in zip(titles, contributions[i], strict=True)
                              if v != 0.0 or name == "bias"},
        }
        if r.decision == "duplicate":
            item["alternate_of"] = best_in_group.get(int(table.group[i]))
        elif r.decision == "rejected-variant":
            item["alternate_of"] = r.of
        out.append(item)
    return out


def contribution_titles() -> dict[str, str]:
    return dict(FEATURE_TITLES)


# -- the state, for `imgtag calibration` ------------------------------------------------------------

def suggestions_per_photo(catalog: Catalog) -> list[int]:
    """How many suggestions each analysed photo shows now (0 included)."""
    counts = catalog.review.tag_state_counts()
    return [counts[p].suggested if p in counts else 0 for p in catalog.suggestions.analysed_ids()]


def calibration_report(catalog: Catalog, options: RankingOptions) -> dict[str, object]:
    cals = calibrations(catalog)
    per_key = []
    table: CandidateTable | None = None
    for key in catalog.suggestions.models_keys():
        photos = catalog.suggestions.analysed_count(key)
        cal = cals.get(key)
        if cal is not None:
            status = "fitted"
        elif photos < MIN_PHOTOS:
            status = f"prior (the image model's own scale): needs {MIN_PHOTOS} analysed photos, has {photos}"
        else:
            table = table if table is not None else catalog.suggestions.table()
            status = "prior (the image model's own scale): " + why_not_fitted(table, key)
        per_key.append({"models_key": key, "photos": photos, "fit": cal.to_json() if cal else None,
                        "status": status})
    per_photo = suggestions_per_photo(catalog)
    model = learned_model(catalog)
    return {
        "models": per_key,
        "suggestions_per_photo": {
            "photos": len(per_photo),
            "p50": float(np.percentile(per_photo, 50)) if per_photo else None,
            "p95": float(np.percentile(per_photo, 95)) if per_photo else None,
            "max": max(per_photo) if per_photo else None,
            "threshold": options.threshold,
            "budget": options.budget,
        },
        "learning": {
            "enabled": learning_enabled(catalog),
            "decisions": catalog.decisions.count(),
            "model": model.to_json() | {"state": "prior" if model.is_prior else "fitted"},
        },
        "muted": [m.to_json() for m in catalog.decisions.mutes(options.mute_after) if m.muted]
        if learning_enabled(catalog) else [],
        "mute_after": options.mute_after,
    }
