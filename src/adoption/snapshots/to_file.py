"""Archived files -> one table file, in bounded memory: `import_to_file`, behind
`adoption snapshots import FILE... -o OUT.parquet` (or `OUT.csv`).

The file holds what `load_snapshots` returns for the same files and options:
the same rows, columns, dtypes, order (by platform, account and time) and
sectors. But the table is never held in memory, whatever the size of the files
(a gzip of 2 GB of lines included):

1. the files are imported into a private snapshot dataset, a hidden folder
   beside OUT (`import_snapshots`: streamed in batches, every check, repeated
   reads kept once, conflicts and the sector map checked with DuckDB);
2. the table is written from it: DuckDB sorts the rows by account and time
   (spilling to disk past `IMPORT_MEMORY_LIMIT`), each batch gets its accounts'
   ids, files' names and sectors from the map in Arrow, and is written into a
   hidden file beside OUT that is moved into place when complete. Besides a
   batch, what is held is one entry per account and per file, never per row;
3. the private dataset is removed, failed or not.

So a failed import leaves no partial file, no dataset and an existing OUT
untouched. A snapshot dataset among the files is read as its parts, and its
stored sector map applies when none is given (as `load_snapshots` does).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.files import write_atomically
from adoption.problems import fail
from adoption.snapshots.dataset import SnapshotDataset, arrow_schema
from adoption.snapshots.engines.in_duckdb import connect, parquet_source
from adoption.snapshots.importer import SkippedFile, import_snapshots
from adoption.snapshots.jsonfile import DEFAULT_MAX_DOCUMENT_MB
from adoption.snapshots.load import _stored_map as agreed
from adoption.snapshots.repeats import IMPORT_MEMORY_LIMIT
from adoption.snapshots.sectors import empty_assignment
from adoption.snapshots.snapshot_table import DTYPES, UNKNOWN, conform
from adoption.snapshots.stream import DEFAULT_BATCH_ROWS
from adoption.snapshots.workers import Worker

CSV_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # write_table's, for the same bytes


@dataclass
class WrittenTable:
    """What `import_to_file` wrote: the file, its rows and accounts, what was skipped."""

    path: Path
    rows: int
    files: int
    accounts: dict[str, int] = field(default_factory=dict)  # per platform
    unknown_accounts: int = 0  # accounts whose sector is unknown
    skipped: list[SkippedFile] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the command line."""
        per_platform = ", ".join(f"{platform} {count}"
                                 for platform, count in sorted(self.accounts.items()))
        plural = "s" if self.files != 1 else ""
        return (f"wrote {self.path}: {self.rows} snapshots of {sum(self.accounts.values())} "
                f"accounts ({per_platform}) from {self.files} file{plural}; "
                f"{self.unknown_accounts} accounts without a sector (unknown)")


