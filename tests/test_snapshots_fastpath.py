"""The fast path (twarc2 pages read by msgspec into Arrow) and the parallel reading of
files give exactly the table, and the problems, of the exact path in one process."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
from pathlib import Path

import msgspec
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adoption.problems import DataError
from adoption.snapshots import (
    SnapshotWarning,
    import_snapshots,
    load_snapshots,
    repeats,
    workers,
)
from adoption.snapshots.api_formats import _parse_time
from adoption.snapshots.dataset import arrow_schema, partition_positions
from adoption.snapshots.fastpath import (
    DistinctKeys,
    Page,
    iso_microseconds,
    keys_proven_unique,
    keys_unique,
)
from adoption.snapshots.snapshot_table import conform
from adoption.snapshots.to_file import import_to_file

NOW = pd.Timestamp("2026-06-01", tz="UTC")
RETRIEVED = "2021-10-23T19:36:18+00:00"


def user(account_id: str, username: str, **fields: object) -> dict:
    return {"id": account_id, "username": username, "name": username.title(),
            "created_at": "2010-03-03T12:49:24.000Z",
            "public_metrics": {"followers_count": 10, "following_count": 3,
                               "tweet_count": 5, "listed_count": 0}, **fields}


def page(*users: dict, retrieved_at: str = RETRIEVED, **fields: object) -> str:
    return json.dumps({"data": list(users), "__twarc": {"retrieved_at": retrieved_at},
                       **fields})


def lines_of_every_kind() -> list[str]:
    """Lines the fast path takes and lines it leaves to the exact path, mixed."""
    plain = user("1", "plain")
    return [
        page(plain, user("2", "two")),  # fast
        page(user("3", "  spaced name "), user("4", "caf\u00e9", name="Caf\u00e9 \u2615")),
        page(user("5", "bare", public_metrics=None), user("6", "zero", verified=True,
                                                          created_at="")),
        page(user("7", "nulls", public_metrics={"followers_count": None, "tweet_count": 0})),
        page(user("8", "offset", created_at="2012-01-01T01:00:00+02:00"),
             retrieved_at="2021-10-23T19:36:18.5Z"),
        page(user("9", "synthetic"), __twarc={"retrieved_at": RETRIEVED, "synthetic": True}),
        json.dumps({"data": user("10", "single"), "__twarc": {"retrieved_at": RETRIEVED}}),
        json.dumps({"data": [{"id": "99", "text": "a tweet", "author_id": "11"}],
                    "includes": {"users": [user("11", "author")]},
                    "__twarc": {"retrieved_at": RETRIEVED}}),  # exact: a tweet in data
        page(user(12, "int_id_is_exact_only")),  # exact: an integer id
        page(user("13", "colon_escape", name="a\\u003ab")),  # exact: an escaped colon
        page(user("14", "weird_time", created_at="2010-03-03 12:49:24")),  # exact
        page(user("15", "verified_text", verified="yes")),  # exact: verified becomes missing
        page(user("16", "metrics_list", public_metrics=[])),  # exact: [] means no metrics
        json.dumps({"meta": {"result_count": 0}, "__twarc": {"retrieved_at": RETRIEVED}}),
        page(user("17", "tweetlike", text="hi"), user("18", "beside")),  # exact: not a user
        page(user("2", "two")),  # fast: a repeat of line 1's user, kept once
        page(user("19", "entities", entities={"url": {"urls": [{"start": 0, "end": 5}]}})),
    ]


@pytest.fixture
def mixed(tmp_path) -> list[Path]:
    first = tmp_path / "mixed.jsonl.gz"
    first.write_bytes(gzip.compress(("\ufeff" + "\n".join(lines_of_every_kind()) + "\n")
                                    .encode()))
    second = tmp_path / "later.jsonl"
    second.write_text(page(user("1", "plain_renamed"), retrieved_at="2021-11-23T19:36:18Z")
                      + "\n")
    return [first, second]


def test_fast_and_exact_paths_give_the_same_table(mixed):
    fast = load_snapshots(mixed, now=NOW)
    exact = load_snapshots(mixed, now=NOW, fast=False)
    pd.testing.assert_frame_equal(fast, exact)
    assert len(fast) == 19  # 18 accounts in the first file (one read twice), 1 in the second
    by_handle = fast.set_index("handle")
    assert by_handle.loc["  spaced name ", "name"] == "  Spaced Name "
    assert by_handle.loc["offset", "created_at"] == pd.Timestamp("2011-12-31T23:00:00Z")
    assert by_handle.loc["synthetic", "synthetic"]
    assert pd.isna(by_handle.loc["verified_text", "verified"])


def test_the_fast_path_takes_the_clean_lines_and_leaves_the_others(tmp_path, mixed):
    report = import_snapshots(mixed, tmp_path / "ds", now=NOW)
    counter = report.counter
    assert (counter.fast_lines, counter.exact_lines) == (10, 8)
    exact = import_snapshots(mixed, tmp_path / "exact", now=NOW, fast=False)
    assert (exact.counter.fast_lines, exact.counter.exact_lines) == (0, 18)
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "ds"], now=NOW),
                                  load_snapshots([tmp_path / "exact"], now=NOW))


def test_one_file_written_through_either_path_is_the_same(tmp_path, mixed):
    import_to_file(mixed, tmp_path / "fast.parquet", now=NOW)
    import_to_file(mixed, tmp_path / "exact.parquet", now=NOW, fast=False)
    assert (tmp_path / "fast.parquet").read_bytes() == (tmp_path / "exact.parquet").read_bytes()


def test_problems_are_the_same_either_way(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([
        page(user("1", "future"), retrieved_at="2030-01-01T00:00:00Z"),  # fast, then checked
        page(user("2", "negative", public_metrics={"followers_count": -4})),
        page(user("3", "late", created_at="2022-01-01T00:00:00Z")),  # after its snapshot
        page(user("4", "dup")).replace('"username": "dup"', '"username": "dup", "id": "5"'),
        page(user("6", "float_id")).replace('"id": "6"', '"id": 6.0'),
    ]) + "\n")
    with pytest.raises(DataError) as fast:
        load_snapshots([bad], now=NOW)
    with pytest.raises(DataError) as exact:
        load_snapshots([bad], now=NOW, fast=False)
    assert str(fast.value) == str(exact.value)
    assert len(fast.value.problems) == 6  # the five, and the bad-line count
    assert "the key 'id' appears twice" in str(fast.value)


def test_duplicate_keys_hidden_in_fields_the_import_skips_are_found(tmp_path):
    hidden = tmp_path / "hidden.jsonl"
    hidden.write_text(page(user("1", "org", entities="ENTITIES")).replace(
        '"ENTITIES"', '{"url": {"start": 0, "start": 1}}') + "\n")
    with pytest.raises(DataError, match=r"hidden.jsonl:1: .*the key 'start' appears twice"):
        load_snapshots([hidden], now=NOW)


@pytest.mark.parametrize(("line", "unique"), [
    (b'{"a": 1, "b": {"c": "x:y", "d": [1, {"e": 2}]}}', True),
    (b'{"a": 1, "b": {"c": 2, "c": 3}}', False),
    (b'{"a": [{"x": 1}, {"x": 1, "x": 2}]}', False),
    (b'{"a": "\\u003a", "a": 1}', False),  # an escaped colon: not counted, so refused
    (b'{"a": "t\\":", "b": 1}', True),
    (b'{"a" : 1 , "b" :2}', True),
    (b'{"a": NaN}', False),  # not strict JSON: the exact path judges it
])
def test_keys_unique(line, unique):
    assert keys_unique(line) is unique


# Repeated keys where the count of the typed page's keys might miss them: in an
# object the types declare, in one they read as any JSON, in one they skip, beside
# an explicit null (which the typed page does not write back), inside strings.
REPEATS = [
    '{"data": [{"id": "1", "username": "a", "id": "2"}], "__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "public_metrics": {"tweet_count": 1, '
    '"tweet_count": 2}}], "__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a"}], "__twarc": {"retrieved_at": "R", '
    '"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a"}], "data": [], "__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "entities": {"url": {"x": 1, "x": 1}}}], '
    '"__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "unread": {"x": 1, "x": 1}}], '
    '"__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "unread": 1, "unread": 2}], '
    '"__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "name": null, "name": "b:c"}], '
    '"__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a:b", "username": "a"}], '
    '"__twarc": {"retrieved_at": "R", "url": "http://x"}}',
    '{"data": [{"id": "1", "username": "a", "verified": null}, {"id": "2", "username": "b", '
    '"id": "2"}], "__twarc": {"retrieved_at": "R"}}',
    '{"data": [{"id": "1", "username": "a", "description": "x:\\u003a", "name": "n", '
    '"name": "n"}], "__twarc": {"retrieved_at": "R"}}',
]


@pytest.mark.parametrize("line", REPEATS)
def test_a_repeated_key_is_never_proven_unique(line):
    raw = line.encode()
    assert not keys_unique(raw)
    assert not keys_proven_unique(msgspec.json.decode(raw, type=Page), raw)


_TEXT = st.text(alphabet='ab:"\\\n\u00e9', max_size=4)
_KEYS = st.sampled_from(["url", "entities", "description", "unread", "a:b", "id"])
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(0, 10**6), _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.lists(st.tuples(_KEYS, inner), max_size=4)),
    max_leaves=8)
# Members a user may have, of the types the fast path declares for them (so that
# most pages are read, and the count is what decides), or of any JSON.
_MEMBERS = st.one_of(
    st.tuples(st.sampled_from(["id", "username", "name"]), st.one_of(st.none(), _TEXT)),
    st.tuples(st.just("verified"), st.one_of(st.none(), st.booleans())),
    st.tuples(st.just("public_metrics"), st.lists(st.tuples(
        st.sampled_from(["followers_count", "tweet_count", "unread"]),
        st.one_of(st.none(), st.integers(0, 10**6))), max_size=4)),
    st.tuples(_KEYS, _VALUES))


def _written(value: object) -> str:
    """JSON of a value where lists of pairs are objects, pairs repeated as they are."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return "{" + ", ".join(f"{json.dumps(k)}: {_written(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    return json.dumps(value)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_MEMBERS, max_size=6), min_size=1, max_size=3),
       st.lists(st.tuples(st.sampled_from(["retrieved_at", "url", "version"]),
                          st.just("2021-10-23T19:36:18Z")), min_size=1, max_size=3))
