"""Files -> the snapshot table in memory: `load_snapshots`.

Each file is read as the dataset import reads it (`adoption.snapshots.stream`:
its format told from its content, never from its name; JSON Lines streamed;
every row checked), and the batches are put together here. The table itself is
held in memory, which suits one study's files; for an archive of any size,
`import_snapshots` (a dataset) or `import_to_file` (`snapshots import -o`)
give the same table without holding it. Every problem in every file is
collected before anything is raised (at most `MAX_PROBLEMS_SHOWN` a file are
listed, and a count of the others), so one run lists them all. Then, across
files:

- the same account at the same time read twice with the same counters is one
  row (the first file's provenance is kept; counters one file lacks are taken
  from the other);
- the same account at the same time with different counters is a conflict,
  reported with both places;
- snapshot times in the future, negative counters and accounts created after
  the snapshot that saw them are errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from adoption.problems import DataError, Problem, problem
from adoption.snapshots.api_formats import ImportOptions
from adoption.snapshots.dataset import SnapshotDataset
from adoption.snapshots.jsonfile import DEFAULT_MAX_DOCUMENT_MB, check_limit
from adoption.snapshots.sectors import apply_sector_map
from adoption.snapshots.snapshot_table import (
    COUNTERS,
    KEY,
    PROVENANCE,
    check_values,
    conform,
    sort_table,
    where,
)
from adoption.snapshots.stream import DEFAULT_BATCH_ROWS, FileStream, capped


def load_snapshots(
    paths: Iterable[str | Path] | str | Path,
    *,
    snapshot_at: object = None,
    sector_map: pd.DataFrame | str | Path | None = None,
    skip_bad_lines: bool = False,
    server: str | None = None,
    now: object = None,
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB,
    fast: bool = True,
) -> pd.DataFrame:
    """The snapshot table from archived account data, validated and sorted by account and time.

    paths: files in any supported format (see `adoption.snapshots.api_formats`),
        told apart by their content, or snapshot dataset folders
        (`adoption.snapshots.dataset`, read whole: for datasets that fit in
        memory; `adoption.snapshots.summarise` handles any size).
    snapshot_at: when the data were retrieved, for files that do not say
        (everything but twarc); a file's own retrieval time always wins. A time
        without a timezone is read as UTC.
    sector_map: a sector map CSV (or `read_sector_map`'s frame); accounts it
        does not name stay `unknown`. Default: the map stored in the dataset
        folder given, if any.
    skip_bad_lines: keep the good lines of a JSONL file with bad ones; each bad
        line is then a `SnapshotWarning` instead of an error.
    server: the Mastodon server the data came from, for local accounts
        (default: the host of each account's profile `url`).
    now: the present, for the check that no snapshot is in the future (tests).
    max_document_mb: the longest JSONL line, or JSON file read whole, accepted
        (decompressed), in MB.
    fast: read twarc2 pages by `fastpath` where it can (the same table, sooner);
        False reads every line the exact way.

    Raises DataError listing every problem found, in every file.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise ValueError("no files given: expected at least one snapshot file")
    options = ImportOptions(parse_time(snapshot_at, "snapshot_at"), server,
                            check_limit(max_document_mb))
    present = parse_time(now, "now") or pd.Timestamp.now(tz="UTC")
    frames, problems, stored_maps = [], [], set()
    for path in files:
        if SnapshotDataset.is_dataset(path):
            dataset = SnapshotDataset(path)
            frames.append(dataset.to_pandas())
            problems += capped(check_values(frames[-1], present))
            stored_maps.add(dataset.sector_map_path())
            continue
        frame, file_problems = read_snapshot_file(path, options, skip_bad_lines=skip_bad_lines,
                                                  now=present, fast=fast)
        frames.append(frame)
        problems += file_problems  # capped file by file already
    if problems:
        raise DataError(problems)
    table = conform(pd.concat(frames, ignore_index=True))
    problems = conflicts(table)
    if problems:
        raise DataError(capped(problems))
    table = merge_duplicates(table)
    sector_map = sector_map if sector_map is not None else _stored_map(stored_maps)
    if sector_map is not None:
        table = apply_sector_map(table, sector_map)
    return sort_table(table)


def _stored_map(stored: set[Path | None]) -> Path | None:
    """The sector map stored in the datasets read, when they agree on one."""
    maps = stored - {None}
    if len(maps) > 1:
        raise ValueError("the datasets read store different sector maps "
                         f"({', '.join(sorted(map(str, maps)))}): give sector_map=")
    return maps.pop() if maps else None


def parse_time(value: object, name: str = "") -> pd.Timestamp | None:
    """A UTC timestamp from text, datetime or Timestamp; naive times are UTC.

    Raises ValueError, starting with `name` when given, for anything else."""
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        prefix = f"{name}: " if name else ""
        raise ValueError(f"{prefix}{value!r} is not a date and time "
                         "(expected e.g. 2023-09-20T14:00:00Z)")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.as_unit("us")


def read_snapshot_file(path: Path, options: ImportOptions, *, skip_bad_lines: bool = False,
                       now: pd.Timestamp | None = None, fast: bool = True
                       ) -> tuple[pd.DataFrame, list[Problem]]:
    """One file's snapshot rows (not yet merged with other files) and its problems
    (at most `MAX_PROBLEMS_SHOWN`, and a count of the others)."""
    present = now if now is not None else pd.Timestamp.now(tz="UTC")
    stream = FileStream(Path(path), options, present, DEFAULT_BATCH_ROWS, skip_bad_lines,
                        fast=fast)
    batches = [batch.to_pandas() for batch in stream.batches()]
    rows = conform(pd.concat(batches, ignore_index=True) if batches else pd.DataFrame())
    return rows, stream.problems.problems()


def merge_duplicates(table: pd.DataFrame) -> pd.DataFrame:
    """One row per account and time. Raises DataError when two reads disagree.

    Identical reads (the same user listed twice in a twarc page, or the same
    page archived twice) become one row with the first read's provenance.
    """
    key = list(KEY)
    repeated = table.duplicated(key, keep=False).to_numpy()
    if not repeated.any():
        return table
    duplicates = table[repeated]
    disagreements = conflicts(duplicates)
    if disagreements:
        raise DataError(disagreements)
    # Values: the first non-missing of each column. Provenance: the first read's, whole.
    values = duplicates.groupby(key, sort=False).first().reset_index()
    first_reads = duplicates.drop_duplicates(key, keep="first")[[*key, *PROVENANCE]]
    merged = values.drop(columns=list(PROVENANCE)).merge(first_reads, on=key)
    return conform(pd.concat([table[~repeated], merged], ignore_index=True))


def conflicts(table: pd.DataFrame) -> list[Problem]:
    """A problem per counter on which two reads of one account at one time differ."""
    key = list(KEY)
    duplicates = table[table.duplicated(key, keep=False).to_numpy()]
    problems = []
    for column in COUNTERS:
        known = duplicates[duplicates[column].notna().to_numpy()]
        values = known.groupby(key)[column].transform("nunique")
        for _, group in known[(values > 1).to_numpy()].groupby(key, sort=False):
            first = group.iloc[0]
            other = group[group[column] != first[column]].iloc[0]
            problems.append(problem(
                other["source_file"],
                f"{_who(other)}{column} is {other[column]} here but {first[column]} in "
                f"{_place(first)}, both at {first['snapshot_at']:%Y-%m-%dT%H:%M:%SZ}",
                line=_line(other), column=column,
                expected="one value per account and snapshot time: keep the right file, "
                         "or correct the snapshot time of one"))
    return problems


def _who(row: pd.Series) -> str:
    return where(row) or f"{row['platform']} account {row['account_id']}: "


def _place(row: pd.Series) -> str:
    line = _line(row)
    place = row["source_file"] if line is None else f"{row['source_file']}:{line}"
    pointer = row["source_pointer"]
    return place if pd.isna(pointer) else f"{place} {pointer}"


def _line(row: pd.Series) -> int | None:
    return None if pd.isna(row["source_line"]) else int(row["source_line"])
