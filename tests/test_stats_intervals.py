"""Intervals for one share: published reference values, statsmodels cross-checks, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from adoption.stats import (
    fpc_effective_n,
    kish_effective_n,
    weighted_share,
    wilson_interval,
)

# Newcombe RG (1998). Two-sided confidence intervals for the single proportion:
# comparison of seven methods. Stat Med 17:857-872, Table I, method 3 (Wilson score
# interval without continuity correction), 95%, as printed (4 decimals).
NEWCOMBE_1998_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "low", "high"), NEWCOMBE_1998_TABLE_I)
def test_wilson_matches_newcombe_table_i(x: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(x, n)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


@pytest.mark.parametrize(("x", "n"), [(0, 1), (3, 7), (49, 76), (110, 500), (500, 500)])
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(x: int, n: int, confidence: float) -> None:
    expected = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(x, n, confidence) == pytest.approx(expected, abs=1e-12)


def test_wilson_by_hand_with_finite_population_correction() -> None:
    # 49.4 of 76 charities interviewed (65%) out of the Forbes 200: the score formula
    # written out, with n replaced by n (N - 1) / (N - n) (Cochran 1977, section 3.2).
    n_eff = 76 * 199 / 124
    p, z = 0.65, 1.959963984540054
    centre = (p + z**2 / (2 * n_eff)) / (1 + z**2 / n_eff)
    half = z / (1 + z**2 / n_eff) * math.sqrt(p * (1 - p) / n_eff + z**2 / (4 * n_eff**2))
    assert wilson_interval(0.65 * 76, 76, population_size=200) == pytest.approx(
        (centre - half, centre + half), abs=1e-10
    )


def test_a_census_has_a_zero_width_interval() -> None:
    assert wilson_interval(110, 500, population_size=500) == (0.22, 0.22)


def test_edge_counts_give_one_sided_intervals_not_nan() -> None:
    low, high = wilson_interval(0, 20)
    assert low == 0.0 and 0 < high < 1
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and 0 < low < 1  # statsmodels alone gives 0.9999999999999999


def test_arrays_in_arrays_out_and_scalar_population_applies_to_all() -> None:
    low, high = wilson_interval(np.array([26, 43]), np.array([76, 76]), population_size=200)
    assert isinstance(low, np.ndarray) and low.shape == (2,)
    assert low[0] == pytest.approx(wilson_interval(26, 76, population_size=200)[0])
    assert high[1] == pytest.approx(wilson_interval(43, 76, population_size=200)[1])


def test_fractional_successes_from_weights() -> None:
    share, n_effective = weighted_share([1, 0, 1, 1, 0], [1.0, 2.0, 1.0, 0.5, 0.5])
    assert share == pytest.approx(2.5 / 5.0)
    assert n_effective == pytest.approx(5.0**2 / 6.5)  # Kish: (sum w)^2 / sum w^2
    low, high = wilson_interval(share * n_effective, n_effective)
    expected = proportion_confint(share * n_effective, n_effective, method="wilson")
    assert (low, high) == pytest.approx(expected)


def test_kish_effective_n_of_equal_weights_is_n() -> None:
    assert kish_effective_n([2.0] * 10) == pytest.approx(10)


def test_fpc_effective_n() -> None:
    assert fpc_effective_n(76, 200) == pytest.approx(76 * 199 / 124)
    assert np.isinf(fpc_effective_n(500, 500))


@pytest.mark.parametrize(
    ("args", "kwargs", "argument"),
    [
        ((-1, 10), {}, "successes"),
        ((11, 10), {}, "successes"),
        ((0, 0), {}, "n"),
        ((3, -5), {}, "n"),
        ((3, 10, 1.0), {}, "confidence"),
        ((3, 10, 0.0), {}, "confidence"),
        ((3, 10, 95), {}, "confidence"),
        (([1, 2], [3, 4, 5]), {}, "n"),
        ((3, 10), {"population_size": 5}, "population_size"),
        ((float("nan"), 10), {}, "successes"),
        (("three", 10), {}, "successes"),
    ],
)
def test_bad_input_names_the_argument(args: tuple, kwargs: dict, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        wilson_interval(*args, **kwargs)


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        weighted_share([1, 0], [1.0])
    with pytest.raises(ValueError, match="adopted"):
        weighted_share([1, 2], [1.0, 1.0])
    with pytest.raises(ValueError, match="weights"):
        kish_effective_n([1.0, -1.0])


counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.floats(min_value=0.5, max_value=0.999)


@settings(deadline=None)
@given(counts, levels)
def test_interval_contains_the_share_within_0_and_1(pair: tuple[int, int], level: float) -> None:
    x, n = pair
    low, high = wilson_interval(x, n, level)
    assert 0.0 <= low <= x / n <= high <= 1.0
    assert not (math.isnan(low) or math.isnan(high))


@settings(deadline=None)
@given(counts, st.integers(min_value=2, max_value=20))
def test_interval_shrinks_as_n_grows_at_the_same_share(pair: tuple[int, int], k: int) -> None:
    x, n = pair
    low, high = wilson_interval(x, n)
    bigger_low, bigger_high = wilson_interval(k * x, k * n)
    assert bigger_high - bigger_low <= high - low + 1e-12


@settings(deadline=None)
@given(counts, st.integers(min_value=0, max_value=10_000))
def test_finite_population_correction_never_widens(pair: tuple[int, int], extra: int) -> None:
    x, n = pair
    low, high = wilson_interval(x, n)
    fpc_low, fpc_high = wilson_interval(x, n, population_size=n + extra)
    assert fpc_high - fpc_low <= high - low + 1e-12
    assert fpc_low <= x / n <= fpc_high


@settings(deadline=None)
@given(counts)
def test_census_has_zero_width(pair: tuple[int, int]) -> None:
    x, n = pair
    low, high = wilson_interval(x, n, population_size=n)
    assert low == high == pytest.approx(x / n)