def test_the_typed_count_agrees_with_reading_the_line_again(users, twarc):
    """Wherever the typed reading takes a line, proving its keys unique from the typed
    page gives `keys_unique`'s answer (pages made with keys repeated at random)."""
    members = [[("id", "1"), ("username", "u:v"), *fields] for fields in users]
    line = ('{"data": ' + _written(members)
            + ', "__twarc": ' + _written(twarc) + "}")
    raw = line.encode()
    try:
        decoded = msgspec.json.decode(raw, type=Page)
    except msgspec.DecodeError:
        return  # the exact path reads it: nothing to prove
    assert keys_proven_unique(decoded, raw) is keys_unique(raw), line


def test_ids_of_other_digits_go_to_the_exact_path(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text("\n".join([
        page(user("\u0661\u0662", "arabic_indic")),  # digits to str.isdigit, not to the API
        page(user("\u00b2", "superscript"), user("3", "beside")),
        page(user("", "empty"), user("4", "beside")),
        page(user("12a", "letter")),
        page(user("5", "plain")),
    ]) + "\n")
    with pytest.raises(DataError) as fast:
        load_snapshots([path], now=NOW)
    with pytest.raises(DataError) as exact:
        load_snapshots([path], now=NOW, fast=False)
    assert str(fast.value) == str(exact.value)
    assert [p.line for p in fast.value.problems] == [1, 2, 3, 4]
    assert "'\u0661\u0662' is not a Twitter id (digits only)" in str(fast.value)


def test_a_batch_is_split_at_a_month_boundary_in_utc():
    def batch(times: list[str], platforms: list[str]) -> dict:
        frame = conform(pd.DataFrame({"platform": platforms, "account_id": "1",
                                      "snapshot_at": pd.to_datetime(times, utc=True,
                                                                   format="ISO8601")}))
        table = pa.Table.from_pandas(frame, schema=arrow_schema(), preserve_index=False)
        return {name: list(rows) for name, rows in partition_positions(table).items()}

    end, start = "2013-01-31T23:59:59.999999Z", "2013-02-01T00:00:00Z"
    assert batch([end, end], ["twitter"] * 2) == {"platform=twitter/month=2013-01": [0, 1]}
    assert batch([end, start, end], ["twitter"] * 3) == {
        "platform=twitter/month=2013-01": [0, 2], "platform=twitter/month=2013-02": [1]}
    assert batch(["2013-02-01T00:30:00+01:00", end], ["twitter"] * 2) == {
        "platform=twitter/month=2013-01": [0, 1]}
    assert batch([end, end], ["twitter", "mastodon"]) == {
        "platform=mastodon/month=2013-01": [1], "platform=twitter/month=2013-01": [0]}


def test_files_read_by_several_processes_give_the_same_dataset(tmp_path):
    files = []
    for day in range(6):
        path = tmp_path / f"day{day}.jsonl"
        stamp = f"2021-10-{day + 10:02d}T12:00:00Z"
        path.write_text(page(*[user(str(n), f"u{n}") for n in range(day, day + 5)],
                             retrieved_at=stamp) + "\n" + page(user("2", "u2"),
                                                               retrieved_at=stamp) + "\n")
        files.append(path)
    (tmp_path / "empty.json").write_text("[]")
    files.insert(3, tmp_path / "empty.json")
    with pytest.warns(SnapshotWarning, match="empty.json: holds an empty page"):
        one = import_snapshots(files, tmp_path / "one", now=NOW, workers=1)
    with pytest.warns(SnapshotWarning, match="empty.json: holds an empty page"):
        three = import_snapshots(files, tmp_path / "three", now=NOW, workers=3)
    assert (one.rows_added, one.repeats) == (three.rows_added, three.repeats) == (33, 3)
    assert [f.rows for f in one.imported] == [f.rows for f in three.imported]
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "one"], now=NOW),
                                  load_snapshots([tmp_path / "three"], now=NOW))