def import_to_file(
    files: Iterable[str | Path],
    out: str | Path,
    *,
    snapshot_at: object = None,
    sector_map: str | Path | None = None,
    skip_bad_lines: bool = False,
    server: str | None = None,
    now: object = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    max_document_mb: float = DEFAULT_MAX_DOCUMENT_MB,
    progress: bool | None = False,
    workers: int | None = None,
    fast: bool = True,
    started: list[Worker] | None = None,
) -> WrittenTable:
    """Write the snapshot table of `files` to `out` (Parquet, or CSV for a .csv name).

    The options are `import_snapshots`'s (`started` included). Raises DataError
    listing every problem, with nothing written.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise fail(out, f"folder {str(out.parent)!r} does not exist",
                   expected="an output path in an existing folder")
    files = [Path(f) for f in files]
    if not files:
        raise ValueError("no files given: expected at least one snapshot file")
    if sector_map is None:
        sector_map = _stored_map(files)
    # `*.partial` is ignored by git, should a crash ever leave it behind.
    work = out.parent / f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial"
    work.mkdir()
    try:
        report = import_snapshots(
            files, work / "dataset", snapshot_at=snapshot_at, sector_map=sector_map,
            skip_bad_lines=skip_bad_lines, server=server, now=now, batch_rows=batch_rows,
            max_document_mb=max_document_mb, progress=progress, workers=workers, fast=fast,
            started=started)
        parts = SnapshotDataset(work / "dataset").part_paths()
        with _connection(work) as con:
            _define_table(con, parts, report.assignment)
            rows = SortedRows(con)
            write_atomically(out, lambda aside: _write(rows.batches(con, batch_rows), aside,
                                                       out.suffix))
        written = rows.tally.written(out, len(files))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    written.skipped = report.skipped
    return written


def _stored_map(files: list[Path]) -> Path | None:
    """The sector map stored in the datasets among the files (None if there is none)."""
    return agreed({SnapshotDataset(f).sector_map_path() for f in files
                   if SnapshotDataset.is_dataset(f)})


def _connection(work: Path):

    return connect(memory_limit=IMPORT_MEMORY_LIMIT, temp_directory=work / "spill")


def _define_table(con, parts: list[Path], assignment: pd.DataFrame | None) -> None:
    """The view `sorted_rows`: the rows as imported, sorted by platform, account and
    time, to be completed batch by batch in Arrow (`SortedRows`).

    What the sort moves is kept small, because it is most of the export's time
    (and spills to disk past `IMPORT_MEMORY_LIMIT`): each row's account is a
    number, its rank among the accounts (`accounts`, a sort of the accounts
    alone), and its source file the file's number (`source_files`). The rows are
    sorted on two integers, the rank and the time, rather than on the text of the
    platform and id, in the same order. At 10M rows the sort took 18 s with the
    file names and the ids in it, 8.6 s without.

    The sector map's assignment is joined to the accounts, not to the rows: each
    account's `mapped_sector`, `mapped_org_id`, `mapped_org_name` (null where the
    map does not name it), which `SortedRows` gives its rows after the sort.
    """
    source = parquet_source(parts) if parts else _empty_source()
    con.register("assignment", assignment if assignment is not None else empty_assignment())
    mapped = ", ".join(f"a.{name} AS mapped_{name}" for name in MAPPED)
    con.execute(f"""
        CREATE TEMP TABLE accounts AS
        SELECT d.platform, d.account_id, {mapped},
               (row_number() OVER (ORDER BY d.platform, d.account_id) - 1) AS account_number
        FROM (SELECT DISTINCT platform, account_id FROM {source}) d
            LEFT JOIN assignment a ON a.platform = d.platform AND a.account_id = d.account_id
        """)
    con.execute(f"""
        CREATE TEMP TABLE source_files AS
        SELECT source_file,
               (row_number() OVER (ORDER BY source_file) - 1) AS file_number
        FROM (SELECT DISTINCT source_file FROM {source} WHERE source_file NOTNULL)""")
    carried = ", ".join(f"t.{c}" for c in DTYPES if c not in NUMBERED)
    con.execute(f"""
        CREATE VIEW sorted_rows AS
        SELECT r.account_number, f.file_number, {carried}
        FROM {source} t
            LEFT JOIN accounts r ON r.platform = t.platform AND r.account_id = t.account_id
            LEFT JOIN source_files f ON f.source_file = t.source_file
        ORDER BY r.account_number, t.snapshot_at""")


# Columns the sort carries as numbers, named after it: column -> its number's column.
NUMBERED = {"platform": "account_number", "account_id": "account_number",
            "source_file": "file_number"}
MAPPED = ("sector", "org_id", "org_name")  # the columns a sector map gives an account


class SortedRows:
    """`sorted_rows` in batches of the table's Arrow schema: each row's platform and
    account named from its account's number, its source file from the file's; its
    sector, org_id and org_name the map's where the map gives one, its own
    otherwise (as `apply_sector_map` does); counted as they go (`Tally`). Holds
    the accounts and the files' names, not the rows."""

    def __init__(self, con):
        accounts = con.sql("SELECT * FROM accounts ORDER BY account_number").to_arrow_table()
        files = con.sql("SELECT source_file FROM source_files ORDER BY file_number"
                        ).to_arrow_table()
        self.names = {name: table[name].combine_chunks() for table, name in [
            (accounts, "platform"), (accounts, "account_id"), (files, "source_file")]}
        self.mapped = {name: accounts[f"mapped_{name}"].combine_chunks() for name in MAPPED}
        self.tally = Tally(self.names["platform"])

    def batches(self, con, batch_rows: int):
        # Deferred: pyarrow only when this runs.
        import pyarrow as pa

        schema = arrow_schema()
        for batch in con.sql("SELECT * FROM sorted_rows").to_arrow_reader(batch_rows):
            columns = [self._column(name, batch) for name in DTYPES]
            named = pa.RecordBatch.from_arrays(columns, names=list(DTYPES)).cast(schema)
            self.tally.add(named, batch["account_number"])
            yield named

    def _column(self, name: str, batch):
        # Deferred: pyarrow only when this runs.
        import pyarrow.compute as pc

        if name in NUMBERED:
            return self.names[name].take(batch[NUMBERED[name]])
        if name in MAPPED:
            return pc.coalesce(self.mapped[name].take(batch["account_number"]), batch[name])
        return batch[name]


