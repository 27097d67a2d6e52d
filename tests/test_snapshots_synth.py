"""The synthetic snapshot archive: labelled, reproducible, and importable both ways alike."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from adoption.snapshots import (
    account_intervals,
    adoption_curve,
    load_snapshots,
    missing_from_last_snapshot,
    read_sector_map,
)
from adoption.snapshots.synthetic_archive import (
    CSV_NAME,
    JSONL_NAME,
    MAP_NAME,
    write_synthetic_archive,
)

SEED = 2009


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("synthetic")
    paths = write_synthetic_archive(folder, SEED)
    return {path.name: path for path in paths}


@pytest.fixture(scope="module")
def from_csv(archive) -> pd.DataFrame:
    return load_snapshots([archive[CSV_NAME]])


def test_writes_three_labelled_files(archive):
    assert set(archive) == {CSV_NAME, JSONL_NAME, MAP_NAME}
    assert all("synthetic" in name for name in archive)
    for path in archive.values():  # the gzip header names its content too
        assert b"synthetic" in path.read_bytes()[:4096]
    total = sum(path.stat().st_size for path in archive.values())
    assert total < 10_000_000


def test_same_seed_same_bytes(archive, tmp_path):
    again = {path.name: path for path in write_synthetic_archive(tmp_path, SEED)}
    for name, path in archive.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_another_seed_other_data(archive, tmp_path):
    other = {path.name: path for path in write_synthetic_archive(tmp_path, SEED + 1)}
    assert other[CSV_NAME].read_bytes() != archive[CSV_NAME].read_bytes()


def test_jsonl_with_sector_map_equals_the_csv_layout(archive, from_csv):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every sector map row matches an account
        from_jsonl = load_snapshots([archive[JSONL_NAME]], sector_map=archive[MAP_NAME])
    content = [c for c in from_csv.columns if not c.startswith("source_")]
    pd.testing.assert_frame_equal(from_jsonl[content], from_csv[content])
    assert from_jsonl["source_pointer"].str.startswith("#/data/").all()


def test_every_row_says_it_is_synthetic(from_csv):
    assert from_csv["synthetic"].all()
    assert from_csv["handle"].str.startswith("synthetic_").all()
    assert from_csv["name"].str.startswith("Synthetic ").all()


def test_size_and_shape(from_csv):
    assert 25_000 <= len(from_csv) <= 50_000
    accounts = from_csv.groupby("sector")["account_id"].nunique()
    assert accounts["nonprofit"] >= 200 and accounts["business"] >= 200
    assert accounts["unknown"] == 40
    months = sorted(from_csv["snapshot_at"].dt.strftime("%Y-%m").unique())
    assert len(months) == 72
    assert (months[0], months[-1]) == ("2009-01", "2014-12")


def test_followers_are_heavy_tailed(from_csv):
    last = from_csv[from_csv["snapshot_at"].dt.year == 2014].groupby("account_id").last()
    followers = last["followers"].astype(float)
    assert followers.mean() > 2 * followers.median()
    assert followers.max() > 50 * followers.median()


def test_nonprofits_adopt_earlier_in_this_archive(archive, from_csv):
    sector_map = read_sector_map(archive[MAP_NAME])
    curve = adoption_curve(from_csv, "twitter", sector_map=sector_map, at=["2010-01-01"])
    share = curve.set_index("sector")["share"]
    assert share["nonprofit"] > share["business"]


def test_renames_deletions_and_dormancy_happen(from_csv):
    intervals = account_intervals(from_csv)
    assert intervals["renamed"].sum() > 5
    assert intervals["dormant"].mean() > 0.02
    assert len(missing_from_last_snapshot(from_csv)) > 5