@pytest.fixture
def started_workers(monkeypatch) -> list[subprocess.Popen]:
    """The import workers started, recorded."""
    started = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(workers.subprocess, "Popen", Recorded)
    return started


def test_every_worker_has_ended_when_the_import_returns(tmp_path, started_workers):
    # Workers are started before the files are hashed, told to stop when their last
    # chunk is read, and waited for once the end checks are done: none may outlive
    # the import, and none is started twice.
    started = started_workers
    files = []
    for day in range(4):
        path = tmp_path / f"day{day}.jsonl"
        path.write_text(page(*[user(str(n), f"u{n}") for n in range(day, day + 3)],
                             retrieved_at=f"2021-10-{day + 10:02d}T12:00:00Z") + "\n")
        files.append(path)
    report = import_snapshots(files, tmp_path / "ds", now=NOW, workers=3)
    assert report.rows_added == 12
    assert len(started) == 2
    assert [worker.returncode for worker in started] == [0, 0]


def test_distinct_keys_hold_only_for_distinct_times_and_users_and_every_row():
    keys = DistinctKeys()
    keys.add_line(1, ["1", "2"])
    keys.add_line(2, ["1", "2"])  # the same users at another time: other snapshots
    assert keys.covers(4)
    assert not keys.covers(5)  # a row the lines do not account for (the exact path's)
    assert len(keys.runs) == 1  # rising times are held as one run
    twice = DistinctKeys()
    twice.add_line(1, ["1", "2", "1"])
    assert not twice.covers(3)
    same_time = DistinctKeys()
    same_time.add_line(1, ["1"])
    same_time.add_line(1, ["2"])
    assert not same_time.covers(2)
    back_in_time = DistinctKeys()  # times that fall back, to one seen before
    for time in (1, 3, 2, 3):
        back_in_time.add_line(time, ["1"])
    assert not back_in_time.covers(4)
    falling = DistinctKeys()  # times that fall back, all distinct
    for time in (5, 6, 1, 2):
        falling.add_line(time, ["1"])
    assert falling.covers(4)


