"""Large archives: streaming import into a partitioned dataset, append-only and resumable."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from adoption.cli import main
from adoption.problems import DataError
from adoption.snapshots import SnapshotDataset, import_snapshots, load_snapshots, repeats
from adoption.snapshots.dataset import MANIFEST_NAME
from adoption.snapshots.fastpath import DistinctKeys
from adoption.snapshots.importer import LOCK_NAME

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
NOW = pd.Timestamp("2026-06-01", tz="UTC")


def user(account_id: str, followers: int = 10, posts: int = 5, handle: str | None = None
         ) -> dict:
    """A Twitter API v2 user object with public metrics, as twarc2 writes it."""
    return {"id": account_id, "username": handle or f"org{account_id}",
            "name": f"Org {account_id}", "created_at": "2010-03-03T12:49:24.000Z",
            "public_metrics": {"followers_count": followers, "following_count": 3,
                               "tweet_count": posts, "listed_count": 0}}


def page(users: list[dict], retrieved_at: str) -> str:
    return json.dumps({"data": users, "__twarc": {"retrieved_at": retrieved_at}})


def harvest(path: Path, retrieved_at: str, accounts: range, pages: int = 1,
            followers: int = 10) -> Path:
    """A twarc2 JSONL file: `pages` lines, each with every account in `accounts`,
    read a second apart (gzip when the name ends in .gz)."""
    stamp = pd.Timestamp(retrieved_at)
    lines = [page([user(str(a), followers + a) for a in accounts],
                  (stamp + pd.Timedelta(seconds=n)).isoformat()) for n in range(pages)]
    text = "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text)
    return path


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root and its content: what 'unchanged' is checked against."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def archive(tmp_path) -> list[Path]:
    """Three harvests: January (plain), February (gzip), February again a day later."""
    return [harvest(tmp_path / "jan.jsonl", "2021-01-15T12:00:00+00:00", range(1, 6), 2),
            harvest(tmp_path / "feb.jsonl.gz", "2021-02-15T12:00:00+00:00", range(1, 8)),
            harvest(tmp_path / "feb2.jsonl", "2021-02-16T12:00:00+00:00", range(3, 9))]


@pytest.fixture
def dataset(tmp_path, archive) -> Path:
    root = tmp_path / "archive"
    import_snapshots(archive, root, now=NOW)
    return root


def test_import_partitions_by_platform_and_month_with_exact_counts(tmp_path, dataset, archive):
    store = SnapshotDataset(dataset)
    assert store.partitions() == ["platform=twitter/month=2021-01",
                                  "platform=twitter/month=2021-02"]
    assert store.rows() == 10 + 7 + 6
    for part in store.part_paths():  # each part holds its own partition's rows only
        months = pd.read_parquet(part)["snapshot_at"].dt.strftime("%Y-%m").unique()
        assert [f"month={m}" for m in months] == [part.parent.name]
    from_files = load_snapshots(archive, now=NOW)
    pd.testing.assert_frame_equal(store.to_pandas(), from_files)
    pd.testing.assert_frame_equal(load_snapshots([dataset], now=NOW), from_files)


def test_manifest_records_each_file_by_content_hash(dataset, archive):
    files = SnapshotDataset(dataset).imported_files()
    assert sorted(files["name"]) == sorted(str(p) for p in archive)
    assert files.set_index("name").loc[str(archive[0]), "rows"] == 10
    assert files["sha256"].str.fullmatch("[0-9a-f]{64}").all()


def test_rerun_skips_files_already_imported_even_renamed(tmp_path, dataset, archive):
    before = tree_bytes(dataset)
    renamed = tmp_path / "renamed.jsonl"
    shutil.copy(archive[0], renamed)
    report = import_snapshots([*archive, renamed], dataset, now=NOW)
    assert report.imported == []
    assert len(report.skipped) == 4
    assert "already imported as" in report.skipped[-1].reason
    assert tree_bytes(dataset) == before


def test_append_adds_parts_and_leaves_old_parts_byte_identical(tmp_path, dataset):
    before = tree_bytes(dataset)
    march = harvest(tmp_path / "mar.jsonl", "2021-03-01T12:00:00+00:00", range(1, 4))
    late_feb = harvest(tmp_path / "feb28.jsonl", "2021-02-28T12:00:00+00:00", range(1, 4))
    report = import_snapshots([march, late_feb], dataset, now=NOW)
    after = tree_bytes(dataset)
    for name, content in before.items():
        if name != MANIFEST_NAME:
            assert after[name] == content, f"{name} was rewritten"
    new_parts = {p.relative for p in report.parts}
    assert set(after) - set(before) == new_parts
    assert {p.partition for p in report.parts} == {"platform=twitter/month=2021-02",
                                                   "platform=twitter/month=2021-03"}
    assert SnapshotDataset(dataset).rows() == 23 + 6


def test_a_snapshot_read_again_is_kept_once(tmp_path, dataset, archive):
    """The same counters in a differently written file: not new snapshots."""
    again = tmp_path / "jan_again.jsonl"
    lines = archive[0].read_text().splitlines()
    again.write_text("\n".join(reversed(lines)) + "\n")  # other bytes, same snapshots
    report = import_snapshots([again], dataset, now=NOW)
    assert (report.rows_added, report.repeats) == (0, 10)
    assert SnapshotDataset(dataset).rows() == 23


def test_repeats_within_one_import_merge_like_load_snapshots(tmp_path):
    """Counters one read lacks are taken from another; provenance is the first read's."""
    bare = {"id": "7", "username": "same", "name": "Same"}
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(page([bare], "2021-10-23T19:36:18+00:00") + "\n")
    second.write_text(page([user("8"), user("7", followers=42)],
                           "2021-10-23T19:36:18+00:00") + "\n")
    import_snapshots([first, second], tmp_path / "ds", now=NOW)
    table = load_snapshots([tmp_path / "ds"], now=NOW)
    pd.testing.assert_frame_equal(table, load_snapshots([first, second], now=NOW))
    merged = table.set_index("account_id").loc["7"]
    assert (merged["followers"], merged["source_file"]) == (42, str(first))


