"""An import's files read on every core, with the result of reading them in order.

`read_files` splits the files into chunks of consecutive files. Each chunk is
read by `read_chunk`, in a worker process or in this one (which reads chunks
too while the workers start), into Parquet parts numbered from the chunk's own
range. So the parts' order is the files' order, whoever read them: what
`repeats` needs, where a snapshot read twice keeps its first read. Problems
and notes come back per file and are reported in the files' order; the answer
is the same for any number of workers (a test compares them).

A worker is a Python process of its own (`python -m adoption.snapshots.parallel`,
started by `workers`) that reads chunks sent down its standard input and sends
back what it read (`_serve`). Unlike multiprocessing's pools it never imports
the caller's main module again, so `import_snapshots` may be called from any
script, guarded or not. A worker starts in about half a second (it imports
pandas and pyarrow), which is why a small import (less than
`workers.PARALLEL_FROM_BYTES` of files) is read here, in one process, and why
workers are started ahead of need (`workers.start_workers`, `start_ahead`).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback
import warnings
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.problems import Problem
from adoption.snapshots.api_formats import ImportOptions
from adoption.snapshots.dataset import PartitionWriter, StagedPart
from adoption.snapshots.snapshot_table import SnapshotWarning
from adoption.snapshots.stream import BatchCounter, FileStream
from adoption.snapshots.workers import Worker, worker_count

CHUNKS_PER_WORKER = 12  # small chunks share the work out evenly (a worker starts late)
PARTS_PER_CHUNK = 100_000  # part numbers of chunk n: n * PARTS_PER_CHUNK + 1, ...


@dataclass(frozen=True)
class ReadSettings:
    """What every chunk is read with."""

    staging: Path
    import_id: str
    options: ImportOptions
    now: pd.Timestamp
    batch_rows: int
    skip_bad_lines: bool
    fast: bool


@dataclass
class FileResult:
    """One file read: its rows, its problems (the count, those shown) and its notes."""

    rows: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    other_warnings: list[str] = field(default_factory=list)


@dataclass
class ChunkResult:
    parts: list[StagedPart]
    files: list[FileResult]
    counter: BatchCounter


def read_chunk(number: int, paths: list[Path], settings: ReadSettings,
               on_progress: Callable[[int], None] | None = None) -> ChunkResult:
    """Read consecutive files into staged parts numbered from the chunk's range. Rows
    are written only while no problem was found (nothing will be committed then)."""
    writer = PartitionWriter(settings.staging, settings.import_id,
                             flush_rows=settings.batch_rows,
                             first_part=number * PARTS_PER_CHUNK + 1)
    counter = BatchCounter()
    results = []
    done = 0
    clean = True  # no problem in the chunk so far: rows are worth writing
    for path in paths:
        result = FileResult()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stream = FileStream(path, settings.options, settings.now, settings.batch_rows,
                                settings.skip_bad_lines, counter=counter,
                                on_progress=_progress(on_progress, done),
                                fast=settings.fast)
            for batch in stream.batches():
                result.rows += batch.num_rows
                if clean and not stream.problems:
                    writer.write(batch)
        result.problem_count = stream.problems.count
        clean = clean and not result.problem_count
        result.problems = stream.problems.problems()
        for warning in caught:
            if isinstance(warning.message, SnapshotWarning):
                result.notes.append(warning.message.problem)
            else:
                result.other_warnings.append(str(warning.message))
        results.append(result)
        done += path.stat().st_size
    return ChunkResult(writer.close(), results, counter)


def _progress(report: Callable[[int], None] | None, base: int) -> Callable[[int], None] | None:
    return None if report is None else (lambda at: report(base + at))


def read_files(paths: list[Path], settings: ReadSettings, *, workers: int | None = None,
               on_progress: Callable[[int], None] | None = None,
               started: list[Worker] | None = None
               ) -> tuple[list[StagedPart], list[FileResult], BatchCounter]:
    """Every file read, by `workers` processes, this one included (None: one per core
    for a large import). `on_progress(bytes)` hears of the stored bytes read so far.
    `started`: workers started ahead (`workers.start_workers`); those taken leave
    the list."""
    sizes = [path.stat().st_size for path in paths]
    workers = worker_count(workers, sum(sizes), len(paths))
    chunks = _chunks(sizes, workers)
    results: dict[int, ChunkResult] = {}
    progress = _Progress(on_progress, sizes, chunks)
    todo = deque(range(len(chunks)))

    def read_here() -> None:
        while True:
            try:
                number = todo.popleft()  # this process reads from the start, workers the end
            except IndexError:
                return
            results[number] = read_chunk(number, [paths[i] for i in chunks[number]], settings,
                                         progress.within(number))
            progress.finished(number)

    def read_there(worker: Worker) -> None:
        with worker:
            while True:
                try:
                    number = todo.pop()
                except IndexError:
                    return
                results[number] = worker.read(number, [paths[i] for i in chunks[number]],
                                              settings)
                progress.finished(number)

    if workers > 1:
        ahead = started if started is not None else []
        with ThreadPoolExecutor(workers - 1) as threads:
            helpers = [threads.submit(read_there, ahead.pop(0) if ahead else Worker())
                       for _ in range(workers - 1)]
            read_here()
            for helper in helpers:
                helper.result()  # a worker's failure is raised here
    else:
        read_here()
    ordered = [results[number] for number in range(len(chunks))]
    counter = BatchCounter()
    for result in ordered:
        counter.add(result.counter)
    return ([part for r in ordered for part in r.parts],
            [file for r in ordered for file in r.files], counter)


class _Progress:
    """Stored bytes read, for a progress bar: finished chunks, and the chunk read here."""

    def __init__(self, report: Callable[[int], None] | None, sizes: list[int],
                 chunks: list[list[int]]):
        self.report = report
        self.chunk_bytes = [sum(sizes[i] for i in chunk) for chunk in chunks]
        self.done = 0
        self.lock = threading.Lock()

    def finished(self, number: int) -> None:
        with self.lock:
            self.done += self.chunk_bytes[number]
            if self.report is not None:
                self.report(self.done)

    def within(self, number: int) -> Callable[[int], None] | None:
        if self.report is None:
            return None
        return lambda at: self.report(self.done + at)  # type: ignore[misc]


def _serve() -> None:
    """A worker's life: read chunks until its standard input closes."""
    results = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints go to stderr
    tasks = sys.stdin.buffer
    while True:
        try:
            number, paths, settings = pickle.load(tasks)
        except EOFError:
            return
        try:
            reply = ("ok", read_chunk(number, paths, settings))
        except Exception:
            reply = ("error", traceback.format_exc())
        pickle.dump(reply, results)
        results.flush()


def _chunks(sizes: list[int], workers: int) -> list[list[int]]:
    """Consecutive files in chunks of about the same size, CHUNKS_PER_WORKER a worker."""
    if workers <= 1:
        return [list(range(len(sizes)))] if sizes else []
    target = sum(sizes) / (workers * CHUNKS_PER_WORKER)
    chunks: list[list[int]] = [[]]
    held = 0
    for index, size in enumerate(sizes):
        if chunks[-1] and held + size / 2 > target:
            chunks.append([])
            held = 0
        chunks[-1].append(index)
        held += size
    return chunks


if __name__ == "__main__":
    # Run as the package's own module (not as __main__), so that what is sent back
    # unpickles in the importer as `adoption.snapshots.parallel.ChunkResult`.
    from adoption.snapshots.parallel import _serve as serve

    serve()
