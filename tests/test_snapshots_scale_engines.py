"""pandas, DuckDB and Dask give the same metrics and summaries, to the last bit.

Every engine computes exact integers per account and year; days, rates,
medians and the seeded bootstrap then run on those in shared pandas code, so
the comparisons below are exact, bootstrap intervals included (the engines
share the resampling, not just the point estimates).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from adoption.cli import main
from adoption.snapshots import (
    import_snapshots,
    load_snapshots,
    sector_year_summary,
    summarise,
)
from adoption.snapshots.engines import Source, make_engine, tidy_accounts, tidy_sums
from adoption.snapshots.snapshot_table import conform
from adoption.snapshots.synthetic_archive import JSONL_NAME, MAP_NAME

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "synthetic"
RESAMPLES = 200


@pytest.fixture(scope="module")
def synthetic_dataset(tmp_path_factory) -> Path:
    """The committed synthetic archive (twarc2 JSONL, 32,361 snapshots) as a dataset."""
    root = tmp_path_factory.mktemp("engines") / "synthetic"
    import_snapshots([SYNTHETIC / JSONL_NAME], root, sector_map=SYNTHETIC / MAP_NAME)
    return root


@pytest.fixture(scope="module")
def on_duckdb(synthetic_dataset):
    return summarise(synthetic_dataset, n_resamples=RESAMPLES)


def assert_same(result, reference) -> None:
    for table in ("account_years", "summary", "comparisons"):
        pd.testing.assert_frame_equal(getattr(result, table), getattr(reference, table),
                                      check_exact=True, obj=table)
    assert result.counts == reference.counts


def test_dataset_default_is_duckdb_and_equals_pandas(synthetic_dataset, on_duckdb):
    assert on_duckdb.engine == "duckdb"
    on_pandas = summarise(synthetic_dataset, engine="pandas", n_resamples=RESAMPLES)
    assert_same(on_pandas, on_duckdb)
    assert on_duckdb.counts == {"unmapped": 40, "accounts": 597, "rows": 2337}
    assert on_duckdb.unmapped_note().startswith("40 of 597 accounts (2337 snapshots)")


def test_dataset_summary_equals_the_in_memory_path(on_duckdb):
    """What the account-activity notebook computes from the files, in memory."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = load_snapshots([SYNTHETIC / JSONL_NAME], sector_map=SYNTHETIC / MAP_NAME)
    in_memory = sector_year_summary(table, n_resamples=RESAMPLES)
    pd.testing.assert_frame_equal(on_duckdb.summary, in_memory, check_exact=True)
    medians = in_memory[(in_memory["metric"] == "posts_per_day")
                        & (in_memory["sector"] == "nonprofit")]
    assert len(medians) == 6  # 2009-2014


# Edge cases by hand: missing counters, a zero base, a rename, an account seen once,
# no creation date, no handle, and a snapshot on New Year's Eve in New York that is
# already the next year in UTC.
EDGES = """\
platform,account_id,handle,sector,snapshot_at,created_at,followers,following,posts
twitter,1,npo,nonprofit,2014-01-01T00:00:00Z,2013-01-01T00:00:00Z,100,5,10
twitter,1,npo,nonprofit,2014-01-31T00:00:00Z,2013-01-01T00:00:00Z,,5,10
twitter,1,npo,nonprofit,2014-03-02T00:00:00Z,2013-01-01T00:00:00Z,160,5,40
twitter,1,npo,nonprofit,2014-12-31T23:30:00-05:00,2013-01-01T00:00:00Z,170,5,41
twitter,2,old,business,2014-01-01T00:00:00Z,2013-12-01T00:00:00Z,0,1,
twitter,2,new,business,2014-01-11T00:00:00Z,2013-12-01T00:00:00Z,5,1,3
twitter,2,new,business,2015-02-11T00:00:00Z,,9,1,3
twitter,3,someone,,2014-01-01T00:00:00Z,2012-01-01T00:00:00Z,7,1,1
bluesky,did:plc:x,,nonprofit,2024-01-01T00:00:00Z,,1,,
bluesky,did:plc:x,,nonprofit,2024-01-02T12:00:00Z,,2,,
"""