def test_an_import_whose_key_hashes_collide_is_checked_key_by_key(tmp_path, monkeypatch):
    # When two keys share a hash, counting hashes cannot prove that nothing was read
    # twice: the grouping by key decides. As if every import met a collision (and
    # nothing had been proven while reading, `fastpath.DistinctKeys`):
    monkeypatch.setattr(repeats, "NO_REPEAT_SQL", "SELECT false")
    monkeypatch.setattr(DistinctKeys, "covers", lambda keys, rows: False)
    files = [harvest(tmp_path / f"{day}.jsonl", f"2021-04-0{day}T12:00:00+00:00",
                     range(1, 4)) for day in (1, 2)]
    clean = import_snapshots(files, tmp_path / "clean", now=NOW)
    assert (clean.rows_added, clean.repeats) == (6, 0)
    again = tmp_path / "again.jsonl"  # day 2 read once more, written without spaces
    again.write_text(json.dumps(json.loads(files[1].read_text()), separators=(",", ":")))
    repeated = import_snapshots([*files, again], tmp_path / "repeated", now=NOW)
    assert (repeated.rows_added, repeated.repeats) == (6, 3)
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "clean"], now=NOW),
                                  load_snapshots([tmp_path / "repeated"], now=NOW))


def test_counters_the_dataset_lacks_are_not_merged_later_but_said(tmp_path):
    bare = {"id": "7", "username": "same", "name": "Same"}
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(page([bare], "2021-10-23T19:36:18+00:00") + "\n")
    second.write_text(page([user("7", followers=42)], "2021-10-23T19:36:18+00:00") + "\n")
    import_snapshots([first], tmp_path / "ds", now=NOW)
    with pytest.warns(UserWarning, match="1 snapshot.* counters the dataset lacks"):
        report = import_snapshots([second], tmp_path / "ds", now=NOW)
    assert report.rows_added == 0


@pytest.mark.parametrize("problem", ["truncated line", "conflict with the dataset",
                                     "conflict between two new files"])
