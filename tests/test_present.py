"""What the notebooks display: numbers formatted for the reader, in English and French."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import adoption
from adoption import present, stats
from adoption.metadata import series_names
from adoption.paths import SYNTHETIC_DIR

NNBSP = "\u202f"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return adoption.load_table()


def cells(html: str) -> list[list[str]]:
    """The body rows' cells."""
    body = html.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]


@pytest.fixture(scope="module")
def names(table):
    return series_names(table)


def test_comparison_table_shows_census_missing_n_and_intervals(table, names):
    comparison = stats.compare_sectors(table, "blog", "umassd-charities", "umassd-inc500")
    rows = cells(present.comparison_table(comparison, "en", names, "blog").data)
    year_2007, year_2009 = rows[0], rows[2]
    assert year_2007[2] == "19% (n not published)"
    assert year_2007[5] == "cannot be tested (Inc. 500: sample size not published)"
    # 65 % of 76 of 200 charities: Wilson with finite-population correction, 56-73
    assert year_2009[1] == "65%\u00a0[56–73]"
    assert year_2009[3] == "+20\u00a0[+9,\u00a0+30]"
    assert year_2009[5] == "Largest US charities"
    assert year_2009[6] == "does not hold"  # worst-case nonresponse: 24.7% against 83.7%
    census = stats.compare_sectors(table, "blog", "umassd-charities", "umassd-fortune500")
    row_2009 = cells(present.comparison_table(census, "en", names, "blog").data)[2]
    assert row_2009[2] == "21.6% (census, counted)"  # 108 of the 500, as the quote says
    assert row_2009[6] == "holds"


def test_french_tables_use_french_numbers_and_words(table, names):
    comparison = stats.compare_sectors(table, "blog", "umassd-charities", "umassd-inc500",
                                       lang="fr", names=names)
    html = present.comparison_table(comparison, "fr", names, "blog").data
    rows = cells(html)
    assert rows[2][1] == f"65{NNBSP}%\u00a0[56–73]"
    assert rows[2][3] == f"+20\u00a0[+9{NNBSP};\u00a0+30]"
    assert rows[2][4] == "0,009"
    assert rows[0][5].startswith("invérifiable (Inc. 500")
    assert "sample size" not in html and "unknown" not in html


def test_census_to_census_change_is_exact(table, names):
    changes = stats.year_over_year(table, "blog", ["umassd-fortune500"])
    rows = cells(present.changes_table(changes, "en", names).data)
    # 8% in 2007 is only cited by a later report; 81 then 108 companies: +5.4, exact.
    assert rows[0][3] == "cannot be tested"
    assert rows[1][2] == "+5.4\u00a0(exact: census counts)" and rows[1][3] == "rose"


def test_claim_names_the_series_as_readers_know_them(table):
    check = stats.check_claim(table, "blog", "umassd-charities", "umassd-inc500")
    sentence = present.claim(check, "en").data
    assert re.sub("<[^>]+>", "", sentence).startswith(
        "The largest US charities led the Inc. 500 on blogging")
    assert "umassd-" not in sentence


def test_trend_refusal_is_a_sentence_in_the_readers_language(table):
    refused = present.trend_or_reason(table, "facebook", "umassd-charities",
                                      "umassd-fortune500", lang="fr").data
    assert refused.startswith("<p>Aucune tendance de l’écart avec les entreprises du Fortune "
                              "500 ne peut être ajustée")
    assert "nonprofit" not in refused


def test_caveats_come_from_the_data_without_repeats():
    survey = adoption.load_table(SYNTHETIC_DIR / "survey_synthetic.csv")
    text = present.caveats(survey, "twitter", ["synthetic-survey"], "en").data
    assert text.startswith('<ul class="adoption-caveats"><li><strong>SYNTHETIC DATA.</strong>')
    assert text.count("Source note") == 1 and "2007–2012" in text
    assert "Fortune 500" not in text  # the published-figures caveat is not theirs


def test_caveats_name_missing_sample_sizes(table):
    text = present.caveats(table, "blog", ["umassd-charities", "umassd-inc500"], "en").data
    assert "<strong>Sample size not published</strong> for Inc. 500 in 2007 and 2010" in text


def test_between_years_filters_years_and_dates(table):
    assert set(present.between_years(table, [2008, 2009])["year"]) == {2008, 2009}
    snapshots = pd.DataFrame({"snapshot_at": pd.to_datetime(
        ["2008-12-31", "2009-01-01", "2015-01-01"], utc=True)})
    kept = present.between_years(snapshots, [2009, 2014], column="snapshot_at")
    assert kept["snapshot_at"].dt.year.tolist() == [2009]
