"""How every stage reports bad input: a list of problems, each pinned to a place.

A user who feeds `adoption` a broken file should be told where to look and what
was expected, in the form `FILE:LINE: column 'NAME': what is wrong (expected ...)`.
Loaders collect every problem they can find before raising, so one run shows
them all instead of one per attempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, and where it is.

    `line` is the line of the file as a text editor numbers it (the header is
    line 1); for binary formats (Parquet, Excel, Stata, SPSS) it is the row
    counted the same way, header included, as a spreadsheet shows it.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    expected: str | None = None

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        text = self.message if self.column is None else f"column '{self.column}': {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return f"{place}: {text}"


class DataError(Exception):
    """Bad input. Carries every problem found; the CLI prints them and exits 1."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def problem(
    file: str | Path,
    message: str,
    *,
    line: int | None = None,
    column: str | None = None,
    expected: str | None = None,
) -> Problem:
    """Build a Problem, accepting a Path for the file."""
    return Problem(str(file), line, column, message, expected)


def fail(file: str | Path, message: str, **where: object) -> DataError:
    """A DataError holding one problem: `raise fail(path, "empty file", expected=...)`."""
    return DataError([problem(file, message, **where)])  # type: ignore[arg-type]


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.column or "", p.message)
