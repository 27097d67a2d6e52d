"""A snapshot read more than once, in a dataset: one row, or a conflict.

The rules are `load_snapshots`'s (`load.merge_duplicates`, `load.conflicts`):
a snapshot (platform, account, time) read again with the same counters is kept
once, with the first read's provenance and, of each column, the first value
known (a read lacking a counter takes it from a later read of the same
import); read with different counters it is a conflict naming both places.

In a dataset they are checked at the end of an import, with DuckDB, on the
partitions the import touched (a snapshot's key fixes its partition), not in
memory: the import's staged rows (`new_reads`, with the order they were read
in) against each other and against the committed rows (`old_reads`).
Append-only: a snapshot already in the dataset is never changed, so a later
read that brings counters it lacks is reported (a warning), not merged.

Most imports need no check at all: into partitions without committed rows, an
import whose every row came from a fast-path line, with no two lines of the
same time and no user twice in a line, cannot hold a key twice. The lines are
told to `fastpath.DistinctKeys` as they are read, on every core.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from adoption.problems import DataError, Problem, problem
from adoption.snapshots.dataset import (
    Manifest,
    StagedPart,
    arrow_schema,
    partition_name,
)
from adoption.snapshots.engines.in_duckdb import connect, to_pandas
from adoption.snapshots.load import conflicts
from adoption.snapshots.snapshot_table import COUNTERS, DTYPES, KEY, SnapshotWarning, conform
from adoption.snapshots.stream import DEFAULT_BATCH_ROWS

if TYPE_CHECKING:
    from adoption.snapshots.importer import ImportReport

MAX_CONFLICTS_SHOWN = 200
# DuckDB's share for the checks; beyond it, it spills to disk, so an import's peak
# memory is this plus one batch, whatever the size of the archive.
IMPORT_MEMORY_LIMIT = "512MB"


def settle_repeats(root: Path, manifest: Manifest, staging: Path, report: ImportReport
                   ) -> None:
    """Conflicts are errors; repeated reads are kept once (staged parts rewritten)."""
    if not report.parts:
        return
    old = _committed_parts(root, manifest, report.parts)
    staged_rows = sum(part.rows for part in report.parts)
    if not old and report.counter.keys.covers(staged_rows):
        return  # proven while reading: no snapshot of this import read twice

    with connect(memory_limit=IMPORT_MEMORY_LIMIT, temp_directory=staging / ".spill") as con:
        _define_reads(con, old, staging, report.parts)
        if not old and con.execute(NO_REPEAT_SQL).fetchone()[0]:
            return
        con.execute(REPEATED_KEYS_SQL)
        if not con.execute("SELECT count(*) FROM repeated").fetchone()[0]:
            return
        conflicting = _conflicts(con)
        if conflicting:
            raise DataError(conflicting)
        _warn_unmerged_counters(con, root)
        report.repeats = con.execute("SELECT sum(reads - 1) FROM repeated").fetchone()[0]
        report.parts = _rewrite_repeated(con, staging, report.parts)


def _sql_list(paths: Iterable[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _committed_parts(root: Path, manifest: Manifest, parts: list[StagedPart]) -> list[Path]:
    """The committed parts of the partitions the staged parts touch (a snapshot's key
    fixes its partition: only there can it have been read before)."""
    touched = {part.partition for part in parts}
    return [root / part["path"] for part in manifest.parts() if part["partition"] in touched]


def _define_reads(con, old: list[Path], staging: Path, parts: list[StagedPart]) -> None:
    """Views `new_reads` (staged, with their read order) and `old_reads` (the rows of
    the committed parts `old`)."""
    staged = [staging / part.relative for part in parts]
    con.execute(f"""
        CREATE VIEW new_reads AS
        SELECT * EXCLUDE (filename, file_row_number),
               regexp_extract(filename, '-([0-9]+)\\.parquet$', 1)::BIGINT * 4294967296
                   + file_row_number AS read_order
        FROM read_parquet({_sql_list(staged)}, filename = true, file_row_number = true,
                          hive_partitioning = false)""")
    source = (f"read_parquet({_sql_list(old)}, hive_partitioning = false)" if old
              else "(SELECT * EXCLUDE (read_order) FROM new_reads WHERE false)")
    con.execute(f"CREATE VIEW old_reads AS SELECT * FROM {source}")


KEY_SQL = ", ".join(KEY)

# True when no key is read twice in this import: as many distinct hashes of the key
# as rows. Equal keys have equal hashes, so it is never true wrongly; when false (a
# repeat, or two keys of the same hash), REPEATED_KEYS_SQL finds which. About twice
# as fast as grouping by the key itself, which it spares an import without repeats.
NO_REPEAT_SQL = f"SELECT count(DISTINCT hash({KEY_SQL})) = count(*) FROM new_reads"

# Keys read more than once: twice in this import, or already in the dataset.
REPEATED_KEYS_SQL = f"""
CREATE TEMP TABLE repeated AS
SELECT {KEY_SQL}, count(*) AS reads, bool_or(in_dataset) AS in_dataset
FROM (
    SELECT {KEY_SQL}, false AS in_dataset FROM new_reads
    UNION ALL
    SELECT {KEY_SQL}, true FROM old_reads SEMI JOIN new_reads USING ({KEY_SQL})
)
GROUP BY ALL
HAVING count(*) > 1
"""


def _conflicts(con) -> list[Problem]:
    """Problems for the keys read with different counters, worded as `load_snapshots`'s:
    the dataset's read first, then this import's in the order read."""
    differs = " OR ".join(f"count(DISTINCT {name}) > 1" for name in COUNTERS)
    con.execute(f"""
        CREATE TEMP TABLE repeated_reads AS
        SELECT *, 0 AS rank, 0::BIGINT AS read_order
            FROM old_reads SEMI JOIN repeated USING ({KEY_SQL})
        UNION ALL BY NAME
        SELECT *, 1 AS rank
            FROM new_reads SEMI JOIN repeated USING ({KEY_SQL})""")
    keys = to_pandas(con.sql(f"""
        SELECT {KEY_SQL} FROM repeated_reads GROUP BY ALL HAVING {differs}"""))
    if keys.empty:
        return []
    shown = keys.sort_values(list(KEY)).head(MAX_CONFLICTS_SHOWN)
    con.register("shown_keys", shown)
    reads = to_pandas(con.sql(f"""
        SELECT * EXCLUDE (rank, read_order) FROM repeated_reads
        SEMI JOIN shown_keys USING ({KEY_SQL})
        ORDER BY {KEY_SQL}, rank, read_order"""))
    problems = conflicts(conform(reads))
    if len(keys) > len(shown):
        problems.append(problem(reads["source_file"].iloc[0],
                                f"and {len(keys) - len(shown)} more conflicting snapshots",
                                expected="one value per account and snapshot time"))
    return problems


def _warn_unmerged_counters(con, root: Path) -> None:
    """Counters a new read has that the dataset's read of the same snapshot lacks."""
    lacking = " OR ".join(f"(o.{name} IS NULL AND n.{name} IS NOT NULL)" for name in COUNTERS)
    count = con.execute(f"""
        SELECT count(DISTINCT ({", ".join(f"n.{k}" for k in KEY)}))
        FROM new_reads n JOIN old_reads o USING ({KEY_SQL}) WHERE {lacking}""").fetchone()[0]
    if count:
        warnings.warn(SnapshotWarning(problem(
            root, f"{count} snapshot(s) already in the dataset were read again with counters "
                  "the dataset lacks; the dataset keeps its first read (append-only)",
            expected="the counters at the first import; re-import both files into a new "
                     "dataset to merge them")), stacklevel=4)


