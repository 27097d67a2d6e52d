"""`adoption validate`: tell what kind of data a file holds and list what is wrong with it.

Three kinds of input, told apart by their columns (or `--kind`):

- published: aggregated figures (`series`, `year`, `platform`, `percent`, ...)
- survey: one row per organisation and wave (`org_id`, `sector`, `year`, `uses_*`;
  French headers too: `id_organisation`, `secteur`, `annee`, `utilise_*`)
- snapshots: account counters (the snapshot table, or archived API output as JSON)

A Frictionless Data Package beside a file (`datapackage.json`, see
`adoption.datapackage`) is read with it: its column mapping applies, and a mistake
in it is a problem like any other.

Each file is read once: a pipe (`adoption validate <(cat wave3.csv)`) cannot
be read twice, so it is first copied to a temporary file, and the problems
still name the pipe. The problems found include warnings (`Problem.is_warning`):
a file with warnings only is good.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from adoption.datapackage import Description, describe, descriptor_for
from adoption.labels import header_key
from adoption.metadata import Origin
from adoption.problems import DataError, Problem, collected_warnings, problem, raise_problems
from adoption.published import load_published
from adoption.readers import CSV_SUFFIXES, Sheet, ValueLabels, read_columns, workbook_note
from adoption.snapshots import load_snapshots
from adoption.snapshots.importer import check_files as snapshot_problems
from adoption.snapshots.notices import warnings_shown
from adoption.survey import canonical_columns, load_survey

KINDS = ("published", "survey", "snapshots")
_SNAPSHOT_COLUMNS = {"account_id", "followers", "snapshot_at", "posts"}


def check_files(paths: Iterable[str | Path], kind: str | None = None, *,
                sheet: Sheet = None) -> list[Problem]:
    """Every problem in every file, warnings included (an empty list when all are
    good). `sheet` chooses the sheet of every workbook, by name or number from 1."""
    problems: list[Problem] = []
    for path in paths:
        problems += check_file(path, kind, sheet=sheet)
    return problems


def check_file(path: str | Path, kind: str | None = None, *, sheet: Sheet = None
               ) -> list[Problem]:
    """The problems of one file, warnings included."""
    try:
        if Path(path).is_file() and (kind or detect_kind(path, sheet=sheet)) == "snapshots":
            return _snapshot_problems(Path(path))
        with collected_warnings() as warned:
            load_data(path, kind, sheet=sheet)
    except DataError as error:
        return error.problems
    return warned


def _snapshot_problems(path: Path) -> list[Problem]:
    """A snapshot file's problems, streamed in bounded memory whatever its size
    (a throwaway import: see `adoption.snapshots.importer.check_files`)."""
    with warnings_shown():
        return snapshot_problems([path])


def load_data(path: str | Path, kind: str | None = None, *, sheet: Sheet = None,
              columns: Mapping[str, str] | None = None,
              metadata: str | Path | None = None) -> tuple[str, pd.DataFrame]:
    """The kind of a file and its data, validated, reading the file once (raises
    DataError). `columns`: more header names, as `load_survey` takes them (they win
    over the Data Package's). `metadata`: the Data Package describing the file (default:
    a `datapackage.json` beside it, if any). An adoption table's source (published
    figures or a survey) remembers where it came from (`adoption.metadata.Origin`)."""
    with _read_once(Path(path)) as readable:
        if readable == Path(path):
            return _load(readable, kind, sheet, columns, metadata, Path(path))
        try:
            with collected_warnings() as warned:
                loaded = _load(readable, kind, sheet, columns, metadata, Path(path))
        except DataError as error:
            raise DataError(_named(error.problems, readable, path)) from None
        raise_problems(_named(warned, readable, path))  # warnings only: issued again
        return loaded


def _load(path: Path, kind: str | None, sheet: Sheet, columns: Mapping[str, str] | None,
          metadata: str | Path | None, original: Path) -> tuple[str, pd.DataFrame]:
    description = _description(path, original, metadata, sheet)
    if description.columns:
        columns = {**description.columns, **(columns or {})}
    kind = kind or detect_kind(path, sheet=sheet, columns=columns)
    data = load_kind(path, kind, sheet=sheet, columns=columns,
                     labels=description.value_labels)
    if kind != "snapshots":
        _origin(original, description, data).attach(data)
    return kind, data


def _description(path: Path, original: Path, metadata: str | Path | None,
                 sheet: Sheet) -> Description:
    """What the Data Package beside `original` (or `metadata`) says of it, its column
    names checked against the file's header."""
    if descriptor_for(original, metadata) is None:
        return Description(original)
    return describe(original, metadata, header=read_columns(path, sheet=sheet))