@pytest.fixture(scope="module")
def edges(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("edges") / "edges.csv"
    path.write_text(EDGES)
    return load_snapshots([path])


@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_engines_agree_on_edge_cases(edges, engine):
    """Dask here on its local threads, without a cluster: the same code as on one."""
    results = {}
    for name in ("pandas", engine):
        with make_engine(name, Source(frame=edges)) as running:
            results[name] = (running.accounts(), tidy_sums(running.year_sums()))
    pd.testing.assert_frame_equal(results[engine][0], results["pandas"][0], check_exact=True)
    pd.testing.assert_frame_equal(results[engine][1], results["pandas"][1], check_exact=True)
    sums = results[engine][1].set_index(["account_id", "year"])
    assert sums.loc[("1", 2015), "intervals"] == 1  # 23:30 in New York is 2015 in UTC
    assert sums.loc[("3", 2014), "sector"] == "unknown"  # as stored


def test_sectors_assigned_to_account_years_as_to_every_row(edges):
    """The engines leave sectors as stored; assigning them afterwards, per account, gives
    the account-years that assigning them to each snapshot first gives."""
    from adoption.snapshots.account_metrics import account_years, account_years_from_sums
    from adoption.snapshots.sectors import assign_sectors

    assignment = pd.DataFrame({"platform": ["twitter", "twitter"], "account_id": ["3", "2"],
                               "sector": ["business", "nonprofit"]})
    with make_engine("duckdb", Source(frame=edges)) as running:
        after = account_years_from_sums(assign_sectors(running.year_sums(), assignment))
    before = account_years(assign_sectors(edges, assignment))
    pd.testing.assert_frame_equal(after, before, check_exact=True)
    assert after.set_index("account_id").loc["3", "sector"] == "business"


def test_edge_case_account_years_by_hand(edges):
    years = summarise(edges, engine="duckdb", n_resamples=50).account_years
    npo = years.set_index(["account_id", "year"]).loc[("1", 2014)]
    assert pd.isna(npo["follower_change"]) and pd.isna(npo["followers_per_30d"])  # no pair known
    assert npo["posts_per_day"] == 30 / 60  # 30 posts over the two 30-day intervals
    renamed = years.set_index(["account_id", "year"]).loc[("2", 2014)]
    assert pd.isna(renamed["growth_per_30d"])  # from 0 followers
    assert pd.isna(years.set_index(["account_id", "year"]).loc[("2", 2015),
                                                                "account_age_days"])


def test_accounts_table_is_the_same_on_every_engine(synthetic_dataset):
    tables = []
    for name in ("pandas", "duckdb", "dask"):
        with make_engine(name, Source.of(sorted(synthetic_dataset.rglob("part-*")))) as engine:
            tables.append(engine.accounts())
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)
    pd.testing.assert_frame_equal(tables[0], tables[2], check_exact=True)
    assert tables[0]["rows"].sum() == 32_361


def test_an_empty_table_has_no_account_years():
    empty = conform(pd.DataFrame())
    with make_engine("duckdb", Source(frame=empty)) as engine:
        assert tidy_accounts(engine.accounts()).empty
        assert engine.year_sums().empty


# --- beyond one machine: a local cluster of two worker processes on loopback ---

@pytest.fixture(scope="module")
def cluster_client():
    pytest.importorskip("dask.distributed")
    from adoption.snapshots.engines.in_dask import dask_client

    with dask_client(local_workers=2) as client:
        yield client


def test_dask_cluster_equals_duckdb(synthetic_dataset, on_duckdb, cluster_client):
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    on_dask = summarise(synthetic_dataset, client=cluster_client, n_resamples=RESAMPLES)
    assert on_dask.engine == "dask"
    assert_same(on_dask, on_duckdb)


def test_cli_summary_on_a_running_cluster(synthetic_dataset, on_duckdb, cluster_client,
                                          tmp_path, capsys):
    address = cluster_client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "summary.parquet"
    code = main(["snapshots", "summary", str(synthetic_dataset), "--cluster", address,
                 "--resamples", str(RESAMPLES), "--out", str(out)])
    assert code == 0
    assert "engine dask" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet(out), on_duckdb.summary,
                                  check_dtype=False, check_exact=True)
    assert main(["snapshots", "summary", str(synthetic_dataset), "--cluster", address,
                 "--engine", "pandas"]) == 1
    assert "use engine='dask'" in capsys.readouterr().err


def test_holm_is_statsmodels_holm_exactly():
    """The comparisons' Holm adjustment, written out for speed, is statsmodels' own."""
    import numpy as np
    from statsmodels.stats.multitest import multipletests

    from adoption.stats import holm_adjust

    rng = np.random.default_rng(7)
    for size in (1, 2, 5, 40):
        p_values = rng.random(size) ** 3
        p_values[: size // 3] = p_values[0]  # ties
        expected = multipletests(p_values, method="holm")[1]
        assert np.array_equal(holm_adjust(p_values), expected)
