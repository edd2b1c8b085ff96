"""Learning from approvals and rejections: P(you approve) per candidate (numpy, no models).

A logistic regression with a per-tag bias, fitted on the person's decisions (each built from the
candidate's stored features), as a maximum a posteriori fit around the prior weights:

    logit P(approve) = bias + sum_k w_k * x_k + b_tag

Features ``x`` (:data:`FEATURES`): the calibrated visual evidence (log-odds, see
:mod:`.calibration`), whether the tag is a caption phrase, its keyword score, its keyword-model
similarity to the caption, whether it comes from the library's own tags, log of its rank in the
photo, and its raw cosine (standardised per models key). ``b_tag`` is the tag's approve/reject
history in this library.

The prior, used as is before any decision and when learning is off: ``visual`` 1 (the
calibrated evidence as it is; this weight stays 1, the self-calibration sets its scale),
``caption`` ln 3 (the caption naming a tag counts as one more 3:1 witness, so a tag both
named and visually confirmed outranks one only the vocabulary offers at the same visual
evidence), every other weight 0.

How firmly the fit stays at the prior: each coefficient's prior is worth :data:`PRIOR_DECISIONS`
decisions (a scaled unit-information prior). One decision carries Fisher information
``p (1 - p) x_k**2`` about weight ``k``; the prior's precision on ``k`` is :data:`PRIOR_DECISIONS`
times that information for an undecided candidate (``p = 1/2``: ``x_k**2 / 4``, averaged over the
decisions), plus the floor :data:`L2_GLOBAL`. A tag's bias (``x = 1`` on that tag's decisions) gets
``PRIOR_DECISIONS / 4 + L2_TAG``. So a feature with large values cannot explain one decision away
on its own, and the tag's bias and the global weights, which a tag's own decisions move together,
weigh like about half of :data:`PRIOR_DECISIONS`, i.e. the default mute count (5): one or two
rejections lower a tag's confidence a little; consistent rejections take it below the threshold
everywhere; muting after 5 stays the explicit way a tag disappears. These are properties of the
learner (how much a decision counts), not of any model's weights.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..core.confidence import logistic

__all__ = ["FEATURES", "L2_GLOBAL", "L2_TAG", "PRIOR_DECISIONS", "PRIOR_WEIGHTS", "LearnedModel", "design_matrix",
           "fit_model"]

FloatArray = npt.NDArray[np.float64]

FEATURES = ("visual", "caption", "keyword", "caption_similarity", "library", "rank", "raw")
FEATURE_TITLES = {
    "bias": "baseline",
    "visual": "visual evidence",
    "caption": "named by the caption",
    "keyword": "keyword score",
    "caption_similarity": "similarity to the caption",
    "library": "one of the library's tags",
    "rank": "rank in the photo",
    "raw": "raw cosine",
    "tag": "this tag's history (approved/rejected)",
}
PRIOR_WEIGHTS: dict[str, float] = {"bias": 0.0, "visual": 1.0, "caption": math.log(3.0)}
L2_GLOBAL = 1.0
L2_TAG = 1.0
PRIOR_DECISIONS = 10  # twice the default mute count: the tag's bias and the global weights share it
MAX_TAG_BIASES = 400


def _prior_vector() -> FloatArray:
    return np.array([PRIOR_WEIGHTS.get(name, 0.0) for name in ("bias", *FEATURES)], dtype=np.float64)


def design_matrix(
    visual_logit: FloatArray,
    origins: Sequence[str | None],
    keyword: FloatArray,
    caption_similarity: FloatArray,
    ranks: FloatArray,
    raw_standardised: FloatArray,
) -> FloatArray:
    """N x len(FEATURES) feature matrix (missing values count as 0)."""
    org = np.array([o or "" for o in origins], dtype=object)
    caption = (org == "caption").astype(np.float64)
    kw = np.nan_to_num(keyword, nan=0.0)
    cs = np.where(np.isnan(caption_similarity), kw, caption_similarity)
    return np.column_stack([
        np.nan_to_num(visual_logit, nan=0.0),
        caption,
        kw,
        np.nan_to_num(cs, nan=0.0),
        (org == "library").astype(np.float64),
        np.log(np.maximum(np.nan_to_num(ranks, nan=1.0), 1.0)),
        np.nan_to_num(raw_standardised, nan=0.0),
    ]).astype(np.float64)


@dataclass
class LearnedModel:
    """Global weights (``bias`` first, then :data:`FEATURES`) and per-tag biases (lower-cased names)."""

    weights: list[float] = field(default_factory=lambda: _prior_vector().tolist())
    tag_bias: dict[str, float] = field(default_factory=dict)
    decisions: int = 0
    approvals: int = 0
    fitted_at: float = 0.0
    raw_stats: dict[str, tuple[float, float]] = field(default_factory=dict)  # models key -> mean, sd

    @property
    def is_prior(self) -> bool:
        return self.decisions == 0

    def contributions(self, x: FloatArray, tags: Sequence[str]) -> FloatArray:
        """N x (2 + len(FEATURES)) log-odds contributions: bias, each feature, the tag's history."""
        w = np.asarray(self.weights, dtype=np.float64)
        tag = np.array([self.tag_bias.get(t, 0.0) for t in tags], dtype=np.float64)
        return np.column_stack([np.full(len(x), w[0]), x * w[1:], tag])

    def logits(self, x: FloatArray, tags: Sequence[str]) -> FloatArray:
        return np.asarray(self.contributions(x, tags).sum(axis=1), dtype=np.float64)

    def confidence(self, x: FloatArray, tags: Sequence[str]) -> FloatArray:
        return logistic(self.logits(x, tags))

    def to_json(self) -> dict[str, object]:
        return {"weights": dict(zip(("bias", *FEATURES), self.weights, strict=True)), "tag_bias": self.tag_bias,
                "decisions": self.decisions, "approvals": self.approvals, "fitted_at": self.fitted_at,
                "raw_stats": {k: list(v) for k, v in self.raw_stats.items()}}

    @staticmethod
    def from_json(data: object) -> LearnedModel:
        if not isinstance(data, dict):
            return LearnedModel()
        try:
            weights = data["weights"]
            return LearnedModel(
                [float(weights[k]) for k in ("bias", *FEATURES)],
                {str(k): float(v) for k, v in dict(data["tag_bias"]).items()},
                int(data["decisions"]), int(data["approvals"]), float(data["fitted_at"]),
                {str(k): (float(v[0]), float(v[1])) for k, v in dict(data.get("raw_stats", {})).items()},
            )
        except (KeyError, TypeError, ValueError):
            return LearnedModel()


