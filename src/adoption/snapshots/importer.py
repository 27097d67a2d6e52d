"""Archived files -> a snapshot dataset: `import_snapshots`, behind
`adoption snapshots import FILE... --dataset DIR`.

How an import keeps its promises:

- bounded memory: each file is streamed (`adoption.snapshots.stream`) in
  batches of `batch_rows` rows, each batch split by partition and written as
  Parquet row groups (`dataset.PartitionWriter`); no file is ever held whole;
- all or nothing: parts are written in a hidden staging folder inside DIR; on
  any problem it is deleted and the dataset is as it was. On success the parts
  are moved into their partitions, then the manifest is replaced in one atomic
  step (the commit). Readers read only the parts the manifest lists, so a crash
  between the two leaves unlisted parts that nobody reads and the next import
  deletes;
- append-only: an import only adds part files, under new names; it never
  rewrites a committed one;
- resumable: the manifest records each imported file's SHA-256; a file whose
  content is already in the dataset is skipped, whatever its name now;
- the rules of `load_snapshots` for a snapshot read twice, checked on the
  dataset with DuckDB at the end (`adoption.snapshots.repeats`);
- the sector map, when one is given or stored, checked against every account
  (from the list of accounts the dataset keeps, `account_lists`, and the rows
  it does not cover yet: this import's, for a daily one);
- problems capped: at most `MAX_PROBLEMS_SHOWN` per file and
  `MAX_PROBLEMS_SHOWN_IN_ALL` in all are kept, the others counted (every file
  is still read to the end, so that the count is exact).

A snapshot dataset may be among the files: its parts are read as Parquet files
of the table's layout (their provenance kept), which merges one dataset into
another, or, with `import_to_file`, exports it.

One import at a time: a lock (`.import.lock`, `adoption.files`) refuses a second one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.files import Busy, acquire_lock, write_atomically
from adoption.problems import DataError, Problem, fail, problem
from adoption.snapshots.account_lists import AccountSources, dataset_accounts, list_path
from adoption.snapshots.api_formats import ImportOptions
from adoption.snapshots.dataset import Manifest, SnapshotDataset, StagedPart
from adoption.snapshots.engines.in_duckdb import connect
from adoption.snapshots.jsonfile import DEFAULT_MAX_DOCUMENT_MB, check_limit
from adoption.snapshots.load import parse_time
from adoption.snapshots.parallel import ReadSettings, read_files
from adoption.snapshots.repeats import IMPORT_MEMORY_LIMIT, settle_repeats
from adoption.snapshots.sectors import account_sectors, read_sector_map
from adoption.snapshots.snapshot_table import SnapshotWarning
from adoption.snapshots.stream import DEFAULT_BATCH_ROWS, BatchCounter
from adoption.snapshots.workers import Worker, reap, start_workers, stop_unused

LOCK_NAME = ".import.lock"
HOLDER_NAME = ".import.holder"  # "host pid" of the import holding the lock
STAGING_PREFIX = ".import-"
MAX_PROBLEMS_SHOWN_IN_ALL = 1000  # lines of problems, whatever the number of files


@dataclass
class ImportedFile:
    """A file read by this import: its SHA-256 (recorded in the manifest), size, rows read."""

    path: Path
    sha256: str
    bytes: int
    rows: int = 0


@dataclass
class SkippedFile:
    """A file not read, and why (its content is already in the dataset)."""

    path: Path
    reason: str


@dataclass
class ImportReport:
    """What an import did. `counter` shows the memory bound held (rows at once)."""

    dataset: Path
    imported: list[ImportedFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    parts: list[StagedPart] = field(default_factory=list)
    repeats: int = 0
    counter: BatchCounter = field(default_factory=BatchCounter)
    sector_map: str | None = None
    assignment: pd.DataFrame | None = None  # each mapped account's sector (sectors.py)
    account_list: str | None = None  # the dataset's account list, written again (staged)

    @property
    def rows_added(self) -> int:
        return sum(part.rows for part in self.parts)

    def describe(self) -> str:
        """One line for the command line."""
        files = len(self.imported)
        if not files and not self.sector_map:
            return (f"{self.dataset}: nothing new to import ({len(self.skipped)} file(s) "
                    "already imported)")
        text = (f"{self.dataset}: imported {files} file{'s' if files != 1 else ''}, "
                f"{self.rows_added} snapshots added in "
                f"{len({p.partition for p in self.parts})} partition(s)")
        if self.repeats:
            text += f" ({self.repeats} repeated reads kept once)"
        if self.skipped:
            text += f"; skipped {len(self.skipped)} already imported"
        if self.sector_map:
            text += f"; sector map {self.sector_map} stored"
        return text


def import_snapshots(
    files: Iterable[str | Path],
    dataset: str | Path,
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
) -> ImportReport:
    """Stream archived files into the dataset at `dataset` (created if absent).

    The options are `load_snapshots`'s. `sector_map` is checked against every
    account of the dataset and stored in it (the latest given is the one the
    summaries use). `max_document_mb`: the longest JSONL line, or JSON file read
    whole, accepted (decompressed). `progress`: a progress bar on stderr (None:
    only on a terminal). `workers`: processes reading files at once (None:
    every core for a large import, `parallel.read_files`). `fast=False` reads
    every line the exact way, without `fastpath` (the same answer, slower).
    `started`: worker processes started for these files (`workers.start_ahead`),
    for the import to use; it ends those it does not need (the caller ends them,
    `stop_unused`, should the import fail before it reads). Raises DataError,
    listing the problems, with the dataset left exactly as it was.
    """
    root = Path(dataset)
    if not root.parent.is_dir():
        raise fail(root, f"folder {str(root.parent)!r} does not exist",
                   expected="a dataset folder inside an existing folder")
    options = ImportOptions(parse_time(snapshot_at, "snapshot_at"), server,
                            check_limit(max_document_mb))
    present = parse_time(now, "now") or pd.Timestamp.now(tz="UTC")
    new_map = read_sector_map(sector_map) if sector_map is not None else None
    with _dataset_folder(root), _import_lock(root):
        manifest = Manifest.read(root)
        _remove_leftovers(root, manifest)
        report = ImportReport(root)
        paths = _readable_paths(files)
        if started is None:
            started = start_workers(paths, workers)  # they load while the files are hashed
        staging = root / f"{STAGING_PREFIX}{_import_id()}"
        try:
            todo = _plan(paths, manifest, report)
            if not todo and new_map is None:
                return report
            settings = ReadSettings(staging, _id_of(staging), options,
                                    present, batch_rows, skip_bad_lines, fast)
            _stream_files(todo, staging, report, settings, progress, workers, started)
            settle_repeats(root, manifest, staging, report)
            report.assignment = _check_sectors(root, manifest, staging, report, new_map)
            _commit(root, manifest, staging, report, new_map, sector_map, options,
                    skip_bad_lines)
        finally:
            stop_unused(started)
            shutil.rmtree(staging, ignore_errors=True)
            reap()  # the workers, which ended while the end checks ran
    return report


@contextlib.contextmanager
def _dataset_folder(root: Path) -> Iterator[None]:
    """The dataset folder, created if absent, and removed again if the import that
    created it fails: a failed import leaves things as they were."""
    created = not root.exists()
    root.mkdir(exist_ok=True)
    try:
        yield
    except BaseException:
        if created:
            shutil.rmtree(root, ignore_errors=True)
        raise


def _import_id() -> str:
    """Sortable by time, unique: 20240131T120000Z-1a2b3c."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


