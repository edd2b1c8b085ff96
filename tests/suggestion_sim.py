"""A simulated library and a simulated reviewer for the suggestion ranking (no models, no files).

Each photo has hidden true tags from one or two themes. The caption names most true tags but
misses about 30% (and now and then names a wrong one). Visual margins: true tags high but
noisy, related-but-wrong terms of the same theme medium, a long tail of unrelated terms low;
every term also has its own bias (an image model likes some words more than others), and a few
generic scene words ("outdoor", "daytime", "nature", "summer") are strongly liked. Two
simulated image models differ by the global offset and scale of their cosines.

The simulated person approves true suggestions and rejects false ones, with their own taste:
they always reject "outdoor" and "daytime", even where true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from imgtag_desktop.core.catalog import Catalog, PhotoFacts
from imgtag_desktop.core.catalog.analysis import CandidateRow
from imgtag_desktop.tagging.ranking import STORED_PER_PHOTO

THEMES = {
    "beach": "beach sea sand wave surfboard sunbather palm tree seashell lifeguard",
    "city": "street building car bus traffic light skyscraper crosswalk taxi",
    "food": "plate pizza salad table fork glass coffee bread",
    "mountain": "mountain hiker trail snow rock pine tree backpack glacier",
    "pets": "dog cat puppy leash ball sofa collar kitten",
    "party": "cake candle balloon child present party hat confetti",
    "garden": "flower bee rose bench lawn fountain butterfly hedge",
    "winter": "ski skier sled snowman scarf glove ice slope",
    "office": "laptop desk keyboard monitor chair mug notebook pen",
    "lake": "lake boat canoe dock reflection fisherman duck pier",
}
GENERIC = ("outdoor", "daytime", "nature", "summer")
OUTDOOR_THEMES = {"beach", "city", "mountain", "garden", "winter", "lake"}
DISLIKED = frozenset({"outdoor", "daytime"})


def vocabulary() -> tuple[list[str], dict[str, str]]:
    terms: list[str] = []
    theme_of: dict[str, str] = {}
    for theme, words in THEMES.items():
        for w in words.split():
            if w not in theme_of:
                terms.append(w)
                theme_of[w] = theme
    for g in GENERIC:
        terms.append(g)
        theme_of[g] = "generic"
    return terms, theme_of


@dataclass(frozen=True)
class ImageModel:
    """How a simulated image model turns "true" cosines into its own: ``scale * cos + offset``."""

    key: str
    scale: float
    offset: float


MODEL_A = ImageModel("sim-model-a", 1.0, 0.0)
MODEL_B = ImageModel("sim-model-b", 0.55, 0.12)


@dataclass
class SimLibrary:
    photo_ids: list[int]
    truth: dict[int, set[str]]  # photo -> true tags
    wanted: dict[int, set[str]] = field(default_factory=dict)  # photo -> tags the person would approve


def build_library(
    catalog: Catalog,
    n_photos: int,
    model: ImageModel,
    *,
    seed: int = 7,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    logit_scale: float = 100.0,
) -> SimLibrary:
    """Fill ``catalog`` with ``n_photos`` analysed photos (candidates with features, no files).

    ``transform`` (optional) is applied to every cosine after the model's own affine map.
    """
    rng = np.random.default_rng(seed)
    terms, theme_of = vocabulary()
    index = {t: i for i, t in enumerate(terms)}
    term_bias = rng.normal(0.0, 0.012, len(terms))
    for g in GENERIC:
        term_bias[index[g]] += 0.035  # scene words the image model likes on almost any photo
    folder = catalog.photos.add_folder("/sim")
    facts = [PhotoFacts(f"/sim/p{i:05d}.jpg".encode(), "", 1000 + i, i, f"fp{i}", "jpeg", 640, 480)
             for i in range(n_photos)]
    ids = catalog.photos.add(folder.id, facts)
    lib = SimLibrary(ids, {})
    theme_names = list(THEMES)
    with catalog.transaction():
        for pid in ids:
            themes = list(rng.choice(theme_names, size=1 + int(rng.random() < 0.3), replace=False))
            true: set[str] = set()
            for th in themes:
                words = THEMES[th].split()
                true.update(rng.choice(words, size=int(rng.integers(2, 5)), replace=False).tolist())
            if any(th in OUTDOOR_THEMES for th in themes):
                true.update(g for g in ("outdoor", "daytime") if rng.random() < 0.8)
                true.update(g for g in ("nature", "summer") if rng.random() < 0.3)
            related = {t for t in terms if theme_of[t] in themes} - true
            # "true" cosine space: neutral text at 0.2, the photo's own offset.
            photo_offset = rng.normal(0.0, 0.02)
            neutral = 0.2 + photo_offset
            margin = np.empty(len(terms))
            for t, i in index.items():
                if t in true:
                    base = rng.normal(0.06, 0.02)
                elif t in related:
                    base = rng.normal(0.028, 0.018)
                else:
                    base = rng.normal(-0.005, 0.015)
                margin[i] = base + term_bias[i]
            cos = neutral + margin
            cos_n = np.array([neutral])
            cos, cos_n = model.scale * cos + model.offset, model.scale * cos_n + model.offset
            if transform is not None:
                cos, cos_n = transform(cos), transform(cos_n)
            m = cos - cos_n[0]
            visual = 1.0 / (1.0 + np.exp(-logit_scale * m))
            # The caption: names ~70% of the true tags (generic scene words rarely), sometimes a wrong one.
            # (sorted: set order depends on the process's string hashing; the simulation must not)
            named = [t for t in sorted(true) if rng.random() < (0.7 if theme_of[t] != "generic" else 0.15)]
            if related and rng.random() < 0.2:
                named.append(str(rng.choice(sorted(related))))
            rows: list[CandidateRow] = []
            for t in named:
                i = index[t]
                k = float(np.clip(rng.normal(0.5 if t in true else 0.35, 0.12), -0.1, 1.0))
                rows.append(CandidateRow(t, "caption", round(k, 4), float(visual[i]), float(cos[i]), "pending",
                                         float(m[i]), round(k, 4), None))
            seen = set(named)
            for i in np.argsort(-m, kind="stable"):
                if len(rows) >= STORED_PER_PHOTO:
                    break
                t = terms[int(i)]
                if t in seen:
                    continue
                if t in true:
                    cs = rng.normal(0.3, 0.1)
                elif t in related:
                    cs = rng.normal(0.22, 0.1)
                else:
                    cs = rng.normal(0.05, 0.08)
                rows.append(CandidateRow(t, "vocabulary", None, float(visual[int(i)]), float(cos[int(i)]),
                                         "pending", float(m[int(i)]), round(float(cs), 4), None))
            rows = [
                CandidateRow(r.text, r.origin, r.keyword_score, r.visual_score, r.raw_score, r.decision, r.margin,
                             r.caption_similarity, g)
                for g, r in enumerate(rows)
            ]
            catalog.analysis.record(
                pid, caption=" ".join(named) or "a photo", caption_model="sim-captioner", candidates=rows,
                suggestions=[], embedding=None, visual_model=model.key, models_key=model.key,
                fingerprint=f"fp{pid}", threshold=None,
            )
            lib.truth[pid] = true
            lib.wanted[pid] = true - DISLIKED
    return lib


def shown(catalog: Catalog, photo_ids: list[int]) -> dict[int, list[str]]:
    """The suggestions each photo shows now, best first."""
    tags = catalog.tags.photo_tags_of(photo_ids, states=["suggested"])
    return {pid: [t.name for t in tags.get(pid, [])] for pid in photo_ids}


def precision_recall(catalog: Catalog, lib: SimLibrary, photo_ids: list[int]) -> tuple[float, float, float]:
    """(precision, recall, suggestions per photo) of the shown suggestions against the person's taste."""
    now = shown(catalog, photo_ids)
    hits = sum(len(set(now[p]) & lib.wanted[p]) for p in photo_ids)
    total = sum(len(now[p]) for p in photo_ids)
    wanted = sum(len(lib.wanted[p]) for p in photo_ids)
    return (hits / total if total else 0.0, hits / wanted if wanted else 0.0, total / len(photo_ids))


def review(catalog: Catalog, lib: SimLibrary, photo_id: int, limit: int) -> int:
    """The simulated person judges a photo's shown suggestions (at most ``limit``). Returns how many."""
    done = 0
    for name in shown(catalog, [photo_id])[photo_id][:limit]:
        if name in lib.wanted[photo_id]:
            catalog.tags.approve(photo_id, name)
        else:
            catalog.tags.reject(photo_id, name)
        done += 1
    return done
