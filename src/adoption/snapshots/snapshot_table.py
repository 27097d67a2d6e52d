"""The snapshot table: its declared columns, its dtypes, its checks, and writing it safely.

One row per account per snapshot time. Every importer (the table's own CSV or
Parquet layout, and each archived API format) ends in `conform()`, so what the
metrics read never depends on where a row came from, except through the
provenance columns. The codebook is `README.md` in this folder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.files import write_atomically
from adoption.labels import SECTOR_WORDS_HELP, normalise_sector
from adoption.problems import Problem, problem
from adoption.readers import RawTable
from adoption.schema import Column, parse_columns, rename_to_declared, unknown_column_typos

UNKNOWN = "unknown"
COUNTERS = ("followers", "following", "posts", "listed")
KEY = ("platform", "account_id", "snapshot_at")
TIME_DTYPE = "datetime64[us, UTC]"

# Other names people give the platforms, folded to the one the table uses.
PLATFORM_ALIASES = {"x": "twitter", "bsky": "bluesky", "fediverse": "mastodon"}

# An id written as a decimal number is what a float conversion or a spreadsheet
# makes of a long integer id (1234567890123456789.0, 1.23457E+18): it may now be
# another account's id, so it is refused on every platform, never rounded.
DECIMAL_ID = r"[+-]?(?:\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)"
TWITTER_ID = r"[0-9]+"
ID_EXPECTED = ("the account id exactly as the platform gives it, as text (Twitter: "
               "digits only, as in id_str)")

# The table's columns, in order, with their dtypes once loaded.
DTYPES: dict[str, str] = {
    "platform": "string",
    "account_id": "string",
    "handle": "string",
    "name": "string",
    "sector": "string",
    "org_id": "string",
    "org_name": "string",
    "snapshot_at": TIME_DTYPE,
    "created_at": TIME_DTYPE,
    "followers": "Int64",
    "following": "Int64",
    "posts": "Int64",
    "listed": "Int64",
    "verified": "boolean",
    "synthetic": "bool",
    "source_file": "string",
    "source_line": "Int64",
    "source_pointer": "string",
}
PROVENANCE = ("source_file", "source_line", "source_pointer")

# The layout of a CSV or Parquet file holding the table itself.
LAYOUT = [
    Column("platform", "text", "twitter, mastodon, bluesky, ...", nullable=False),
    Column("account_id", "text", "the platform's stable id of the account", nullable=False),
    Column("snapshot_at", "timestamp", "when the counters were read (UTC)", nullable=False),
    Column("handle", "text", "the account's handle at that time", required=False),
    Column("name", "text", "the account's display name at that time", required=False),
    Column("sector", "text", "nonprofit, business or unknown", required=False),
    Column("org_id", "text", "the organisation's id (from the sector map)", required=False),
    Column("org_name", "text", "the organisation's name (from the sector map)",
           required=False),
    Column("created_at", "timestamp", "when the account was created (UTC)", required=False),
    Column("followers", "integer", "followers count", required=False, minimum=0),
    Column("following", "integer", "accounts followed", required=False, minimum=0),
    Column("posts", "integer", "posts (tweets, statuses) count", required=False, minimum=0),
    Column("listed", "integer", "public lists the account is on", required=False, minimum=0),
    Column("verified", "yes_no", "the platform's verified badge", required=False),
    Column("synthetic", "yes_no", "yes for invented rows (the synthetic archive)",
           required=False),
    Column("source_file", "text", "the archived file the row was read from", required=False),
    Column("source_line", "integer", "its line in that file", required=False, minimum=1),
    Column("source_pointer", "text", "JSON pointer to the account object", required=False),
]


class SnapshotWarning(UserWarning):
    """Something the user should see that does not stop the import (a skipped line,
    a sector map row that matches no account). Carries the `Problem`."""

    def __init__(self, found: Problem):
        self.problem = found
        super().__init__(str(found))


LANGUAGES = ("en", "fr")


def localised(notes: dict[str, str], language: str) -> str:
    """The note in the reader's language (English or French)."""
    if language not in notes:
        raise ValueError(f"language {language!r}: expected one of {', '.join(notes)}")
    return notes[language]


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """The table's columns, in order, with their dtypes; absent columns become missing."""
    columns = {}
    for name, dtype in DTYPES.items():
        values = frame[name] if name in frame else pd.Series(pd.NA, index=frame.index)
        columns[name] = _as_dtype(values, dtype, name)
    return pd.DataFrame(columns, index=frame.index)