def test_distinct_keys_of_several_readers_hold_when_their_times_do_not_meet():
    def read(*times: int) -> DistinctKeys:
        keys = DistinctKeys()
        for time in times:
            keys.add_line(time, ["1", "2"])
        return keys

    merged = read(1, 2)
    merged.add(read(3, 4))
    assert merged.covers(8)
    merged.add(read(2))  # a time the first reader saw
    assert not merged.covers(10)
    within = read(1, 5)
    within.add(read(3))  # inside another reader's run
    assert not within.covers(6)
    twice = read(1)
    other = DistinctKeys()
    other.add_line(7, ["3", "3"])
    twice.add(other)  # a reader that saw a user twice in a line
    assert not twice.covers(4)


def _day(path: Path, day: int, accounts: range) -> Path:
    path.write_text(page(*[user(str(n), f"u{n}") for n in accounts],
                         retrieved_at=f"2021-10-{day:02d}T12:00:00Z") + "\n")
    return path


@pytest.fixture
def duckdb_checks(monkeypatch) -> list[Path]:
    """The check for repeated reads, counted each time it asks DuckDB."""
    asked = []
    connect = repeats.connect

    def counted(**options):
        asked.append(options["temp_directory"])
        return connect(**options)

    monkeypatch.setattr(repeats, "connect", counted)
    return asked


