"""The gap trend: a logistic model of sector x year, checked against statsmodels and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, logit

import adoption
from adoption.metadata import series_names
from adoption.stats import NotEstimable, gap_trend

YEARS = np.arange(2007, 2014)  # centre 2010


def curve_table(nonprofit: tuple[float, float], business: tuple[float, float], n: int = 10_000,
                noise: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """Figures that follow logit P = a + b * (year - 2010) per sector, optionally jittered."""
    rng = np.random.default_rng(seed)
    rows = []
    for series, sector, (a, b) in (("np", "nonprofit", nonprofit), ("biz", "business", business)):
        for year in YEARS:
            share = float(expit(a + b * (year - 2010) + noise * rng.standard_normal()))
            rows.append({"series": series, "sector": sector, "year": int(year), "share": share,
                         "n": n})
    table = pd.DataFrame(rows).assign(
        platform="blog", share_weighted=np.nan, n_effective=np.nan, population_size=pd.NA,
        design="survey", certainty="verified",
    )
    table["n"] = table["n"].astype("Int64")
    table["population_size"] = table["population_size"].astype("Int64")
    return table


def test_recovers_the_interaction_and_says_widened() -> None:
    trend = gap_trend(curve_table((0.5, 0.4), (-0.5, 0.1)), "blog", "np", "biz")
    assert trend.interaction == pytest.approx(0.3, abs=1e-6)
    assert trend.interaction_low < 0.3 < trend.interaction_high
    assert trend.verdict == trend.verdict_log_odds == "widened"
    assert trend.mean_gap_points > 0 and trend.gap_points_per_year > 0


def test_says_narrowed_when_businesses_catch_up() -> None:
    trend = gap_trend(curve_table((1.0, 0.1), (-1.0, 0.4)), "blog", "np", "biz")
    assert trend.interaction == pytest.approx(-0.3, abs=1e-6)
    assert trend.verdict == trend.verdict_log_odds == "narrowed"


def test_says_no_clear_change_for_parallel_curves() -> None:
    # Same slope, positions symmetric about 50%: the gap in points is flat on average too.
    trend = gap_trend(curve_table((1.0, 0.2), (-1.0, 0.2)), "blog", "np", "biz")
    assert trend.interaction == pytest.approx(0.0, abs=1e-6)
    assert trend.gap_points_per_year == pytest.approx(0.0, abs=1e-6)
    assert trend.verdict == trend.verdict_log_odds == "no clear change"


def test_matches_a_statsmodels_fit_on_counts_and_a_numerical_marginal_effect() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1), n=300, noise=0.3)
    trend = gap_trend(table, "blog", "np", "biz", confidence=0.9)
    # The same model on successes/failures: identical coefficients.
    t = table["year"].to_numpy() - 2010.0
    np_flag = (table["sector"] == "nonprofit").to_numpy(dtype=float)
    exog = np.column_stack([np.ones_like(t), np_flag, t, np_flag * t])
    successes = table["share"].to_numpy() * 300
    counts = sm.GLM(np.column_stack([successes, 300 - successes]), exog,
                    family=sm.families.Binomial()).fit()
    assert trend.model.params == pytest.approx(counts.params, rel=1e-6)
    assert trend.interaction == pytest.approx(counts.params[3], rel=1e-6)
    # Points per year: the derivative of the fitted gap, averaged over the years.
    b0, b1, b2, b3 = counts.params
    h = 1e-5

    def gap(year: np.ndarray) -> np.ndarray:
        return expit(b0 + b1 + (b2 + b3) * year) - expit(b0 + b2 * year)

    grid = YEARS - 2010.0
    slope = np.mean((gap(grid + h) - gap(grid - h)) / (2 * h))
    assert trend.gap_points_per_year == pytest.approx(100 * slope, rel=1e-5)
    assert trend.gap_points_per_year_low < trend.gap_points_per_year < (
        trend.gap_points_per_year_high
    )


def test_overdispersed_figures_widen_the_intervals() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1), n=500, noise=0.4)
    trend = gap_trend(table, "blog", "np", "biz")
    assert trend.dispersion > 1
    assert trend.model.use_t
    assert "quasi-binomial" in str(trend.notes[0])


def test_weighted_rows_use_the_effective_n() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1), noise=0.3)
    weighted = table.assign(share_weighted=table["share"], n_effective=50.0, share=0.5)
    trend = gap_trend(weighted, "blog", "np", "biz")
    plain = gap_trend(table.assign(n=50), "blog", "np", "biz")
    assert trend.interaction == pytest.approx(plain.interaction)


def test_refuses_with_too_few_years() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1))
    one_year = table[(table["sector"] == "business") | (table["year"] == 2010)]
    with pytest.raises(NotEstimable, match="at least three"):
        gap_trend(one_year, "blog", "np", "biz")


def test_two_common_years_are_one_step_not_a_trend() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1))
    two_years = table[table["year"].isin([2009, 2010])]
    with pytest.raises(NotEstimable, match="share only 2 years") as refusal:
        gap_trend(two_years, "blog", "np", "biz")
    assert "les deux secteurs n’ont que 2 années en commun" in refusal.value.message.text("fr")


def test_refuses_when_shares_of_0_and_100_percent_separate_the_sectors() -> None:
    table = curve_table((0.5, 0.4), (-0.5, 0.1))
    table["share"] = np.where(table["sector"] == "nonprofit", 1.0, 0.0)
    with pytest.raises(NotEstimable, match="not identified"):
        gap_trend(table, "blog", "np", "biz")


def test_bad_confidence_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="confidence"):
        gap_trend(curve_table((0, 0.1), (0, 0.1)), "blog", "np", "biz", confidence=2)


def test_seed_study_trend_uses_the_common_years_only() -> None:
    table = adoption.load_table()
    names = series_names(table)
    trend = gap_trend(table, "blog", "umassd-charities", "umassd-fortune500")
    # The Fortune 500 figure of 2007 is only cited by a later report: left out, so the
    # years both sectors cover are 2008-2010.
    dropped = [d.text("en", names) for d in trend.dropped]
    assert trend.years == (2008, 2009, 2010)
    assert "Fortune 500 2007: cited by a later report, method unknown" in dropped
    assert "Fortune 500 2018: outside 2008–2010, the years both sectors cover" in dropped
    assert trend.verdict in {"widened", "narrowed", "no clear change"}
    assert trend.mean_gap_points > 0
    versus_inc = gap_trend(table, "blog", "umassd-charities", "umassd-inc500")
    assert "Inc. 500 2007: sample size not published" in [
        d.text("en", names) for d in versus_inc.dropped]
    assert versus_inc.years == (2008, 2009, 2010)
    assert logit(0.5) == 0  # the model's scale: log odds, 0 at 50%