def _as_dtype(values: pd.Series, dtype: str, name: str) -> pd.Series:
    if dtype == TIME_DTYPE:
        return pd.to_datetime(values, utc=True).astype(TIME_DTYPE)
    if name == "synthetic":
        return values.astype("boolean").fillna(False).astype(bool)
    if name == "sector":
        return values.astype("string").fillna(UNKNOWN)
    return values.astype(dtype)


def id_problem(platform: str | None, account_id: str) -> str | None:
    """Why `account_id` cannot be the platform's exact id, or None when it can be."""
    if re.fullmatch(DECIMAL_ID, account_id):
        return (f"{account_id!r} is an id written as a decimal number, which cannot hold a "
                "long id exactly (a float conversion or a spreadsheet changed it)")
    if platform == "twitter" and not re.fullmatch(TWITTER_ID, account_id):
        return f"{account_id!r} is not a Twitter id (digits only)"
    return None


def id_problems(raw: RawTable, platforms: pd.Series, ids: pd.Series) -> list[Problem]:
    """`id_problem` for every row of a table file (its `platform` and `account_id`)."""
    known = ids.notna().to_numpy(dtype=bool)
    text = ids.astype("string")
    suspect = known & (text.str.fullmatch(DECIMAL_ID).fillna(False).to_numpy(dtype=bool) | (
        (platforms == "twitter").fillna(False).to_numpy(dtype=bool)
        & ~text.str.fullmatch(TWITTER_ID).fillna(True).to_numpy(dtype=bool)))
    problems = []
    for position in np.flatnonzero(suspect):
        why = id_problem(platforms.iloc[position], text.iloc[position])
        if why is not None:
            problems.append(problem(raw.path, why, line=raw.line(position),
                                    column="account_id", expected=ID_EXPECTED))
    return problems


def normalise_platform(label: object) -> str | None:
    """'Twitter', ' X ' -> 'twitter'; None for a missing label."""
    if label is None or label is pd.NA or (isinstance(label, float) and np.isnan(label)):
        return None
    text = str(label).strip().casefold()
    return PLATFORM_ALIASES.get(text, text) or None


def normalise_platforms(labels: pd.Series) -> pd.Series:
    """`normalise_platform` of every label, as text: worked out once per distinct
    label, since a table of a million rows names a few platforms."""
    normalised = {label: normalise_platform(label) for label in labels.dropna().unique()}
    return labels.map(normalised).astype("string")


