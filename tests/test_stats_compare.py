"""compare_sectors and year_over_year: the contract's table, census handling, Holm, caveats."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

import adoption
from adoption.stats import compare_sectors, estimate_share, wilson_interval, year_over_year

# Typed out from CONTRACT.md on purpose (not imported): the test pins the promise.
CONTRACT_COLUMNS = [
    "year", "nonprofit_series", "business_series", "nonprofit_share", "nonprofit_low",
    "nonprofit_high", "business_share", "business_low", "business_high", "difference",
    "difference_low", "difference_high", "p_value", "p_adjusted", "leader",
]


def make_table(rows: list[dict]) -> pd.DataFrame:
    """A small adoption table: each row gives series, sector, year, share and what differs."""
    defaults = {
        "platform": "blog", "n": pd.NA, "share_weighted": np.nan, "n_effective": np.nan,
        "population_size": pd.NA, "design": "survey", "certainty": "verified",
        "publisher": "test", "study": "test", "source_url": pd.NA, "note": pd.NA,
        "synthetic": False,
    }
    table = pd.DataFrame([{**defaults, **row} for row in rows])
    for name in ("n", "population_size"):
        table[name] = table[name].astype("Int64")
    table["adopters"] = (table["share"] * table["n"].astype("Float64")).round().astype("Int64")
    for name in ("series", "sector", "platform", "design", "certainty"):
        table[name] = table[name].astype("category")
    return table


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return adoption.load_table()


@pytest.fixture(scope="module")
def versus_fortune(bundled: pd.DataFrame) -> pd.DataFrame:
    return compare_sectors(bundled, "blog", "umassd-charities", "umassd-fortune500")


@pytest.fixture(scope="module")
def versus_inc(bundled: pd.DataFrame) -> pd.DataFrame:
    return compare_sectors(bundled, "blog", "umassd-charities", "umassd-inc500")


def test_columns_start_with_the_contract_in_order(versus_inc: pd.DataFrame) -> None:
    assert list(versus_inc.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert versus_inc["year"].tolist() == [2007, 2008, 2009, 2010]
    assert set(versus_inc["leader"]) <= {"nonprofit", "business", "unclear", "unknown"}


def test_the_contract_names_are_importable_from_adoption_stats() -> None:
    from adoption.stats import compare_sectors, difference_interval, wilson_interval  # noqa: F401


def test_shares_are_the_published_fractions_or_the_quoted_counts(
        versus_fortune: pd.DataFrame) -> None:
    assert versus_fortune["nonprofit_share"].tolist() == [0.34, 0.57, 0.65, 0.64]
    # The quotes give 81, 108 and 116 of the 500 for 2008-2010; 2007 has only 8%.
    assert versus_fortune["business_share"].tolist() == [0.08, 81 / 500, 108 / 500,
                                                         116 / 500]


def test_a_census_with_its_count_is_exact(versus_fortune: pd.DataFrame) -> None:
    row = versus_fortune.set_index("year").loc[2009]
    assert row["business_low"] == row["business_high"] == 108 / 500
    charity_low, charity_high = wilson_interval(0.65 * 76, 76, population_size=200)
    assert row["difference_low"] == pytest.approx(charity_low - 108 / 500)
    assert row["difference_high"] == pytest.approx(charity_high - 108 / 500)
    assert row["leader"] == "nonprofit"
    assert row["test"] == "score_vs_known"


def test_a_figure_cited_second_hand_has_no_interval(versus_fortune: pd.DataFrame) -> None:
    # Fortune 500, 2007: 8%, only cited by a later report; how it was measured is unknown.
    row = versus_fortune.set_index("year").loc[2007]
    assert row["business_design"] == "unknown" and row["leader"] == "unknown"
    assert math.isnan(row["business_low"]) and math.isnan(row["difference_low"])
    assert math.isnan(row["p_value"])
    assert "cited by a later report; method unknown" in row["caveat"]


def test_a_rounded_census_has_its_rounding_interval(bundled: pd.DataFrame) -> None:
    # Fortune 500 Twitter 2012: "73%", no count: 72.5% to 73.5% of the 500 companies.
    estimate = estimate_share(bundled[(bundled["series"] == "umassd-fortune500")
                                      & (bundled["platform"] == "twitter")
                                      & (bundled["year"] == 2012)].iloc[0])
    assert (estimate.low, estimate.high) == pytest.approx((0.725, 0.735))


def test_a_sample_without_n_has_no_interval(versus_inc: pd.DataFrame) -> None:
    for year in (2007, 2010):
        row = versus_inc.set_index("year").loc[year]
        assert row["leader"] == "unknown"
        assert math.isnan(row["business_low"]) and math.isnan(row["difference_low"])
        assert math.isnan(row["p_value"]) and math.isnan(row["p_adjusted"])
        assert "sample size not published" in row["caveat"]


def test_two_samples_use_the_two_proportion_z_test(versus_inc: pd.DataFrame) -> None:
    row = versus_inc.set_index("year").loc[2008]
    expected = proportions_ztest([0.57 * 76, 0.39 * 209], [76, 209])[1]
    assert row["test"] == "two_proportion_z"
    assert row["p_value"] == pytest.approx(expected)


@pytest.mark.parametrize("fixture", ["versus_fortune", "versus_inc"])
def test_holm_adjustment_equals_statsmodels(fixture: str, request: pytest.FixtureRequest) -> None:
    comparison = request.getfixturevalue(fixture)
    tested = comparison["p_value"].notna()
    expected = multipletests(comparison.loc[tested, "p_value"], method="holm")[1]
    assert comparison.loc[tested, "p_adjusted"].to_numpy() == pytest.approx(expected)
    assert comparison.loc[~tested, "p_adjusted"].isna().all()


def test_leader_follows_the_interval() -> None:
    table = make_table([
        {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.60, "n": 50},
        {"series": "np", "sector": "nonprofit", "year": 2011, "share": 0.20, "n": 400},
        {"series": "np", "sector": "nonprofit", "year": 2012, "share": 0.50, "n": 30},
        {"series": "biz", "sector": "business", "year": 2010, "share": 0.55, "n": 50},
        {"series": "biz", "sector": "business", "year": 2011, "share": 0.50, "n": 400},
        {"series": "biz", "sector": "business", "year": 2012, "share": 0.50, "n": 500,
         "population_size": 500, "design": "census"},
    ])
    comparison = compare_sectors(table, "blog", "np", "biz")
    assert comparison["leader"].tolist() == ["unclear", "business", "unclear"]
    assert comparison["test"].tolist() == ["two_proportion_z", "two_proportion_z",
                                           "score_vs_known"]


def test_two_censuses_are_compared_exactly_without_a_test() -> None:
    table = make_table([
        {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.40, "n": 200,
         "population_size": 200, "design": "census"},
        {"series": "biz", "sector": "business", "year": 2010, "share": 0.30, "n": pd.NA,
         "population_size": 500, "design": "census"},
    ])
    row = compare_sectors(table, "blog", "np", "biz").iloc[0]
    assert row["difference_low"] == row["difference_high"] == pytest.approx(0.10)
    assert row["leader"] == "nonprofit"
    assert math.isnan(row["p_value"]) and pd.isna(row["test"])


def test_self_selected_figures_are_not_comparable() -> None:
    table = make_table([
        {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.86, "n": 1173,
         "population_size": 1173, "design": "self_selected"},
        {"series": "biz", "sector": "business", "year": 2010, "share": 0.54, "n": 100,
         "population_size": 100, "design": "census"},
    ])
    row = compare_sectors(table, "blog", "np", "biz").iloc[0]
    # Respondents who chose to answer describe no population: no interval, no test.
    assert row["leader"] == "not_comparable"
    assert math.isnan(row["nonprofit_low"]) and math.isnan(row["difference_low"])
    assert math.isnan(row["p_value"]) and pd.isna(row["robust_to_nonresponse"])
    assert "self-selected" in row["caveat"]


def test_weighted_rows_use_the_weighted_share_and_effective_n() -> None:
    table = make_table([
        {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.50, "n": 300,
         "share_weighted": 0.55, "n_effective": 180.5},
        {"series": "biz", "sector": "business", "year": 2010, "share": 0.40, "n": 300},
    ])
    row = compare_sectors(table, "blog", "np", "biz").iloc[0]
    assert row["nonprofit_share"] == 0.55 and row["nonprofit_n"] == 180.5
    assert (row["nonprofit_low"], row["nonprofit_high"]) == pytest.approx(
        wilson_interval(0.55 * 180.5, 180.5)
    )


def test_only_years_both_series_have_are_compared(bundled: pd.DataFrame) -> None:
    comparison = compare_sectors(bundled, "blog", "umassd-charities", "umassd-fortune500")
    assert comparison["year"].tolist() == [2007, 2008, 2009, 2010]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tiktok", "umassd-charities", "umassd-fortune500"), "platform 'tiktok'"),
        (("blog", "no-such-series", "umassd-fortune500"), "nonprofit series 'no-such-series'"),
        (("blog", "umassd-charities", "no-such"), "business series 'no-such'"),
        (("blog", "umassd-fortune500", "umassd-charities"), "nonprofit series"),
        (("blog", "umassd-charities", "umassd-fortune500", 1.2), "confidence"),
        (("blog", "ntfg-ngo-global", "umassd-inc500"), "no year in common"),
    ],
)
def test_bad_arguments_say_what_is_wrong(bundled: pd.DataFrame, args: tuple, message: str):
    with pytest.raises(ValueError, match=message):
        compare_sectors(bundled, *args)


def test_a_table_without_the_needed_columns_is_refused(bundled: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="design"):
        compare_sectors(bundled.drop(columns="design"), "blog", "umassd-charities",
                        "umassd-fortune500")


def test_duplicate_years_are_refused() -> None:
    row = {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.5, "n": 50}
    table = make_table([row, row, {**row, "series": "biz", "sector": "business"}])
    with pytest.raises(ValueError, match="more than one"):
        compare_sectors(table, "blog", "np", "biz")


def test_year_over_year_changes_in_points(bundled: pd.DataFrame) -> None:
    changes = year_over_year(bundled, "blog", ["umassd-charities", "umassd-fortune500"])
    charities = changes[changes["series"] == "umassd-charities"].set_index("year_from")
    assert charities["year_to"].tolist() == [2008, 2009, 2010]
    first = charities.loc[2007]
    assert first["change_points"] == pytest.approx(23.0)
    # Independent samples: Newcombe's interval from each wave's FPC-corrected Wilson limits.
    low07, high07 = wilson_interval(0.34 * 76, 76, population_size=200)
    low08, high08 = wilson_interval(0.57 * 76, 76, population_size=200)
    expected_low = 0.23 - math.hypot(0.57 - low08, high07 - 0.34)
    expected_high = 0.23 + math.hypot(high08 - 0.57, 0.34 - low07)
    assert first["change_points_low"] == pytest.approx(100 * expected_low)
    assert first["change_points_high"] == pytest.approx(100 * expected_high)
    assert first["direction"] == "rose"
    assert charities.loc[2009, "direction"] == "no_clear_change"
    fortune = changes[changes["series"] == "umassd-fortune500"].set_index("year_from")
    # 23% and 23%, but the quotes count 116 then 114 companies: it fell 0.4 points.
    assert fortune.loc[2010, "direction"] == "fell"
    assert fortune.loc[2010, "change_points"] == pytest.approx(-0.4)
    assert fortune.loc[2009, "change_points"] == pytest.approx(1.6)  # 108 -> 116
    # 157 companies in 2014, 103 in 2015 (both counted): exactly -10.8 points.
    assert fortune.loc[2014, "direction"] == "fell"
    assert fortune.loc[2014, "change_points_low"] == pytest.approx(-10.8)


def test_year_over_year_unknown_without_n(bundled: pd.DataFrame) -> None:
    changes = year_over_year(bundled, "blog", "umassd-inc500").set_index("year_from")
    assert changes.loc[2007, "direction"] == "unknown"
    assert changes.loc[2008, "direction"] == "no_clear_change"


def test_a_population_smaller_than_its_sample_is_refused() -> None:
    table = make_table([
        {"series": "np", "sector": "nonprofit", "year": 2010, "share": 0.5, "n": 300,
         "population_size": 200},
        {"series": "biz", "sector": "business", "year": 2010, "share": 0.4, "n": 300},
    ])
    with pytest.raises(ValueError, match="np 2010: population_size"):
        compare_sectors(table, "blog", "np", "biz")


def test_one_survey_series_covering_both_sectors() -> None:
    # A respondent survey names one series for its nonprofit and business respondents.
    table = make_table([
        {"series": "survey", "sector": sector, "year": year, "share": share, "n": 200,
         "share_weighted": share + 0.01, "n_effective": 150.0, "population_size": 2000}
        for sector, shares in (("nonprofit", (0.4, 0.6)), ("business", (0.2, 0.3)))
        for year, share in zip((2010, 2011), shares, strict=True)
    ])
    comparison = compare_sectors(table, "blog", "survey", "survey")
    assert comparison["nonprofit_share"].tolist() == pytest.approx([0.41, 0.61])
    assert comparison["business_share"].tolist() == pytest.approx([0.21, 0.31])
    changes = year_over_year(table, "blog", "survey")
    assert changes["sector"].tolist() == ["business", "nonprofit"]
    assert changes["change_points"].tolist() == pytest.approx([10.0, 20.0])
