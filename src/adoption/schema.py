"""Declared columns, and the checks that turn raw cells into typed columns.

Each kind of input (published figures, survey responses, account snapshots)
declares its columns once, as a list of `Column`. `parse_columns` applies the
declaration to a `RawTable`: it finds missing columns (suggesting the one a
typo was meant to be), converts each cell to its type, and records a `Problem`
for every cell that does not fit, with its line. It never stops at the first
problem, and it never drops a row quietly.

Headers are matched ignoring case, accents, spaces and punctuation ('Org ID'
is `org_id`); a loader may also give other names for its columns (the
survey's French headers, `labels.SURVEY_HEADERS`, and a caller's own mapping).
Problems name a column as the file's header does.

Each column is converted one distinct value at a time (`pd.factorize`): a
survey column holds a few answers many times over, and its cells stay in the
reader's compact Arrow strings instead of all becoming Python objects at once.

Numbers must be finite: `inf` or `1e309` in a file is an error, not a weight.

Dates written with numbers and the year last (`01/02/2023`, `13.02.2023`) are
read by this rule: a date whose first number is above 12 is day first, one
whose second number is above 12 is month first; a date where both numbers are
12 or less (and differ) is read in the order the other dates of the same
column show, and is an error, saying why, when they show no order or both.
A two-digit year is 2000-2068 up to 68, 1969-1999 from 69 (as `strptime`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from adoption.labels import (
    SECTOR_WORDS_HELP,
    YES_NO_HELP,
    header_key,
    normalise_sector,
    parse_yes_no,
)
from adoption.problems import Problem, problem
from adoption.readers import RawTable

MAX_PROBLEMS_PER_COLUMN = 20
YEAR_RANGE = (1990, 2100)
FLOAT_EXACT_LIMIT = 2**53  # every whole number below it is exactly a float

__all__ = ["Column", "convert_column", "header_key", "missing_column_problems",
           "parse_columns", "rename_to_declared", "undeclared_columns", "unknown_column_typos"]


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

    Header names are matched ignoring case, accents, spaces and punctuation
    ('Org ID' is `org_id`). Columns that are not declared are left to the
    caller (`undeclared_columns`).
    """
    problems = rename_to_declared(raw, columns)
    problems += missing_column_problems(raw, columns)
    typed: dict[str, pd.Series] = {}
    for column in columns:
        if column.name not in raw.frame.columns:
            continue
        series, column_problems = convert_column(raw, column)
        typed[column.name] = series
        problems += column_problems
    return pd.DataFrame(typed, index=raw.frame.index), problems


# --- headers ---