@contextlib.contextmanager
def _import_lock(root: Path) -> Iterator[None]:
    """Refuse a second import into the same dataset while one runs. The lock dies with its
    holder (`adoption.files`), so a killed import never blocks the next one."""
    try:
        lock = acquire_lock(root / LOCK_NAME, wait=0)
    except Busy:
        holder = _read_holder(root / HOLDER_NAME)
        raise fail(root, f"another import into this dataset is running{holder}",
                   expected="one import at a time") from None
    try:
        (root / HOLDER_NAME).write_text(f"{socket.gethostname()} {os.getpid()}\n",
                                        encoding="utf-8")
        yield
    finally:
        (root / HOLDER_NAME).unlink(missing_ok=True)
        lock.release()


def _read_holder(path: Path) -> str:
    """" (host 1234)": which process holds the lock, for the message, if it said so."""
    try:
        return f" ({path.read_text(encoding='utf-8', errors='replace').strip()})"
    except OSError:
        return ""


def _remove_leftovers(root: Path, manifest: Manifest) -> None:
    """Staging folders, and parts and account lists the manifest does not name, left
    by an import that crashed (or, for a list, replaced)."""
    for staging in root.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(staging, ignore_errors=True)
    listed = {part["path"] for part in manifest.parts()}
    if manifest.accounts is not None:
        listed.add(manifest.accounts["path"])
    for written in [*root.glob("platform=*/month=*/part-*.parquet"),
                    *root.glob(list_path("*"))]:
        if written.relative_to(root).as_posix() not in listed:
            written.unlink()


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _readable_paths(files: Iterable[str | Path]) -> list[Path]:
    """The files given, each dataset among them as its parts; DataError for any that
    is no file."""
    paths = list(_with_dataset_parts(files))
    problems = [problem(path, "is a folder, not a file" if path.is_dir() else "file not found",
                        expected="an archived data file")
                for path in paths if not path.is_file()]
    if problems:
        raise DataError(problems)
    return paths