def fit_model(
    x: FloatArray, y: FloatArray, tags: Sequence[str], prior_decisions: float = PRIOR_DECISIONS
) -> LearnedModel:
    """MAP logistic regression around the prior (Newton's method). ``tags`` lower-cased.

    The prior is worth ``prior_decisions`` decisions (see the module docstring)."""
    n = len(y)
    if n == 0:
        return LearnedModel()
    counts: dict[str, int] = {}
    for t in tags:
        counts[t] = counts.get(t, 0) + 1
    biased = sorted(counts, key=lambda t: (-counts[t], t))[:MAX_TAG_BIASES]
    column = {t: i for i, t in enumerate(biased)}
    t_onehot = np.zeros((n, len(biased)))
    for row, t in enumerate(tags):
        if t in column:
            t_onehot[row, column[t]] = 1.0
    design = np.column_stack([np.ones(n), x, t_onehot])
    n_global = 1 + x.shape[1]
    prior = np.r_[_prior_vector(), np.zeros(len(biased))]
    # The prior is worth ``prior_decisions`` decisions: its precision on a coefficient is that
    # many times the Fisher information an undecided decision (p = 1/2) carries about it,
    # mean(x_k^2) / 4 for a global weight, 1/4 for a tag's bias (see the module docstring).
    unit_global = (design[:, :n_global] ** 2).mean(axis=0) / 4.0
    penalty = np.r_[L2_GLOBAL + prior_decisions * unit_global,
                    np.full(len(biased), L2_TAG + prior_decisions / 4.0)]
    # The visual evidence is an offset with weight 1: its scale is the self-calibration's. The
    # person only judges what was shown (high visual evidence), so a weight learned from that
    # selection would be extrapolated badly to the rest; fixing it keeps the ranking sane.
    fixed = np.zeros(len(prior), dtype=bool)
    fixed[1 + FEATURES.index("visual")] = True
    offset = design[:, fixed] @ prior[fixed]
    design, prior_free, penalty = design[:, ~fixed], prior[~fixed], penalty[~fixed]
    theta = prior_free.copy()

    def objective(t: FloatArray) -> float:
        logits = offset + design @ t
        return float(np.sum(np.logaddexp(0.0, logits) - y * logits) + 0.5 * np.sum(penalty * (t - prior_free) ** 2))

    current = objective(theta)
    for _ in range(50):
        p = logistic(np.clip(offset + design @ theta, -30, 30))
        grad = design.T @ (p - y) + penalty * (theta - prior_free)
        hess = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        scale = 1.0
        while scale > 1e-4:  # damped Newton: never a step that makes the fit worse
            candidate = theta - scale * step
            value = objective(candidate)
            if value <= current:
                break
            scale /= 2
        else:
            break
        theta, improvement, current = candidate, current - value, value
        if float(np.abs(scale * step).max()) < 1e-8 or improvement < 1e-10:
            break
    full = prior.copy()
    full[~fixed] = theta
    theta = full
    return LearnedModel(
        weights=[float(v) for v in theta[:n_global]],
        tag_bias={t: float(theta[n_global + i]) for t, i in column.items()},
        decisions=n,
        approvals=int(y.sum()),
        fitted_at=time.time(),
    )
