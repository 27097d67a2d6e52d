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
- no key is written twice in one object (`keys_unique`);
- it is a twarc2 page (`__twarc` with a `retrieved_at`) that is no account
  object itself, with at least one user in `data` or `includes.users`, and
  nothing else there (a tweet in `data` leaves the line to the exact path);
- each user's id is a string of digits, its handle and name strings (or null),
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
import re
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pyarrow as pa

from adoption.snapshots.api_formats import LARGEST_COUNT
from adoption.snapshots.dataset import arrow_schema
from adoption.snapshots.snapshot_table import DTYPES, UNKNOWN, conform

Count = Annotated[int, msgspec.Meta(ge=0, le=LARGEST_COUNT)]
Digits = Annotated[str, msgspec.Meta(pattern=r"^[0-9]+\Z")]  # a Twitter id
# No value satisfies both bounds: a key of this type must be absent.
Absent = Annotated[str, msgspec.Meta(min_length=1, max_length=0)]
UNSET: Any = msgspec.UNSET


class Metrics(msgspec.Struct):
    followers_count: Count | None = None
    following_count: Count | None = None
    tweet_count: Count | None = None
    listed_count: Count | None = None


class User(msgspec.Struct):
    """A Twitter API v2 user object, as `formats` reads it without a word."""

    id: Digits
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


class Twarc(msgspec.Struct):
    retrieved_at: str
    synthetic: Any = None  # `adoption synth` writes true


class Includes(msgspec.Struct):
    users: list[User] | None = None


class Page(msgspec.Struct, rename={"twarc": "__twarc"}):
    """A twarc2 page, which is no account object itself."""

    twarc: Twarc
    data: list[User] | User | None = None
    includes: Includes | None = None
    username: Absent | msgspec.UnsetType = UNSET
    acct: Absent | msgspec.UnsetType = UNSET
    did: Absent | msgspec.UnsetType = UNSET
    screen_name: Absent | msgspec.UnsetType = UNSET


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


@functools.lru_cache(maxsize=1 << 16)  # an archive repeats each creation date daily
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


class Batch:
    """Rows of one batch, in the order read: those of the lines the fast path took, as
    Arrow columns, and those the exact path made (dicts, `api_formats.to_row`)."""

    def __init__(self, path: Path):
        self.path = path
        self.source = str(path)
        self.rows = 0
        self._segments: list[pa.Table] = []
        self._exact: list[dict] = []
        self._columns: dict[str, list] = _empty_columns()

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
        texts = [user.created_at for user in users]
        created = [None if text is None or text == "" else iso_microseconds(text)
                   for text in texts]
        if None in created and any(stamp is None and text
                                   for stamp, text in zip(created, texts, strict=True)):
            return False  # a creation date for the exact path to judge
        if not keys_unique(raw):
            return False
        self._seal_exact()
        count = len(users)
        metrics = [user.public_metrics or _NO_METRICS for user in users]
        columns = self._columns
        columns["account_id"] += [user.id for user in users]
        columns["handle"] += [user.username for user in users]
        columns["name"] += [user.name for user in users]
        columns["created_at"] += created
        columns["verified"] += [user.verified for user in users]
        columns["followers"] += [m.followers_count for m in metrics]
        columns["following"] += [m.following_count for m in metrics]
        columns["posts"] += [m.tweet_count for m in metrics]
        columns["listed"] += [m.listed_count for m in metrics]
        columns["snapshot_at"] += [snapshot_at] * count
        columns["synthetic"] += [page.twarc.synthetic is True] * count
        columns["source_line"] += [line] * count
        columns["source_pointer"] += pointers
        self.rows += count
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
        table = pa.concat_tables(self._segments) if self._segments else _empty_table()
        head, rest = table.slice(0, limit), table.slice(limit)
        self._segments = [rest] if rest.num_rows else []
        self.rows = rest.num_rows
        return head

    def _seal_fast(self) -> None:
        columns = self._columns
        count = len(columns["account_id"])
        if not count:
            return
        schema = arrow_schema()
        arrays = {
            "platform": pa.array(["twitter"] * count, pa.large_string()),
            "sector": pa.array([UNKNOWN] * count, pa.large_string()),
            "org_id": pa.nulls(count, pa.large_string()),
            "org_name": pa.nulls(count, pa.large_string()),
            "source_file": pa.array([self.source] * count, pa.large_string()),
        }
        for name, values in columns.items():
            arrays[name] = pa.array(values, schema.field(name).type)
        self._segments.append(pa.Table.from_arrays([arrays[n] for n in DTYPES], schema=schema))
        self._columns = _empty_columns()

    def _seal_exact(self) -> None:
        if not self._exact:
            return
        # Deferred: pandas only when this runs.
        import pandas as pd

        frame = conform(pd.DataFrame(self._exact))
        self._segments.append(pa.Table.from_pandas(frame, schema=arrow_schema(),
                                                   preserve_index=False))
        self._exact = []


_NO_METRICS = Metrics()


def _users(page: Page) -> tuple[list[User], list[str]]:
    """The users of a page where `formats` finds them, and their JSON pointers."""
    data, includes = page.data, page.includes
    if isinstance(data, User):
        users, pointers = [data], ["#/data"]
    else:
        users = data or []
        pointers = _pointers("data", len(users))
    if includes is not None and includes.users:
        users = users + includes.users
        pointers = pointers + _pointers("includes/users", len(includes.users))
    return users, pointers


@functools.lru_cache(maxsize=64)
def _pointers(where: str, count: int) -> list[str]:
    """['#/data/0', '#/data/1', ...], made once per length (pages repeat them)."""
    return [f"#/{where}/{index}" for index in range(count)]


def _empty_columns() -> dict[str, list]:
    return {name: [] for name in ("account_id", "handle", "name", "created_at", "verified",
                                  "followers", "following", "posts", "listed", "snapshot_at",
                                  "synthetic", "source_line", "source_pointer")}


def _empty_table() -> pa.Table:
    return arrow_schema().empty_table()
