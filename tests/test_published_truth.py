"""Every published figure is used only for what it can bear.

The expected values come from the quotes in the bundled data and from arithmetic
done by hand in the comments, not from the code under test:

* self-selected practitioner surveys get no interval, test or leader;
* figures a later report cites without a method get no interval, stay out of the
  claim's run and out of the trend;
* rounded census percentages carry their rounding interval, and counts quoted by
  the source replace them;
* an impossible percentage (GRIM) is flagged;
* a change of method between waves is said, not reported as a rise or a fall;
* leads are checked against worst-case nonresponse.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import adoption
from adoption.metadata import series_names
from adoption.problems import DataError
from adoption.rounding import impossible_percent, printed_decimals, rounding_interval
from adoption.stats import (
    NotEstimable,
    check_claim,
    compare_sectors,
    estimate_share,
    gap_trend,
    year_over_year,
)


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return adoption.load_table()


def row_of(table: pd.DataFrame, series: str, platform: str, year: int) -> pd.Series:
    rows = table[(table["series"] == series) & (table["platform"] == platform)
                 & (table["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def census_table(shares: list[float], counts: list[int | None] | None = None,
                 decimals: int = 0) -> pd.DataFrame:
    """One business census series of 500 over consecutive years from 2010."""
    counts = counts or [None] * len(shares)
    return pd.DataFrame({
        "series": "biz", "sector": "business", "platform": "blog",
        "year": range(2010, 2010 + len(shares)), "share": shares,
        "adopters": pd.array(counts, dtype="Int64"),
        "exact_count": [count is not None for count in counts],
        "percent_decimals": pd.array([decimals] * len(shares), dtype="Int64"),
        "n": pd.array([500] * len(shares), dtype="Int64"), "share_weighted": np.nan,
        "n_effective": np.nan, "population_size": pd.array([500] * len(shares), dtype="Int64"),
        "design": "census", "certainty": "verified",
    })


# --- rounding and the GRIM test, by hand -------------------------------------------------------

@pytest.mark.parametrize(("percent", "decimals", "n", "nearest"), [
    (65, 0, 76, (49, 50)),      # 49/76 = 64.47%, 50/76 = 65.79%: neither rounds to 65
    (33.3, 1, 10, (3, 4)),      # tenths of 10 organisations: 30% or 40%, never 33.3%
    (50, 0, 3, (1, 2)),         # 33.3% or 66.7%
])
def test_impossible_percentages(percent, decimals, n, nearest):
    found = impossible_percent(percent, decimals, n)
    assert found is not None and (found.below, found.above) == nearest


@pytest.mark.parametrize(("percent", "decimals", "n"), [
    (65, 0, 75),     # 49/75 = 65.33%: the n that would fit every 2009 figure
    (22, 0, 500),    # 110/500
    (74.2, 1, 500),  # 371/500
    (34, 0, 76),     # 26/76 = 34.21%
    (50, 0, 4),      # 2/4
    (12.5, 1, 8),    # 1/8, exactly
    (35, 0, 20),     # 7/20
])
def test_possible_percentages(percent, decimals, n):
    assert impossible_percent(percent, decimals, n) is None


def test_rounding_interval_of_a_census():
    low, high = rounding_interval(23, 0)
    assert (round(low, 6), round(high, 6)) == (0.225, 0.235)
    assert (round(500 * low, 6), round(500 * high, 6)) == (112.5, 117.5)  # companies
    assert rounding_interval(74.2, 1) == pytest.approx((0.7415, 0.7425))
    assert rounding_interval(0, 0) == (0.0, 0.005)
    assert [printed_decimals(t) for t in ("23", "74.2", "98,8", "12.50")] == [0, 1, 1, 2]


def test_the_seed_figure_is_flagged_wherever_it_is_used(bundled):
    names = series_names(bundled)
    estimate = estimate_share(row_of(bundled, "umassd-charities", "blog", 2009))
    texts = [caveat.text("en", names) for caveat in estimate.caveats]
    assert ("Largest US charities 2009: 65% cannot come from any whole number of 76 "
            "organisations (49 = 64.5%, 50 = 65.8%); the published sample size may be "
            "wrong") in texts
    comparison = compare_sectors(bundled, "blog", "umassd-charities", "umassd-fortune500",
                                 lang="fr")
    assert "65\u202f% ne peut provenir d’aucun nombre entier de 76" in comparison.loc[
        comparison["year"] == 2009, "caveat"].iloc[0]
    figures = adoption.load_published().set_index(["series", "year", "platform"])
    assert "cannot come from any whole number" in figures.loc[
        ("umassd-charities", 2009, "blog"), "note"]
    assert figures.loc[("umassd-charities", 2009, "blog"), "n"] == 76  # n itself unchanged


# --- self-selected and second-hand figures -----------------------------------------------------

def test_self_selected_surveys_are_not_comparable(bundled):
    comparison = compare_sectors(bundled, "facebook", "nten-benchmark", "umassd-fortune500")
    assert set(comparison["leader"]) == {"not_comparable"}
    assert comparison[["nonprofit_low", "difference_low", "p_value"]].isna().all().all()
    versus_inc = compare_sectors(bundled, "twitter", "nten-benchmark", "umassd-inc500")
    assert versus_inc.set_index("year").loc[2011, "leader"] == "not_comparable"


def test_the_command_line_says_not_comparable():
    result = subprocess.run(
        [sys.executable, "-m", "adoption", "compare", "--platform", "facebook",
         "--nonprofit", "nten-benchmark", "--business", "umassd-fortune500", "--format", "csv"],
        capture_output=True, text=True, check=True)
    rows = [line.split(",") for line in result.stdout.splitlines()[1:]]
    header = result.stdout.splitlines()[0].split(",")
    leaders = {row[header.index("leader")] for row in rows}
    assert leaders == {"not_comparable"}


def test_a_second_hand_figure_has_no_method(bundled):
    estimate = estimate_share(row_of(bundled, "umassd-fortune500", "blog", 2007))
    assert estimate.design == "unknown"
    assert math.isnan(estimate.low) and math.isnan(estimate.high)
    assert [caveat.key for caveat in estimate.caveats] == ["reason.as_cited"]
    names = series_names(bundled)
    assert estimate.caveats[0].text("en", names) == (
        "Fortune 500 2007: cited by a later report; method unknown")
    claim = check_claim(bundled, "blog", "umassd-charities", "umassd-fortune500")
    assert 2007 not in claim.supported and claim.longest_run == (2008, 2009, 2010)


def test_the_trend_leaves_the_second_hand_figure_out_unless_asked(bundled):
    trend = gap_trend(bundled, "blog", "umassd-charities", "umassd-fortune500")
    assert 2007 not in trend.years
    asked = gap_trend(bundled, "blog", "umassd-charities", "umassd-fortune500",
                      include_as_cited=True)
    assert asked.years == (2007, 2008, 2009, 2010)
    assert asked.interaction != trend.interaction


def test_derived_figures_name_their_arithmetic(bundled):
    names = series_names(bundled)
    twitter = estimate_share(row_of(bundled, "umassd-inc500", "twitter", 2014))
    assert [c.text("en", names) for c in twitter.caveats] == [
        "Inc. 500 2014: computed by the project (371 / 500)"]
    assert twitter.low == twitter.high == 371 / 500  # an exact count of a census
    facebook = estimate_share(row_of(bundled, "umassd-inc500", "facebook", 2015))
    assert "88-6; assumes percentage points" in facebook.caveats[0].text("en", names)


# --- rounding in comparisons and changes -------------------------------------------------------

def test_counts_from_the_quotes_replace_rounded_percentages(bundled):
    changes = year_over_year(bundled, "blog", "umassd-fortune500").set_index("year_from")
    # 108 -> 116 -> 114 companies of 500: +1.6 then -0.4 points, exact.
    assert changes.loc[2009, ["change_points", "change_points_low", "change_points_high"]
                       ].tolist() == pytest.approx([1.6, 1.6, 1.6])
    assert changes.loc[2009, "direction"] == "rose"
    assert changes.loc[2010, "change_points"] == pytest.approx(-0.4)
    assert changes.loc[2010, "direction"] == "fell"


def test_a_rounded_census_change_carries_both_roundings(bundled):
    changes = year_over_year(bundled, "twitter", "umassd-inc500").set_index("year_from")
    # 2014: 371/500 = 74.2% exact; 2016: "79%", 78.5% to 79.5%: +4.3 to +5.3 points.
    row = changes.loc[2014]
    assert row["change_points"] == pytest.approx(4.8)
    assert (row["change_points_low"], row["change_points_high"]) == pytest.approx((4.3, 5.3))


def test_overlapping_roundings_are_no_clear_change():
    same = year_over_year(census_table([0.23, 0.23]), "blog")
    assert same["direction"].tolist() == ["no_clear_change"]
    assert (same["change_points_low"].iloc[0], same["change_points_high"].iloc[0]) == \
        pytest.approx((-1.0, 1.0))
    touching = year_over_year(census_table([0.23, 0.24]), "blog")
    assert touching["direction"].tolist() == ["no_clear_change"]  # 23.5% is in both
    apart = year_over_year(census_table([0.23, 0.25]), "blog")
    assert apart["direction"].tolist() == ["rose"]
    counted = year_over_year(census_table([0.232, 0.228], counts=[116, 114]), "blog")
    assert counted["direction"].tolist() == ["fell"]


# --- changes of method -------------------------------------------------------------------------

def test_a_change_of_method_is_not_a_rise(bundled):
    changes = year_over_year(bundled, "facebook", "umassd-inc500").set_index("year_from")
    row = changes.loc[2012]  # 67% of 170 interviewed, then 84% of all 500 checked
    assert row["year_to"] == 2013 and row["direction"] == "method_changed"
    assert row["change_points"] == pytest.approx(17.0)
    assert math.isnan(row["change_points_low"])
    assert "changed its method between 2012 and 2013 (a survey, then a census)" in \
        row["caveat"]
    french = year_over_year(bundled, "facebook", "umassd-inc500", lang="fr")
    assert "a changé de méthode entre 2012 et 2013" in french["caveat"].str.cat()


def test_a_trend_across_a_change_of_method_says_so():
    table = pd.concat([census_table([0.2, 0.3, 0.4, 0.5]), census_table(
        [0.5, 0.55, 0.6, 0.7]).assign(series="np", sector="nonprofit")], ignore_index=True)
    table.loc[(table["series"] == "biz") & (table["year"] < 2012), "design"] = "survey"
    trend = gap_trend(table, "blog", "np", "biz")
    assert [note.key for note in trend.notes][:1] == ["reason.method_changed_design"]


# --- nonresponse -------------------------------------------------------------------------------

def test_worst_case_nonresponse_by_hand(bundled):
    fortune = compare_sectors(bundled, "blog", "umassd-charities",
                              "umassd-fortune500").set_index("year")
    # 2009: 0.65 x 76 = 49.4 charities of 200 at worst = 24.7% > 108/500 = 21.6%.
    assert bool(fortune.loc[2009, "robust_to_nonresponse"]) is True
    inc = compare_sectors(bundled, "blog", "umassd-charities",
                          "umassd-inc500").set_index("year")
    # 2009: 24.7% against (0.45 x 148 + 352) / 500 = 83.7% at best for the Inc. 500.
    assert bool(inc.loc[2009, "robust_to_nonresponse"]) is False
    assert pd.isna(inc.loc[2007, "robust_to_nonresponse"])  # no leader, no bound


def test_nonresponse_is_empty_where_the_population_is_unknown():
    table = census_table([0.2]).assign(design="survey", population_size=pd.array(
        [pd.NA], dtype="Int64"), n=pd.array([100], dtype="Int64"), exact_count=False)
    nonprofit = table.assign(series="np", sector="nonprofit", share=0.8)
    comparison = compare_sectors(pd.concat([table, nonprofit]), "blog", "np", "biz")
    assert comparison["leader"].iloc[0] == "nonprofit"
    assert pd.isna(comparison["robust_to_nonresponse"].iloc[0])


def test_the_claim_says_which_leads_survive(bundled):
    names = series_names(bundled)
    fortune = check_claim(bundled, "blog", "umassd-charities", "umassd-fortune500")
    assert "holds even with every organisation that was not measured counted against" in \
        fortune.sentence("en", names)
    inc = check_claim(bundled, "blog", "umassd-charities", "umassd-inc500")
    assert "None of the supported leads (2008 and 2009) holds" in inc.sentence("en", names)


# --- corrections as data -----------------------------------------------------------------------

def test_corrections_apply_to_a_users_file_and_name_their_line(tmp_path):
    data = tmp_path / "mine.csv"
    data.write_text("series,sector,year,platform,percent,n,population_size,design,publisher,"
                    "study\nmine,nonprofit,2020,blog,40,50,,survey,Me,My study\n")
    (tmp_path / "mine.corrections.csv").write_text(
        "series,year,platform,column,value,why,source\n"
        "mine,2020,blog,n,51,typo in the report,the appendix\n")
    assert adoption.load_published(data).loc[0, "n"] == 51
    (tmp_path / "mine.corrections.csv").write_text(
        "series,year,platform,column,value,why,source\n"
        "mine,2021,blog,n,51,typo,the appendix\n")
    with pytest.raises(DataError) as error:
        adoption.load_published(data)
    assert str(error.value.problems[0]).startswith(
        f"{tmp_path / 'mine.corrections.csv'}:2: column 'series': matches 0 rows")


def test_a_trend_from_two_common_years_is_refused(bundled):
    with pytest.raises(NotEstimable, match="share only 2 years"):
        gap_trend(bundled, "twitter", "umassd-charities", "umassd-fortune500")
