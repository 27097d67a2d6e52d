"""Hostile or unusual archives: exact ids, bounded memory, strict JSON, capped output,
empty pages, Mastodon ports, names as given. A clear message, exit 1, no traceback,
nothing half-written; or, for what is valid, the right table."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from adoption.cli import main
from adoption.problems import DataError
from adoption.snapshots import SnapshotWarning, import_snapshots, load_snapshots, summarise
from adoption.snapshots.snapshot_table import write_table
from adoption.snapshots.to_file import import_to_file

RETRIEVED = "2021-10-23T19:36:18+00:00"
NOW = pd.Timestamp("2026-06-01", tz="UTC")
BIG = 2**53 + 1  # the first integer a float cannot hold: 9007199254740993


def user(account_id: object, username: str, followers: int = 10, **extra: object) -> dict:
    """A Twitter API v2 user object with public metrics, as twarc2 writes it."""
    return {"id": account_id, "username": username, "name": username.title(),
            "created_at": "2010-03-03T12:49:24.000Z",
            "public_metrics": {"followers_count": followers, "following_count": 3,
                               "tweet_count": 5, "listed_count": 0}, **extra}


def page(*users: dict, retrieved_at: str = RETRIEVED) -> str:
    return json.dumps({"data": list(users), "__twarc": {"retrieved_at": retrieved_at}})


@pytest.fixture
def run(capsys):
    """Run `adoption ARGS...`; return (exit code, stdout, stderr)."""
    def run_command(*args: object) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return code, captured.out, captured.err
    return run_command


def leftovers(folder: Path) -> list[str]:
    """Hidden or partial files an import may have left behind."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(".") or p.name.endswith(".partial"))


# --- ids are exact text ---

def test_ids_written_as_floats_are_errors_not_a_merge(run, tmp_path):
    """Two accounts whose ids a float cannot tell apart: refused, each named as written."""
    harvest = tmp_path / "floats.jsonl"
    lines = [page(user(1, "first")).replace('"id": 1', '"id": 1234567890123456789.0'),
             page(user(1, "second")).replace('"id": 1', '"id": 1234567890123456788.0')]
    harvest.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.parquet"
    code, _, err = run("snapshots", "import", harvest, "-o", out)
    assert code == 1
    assert (f"{harvest}:1: column 'id': at #/data/0: 1234567890123456789.0 is an id written "
            "as a decimal number") in err
    assert f"{harvest}:2: column 'id': at #/data/0: 1234567890123456788.0 is an id" in err
    assert not out.exists()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("written", "shown"), [
    ('"id": 12.5', "12.5"),
    ('"id": "1.23457E+18"', "'1.23457E+18'"),  # what Excel shows, saved back as text
    ('"id": 1e18', "1e18"),
    ('"id": "@org"', "'@org' is not a Twitter id"),
    ('"id": true', "True is not an id"),
])
def test_ids_that_are_not_exact_integers_are_refused(tmp_path, written, shown):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text(page(user(7, "org")).replace('"id": 7', written) + "\n")
    with pytest.raises(DataError, match=rf"h.jsonl:1: column 'id': at #/data/0: "
                                        rf"{_escaped(shown)}"):
        load_snapshots([harvest], now=NOW)


def _escaped(text: str) -> str:
    import re

    return re.escape(text)


def test_v1_ids_fall_back_to_id_and_are_checked_there(tmp_path):
    v1 = tmp_path / "users.json"
    v1.write_text(json.dumps([{"id": 2.5e18, "screen_name": "org", "followers_count": 1}]))
    with pytest.raises(DataError, match=r"column 'id': at #/0: 2\.5e\+18 is an id written as"):
        load_snapshots([v1], snapshot_at="2024-01-01", now=NOW)


