"""Self-calibration: how one model's visual margins map to "this tag fits", learned from the library.

The visual margin of a candidate ``t`` on photo ``x`` is ``cos(x, t) - cos(x, neutral)``. What
margin means "fits" depends on the image model (real CLIP weights, a fine-tune, another
architecture), so it is fitted per models key on the person's own library, with the captioner
as weak supervision:

- positives: the caption's own noun phrases (origin ``caption``);
- negatives: vocabulary terms unrelated to the caption: keyword-model cosine to the caption
  below :data:`UNRELATED_BELOW`, and no near-duplicate of a caption phrase.

A one-feature logistic regression on the standardised margin, every sample counted once (so the
library's own mix of caption phrases and unrelated terms among the stored candidates sets the
base rate), gives ``P(relevant) = sigmoid(slope * margin + intercept)``; the fitted threshold is
the margin where that is 0.5. Standardising makes the fit invariant to any affine change of the cosines
(a positive scale and a shift): the same photos get the same decisions.

The fit needs :data:`MIN_PHOTOS` analysed photos and is redone whenever the library has grown by
:data:`REFIT_GROWTH` since. A fit whose slope is not positive (caption phrases do not score higher
than unrelated terms: an image model without signal, such as random weights) is refused. Until
then the prior is the model's own: ``s * margin`` with ``s`` the image model's logit scale
(CLIP's training temperature), i.e. the stored visual score.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from ..core.catalog import CandidateTable
from ..core.confidence import logistic

__all__ = [
    "MIN_PHOTOS",
    "REFIT_GROWTH",
    "UNRELATED_BELOW",
    "Calibration",
    "fit_calibration",
    "prior_logit",
    "visual_logits",
    "weak_labels",
    "why_not_fitted",
]

FloatArray = npt.NDArray[np.float64]

MIN_PHOTOS = 100
REFIT_GROWTH = 1.25
# all-MiniLM-L6-v2 cosine between a vocabulary term and a caption. Measured: terms the caption
# is about score 0.3-0.5 ("a plate of food on a table": food 0.51, table 0.52, kitchen 0.42;
# "a dog running across a grassy field...": dog 0.35, outdoor 0.32), terms it is not about
# -0.1-0.15 (kitchen -0.05, car 0.09, computer 0.00, mountain 0.04).
UNRELATED_BELOW = 0.2
_MIN_PER_CLASS = 20
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Calibration:
    """One models key's fit: ``P(relevant | margin) = sigmoid(slope * margin + intercept)``."""

    models_key: str
    slope: float
    intercept: float
    photos: int
    positives: int
    negatives: int
    positive_margins: list[float]  # quantiles 5/25/50/75/95 %
    negative_margins: list[float]
    fitted_at: float

    @property
    def threshold_margin(self) -> float:
        """The margin at which a candidate is as likely relevant as not."""
        return -self.intercept / self.slope if self.slope else math.inf

    def logit(self, margin: FloatArray) -> FloatArray:
        return np.asarray(self.slope * margin + self.intercept, dtype=np.float64)

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["threshold_margin"] = self.threshold_margin
        return out

    @staticmethod
    def from_json(data: object) -> Calibration | None:
        if not isinstance(data, dict):
            return None
        try:
            return Calibration(
                str(data["models_key"]), float(data["slope"]), float(data["intercept"]), int(data["photos"]),
                int(data["positives"]), int(data["negatives"]), [float(v) for v in data["positive_margins"]],
                [float(v) for v in data["negative_margins"]], float(data["fitted_at"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def prior_logit(visual: FloatArray) -> FloatArray:
    """The uncalibrated logit: ``s * margin`` recovered from the stored visual score."""
    p = np.clip(np.nan_to_num(visual, nan=0.5), 1e-9, 1 - 1e-9)
    return np.asarray(np.log(p) - np.log1p(-p), dtype=np.float64)


def visual_logits(
    margin: FloatArray, visual: FloatArray, models_keys: list[str], calibrations: dict[str, Calibration]
) -> FloatArray:
    """Each candidate's visual evidence in log-odds: its models key's calibration, else the prior."""
    out = prior_logit(visual)
    if not calibrations:
        return out
    keys = np.array(models_keys, dtype=object)
    for key, cal in calibrations.items():
        rows = (keys == key) & ~np.isnan(margin)
        out[rows] = cal.logit(margin[rows])
    return out


def weak_labels(table: CandidateTable) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(positives, negatives) among stored candidates, by the caption (see the module docstring)."""
    origins = np.array(table.origins, dtype=object)
    caption = origins == "caption"
    has = ~np.isnan(table.margin)
    pos = caption & has
    # Groups (per photo) that hold a caption phrase: their vocabulary members are not unrelated.
    key = table.photo_ids * 100_000 + np.maximum(table.group, 0)
    caption_groups = set(key[caption & (table.group >= 0)].tolist())
    in_caption_group = np.array([k in caption_groups for k in key.tolist()], dtype=bool) & (table.group >= 0)
    cs = np.nan_to_num(table.caption_similarity, nan=np.inf)
    neg = ~caption & has & (cs < UNRELATED_BELOW) & ~in_caption_group
    return pos, neg


def _fit_logistic_1d(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    """Lightly regularised 1-D logistic regression on standardised ``x`` (Newton)."""
    mu, sd = float(x.mean()), float(x.std())
    sd = sd if sd > 0 else 1.0
    z = (x - mu) / sd
    w = np.ones_like(y)
    beta = np.zeros(2)
    design = np.column_stack([np.ones_like(z), z])
    ridge = np.diag([0.0, 1e-3 * len(y)])
    for _ in range(50):
        p = logistic(design @ beta)
        grad = design.T @ (w * (p - y)) + ridge @ beta
        hess = (design * (w * p * (1 - p))[:, None]).T @ design + ridge + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    slope = beta[1] / sd
    return float(slope), float(beta[0] - slope * mu)


def why_not_fitted(table: CandidateTable, models_key: str) -> str:
    """Why :func:`fit_calibration` gives no fit for this models key (for ``imgtag calibration``)."""
    pos, neg = _samples(table, models_key)
    if pos.sum() < _MIN_PER_CLASS or neg.sum() < _MIN_PER_CLASS:
        return (f"too few samples ({int(pos.sum())} caption phrases, {int(neg.sum())} unrelated terms; "
                f"{_MIN_PER_CLASS} of each needed)")
    x = np.r_[table.margin[pos], table.margin[neg]]
    slope, _ = _fit_logistic_1d(x, np.r_[np.ones(int(pos.sum())), np.zeros(int(neg.sum()))])
    return (f"refused: caption phrases do not score higher than unrelated terms (slope {slope:.2f} from "
            f"{int(pos.sum())} + {int(neg.sum())} samples); the image model's margins carry no usable signal")


def _samples(table: CandidateTable, models_key: str) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    mine = np.array(table.models_keys, dtype=object) == models_key
    pos, neg = weak_labels(table)
    return pos & mine, neg & mine


def fit_calibration(table: CandidateTable, models_key: str, photos: int) -> Calibration | None:
    """Fit one models key's calibration from its photos' stored candidates (None: too few samples,
    or no signal; :func:`why_not_fitted` says which)."""
    pos, neg = _samples(table, models_key)
    if pos.sum() < _MIN_PER_CLASS or neg.sum() < _MIN_PER_CLASS:
        return None
    x = np.r_[table.margin[pos], table.margin[neg]]
    y = np.r_[np.ones(int(pos.sum())), np.zeros(int(neg.sum()))]
    slope, intercept = _fit_logistic_1d(x, y)
    if slope <= 0:
        # Caption phrases do not score higher than unrelated terms: the image model's margins carry
        # no usable signal here (random weights do this). A fit would invert the ranking; keep the prior.
        return None
    return Calibration(
        models_key=models_key,
        slope=slope,
        intercept=intercept,
        photos=photos,
        positives=int(pos.sum()),
        negatives=int(neg.sum()),
        positive_margins=[round(float(v), 6) for v in np.quantile(table.margin[pos], _QUANTILES)],
        negative_margins=[round(float(v), 6) for v in np.quantile(table.margin[neg], _QUANTILES)],
        fitted_at=time.time(),
    )
