"""The gap between two shares: difference with Newcombe's interval, ratios, and tests.

The headline claim ("charities blog 65%, Fortune 500 22%") is a difference of two
shares. Its interval is Newcombe's hybrid score interval (method 10 of Newcombe
1998b): each share gets its Wilson interval, and the two are combined "square and
add". It behaves well for small samples and shares near 0% or 100%, where the
textbook Wald interval fails, and it lets a census side (zero-width interval)
contribute no sampling error at all.

References
----------
Newcombe RG (1998b). Interval estimation for the difference between independent
proportions: comparison of eleven methods. Stat Med 17:873-890 (method 10; Table II
has the worked examples our tests check).
Koopman PAR (1984). Confidence intervals for the ratio of two binomial proportions.
Biometrics 40:513-517 (score interval for the relative risk).
Miettinen O, Nurminen M (1985). Comparative analysis of two rates. Stat Med
4:213-226 (score interval for the odds ratio).
Gart JJ (1966). Alternative analyses of contingency tables. JRSS B 28:164-179
(adjusted logit interval: 0.5 added to each cell).
Fagerland MW, Lydersen S, Laake P (2015). Recommended confidence intervals for two
independent binomial proportions. Stat Methods Med Res 24:224-254.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from adoption.stats._checks import (
    check_confidence,
    check_counts,
    check_population_size,
    check_same_shape,
    check_share,
)
from adoption.stats.intervals import fpc_effective_n, wilson_interval

# Below this expected count the normal approximation of the z test is not trusted
# and the exact test is used instead (the usual rule of thumb, Cochran 1954).
MIN_EXPECTED_COUNT = 5.0


def difference_interval(
    x1: float | np.ndarray,
    n1: float | np.ndarray,
    x2: float | np.ndarray,
    n2: float | np.ndarray,
    confidence: float = 0.95,
    *,
    population_size1: float | np.ndarray | None = None,
    population_size2: float | np.ndarray | None = None,
) -> tuple[float, float, float] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p1 - p2 with Newcombe's hybrid score interval, as `(difference, low, high)`.

    Method 10 of Newcombe (1998b): with (l_i, u_i) the Wilson interval of p_i,
    ``low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` and
    ``high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)``. The two samples are taken to
    be independent. Cross-checked against statsmodels'
    ``confint_proportions_2indep(method="newcomb")`` in the tests.

    `population_size1` / `population_size2` (keyword only) apply the
    finite-population correction to that side's Wilson interval (see
    `wilson_interval`); a side that is a census contributes no sampling error.
    Scalars in, floats out; arrays of matching length in, arrays out.
    """
    x1, n1 = check_counts(x1, n1, "x1", "n1")
    x2, n2 = check_counts(x2, n2, "x2", "n2")
    check_same_shape([x1, x2], ["x1", "x2"])
    confidence = check_confidence(confidence)
    big_n1 = check_population_size(population_size1, n1, "population_size1", "n1")
    big_n2 = check_population_size(population_size2, n2, "population_size2", "n2")
    low1, high1 = wilson_interval(x1, n1, confidence, big_n1)
    low2, high2 = wilson_interval(x2, n2, confidence, big_n2)
    return combine_share_intervals(x1 / n1, low1, high1, x2 / n2, low2, high2)