def _origin(path: Path, description: Description, data: pd.DataFrame) -> Origin:
    """Where the data came from; for a survey, with its organisations per series."""
    organisations = {}
    if "org_id" in data.columns:
        counts = data.groupby(data["series"].astype(str), observed=True)["org_id"].nunique()
        organisations = {str(series): int(count) for series, count in counts.items()}
    descriptor = str(description.descriptor.resolve()) if description.descriptor else None
    return Origin(path.name, str(path.resolve()), descriptor, organisations)


def detect_kind(path: str | Path, *, sheet: Sheet = None,
                columns: Mapping[str, str] | None = None) -> str:
    """published, survey or snapshots, from the file's header."""
    path = Path(path)
    if _looks_like_json(path):
        return "snapshots"
    header = read_columns(path, sheet=sheet)
    names = {header_key(c) for c in header}
    survey_names = canonical_columns(header, columns)
    if {"account_id", "snapshot_at"} <= names:  # snapshot tables may carry org_id too
        return "snapshots"
    if "org_id" in survey_names or any(c.startswith("uses_") for c in survey_names):
        return "survey"
    if "percent" in names or {"series", "platform"} <= names:
        return "published"
    if len(names & _SNAPSHOT_COLUMNS) >= 2:
        return "snapshots"
    unknown = problem(path, "cannot tell what kind of data this is", line=1,
                      expected="published figures (series, year, platform, percent, ...), "
                               "survey answers (org_id, sector, year, uses_<platform>) or "
                               "account snapshots (account_id, snapshot_at, followers, ...); "
                               "or give --kind")
    raise DataError([unknown, *workbook_note(path, sheet)])


def described_kind(path: str | Path, metadata: str | Path | None = None) -> str:
    """The kind of a file as `load_data` tells it: with the column names its Data Package
    (`metadata`, else the datapackage.json beside it) gives."""
    path = Path(path)
    if _looks_like_json(path):
        return "snapshots"
    return detect_kind(path, columns=_description(path, path, metadata, None).columns)


def load_kind(path: str | Path, kind: str, *, sheet: Sheet = None,
              columns: Mapping[str, str] | None = None,
              labels: ValueLabels | None = None) -> pd.DataFrame:
    """Load a file as the given kind, validated (raises DataError). `labels`: coded
    values' labels (a Data Package's `categories`), for figures and surveys; account
    snapshots take their sectors from a sector map instead."""
    if kind == "published":
        return load_published(path, sheet=sheet, columns=columns, labels=labels)
    if kind == "survey":
        return load_survey(path, sheet=sheet, columns=columns, labels=labels)
    if kind == "snapshots":
        if sheet is not None or columns:
            raise ValueError(f"{path}: account snapshots take no sheet or column names "
                             "(save the sheet as CSV)")
        return load_snapshots([path])
    raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


@contextmanager
def _read_once(path: Path) -> Iterator[Path]:
    """The path itself, or for a pipe or other stream, a temporary copy of it."""
    if path.is_file() or not path.exists():
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="adoption-") as folder:
        copy = Path(folder) / path.name  # the same name: a survey's series is its stem
        with path.open("rb") as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield copy


def _named(problems: list[Problem], copy: Path, original: str | Path) -> list[Problem]:
    """Problems found in a temporary copy, naming the original again."""
    return [dataclasses.replace(p, file=str(original)) if p.file == str(copy) else p
            for p in problems]


def _looks_like_json(path: Path) -> bool:
    """JSON content, unless the name promises a CSV: then the reader's own error
    ("looks like JSON, not a CSV table") is the helpful one."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] in ([".gz"], [".bz2"], [".xz"], [".zst"]):  # an archive's compression
        suffixes = suffixes[:-1]
    if suffixes[-1:] in ([".json"], [".jsonl"], [".ndjson"]):
        return True
    if path.suffix.lower() in CSV_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start[:1] in (b"{", b"[")
