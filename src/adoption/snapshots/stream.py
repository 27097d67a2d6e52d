"""One archived file -> batches of snapshot rows, in bounded memory.

`load_snapshots` reads every file whole, which suits the files of one study.
An archive of a year of daily harvests does not fit in memory, so the dataset
import (`adoption.snapshots.dataset`) reads each file as a stream instead:
JSON Lines one line at a time, Parquet one row group at a time, and hands on
batches of at most `batch_rows` rows, already in the table's columns and dtypes
and checked like `load_snapshots` checks them (negative counters, snapshots in
the future, creation after the snapshot). What needs more than one batch (the
same account at the same time read twice) is checked on the dataset at the end
of the import. A CSV table file is read whole (CSV is the format of small
tables; convert a large one to Parquet).

Problems are collected, not raised, so that one run lists every problem of
every file, as `load_snapshots` does; the caller writes nothing once any is
found. `BatchCounter` records the largest batch held, so a test can check the
memory bound rather than trust it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.problems import DataError, Problem, problem
from adoption.readers import RawTable
from adoption.snapshots.formats import SHAPES_HELP, ImportOptions, find_accounts, to_row
from adoption.snapshots.jsonfile import PARQUET_MAGIC, ArchiveFile, looks_like_json
from adoption.snapshots.table import SnapshotWarning, check_values, conform, read_layout

DEFAULT_BATCH_ROWS = 50_000  # about 60 MB of rows being parsed, whatever the file size


@dataclass
class BatchCounter:
    """What the streaming held: the most rows at once, and how many batches."""

    batches: int = 0
    rows: int = 0
    max_rows_held: int = 0

    def count(self, held: int) -> None:
        self.batches += 1
        self.rows += held
        self.max_rows_held = max(self.max_rows_held, held)


@dataclass
class FileStream:
    """How to read one file: options, the present (for the future check), the batch size."""

    path: Path
    options: ImportOptions
    now: pd.Timestamp
    batch_rows: int = DEFAULT_BATCH_ROWS
    skip_bad_lines: bool = False
    problems: list[Problem] = field(default_factory=list)
    counter: BatchCounter = field(default_factory=BatchCounter)
    on_progress: Callable[[int], None] | None = None  # bytes of the file read so far

    def batches(self) -> Iterator[pd.DataFrame]:
        """The file's rows, in batches of at most `batch_rows`, conformed and checked.

        Problems go to `self.problems` (a DataError raised while opening or reading
        the file is caught there too); the batches are still yielded so that every
        problem is found, but must not be written once there is one.
        """
        try:
            with ArchiveFile(self.path) as archive:
                head = archive.head()
                if head.startswith(PARQUET_MAGIC) and not archive.compressed:
                    yield from self._parquet_batches()
                elif looks_like_json(head):
                    yield from self._json_batches(archive)
                else:
                    yield from self._table_batches()
        except DataError as error:
            self.problems += error.problems

    def _finish(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Rows in the table's columns, checked; counted for the memory bound."""
        self.counter.count(len(rows))
        table = conform(rows.reset_index(drop=True))
        self.problems += check_values(table, self.now)
        return table

    def _json_batches(self, archive: ArchiveFile) -> Iterator[pd.DataFrame]:
        skipped: list[Problem] = []
        rows: list[dict] = []
        accounts = 0
        lacks_time = False
        for document in archive.documents(skip_bad_lines=self.skip_bad_lines,
                                          skipped=skipped):
            found, shape_problems = find_accounts(document, self.path)
            self.problems += shape_problems
            for account in found:
                row, row_problems = to_row(account, self.path, self.options)
                self.problems += row_problems
                lacks_time = lacks_time or row["snapshot_at"] is None
                rows.append(row)
                accounts += 1
                if len(rows) >= self.batch_rows:
                    yield self._finish(pd.DataFrame(rows))
                    rows = []
                    self._progress(archive)
        if rows:
            yield self._finish(pd.DataFrame(rows))
        self._progress(archive)
        self._report_skipped(skipped)
        if not accounts and not self.problems:
            self.problems.append(problem(self.path, "holds no account objects",
                                         expected="account data: " + SHAPES_HELP))
        if lacks_time:
            from adoption.snapshots.load import SNAPSHOT_AT_HELP

            self.problems.append(problem(self.path, "does not say when the data were retrieved",
                                         expected=SNAPSHOT_AT_HELP))

    def _report_skipped(self, skipped: list[Problem]) -> None:
        """Bad lines: warnings when the user chose to skip them, problems otherwise."""
        if not self.skip_bad_lines:
            self.problems += skipped
            return
        for bad_line in skipped:
            warnings.warn(SnapshotWarning(bad_line), stacklevel=2)

    def _parquet_batches(self) -> Iterator[pd.DataFrame]:
        import pyarrow.parquet as pq

        try:
            parquet = pq.ParquetFile(self.path)
        except Exception as error:  # pyarrow raises many types; all mean "not readable"
            raise DataError([problem(
                self.path, f"cannot be read as Parquet: {str(error).splitlines()[0]}",
                expected="a complete Parquet file")]) from None
        if parquet.metadata.num_rows == 0:
            raise DataError([problem(self.path, "has no rows",
                                     expected="at least one snapshot row")])
        first_line = 2  # Parquet rows are numbered as a spreadsheet would, header = row 1
        for batch in parquet.iter_batches(batch_size=self.batch_rows):
            frame = batch.to_pandas().reset_index(drop=True).astype(object)
            frame = frame.where(frame.notna(), None)
            lines = list(range(first_line, first_line + len(frame)))
            first_line += len(frame)
            yield self._layout_rows(RawTable(self.path, frame, lines))

    def _table_batches(self) -> Iterator[pd.DataFrame]:
        from adoption.readers import read_table

        raw = read_table(self.path)
        for start in range(0, len(raw.frame), self.batch_rows):
            part = raw.frame.iloc[start:start + self.batch_rows].reset_index(drop=True)
            yield self._layout_rows(RawTable(self.path, part,
                                             raw.lines[start:start + self.batch_rows]))

    def _layout_rows(self, raw: RawTable) -> pd.DataFrame:
        rows, layout_problems = read_layout(raw, self.options.snapshot_at)
        self.problems += layout_problems
        return self._finish(rows)

    def _progress(self, archive: ArchiveFile) -> None:
        if self.on_progress is not None:
            self.on_progress(archive.position())