def test_mangled_ids_in_table_files_are_refused(tmp_path):
    csv = tmp_path / "table.csv"
    csv.write_text("platform,account_id,snapshot_at,followers\n"
                   "twitter,1.23457E+18,2014-01-01T12:00:00Z,10\n"
                   "twitter,1234567890123456789,2014-01-01T12:00:00Z,10\n"
                   "mastodon,12.0,2014-01-01T12:00:00Z,10\n")
    parquet = tmp_path / "table.parquet"
    pd.DataFrame({"platform": ["twitter"], "account_id": [float(BIG)],
                  "snapshot_at": ["2014-01-01T12:00:00Z"]}).to_parquet(parquet)
    with pytest.raises(DataError) as error:
        load_snapshots([csv, parquet], now=NOW)
    lines = str(error.value).splitlines()
    assert lines[0].startswith(f"{csv}:2: column 'account_id': '1.23457E+18' is an id written")
    assert lines[1].startswith(f"{csv}:4: column 'account_id': '12.0' is an id written")
    assert lines[2].startswith(f"{parquet}:2: column 'account_id': '9007199254740992.0' is "
                               "an id written as a decimal number")
    assert len(lines) == 3


def test_mangled_ids_in_the_sector_map_are_refused(tmp_path):
    from adoption.snapshots import read_sector_map

    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,account_id,sector\ntwitter,1.23457E+18,nonprofit\n")
    with pytest.raises(DataError, match=r"sectors.csv:2: column 'account_id': '1.23457E\+18'"):
        read_sector_map(sectors)


def test_ids_beyond_2_53_stay_exact_everywhere(tmp_path):
    """JSON integers, JSON strings, CSV and Parquet (an integer column with a missing
    value, which pandas would make float) give the same exact ids, through the table,
    the dataset, the written file and the summaries."""
    ids = [str(BIG), str(BIG + 1), str(BIG + 2), str(BIG + 3)]
    harvest = tmp_path / "h.jsonl"
    harvest.write_text(page(user(BIG, "int_id"), user(str(BIG + 1), "str_id")) + "\n")
    csv = tmp_path / "t.csv"
    csv.write_text(f"platform,account_id,snapshot_at,followers\ntwitter,{BIG + 2},"
                   "2021-10-23T19:36:18Z,5\n")
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "platform": ["twitter", "twitter"], "account_id": pa.array([BIG + 3, BIG + 3]),
        "snapshot_at": ["2021-10-23T19:36:18Z", "2021-11-23T19:36:18Z"],
        "followers": pa.array([4, None], pa.int64())}), parquet)
    files = [harvest, csv, parquet]
    table = load_snapshots(files, now=NOW)
    assert sorted(set(table["account_id"])) == ids
    dataset = tmp_path / "ds"
    import_snapshots(files, dataset, now=NOW)
    assert sorted(set(load_snapshots([dataset], now=NOW)["account_id"])) == ids
    out = tmp_path / "out.parquet"
    import_to_file(files, out, now=NOW)
    assert sorted(set(pd.read_parquet(out)["account_id"])) == ids
    for engine in ("duckdb", "pandas"):
        years = summarise(dataset, engine=engine, n_resamples=10).account_years
        assert sorted(years["account_id"]) == ids, engine


def test_an_integer_id_column_with_a_missing_id_is_read_exactly(tmp_path):
    """The missing id is the only problem: the others are not turned into floats."""
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "platform": ["twitter", "twitter"], "account_id": pa.array([BIG, None], pa.int64()),
        "snapshot_at": ["2021-10-23T19:36:18Z"] * 2}), parquet)
    with pytest.raises(DataError) as error:
        load_snapshots([parquet], now=NOW)
    assert str(error.value).startswith(f"{parquet}:3: column 'account_id': is empty")
    assert len(error.value.problems) == 1


# --- bounded memory and limits ---

BOUNDED_IMPORT = textwrap.dedent("""
    import gzip, json, resource, sys
    from pathlib import Path
    from adoption.snapshots.to_file import import_to_file
    folder = Path(sys.argv[1])
    bomb = folder / "bomb.jsonl.gz"
    line = json.dumps({"data": [{"id": "1", "username": "org", "public_metrics":
                                 {"followers_count": 1}}],
                       "__twarc": {"retrieved_at": "2021-10-23T19:36:18+00:00"}})
    with gzip.open(bomb, "wb") as out:  # 150 lines of 2 MB: 300 MB inside
        for _ in range(150):
            out.write(line.encode() + b" " * 2_000_000 + b"\\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    written = import_to_file([bomb], folder / "out.parquet", now="2026-06-01")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"grew_mb": (after - before) / 1024, "rows": written.rows,
                      "gzip_mb": bomb.stat().st_size / 1e6}))
""")


