"""Read any table file into cells that still know which line they came from.

The first stage of the data flow. Users bring CSV exported from Excel (often in
Windows-1252 with semicolons when the machine is French), Parquet, Excel
workbooks, and Stata or SPSS files from survey software. This module reads all
of them into one shape, `RawTable`, whose rows remember their line in the file
so every later problem can say `FILE:LINE`. It interprets nothing: typing and
checking the values is `schema`'s job.

Anything that is not a table (empty, binary, JSON, a workbook saved as .csv)
is a `DataError` that says what the file looks like and what was expected.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from adoption.problems import DataError, Problem, fail, problem

CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
READERS_BY_SUFFIX = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".ods": "excel",
    ".dta": "stata",
    ".sav": "spss",
    ".zsav": "spss",
    ".por": "spss",
}
SUPPORTED = "CSV, Parquet, Excel (.xlsx), Stata (.dta) or SPSS (.sav)"

# Signatures of binary files people mistake for tables, so the error can say what it is.
_MAGIC = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook?)",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass
class RawTable:
    """A table as read: cells untyped (strings for text formats), rows tied to lines."""

    path: Path
    frame: pd.DataFrame
    lines: list[int]
    encoding: str | None = None

    def line(self, position: int) -> int:
        """The source line of the row at `position` (0-based)."""
        return self.lines[position]

    @property
    def name(self) -> str:
        return str(self.path)


def read_table(path: str | Path) -> RawTable:
    """Read a table file of any supported format; raise DataError if it is not one."""
    path = Path(path)
    if not path.exists():
        raise fail(path, "file not found", expected="a path to an existing file")
    if path.is_dir():
        raise fail(path, "is a folder, not a file", expected=f"a {SUPPORTED} file")
    reader = READERS_BY_SUFFIX.get(path.suffix.lower())
    if reader is None:
        return _read_text_table(path)
    try:
        frame = _BINARY_READERS[reader](path)
    except DataError:
        raise
    except Exception as error:  # the readers raise many types; all mean "not readable"
        raise fail(path, f"cannot be read as {reader.title()}: {_first_line(error)}",
                   expected=f"a valid {reader.title()} file") from None
    return _from_frame(path, frame)


def _read_parquet(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)


def _read_excel(path: Path) -> pd.DataFrame:
    # The first sheet, header on row 1; cells kept as the workbook typed them.
    return pd.read_excel(path, sheet_name=0, dtype=object)


def _read_stata(path: Path) -> pd.DataFrame:
    # Value labels become their text ("Oui"/"Non"), which the label mapping understands.
    return pd.read_stata(path, convert_categoricals=True)


def _read_spss(path: Path) -> pd.DataFrame:
    return pd.read_spss(path, convert_categoricals=True)


_BINARY_READERS = {
    "parquet": _read_parquet,
    "excel": _read_excel,
    "stata": _read_stata,
    "spss": _read_spss,
}


def _from_frame(path: Path, frame: pd.DataFrame) -> RawTable:
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise fail(path, "has a header but no data rows", expected="at least one data row")
    # Row 1 is the header, as a spreadsheet numbers it.
    return RawTable(path, frame, [i + 2 for i in range(len(frame))])


def _read_text_table(path: Path) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise fail(path, "file is empty", expected="a header row and at least one data row")
    _refuse_binary(path, data)
    text, encoding = _decode(data)
    _refuse_json(path, text)
    delimiter = _sniff_delimiter(text)
    header, rows, lines, problems = _parse_csv(path, text, delimiter)
    if problems:
        raise DataError(problems)
    if not rows:
        raise fail(path, "has a header but no data rows", line=1,
                   expected="at least one data row")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.where(frame != "", None)
    return RawTable(path, frame, lines, encoding)


def _refuse_binary(path: Path, data: bytes) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise fail(path, f"is {what}, not a text table",
                       expected=f"a {SUPPORTED} file with the matching extension")
    if b"\x00" in data[:8192]:
        raise fail(path, "is binary, not a text table", expected=f"a {SUPPORTED} file")


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 first (with or without BOM); then Windows-1252, what Excel writes in
    France and Quebec, which covers Latin-1's letters (é, è, ç, à) as well."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _refuse_json(path: Path, text: str) -> None:
    if text.lstrip()[:1] in ("{", "["):
        raise fail(path, "looks like JSON, not a CSV table", line=1,
                   expected="a CSV file with a header row (or, for account data, "
                            "`adoption snapshots import`)")


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (French Excel) or tab: whichever splits the header most."""
    header = text.lstrip("\ufeff").splitlines()[0] if text else ""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _parse_csv(
    path: Path, text: str, delimiter: str
) -> tuple[list[str], list[list[str]], list[int], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(problem(path, f"not valid CSV: {error}", line=start,
                                    expected="fields separated by commas, quotes closed"))
            break
        if not any(field.strip() for field in record):
            continue  # blank line
        if header is None:
            header = [field.strip() for field in record]
            problems += _header_problems(path, header)
            continue
        if len(record) != len(header):
            problems.append(problem(
                path, f"row has {len(record)} fields but the header has {len(header)}",
                line=start, expected=f"{len(header)} fields; quote values that contain "
                                     f"'{delimiter}'"))
            continue
        rows.append([field.strip() for field in record])
        lines.append(start)
    return header or [], rows, lines, problems


def _header_problems(path: Path, header: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(problem(path, f"header field {position} is empty", line=1,
                                    expected="a name for every column"))
        elif name in seen:
            problems.append(problem(path, "appears twice in the header", line=1, column=name,
                                    expected="each column name once"))
        seen.add(name)
    return problems


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
