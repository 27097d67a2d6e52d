"""`adoption validate`: tell what kind of data a file holds and list what is wrong with it.

Three kinds of input, told apart by their columns (or `--kind`):

- published: aggregated figures (`series`, `year`, `platform`, `percent`, ...)
- survey: one row per organisation and wave (`org_id`, `sector`, `year`, `uses_*`)
- snapshots: account counters (the snapshot table, or archived API output as JSON)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from adoption.problems import DataError, Problem, fail
from adoption.readers import CSV_SUFFIXES, read_table
from adoption.schema import header_key

KINDS = ("published", "survey", "snapshots")
_SNAPSHOT_COLUMNS = {"account_id", "followers", "snapshot_at", "posts"}


def check_files(paths: Iterable[str | Path], kind: str | None = None) -> list[Problem]:
    """Every problem in every file (an empty list when all are good)."""
    problems: list[Problem] = []
    for path in paths:
        problems += check_file(path, kind)
    return problems


def check_file(path: str | Path, kind: str | None = None) -> list[Problem]:
    try:
        kind = kind or detect_kind(path)
        if kind == "snapshots":  # streamed, in bounded memory, whatever the file's size
            from adoption.snapshots.cli import warnings_shown
            from adoption.snapshots.importer import check_files

            with warnings_shown():
                return check_files([path])
        load_kind(path, kind)
    except DataError as error:
        return error.problems
    return []


def detect_kind(path: str | Path) -> str:
    """published, survey or snapshots, from the file's content."""
    path = Path(path)
    if _looks_like_json(path):
        return "snapshots"
    columns = {header_key(c) for c in read_table(path).frame.columns}
    if {"account_id", "snapshot_at"} <= columns:  # snapshot tables may carry org_id too
        return "snapshots"
    if "org_id" in columns or any(c.startswith("uses_") for c in columns):
        return "survey"
    if "percent" in columns or {"series", "platform"} <= columns:
        return "published"
    if len(columns & _SNAPSHOT_COLUMNS) >= 2:
        return "snapshots"
    raise fail(path, "cannot tell what kind of data this is", line=1,
               expected="published figures (series, year, platform, percent, ...), survey "
                        "answers (org_id, sector, year, uses_<platform>) or account "
                        "snapshots (account_id, snapshot_at, followers, ...); or give --kind")


def load_kind(path: str | Path, kind: str) -> pd.DataFrame:
    """Load a file as the given kind, validated (raises DataError)."""
    if kind == "published":
        from adoption.published import load_published

        return load_published(path)
    if kind == "survey":
        from adoption.survey import load_survey

        return load_survey(path)
    if kind == "snapshots":
        from adoption.snapshots import load_snapshots

        return load_snapshots([path])
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def _looks_like_json(path: Path) -> bool:
    """JSON content, unless the name promises a CSV: then the reader's own error
    ("looks like JSON, not a CSV table") is the helpful one."""
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        return True
    if path.suffix.lower() in CSV_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start[:1] in (b"{", b"[")
