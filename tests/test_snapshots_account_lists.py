"""The account list a dataset keeps, so that a sector map is checked at each import
without reading every row: the same accounts, warnings and errors as from the rows."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from test_snapshots_scale import NOW, harvest, page, user

from adoption.problems import DataError
from adoption.snapshots import SnapshotDataset, import_snapshots, load_snapshots
from adoption.snapshots.account_lists import AccountSources, dataset_accounts
from adoption.snapshots.dataset import MANIFEST_NAME
from adoption.snapshots.engines.in_duckdb import connect


def write_map(path, lines: str):
    path.write_text("platform,account_id,handle,sector\n" + lines)
    return path


def accounts_from_rows(root) -> pd.DataFrame:
    """What the list must say, counted in pandas from every row of the dataset: one line
    per (platform, account_id, handle, sector), its rows, first snapshot, and the file
    and line of that first snapshot (unique in these archives)."""
    rows = SnapshotDataset(root).to_pandas()
    keys = ["platform", "account_id", "handle", "sector"]
    first = rows.sort_values("snapshot_at").groupby(keys, as_index=False).first()
    counted = rows.groupby(keys, as_index=False).size().rename(columns={"size": "rows"})
    expected = counted.merge(first[[*keys, "snapshot_at", "source_file", "source_line"]],
                             on=keys).rename(columns={"snapshot_at": "first_seen"})
    return expected.sort_values(keys, ignore_index=True)


def kept_accounts(root) -> pd.DataFrame:
    """The dataset's accounts as the check reads them (from the kept list only)."""
    manifest = SnapshotDataset(root).manifest()
    sources = AccountSources.of(root, manifest.imports, manifest.accounts)
    assert sources.parts == []  # the list covers every import
    with connect() as con:
        found = dataset_accounts(con, sources, root / "unused.parquet")
    return found[["platform", "account_id", "handle", "sector", "rows", "first_seen",
                  "source_file", "source_line"]]


def daily_imports(tmp_path, sectors) -> tuple:
    """A dataset built as a research group builds one: a harvest a day, each its own
    import, with the stored map; account 2 renamed on day 3, day 2 read twice."""
    root = tmp_path / "archive"
    days = [harvest(tmp_path / f"day{d}.jsonl", f"2021-01-0{d}T12:00:00+00:00", range(1, 4))
            for d in (1, 2)]
    renamed = tmp_path / "day3.jsonl"
    renamed.write_text(page([user("1", 11), user("2", 12, handle="renamed"), user("3", 13)],
                            "2021-01-03T12:00:00+00:00") + "\n")
    again = tmp_path / "day2-again.jsonl"  # the same snapshots, written otherwise
    again.write_text(days[1].read_text().replace('", "', '","'))
    import_snapshots([days[0]], root, sector_map=sectors, now=NOW)
    for later in (days[1], renamed, again):
        import_snapshots([later], root, now=NOW)
    return root, [*days, renamed, again]