@pytest.mark.parametrize("workers", [1, 2])
def test_an_import_proven_free_of_repeats_while_read_is_not_checked_again(
        tmp_path, duckdb_checks, workers):
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(day, day + 4))
             for day in range(10, 14)]
    report = import_snapshots(files, tmp_path / "ds", now=NOW, workers=workers)
    assert (report.rows_added, report.repeats) == (16, 0)
    assert duckdb_checks == []
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "ds"], now=NOW),
                                  load_snapshots(files, now=NOW))


def _same_day_in_two_files(tmp_path: Path) -> list[Path]:
    return [_day(tmp_path / "a.jsonl", 10, range(1, 4)),
            _day(tmp_path / "b.jsonl", 11, range(1, 4)),
            _day(tmp_path / "c.jsonl", 10, range(3, 0, -1))]  # day 10 again, other bytes


def _a_user_twice_in_a_page(tmp_path: Path) -> list[Path]:
    path = tmp_path / "a.jsonl"
    path.write_text(page(user("1", "u1"), user("2", "u2"), user("1", "u1")) + "\n")
    return [path, _day(tmp_path / "b.jsonl", 11, range(1, 4))]


def _two_pages_of_one_time(tmp_path: Path) -> list[Path]:
    path = tmp_path / "a.jsonl"  # other users: no repeat, but only DuckDB can tell
    path.write_text(page(user("1", "u1")) + "\n" + page(user("2", "u2")) + "\n")
    return [path]


def _a_line_of_the_exact_path(tmp_path: Path) -> list[Path]:
    path = tmp_path / "a.jsonl"  # the same user as Twitter API v1.1 gives it, same time
    path.write_text(page(user("1", "u1")) + "\n" + json.dumps(
        {"id_str": "1", "screen_name": "u1", "followers_count": 10,
         "created_at": "Wed Mar 03 12:49:24 +0000 2010"}) + "\n")
    return [path]


@pytest.mark.parametrize("files, expected", [
    (_same_day_in_two_files, (6, 3)), (_a_user_twice_in_a_page, (5, 1)),
    (_two_pages_of_one_time, (2, 0)), (_a_line_of_the_exact_path, (1, 1))])
def test_what_the_reading_cannot_rule_out_is_checked_by_duckdb(
        tmp_path, duckdb_checks, files, expected):
    paths = files(tmp_path)
    options = {"now": NOW, "snapshot_at": RETRIEVED}  # the v1.1 line's time
    report = import_snapshots(paths, tmp_path / "ds", workers=len(paths), **options)
    assert (report.rows_added, report.repeats) == expected
    assert len(duckdb_checks) == 1
    pd.testing.assert_frame_equal(load_snapshots([tmp_path / "ds"], now=NOW),
                                  load_snapshots(paths, **options))


def test_workers_started_for_files_already_imported_are_ended_at_once(
        tmp_path, started_workers):
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11, 12)]
    import_snapshots(files, tmp_path / "ds", now=NOW, workers=2)
    assert [worker.returncode for worker in started_workers] == [0]
    again = import_snapshots(files, tmp_path / "ds", now=NOW, workers=2)
    assert again.rows_added == 0 and len(again.skipped) == 3
    # Killed, not waited for while it loads its libraries for nothing.
    assert [worker.returncode for worker in started_workers] == [0, -signal.SIGKILL]


def test_no_worker_is_started_for_files_that_are_not_there(tmp_path, started_workers):
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11)]
    files.append(tmp_path / "missing.jsonl")
    with pytest.raises(DataError, match=r"missing\.jsonl: file not found"):
        import_snapshots(files, tmp_path / "ds", now=NOW, workers=2)
    assert started_workers == []


