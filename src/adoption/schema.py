"""Declared columns, and the checks that turn raw cells into typed columns.

Each kind of input (published figures, survey responses, account snapshots)
declares its columns once, as a list of `Column`. `parse_columns` applies the
declaration to a `RawTable`: it finds missing columns (suggesting the one a
typo was meant to be), converts each cell to its type, and records a `Problem`
for every cell that does not fit, with its line. It never stops at the first
problem, and it never drops a row quietly.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from adoption.labels import SECTOR_WORDS_HELP, YES_NO_HELP, normalise_sector, parse_yes_no
from adoption.problems import Problem, problem
from adoption.readers import RawTable

MAX_PROBLEMS_PER_COLUMN = 20
YEAR_RANGE = (1990, 2100)


@dataclass(frozen=True)
class Column:
    """One declared column.

    kind: `text`, `integer`, `number`, `year`, `choice`, `sector`, `yes_no` or
    `timestamp` (a date-time, returned as UTC).
    required: the column must be in the file. nullable: its cells may be empty.
    """

    name: str
    kind: str
    meaning: str
    required: bool = True
    nullable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def parse_columns(raw: RawTable, columns: Sequence[Column]) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns for every declared column present, and the problems found.

    Header names are matched ignoring case and spaces ('Org ID' is `org_id`).
    Columns that are not declared are left to the caller (`undeclared_columns`).
    """
    rename_to_declared(raw, columns)
    problems = missing_column_problems(raw, columns)
    typed: dict[str, pd.Series] = {}
    for column in columns:
        if column.name not in raw.frame.columns:
            continue
        series, column_problems = convert_column(raw, column)
        typed[column.name] = series
        problems += column_problems
    return pd.DataFrame(typed, index=raw.frame.index), problems


def header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def rename_to_declared(raw: RawTable, columns: Sequence[Column]) -> None:
    declared = {c.name for c in columns}
    renames = {}
    for name in raw.frame.columns:
        key = header_key(name)
        if name not in declared and key in declared and key not in raw.frame.columns:
            renames[name] = key
    if renames:
        raw.frame = raw.frame.rename(columns=renames)


def undeclared_columns(raw: RawTable, columns: Sequence[Column]) -> list[str]:
    declared = {c.name for c in columns}
    return [name for name in raw.frame.columns if name not in declared]


def missing_column_problems(raw: RawTable, columns: Sequence[Column]) -> list[Problem]:
    """A problem per missing required column, naming the typo it probably is."""
    present = list(raw.frame.columns)
    extras = undeclared_columns(raw, columns)
    problems = []
    for column in columns:
        if not column.required or column.name in present:
            continue
        typo = difflib.get_close_matches(column.name, extras, n=1, cutoff=0.75)
        if typo:
            problems.append(problem(
                raw.path, f"unknown column, probably a typo of '{column.name}'", line=1,
                column=typo[0], expected=f"'{column.name}': {column.meaning}"))
        else:
            problems.append(problem(
                raw.path, "required column is missing", line=1, column=column.name,
                expected=f"a column '{column.name}': {column.meaning}"))
    return problems


def unknown_column_typos(raw: RawTable, columns: Sequence[Column]) -> list[Problem]:
    """Undeclared columns that look like a typo of an optional column.

    (Typos of required columns are reported with the missing column.)"""
    declared = {c.name for c in columns}
    known = [c.name for c in columns if not c.required]
    problems = []
    for name in raw.frame.columns:
        if name in declared:  # a declared column is never a typo of another
            continue
        typo = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
        if typo and typo[0] not in raw.frame.columns:
            problems.append(problem(
                raw.path, f"unknown column, probably a typo of '{typo[0]}'", line=1,
                column=name, expected=f"'{typo[0]}'"))
    return problems


def convert_column(raw: RawTable, column: Column) -> tuple[pd.Series, list[Problem]]:
    """Convert one column's cells; bad cells become missing and a problem each."""
    cells = raw.frame[column.name]
    empty = cells.isna() | cells.astype("string").str.strip().eq("").fillna(True)
    converter, expected = _CONVERTERS[column.kind](column)
    # Plain objects with None for empty: typed readers (Parquet, Excel) give pd.NA.
    values, bad = converter(cells.astype(object).where(~empty, None))
    bad = bad & ~empty
    problems = []
    for position in np.flatnonzero(bad.to_numpy()):
        value = cells.iloc[position]
        problems.append(problem(raw.path, f"{_show(value)} {_why(column, value)}",
                                line=raw.line(position), column=column.name,
                                expected=expected))
    if not column.nullable:
        for position in np.flatnonzero(empty.to_numpy()):
            problems.append(problem(raw.path, "is empty", line=raw.line(position),
                                    column=column.name, expected=expected))
    return values, _cap(problems, raw, column)