def rename_to_declared(
    raw: RawTable,
    columns: Sequence[Column],
    *,
    other_names: Callable[[str], str | None] | None = None,
    extra: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Give each header its declared name; return a problem per clash.

    A header takes a declared name when it matches one by `header_key`
    (ignoring case, accents, spaces and punctuation), or when `other_names`
    gives one for it (the survey's French headers, `labels.survey_header`), or
    through `extra`, a caller's own mapping (the exact header, or its
    `header_key`, to a declared name), tried first. Two headers meaning the
    same column are a problem on line 1, and the second keeps its name. The
    file's own header stays known to `raw.source_name`.
    """
    canonical = {c.name for c in columns}
    extra = dict(extra or {})
    extra_by_key = {header_key(k): v for k, v in extra.items()}

    def meaning(name: str) -> str | None:
        key = header_key(name)
        target = extra.get(name) or extra_by_key.get(key)
        if target is None and key in canonical:
            target = key
        if target is None and other_names is not None:
            target = other_names(name)
        return target

    meanings = {name: meaning(name) for name in raw.frame.columns}
    taken: dict[str, str] = {}
    renames: dict[str, str] = {}
    problems = []
    # A header that is a declared name already keeps it; the others follow in order.
    for name in sorted(raw.frame.columns, key=lambda name: meanings[name] != name):
        target = meanings[name]
        if target is None:
            continue
        if target in taken:
            problems.append(problem(
                raw.path, f"means '{target}', like column '{raw.source_name(taken[target])}'",
                line=1, column=raw.source_name(name), expected="one column for each meaning"))
            if name in meanings.values():  # it must not keep a name another column takes
                renames[name] = f"{name} (column {list(raw.frame.columns).index(name) + 1})"
            continue
        taken[target] = name
        if target != name:
            renames[name] = target
    if renames:
        raw.rename(renames)
    return problems


def undeclared_columns(raw: RawTable, columns: Sequence[Column]) -> list[str]:
    declared = {c.name for c in columns}
    return [name for name in raw.frame.columns if name not in declared]


def missing_column_problems(
    raw: RawTable, columns: Sequence[Column], aliases: Mapping[str, str] | None = None
) -> list[Problem]:
    """A problem per missing required column, naming the typo it probably is.

    A header close to the column's name, or to one of its `aliases` (its
    French name, say), is named as the typo of the name it is closest to."""
    present = list(raw.frame.columns)
    extras = undeclared_columns(raw, columns)
    problems = []
    for column in columns:
        if not column.required or column.name in present:
            continue
        typo = _closest(extras, _names_of(column.name, aliases), cutoff=0.75)
        if typo:
            header, meant = typo
            problems.append(problem(
                raw.path, f"unknown column, probably a typo of '{meant}'", line=1,
                column=header, expected=f"{_called(column.name, meant)}: {column.meaning}"))
        else:
            problems.append(problem(
                raw.path, "required column is missing", line=1, column=column.name,
                expected=f"a column '{column.name}': {column.meaning}"))
    return problems


def unknown_column_typos(
    raw: RawTable, columns: Sequence[Column], aliases: Mapping[str, str] | None = None
) -> list[Problem]:
    """Undeclared columns that look like a typo of an optional column, or of one
    of its `aliases`. (Typos of required columns are reported with the missing
    column.)"""
    absent = [c.name for c in columns if not c.required and c.name not in raw.frame.columns]
    problems = []
    for header in undeclared_columns(raw, columns):
        candidates = [(declared, name) for declared in absent
                      for name in _names_of(declared, aliases)]
        typo = _closest([header], [name for _, name in candidates], cutoff=0.8)
        if typo:
            meant = typo[1]
            declared = next(d for d, name in candidates if name == meant)
            problems.append(problem(
                raw.path, f"unknown column, probably a typo of '{meant}'", line=1,
                column=header, expected=_called(declared, meant)))
    return problems


def _names_of(declared: str, aliases: Mapping[str, str] | None) -> list[str]:
    return [declared, *(alias for alias, name in (aliases or {}).items() if name == declared)]


def _closest(headers: list[str], names: list[str], cutoff: float) -> tuple[str, str] | None:
    """The (header, name) pair most alike, when at least `cutoff` alike."""
    best: tuple[float, str, str] | None = None
    for header in headers:
        key = header_key(header) or str(header)
        for name in names:
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if ratio >= cutoff and (best is None or ratio > best[0]):
                best = (ratio, header, name)
    return None if best is None else (best[1], best[2])


def _called(declared: str, meant: str) -> str:
    return f"'{declared}'" if meant == declared else f"'{meant}' ('{declared}')"


# --- cells ---

def convert_column(raw: RawTable, column: Column) -> tuple[pd.Series, list[Problem]]:
    """Convert one column's cells; bad cells become missing and a problem each
    (at most MAX_PROBLEMS_PER_COLUMN, then a count of the rest)."""
    codes, distinct = _factorize(raw.frame[column.name])
    blank = np.fromiter((isinstance(v, str) and not v.strip() for v in distinct), dtype=bool,
                        count=len(distinct))
    converter, expected = _CONVERTERS[column.kind](column)
    # Plain objects, None for empty: what every converter expects.
    values, bad, *reasons = converter(pd.Series(distinct, dtype=object).where(~blank, None))
    # Codes are -1 where a cell is missing: the last item of these, appended, is theirs.
    empty = np.append(blank, True)[codes]
    typed = pd.Series(pd.api.extensions.take(values.array, codes, allow_fill=True),
                      index=raw.frame.index)
    if column.kind == "text":
        typed = typed.astype("string")
    why = reasons[0] if reasons else {}
    bad_cells = np.flatnonzero(np.append(bad.to_numpy(dtype=bool), False)[codes] & ~empty)
    empty_cells = np.flatnonzero(empty) if not column.nullable else np.array([], dtype=int)
    header = raw.source_name(column.name)
    problems = []
    for position in bad_cells[:MAX_PROBLEMS_PER_COLUMN]:
        code = codes[position]
        problems.append(problem(
            raw.path, f"{_show(distinct[code])} {why.get(code) or _why(column, distinct[code])}",
            line=raw.line(position), column=header, expected=expected))
    for position in empty_cells[:MAX_PROBLEMS_PER_COLUMN - len(problems)]:
        problems.append(problem(raw.path, "is empty", line=raw.line(position), column=header,
                                expected=expected))
    more = len(bad_cells) + len(empty_cells) - len(problems)
    if more > 0:
        # Plain digits: a count of problems is read back from this text.
        problems.append(problem(raw.path, f"{more} more problems like these in this column",
                                column=header))
    return typed, problems


def _factorize(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 where missing) and the distinct values, as Python objects."""
    try:
        codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists in a Parquet file): a code per cell
        distinct = cells.to_numpy(dtype=object)
        codes = np.where(cells.isna().to_numpy(), -1, np.arange(len(cells)))
    return np.asarray(codes), np.asarray(distinct, dtype=object)


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _why(column: Column, value: object) -> str:
    if column.kind in ("integer", "number", "year"):
        number = _one_number(value, finite=False)
        if math.isinf(number):
            return "is not a finite number"
        if not math.isnan(number):
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


