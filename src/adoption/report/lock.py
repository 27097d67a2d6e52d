"""One build at a time per output folder.

Two builds writing into one folder would undo each other's work: one build's
clean-up removes files the other just published, and each writes a manifest
and a state file that leave out the other's reports. So a build holds an
exclusive lock on `<out>/.build/lock` (`adoption.files.acquire_lock`) from
before it reads what earlier builds made until its index is written.

A second build waits for the first, saying so and for how long at most
(`--wait SECONDS`, default `DEFAULT_WAIT`), then builds what is still out of
date (usually nothing); `--wait 0` refuses at once instead. The system releases
the lock when its holder dies, however it dies, so a killed build never blocks
the next one; the next one then clears what the killed build left behind
(`clean_leftovers`), which it can do safely since nobody else holds the lock.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from adoption.files import Busy, acquire_lock
from adoption.report.state import STATE_DIR, STATE_FILE

LOCK_FILE = "lock"
OWNER_FILE = "owner"  # who holds the lock, for the message of a build that waits
DEFAULT_WAIT = 600.0  # seconds; a whole default build takes well under a minute
# Files only ever present while a build writes them (`adoption.files`); ".tmp" is what
# builds before 2026-11 left.
PARTIAL_PATTERNS = (".*.partial", ".*.tmp")


class BuildBusy(Exception):
    """Another build holds the output folder, and this one did not (or could not) wait."""


@contextmanager
def output_lock(out: Path, wait: float, stream: TextIO) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait at most `wait` seconds for it."""
    folder = out / STATE_DIR
    try:
        lock = acquire_lock(folder / LOCK_FILE, wait=0)
    except Busy:
        holder = _holder(folder)
        if wait <= 0:
            raise BuildBusy(f"another build{holder} is writing into {out}; nothing was "
                            "built (--wait SECONDS waits for it)") from None
        print(f"adoption: another build{holder} is writing into {out}; waiting for it to "
              f"finish, at most {wait:g} s (--wait SECONDS to change)", file=stream, flush=True)
        try:
            lock = acquire_lock(folder / LOCK_FILE, wait=wait)
        except Busy:
            raise BuildBusy(f"another build{holder} was still writing into {out} after "
                            f"{wait:g} s; nothing was built (try again when it has "
                            "finished, or wait longer with --wait SECONDS)") from None
    try:
        (folder / OWNER_FILE).write_text(f"{os.getpid()} {time.strftime('%H:%M:%S')}\n")
        yield
    finally:
        (folder / OWNER_FILE).unlink(missing_ok=True)
        lock.release()


def clean_leftovers(out: Path) -> list[Path]:
    """Remove what an interrupted or killed build left: staging folders under
    `.build/` and partial files. Only called under the lock. Returns what it removed."""
    removed = []
    staging = out / STATE_DIR
    if staging.is_dir():
        for path in staging.iterdir():
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            elif path.name not in (STATE_FILE, LOCK_FILE, OWNER_FILE):
                path.unlink(missing_ok=True)
                removed.append(path)
    for folder in (out, out / "charts", out / "executed"):
        for pattern in PARTIAL_PATTERNS:
            for path in folder.glob(pattern):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _holder(folder: Path) -> str:
    """' (process 1234, since 12:00:01)', or '' when the holder did not say."""
    try:
        pid, since = (folder / OWNER_FILE).read_text().split()
    except (OSError, ValueError):
        return ""
    return f" (process {pid}, since {since})"
