"""Activity metrics and adoption curves against hand calculation on tiny tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import mannwhitneyu

from adoption.snapshots import (
    account_intervals,
    account_years,
    adoption_curve,
    compare_activity,
    load_snapshots,
    missing_from_last_snapshot,
    read_sector_map,
    sector_year_summary,
    survivorship_note,
    unmapped_accounts,
    unmapped_note,
)
from adoption.stats import wilson_interval

# Three accounts, by hand:
# - 1 (nonprofit): 30 days apart; +30 followers each time; posts 10, 10, 40.
# - 2 (business): renamed old -> new; 10 days; 0 -> 5 followers; posts unknown at first.
# - 3 (unknown sector): one snapshot.
TINY = """\
platform,account_id,handle,sector,snapshot_at,created_at,followers,following,posts
twitter,1,npo,nonprofit,2014-01-01T00:00:00Z,2013-01-01T00:00:00Z,100,5,10
twitter,1,npo,nonprofit,2014-01-31T00:00:00Z,2013-01-01T00:00:00Z,130,5,10
twitter,1,npo,nonprofit,2014-03-02T00:00:00Z,2013-01-01T00:00:00Z,160,5,40
twitter,2,old,business,2014-01-01T00:00:00Z,2013-12-01T00:00:00Z,0,1,
twitter,2,new,business,2014-01-11T00:00:00Z,2013-12-01T00:00:00Z,5,1,3
twitter,3,someone,,2014-01-01T00:00:00Z,2012-01-01T00:00:00Z,7,1,1
"""


@pytest.fixture
def tiny(tmp_path) -> pd.DataFrame:
    path = tmp_path / "tiny.csv"
    path.write_text(TINY)
    return load_snapshots([path])


def test_intervals_by_hand(tiny):
    intervals = account_intervals(tiny).set_index(["account_id", "end"])
    first = intervals.loc[("1", pd.Timestamp("2014-01-31", tz="UTC"))]
    assert first["days"] == 30
    assert first["follower_change"] == 30
    assert first["followers_per_30d"] == 30
    assert first["growth_per_30d"] == pytest.approx(0.30)
    assert first["new_posts"] == 0
    assert first["posts_per_day"] == 0
    assert bool(first["dormant"]) is True
    assert first["account_age_days"] == 395  # 2013-01-01 to 2014-01-31
    second = intervals.loc[("1", pd.Timestamp("2014-03-02", tz="UTC"))]
    assert second["growth_per_30d"] == pytest.approx(30 / 130)
    assert second["posts_per_day"] == 1.0
    assert bool(second["dormant"]) is False


def test_missing_counters_and_zero_bases_stay_missing(tiny):
    renamed = account_intervals(tiny).set_index("account_id").loc["2"]
    assert renamed["days"] == 10
    assert renamed["followers_per_30d"] == 15
    assert pd.isna(renamed["growth_per_30d"])  # from 0 followers: no rate
    assert pd.isna(renamed["new_posts"])  # posts unknown at the first snapshot, not 0
    assert pd.isna(renamed["posts_per_day"])
    assert pd.isna(renamed["dormant"])


def test_renames_are_followed_by_id(tiny):
    intervals = account_intervals(tiny)
    renamed = intervals[intervals["account_id"] == "2"]
    assert len(renamed) == 1
    assert bool(renamed["renamed"].iloc[0]) is True
    assert renamed["handle"].iloc[0] == "new"
    assert not intervals.loc[intervals["account_id"] == "1", "renamed"].any()


def test_account_years_by_hand(tiny):
    years = account_years(tiny).set_index("account_id")
    npo = years.loc["1"]
    assert npo["year"] == 2014
    assert npo["followers"] == 160  # at the last snapshot of the year
    assert npo["intervals"] == 2
    assert npo["follower_change"] == 60
    assert npo["followers_per_30d"] == 30  # 60 over 60 days
    assert npo["growth_per_30d"] == pytest.approx(0.30)  # 60 / 100 over 60 days
    assert npo["posts_per_day"] == 0.5  # 30 posts over 60 days
    assert bool(npo["dormant"]) is False
    assert npo["account_age_days"] == 425  # 2013-01-01 to 2014-03-02
    lone = years.loc["3"]
    assert lone["intervals"] == 0
    assert pd.isna(lone["posts_per_day"])


def test_summary_leaves_unknown_out_and_says_so(tiny):
    summary = sector_year_summary(tiny, n_resamples=200)
    assert set(summary["sector"]) == {"nonprofit", "business"}
    assert unmapped_note(tiny) == ("1 of 3 accounts (1 snapshots) are not in the sector map: "
                                   "they are kept as 'unknown' and left out of the sector "
                                   "comparisons.")
    assert unmapped_note(tiny, "fr").startswith("1 des 3 comptes (1 relevés) ne figurent pas")
    unmapped = unmapped_accounts(tiny)
    assert unmapped[["account_id", "handle", "snapshots"]].values.tolist() == [
        ["3", "someone", 1]]


def test_unmapped_note_is_none_when_all_mapped(tiny):
    assert unmapped_note(tiny[tiny["sector"] != "unknown"]) is None


def account_year_table(values_by_sector: dict[str, list[float]], year: int = 2014
                       ) -> pd.DataFrame:
    """A snapshot table whose account-years have exactly these posts per day:
    two snapshots 10 days apart per account, posts 0 and 10 * value."""
    rows = []
    for sector, values in values_by_sector.items():
        for number, value in enumerate(values):
            account = f"{sector}-{year}-{number}"
            for day, posts in ((1, 0), (11, round(10 * value))):
                rows.append({"platform": "twitter", "account_id": account, "sector": sector,
                             "snapshot_at": pd.Timestamp(year, 3, day, tz="UTC"),
                             "posts": posts, "followers": 100})
    from adoption.snapshots.snapshot_table import conform

    return conform(pd.DataFrame(rows))


def test_mann_whitney_against_scipy():
    nonprofit = [0.0, 0.1, 0.4, 0.4, 1.2, 2.0, 3.1]
    business = [0.2, 0.5, 0.6, 1.5, 2.5, 4.0]
    table = account_year_table({"nonprofit": nonprofit, "business": business})
    result = compare_activity(table, "posts_per_day").iloc[0]
    reference = mannwhitneyu(nonprofit, business, alternative="two-sided")
    assert result["u_statistic"] == reference.statistic
    assert result["p_value"] == pytest.approx(reference.pvalue)
    assert result["superiority"] == pytest.approx(reference.statistic / (7 * 6))
    assert (result["n_first"], result["n_second"]) == (7, 6)
    assert result["median_first"] == 0.4
    assert result["median_second"] == pytest.approx(1.05)


def test_holm_across_years():
    tables = [account_year_table({"nonprofit": [0, 0.1, 0.2, 0.3], "business": [1, 2, 3, 4]},
                                 year=2012),
              account_year_table({"nonprofit": [0, 1, 2, 3], "business": [0.5, 1.5, 2.5, 3]},
                                 year=2013)]
    result = compare_activity(pd.concat(tables, ignore_index=True))
    small, large = sorted(result["p_value"])
    expected = {small: min(1, 2 * small), large: max(min(1, 2 * small), large)}
    for _, row in result.iterrows():
        assert row["p_adjusted"] == pytest.approx(expected[row["p_value"]])


def test_bootstrap_is_seeded_and_independent_of_other_groups():
    table = account_year_table({"nonprofit": [0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2.1],
                                "business": [0.4, 0.4, 0.9, 1.0, 1.8]})
    first = sector_year_summary(table, n_resamples=500, seed=7)
    again = sector_year_summary(table, n_resamples=500, seed=7)
    pd.testing.assert_frame_equal(first, again)
    other_year = account_year_table({"nonprofit": [5.0, 6.0], "business": [7.0]}, year=2013)
    bigger = sector_year_summary(pd.concat([table, other_year], ignore_index=True),
                                 n_resamples=500, seed=7)
    pd.testing.assert_frame_equal(first, bigger[bigger["year"] == 2014].reset_index(drop=True))
    median = first[(first["sector"] == "nonprofit") & (first["metric"] == "posts_per_day")]
    assert median["value"].item() == 0.5
    assert median["low"].item() <= 0.5 <= median["high"].item()


def test_dormant_share_has_wilson_interval(tiny):
    table = account_year_table({"nonprofit": [0, 0, 0.5], "business": [1.0]})
    summary = sector_year_summary(table, n_resamples=200)
    dormant = summary[(summary["metric"] == "dormant") & (summary["sector"] == "nonprofit")]
    row = dormant.iloc[0]
    assert (row["n"], row["dormant"], row["value"]) == (3, 2, pytest.approx(2 / 3))
    low, high = wilson_interval(2, 3, 0.95)
    assert (row["low"], row["high"]) == (pytest.approx(low), pytest.approx(high))
    assert row["method"] == "Wilson score interval"


def test_median_interval_edge_cases():
    from adoption.snapshots.account_metrics import median_interval

    rng = np.random.default_rng(0)
    assert np.isnan(median_interval(np.array([]), 0.95, 100, rng)[0])
    assert median_interval(np.array([3.0]), 0.95, 100, rng)[0] == 3.0
    assert median_interval(np.array([2.0, 2.0, 2.0]), 0.95, 100, rng) == (2.0, 2.0, 2.0)


# --- adoption from creation dates ---

CURVE_TABLE = """\
platform,account_id,handle,sector,org_id,snapshot_at,created_at
twitter,1,a,nonprofit,np-a,2012-01-01T00:00:00Z,2009-06-01T00:00:00Z
twitter,2,b,nonprofit,np-b,2012-01-01T00:00:00Z,2010-06-01T00:00:00Z
twitter,2,b,nonprofit,np-b,2013-01-01T00:00:00Z,2010-06-01T00:00:00Z
twitter,3,c,business,bz-c,2012-01-01T00:00:00Z,2011-06-01T00:00:00Z
twitter,3,c,business,bz-c,2013-01-01T00:00:00Z,2011-06-01T00:00:00Z
"""
CURVE_MAP = """\
platform,handle,sector,org_id,org_name
twitter,a,nonprofit,np-a,A
twitter,b,nonprofit,np-b,B
twitter,,nonprofit,np-c,C without an account
twitter,,nonprofit,np-d,D without an account
twitter,c,business,bz-c,Company C
twitter,,business,bz-d,Company D without an account
"""


@pytest.fixture
def curve_inputs(tmp_path) -> tuple[pd.DataFrame, pd.DataFrame]:
    (tmp_path / "t.csv").write_text(CURVE_TABLE)
    (tmp_path / "m.csv").write_text(CURVE_MAP)
    return load_snapshots([tmp_path / "t.csv"]), read_sector_map(tmp_path / "m.csv")


def test_adoption_curve_by_hand(curve_inputs):
    table, sector_map = curve_inputs
    dates = ["2009-01-01", "2010-01-01", "2011-01-01", "2012-01-01", "2014-01-01"]
    curve = adoption_curve(table, "twitter", sector_map=sector_map, at=dates)
    nonprofit = curve[curve["sector"] == "nonprofit"]
    assert nonprofit["panel_size"].unique().tolist() == [4]
    assert nonprofit["adopters"].tolist()[:4] == [0, 1, 2, 2]
    assert nonprofit["share"].tolist()[:4] == [0, 0.25, 0.5, 0.5]
    business = curve[curve["sector"] == "business"]
    assert business["share"].tolist()[:4] == [0, 0, 0, 0.5]
    # After the last snapshot (2013-01-01) adoption is not known yet.
    assert pd.isna(curve.loc[curve["date"] == pd.Timestamp("2014-01-01", tz="UTC"),
                             "share"]).all()


def test_adoption_curve_without_a_panel_ends_at_one(curve_inputs):
    table, _ = curve_inputs
    curve = adoption_curve(table, "twitter")
    last = curve.groupby("sector")["share"].last()
    assert last.to_dict() == {"business": 1.0, "nonprofit": 1.0}
    steps = curve[curve["sector"] == "nonprofit"]["adopters"].tolist()
    assert steps == sorted(steps)


def test_undated_accounts_are_counted_not_guessed(tmp_path):
    (tmp_path / "t.csv").write_text(
        "platform,account_id,sector,snapshot_at,created_at\n"
        "bluesky,did:a,nonprofit,2024-01-01T00:00:00Z,2023-05-01T00:00:00Z\n"
        "bluesky,did:b,nonprofit,2024-01-01T00:00:00Z,\n")
    curve = adoption_curve(load_snapshots([tmp_path / "t.csv"]), "bluesky")
    assert curve["undated"].unique().tolist() == [1]
    assert curve["panel_size"].unique().tolist() == [1]


def test_survivorship_counts_accounts_missing_from_the_last_snapshot(curve_inputs):
    table, _ = curve_inputs
    missing = missing_from_last_snapshot(table)
    assert missing["account_id"].tolist() == ["1"]  # seen in 2012, not in 2013
    note = survivorship_note(table)
    assert note.startswith("Survivorship: accounts deleted before a snapshot are missing")
    assert note.endswith("1 accounts seen in earlier snapshots are missing from the last one.")
    assert survivorship_note(table, language="fr").startswith("Biais du survivant")
    with pytest.raises(ValueError, match="language 'de'"):
        survivorship_note(table, language="de")