# --- converters: distinct cells (object, None where empty) -> (typed values, bad mask)
# and, for some, the reason a value is bad (by position), when `_why` cannot tell ---

Converter = Callable[[pd.Series], tuple]


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
    """Finite numbers, accepting a decimal comma ("74,6") as French spreadsheets write
    it; NaN for anything else, infinity ("inf", "1e309") included."""
    return pd.Series([_one_number(v) for v in cells], index=cells.index, dtype="float64")


def _one_number(value: object, finite: bool = True) -> float:
    if value is None or isinstance(value, bool):
        return np.nan
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        text = str(value).strip().replace("\u202f", "").replace("\u00a0", "")
        if re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return np.nan
    return number if not finite or math.isfinite(number) else np.nan


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
        sectors = cells.map(normalise_sector).astype(object)
        return sectors, sectors.isna()
    return convert, SECTOR_WORDS_HELP


def _yes_no(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        values, bad = [], []
        for value in cells:
            try:
                values.append(parse_yes_no(value))
                bad.append(False)
            except ValueError:
                values.append(None)
                bad.append(True)
        return (pd.Series(values, index=cells.index, dtype="boolean"),
                pd.Series(bad, index=cells.index, dtype=bool))
    return convert, YES_NO_HELP


def _text(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
        return cells.map(_as_text).astype(object), pd.Series(False, index=cells.index)
    return convert, "text"


def _as_text(value: object) -> str | None:
    """Text as the user typed it: a whole number that Stata, SPSS or Excel stored as
    a float (101.0) is '101', as in a CSV. From 2**53 on, a float no longer holds
    every whole number, so its text stays a float's ('9007199254740992.0'), which
    the snapshot table refuses as an id."""
    if value is None:
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer() \
            and abs(value) < FLOAT_EXACT_LIMIT:
        return str(int(value))
    return str(value).strip()


# Numeric dates with the year last (01/02/2023, 1.2.2023, 01-02-23), perhaps a time after.
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[\sT])(.*)", re.S)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _timestamp(column: Column) -> tuple[Converter, str]:
    def convert(cells: pd.Series) -> tuple[pd.Series, pd.Series, dict[int, str]]:
        texts, reasons = _day_month_dates(cells)
        stamps = pd.to_datetime(texts, utc=True, errors="coerce", format="mixed")
        return stamps, stamps.isna(), reasons
    return convert, ("a date and time such as 2014-06-01T12:00:00Z; a date such as "
                     "01/02/2023 only where other dates in the column show the day/month order")


def _day_month_dates(cells: pd.Series) -> tuple[pd.Series, dict[int, str]]:
    """Numeric dates rewritten year-month-day by the rule in the module's docstring;
    the ambiguous ones the column does not settle become None, with the reason."""
    found = {}
    for position, value in enumerate(cells):
        match = _NUMERIC_DATE.fullmatch(value) if isinstance(value, str) else None
        if match:
            found[position] = match
    day_first = [m[0].strip() for m in found.values() if int(m[1]) > 12 >= int(m[3])]
    month_first = [m[0].strip() for m in found.values() if int(m[3]) > 12 >= int(m[1])]
    texts = cells.copy()
    reasons: dict[int, str] = {}
    for position, match in found.items():
        first, second = int(match[1]), int(match[3])
        year = int(match[4]) if len(match[4]) == 4 else _full_year(int(match[4]))
        ambiguous = first <= 12 and second <= 12 and first != second
        if ambiguous and bool(day_first) == bool(month_first):
            texts.iloc[position] = None
            reasons[position] = _ambiguity(first, second, year, day_first, month_first)
            continue
        is_day_first = first > 12 or (ambiguous and bool(day_first))
        day, month = (first, second) if is_day_first else (second, first)
        if not 1 <= month <= 12:
            continue  # not a date: left as written, so that it fails to parse
        texts.iloc[position] = f"{year:04d}-{month:02d}-{day:02d}{match[5]}"
    return texts, reasons


def _full_year(two_digits: int) -> int:
    return (2000 if two_digits <= 68 else 1900) + two_digits


def _ambiguity(first: int, second: int, year: int, day_first: list[str],
               month_first: list[str]) -> str:
    readings = (f"could be {first} {_MONTHS[second - 1]} or {second} {_MONTHS[first - 1]} "
                f"{year}")
    if day_first:
        return (f"{readings}, and this column has dates both ways ('{day_first[0]}' day "
                f"first, '{month_first[0]}' month first)")
    return f"{readings}, and no date in this column shows the day/month order"


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