def test_failed_import_leaves_the_dataset_unchanged(tmp_path, dataset, capsys, problem):
    before = tree_bytes(dataset)
    good = harvest(tmp_path / "good.jsonl", "2021-04-01T12:00:00+00:00", range(1, 3))
    if problem == "truncated line":
        bad = harvest(tmp_path / "cut.jsonl", "2021-04-02T12:00:00+00:00", range(1, 3), 3)
        bad.write_text(bad.read_text()[:-40])
        expected = f"{bad}:3: line is cut short"
    elif problem == "conflict with the dataset":
        bad = tmp_path / "other.jsonl"  # January's account 2, other followers
        bad.write_text(page([user("2", followers=999)], "2021-01-15T12:00:00+00:00") + "\n")
        expected = (f"{bad}:1: column 'followers': at #/data/0 (twitter account 2): followers "
                    f"is 999 here but 12 in {tmp_path / 'jan.jsonl'}:1 #/data/1, "
                    "both at 2021-01-15T12:00:00Z")
    else:
        bad = tmp_path / "copy.jsonl"
        bad.write_text(page([user("9"), user("1", followers=100)],
                            "2021-04-01T12:00:00+00:00") + "\n")
        expected = (f"{bad}:1: column 'followers': at #/data/1 (twitter account 1): followers "
                    f"is 100 here but 11 in {good}:1 #/data/0, both at 2021-04-01T12:00:00Z")
    code = main(["snapshots", "import", str(good), str(bad), "--dataset", str(dataset)])
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err
    assert "nothing was written" in err
    assert tree_bytes(dataset) == before


def test_failed_first_import_leaves_no_folder(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(page([user("1", followers=-5)], "2021-01-01T00:00:00+00:00") + "\n")
    with pytest.raises(DataError, match=r"bad.jsonl:1: column 'followers'.*-5 is negative"):
        import_snapshots([bad], tmp_path / "new", now=NOW)
    assert not (tmp_path / "new").exists()


def test_memory_holds_one_batch_whatever_the_file_size(tmp_path):
    """50 pages of 100 accounts, read in batches of 200 rows: never more at once."""
    big = harvest(tmp_path / "big.jsonl", "2021-01-01T00:00:00+00:00", range(100), pages=50)
    report = import_snapshots([big], tmp_path / "ds", batch_rows=200, now=NOW)
    assert report.counter.rows == 5000
    assert report.counter.max_rows_held == 200
    assert report.counter.batches == 25
    for part in SnapshotDataset(tmp_path / "ds").part_paths():
        metadata = pq.ParquetFile(part).metadata  # what the writer was handed at a time
        assert max(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)) <= 200
    assert SnapshotDataset(tmp_path / "ds").rows() == 5000


def test_parquet_tables_are_streamed_by_batches_too(tmp_path):
    table = load_snapshots([harvest(tmp_path / "h.jsonl", "2021-01-01T00:00:00+00:00",
                                    range(100), pages=10)], now=NOW)
    table.to_parquet(tmp_path / "table.parquet", index=False)
    report = import_snapshots([tmp_path / "table.parquet"], tmp_path / "ds", batch_rows=150,
                              now=NOW)
    assert (report.counter.rows, report.counter.max_rows_held) == (1000, 150)
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "ds"], now=NOW), table)


def test_crash_leftovers_are_never_read_and_cleaned_at_next_import(tmp_path, dataset):
    rows = SnapshotDataset(dataset).rows()
    partition = dataset / "platform=twitter" / "month=2021-01"
    orphan = partition / "part-crashed-00001.parquet"
    shutil.copy(next(partition.glob("part-*.parquet")), orphan)  # moved, manifest not written
    (dataset / ".import-crashed").mkdir()
    assert SnapshotDataset(dataset).rows() == rows
    assert len(load_snapshots([dataset], now=NOW)) == rows
    import_snapshots([harvest(tmp_path / "x.jsonl", "2021-05-01T00:00:00+00:00", range(2))],
                     dataset, now=NOW)
    assert not orphan.exists()
    assert not (dataset / ".import-crashed").exists()


def test_one_import_at_a_time(tmp_path, dataset):
    harvest(tmp_path / "x.jsonl", "2021-05-01T00:00:00+00:00", range(2))
    holder = subprocess.Popen(  # another process holds the dataset's lock
        [sys.executable, "-c", "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); "
         "time.sleep(60)", str(dataset / LOCK_NAME)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(DataError, match="another import into this dataset is running"):
            import_snapshots([tmp_path / "x.jsonl"], dataset, now=NOW)
    finally:
        holder.kill()
        holder.wait()
    # Killed, the holder let go of the lock: nothing to clear by hand.
    import_snapshots([tmp_path / "x.jsonl"], dataset, now=NOW)


def test_sector_map_is_checked_stored_and_used(tmp_path, dataset):
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,handle,sector\ntwitter,@ORG1,OBNL\ntwitter,org2,business\n"
                       "twitter,typo,business\n")
    with pytest.warns(UserWarning, match=r"sectors.csv:4: column 'handle': 'typo' matches no"):
        report = import_snapshots([], dataset, sector_map=sectors, now=NOW)
    assert report.sector_map == str(sectors)
    with pytest.warns(UserWarning, match="'typo' matches no"):
        table = load_snapshots([dataset], now=NOW)  # the stored map applies
    assert table.groupby("sector")["account_id"].nunique().to_dict() == {
        "business": 1, "nonprofit": 1, "unknown": 6}


# --- the real samples (kept outside the project) ---

@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"the real API samples are kept outside "
                                                 f"the project, in {SAMPLES}")
