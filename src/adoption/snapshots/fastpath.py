"""The fast path: twarc2 pages of well-formed users, straight into Arrow columns.

A research group's archive is mostly one shape, millions of times over: JSON
Lines of Twitter API v2 / twarc2 pages, `{"data": [users...], "__twarc":
{"retrieved_at": ...}}`, with ids, handles, counters and dates as the API
writes them. The exact path (`jsonfile.parse_json`, `api_formats.to_row`, pandas)
looks at each value of each line in Python, which is most of an import's
cost. `Batch.take_line` reads such a line with msgspec, a strict JSON reader
written in C, into the typed objects below (`Page`, `User`, `Metrics`), whose
declarations are the rules: what does not fit them is refused in C, and the
users' fields become Arrow columns with no pandas in between.

The fast path takes a line only when the exact path would read it the same way
and find nothing wrong in it. Every other line it leaves to the exact path,
which reads it and reports what is wrong with the usual messages. So it never
gives another answer, only the same one sooner. A line is taken only if

- msgspec reads it: JSON as RFC 8259 defines it, which Python's reader also
  accepts and reads to the same values (msgspec refuses NaN, Infinity, lone
  surrogates, deep nesting, which the exact path then judges);
- no key is written twice in one object (`keys_proven_unique`: from the typed
  page, without reading the line again, unless the line holds a key the types
  do not declare or an explicit null; then `keys_unique` reads it untyped);
- it is a twarc2 page (`__twarc` with a `retrieved_at`) that is no account
  object itself, with at least one user in `data` or `includes.users`, and
  nothing else there (a tweet in `data` leaves the line to the exact path);
- each user's id is a string of the digits 0-9, its handle and name strings (or null),
  its creation date absent, empty or an ISO 8601 time (`iso_microseconds`),
  `verified` a boolean or null, `public_metrics` an object of whole counts
  from 0 to 2^63 - 1 (or absent, or null); and it has none of the keys that
  make `api_formats.account_format` call it something else (`text`, `acct`,
  `screen_name`, `did`, `handle`).

`tests/test_snapshots_fastpath.py` reads the same archives both ways, lines
the fast path takes and lines it leaves, and compares the tables.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from pathlib import Path
from typing import Annotated, Any

import msgspec
import numpy as np
import pyarrow as pa

from adoption.snapshots.api_formats import LARGEST_COUNT
from adoption.snapshots.dataset import arrow_schema
from adoption.snapshots.snapshot_table import DTYPES, UNKNOWN, conform

Count = Annotated[int, msgspec.Meta(ge=0, le=LARGEST_COUNT)]
# No value satisfies both bounds: a key of this type must be absent.
Absent = Annotated[str, msgspec.Meta(min_length=1, max_length=0)]
UNSET: Any = msgspec.UNSET


# The types below are declared with `omit_defaults=True`, so that encoding a page
# again writes exactly the keys the line had (see `keys_proven_unique`), and with
# `gc=False`: decoded JSON holds no reference cycle, and a million objects the
# garbage collector need not track make the decoding about twice as fast.
class Metrics(msgspec.Struct, omit_defaults=True, gc=False):
    followers_count: Count | None = None
    following_count: Count | None = None
    tweet_count: Count | None = None
    listed_count: Count | None = None


class User(msgspec.Struct, omit_defaults=True, gc=False):
    """A Twitter API v2 user object, as `formats` reads it without a word."""

    id: str  # of digits only, which `Batch.take_line` checks for a whole page at once
    username: str | None  # required: `api_formats.account_format` looks for the key
    name: str | None = None
    created_at: str | None = None
    verified: bool | None = None
    public_metrics: Metrics | None = None
    text: Absent | msgspec.UnsetType = UNSET  # a tweet
    acct: Absent | msgspec.UnsetType = UNSET  # a Mastodon account
    screen_name: Absent | msgspec.UnsetType = UNSET  # a Twitter API v1.1 user
    did: Absent | msgspec.UnsetType = UNSET  # a Bluesky profile
    handle: Absent | msgspec.UnsetType = UNSET
    # The other user.fields of API v2, which the import does not read: declared
    # (as any JSON) only so that `keys_proven_unique` sees their keys.
    affiliation: Any = UNSET
    connection_status: Any = UNSET
    description: Any = UNSET
    entities: Any = UNSET
    location: Any = UNSET
    most_recent_tweet_id: Any = UNSET
    pinned_tweet_id: Any = UNSET
    profile_banner_url: Any = UNSET
    profile_image_url: Any = UNSET
    protected: Any = UNSET
    receives_your_dm: Any = UNSET
    subscription_type: Any = UNSET
    url: Any = UNSET
    verified_type: Any = UNSET
    withheld: Any = UNSET


class Twarc(msgspec.Struct, omit_defaults=True, gc=False):
    retrieved_at: str
    synthetic: Any = None  # `adoption synth` writes true
    url: Any = UNSET  # what twarc writes beside, unread
    version: Any = UNSET


class Includes(msgspec.Struct, omit_defaults=True, gc=False):
    users: list[User] | None = None
    tweets: Any = UNSET  # expansions the import does not read (pinned tweets...)
    places: Any = UNSET
    media: Any = UNSET
    polls: Any = UNSET


class Page(msgspec.Struct, rename={"twarc": "__twarc"}, omit_defaults=True, gc=False):
    """A twarc2 page, which is no account object itself."""

    twarc: Twarc
    data: list[User] | User | None = None
    includes: Includes | None = None
    username: Absent | msgspec.UnsetType = UNSET
    acct: Absent | msgspec.UnsetType = UNSET
    did: Absent | msgspec.UnsetType = UNSET
    screen_name: Absent | msgspec.UnsetType = UNSET
    errors: Any = UNSET  # users the API could not return, unread
    meta: Any = UNSET


_PAGE = msgspec.json.Decoder(Page)
_ANY = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()

# ISO 8601 as the APIs and twarc write it, to the microsecond at most.
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)")
EPOCH_DAY = datetime.date(1970, 1, 1).toordinal()


def keys_unique(raw: bytes) -> bool:
    """True when no object in the line has a key twice (JSON readers in C keep the
    last silently), and the line is strict JSON.

    Each key is followed by one colon; every other colon of a line is inside a
    string. msgspec writes the line back with each key once and every string as
    it was read, so a line with a repeated key has more colons than what msgspec
    writes. A colon written as an escape (\\u003a) would hide from the count:
    such lines are left to the exact path.
    """
    if b"\\u003" in raw:
        return False
    try:
        value = _ANY.decode(raw)
    except msgspec.DecodeError:
        return False
    return raw.count(b":") == _ENCODER.encode(value).count(b":")


def keys_proven_unique(page: Page, raw: bytes) -> bool:
    """`keys_unique(raw)` for a line already read into `page`, mostly without reading
    the line a second time.

    Encoding `page` again writes one key for each field that holds something
    other than its default, and every string as it was read (those of the
    fields declared `Any` included, with their objects' keys once each). Each of
    those keys and strings stands for one of the line's, so the encoding has at
    most the line's colons, and exactly as many only when every key of the line
    was written back: none repeated, none unknown to the types (skipped by
    msgspec, unseen), none holding its default (an explicit null). Equal counts
    prove the keys unique; otherwise (a key the types do not declare, a null) the
    line is read again untyped, as `keys_unique` does.
    """
    if b"\\u003" in raw:
        return False
    if _ENCODER.encode(page).count(b":") == raw.count(b":"):
        return True
    return keys_unique(raw)


@functools.lru_cache(maxsize=1 << 12)  # a page's retrieval time, for its users
def iso_microseconds(text: str) -> int | None:
    """Microseconds since 1970 (UTC) of a time such as 2010-03-03T12:49:24.000Z or
    2021-10-23T19:36:18+00:00; None for anything else, or an impossible date or
    time (which the exact path then judges). The same instant as
    `api_formats._parse_time` gives (a test compares them), without pandas."""
    if not ISO_TIME.fullmatch(text):
        return None
    try:
        day = datetime.date(int(text[:4]), int(text[5:7]), int(text[8:10])).toordinal()
    except ValueError:
        return None
    hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
    fraction, zone = (text[19:-1], "") if text.endswith("Z") else (text[19:-6], text[-6:])
    offset = 0
    if zone:
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 3600 + zone_minutes * 60) * (1 if zone[0] == "+" else -1)
    if hour > 23 or minute > 59 or second > 59:
        return None
    seconds = (day - EPOCH_DAY) * 86400 + hour * 3600 + minute * 60 + second - offset
    return seconds * 1_000_000 + (int(fraction[1:].ljust(6, "0")) if fraction else 0)


UNREADABLE: Any = object()  # a creation date that is no ISO 8601 time


@functools.lru_cache(maxsize=1 << 16)  # an archive repeats each creation date daily
def creation_microseconds(text: str | None) -> int | None:
    """A user's `created_at`: None when absent or empty (unknown), UNREADABLE when it
    is no time `iso_microseconds` reads (the exact path then judges it)."""
    if text is None or text == "":
        return None
    stamp = iso_microseconds(text)
    return UNREADABLE if stamp is None else stamp


class DistinctKeys:
    """What proves, while the files are read, that no snapshot (platform, account,
    time) was read twice, so that the import need not ask DuckDB at the end
    (`repeats.settle_repeats`).

    A line the fast path takes gives all its users one time, the page's retrieval
    (and one platform). So when no two lines share a time and no line names a user
    twice, no key was read twice. Times are held as runs of rising times (a
    harvest's pages are retrieved one after another, its days in order: one run
    for a whole archive read in order), so what is held does not grow with the
    rows; runs of other files or processes must not overlap. `rows` counts the rows
    of the lines: the proof is for all of an import's rows only when it counts them
    all (`covers`); rows of the exact path are not counted, so an import with any
    is checked by DuckDB.
    """

    def __init__(self) -> None:
        self.runs: list[list[int]] = []  # [first, last] times (microseconds) of each run
        self.rows = 0
        self.repeated_user = False  # a user twice in one line

    def add_line(self, time: int, ids: list[str]) -> None:
        if len(set(ids)) != len(ids):
            self.repeated_user = True
        if self.runs and time > self.runs[-1][1]:
            self.runs[-1][1] = time
        else:
            self.runs.append([time, time])
        self.rows += len(ids)

    def add(self, other: DistinctKeys) -> None:
        """Another reader's lines (a worker's), as if read here."""
        self.runs += other.runs
        self.rows += other.rows
        self.repeated_user = self.repeated_user or other.repeated_user

    def covers(self, rows: int) -> bool:
        """Whether these `rows` (all the import read) are proven read once each."""
        if self.repeated_user or self.rows != rows:
            return False
        runs = sorted(self.runs)
        return all(later[0] > earlier[1] for earlier, later in itertools.pairwise(runs))


class Batch:
    """Rows of one batch, in the order read: those of the lines the fast path took, as
    Arrow columns, and those the exact path made (dicts, `api_formats.to_row`). The
    lines taken are told to `keys` (`DistinctKeys`)."""

    def __init__(self, path: Path, keys: DistinctKeys | None = None):
        self.path = path
        self.keys = keys if keys is not None else DistinctKeys()
        self.source = str(path)
        self.rows = 0
        self._segments: list[pa.Table] = []
        self._exact: list[dict] = []
        self._fast = _FastRows()

    def __len__(self) -> int:
        return self.rows

    # --- the fast path ---

    def take_line(self, raw: bytes, line: int) -> bool:
        """Append the line's users when the fast path can read it; False otherwise
        (nothing appended: the exact path reads the line)."""
        try:
            page = _PAGE.decode(raw)
        except msgspec.DecodeError:  # ValidationError too: not the shape above
            return False
        snapshot_at = iso_microseconds(page.twarc.retrieved_at)
        users, pointers = _users(page)
        if snapshot_at is None or not users:
            return False
        ids = [user.id for user in users]
        digits = "".join(ids)  # checked at once: msgspec's pattern would call `re` per id
        if not (digits.isascii() and digits.isdigit() and all(ids)):
            return False  # an id that is no string of digits 0-9 (or an empty one)
        created = list(map(creation_microseconds, [user.created_at for user in users]))
        if UNREADABLE in created:
            return False  # a creation date for the exact path to judge
        if not keys_proven_unique(page, raw):
            return False
        self._seal_exact()
        self.keys.add_line(snapshot_at, ids)
        fast = self._fast
        fast.users += users
        fast.ids += ids
        fast.created += created
        fast.pointers.append(pointers)
        fast.snapshot_at.append(snapshot_at)
        fast.synthetic.append(page.twarc.synthetic is True)
        fast.lines.append(line)
        fast.counts.append(len(users))
        self.rows += len(users)
        return True

    # --- the exact path's rows ---

    def add_row(self, row: dict) -> None:
        """A row made by `api_formats.to_row` (or any row of the table's columns)."""
        self._seal_fast()
        self._exact.append(row)
        self.rows += 1

    # --- the batch as a table ---

    def take(self, limit: int) -> pa.Table:
        """The first `limit` rows (at most), in the table's Arrow schema; the others stay."""
        self._seal_fast()
        self._seal_exact()
        segments = self._segments
        table = (segments[0] if len(segments) == 1  # the usual case: all from one path
                 else pa.concat_tables(segments) if segments else _empty_table())
        head, rest = table.slice(0, limit), table.slice(limit)
        self._segments = [rest] if rest.num_rows else []
        self.rows = rest.num_rows
        return head

    def _seal_fast(self) -> None:
        fast = self._fast
        if not fast.users:
            return
        self._segments.append(fast.table(self.source))
        self._fast = _FastRows()

    def _seal_exact(self) -> None:
        if not self._exact:
            return
        # Deferred: pandas only when this runs.
        import pandas as pd

        frame = conform(pd.DataFrame(self._exact))
        self._segments.append(pa.Table.from_pandas(frame, schema=_schema(),
                                                   preserve_index=False))
        self._exact = []


_NO_METRICS = Metrics()


class _FastRows:
    """The lines the fast path took since the last segment: their users, and what
    each line gives all its users (its time, number, pointers), once a line."""

    def __init__(self) -> None:
        self.users: list[User] = []
        self.ids: list[str] = []
        self.created: list[int | None] = []  # microseconds, per user
        self.pointers: list[pa.Array] = []  # per line, `_pointers`
        self.snapshot_at: list[int] = []  # per line, as are the three below
        self.synthetic: list[bool] = []
        self.lines: list[int] = []
        self.counts: list[int] = []  # users of each line

    def table(self, source: str) -> pa.Table:
        """The rows as a table in the dataset's schema. Values that are the same for a
        whole line (or batch) are repeated in Arrow, not in Python lists."""
        users, counts = self.users, np.array(self.counts, np.int64)
        count = len(users)
        metrics = [user.public_metrics or _NO_METRICS for user in users]
        per_line = functools.partial(np.repeat, repeats=counts)
        text = pa.large_string()
        arrays = {
            "platform": pa.repeat(pa.scalar("twitter", text), count),
            "account_id": pa.array(self.ids, text),
            "handle": pa.array([user.username for user in users], text),
            "name": pa.array([user.name for user in users], text),
            "sector": pa.repeat(pa.scalar(UNKNOWN, text), count),
            "org_id": pa.nulls(count, text),
            "org_name": pa.nulls(count, text),
            "snapshot_at": pa.array(per_line(np.array(self.snapshot_at, np.int64))
                                    ).cast(_TIME),
            "created_at": pa.array(self.created, pa.int64()).cast(_TIME),
            "followers": pa.array([m.followers_count for m in metrics], pa.int64()),
            "following": pa.array([m.following_count for m in metrics], pa.int64()),
            "posts": pa.array([m.tweet_count for m in metrics], pa.int64()),
            "listed": pa.array([m.listed_count for m in metrics], pa.int64()),
            "verified": pa.array([user.verified for user in users], pa.bool_()),
            "synthetic": pa.array(per_line(np.array(self.synthetic, np.bool_))),
            "source_file": pa.repeat(pa.scalar(source, text), count),
            "source_line": pa.array(per_line(np.array(self.lines, np.int64))),
            "source_pointer": pa.concat_arrays(self.pointers),
        }
        return pa.Table.from_arrays([arrays[name] for name in DTYPES], schema=_schema())


_TIME = pa.timestamp("us", tz="UTC")


@functools.cache
def _schema() -> pa.Schema:
    """`dataset.arrow_schema`, made once (it is asked of pandas)."""
    return arrow_schema()


def _users(page: Page) -> tuple[list[User], pa.Array]:
    """The users of a page where `formats` finds them, and their JSON pointers."""
    data, includes = page.data, page.includes
    if isinstance(data, User):
        users, pointers = [data], _ONE_USER
    else:
        users = data or []
        pointers = _pointers("data", len(users))
    if includes is not None and includes.users:
        users = users + includes.users
        pointers = pa.concat_arrays([pointers, _pointers("includes/users",
                                                         len(includes.users))])
    return users, pointers


_ONE_USER = pa.array(["#/data"], pa.large_string())  # `data` holds one user, no list


@functools.lru_cache(maxsize=64)
def _pointers(where: str, count: int) -> pa.Array:
    """['#/data/0', '#/data/1', ...], made once per length (pages repeat them)."""
    return pa.array([f"#/{where}/{index}" for index in range(count)], pa.large_string())


def _empty_table() -> pa.Table:
    return _schema().empty_table()
