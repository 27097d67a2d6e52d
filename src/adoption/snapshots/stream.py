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
found. A file with a million bad rows must not print a million lines (nor hold
a million problems): `ProblemLog` keeps the first `MAX_PROBLEMS_SHOWN` of a
file and counts the rest. `BatchCounter` records the largest batch held, so a
test can check the memory bound rather than trust it.

A file that holds only empty pages (an API's answer with no account in it) is
no error: it gives no row and a note (a `SnapshotWarning`).

Batches are Arrow tables in the table's schema (`dataset.arrow_schema`). Each
JSONL line is offered to the fast path first (`fastpath.Batch.take_line`),
which takes the well-formed twarc2 pages; the exact path below reads the rest.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from adoption.problems import DataError, Problem, problem
from adoption.readers import RawTable, read_table
from adoption.snapshots.api_formats import SHAPES_HELP, ImportOptions, find_accounts, to_row
from adoption.snapshots.dataset import arrow_schema
from adoption.snapshots.fastpath import Batch, DistinctKeys
from adoption.snapshots.jsonfile import PARQUET_MAGIC, ArchiveFile, looks_like_json
from adoption.snapshots.snapshot_table import (
    COUNTERS,
    SnapshotWarning,
    check_values,
    conform,
    read_layout,
)

SNAPSHOT_AT_HELP = "--snapshot-at TIME: when the data were retrieved, e.g. 2023-09-20T14:00Z"
DEFAULT_BATCH_ROWS = 50_000  # about 60 MB of rows being parsed, whatever the file size
MAX_PROBLEMS_SHOWN = 100  # per file; the others are counted


class ProblemLog:
    """The problems of one file: the first `shown` kept, the others only counted."""

    def __init__(self, path: Path, shown: int = MAX_PROBLEMS_SHOWN):
        self.path = path
        self.shown = shown
        self.kept: list[Problem] = []
        self.count = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def add(self, problems: Iterable[Problem]) -> None:
        for found in problems:
            self.count += _stands_for(found)
            if len(self.kept) < self.shown:
                self.kept.append(found)

    def merge(self, other: ProblemLog) -> None:
        """Another log's problems, those it kept and those it only counted."""
        self.add(other.kept)
        self.count += other.count - len(other.kept)

    def problems(self) -> list[Problem]:
        """The problems kept, and one saying how many more there are, if any."""
        if self.count <= len(self.kept):
            return list(self.kept)
        return [*self.kept, problem(self.path, f"{self.count} problems in this file; only the "
                                               f"first {len(self.kept)} are shown",
                                    expected="a file without these problems: fix the ones "
                                             "shown and run again")]


def _stands_for(found: Problem) -> int:
    """How many problems one line stands for: a table file's column checks list a few
    and then say 'N more problems like these' (`adoption.schema`)."""
    more = re.match(r"(\d+) more problems", found.message)
    return int(more.group(1)) if more else 1


def needs_checking(table: pa.Table, now: pd.Timestamp) -> bool:
    """Whether any row breaks a rule of `snapshot_table.check_values` (a negative counter, a
    snapshot in the future, a creation after the snapshot): asked of Arrow, at C speed."""
    if not table.num_rows:
        return False
    snapshot_at = table["snapshot_at"]
    flags = [pc.less(table[name], 0) for name in COUNTERS]
    now_us = pa.scalar(now.value // 1000, pa.timestamp("us", tz="UTC"))  # floor: exact
    flags.append(pc.greater(snapshot_at, now_us))
    flags.append(pc.greater(table["created_at"], snapshot_at))
    return any(pc.any(flag).as_py() for flag in flags)


def capped(problems: list[Problem], shown: int = MAX_PROBLEMS_SHOWN) -> list[Problem]:
    """At most `shown` problems per file, and for each file with more, how many."""
    logs: dict[str, ProblemLog] = {}
    for found in problems:
        logs.setdefault(found.file, ProblemLog(Path(found.file), shown)).add([found])
    return [kept for log in logs.values() for kept in log.problems()]


@dataclass
class BatchCounter:
    """What the streaming held: the most rows at once, and how many batches; and what
    the fast path's lines prove of repeated reads (`fastpath.DistinctKeys`)."""

    batches: int = 0
    rows: int = 0
    max_rows_held: int = 0
    fast_lines: int = 0  # JSONL lines read by the fast path (`fastpath`)
    exact_lines: int = 0  # JSONL lines, and JSON documents, read by the exact path
    keys: DistinctKeys = field(default_factory=DistinctKeys)

    def count(self, held: int) -> None:
        self.batches += 1
        self.rows += held
        self.max_rows_held = max(self.max_rows_held, held)

    def add(self, other: BatchCounter) -> None:
        """Another counter's figures (a worker's), as if counted here."""
        self.batches += other.batches
        self.rows += other.rows
        self.max_rows_held = max(self.max_rows_held, other.max_rows_held)
        self.fast_lines += other.fast_lines
        self.exact_lines += other.exact_lines
        self.keys.add(other.keys)


@dataclass
class FileStream:
    """How to read one file: options, the present (for the future check), the batch size."""

    path: Path
    options: ImportOptions
    now: pd.Timestamp
    batch_rows: int = DEFAULT_BATCH_ROWS
    skip_bad_lines: bool = False
    counter: BatchCounter = field(default_factory=BatchCounter)
    on_progress: Callable[[int], None] | None = None  # bytes of the file read so far
    fast: bool = True  # False: every line the exact way (to compare, or to be sure)
    problems: ProblemLog = field(init=False)

    def __post_init__(self) -> None:
        self.problems = ProblemLog(self.path)

    def batches(self) -> Iterator[pa.Table]:
        """The file's rows, in batches of at most `batch_rows` (Arrow tables in the
        table's schema, `dataset.arrow_schema`), checked.

        Problems go to `self.problems` (a DataError raised while opening or reading
        the file is caught there too); the batches are still yielded so that every
        problem is found, but must not be written once there is one.
        """
        try:
            with ArchiveFile(self.path, self.options.max_document_bytes) as archive:
                head = archive.head()
                if head.startswith(PARQUET_MAGIC) and not archive.compressed:
                    yield from self._parquet_batches()
                elif looks_like_json(head):
                    yield from self._json_batches(archive)
                else:
                    yield from self._table_batches()
        except DataError as error:
            self.problems.add(error.problems)

    def _finish(self, table: pa.Table) -> pa.Table:
        """A batch checked (`check_values`), and counted for the memory bound."""
        self.counter.count(table.num_rows)
        if needs_checking(table, self.now):  # rare: then the messages, from pandas
            self.problems.add(check_values(conform(table.to_pandas()), self.now))
        return table

    def _json_batches(self, archive: ArchiveFile) -> Iterator[pa.Table]:
        skipped = ProblemLog(self.path)
        batch = Batch(self.path, self.counter.keys)
        accounts = documents = empty_pages = 0
        lacks_time = False
        take_line = batch.take_line if self.fast else None
        for document in archive.documents(lambda bad: skipped.add([bad]), take_line):
            documents += 1
            if document is None:  # a line the fast path took
                self.counter.fast_lines += 1
                accounts += 1
            else:
                self.counter.exact_lines += 1
                held = find_accounts(document, self.path)
                empty_pages += held.empty
                self.problems.add(held.problems)
                for account in held.found:
                    row, row_problems = to_row(account, self.path, self.options)
                    self.problems.add(row_problems)
                    if row["snapshot_at"] is None and not lacks_time:
                        lacks_time = True  # said once for the file, before any row is handed on
                        self.problems.add([problem(
                            self.path, "does not say when the data were retrieved",
                            expected=SNAPSHOT_AT_HELP)])
                    batch.add_row(row)
                    accounts += 1
            while len(batch) >= self.batch_rows:
                yield self._finish(batch.take(self.batch_rows))
                self._progress(archive)
        if len(batch):
            yield self._finish(batch.take(self.batch_rows))
        self._progress(archive)
        self._report_skipped(skipped, documents)
        if not accounts and not self.problems:
            self._no_accounts(documents, empty_pages)

    def _no_accounts(self, documents: int, empty_pages: int) -> None:
        """Only empty pages: a note, zero rows. No account object at all: a problem."""
        if documents and empty_pages == documents:
            pages = "an empty page" if documents == 1 else f"{documents} empty pages"
            warnings.warn(SnapshotWarning(problem(
                self.path, f"holds {pages} (an API answer with no account in it): imported "
                           "as zero accounts")), stacklevel=3)
            return
        self.problems.add([problem(self.path, "holds no account objects",
                                   expected="account data: " + SHAPES_HELP)])

    def _report_skipped(self, skipped: ProblemLog, documents: int) -> None:
        """Bad lines: warnings when the user chose to skip them, problems otherwise."""
        if not skipped:
            return
        if not self.skip_bad_lines:
            self.problems.merge(skipped)
            self.problems.add([problem(
                self.path, f"{skipped.count} bad line(s); --skip-bad-lines keeps the "
                           f"{documents} good one(s) and reports the rest")])
            return
        for bad_line in skipped.problems():
            warnings.warn(SnapshotWarning(bad_line), stacklevel=3)

    def _parquet_batches(self) -> Iterator[pa.Table]:
        # Deferred: pyarrow only when this runs.
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
            # Integers stay Python integers, exact, where a column has missing values
            # (the default would make them floats: ids beyond 2**53 would change).
            frame = batch.to_pandas(integer_object_nulls=True).reset_index(drop=True)
            frame = frame.astype(object)
            frame = frame.where(frame.notna(), None)
            lines = list(range(first_line, first_line + len(frame)))
            first_line += len(frame)
            yield self._layout_rows(RawTable(self.path, frame, lines))

    def _table_batches(self) -> Iterator[pa.Table]:

        raw = read_table(self.path)
        for start in range(0, len(raw.frame), self.batch_rows):
            part = raw.frame.iloc[start:start + self.batch_rows].reset_index(drop=True)
            yield self._layout_rows(RawTable(self.path, part,
                                             raw.lines[start:start + self.batch_rows]))

    def _layout_rows(self, raw: RawTable) -> pa.Table:
        rows, layout_problems = read_layout(raw, self.options.snapshot_at)
        self.problems.add(layout_problems)
        table = conform(rows.reset_index(drop=True))
        return self._finish(pa.Table.from_pandas(table, schema=arrow_schema(),
                                                 preserve_index=False))

    def _progress(self, archive: ArchiveFile) -> None:
        if self.on_progress is not None:
            self.on_progress(archive.position())
