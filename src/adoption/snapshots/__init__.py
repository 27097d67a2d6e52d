"""Account activity snapshots: archived API output -> the snapshot table -> activity metrics.

An account snapshot is an account's public counters at a moment (followers,
following, posts, listed) with its creation date. This package reads what
researchers really archive (twarc JSONL, Twitter API v1.1 and v2 JSON,
Mastodon and Bluesky API JSON, or the table's own CSV/Parquet layout), assigns
sectors from a sector map, and turns the table into the comparisons the
account-activity report shows. The codebook is `README.md` in this folder.

    table      the table's columns, dtypes, checks, atomic writing
    jsonfile   JSON and JSON Lines files (gzip too), with line numbers
    formats    account objects of each API format -> rows
    load       files -> the table: `load_snapshots`
    sectors    the sector map; unmapped accounts
    activity   metrics per account between snapshots, per sector and year
    creation   adoption curves from account creation dates (with survivorship)
    synth      the labelled synthetic archive
    cli        `adoption snapshots import`
"""

from __future__ import annotations

from adoption.snapshots.activity import (
    account_intervals,
    account_years,
    compare_activity,
    sector_year_summary,
)
from adoption.snapshots.creation import (
    adoption_curve,
    missing_from_last_snapshot,
    survivorship_note,
)
from adoption.snapshots.load import load_snapshots
from adoption.snapshots.sectors import (
    apply_sector_map,
    read_sector_map,
    unmapped_accounts,
    unmapped_note,
)
from adoption.snapshots.table import COUNTERS, DTYPES, UNKNOWN, SnapshotWarning, write_table

__all__ = [
    "COUNTERS",
    "DTYPES",
    "UNKNOWN",
    "SnapshotWarning",
    "account_intervals",
    "account_years",
    "adoption_curve",
    "apply_sector_map",
    "compare_activity",
    "load_snapshots",
    "missing_from_last_snapshot",
    "read_sector_map",
    "sector_year_summary",
    "survivorship_note",
    "unmapped_accounts",
    "unmapped_note",
    "write_table",
]