def read_layout(raw: RawTable, snapshot_at: pd.Timestamp | None = None
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """A table-layout file (CSV or Parquet, already read) as snapshot rows, and its problems.

    A file without a `snapshot_at` column takes `snapshot_at` (the --snapshot-at
    option) for every row. Provenance already in the file (a table written by
    `snapshots import`) is kept, so a row still points at the archive it first
    came from; rows without it point at this file and line.
    """
    rename_to_declared(raw, LAYOUT)  # 'Sector' is `sector`, though it is mapped below
    layout = [c for c in LAYOUT if c.name != "sector"]
    if snapshot_at is not None:
        layout = [replace(c, required=False) if c.name == "snapshot_at" else c for c in layout]
    typed, problems = parse_columns(raw, layout)
    if "snapshot_at" not in typed and snapshot_at is not None:
        typed["snapshot_at"] = snapshot_at
    problems += unknown_column_typos(raw, LAYOUT)
    if "sector" in raw.frame:
        typed["sector"], sector_problems = _layout_sectors(raw)
        problems += sector_problems
    if "platform" in typed:
        typed["platform"] = normalise_platforms(typed["platform"])
        if "account_id" in typed:
            problems += id_problems(raw, typed["platform"], typed["account_id"])
    if "name" in raw.frame:  # display names as written, spaces included (see the codebook)
        typed["name"] = raw.frame["name"].astype(object).where(raw.frame["name"].notna(), None)
    return _with_provenance(typed, raw), problems


def _with_provenance(typed: pd.DataFrame, raw: RawTable) -> pd.DataFrame:
    """Rows that name their source keep all of it; the others point at this file."""
    index = raw.frame.index
    here = pd.Series(True, index=index)
    if "source_file" in typed:
        here = typed["source_file"].isna()
    typed = typed.copy()
    typed["source_file"] = typed.get("source_file", pd.Series(pd.NA, index=index)).astype(
        object).where(~here, str(raw.path))
    typed["source_line"] = typed.get("source_line", pd.Series(pd.NA, index=index)).astype(
        object).where(~here, pd.Series(raw.lines, index=index))
    if "source_pointer" in typed:
        typed["source_pointer"] = typed["source_pointer"].where(~here)
    return typed


def _layout_sectors(raw: RawTable) -> tuple[pd.Series, list[Problem]]:
    """Sector labels in any of the usual words; empty or 'unknown' is unknown."""
    cells = raw.frame["sector"].astype("string").str.strip()
    said_unknown = cells.isna() | cells.str.casefold().isin([UNKNOWN, "inconnu", ""])
    sectors = pd.Series([normalise_sector(v) if isinstance(v, str) else None
                         for v in cells.tolist()], index=cells.index, dtype=object)
    bad = sectors.isna() & ~said_unknown
    problems = [
        problem(raw.path, f"{raw.frame['sector'].iloc[i]!r} is not a sector label we can map",
                line=raw.line(i), column="sector",
                expected=f"{SECTOR_WORDS_HELP}, or unknown (empty)")
        for i in np.flatnonzero(bad.to_numpy())
    ]
    return sectors.fillna(UNKNOWN).astype("string"), problems


def check_values(table: pd.DataFrame, now: pd.Timestamp) -> list[Problem]:
    """What no source can be right about: negative counters, snapshots taken in the
    future, accounts created after the snapshot that saw them."""
    problems = []
    for name in COUNTERS:
        negative = (table[name] < 0).fillna(False)
        problems += _row_problems(table, negative, name, lambda r, n=name: f"{r[n]} is negative",
                                  "a count of 0 or more")
    future = (table["snapshot_at"] > now).fillna(False)
    problems += _row_problems(
        table, future, "snapshot_at",
        lambda r: f"{_iso(r['snapshot_at'])} is in the future (now is {_iso(now)})",
        "the time the data were retrieved; check --snapshot-at and the clock")
    too_late = (table["created_at"] > table["snapshot_at"]).fillna(False)
    problems += _row_problems(
        table, too_late, "created_at",
        lambda r: f"account created {_iso(r['created_at'])}, after the snapshot "
                  f"{_iso(r['snapshot_at'])} that saw it",
        "a snapshot time after the creation date; check --snapshot-at")
    return problems


def _row_problems(table: pd.DataFrame, mask: pd.Series, column: str, say, expected: str
                  ) -> list[Problem]:
    if not mask.any():  # the usual case, and selecting no row still costs a copy
        return []
    return [problem(row["source_file"], where(row) + say(row), line=_line(row), column=column,
                    expected=expected)
            for _, row in table[mask.to_numpy(dtype=bool)].iterrows()]


def where(row: pd.Series) -> str:
    """'at /data/3 (twitter account 123): ' for rows read from JSON, '' for table rows."""
    pointer = row.get("source_pointer")
    if pointer is None or pointer is pd.NA:
        return ""
    return f"at {pointer} ({row['platform']} account {row['account_id']}): "


def _line(row: pd.Series) -> int | None:
    line = row.get("source_line")
    return None if line is None or line is pd.NA else int(line)


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_table(table: pd.DataFrame, out: str | Path) -> Path:
    """Write the table to Parquet (or CSV when the name ends in .csv), atomically."""
    out = Path(out)
    if out.suffix.lower() == ".csv":
        return write_atomically(out, lambda aside: table.to_csv(
            aside, index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ", lineterminator="\n"))
    return write_atomically(out, lambda aside: table.to_parquet(aside, index=False))


def sort_table(table: pd.DataFrame, by: Sequence[str] = KEY) -> pd.DataFrame:
    """Rows in account and time order, numbered from 0: the order the metrics expect."""
    return table.sort_values(list(by), kind="stable").reset_index(drop=True)

