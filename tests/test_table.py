"""Both kinds of input become the same adoption table; counts checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import adoption
from adoption.table import COLUMNS, from_published, from_survey

# Four nonprofits and three businesses answer in 2011; one nonprofit doesn't know.
HAND_SURVEY = """org_id,sector,year,weight,population_size,uses_twitter,uses_blog
n1,nonprofit,2011,1,40,yes,no
n2,NGO,2011,1,40,yes,yes
n3,charity,2011,2,40,no,
n4,OSBL,2011,4,40,oui,non
b1,business,2011,10,300,no,yes
b2,company,2011,10,300,no,no
b3,entreprise,2011,10,300,yes,no
"""


@pytest.fixture
def hand_table(write_text) -> pd.DataFrame:
    return from_survey(adoption.load_survey(write_text("hand.csv", HAND_SURVEY)))


def test_survey_counts_match_a_hand_count(hand_table):
    rows = hand_table.set_index(["sector", "platform"])
    twitter = rows.loc[("nonprofit", "twitter")]
    assert (twitter["adopters"], twitter["n"]) == (3, 4)
    assert twitter["share"] == 0.75
    # weights 1, 1, 2, 4; users n1, n2, n4: (1 + 1 + 4) / 8
    assert twitter["share_weighted"] == pytest.approx(6 / 8)
    # Kish: (1 + 1 + 2 + 4)^2 / (1 + 1 + 4 + 16) = 64 / 22
    assert twitter["n_effective"] == pytest.approx(64 / 22)
    assert twitter["population_size"] == 40
    blog = rows.loc[("nonprofit", "blog")]
    # n3 does not know: left out of n, not counted as a non-user
    assert (blog["adopters"], blog["n"]) == (1, 3)
    assert blog["share_weighted"] == pytest.approx(1 / 6)
    business = rows.loc[("business", "twitter")]
    assert (business["adopters"], business["n"], business["n_effective"]) == (1, 3, 3)


def test_survey_table_describes_its_design(hand_table):
    assert list(hand_table.columns) == COLUMNS
    assert set(hand_table["design"]) == {"survey"}
    assert set(hand_table["certainty"]) == {"computed"}
    assert set(hand_table["series"]) == {"hand"}
    assert not hand_table["synthetic"].any()


def test_published_and_survey_tables_share_one_layout(hand_table):
    published = from_published(adoption.load_published())
    assert list(published.columns) == list(hand_table.columns)
    assert published.dtypes.astype(str).tolist() == hand_table.dtypes.astype(str).tolist()
    both = pd.concat([published, hand_table], ignore_index=True)
    assert len(both) == len(published) + len(hand_table)


def test_published_table_keeps_every_figure_and_its_source():
    table = adoption.load_table()
    assert len(table) == 188
    assert not table.duplicated(["series", "sector", "year", "platform"]).any()
    seed = table.query("series == 'umassd-charities' and year == 2009 and platform == 'blog'")
    assert seed["share"].item() == 0.65
    # The study's name as published; the reference file's tag "[SEED STUDY]" is corrected
    # away (data/published/adoption.corrections.csv).
    assert seed["study"].item() == ("UMass Dartmouth CMR - largest US charities, 3rd study "
                                    "(2009 Forbes list; released ~Aug 2010)")
    assert seed["source_url"].item().startswith("http")
    assert table["share_weighted"].isna().all()


def test_synthetic_survey_is_labelled_in_the_table():
    table = adoption.load_table(adoption.paths.SYNTHETIC_DIR / "survey_synthetic.csv")
    assert table["synthetic"].all()
    assert table["note"].str.contains("SYNTHETIC").all()
    assert set(table["series"]) == {"synthetic-survey"}
    assert table["n_effective"].notna().all()


def test_weighted_synthetic_shares_recover_the_published_rates():
    """The synthetic survey is drawn to follow the charities' published rates; its
    weighted shares should land within sampling error of them."""
    table = adoption.load_table(adoption.paths.SYNTHETIC_DIR / "survey_synthetic.csv")
    published = adoption.load_table().set_index(["series", "year", "platform"])["share"]
    nonprofit = table[table["sector"] == "nonprofit"].set_index(["year", "platform"])
    for year in (2007, 2008, 2009, 2010):
        target = published[("umassd-charities", year, "blog")]
        row = nonprofit.loc[(year, "blog")]
        standard_error = (target * (1 - target) / row["n_effective"]) ** 0.5
        assert abs(row["share_weighted"] - target) < 3 * standard_error
