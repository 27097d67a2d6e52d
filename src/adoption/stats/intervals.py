"""How sure we are about one share: the Wilson score interval, with the extras our data need.

Three things about our figures shape this module:

* Many studies interviewed a large fraction of a small population (76 of the
  Forbes 200 charities). Sampling without replacement from 200 leaves less
  uncertainty than the textbook formula assumes, so we apply a finite-population
  correction (FPC).
* Some figures are a census (all 500 Fortune 500 companies checked): no sampling
  error about that population at all, so the interval has zero width.
* Respondent-level surveys may carry weights: the share is then the weighted share
  and its precision that of the Kish effective sample size, so "successes" are no
  longer whole numbers.

References
----------
Wilson EB (1927). Probable inference, the law of succession, and statistical
inference. JASA 22:209-212.
Newcombe RG (1998a). Two-sided confidence intervals for the single proportion:
comparison of seven methods. Stat Med 17:857-872 (method 3, the score interval
without continuity correction; Table I has the worked examples our tests check).
Cochran WG (1977). Sampling Techniques, 3rd ed., Wiley, section 3.2: under simple
random sampling without replacement the variance of a sample share p is
(N - n)/(N - 1) * P(1 - P)/n.
Kish L (1965). Survey Sampling, Wiley, section 11.7: effective sample size
(sum w)^2 / sum w^2.
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.proportion import proportion_confint

from adoption.stats._checks import (
    as_float_array,
    check_confidence,
    check_counts,
    check_population_size,
    check_same_shape,
)

Bounds = tuple[float, float] | tuple[np.ndarray, np.ndarray]


def wilson_interval(
    successes: float | np.ndarray,
    n: float | np.ndarray,
    confidence: float = 0.95,
    population_size: float | np.ndarray | None = None,
) -> Bounds:
    """Wilson score interval for a share `successes / n`, as `(low, high)` fractions.

    Method: the score interval of Wilson (1927), method 3 of Newcombe (1998a),
    computed by `statsmodels.stats.proportion.proportion_confint(method="wilson")`.
    At 0/n the low bound is exactly 0 and at n/n the high bound exactly 1 (the
    interval is open on one side, never NaN).

    `successes` may be fractional: with survey weights pass the weighted share
    times the Kish effective sample size, and that effective size as `n` (see
    `weighted_share`).

    Finite-population correction: with `population_size` N, the Wilson formula is
    applied with the effective size ``n * (N - 1) / (N - n)``, the size at which a
    sample drawn with replacement has the same variance as ours drawn without
    replacement (Cochran 1977, section 3.2). This is what makes the score
    interval reflect the FPC variance factor (N - n)/(N - 1); it never makes the
    interval wider (the effective size is at least n), and a census (n == N) gets
    a zero-width interval ``(p, p)``. Sample and population may be arrays of
    matching length; a single population size applies to all.

    Scalars in, floats out; arrays in, arrays out.
    """
    x, size = check_counts(successes, n)
    alpha = 1.0 - check_confidence(confidence)
    big_n = check_population_size(population_size, size)
    share = x / size
    n_eff = size if big_n is None else fpc_effective_n(size, big_n)
    exact = np.isinf(n_eff)
    usable_n = np.where(exact, 1.0, n_eff)  # any finite stand-in; replaced below
    low, high = proportion_confint(share * usable_n, usable_n, alpha=alpha, method="wilson")
    low = np.where(exact, share, np.clip(low, 0.0, share))
    high = np.where(exact, share, np.clip(high, share, 1.0))
    # The Wilson bounds at 0/n and n/n are 0 and 1 analytically; pin them so rounding
    # error (statsmodels returns 0.9999999999999999 at n/n) never shows in a chart.
    low = np.where(x == 0, 0.0, low)
    high = np.where(x == size, 1.0, high)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def fpc_effective_n(n: float | np.ndarray, population_size: float | np.ndarray) -> np.ndarray:
    """Sample size that, drawn with replacement, matches the precision of `n` drawn without.

    ``n * (N - 1) / (N - n)``: infinite for a census (n == N), never below n.
    See `wilson_interval` for the reference.
    """
    size = np.asarray(n, dtype=float)
    big_n = np.asarray(population_size, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(big_n > size, size * (big_n - 1.0) / (big_n - size), np.inf)
    # For a weighted effective n below 1 the factor dips under 1; the FPC may only narrow.
    return np.maximum(n_eff, size)


def kish_effective_n(weights: object) -> float:
    """Kish's effective sample size of a weighted sample: (sum w)^2 / sum w^2 (Kish 1965)."""
    w = as_float_array(weights, "weights")
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty list of numbers, one per respondent")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    if w.sum() == 0:
        raise ValueError("weights must not all be zero")
    return float(w.sum() ** 2 / (w**2).sum())


def weighted_share(adopted: object, weights: object) -> tuple[float, float]:
    """Weighted share of respondents who adopted, and the Kish effective sample size.

    `adopted` holds one yes/no (True/False or 1/0) per respondent, `weights` one
    survey weight per respondent. Feed the result to `wilson_interval` as
    ``wilson_interval(share * n_effective, n_effective)``.
    """
    yes = as_float_array(adopted, "adopted")
    w = as_float_array(weights, "weights")
    check_same_shape([yes, w], ["adopted", "weights"])
    if not np.isin(yes, (0.0, 1.0)).all():
        raise ValueError("adopted must hold only yes/no values (True/False or 1/0)")
    n_effective = kish_effective_n(w)
    return float((yes * w).sum() / w.sum()), n_effective
