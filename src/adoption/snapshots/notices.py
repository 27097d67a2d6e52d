"""Warnings of a snapshot command, shown as problem lines when it ends.

A skipped line, a sector map row that matches no account, an empty page: these do
not stop an import (`SnapshotWarning`), but the user must see each, once, even when
the command then fails.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def warnings_shown() -> Iterator[None]:
    """Collect the warnings of a command and show them on leaving, failed or not
    (outside the collecting, so that re-emitted ones are not collected again)."""
    # Imported here: the snapshot table loads pandas, and every command line registers
    # `adoption snapshots` (this module) without running it.
    from adoption.snapshots.snapshot_table import SnapshotWarning

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SnapshotWarning)
            yield
    finally:  # warnings matter even when the command then fails
        _show_warnings(caught)


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    """SnapshotWarnings as problem lines on stderr; any other warning as usual."""
    from adoption.snapshots.snapshot_table import SnapshotWarning  # see warnings_shown

    notices = [w for w in caught if issubclass(w.category, SnapshotWarning)]
    for other in caught:
        if not issubclass(other.category, SnapshotWarning):
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    for notice in notices:
        print(notice.message, file=sys.stderr)
    if notices:
        print(f"{len(notices)} warning{'s' if len(notices) != 1 else ''}", file=sys.stderr)
