"""The one rule for a suggestion's confidence against the threshold: as it is shown, two decimals.

A confidence is shown to :data:`SHOWN_DECIMALS` decimals (:func:`shown_confidence`, rounded half
up) and compared with the threshold as shown (:func:`passes`): a chip that reads 0.50 passes a
threshold of 0.50, one that reads 0.49 does not, whatever digits follow. The ranking
(:mod:`imgtag_desktop.tagging.ranking`), the catalog's score histogram, the window's chips and
counts and "approve all at or above" all judge by it, so they cannot disagree about a score at
the edge.

Why: the threshold moves in steps of 0.01, so scores that sit at the threshold (an image model
without signal puts many near 0.50) stay on one side of it while a refit or a recalibration moves
them by less than half a step; a score changes sides only where the number on its chip changes.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["SHOWN_DECIMALS", "SHOWN_SCALE", "logistic", "passes", "shown_confidence"]

SHOWN_DECIMALS = 2
SHOWN_SCALE: int = 10**SHOWN_DECIMALS


def logistic(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """``1 / (1 + exp(-x))``, every model's way from log-odds to a confidence, computed without
    ``exp`` overflowing (and warning) for a large negative ``x``: ``exp`` is only taken of
    ``-|x|``, so each side is the exact formula for its sign (tiny confidences stay tiny, not 0)."""
    z = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.asarray(np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), dtype=np.float64)


def shown_confidence(confidence: float) -> float:
    """The confidence as a chip shows it: rounded half up to :data:`SHOWN_DECIMALS` decimals."""
    return math.floor(float(confidence) * SHOWN_SCALE + 0.5) / SHOWN_SCALE


def passes(confidence: float | None, threshold: float) -> bool:
    """Whether a confidence passes the threshold, both as shown. No confidence never passes."""
    if confidence is None or math.isnan(confidence):
        return False
    return shown_confidence(confidence) >= threshold - 1e-9
