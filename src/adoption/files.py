"""Writing a file whole or not at all: the one way every output of the project is written.

The data go to a hidden file beside the target, which is then renamed over it.
`os.replace` within one folder is atomic: a reader sees the old file or the new one,
never half of one, and a failure (a full disk, Ctrl-C) leaves the old file untouched
and no partial file behind. The hidden name ends in `.partial`, which git ignores,
should a crash (SIGKILL, power loss) ever leave one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a hidden file beside `path`, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    try:
        write(aside)
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