def test_real_samples_import_as_load_snapshots_reads_them(tmp_path):
    files = [SAMPLES / name for name in (
        "twarc2_users_lookup__DocNow-twarc-csv__users.jsonl",
        "twarc2_tweet_page_with_includes_users__DocNow-twarc-csv__verified_type.jsonl",
        "twitter_v1.1_users_search__bear-python-twitter__get_users_search.json",
        "bluesky_getProfiles_raw__christopherkenny-bskyr__"
        "app.bsky.actor.getProfiles-f74ed2.json")]
    options = {"snapshot_at": "2025-01-01T00:00:00Z", "now": NOW}
    report = import_snapshots(files, tmp_path / "ds", **options)
    expected = load_snapshots(files, **options)
    assert report.rows_added == len(expected)
    assert report.repeats == 5  # the twarc users file: 96 user objects, 91 accounts
    assert {p.partition.split("/")[0] for p in report.parts} == {"platform=twitter",
                                                                 "platform=bluesky"}
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "ds"], now=NOW), expected)


# --- the command line ---

def test_cli_import_to_a_folder_and_summary(tmp_path, archive, capsys):
    target = tmp_path / "archive"
    assert main(["snapshots", "import", *map(str, archive), "-o", f"{target}/"]) == 0
    out = capsys.readouterr().out
    assert f"{target}: imported 3 files, 23 snapshots added in 2 partition(s)" in out
    assert main(["snapshots", "import", str(archive[0]), "-o", str(target)]) == 0
    captured = capsys.readouterr()
    assert "nothing new to import (1 file(s) already imported)" in captured.out
    assert f"{archive[0]}: skipped, already imported as {archive[0]}" in captured.err

    summary, years = tmp_path / "summary.csv", tmp_path / "years.parquet"
    code = main(["snapshots", "summary", str(target), "--out", str(summary),
                 "--account-years", str(years), "--resamples", "100"])
    err = capsys.readouterr().err
    assert code == 0
    assert "8 of 8 accounts (23 snapshots) are not in the sector map" in err
    assert "8 account-years, engine duckdb" in err
    assert pd.read_parquet(years)["account_id"].tolist() == [str(a) for a in range(1, 9)]
    assert summary.exists()


def test_cli_summary_of_files_uses_pandas_and_prints_a_table(tmp_path, archive, capsys):
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,account_id,sector\n"
                       + "".join(f"twitter,{a},{'nonprofit' if a % 2 else 'business'}\n"
                                 for a in range(1, 9)))
    code = main(["snapshots", "summary", *map(str, archive), "--sector-map", str(sectors),
                 "--resamples", "50"])
    captured = capsys.readouterr()
    assert code == 0
    assert "engine pandas" in captured.err
    assert "| platform   |   year | sector    | metric" in captured.out
    assert "| twitter    |   2021 | nonprofit | posts_per_day" in captured.out


def test_cli_usage_errors(tmp_path, archive, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["snapshots", "import", str(archive[0]), "-o", "x.parquet", "--dataset", "d"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["snapshots", "summary", "d", "--local-cluster", "0"])
    assert exit_.value.code == 2
    assert main(["snapshots", "summary", str(tmp_path / "nothing")]) == 1
    assert "file not found" in capsys.readouterr().err


def test_cli_progress_bar_on_request(tmp_path, archive, capsys):
    assert main(["snapshots", "import", *map(str, archive), "--dataset",
                 str(tmp_path / "ds"), "--progress"]) == 0
    assert "importing" in capsys.readouterr().err
    assert main(["snapshots", "import", str(archive[0]), "--dataset", str(tmp_path / "ds2"),
                 "--no-progress"]) == 0
    assert "importing" not in capsys.readouterr().err