def test_import_to_one_file_streams_a_gzip_bomb_in_bounded_memory(tmp_path):
    """300 MB of valid lines in a gzip of well under 1 MB: read a line at a time, so
    the peak memory grows by far less than the content (which the old import
    decompressed whole, then decoded: 850 MB more)."""
    done = subprocess.run([sys.executable, "-c", BOUNDED_IMPORT, str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["gzip_mb"] < 1
    assert measured["rows"] == 1  # 150 reads of one snapshot, kept once
    assert measured["grew_mb"] < 150, measured


def test_an_over_long_line_is_refused_past_the_limit(run, tmp_path):
    harvest = tmp_path / "h.jsonl.gz"
    huge = json.dumps({"data": [user("2", "big", description="x" * 3_000_000)],
                       "__twarc": {"retrieved_at": RETRIEVED}})
    harvest.write_bytes(gzip.compress(f"{page(user('1', 'ok'))}\n{huge}\n".encode()))
    dataset = tmp_path / "ds"
    code, _, err = run("snapshots", "import", harvest, "--dataset", dataset,
                       "--max-document-mb", "1")
    assert code == 1
    assert (f"{harvest}:2: line is longer than 1 MB: it was skipped unread (expected one "
            "complete JSON document per line") in err
    assert not dataset.exists()
    code, _, err = run("snapshots", "import", harvest, "--dataset", dataset,
                       "--max-document-mb", "1", "--skip-bad-lines")
    assert code == 0
    assert load_snapshots([dataset], now=NOW)["handle"].tolist() == ["ok"]
    assert len(load_snapshots([harvest], now=NOW)) == 2  # under the default limit of 64 MB


def damaged(whole: bytes, how: str) -> bytes:
    """A gzip file cut short (an interrupted copy), or with its first deflate block
    overwritten (a bad disk), or with its CRC wrong."""
    if how == "cut short":
        return whole[:len(whole) // 2]
    if how == "overwritten":  # the first deflate block, after the 10 bytes of header
        return whole[:10] + b"\xff" * 64 + whole[74:]
    return whole[:-8] + bytes(8)  # CRC-32 and length of the content: zero


@pytest.mark.parametrize("how", ["cut short", "overwritten", "wrong checksum"])
def test_a_damaged_gzip_file_is_a_clear_error(run, tmp_path, how):
    """Each way a .gz can be damaged (here one that inflates fast, through ISA-L)
    is a message naming the file, exit 1, and nothing written."""
    lines = [page(*(user(str(n * 100 + k), f"user{n}_{k}", followers=n * k) for k in range(100)))
             for n in range(1, 200)]
    harvest = tmp_path / "h.jsonl.gz"
    harvest.write_bytes(damaged(gzip.compress("\n".join(lines).encode() + b"\n"), how))
    out = tmp_path / "out.parquet"
    code, _, err = run("snapshots", "import", harvest, "-o", out)
    assert code == 1
    assert f"{harvest}" in err and "is a damaged gzip file (" in err
    assert "(expected a complete .gz file)" in err
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_gzip_of_several_members_reads_them_all(tmp_path):
    """`gzip >> harvest.jsonl.gz` day after day writes one gzip member a day: each is
    read, with lines numbered across them."""
    days = [page(user("1", "a"), retrieved_at=f"2021-10-{day}T10:00:00Z") for day in (23, 24)]
    harvest = tmp_path / "h.jsonl.gz"
    harvest.write_bytes(b"".join(gzip.compress(f"{line}\n".encode()) for line in days))
    table = load_snapshots([harvest], now=NOW)
    assert table["source_line"].tolist() == [1, 2]
    assert table["snapshot_at"].dt.day.tolist() == [23, 24]


def test_an_over_long_document_is_refused_past_the_limit(run, tmp_path):
    document = tmp_path / "profiles.json"
    profiles = [{"did": f"did:plc:{n}", "handle": f"p{n}.bsky.social", "followersCount": n}
                for n in range(20_000)]
    document.write_text(json.dumps({"profiles": profiles}, indent=2))
    out = tmp_path / "out.parquet"
    code, _, err = run("snapshots", "import", document, "-o", out, "--snapshot-at",
                       "2024-01-01", "--max-document-mb", "1")
    assert code == 1
    assert (f"{document}: holds a JSON document longer than 1 MB (read whole, unlike JSON "
            "Lines) (expected JSON Lines (one document per line), or a larger "
            "--max-document-mb)") in err
    assert not out.exists() and leftovers(tmp_path) == []


# --- deep nesting, duplicate keys ---

def test_deep_nesting_is_a_clear_error_in_import_and_validate(run, tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 1000 + "]" * 1000)  # 2 KB
    code, _, err = run("snapshots", "import", nested, "-o", tmp_path / "out.parquet",
                       "--snapshot-at", "2024-01-01")
    assert code == 1
    assert (f"{nested}:1: cannot be read: arrays or objects nested more than 500 levels "
            "deep, no API's account data at column 501 (expected") in err
    code, out, _ = run("validate", nested)
    assert code == 1
    assert f"{nested}:1: cannot be read: arrays or objects nested more than 500" in out
    unclosed = tmp_path / "unclosed.json"
    unclosed.write_text("[" * 1000)
    code, _, err = run("snapshots", "import", unclosed, "-o", tmp_path / "out.parquet")
    assert code == 1
    assert f"{unclosed}:1: cannot be read: arrays or objects nested more than 500" in err


def test_deep_nesting_in_one_jsonl_line_is_a_bad_line(tmp_path):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text(page(user("1", "ok")) + "\n" + "[" * 2000 + "\n")
    with pytest.raises(DataError, match=r"h.jsonl:2: line cannot be read: arrays or objects "
                                        r"nested more than 500 levels deep"):
        load_snapshots([harvest], now=NOW)


def test_nesting_the_parser_reads_is_still_no_shape_we_know(tmp_path):
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 800 + "{}" + "]" * 800)
    with pytest.raises(DataError, match=r"nested.json:1: JSON of another shape: arrays nested "
                                        r"more than 4 deep"):
        load_snapshots([nested], snapshot_at="2024-01-01", now=NOW)


def test_a_duplicate_key_in_a_jsonl_line_names_line_and_key(run, tmp_path):
    harvest = tmp_path / "h.jsonl"
    second = page(user("2", "two")).replace('"followers_count": 10',
                                            '"followers_count": 10, "followers_count": 99')
    harvest.write_text(page(user("1", "one")) + "\n" + second + "\n")
    out = tmp_path / "out.parquet"
    code, _, err = run("snapshots", "import", harvest, "-o", out)
    assert code == 1
    column = second.index('"followers_count": 99') + 1
    assert (f"{harvest}:2: line cannot be read: the key 'followers_count' appears twice in "
            f"one object (which value is right cannot be told) at column {column}") in err
    assert not out.exists()


def test_a_duplicate_key_in_a_pretty_printed_document_names_its_line(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text('{\n  "did": "did:plc:x",\n  "handle": "x.bsky.social",\n'
                       '  "followersCount": 1,\n  "followersCount": 2\n}\n')
    with pytest.raises(DataError) as error:
        load_snapshots([profile], snapshot_at="2024-01-01", now=NOW)
    assert str(error.value) == (
        f"{profile}:5: cannot be read: the key 'followersCount' appears twice in one object "
        "(which value is right cannot be told) at column 3 (expected a complete JSON "
        "document, or JSON Lines)")


def test_a_duplicate_key_in_the_first_line_of_jsonl_is_a_bad_line_too(tmp_path):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text('{"data": [], "data": []}\n' + page(user("1", "one")) + "\n")
    with pytest.warns(SnapshotWarning, match=r"h.jsonl:1: line cannot be read: the key 'data'"):
        table = load_snapshots([harvest], now=NOW, skip_bad_lines=True)
    assert table["handle"].tolist() == ["one"]


# --- problems capped, with a count of the others ---

def test_a_million_bad_rows_print_a_hundred_lines_and_a_count(run, tmp_path):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text("".join(page(user(str(n), f"u{n}", followers=-1)) + "\n"
                               for n in range(1, 1001)))
    code, _, err = run("snapshots", "import", harvest, "-o", tmp_path / "out.parquet")
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 102  # 100 problems, the count, the last line
    assert (f"{harvest}: 1000 problems in this file; only the first 100 are shown (expected "
            "a file without these problems") in err
    assert lines[-1] == "101 problems; nothing was written"
    code, out, _ = run("validate", harvest)
    assert code == 1
    assert f"{harvest}: 1000 problems in this file; only the first 100 are shown" in out
    assert len(out.splitlines()) == 102


def test_bad_lines_are_capped_and_counted(tmp_path):
    harvest = tmp_path / "h.jsonl"
    harvest.write_text(page(user("1", "one")) + "\n" + '{"data": [\n' * 500)
    with pytest.raises(DataError) as error:
        load_snapshots([harvest], now=NOW)
    problems = [str(p) for p in error.value.problems]
    assert len(problems) == 101
    assert f"{harvest}: 501 problems in this file; only the first 100 are shown" in problems[0]
    with pytest.warns(SnapshotWarning) as caught:
        load_snapshots([harvest], now=NOW, skip_bad_lines=True)
    assert len(caught) == 101
    assert "500 problems in this file; only the first 100 are shown" in str(caught[-1].message)


def test_problems_of_many_files_are_capped_too(tmp_path, monkeypatch):
    from adoption.snapshots import importer

    monkeypatch.setattr(importer, "MAX_PROBLEMS_SHOWN_IN_ALL", 3)
    files = []
    for n in range(5):
        bad = tmp_path / f"bad{n}.jsonl"
        bad.write_text(page(user(str(n), "u", followers=-1)) + "\n")
        files.append(bad)
    with pytest.raises(DataError) as error:
        import_snapshots(files, tmp_path / "ds", now=NOW)
    shown = [str(p) for p in error.value.problems]
    assert len(shown) == 4
    assert (f"{files[3]}: this file and 1 other(s) have 2 more problems, not shown"
            in "\n".join(shown))


# --- empty pages are notes, not errors ---

EMPTY_PAGES = {
    "v2.json": '{"meta": {"result_count": 0}}',
    "v2_twarc.jsonl": '{"meta": {"result_count": 0}, "__twarc": {"retrieved_at": '
                      f'"{RETRIEVED}"}}}}',
    "v1.json": '{"users": [], "next_cursor": 0, "next_cursor_str": "0"}',
    "mastodon.json": "[]",
    "bluesky.json": '{"profiles": []}',
}


def test_empty_pages_import_as_zero_accounts_beside_good_files(run, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(page(user("1", "org")) + "\n")
    empties = []
    for name, text in EMPTY_PAGES.items():
        (tmp_path / name).write_text(text + "\n")
        empties.append(tmp_path / name)
    out = tmp_path / "out.parquet"
    code, stdout, err = run("snapshots", "import", *empties, good, "-o", out)
    assert code == 0
    for empty in empties:
        assert (f"{empty}: holds an empty page (an API answer with no account in it): "
                "imported as zero accounts") in err
    assert "another shape" not in err
    assert f"{len(empties)} warnings" in err
    assert "1 snapshots of 1 accounts (twitter 1) from 6 files" in stdout
    assert pd.read_parquet(out)["handle"].tolist() == ["org"]


def test_only_empty_pages_give_an_empty_table_and_dataset(run, tmp_path):
    empty = tmp_path / "v2.jsonl"
    empty.write_text(EMPTY_PAGES["v2.json"] + "\n" + EMPTY_PAGES["v2.json"] + "\n")
    out = tmp_path / "out.csv"
    code, stdout, err = run("snapshots", "import", empty, "-o", out)
    assert code == 0
    assert "holds 2 empty pages" in err
    assert "0 snapshots of 0 accounts" in stdout
    assert out.read_text().startswith("platform,account_id,handle,name,sector,")
    assert pd.read_csv(out).empty
    code, stdout, _ = run("snapshots", "import", empty, "--dataset", tmp_path / "ds")
    assert code == 0
    assert "imported 1 file, 0 snapshots added" in stdout
    with pytest.warns(SnapshotWarning, match="holds 2 empty pages"):
        assert load_snapshots([empty], now=NOW).empty


def test_a_page_without_accounts_that_is_not_empty_is_still_an_error(tmp_path):
    tweets = tmp_path / "tweets.jsonl"  # a twarc2 tweets page whose users were not expanded
    tweets.write_text(json.dumps({"data": [{"id": "1", "text": "hello"}],
                                  "__twarc": {"retrieved_at": RETRIEVED}}) + "\n")
    with pytest.raises(DataError, match=r"tweets.jsonl: holds no account objects"):
        load_snapshots([tweets], now=NOW)


# --- Mastodon local accounts keep the server's port ---

@pytest.mark.parametrize(("server", "expected"), [
    (None, "admin@localhost:3000"),
    ("http://localhost:3000/", "admin@localhost:3000"),
    ("localhost:3000", "admin@localhost:3000"),
    ("https://Social.Example:443/", "admin@social.example"),
])
def test_mastodon_local_ids_keep_the_port(tmp_path, server, expected):
    accounts = tmp_path / "accounts.json"
    accounts.write_text(json.dumps([{"id": "1", "username": "admin", "acct": "admin",
                                     "url": "http://localhost:3000/@admin",
                                     "followers_count": 1}]))
    table = load_snapshots([accounts], snapshot_at="2024-01-01", server=server, now=NOW)
    assert table["account_id"].tolist() == [expected]


# --- display names as the API sent them ---

def test_names_are_kept_as_given_and_empty_is_not_missing(tmp_path):
    harvest = tmp_path / "h.jsonl"
    spaced, empty, absent = user("1", "spaced"), user("2", "empty"), user("3", "absent")
    spaced["name"], empty["name"] = "  Acme Inc ", ""
    del absent["name"]
    harvest.write_text(page(spaced, empty, absent) + "\n")
    table = load_snapshots([harvest], now=NOW).set_index("handle")
    assert table.loc["spaced", "name"] == "  Acme Inc "
    assert table.loc["empty", "name"] == ""
    assert pd.isna(table.loc["absent", "name"])
    out = tmp_path / "out.parquet"
    import_to_file([harvest], out, now=NOW)
    again = load_snapshots([out], now=NOW).set_index("handle")  # a table file keeps them
    assert again.loc["spaced", "name"] == "  Acme Inc "
    assert again.loc["empty", "name"] == ""


# --- one file (-o) is what load_snapshots returns, without holding it ---

@pytest.fixture
def mixed_archive(tmp_path) -> tuple[list[Path], Path]:
    """Twarc pages in two files (one account read twice), a v1.1 file, a Bluesky profile,
    and a sector map naming some of them."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl.gz"
    first.write_text(page(user("5", "zeta"), user("12", "alpha")) + "\n"
                     + page(user("5", "zeta", followers=11),
                            retrieved_at="2021-11-23T19:36:18+00:00") + "\n")
    second.write_bytes(gzip.compress((page(user("12", "alpha"), user("7", "mid")) + "\n")
                                     .encode()))
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"did": "did:plc:q", "handle": "q.bsky.social",
                                   "followersCount": 3}))
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,handle,sector,org_name\ntwitter,zeta,nonprofit,Zeta\n"
                       "bluesky,q.bsky.social,business,Q\n")
    return [first, second, profile], sectors


def test_import_to_one_file_is_load_snapshots_table(tmp_path, mixed_archive):
    files, sectors = mixed_archive
    options = {"sector_map": sectors, "snapshot_at": "2021-10-23T19:36:18Z", "now": NOW}
    expected = load_snapshots(files, **options)
    out = tmp_path / "out.parquet"
    written = import_to_file(files, out, batch_rows=2, **options)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    assert (written.rows, written.accounts, written.unknown_accounts) == (
        5, {"bluesky": 1, "twitter": 3}, 2)
    csv = tmp_path / "out.csv"
    import_to_file(files, csv, batch_rows=2, **options)
    write_table(expected, tmp_path / "whole.csv")
    assert csv.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    again = tmp_path / "again.parquet"
    import_to_file(files, again, batch_rows=2, **options)
    assert again.read_bytes() == out.read_bytes()  # deterministic
    assert leftovers(tmp_path) == []


def test_one_file_sorts_accounts_as_text_on_every_platform(tmp_path):
    """The export sorts the accounts by number (their rank) and names them after: the
    order is still the text's ("10" before "9"), per platform, then time, as
    `load_snapshots` sorts in pandas. The same ids on two platforms, files given
    out of time order, a row's own sector kept where the map names no account."""
    rng = random.Random(7)
    ids = sorted({str(rng.randrange(1, 10 ** rng.randrange(1, 19))) for _ in range(150)})
    rng.shuffle(ids)
    days = ["2021-03-01", "2021-01-01", "2021-02-01"]  # not in time order
    harvests = []
    for day in days:
        harvest = tmp_path / f"{day}.jsonl"
        harvest.write_text("".join(
            page(*(user(i, f"t{i}", followers=rng.randrange(100)) for i in ids[at:at + 40]),
                 retrieved_at=f"{day}T10:00:00Z") + "\n" for at in range(0, len(ids), 40)))
        harvests.append(harvest)
    table = tmp_path / "table.csv"
    rows = [f"{platform},{i},{platform[0]}{i},{day}T{hour:02d}:00:00Z,{sector}"
            for platform in ("mastodon", "twitter") for i in ids[:60]
            for day, hour in [("2021-01-15", 9), ("2020-12-01", 23)]
            for sector in [rng.choice(["nonprofit", "business", "unknown"])]]
    rng.shuffle(rows)
    table.write_text("platform,account_id,handle,snapshot_at,sector\n" + "\n".join(rows) + "\n")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,account_id,sector,org_name\n"
                       + "".join(f"twitter,{i},business,Org {i}\n" for i in ids[60::7]))
    files = [*harvests, table]
    expected = load_snapshots(files, sector_map=sectors, now=NOW)
    assert expected["account_id"].str.len().nunique() > 5  # text and number orders differ
    out = tmp_path / "out.parquet"
    written = import_to_file(files, out, sector_map=sectors, now=NOW, batch_rows=13)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    # What the command says it wrote, counted by pandas from the table.
    unknown = expected[expected["sector"] == "unknown"]
    assert written.rows == len(expected) == 3 * len(ids) + 2 * 2 * 60
    assert written.accounts == expected.groupby("platform")["account_id"].nunique().to_dict()
    assert written.unknown_accounts == len(unknown[["platform", "account_id"]].drop_duplicates())
    assert 0 < written.unknown_accounts < sum(written.accounts.values())


def test_a_dataset_exports_to_one_file_with_its_sector_map(tmp_path, mixed_archive):
    files, sectors = mixed_archive
    options = {"snapshot_at": "2021-10-23T19:36:18Z", "now": NOW}
    import_snapshots(files, tmp_path / "ds", sector_map=sectors, **options)
    out = tmp_path / "out.parquet"
    import_to_file([tmp_path / "ds"], out, now=NOW)
    expected = load_snapshots(files, sector_map=sectors, **options)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)


def test_a_failed_import_to_one_file_leaves_nothing(run, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(page(user("1", "ok")) + "\n")
    out = tmp_path / "out.parquet"
    assert run("snapshots", "import", good, "-o", out)[0] == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(page(user("1", "ok", followers=12)) + "\n")  # a conflict, found at the end
    code, _, err = run("snapshots", "import", good, bad, "-o", out)
    assert code == 1
    assert "followers is 12 here but 10" in err
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_bad_rows_of_a_table_file_are_counted_exactly(tmp_path):
    """A Parquet table's column checks list a few problems and count the others, batch
    by batch: the file's count adds them up."""
    table = tmp_path / "t.parquet"
    pd.DataFrame({"platform": "twitter", "account_id": [str(n) for n in range(1, 301)],
                  "snapshot_at": "2021-10-23T19:36:18Z", "followers": -1}).to_parquet(table)
    with pytest.raises(DataError) as error:
        import_snapshots([table], tmp_path / "ds", batch_rows=100, now=NOW)
    assert f"{table}: 300 problems in this file; only the first " in str(error.value)
    assert len(error.value.problems) <= 101


@pytest.mark.parametrize("odd", [
    '"__twarc": [1], "data": [USER]',
    '"__twarc": {"retrieved_at": "2021-10-23T19:36:18Z"}, "includes": [1], "data": [USER]',
    '"__twarc": {"retrieved_at": "2021-10-23T19:36:18Z"}, '
    '"includes": {"users": 7}, "data": [USER]',
    '"__twarc": {"retrieved_at": "2021-10-23T19:36:18Z"}, "data": 5, '
    '"includes": {"users": [USER]}',
])
def test_parts_of_a_page_of_an_unexpected_type_are_no_crash(tmp_path, odd):
    harvest = tmp_path / "h.jsonl"
    odd_user = json.dumps(user("1", "org", public_metrics=[1, 2]))
    harvest.write_text("{" + odd.replace("USER", odd_user) + "}\n")
    table = load_snapshots([harvest], snapshot_at="2021-10-23T19:36:18Z", now=NOW)
    assert table["account_id"].tolist() == ["1"]
    assert table["followers"].isna().all()  # public_metrics of another type: not known