def combine_share_intervals(
    p1: float | np.ndarray,
    low1: float | np.ndarray,
    high1: float | np.ndarray,
    p2: float | np.ndarray,
    low2: float | np.ndarray,
    high2: float | np.ndarray,
) -> tuple[float, float, float] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newcombe's square-and-add step: two shares with their intervals -> p1 - p2 and interval.

    Works for any pair of intervals, which is how a census (interval (p, p))
    enters a comparison: its side adds nothing, so
    ``low = d - (u2 - p2)``-type terms come from the sampled side only.
    """
    p1, low1, high1, p2, low2, high2 = (
        np.asarray(v, dtype=float) for v in (p1, low1, high1, p2, low2, high2)
    )
    difference = p1 - p2
    low = difference - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = difference + np.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    low, high = np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)
    if np.ndim(difference) == 0:
        return float(difference), float(low), float(high)
    return difference, low, high


def relative_risk(
    x1: float, n1: float, x2: float, n2: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """p1 / p2 with Koopman's (1984) score interval, as `(ratio, low, high)`.

    "Nonprofits were 2.9 times as likely to blog" is a ratio claim; this is its
    interval. Computed by statsmodels ``confint_proportions_2indep(compare="ratio",
    method="score")``, one of the intervals Fagerland et al. (2015) recommend. The
    ratio is infinite when p2 = 0 < p1 and undefined (NaN) when both are 0.
    """
    x1, n1, x2, n2, alpha = _single_pair(x1, n1, x2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ratio = np.float64(x1 / n1) / np.float64(x2 / n2)
        if x1 == 0 and x2 == 0:
            return float("nan"), float("nan"), float("nan")
        low, high = confint_proportions_2indep(
            x1, n1, x2, n2, compare="ratio", method="score", correction=False, alpha=alpha
        )
    return float(ratio), float(max(low, 0.0)), float(high)


def odds_ratio(
    x1: float, n1: float, x2: float, n2: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Odds ratio of group 1 against group 2 with its interval, as `(odds_ratio, low, high)`.

    Miettinen-Nurminen (1985) score interval (statsmodels
    ``confint_proportions_2indep(compare="odds-ratio", method="score",
    correction=True)``). When a cell of the 2x2 table is zero the score equations
    have no finite solution in statsmodels, so Gart's (1966) adjusted logit
    interval (0.5 added to every cell) is used instead; the sample odds ratio is
    then 0 or infinite (NaN if both shares are 0 or both are 1).
    """
    x1, n1, x2, n2, alpha = _single_pair(x1, n1, x2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cells = np.array([x1, n1 - x1, x2, n2 - x2], dtype=float)
        estimate = (cells[0] * cells[3]) / (cells[1] * cells[2])
        method = "score" if (cells > 0).all() else "logit-adjusted"
        low, high = confint_proportions_2indep(
            x1, n1, x2, n2, compare="odds-ratio", method=method, correction=True, alpha=alpha
        )
    return float(estimate), float(low), float(high)


@dataclass(frozen=True)
class ShareTest:
    """Result of a test of equal shares: the statistic, the two-sided p-value, and which test."""

    statistic: float
    p_value: float
    method: str


def equal_shares_test(x1: float, n1: float, x2: float, n2: float) -> ShareTest:
    """Two-sided test that two independent samples come from populations with equal shares.

    Fisher's exact test (scipy.stats.fisher_exact) when any expected count of the
    2x2 table under equal shares is below 5, else the two-proportion z test with
    pooled variance (statsmodels ``proportions_ztest``, equal to Pearson's
    chi-square without continuity correction). Fisher's test needs whole counts,
    so fractional (weighted) counts are rounded for it.
    """
    x1, n1, x2, n2, _ = _single_pair(x1, n1, x2, n2, 0.95)
    pooled = (x1 + x2) / (n1 + n2)
    expected = np.array([n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)])
    if (expected < MIN_EXPECTED_COUNT).any():
        table = np.rint([[x1, n1 - x1], [x2, n2 - x2]]).astype(int)
        result = scipy_stats.fisher_exact(table, alternative="two-sided")
        return ShareTest(float(result.statistic), float(result.pvalue), "fisher_exact")
    z, p_value = proportions_ztest([x1, x2], [n1, n2], value=0.0, alternative="two-sided")
    return ShareTest(float(z), float(p_value), "two_proportion_z")


def known_share_test(
    x: float, n: float, known_share: float, population_size: float | None = None
) -> ShareTest:
    """Two-sided test of a sampled share against a share known exactly (from a census).

    When one sector's figure is a census (the Fortune 500 check of all 500
    companies) it has no sampling error, so comparing a sample with it is a
    one-sample question: could the sampled population's share equal that known
    value? Treating the census as a second sample would understate the evidence.

    Method: the score test ``z = (p - p0) / sqrt(p0 (1 - p0) / n_eff)``, where
    n_eff is the finite-population effective size when `population_size` is
    given (Cochran 1977, section 3.2). This is exactly the test that the Wilson
    interval with FPC inverts, so its verdict agrees with that interval: p < 0.05
    exactly when the 95% interval excludes the known share. When an expected count
    (n p0 or n (1 - p0)) is below 5 the exact binomial test (scipy.stats.binomtest,
    counts rounded) is used instead; it ignores the FPC, which only makes it more
    cautious.
    """
    x_checked, n_checked = check_counts(x, n, "x", "n")
    _require_single(x_checked, "x")
    _require_single(n_checked, "n")
    x, n = float(x_checked), float(n_checked)
    p0 = check_share(known_share, "known_share")
    _require_single(p0, "known_share")
    p0 = float(p0)
    big_n = check_population_size(population_size, n_checked, "population_size", "n")
    if min(n * p0, n * (1 - p0)) < MIN_EXPECTED_COUNT:
        result = scipy_stats.binomtest(round(x), round(n), p0)
        return ShareTest(float("nan"), float(result.pvalue), "binomial_exact_vs_known")
    n_eff = float(n if big_n is None else fpc_effective_n(n, big_n))
    share = x / n
    if np.isinf(n_eff):  # the "sample" is its whole population: its share is exact too
        return ShareTest(float("nan"), 1.0 if share == p0 else 0.0, "exact_vs_known")
    z = (share - p0) / np.sqrt(p0 * (1 - p0) / n_eff)
    return ShareTest(float(z), float(2 * scipy_stats.norm.sf(abs(z))), "score_vs_known")


def _single_pair(
    x1: float, n1: float, x2: float, n2: float, confidence: float
) -> tuple[float, float, float, float, float]:
    """Validate one pair of counts given as single numbers; return them and alpha."""
    a1, b1 = check_counts(x1, n1, "x1", "n1")
    a2, b2 = check_counts(x2, n2, "x2", "n2")
    _require_single(a1, "x1")
    _require_single(a2, "x2")
    alpha = 1.0 - check_confidence(confidence)
    return float(a1), float(b1), float(a2), float(b2), alpha


def _require_single(value: np.ndarray, name: str) -> None:
    if value.ndim != 0:
        raise ValueError(f"{name} must be a single number here, got {value.size} values")