def _plan(paths: list[Path], manifest: Manifest, report: ImportReport) -> list[ImportedFile]:
    """The files to read: not already in the dataset, nor twice in this import."""
    known = manifest.known_files()
    seen: dict[str, Path] = {}
    todo = []
    # Hashed on every core (hashlib lets go of the GIL): a second of a 10M-row import.
    with ThreadPoolExecutor(os.cpu_count() or 1) as threads:
        digests = list(threads.map(sha256_of, paths))
    for path, digest in zip(paths, digests, strict=True):
        if digest in known:
            earlier = known[digest]
            report.skipped.append(SkippedFile(path, f"already imported as {earlier['name']} "
                                                    f"on {earlier['at']}"))
        elif digest in seen:
            report.skipped.append(SkippedFile(path, f"same content as {seen[digest]}"))
        else:
            seen[digest] = path
            todo.append(ImportedFile(path, digest, path.stat().st_size))
    return todo


def _with_dataset_parts(files: Iterable[str | Path]) -> Iterator[Path]:
    """The files, with each snapshot dataset folder among them replaced by its parts."""
    for name in files:
        path = Path(name)
        if path.is_dir() and SnapshotDataset.is_dataset(path):
            yield from SnapshotDataset(path).part_paths()
        else:
            yield path


def _stream_files(todo: list[ImportedFile], staging: Path, report: ImportReport,
                  settings: ReadSettings, progress: bool | None, workers: int | None,
                  started: list[Worker]) -> None:
    """Read every file in batches into staged parts (on every core for a large import).
    Raises DataError on any problem."""
    # Deferred: tqdm only when this runs.
    from tqdm import tqdm

    total = sum(entry.bytes for entry in todo)
    with tqdm(total=total, unit="B", unit_scale=True, desc="importing", leave=False,
              disable=None if progress is None else not progress) as bar:
        parts, files, counter = read_files([entry.path for entry in todo], settings,
                                           workers=workers, started=started,
                                           on_progress=lambda at: bar.update(at - bar.n))
    report.parts = parts
    report.counter.add(counter)
    shown = _ShownProblems()
    for entry, result in zip(todo, files, strict=True):
        entry.rows = result.rows
        for note in result.notes:
            warnings.warn(SnapshotWarning(note), stacklevel=4)
        for other in result.other_warnings:
            warnings.warn(other, stacklevel=4)
        shown.add(entry.path, result.problem_count, result.problems)
    if shown:
        raise DataError(shown.problems())
    report.imported = todo


@dataclass
class _ShownProblems:
    """Problems of every file, up to MAX_PROBLEMS_SHOWN_IN_ALL lines; files beyond are
    counted (their files and problems) in one last line."""

    lines: list[Problem] = field(default_factory=list)
    count: int = 0
    hidden_files: list[Path] = field(default_factory=list)
    hidden_count: int = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, path: Path, count: int, problems: list[Problem]) -> None:
        if not count:
            return
        self.count += count
        if len(self.lines) + len(problems) <= MAX_PROBLEMS_SHOWN_IN_ALL:
            self.lines += problems
        else:
            self.hidden_files.append(path)
            self.hidden_count += count

    def problems(self) -> list[Problem]:
        if not self.hidden_files:
            return self.lines
        first = self.hidden_files[0]
        return [*self.lines, problem(
            first, f"this file and {len(self.hidden_files) - 1} other(s) have "
                   f"{self.hidden_count} more problems, not shown",
            expected="files without these problems: fix the ones shown and run again")]