# Run as a command: each worker started is printed with whether pandas was loaded
# in the command's process by then, and once the command is done, how it ended.
_COMMAND_WATCHED = """
import sys
from adoption.cli import main
from adoption.snapshots import workers
start = workers.Worker.__init__
started = []
def watched(self):
    print("worker started, pandas loaded:", "pandas" in sys.modules)
    start(self)
    started.append(self.process)
workers.Worker.__init__ = watched
code = main(sys.argv[1:])
for process in started:
    print("worker ended with", process.wait())
sys.exit(code)
"""


def _import_command(*arguments: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _COMMAND_WATCHED, "snapshots", "import",
                           *map(str, arguments), "--jobs", "2"],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("target", ["--dataset", "-o"])
def test_the_import_command_starts_its_worker_before_it_loads_pandas(tmp_path, target):
    # The worker loads pandas and pyarrow (half a second) while the command does.
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11)]
    out = tmp_path / ("ds" if target == "--dataset" else "table.parquet")
    done = _import_command(*files, target, out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "worker started, pandas loaded: False"
    assert done.stdout.count("worker started") == 1
    assert done.stdout.splitlines()[-1] == "worker ended with 0"
    assert len(load_snapshots([out], now=NOW)) == 6


def test_a_worker_started_by_the_command_is_ended_when_the_import_fails_early(tmp_path):
    # The sector map is read before the import's own care for its workers begins.
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11)]
    done = _import_command(*files, "--dataset", tmp_path / "ds",
                           "--sector-map", tmp_path / "missing.csv")
    assert done.returncode == 1
    assert "missing.csv" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == ["worker started, pandas loaded: False",
                                        f"worker ended with {-signal.SIGKILL}"]


def test_the_import_command_starts_no_worker_for_a_file_that_is_not_there(tmp_path):
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11)]
    done = _import_command(*files, tmp_path / "missing.jsonl", "--dataset", tmp_path / "ds")
    assert done.returncode == 1
    assert "missing.jsonl: file not found" in done.stderr
    assert "Traceback" not in done.stderr
    assert "worker started" not in done.stdout
    assert not (tmp_path / "ds").exists()


def test_workers_are_started_ahead_only_for_files_that_are_all_there(tmp_path):
    files = [_day(tmp_path / f"day{day}.jsonl", day, range(3)) for day in (10, 11)]
    assert workers.start_ahead([*files, tmp_path / "missing.jsonl"], 2) is None
    assert workers.start_ahead([*files, tmp_path], 2) is None  # a folder: a dataset's parts
    assert workers.start_ahead(files, 1) == []  # one process: this one
    started = workers.start_ahead(files, 2)
    assert len(started) == 1
    workers.stop_unused(started)
    assert started == []


def test_problems_found_by_several_processes_are_listed_in_file_order(tmp_path):
    files = []
    for day in range(4):
        path = tmp_path / f"bad{day}.jsonl"
        path.write_text(page(user(str(day), "u", public_metrics={"tweet_count": -day - 1}))
                        + "\n")
        files.append(path)
    with pytest.raises(DataError) as one:
        import_snapshots(files, tmp_path / "one", now=NOW, workers=1)
    with pytest.raises(DataError) as two:
        import_snapshots(files, tmp_path / "two", now=NOW, workers=2)
    assert str(one.value) == str(two.value)
    assert [p.file for p in two.value.problems] == [str(f) for f in files]
    assert not (tmp_path / "two").exists()


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.tuples(
    st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
    st.integers(0, 61), st.integers(0, 61),
    st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=6)),
    st.one_of(st.just("Z"), st.tuples(st.sampled_from("+-"), st.integers(0, 25),
                                      st.integers(0, 61)))))
def test_iso_times_read_as_pandas_reads_them(parts):
    year, month, day, hour, minute, second, fraction, zone = parts
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    text += f".{fraction}" if fraction else ""
    text += zone if zone == "Z" else f"{zone[0]}{zone[1]:02d}:{zone[2]:02d}"
    fast = iso_microseconds(text)
    stamp = _parse_time(text, "ISO8601")
    if fast is not None:
        assert stamp is not None
        assert fast == int(stamp.as_unit("us").asm8.view("i8")), text
    elif stamp is not None:  # refused here, read by pandas: only where pandas is lenient
        assert hour > 23 or minute > 59 or second > 59 or (
            zone != "Z" and (zone[1] > 23 or zone[2] > 59)), text
