"""Account activity snapshots: archived API output -> the snapshot table -> activity metrics.

An account snapshot is an account's public counters at a moment (followers,
following, posts, listed) with its creation date. This package reads what
researchers really archive (twarc JSONL, Twitter API v1.1 and v2 JSON,
Mastodon and Bluesky API JSON, or the table's own CSV/Parquet layout), assigns
sectors from a sector map, and turns the table into the comparisons the
account-activity report shows. The codebook is `README.md` in this folder.

    snapshot_table     the table's columns, dtypes, checks
    jsonfile           JSON and JSON Lines files (gzip too), with line numbers; streamed
    api_formats        account objects of each API format -> rows
    load               files -> the table: `load_snapshots`
    sectors            the sector map; unmapped accounts
    provenance         which archive a table came from, in words for the charts
    account_metrics    metrics per account between snapshots, per sector and year
    creation           adoption curves from account creation dates (with survivorship)
    synthetic_archive  the labelled synthetic archive
    stream             one file -> batches of checked rows, in bounded memory
    fastpath           well-formed twarc2 pages read in C (msgspec) straight into Arrow
    parallel           an import's files read by several processes, in order
    dataset            large archives: a partitioned Parquet dataset (layout, manifest, parts)
    importer           files -> the dataset, streamed, all or nothing: `import_snapshots`
    to_file            files -> one table file, by way of a private dataset: `import_to_file`
    repeats            a snapshot read twice in a dataset: kept once, or a conflict
    engines            the metrics computed by pandas, DuckDB or Dask, with equal results
    activity_summary   metrics and sector summaries of an archive of any size: `summarise`
    notices            a command's warnings, shown as problem lines
    commands           `adoption snapshots import` and `adoption snapshots summary`
"""

from __future__ import annotations

from adoption.lazy import lazy_exports

# Each public name and the module it lives in, loaded on first use (see adoption.lazy):
# the command line registers `adoption snapshots` without loading pandas.
_HOMES = {
    "account_intervals": "account_metrics",
    "account_years": "account_metrics",
    "account_years_from_sums": "account_metrics",
    "compare_activity": "account_metrics",
    "median_differences": "account_metrics",
    "comparison_from_years": "account_metrics",
    "sector_year_summary": "account_metrics",
    "summary_from_years": "account_metrics",
    "adoption_curve": "creation",
    "missing_from_last_snapshot": "creation",
    "survivorship_note": "creation",
    "SnapshotDataset": "dataset",
    "import_to_file": "to_file",
    "ImportReport": "importer",
    "import_snapshots": "importer",
    "load_snapshots": "load",
    "apply_sector_map": "sectors",
    "read_sector_map": "sectors",
    "unmapped_accounts": "sectors",
    "unmapped_note": "sectors",
    "ActivitySummary": "activity_summary",
    "summarise": "activity_summary",
    "COUNTERS": "snapshot_table",
    "DTYPES": "snapshot_table",
    "UNKNOWN": "snapshot_table",
    "SnapshotWarning": "snapshot_table",
    "write_table": "snapshot_table",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

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
    "import_to_file",
    "load_snapshots",
    "median_differences",
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