def _check_sectors(root: Path, manifest: Manifest, staging: Path, report: ImportReport,
                   new_map: pd.DataFrame | None) -> pd.DataFrame | None:
    """The sector map (given now, else the stored one) against every account of the
    dataset with this import's rows: the errors and warnings of `apply_sector_map`.
    Returns the sector it gives each account it names (None without a map)."""
    stored = SnapshotDataset(root).sector_map_path()
    sector_map = new_map if new_map is not None else (
        read_sector_map(stored) if stored is not None else None)
    if sector_map is None:
        return None
    sources = AccountSources.of(root, manifest.imports, manifest.accounts)
    sources.parts += [staging / part.relative for part in report.parts]
    if not sources:
        return None
    new_list = list_path(_id_of(staging))
    with connect(memory_limit=IMPORT_MEMORY_LIMIT, temp_directory=staging / ".spill") as con:
        accounts = dataset_accounts(con, sources, staging / new_list)
    if sources.parts:  # the list was written again, with them
        report.account_list = new_list
    with warnings.catch_warnings():
        if new_map is None:  # warned about when it was given
            warnings.simplefilter("ignore", SnapshotWarning)
        return account_sectors(accounts, sector_map)


def _commit(root: Path, manifest: Manifest, staging: Path, report: ImportReport,
            new_map: pd.DataFrame | None, map_path: str | Path | None,
            options: ImportOptions, skip_bad_lines: bool) -> None:
    """Move the staged parts into place, then replace the manifest: the commit."""
    import_id = _id_of(staging)
    moved = [part.relative for part in report.parts]
    if report.account_list is not None:
        moved.append(report.account_list)
    for relative in moved:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
    if new_map is not None and map_path is not None:
        manifest.sector_map = _store_sector_map(root, Path(map_path))
        report.sector_map = str(map_path)
    if report.imported:
        manifest.imports.append({
            "id": import_id,
            "at": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": [{"name": str(f.path), "sha256": f.sha256, "bytes": f.bytes,
                       "rows": f.rows} for f in report.imported],
            "parts": [{"path": p.relative, "partition": p.partition, "rows": p.rows}
                      for p in report.parts],
            "options": {"snapshot_at": None if options.snapshot_at is None
                        else options.snapshot_at.isoformat(),
                        "server": options.server, "skip_bad_lines": skip_bad_lines},
        })
    replaced = manifest.accounts
    if report.account_list is not None:
        manifest.accounts = {"path": report.account_list, "through": manifest.imports[-1]["id"]}
    manifest.write(root)
    if replaced is not None and report.account_list is not None:
        (root / replaced["path"]).unlink(missing_ok=True)  # no longer named: never read


def _id_of(staging: Path) -> str:
    """The import's id, which names its staging folder, its parts and its account list."""
    return staging.name.removeprefix(STAGING_PREFIX)


def _store_sector_map(root: Path, source: Path) -> dict:
    """A copy of the sector map inside the dataset, named by its content."""
    digest = sha256_of(source)
    target = root / "sector_maps" / f"{digest}.csv"
    target.parent.mkdir(exist_ok=True)
    if not target.exists():
        write_atomically(target, lambda aside: shutil.copyfile(source, aside))
    return {"path": target.relative_to(root).as_posix(), "sha256": digest,
            "name": str(source)}


def check_files(files: Iterable[str | Path], **options: object) -> list[Problem]:
    """Every problem an import of `files` would meet (an empty list when none), found
    by importing them into a throwaway dataset: in bounded memory, whatever their
    size, with every check. `options` are `import_snapshots`'s."""
    with tempfile.TemporaryDirectory(prefix="adoption-check-") as folder:
        try:
            import_snapshots(files, Path(folder) / "dataset", **options)  # type: ignore[arg-type]
        except DataError as error:
            return error.problems
    return []
