"""Writing a file whole or not at all, and one process at a time: the one way every output
of the project is written, and the one lock its writers take.

The data go to a hidden file beside the target, flushed to disk, then renamed over it.
`os.replace` within one folder is atomic: a reader sees the old file or the new one,
never half of one, and a failure (a full disk, Ctrl-C) leaves the old file untouched
and no partial file behind. The hidden name ends in `.partial`, which git ignores,
should a crash (SIGKILL, power loss) ever leave one.

A lock is `filelock`'s (an `flock` on POSIX, `msvcrt` locking on Windows) on a lock
file: the system releases it when its holder dies, however it dies, so no lock is ever
stale and none needs clearing by hand. The (empty) lock file itself stays.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class Busy(Exception):
    """Another process holds the lock, and it was not released in the time allowed."""


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a hidden file beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    try:
        write(aside)
        with open(aside, "rb+") as written:  # on disk before it takes the name
            os.fsync(written.fileno())
        os.chmod(aside, 0o644)  # as a plain write would (mkstemp-style files are 0o600)
        os.replace(aside, path)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    """`data` into `path`, atomically."""
    return write_atomically(path, lambda aside: aside.write_bytes(data))


def write_text(path: Path, text: str) -> Path:
    """UTF-8 `text` into `path`, atomically, with the line ends as given."""
    return write_atomically(path, lambda aside: aside.write_text(text, encoding="utf-8",
                                                                 newline=""))


def acquire_lock(lock_file: Path, wait: float | None = None) -> FileLock:
    """Take the exclusive lock `lock_file` (created, with its folder, if need be) and return
    it held; `.release()` it when done. `wait`: at most that many seconds (0: do not wait,
    None: as long as it takes), after which `Busy` is raised."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_file)
    try:
        lock.acquire(timeout=-1 if wait is None else wait)
    except Timeout:
        raise Busy(str(lock_file)) from None
    return lock


@contextmanager
def locked(lock_file: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock `lock_file` for the block (see `acquire_lock`)."""
    lock = acquire_lock(lock_file, wait)
    try:
        yield
    finally:
        lock.release()
