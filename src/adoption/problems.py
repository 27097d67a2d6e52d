"""How every stage reports bad input: a list of problems, each pinned to a place.

A user who feeds `adoption` a broken file should be told where to look and what
was expected, in the form `FILE:LINE: column 'NAME': what is wrong (expected ...)`.
Loaders collect every problem they can find before raising, so one run shows
them all instead of one per attempt.

A problem is an error (the file cannot be used as it is) or a warning
(something the user should look at that does not stop the file being used,
printed as `FILE:LINE: column 'NAME': warning: ...`). Loaders end with
`raise_problems(problems)`: any error raises `DataError` (carrying the warnings
too); warnings alone are issued through Python's `warnings` module as
`DataWarning`, each carrying its `Problem`, and the data are returned. Collect
them with `collected_warnings()`, as `adoption validate` does; otherwise Python
shows each once, like any other warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, and where it is.

    `line` is the line of the file as a text editor numbers it (the header is
    line 1); for binary formats (Parquet, Excel, Stata, SPSS) it is the row
    counted the same way, header included, as a spreadsheet shows it.
    `severity` is `error` (the default) or `warning`.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    expected: str | None = None
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"warning: {self.message}" if self.is_warning else self.message
        if self.column is not None:
            text = f"column '{self.column}': {text}"
        if self.expected:
            text += f" (expected {self.expected})"
        return f"{place}: {text}"


class DataError(Exception):
    """Bad input. Carries every problem found (errors, and any warnings found with
    them); the CLI prints them and exits 1."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__(self.problems)

    def __str__(self) -> str:  # written when asked for: there may be a million problems
        return "\n".join(str(p) for p in self.problems)


class DataWarning(UserWarning):
    """A warning about input that was still loaded. Carries the `Problem`."""

    def __init__(self, found: Problem):
        self.problem = found
        super().__init__(str(found))


def problem(
    file: str | Path,
    message: str,
    *,
    line: int | None = None,
    column: str | None = None,
    expected: str | None = None,
    severity: str = ERROR,
) -> Problem:
    """Build a Problem, accepting a Path for the file."""
    return Problem(str(file), line, column, message, expected, severity)


def warning(file: str | Path, message: str, **where: object) -> Problem:
    """A Problem of severity `warning`."""
    return problem(file, message, severity=WARNING, **where)  # type: ignore[arg-type]


def fail(file: str | Path, message: str, **where: object) -> DataError:
    """A DataError holding one problem: `raise fail(path, "empty file", expected=...)`."""
    return DataError([problem(file, message, **where)])  # type: ignore[arg-type]


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that are errors (not warnings)."""
    return [p for p in problems if not p.is_warning]


def raise_problems(problems: Iterable[Problem], stacklevel: int = 3) -> None:
    """Raise DataError if any problem is an error; otherwise issue each warning as a
    DataWarning (the default `stacklevel` points at the loader's caller)."""
    problems = list(problems)
    if errors_in(problems):
        raise DataError(problems)
    for found in sorted(problems, key=_problem_order):
        warnings.warn(DataWarning(found), stacklevel=stacklevel)


@contextmanager
def collected_warnings() -> Iterator[list[Problem]]:
    """Collect the DataWarnings issued inside the block, as Problems, instead of
    showing them: `with collected_warnings() as found: load_survey(path)`; the list
    is filled when the block ends. Other warnings are shown as usual."""
    found: list[Problem] = []
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            yield found
    finally:
        _sort_out(caught, found)


def _sort_out(caught: list[warnings.WarningMessage], found: list[Problem]) -> None:
    for notice in caught:
        if isinstance(notice.message, DataWarning):
            found.append(notice.message.problem)
        else:  # anything else is shown as it would have been
            warnings.warn_explicit(notice.message, notice.category, notice.filename,
                                   notice.lineno)


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.column or "", p.message)
