"""The gap between two shares: Newcombe's published examples, statsmodels and scipy checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from adoption.stats import (
    combine_share_intervals,
    difference_interval,
    equal_shares_test,
    known_share_test,
    odds_ratio,
    relative_risk,
    wilson_interval,
)

# Newcombe RG (1998). Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Stat Med 17:873-890, Table II, method 10
# (hybrid score interval without continuity correction), 95%, as printed.
NEWCOMBE_1998_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),  # (a)
    (9, 10, 3, 10, 0.1705, 0.8090),  # (b)
    (6, 7, 2, 7, 0.0582, 0.8062),  # (c)
    (5, 56, 0, 29, -0.0381, 0.1926),  # (d)
    (0, 10, 0, 20, -0.1611, 0.2775),  # (e)
    (0, 10, 0, 10, -0.2775, 0.2775),  # (f)
    (10, 10, 0, 20, 0.6791, 1.0000),  # (g)
    (10, 10, 0, 10, 0.6075, 1.0000),  # (h)
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), NEWCOMBE_1998_TABLE_II)
def test_difference_matches_newcombe_table_ii(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    difference, got_low, got_high = difference_interval(x1, n1, x2, n2)
    assert difference == pytest.approx(x1 / n1 - x2 / n2)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "_low", "_high"), NEWCOMBE_1998_TABLE_II)
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_difference_matches_statsmodels_newcomb(
    x1: int, n1: int, x2: int, n2: int, _low: float, _high: float, confidence: float
) -> None:
    expected = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    _, low, high = difference_interval(x1, n1, x2, n2, confidence)
    assert (low, high) == pytest.approx(expected, abs=1e-10)


def test_difference_against_a_census_uses_only_the_sampled_side() -> None:
    # Charities 2009 (65% of 76 of 200) against the Fortune 500 census (22% of 500).
    difference, low, high = difference_interval(
        0.65 * 76, 76, 110, 500, population_size1=200, population_size2=500
    )
    charity_low, charity_high = wilson_interval(0.65 * 76, 76, population_size=200)
    assert difference == pytest.approx(0.43)
    assert low == pytest.approx(0.43 - (0.65 - charity_low))
    assert high == pytest.approx(0.43 + (charity_high - 0.65))


def test_arrays_of_pairs() -> None:
    difference, low, high = difference_interval([56, 9], [70, 10], [48, 3], [80, 10])
    assert difference == pytest.approx([0.2, 0.6])
    assert np.round(low, 4).tolist() == [0.0524, 0.1705]
    assert np.round(high, 4).tolist() == [0.3339, 0.8090]


# Fagerland MW, Lydersen S, Laake P (2015), Stat Methods Med Res 24:224-254, worked
# example 7/34 against 1/34; the values to more decimals are those of R's PropCIs
# (riskscoreci, orscoreci) recorded in statsmodels' own tests
# (statsmodels/stats/tests/test_proportion.py, test_confint_2indep_propcis).
def test_relative_risk_matches_koopman_score_interval() -> None:
    ratio, low, high = relative_risk(7, 34, 1, 34)
    assert ratio == pytest.approx(7.0)
    assert (low, high) == pytest.approx((1.220853, 42.575718), abs=1e-6)


def test_odds_ratio_matches_miettinen_nurminen_score_interval() -> None:
    estimate, low, high = odds_ratio(7, 34, 1, 34)
    assert estimate == pytest.approx(7 * 33 / (27 * 1))
    assert (low, high) == pytest.approx((1.246309, 56.486130), rel=5e-4)


def test_odds_ratio_with_a_zero_cell_uses_gart_adjusted_logit() -> None:
    # Gart (1966): add 0.5 to every cell, then the log odds ratio +- z * its standard error.
    cells = np.array([5, 51, 0, 29]) + 0.5
    log_or = math.log(cells[0] * cells[3] / (cells[1] * cells[2]))
    se = math.sqrt((1 / cells).sum())
    z = scipy_stats.norm.ppf(0.975)
    estimate, low, high = odds_ratio(5, 56, 0, 29)
    assert estimate == math.inf
    assert (low, high) == pytest.approx((math.exp(log_or - z * se), math.exp(log_or + z * se)))


def test_ratios_of_two_zero_shares_are_undefined() -> None:
    assert all(math.isnan(v) for v in relative_risk(0, 10, 0, 20))


def test_equal_shares_uses_fisher_when_an_expected_count_is_small() -> None:
    result = equal_shares_test(7, 34, 1, 34)  # expected adopters 4 per group
    assert result.method == "fisher_exact"
    assert result.p_value == pytest.approx(
        scipy_stats.fisher_exact([[7, 27], [1, 33]]).pvalue
    )


def test_equal_shares_uses_the_z_test_otherwise() -> None:
    result = equal_shares_test(56, 70, 48, 80)
    assert result.method == "two_proportion_z"
    chi2 = scipy_stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert result.p_value == pytest.approx(chi2.pvalue)
    assert result.statistic == pytest.approx(proportions_ztest([56, 48], [70, 80])[0])


def test_known_share_test_by_hand() -> None:
    # 65% of 76 charities (of 200) against the Fortune 500's exact 22%.
    n_eff = 76 * 199 / 124
    z = (0.65 - 0.22) / math.sqrt(0.22 * 0.78 / n_eff)
    result = known_share_test(0.65 * 76, 76, 0.22, population_size=200)
    assert result.method == "score_vs_known"
    assert result.statistic == pytest.approx(z)
    assert result.p_value == pytest.approx(2 * scipy_stats.norm.sf(z))


def test_known_share_test_is_exact_binomial_for_small_expected_counts() -> None:
    result = known_share_test(3, 40, 0.05)
    assert result.method == "binomial_exact_vs_known"
    assert result.p_value == pytest.approx(scipy_stats.binomtest(3, 40, 0.05).pvalue)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: difference_interval(-1, 10, 3, 10), "x1"),
        (lambda: difference_interval(3, 10, 11, 10), "x2"),
        (lambda: difference_interval(3, 0, 3, 10), "n1"),
        (lambda: difference_interval(3, 10, 3, 10, 1.5), "confidence"),
        (lambda: difference_interval([1, 2], [3, 4], [1], [2]), "x2"),
        (lambda: difference_interval(1, 3, 1, 4, population_size2=2), "population_size2"),
        (lambda: relative_risk(1, 3, 5, 4), "x2"),
        (lambda: odds_ratio(1, 3, 1, 4, confidence=0), "confidence"),
        (lambda: equal_shares_test([1, 2], [3, 4], 1, 4), "x1"),
        (lambda: known_share_test(3, 10, 1.2), "known_share"),
    ],
)
def test_bad_input_names_the_argument(call, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        call()


counts = st.integers(min_value=1, max_value=2000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(deadline=None)
@given(counts, counts)
def test_swapping_groups_negates_the_difference(a: tuple[int, int], b: tuple[int, int]) -> None:
    d, low, high = difference_interval(*a, *b)
    swapped_d, swapped_low, swapped_high = difference_interval(*b, *a)
    assert swapped_d == pytest.approx(-d, abs=1e-12)
    assert swapped_low == pytest.approx(-high, abs=1e-12)
    assert swapped_high == pytest.approx(-low, abs=1e-12)


@settings(deadline=None)
@given(counts, counts)
def test_difference_interval_contains_the_difference_within_bounds(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    d, low, high = difference_interval(*a, *b)
    assert -1.0 <= low <= d + 1e-12 and d - 1e-12 <= high <= 1.0
    assert not (math.isnan(low) or math.isnan(high))


@settings(deadline=None)
@given(counts, counts)
def test_two_censuses_differ_exactly(a: tuple[int, int], b: tuple[int, int]) -> None:
    d, low, high = difference_interval(*a, *b, population_size1=a[1], population_size2=b[1])
    assert low == pytest.approx(d) and high == pytest.approx(d)


@settings(deadline=None)
@given(
    counts,
    st.integers(min_value=0, max_value=1000),
    st.floats(min_value=0.01, max_value=0.99),
)
def test_known_share_test_agrees_with_the_wilson_interval(
    pair: tuple[int, int], extra: int, known: float
) -> None:
    # The score test inverts the Wilson interval: p < 0.05 exactly when the 95%
    # interval (with the same FPC) excludes the known share.
    x, n = pair
    population = n + extra
    result = known_share_test(x, n, known, population_size=population)
    if result.method != "score_vs_known":
        return
    low, high = wilson_interval(x, n, 0.95, population_size=population)
    if min(abs(known - low), abs(known - high)) < 1e-9 or abs(result.p_value - 0.05) < 1e-9:
        return  # on the boundary, rounding decides
    assert (result.p_value < 0.05) == (not low <= known <= high)


def test_combine_share_intervals_is_newcombes_square_and_add() -> None:
    d, low, high = combine_share_intervals(0.5, 0.4, 0.6, 0.3, 0.2, 0.45)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.2 - math.hypot(0.1, 0.15))
    assert high == pytest.approx(0.2 + math.hypot(0.1, 0.1))
