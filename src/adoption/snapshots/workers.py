"""The import's worker processes: how many, started (ahead of need), ended, waited for.

A worker is a Python process of its own (`python -m adoption.snapshots.parallel`)
that reads chunks of files sent down its standard input and sends back what it
read (`parallel`). It starts in about half a second, most of it importing pandas
and pyarrow. So the sooner it starts, the better:

- `import_snapshots` starts its workers before it hashes the files;
- the import command starts them even before that (`start_ahead`), before its
  own process imports pandas and pyarrow (0.4 s), so that both load at once, on
  two cores. That is why this module imports neither.

Workers started for nothing (every file was imported before, say) are killed at
once (`stop_unused`), not waited for while they load.
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adoption.snapshots.parallel import ChunkResult, ReadSettings

PARALLEL_FROM_BYTES = 16_000_000  # of stored files: below, one process reads them all


def worker_count(asked: int | None, total_bytes: int, files: int) -> int:
    """The processes reading `files` of `total_bytes`, this one included: `asked`
    (at most one a file), or one per core for a large import, else one."""
    if asked is not None:
        return max(1, min(asked, files))
    if total_bytes < PARALLEL_FROM_BYTES or files < 2:
        return 1
    return max(1, min(os.cpu_count() or 1, files))


class Worker:
    """A worker process: chunks go down its standard input, results come back up."""

    def __init__(self):
        package_root = Path(__file__).resolve().parents[2]  # where `adoption` is imported from
        paths = [str(package_root), os.environ.get("PYTHONPATH", "")]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adoption.snapshots.parallel"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)})

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        # Closing its standard input tells it to stop. It is waited for later
        # (`reap`): its Python takes a tenth of a second to end, which the import
        # need not wait for, as nothing it wrote is still open.
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.stdout.close()  # type: ignore[union-attr]
        _stopping.append(self.process)

    def cancel(self) -> None:
        """End a worker that was never given a chunk."""
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()  # type: ignore[union-attr]
        self.process.stdout.close()  # type: ignore[union-attr]

    def read(self, number: int, paths: list[Path], settings: ReadSettings) -> ChunkResult:
        pickle.dump((number, paths, settings), self.process.stdin)
        self.process.stdin.flush()  # type: ignore[union-attr]
        try:
            outcome, value = pickle.load(self.process.stdout)  # type: ignore[arg-type]
        except EOFError:
            raise RuntimeError(f"an import worker stopped (exit code "
                               f"{self.process.wait()}); see its message above") from None
        if outcome == "error":
            raise RuntimeError(f"an import worker failed:\n{value}")
        return value


def start_workers(paths: list[Path], workers: int | None = None) -> list[Worker]:
    """The worker processes `read_files` will want for these files, started ahead.
    Give them to `read_files` (`started`), then `stop_unused` them."""
    sizes = [path.stat().st_size for path in paths]
    return [Worker() for _ in range(worker_count(workers, sum(sizes), len(paths)) - 1)]


def start_ahead(files: Iterable[str | Path], workers: int | None = None) -> list[Worker] | None:
    """For the import command, before it loads pandas: the workers an import of
    `files` will want, started. None where the import is better left to decide,
    having checked the files: a folder among them (a dataset, read as its parts)
    or a file that is not there (the import fails, and no worker is wanted)."""
    paths = [Path(file) for file in files]
    if not all(path.is_file() for path in paths):
        return None
    return start_workers(paths, workers)


def stop_unused(started: list[Worker] | None) -> None:
    """End the workers started ahead that `read_files` did not take (the files were
    already imported, say): at once, without waiting for them to load."""
    while started:
        started.pop().cancel()


_stopping: list[subprocess.Popen] = []  # workers told to stop, not yet waited for


@atexit.register
def reap() -> None:
    """Wait for the workers told to stop (the import calls it after its end checks)."""
    while _stopping:
        _stopping.pop().wait()