class Tally:
    """What `WrittenTable` says, counted from the batches written: the rows and
    accounts of each platform, and the accounts with a row of unknown sector (the
    count `COUNT(DISTINCT account_id) FILTER (WHERE sector = 'unknown')` gives),
    one flag per account number."""

    def __init__(self, platforms):  # each account's platform, by account number
        # Deferred: numpy only when this runs.
        import numpy as np

        self.platforms = platforms
        self.unknown = np.zeros(len(platforms), dtype=bool)
        self.rows: dict[str, int] = {}

    def add(self, batch, account_numbers) -> None:
        # Deferred: pyarrow only when this runs.
        import pyarrow.compute as pc

        for counted in pc.value_counts(batch["platform"]).to_pylist():
            platform = counted["values"]
            self.rows[platform] = self.rows.get(platform, 0) + counted["counts"]
        unknown = pc.equal(batch["sector"], UNKNOWN).fill_null(False)
        self.unknown[pc.filter(account_numbers, unknown).to_numpy()] = True

    def written(self, out: Path, files: int) -> WrittenTable:
        # Deferred: pyarrow only when this runs.
        import pyarrow.compute as pc

        accounts = {c["values"]: c["counts"]
                    for c in pc.value_counts(self.platforms).to_pylist()}
        return WrittenTable(out, sum(self.rows.values()), files, accounts,
                            int(self.unknown.sum()))


def _empty_source() -> str:
    """No part at all (the files held only empty pages): no row, the table's columns."""
    types = {"string": "VARCHAR", "Int64": "BIGINT", "boolean": "BOOLEAN", "bool": "BOOLEAN"}
    nulls = ", ".join(f"NULL::{types.get(dtype, 'TIMESTAMPTZ')} AS {name}"
                      for name, dtype in DTYPES.items())
    return f"(SELECT {nulls} WHERE false)"


def _write(reader, aside: Path, suffix: str) -> None:
    """The batches (`SortedRows.batches`, in the table's Arrow schema) to `aside`."""
    if suffix.lower() == ".csv":
        _write_csv(reader, aside)
    else:
        _write_parquet(reader, aside)


def _write_parquet(reader, aside: Path) -> None:
    """Batch by batch, in the table's Arrow schema (with pandas' metadata, so that
    `pd.read_parquet` gives back the table's dtypes)."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.parquet as pq

    # Each batch is encoded and written in a thread (pyarrow lets go of the GIL)
    # while the next one is made: 8 s of a 10M-row export, no longer in its way.
    with pq.ParquetWriter(aside, arrow_schema()) as writer, ThreadPoolExecutor(1) as thread:
        writing = None
        for batch in reader:
            if writing is not None:
                writing.result()  # one batch at a time, in order; raises what it raised
            writing = thread.submit(writer.write_batch, batch)
        if writing is not None:
            writing.result()


def _write_csv(reader, aside: Path) -> None:
    """Batch by batch, formatted as `write_table` formats a whole table."""
    with aside.open("w", encoding="utf-8", newline="") as handle:
        header = True
        for batch in reader:
            frame = conform(batch.to_pandas())
            frame.to_csv(handle, index=False, header=header, date_format=CSV_TIME_FORMAT,
                         lineterminator="\n")
            header = False
        if header:  # no row at all: the header alone
            conform(pd.DataFrame()).to_csv(handle, index=False, lineterminator="\n")
