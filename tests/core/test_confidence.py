"""The logistic function every model uses from log-odds to a confidence (core/confidence.py)."""

from __future__ import annotations

import warnings

import numpy as np

from imgtag_desktop.core.confidence import logistic


def test_logistic_is_one_over_one_plus_exp_without_overflowing() -> None:
    x = np.linspace(-700, 700, 14001)
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(logistic(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-14, atol=0)
    # Relative accuracy for tiny confidences too (they order candidates): exp(x) itself at -40.
    np.testing.assert_allclose(logistic(-40.0), np.exp(-40.0), rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old form warned "overflow encountered in exp" here
        extremes = logistic(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    assert extremes.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert logistic(np.float32(-20.0)).dtype == np.float64 and 0.0 < float(logistic(-200.0)) < 1e-86