# Repeated reads within this import become one row: of each column the first known
# value, in the order read; provenance whole from the first read (`merge_duplicates`).
# Reads of snapshots already in the dataset are dropped. One partition at a time.
PROVENANCE_COLUMNS = ("source_file", "source_line", "source_pointer")


def _merged_rows_sql() -> str:
    values = [c for c in DTYPES if c not in (*KEY, *PROVENANCE_COLUMNS)]
    firsts = ",\n".join(f"arg_min({c}, read_order) FILTER (WHERE {c} IS NOT NULL) AS {c}"
                        for c in values)
    provenance = ", ".join(f"provenance.{c} AS {c}" for c in PROVENANCE_COLUMNS)
    columns = ", ".join(c for c in DTYPES if c not in PROVENANCE_COLUMNS)
    return f"""
        WITH merged AS (
            SELECT {KEY_SQL}, {firsts},
                   arg_min({{{", ".join(f"'{c}': {c}" for c in PROVENANCE_COLUMNS)}}},
                           read_order) AS provenance,
                   min(read_order) AS first_read
            FROM new_reads
            WHERE platform = $platform AND year(snapshot_at) = $year
              AND month(snapshot_at) = $month
            GROUP BY {KEY_SQL})
        SELECT {columns}, {provenance}
        FROM merged ANTI JOIN old_reads USING ({KEY_SQL})
        ORDER BY first_read"""


def _rewrite_repeated(con, staging: Path, parts: list[StagedPart]) -> list[StagedPart]:
    """Staged parts of partitions holding repeated reads, rewritten with each kept once."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.parquet as pq

    affected = con.execute("""
        SELECT DISTINCT platform, year(snapshot_at), month(snapshot_at) FROM repeated
        ORDER BY ALL""").fetchall()
    schema = arrow_schema()
    rewritten = {partition_name(platform, year, month - 1) for platform, year, month in affected}
    kept = [part for part in parts if part.partition not in rewritten]
    for platform, year, month in affected:
        name = partition_name(platform, year, month - 1)
        replaced = [part for part in parts if part.partition == name]
        merged = StagedPart(name, replaced[-1].name.replace(".parquet", "-merged.parquet"))
        where = {"platform": platform, "year": year, "month": month}
        reader = con.sql(_merged_rows_sql(), params=where).to_arrow_reader(DEFAULT_BATCH_ROWS)
        with pq.ParquetWriter(staging / merged.relative, schema, compression="zstd") as out:
            for batch in reader:
                out.write_batch(batch.cast(schema))
                merged.rows += batch.num_rows
        for part in replaced:
            (staging / part.relative).unlink()
        if merged.rows:
            kept.append(merged)
    return kept