def test_the_kept_list_holds_what_every_row_says(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,1,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    expected = accounts_from_rows(root)
    assert len(expected) == 4  # accounts 1 and 3, account 2 under two handles
    assert expected["rows"].sum() == 9  # the day read twice counted once
    pd.testing.assert_frame_equal(kept_accounts(root), expected, check_dtype=False)
    assert len(list((root / "accounts").iterdir())) == 1  # each import replaced the list


def test_a_daily_import_checks_its_accounts_against_the_stored_map(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv",
                        "twitter,1,,nonprofit\ntwitter,,renamed,business\n")
    with pytest.warns(UserWarning, match="'renamed' matches no"):
        root, _ = daily_imports(tmp_path, sectors)
    report = import_snapshots([harvest(tmp_path / "day4.jsonl", "2021-01-04T12:00:00+00:00",
                                       range(1, 3))], root, now=NOW)
    # Account 1 by its id (from the list), account 2 by the handle it took on day 3.
    assert report.assignment[["account_id", "sector"]].values.tolist() == [
        ["1", "nonprofit"], ["2", "business"]]
    table = load_snapshots([root], now=NOW)
    assert table.groupby("account_id")["sector"].first().to_dict() == {
        "1": "nonprofit", "2": "business", "3": "unknown"}


def test_a_sector_clash_in_a_later_import_is_found_with_its_file_and_line(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,1,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    before = {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    table = tmp_path / "table.csv"  # account 1 with a sector of its own
    table.write_text("platform,account_id,handle,sector,snapshot_at,followers\n"
                     "twitter,1,org1,business,2021-02-01T00:00:00Z,5\n")
    with pytest.raises(DataError, match=r"table\.csv:2.*business.*nonprofit"):
        import_snapshots([table], root, now=NOW)
    assert {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_imports_without_a_map_are_read_from_their_rows_at_the_next_check(tmp_path):
    root = tmp_path / "archive"
    import_snapshots([harvest(tmp_path / "a.jsonl", "2021-01-01T12:00:00+00:00", range(1, 4))],
                     root, now=NOW)
    assert not (root / "accounts").exists()  # no map, no check, no list
    sectors = write_map(tmp_path / "sectors.csv", "twitter,3,,nonprofit\n")
    import_snapshots([harvest(tmp_path / "b.jsonl", "2021-01-02T12:00:00+00:00", range(2, 5))],
                     root, sector_map=sectors, now=NOW)
    import_snapshots([harvest(tmp_path / "c.jsonl", "2021-01-03T12:00:00+00:00", range(4, 6))],
                     root, now=NOW)  # the stored map: the list catches up
    pd.testing.assert_frame_equal(kept_accounts(root), accounts_from_rows(root),
                                  check_dtype=False)


def test_a_dataset_written_before_lists_is_read_whole_once(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,2,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    manifest = json.loads((root / MANIFEST_NAME).read_text())
    for kept in (root / "accounts").iterdir():
        kept.unlink()
    del manifest["accounts"]  # as this version's predecessor wrote it
    (root / MANIFEST_NAME).write_text(json.dumps(manifest))
    table = tmp_path / "table.csv"
    table.write_text("platform,account_id,handle,sector,snapshot_at,followers\n"
                     "twitter,2,org2,business,2021-02-01T00:00:00Z,5\n")
    with pytest.raises(DataError, match=r"table\.csv:2.*business.*nonprofit"):
        import_snapshots([table], root, now=NOW)
    import_snapshots([harvest(tmp_path / "d.jsonl", "2021-02-02T12:00:00+00:00", range(1, 3))],
                     root, now=NOW)
    pd.testing.assert_frame_equal(kept_accounts(root), accounts_from_rows(root),
                                  check_dtype=False)


def test_a_daily_import_reads_the_list_not_the_older_rows(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,1,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    for part in (root / "platform=twitter" / "month=2021-01").iterdir():
        part.write_bytes(b"not Parquet")  # January's rows can no longer be read
    report = import_snapshots([harvest(tmp_path / "march.jsonl", "2021-03-01T12:00:00+00:00",
                                       range(1, 3))], root, now=NOW)
    assert report.rows_added == 2
    assert report.assignment["account_id"].tolist() == ["1"]


def test_a_list_left_by_a_crash_is_removed_at_the_next_import(tmp_path):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,1,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    kept = SnapshotDataset(root).manifest().accounts["path"]
    orphan = root / "accounts" / "20210101T000000Z-crashd.parquet"
    orphan.write_bytes((root / kept).read_bytes())  # moved in, manifest not written
    import_snapshots([harvest(tmp_path / "may.jsonl", "2021-05-01T12:00:00+00:00", range(2))],
                     root, now=NOW)
    assert not orphan.exists()
    assert [p.name for p in (root / "accounts").iterdir()] == [
        SnapshotDataset(root).manifest().accounts["path"].removeprefix("accounts/")]


@pytest.mark.parametrize("damage", ["deleted", "not Parquet"])
def test_a_list_deleted_or_damaged_by_hand_is_rebuilt_from_the_rows(tmp_path, damage):
    sectors = write_map(tmp_path / "sectors.csv", "twitter,1,,nonprofit\n")
    root, _ = daily_imports(tmp_path, sectors)
    kept = root / SnapshotDataset(root).manifest().accounts["path"]
    if damage == "deleted":
        kept.unlink()
    else:
        kept.write_bytes(b"not Parquet")
    report = import_snapshots([harvest(tmp_path / "june.jsonl", "2021-06-01T12:00:00+00:00",
                                       range(1, 3))], root, now=NOW)
    assert report.assignment["account_id"].tolist() == ["1"]
    assert not kept.exists()  # replaced by the list written again
    pd.testing.assert_frame_equal(kept_accounts(root), accounts_from_rows(root),
                                  check_dtype=False)
