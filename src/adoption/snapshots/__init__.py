"""Account activity snapshots: archived API output -> the snapshot table -> activity metrics.

An account snapshot is an account's public counters at a moment (followers,
following, posts, listed) with its creation date. This package reads what
researchers really archive (twarc JSONL, Twitter API v1.1 and v2 JSON,
Mastodon and Bluesky API JSON, or the table's own CSV/Parquet layout), assigns
sectors from a sector map, and turns the table into the comparisons the
account-activity report shows. The codebook is `README.md` in this folder.

    table      the table's columns, dtypes, checks, atomic writing
    jsonfile   JSON and JSON Lines files (gzip too), with line numbers; streamed
    formats    account objects of each API format -> rows
    load       files -> the table: `load_snapshots`
    sectors    the sector map; unmapped accounts
    activity   metrics per account between snapshots, per sector and year
    creation   adoption curves from account creation dates (with survivorship)
    synth      the labelled synthetic archive
    stream     one file -> batches of checked rows, in bounded memory
    dataset    large archives: a partitioned Parquet dataset (layout, manifest, parts)
    importer   files -> the dataset, streamed, all or nothing: `import_snapshots`
    repeats    a snapshot read twice in a dataset: kept once, or a conflict
    engines    the metrics computed by pandas, DuckDB or Dask, with equal results
    summary    metrics and sector summaries of an archive of any size: `summarise`
    cli        `adoption snapshots import` and `adoption snapshots summary`
"""

from __future__ import annotations

from adoption.snapshots.activity import (
    account_intervals,
    account_years,
    account_years_from_sums,
    compare_activity,
    comparison_from_years,
    sector_year_summary,
    summary_from_years,
)
from adoption.snapshots.creation import (
    adoption_curve,
    missing_from_last_snapshot,
    survivorship_note,
)
from adoption.snapshots.dataset import SnapshotDataset
from adoption.snapshots.importer import ImportReport, import_snapshots
from adoption.snapshots.load import load_snapshots
from adoption.snapshots.sectors import (
    apply_sector_map,
    read_sector_map,
    unmapped_accounts,
    unmapped_note,
)
from adoption.snapshots.summary import ActivitySummary, summarise
from adoption.snapshots.table import COUNTERS, DTYPES, UNKNOWN, SnapshotWarning, write_table

__all__ = [
    "COUNTERS",
    "DTYPES",
    "UNKNOWN",
    "ActivitySummary",
    "ImportReport",
    "SnapshotDataset",
    "SnapshotWarning",
    "account_intervals",
    "account_years",
    "account_years_from_sums",
    "adoption_curve",
    "apply_sector_map",
    "compare_activity",
    "comparison_from_years",
    "import_snapshots",
    "load_snapshots",
    "missing_from_last_snapshot",
    "read_sector_map",
    "sector_year_summary",
    "summarise",
    "summary_from_years",
    "survivorship_note",
    "unmapped_accounts",
    "unmapped_note",
    "write_table",
]