def _cap(problems: list[Problem], raw: RawTable, column: Column) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS_PER_COLUMN:
        return problems
    more = len(problems) - MAX_PROBLEMS_PER_COLUMN
    summary = problem(raw.path, f"{more} more problems like these in this column",
                      column=column.name)
    return [*problems[:MAX_PROBLEMS_PER_COLUMN], summary]


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _why(column: Column, value: object) -> str:
    number = _to_number(pd.Series([value], dtype=object)).iloc[0]
    if column.kind in ("integer", "number", "year") and not pd.isna(number):
        low, high = YEAR_RANGE if column.kind == "year" else (column.minimum, column.maximum)
        if low is not None and number < low:
            return "is too small"
        if high is not None and number > high:
            return "is too large"
        if column.kind != "number":
            return "is not a whole number"
    return {
        "integer": "is not a whole number",
        "number": "is not a number",
        "year": "is not a year",
        "choice": "is not one of the allowed values",
        "sector": "is not a sector label we can map",
        "yes_no": "is not a yes/no answer",
        "timestamp": "is not a date and time",
    }.get(column.kind, "is not valid")


# --- converters: cells (object, None where empty) -> (typed values, bad mask) ---

Converter = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


def _range_text(column: Column, what: str) -> str:
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return f"{what} from {_num(low)} to {_num(high)}"
    if low is not None:
        return f"{what} of at least {_num(low)}"
    if high is not None:
        return f"{what} of at most {_num(high)}"
    return what


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _to_number(cells: pd.Series) -> pd.Series:
    """Numbers, accepting a decimal comma ("74,6") as French spreadsheets write it."""
    def one(value: object) -> float:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return np.nan
        if isinstance(value, bool):
            return np.nan
        if isinstance(value, int | float | np.integer | np.floating):
            return float(value)
        if isinstance(value, str):
            try:  # most cells: plain numbers, which float() reads as the cleaning below would
                return float(value)
            except ValueError:
                pass
        text = str(value).strip().replace("\u202f", "").replace("\u00a0", "")
        if re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            return float(text)
        except ValueError:
            return np.nan
    return pd.Series([one(v) for v in cells], index=cells.index, dtype="float64")


def _in_range(numbers: pd.Series, column: Column) -> pd.Series:
    ok = numbers.notna()
    if column.minimum is not None:
        ok &= numbers >= column.minimum
    if column.maximum is not None:
        ok &= numbers <= column.maximum
    return ok


def _number(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        numbers = _to_number(cells)
        ok = _in_range(numbers, column)
        return numbers.where(ok), ~ok
    return convert, _range_text(column, "a number")


def _integer(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        numbers = _to_number(cells)
        ok = _in_range(numbers, column) & (numbers % 1 == 0)
        return numbers.where(ok).astype("Int64"), ~ok
    return convert, _range_text(column, "a whole number")


def _year(column: Column) -> tuple[Converter, str]:
    bounded = Column(column.name, "integer", column.meaning, minimum=YEAR_RANGE[0],
                     maximum=YEAR_RANGE[1])
    convert, _ = _integer(bounded)
    return convert, f"a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}"


def _choice(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = cells.map(lambda v: None if v is None else str(v).strip().casefold())
        ok = text.isin(column.choices)
        return text.where(ok, None), ~ok
    return convert, "one of " + ", ".join(column.choices)


def _sector(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        sectors = cells.map(normalise_sector)
        return sectors, sectors.isna()
    return convert, SECTOR_WORDS_HELP


def _yes_no(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        answers: dict[tuple[type, object], tuple[bool | None, bool]] = {}

        def parsed(value: object) -> tuple[bool | None, bool]:
            try:
                return parse_yes_no(value), False
            except ValueError:
                return None, True

        def answer(value: object) -> tuple[bool | None, bool]:
            key = (type(value), value)  # a column holds a few answers, many times over
            try:
                if key not in answers:
                    answers[key] = parsed(value)
                return answers[key]
            except TypeError:  # an unhashable cell
                return parsed(value)

        values, bad = zip(*map(answer, cells), strict=True) if len(cells) else ((), ())
        return (pd.Series(list(values), index=cells.index, dtype="boolean"),
                pd.Series(list(bad), index=cells.index, dtype=bool))
    return convert, YES_NO_HELP


def _text(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = cells.map(lambda v: None if v is None else str(v).strip()).astype("string")
        return text, pd.Series(False, index=cells.index)
    return convert, "text"


def _timestamp(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        stamps = pd.to_datetime(cells, utc=True, errors="coerce", format="mixed")
        return stamps, stamps.isna()
    return convert, "a date and time such as 2014-06-01T12:00:00Z"


_CONVERTERS: dict[str, Callable[[Column], tuple[Converter, str]]] = {
    "number": _number,
    "integer": _integer,
    "year": _year,
    "choice": _choice,
    "sector": _sector,
    "yes_no": _yes_no,
    "text": _text,
    "timestamp": _timestamp,
}
