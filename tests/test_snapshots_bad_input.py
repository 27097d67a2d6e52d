"""Bad input to `adoption snapshots import`: a clear message, exit 1, nothing half-written."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from adoption.cli import main
from adoption.problems import DataError
from adoption.snapshots import SnapshotWarning, load_snapshots
from adoption.snapshots.commands import register

RETRIEVED = "2021-10-23T19:36:18+00:00"


def user(account_id: str, username: str, followers: int = 10, posts: int = 5) -> dict:
    """A Twitter API v2 user object with public metrics, as twarc2 writes it."""
    return {"id": account_id, "username": username, "name": username.title(),
            "created_at": "2010-03-03T12:49:24.000Z",
            "public_metrics": {"followers_count": followers, "following_count": 3,
                               "tweet_count": posts, "listed_count": 0}}


def page(*users: dict, retrieved_at: str = RETRIEVED) -> str:
    return json.dumps({"data": list(users), "__twarc": {"retrieved_at": retrieved_at}})


@pytest.fixture
def run(capsys):
    """Run `adoption ARGS...`; return (exit code, stdout, stderr)."""
    def run_command(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run_command


@pytest.fixture
def good_output(tmp_path: Path) -> Path:
    """An existing, good output file that a failed run must leave untouched."""
    good = tmp_path / "out.parquet"
    source = tmp_path / "good.jsonl"
    source.write_text(page(user("1", "good")) + "\n")
    assert main(["snapshots", "import", str(source), "-o", str(good)]) == 0
    return good


def assert_untouched(output: Path, before: bytes) -> None:
    assert output.read_bytes() == before
    assert not list(output.parent.glob("*.partial")), "a temporary file was left behind"


def test_json_of_another_shape(run, tmp_path, good_output):
    before = good_output.read_bytes()
    other = tmp_path / "weather.json"
    other.write_text(json.dumps({"city": "Montréal", "temperature": -12}))
    code, _, err = run("snapshots", "import", other, "-o", good_output)
    assert code == 1
    assert f"{other}:1: JSON of another shape: an object with keys 'city', 'temperature'" in err
    assert "(expected Twitter API v1.1 user objects" in err
    assert_untouched(good_output, before)


def test_tweets_are_not_accounts(run, tmp_path):
    tweets = tmp_path / "tweets.jsonl"
    tweets.write_text(json.dumps({"id_str": "1", "text": "hello", "user": {"id_str": "2"}}))
    code, _, err = run("snapshots", "import", tweets, "-o", tmp_path / "out.parquet")
    assert code == 1
    assert "a tweet, not an account object" in err
    assert not (tmp_path / "out.parquet").exists()


def test_truncated_jsonl_names_the_line(run, tmp_path, good_output):
    before = good_output.read_bytes()
    harvest = tmp_path / "harvest.jsonl"
    lines = [page(user("1", "first")), page(user("2", "second")),
             page(user("3", "third"))[:40]]
    harvest.write_text("\n".join(lines) + "\n")
    code, _, err = run("snapshots", "import", harvest, "-o", good_output)
    assert code == 1
    assert f"{harvest}:3: line is cut short" in err
    assert "--skip-bad-lines keeps the 2 good one(s)" in err
    assert_untouched(good_output, before)


def test_truncated_jsonl_keeps_good_lines_when_asked(run, tmp_path):
    harvest = tmp_path / "harvest.jsonl"
    lines = [page(user("1", "first")), page(user("2", "second")),
             page(user("3", "third"))[:40]]
    harvest.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.parquet"
    code, stdout, err = run("snapshots", "import", harvest, "-o", out, "--skip-bad-lines")
    assert code == 0
    assert f"{harvest}:3: line is cut short" in err
    assert "1 warning" in err
    assert pd.read_parquet(out)["handle"].tolist() == ["first", "second"]
    assert "2 snapshots of 2 accounts" in stdout


def test_skipped_lines_are_warnings_in_python(tmp_path):
    harvest = tmp_path / "harvest.jsonl"
    harvest.write_text(page(user("1", "first")) + "\n{\"data\": [\n")
    with pytest.warns(SnapshotWarning, match=r"harvest.jsonl:2: line is cut short"):
        table = load_snapshots([harvest], skip_bad_lines=True)
    assert len(table) == 1


def test_negative_counter_in_json(run, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(page(user("1", "ok"), user("2", "minus", followers=-5)) + "\n")
    code, _, err = run("snapshots", "import", bad, "-o", tmp_path / "out.parquet")
    assert code == 1
    assert (f"{bad}:1: column 'followers': at #/data/1 (twitter account 2): -5 is negative "
            "(expected a count of 0 or more)") in err
    assert not (tmp_path / "out.parquet").exists()


def test_negative_counter_in_csv(run, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("platform,account_id,snapshot_at,followers\n"
                     "twitter,1,2014-01-01T12:00:00Z,10\n"
                     "twitter,1,2014-02-01T12:00:00Z,-3\n")
    code, _, err = run("snapshots", "import", table, "-o", tmp_path / "out.parquet")
    assert code == 1
    assert f"{table}:3: column 'followers': '-3' is too small" in err


def test_conflict_between_two_files_names_both(run, tmp_path, good_output):
    before = good_output.read_bytes()
    first, second = tmp_path / "monday.jsonl", tmp_path / "copy.jsonl"
    first.write_text(page(user("7", "same", followers=100)) + "\n")
    second.write_text(page(user("8", "other"), user("7", "same", followers=101)) + "\n")
    code, _, err = run("snapshots", "import", first, second, "-o", good_output)
    assert code == 1
    assert (f"{second}:1: column 'followers': at #/data/1 (twitter account 7): followers is "
            f"101 here but 100 in {first}:1 #/data/0, both at 2021-10-23T19:36:18Z") in err
    assert_untouched(good_output, before)


def test_conflict_within_a_table_file(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("platform,account_id,snapshot_at,posts\n"
                     "twitter,1,2014-01-01T12:00:00Z,10\n"
                     "twitter,1,2014-01-01T12:00:00Z,11\n")
    with pytest.raises(DataError) as error:
        load_snapshots([table])
    assert str(error.value) == (
        f"{table}:3: column 'posts': twitter account 1: posts is 11 here but 10 in {table}:2, "
        "both at 2014-01-01T12:00:00Z (expected one value per account and snapshot time: keep "
        "the right file, or correct the snapshot time of one)")


def test_identical_duplicates_across_files_are_one_row(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(page(user("7", "same")) + "\n")
    second.write_text(page(user("7", "same")) + "\n")
    table = load_snapshots([first, second])
    assert len(table) == 1
    assert table["source_file"].iloc[0] == str(first)


def test_missing_counter_in_one_file_is_not_a_conflict(tmp_path):
    """A lookup without public_metrics says nothing about counts: no contradiction."""
    bare = {"id": "7", "username": "same", "name": "Same"}
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(page(bare) + "\n")
    second.write_text(page(user("7", "same", followers=42)) + "\n")
    table = load_snapshots([first, second])
    assert table["followers"].tolist() == [42]
    assert table["source_file"].tolist() == [str(first)]


def test_snapshot_in_the_future(run, tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"did": "did:plc:abc", "handle": "org.bsky.social",
                                   "followersCount": 3}))
    code, _, err = run("snapshots", "import", profile, "--snapshot-at", "2999-01-01",
                       "-o", tmp_path / "out.parquet")
    assert code == 1
    assert "column 'snapshot_at': at # (bluesky account did:plc:abc): 2999-01-01T00:00:00Z is " \
           "in the future" in err
    assert not (tmp_path / "out.parquet").exists()


def test_future_is_judged_against_now(tmp_path):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text(page(user("1", "a"), retrieved_at="2021-10-23T19:36:18+00:00") + "\n")
    with pytest.raises(DataError, match="in the future"):
        load_snapshots([harvest], now="2021-10-01")
    assert len(load_snapshots([harvest], now="2021-11-01")) == 1


def test_created_after_the_snapshot_suggests_a_wrong_snapshot_time(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"did": "did:plc:abc", "handle": "a.bsky.social",
                                   "createdAt": "2023-09-19T15:47:01.417Z"}))
    with pytest.raises(DataError, match="after the snapshot 2020-01-01T00:00:00Z"):
        load_snapshots([profile], snapshot_at="2020-01-01")


def test_missing_snapshot_time_is_a_clear_error(run, tmp_path):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps([{"id": "1", "username": "org", "acct": "org@example.org",
                                     "followers_count": 1}]))
    code, _, err = run("snapshots", "import", accounts, "-o", tmp_path / "out.parquet")
    assert code == 1
    assert (f"{accounts}: does not say when the data were retrieved (expected --snapshot-at "
            "TIME") in err


def test_mastodon_local_account_without_any_server(tmp_path):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps({"id": "1", "username": "org", "acct": "org"}))
    with pytest.raises(DataError, match=r"'org' is a local account .*--server DOMAIN"):
        load_snapshots([accounts], snapshot_at="2024-01-01")
    table = load_snapshots([accounts], snapshot_at="2024-01-01", server="https://Social.Example/")
    assert table["account_id"].tolist() == ["org@social.example"]


def test_counter_that_is_not_a_number(tmp_path):
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"did": "did:plc:x", "handle": "x.bsky.social",
                               "followersCount": "many"}))
    with pytest.raises(DataError, match=r"column 'followersCount': at #: 'many' is not a whole"):
        load_snapshots([odd], snapshot_at="2024-01-01")


def test_every_file_is_checked_before_failing(tmp_path):
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text("{}")
    two.write_text("[1, 2]")
    with pytest.raises(DataError) as error:
        load_snapshots([one, two])
    files = {problem.file for problem in error.value.problems}
    assert files == {str(one), str(two)}


def test_not_json_at_all(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "profiles": [\n    {"did": "did:plc:x",\n')
    with pytest.raises(DataError, match=r"broken.json:4: is not valid JSON"):
        load_snapshots([broken])


def test_sector_map_handle_matching_nothing_warns(run, tmp_path):
    harvest = tmp_path / "harvest.jsonl"
    harvest.write_text(page(user("1", "RedCross"), user("2", "Acme")) + "\n")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform;handle;sector;org_name\n"
                       "Twitter;@redcross;OBNL;Croix-Rouge\n"
                       "twitter;acme;entreprise;Acme\n"
                       "twitter;AcmeTypo;business;Acme Typo\n")
    out = tmp_path / "out.parquet"
    code, _, err = run("snapshots", "import", harvest, "--sector-map", sectors, "-o", out)
    assert code == 0
    assert (f"{sectors}:4: column 'handle': 'AcmeTypo' matches no twitter account in the "
            "snapshots") in err
    written = pd.read_parquet(out).set_index("handle")
    assert written.loc["RedCross", "sector"] == "nonprofit"
    assert written.loc["RedCross", "org_name"] == "Croix-Rouge"
    assert written.loc["Acme", "sector"] == "business"


def test_sector_map_giving_two_sectors_to_one_account(tmp_path):
    harvest = tmp_path / "harvest.jsonl"
    harvest.write_text(page(user("1", "org")) + "\n")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,handle,sector\ntwitter,org,nonprofit\ntwitter,@ORG,business\n")
    code = main(["snapshots", "import", str(harvest), "--sector-map", str(sectors),
                 "-o", str(tmp_path / "out.parquet")])
    assert code == 1
    assert not (tmp_path / "out.parquet").exists()


def test_sector_map_with_an_unknown_label(tmp_path):
    from adoption.snapshots import read_sector_map

    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,handle,sector\ntwitter,org,government\n")
    with pytest.raises(DataError, match=r"sectors.csv:2: column 'sector': 'government'"):
        read_sector_map(sectors)


def test_output_folder_must_exist(run, tmp_path):
    harvest = tmp_path / "harvest.jsonl"
    harvest.write_text(page(user("1", "org")) + "\n")
    code, _, err = run("snapshots", "import", harvest, "-o", tmp_path / "nowhere" / "out.parquet")
    assert code == 1
    assert "does not exist" in err


def test_wrong_usage_exits_2(run, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["snapshots", "import", str(tmp_path / "x.json")])  # no -o
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["snapshots", "import", "x.json", "-o", "o.parquet", "--snapshot-at", "soon"])
    assert exit_.value.code == 2
    code, _, _ = run("snapshots")
    assert code == 2


def test_register_on_a_plain_parser(tmp_path):
    """`register` works on any argparse parser: it sets the function to run."""
    parser = argparse.ArgumentParser(prog="adoption")
    register(parser.add_subparsers())
    harvest = tmp_path / "harvest.jsonl"
    harvest.write_text(page(user("1", "org")) + "\n")
    out = tmp_path / "out.csv"
    args = parser.parse_args(["snapshots", "import", str(harvest), "-o", str(out)])
    assert args.func(args) == 0
    assert pd.read_csv(out)["handle"].tolist() == ["org"]
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    args = parser.parse_args(["snapshots", "import", str(bad), "-o", str(out)])
    with pytest.raises(DataError):
        args.func(args)
