"""Corrections to published figures, kept as data beside the data.

A data file copied from its source stays as it was copied; what we learned since
(a count the quote gives, a sample size that cannot be right, the arithmetic behind
a computed figure) goes into a corrections file beside it, one row per change:

    series, year, platform   which figure (the data file's key)
    column                   which of its columns is set
    value                    the value it is set to (empty: the cell is emptied)
    why                      the reason, for the codebook and for anyone checking
    source                   where the new value comes from (a quote, a page)

The file for `NAME.csv` is `NAME.corrections.csv` in the same folder; the loader
applies it whenever it reads `NAME.csv`, so every analysis sees the same figures.
Each correction must match exactly one row, and a cell is corrected at most once;
anything else is an error naming the corrections file's line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from adoption.problems import DataError, Problem, problem
from adoption.readers import RawTable, read_table

KEY = ("series", "year", "platform")
COLUMNS = (*KEY, "column", "value", "why", "source")


@dataclass(frozen=True)
class Correction:
    series: str
    year: str
    platform: str
    column: str
    value: str | None
    why: str
    source: str
    line: int


def corrections_path(data_path: Path) -> Path:
    """Where the corrections of `data_path` live: NAME.corrections.csv beside NAME.csv."""
    return data_path.with_name(f"{data_path.stem}.corrections.csv")


def read_corrections(path: Path) -> list[Correction]:
    """The corrections in `path` (none if there is no such file); DataError if malformed."""
    if not path.is_file():
        return []
    raw = read_table(path)
    raw = replace(raw, frame=raw.frame.astype(object))
    missing = [name for name in COLUMNS if name not in raw.frame.columns]
    if missing:
        raise DataError([problem(path, "required column is missing", line=1, column=name,
                                 expected="columns " + ", ".join(COLUMNS)) for name in missing])
    problems = [problem(path, "is empty", line=raw.line(position), column=name,
                        expected="a value")
                for position, row in raw.frame.iterrows()
                for name in (*KEY, "column", "why", "source") if _text(row[name]) is None]
    if problems:
        raise DataError(problems)
    return [Correction(*(str(_text(row[name])) for name in (*KEY, "column")),
                       _text(row["value"]), str(row["why"]), str(row["source"]),
                       raw.line(position))
            for position, row in raw.frame.reset_index(drop=True).iterrows()]


def apply_corrections(raw: RawTable, corrections: list[Correction], source: Path,
                      allowed: set[str]) -> RawTable:
    """`raw` with every correction applied to its cells (text, as in a CSV file).

    `allowed` names the columns a correction may set (the data kind's declared
    columns)."""
    if not corrections:
        return raw
    frame = raw.frame.copy()
    keys = frame[list(KEY)].astype(object).astype(str).apply(lambda s: s.str.strip())
    problems: list[Problem] = []
    seen: dict[tuple[int, str], int] = {}
    for correction in corrections:
        if correction.column not in allowed:
            problems.append(problem(source, f"'{correction.column}' is not a column of "
                                            f"{raw.path.name}", line=correction.line,
                                    column="column", expected="one of " + ", ".join(
                                        sorted(allowed))))
            continue
        match = keys.index[(keys["series"] == correction.series)
                           & (keys["year"] == correction.year)
                           & (keys["platform"] == correction.platform)]
        if len(match) != 1:
            problems.append(problem(
                source, f"matches {len(match)} rows of {raw.path.name} "
                        f"({correction.series}, {correction.year}, {correction.platform})",
                line=correction.line, column="series", expected="exactly one row"))
            continue
        position = int(match[0])
        if (position, correction.column) in seen:
            problems.append(problem(
                source, f"corrects the same cell as line {seen[position, correction.column]}",
                line=correction.line, column="column", expected="one correction per cell"))
            continue
        seen[position, correction.column] = correction.line
        if correction.column not in frame.columns:
            frame[correction.column] = None
        # Text columns are read as Categoricals; a corrected cell may be a new value.
        frame[correction.column] = frame[correction.column].astype(object)
        frame.loc[position, correction.column] = correction.value
    if problems:
        raise DataError(problems)
    return replace(raw, frame=frame)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
