"""Read any table file into cells that still know which line they came from.

The first stage of the data flow. Users bring CSV exported from Excel (often in
Windows-1252 with semicolons when the machine is French), Parquet, Excel
workbooks, and Stata or SPSS files from survey software. This module reads all
of them into one shape, `RawTable`, whose rows remember their line in the file
so every later problem can say `FILE:LINE`. It interprets nothing: typing and
checking the values is `schema`'s job.

Anything that is not a table (empty, binary, JSON, a workbook saved as .csv)
is a `DataError` that says what the file looks like and what was expected.
So is what would otherwise be read wrong without a word:

- a header naming a column twice (pandas would rename the second `twitter.1`);
- a text file mixing UTF-8 and Windows-1252 lines (one encoding would turn the
  other's `Société` into `SociÃ©tÃ©`): each line that is not UTF-8 is named;
- a workbook whose sheet has no data: the message names the workbook's sheets,
  and `sheet=` (`adoption validate --sheet`) chooses one by name or number.

A pipe (`adoption validate <(cat file.csv)`) is read once. CSV text is parsed
a batch of rows at a time into pandas Categoricals (text cells, each distinct
value held once), so a large survey takes a few times its size in memory, not
fifteen (`benchmarks/survey_memory.py`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import numpy as np
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
SHEET_HELP = "--sheet NAME or NUMBER (sheet= in Python; sheets count from 1)"
BATCH_ROWS = 32_768  # CSV rows held as Python strings at once, before they are encoded
MAX_ENCODING_PROBLEMS = 20

# Signatures of binary files people mistake for tables, so the error can say what it is.
_MAGIC = {
    b"PK\x03\x04": "a zip archive (an Excel .xlsx workbook?)",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\x1f\x8b": "a gzip archive",
}
Sheet = str | int | None


@dataclass
class RawTable:
    """A table as read: cells untyped (text for text formats, as Categoricals of
    strings, missing where empty), rows tied to lines.

    `headers` maps a column's name in `frame`, when a loader renamed it (French
    `secteur` to `sector`, say), to the header the file gives it. `sheet` and
    `sheets` are the sheet read and all the sheets, for a workbook.
    """

    path: Path
    frame: pd.DataFrame
    lines: Sequence[int]
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)

    def line(self, position: int) -> int:
        """The source line of the row at `position` (0-based)."""
        return int(self.lines[position])

    @property
    def name(self) -> str:
        return str(self.path)

    def source_name(self, column: str) -> str:
        """The file's own header for a column of `frame`."""
        return self.headers.get(column, column)

    def rename(self, renames: dict[str, str]) -> None:
        """Rename columns of `frame`, remembering the file's headers."""
        self.frame = self.frame.rename(columns=renames)
        self.headers.update({new: self.source_name(old) for old, new in renames.items()})


ValueLabels = dict[str, dict[str, str]]  # header -> {coded value: its label}


def with_value_labels(raw: RawTable, labels: ValueLabels | None) -> RawTable:
    """`raw` with coded values replaced by their labels, as SPSS and Stata value labels
    are read (a Data Package's `categories` give them for other formats): "1" becomes
    "OBNL". Values without a label stay as they are, for the column's own checks."""
    if not labels:
        return raw
    frame = raw.frame.copy(deep=False)  # the labelled columns are new; the others shared
    for header, mapping in labels.items():
        if header in frame.columns:
            frame[header] = frame[header].map(lambda cell, m=mapping: m.get(_code(cell), cell))
    return replace(raw, frame=frame)


def _code(cell: object) -> str | None:
    """A cell as a category's value is written: 1.0 (a workbook's number) as "1"."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    if isinstance(cell, float | np.floating) and float(cell).is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_table(path: str | Path, *, sheet: Sheet = None) -> RawTable:
    """Read a table file of any supported format; raise DataError if it is not one.

    `sheet` chooses a workbook's sheet by name or by number (counting from 1);
    the first sheet by default. Other formats ignore it.
    """
    path = Path(path)
    _check_exists(path)
    reader = READERS_BY_SUFFIX.get(path.suffix.lower())
    with _readable(path) as source:
        if reader is None:
            return _read_text_table(path, source)
        if reader == "excel":
            return _read_workbook(path, source, sheet)
        try:
            frame = _BINARY_READERS[reader](source)
        except DataError:
            raise
        except Exception as error:  # the readers raise many types; all mean "not readable"
            raise _unreadable(path, reader, error) from None
        return _from_frame(path, frame)


def read_columns(path: str | Path, *, sheet: Sheet = None) -> list[str]:
    """The header of a table file, read without its rows where the format allows.

    Raises DataError as `read_table` does when the file is not a table."""
    path = Path(path)
    _check_exists(path)
    if path.is_file():  # a pipe could not be read again after its header
        header = _header_only(path)
        if header is not None:
            return header
    return list(read_table(path, sheet=sheet).frame.columns)


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise fail(path, "file not found", expected="a path to an existing file")
    if path.is_dir():
        raise fail(path, "is a folder, not a file", expected=f"a {SUPPORTED} file")


@contextlib.contextmanager
def _readable(path: Path) -> Iterator[Path | io.BytesIO]:
    """The file itself, or for a pipe or other stream, which can be read only once,
    its bytes in memory."""
    if path.is_file():
        yield path
        return
    with io.BytesIO(path.read_bytes()) as data:
        yield data


def _unreadable(path: Path, reader: str, error: Exception) -> DataError:
    what = reader.title()
    return fail(path, f"cannot be read as {what}: {_first_line(error)}",
                expected=f"a valid {what} file")


# --- binary formats ---

def _read_parquet(source: Path | IO[bytes]) -> pd.DataFrame:
    return pd.read_parquet(source)


def _read_stata(source: Path | IO[bytes]) -> pd.DataFrame:
    # Value labels become their text ("1 = OBNL", "1 = oui"), which the sector and
    # yes/no words understand; unlabelled values stay as they are.
    import pyreadstat

    frame, _ = pyreadstat.read_dta(_readstat_source(source), apply_value_formats=True,
                                   formats_as_category=False)
    return frame


def _read_spss(source: Path | IO[bytes]) -> pd.DataFrame:
    # Deferred: pyreadstat only when this runs.
    import pyreadstat

    source = _readstat_source(source)
    read = pyreadstat.read_por if str(source).lower().endswith(".por") else pyreadstat.read_sav
    frame, _ = read(source, apply_value_formats=True, formats_as_category=False)
    return frame


def _readstat_source(source: Path | IO[bytes]) -> str | IO[bytes]:
    return str(source) if isinstance(source, Path) else source


_BINARY_READERS = {
    "parquet": _read_parquet,
    "stata": _read_stata,
    "spss": _read_spss,
}


def _from_frame(path: Path, frame: pd.DataFrame) -> RawTable:
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    header_problems = _header_problems(path, list(frame.columns))
    if header_problems:
        raise DataError(header_problems)
    if frame.empty:
        raise fail(path, "has a header but no data rows", expected="at least one data row")
    # Row 1 is the header, as a spreadsheet numbers it.
    return RawTable(path, frame, np.arange(2, len(frame) + 2))


# --- workbooks ---

def _read_workbook(path: Path, source: Path | IO[bytes], sheet: Sheet) -> RawTable:
    """One sheet: its first filled row is the header, each row keeps its number."""
    try:
        with pd.ExcelFile(source) as book:
            sheets = [str(name) for name in book.sheet_names]
            name = _choose_sheet(path, sheets, sheet)
            cells = pd.read_excel(book, sheet_name=name, header=None, dtype=object)
    except DataError:
        raise
    except Exception as error:  # openpyxl and friends raise many types
        raise _unreadable(path, "excel", error) from None
    filled = cells.notna().any(axis=1).to_numpy()
    rows = np.flatnonzero(filled)
    where = _sheet_words(name, sheets, chosen=sheet is not None)
    if len(rows) < 2:
        raise fail(path, f"{where} has no data rows" if len(rows) else f"{where} is empty",
                   expected=_sheet_expected(sheets))
    header = [_header_cell(v) for v in cells.iloc[rows[0]]]
    data = cells.iloc[rows[1:]]
    keep = [i for i, name in enumerate(header) if name or data.iloc[:, i].notna().any()]
    header_problems = _header_problems(path, [header[i] for i in keep], line=rows[0] + 1,
                                       positions=[i + 1 for i in keep])
    if header_problems:
        raise DataError(header_problems)
    frame = data.iloc[:, keep].reset_index(drop=True)
    frame.columns = [header[i] for i in keep]
    frame = frame.astype(object).where(frame.notna(), None)
    # Rows are numbered as the spreadsheet shows them; blank ones are left out, as
    # blank lines of a CSV are.
    return RawTable(path, frame, rows[1:] + 1, sheet=name, sheets=sheets)


def _header_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choose_sheet(path: Path, sheets: list[str], sheet: Sheet) -> str:
    """A sheet by name (exactly, then ignoring case) or by number, from 1."""
    if sheet is None:
        return sheets[0]
    text = str(sheet).strip()
    if text in sheets:
        return text
    same = [s for s in sheets if s.casefold() == text.casefold()]
    if same:
        return same[0]
    if text.isdigit() and 1 <= int(text) <= len(sheets):
        return sheets[int(text) - 1]
    raise fail(path, f"has no sheet {text!r}",
               expected=f"one of its sheets: {_sheet_list(sheets)}, by name or number from 1")


def _sheet_words(name: str, sheets: list[str], chosen: bool) -> str:
    if len(sheets) == 1:
        return f"sheet '{name}' (the workbook's only sheet)"
    if chosen:
        return f"sheet '{name}'"
    return f"sheet '{name}' (the first of {len(sheets)}: {_sheet_list(sheets)})"


def _sheet_expected(sheets: list[str]) -> str:
    expected = "a header row and at least one data row"
    if len(sheets) > 1:
        expected += f"; choose the sheet that holds the data with {SHEET_HELP}"
    return expected


def _sheet_list(sheets: list[str]) -> str:
    return ", ".join(f"{n} '{s}'" for n, s in enumerate(sheets, start=1))


def sheet_note(raw: RawTable) -> list[Problem]:
    """For a workbook of several sheets, a note naming them: for loaders to add when
    the sheet read does not look like the data (its header has problems)."""
    return _sheets_note(raw.path, raw.sheet, raw.sheets)


def workbook_note(path: str | Path, sheet: Sheet = None) -> list[Problem]:
    """`sheet_note` for a file not read yet (nothing for other formats)."""
    path = Path(path)
    if READERS_BY_SUFFIX.get(path.suffix.lower()) != "excel" or not path.is_file():
        return []
    try:
        with pd.ExcelFile(path) as book:
            sheets = [str(name) for name in book.sheet_names]
        return _sheets_note(path, _choose_sheet(path, sheets, sheet), sheets)
    except Exception:  # reading the workbook will say what is wrong
        return []


def _sheets_note(path: Path, sheet: str | None, sheets: list[str]) -> list[Problem]:
    if len(sheets) < 2:
        return []
    return [problem(path, f"sheet '{sheet}' was read, of {len(sheets)}: {_sheet_list(sheets)}",
                    expected=f"the sheet that holds the data: choose it with {SHEET_HELP}")]


# --- text ---

def _read_text_table(path: Path, source: Path | IO[bytes]) -> RawTable:
    with _open(source) as handle:
        start = handle.read(1 << 16)
        if not start.strip() and not handle.read(1):
            raise fail(path, "file is empty",
                       expected="a header row and at least one data row")
        _refuse_binary(path, start)
        encoding = _encoding(path, handle)
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        head = _first_filled_line(text)
        first = head[-1] if head else ""
        _refuse_json(path, first)
        table = _parse_csv(path, itertools.chain(head, text), _sniff_delimiter(first))
        text.detach()
    table.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    return table


def _open(source: Path | IO[bytes]) -> contextlib.AbstractContextManager[IO[bytes]]:
    if isinstance(source, Path):
        return source.open("rb")
    source.seek(0)
    return contextlib.nullcontext(source)  # its owner closes it


def _first_filled_line(text: io.TextIOWrapper) -> list[str]:
    """The lines up to and including the first that is not blank (the header)."""
    head = []
    for line in text:
        head.append(line)
        if line.strip():
            break
    return head


def _refuse_binary(path: Path, data: bytes) -> None:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise fail(path, f"is {what}, not a text table",
                       expected=f"a {SUPPORTED} file with the matching extension")
    if b"\x00" in data[:8192]:
        raise fail(path, "is binary, not a text table", expected=f"a {SUPPORTED} file")


def _encoding(path: Path, handle: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if the whole file is; else Windows-1252, what
    Excel writes in France and Quebec (it covers Latin-1's é, è, ç, à), or Latin-1
    for the few bytes Windows-1252 leaves undefined. A file with both UTF-8 and
    other lines is an error naming the lines (`_mixed_encoding_problems`)."""
    if _decodes(handle, "utf-8"):
        return "utf-8-sig"
    mixed = _mixed_encoding_problems(path, handle)
    if mixed:
        raise DataError(mixed)
    return "cp1252" if _decodes(handle, "cp1252") else "latin-1"


def _decodes(handle: IO[bytes], encoding: str) -> bool:
    """Whether the whole file decodes, checked a megabyte at a time (nothing kept)."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := handle.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _mixed_encoding_problems(path: Path, handle: IO[bytes]) -> list[Problem]:
    """A problem per cell that is not UTF-8, when other lines are UTF-8 with
    letters beyond ASCII (so that no single encoding reads the whole file right)."""
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape",
                            newline="")
    try:
        head = _first_filled_line(text)
        records = csv.reader(text, delimiter=_sniff_delimiter(head[-1] if head else ""))
        text.seek(0)
        header: list[str] = []
        utf8_line, bad = None, []
        end = 0  # the last line of the record before
        for record in records:
            start, end = end + 1, records.line_num
            if not header:
                header = record
            if "\x1f".join(record).isascii():
                continue
            if utf8_line is None and any(_is_utf8_text(f) for f in record):
                utf8_line = (start, next(f for f in record if _is_utf8_text(f)))
            bad += [(start, _column_name(header, i), f)
                    for i, f in enumerate(record) if _has_raw_bytes(f)]
    except csv.Error:
        return []  # the CSV parser will say what is wrong with the file
    finally:
        text.detach()
    if utf8_line is None or not bad:
        return []
    line, example = utf8_line
    problems = [problem(
        path, f"{_show_bytes(cell)} is not UTF-8 (it reads as {_as_cp1252(cell)!r} in "
              f"Windows-1252), but line {line} is UTF-8 ({example.strip()[:40]!r})",
        line=number, column=column,
        expected="one encoding for the whole file: save it again as UTF-8")
        for number, column, cell in bad[:MAX_ENCODING_PROBLEMS]]
    if len(bad) > MAX_ENCODING_PROBLEMS:
        problems.append(problem(path, f"{len(bad) - MAX_ENCODING_PROBLEMS} more cells are "
                                      "not UTF-8", expected="one encoding for the whole file"))
    return problems


def _has_raw_bytes(text: str) -> bool:
    # surrogateescape turns each byte that is not UTF-8 into U+DC80..U+DCFF
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _is_utf8_text(text: str) -> bool:
    return not text.isascii() and not _has_raw_bytes(text)


def _as_cp1252(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("cp1252", "replace")


def _show_bytes(text: str) -> str:
    """'Soci\\xe9t\\xe9': the bytes that are not UTF-8 as escapes."""
    shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return f"'{shown if len(shown) <= 40 else shown[:37] + '...'}'"


def _column_name(header: list[str], position: int) -> str:
    return header[position].strip() if position < len(header) else f"field {position + 1}"


def _refuse_json(path: Path, first_line: str) -> None:
    if first_line.lstrip()[:1] in ("{", "["):
        raise fail(path, "looks like JSON, not a CSV table", line=1,
                   expected="a CSV file with a header row (or, for account data, "
                            "`adoption snapshots import`)")


def _sniff_delimiter(header: str) -> str:
    """Comma, semicolon (French Excel) or tab: whichever splits the header most."""
    header = header.lstrip("\ufeff").splitlines()[0] if header.strip() else ""
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _parse_csv(path: Path, lines: Iterator[str], delimiter: str) -> RawTable:
    """Records into columns (`_Columns`), a batch at a time, and each record's line.

    Blank lines are skipped; ragged rows are problems (and rows stop being kept
    after the first problem, since the file will be refused)."""
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    batch: list[list[str]] = []
    columns = _Columns()
    row_lines = array("q")
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
        if not (record and record[0].strip()) and not any(f.strip() for f in record):
            continue  # blank line (or only separators)
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
        if problems:
            continue
        batch.append(record)
        row_lines.append(start)
        if len(batch) == BATCH_ROWS:
            columns.add(batch)
            batch = []
    if problems:
        raise DataError(problems)
    if header is None:
        raise fail(path, "file is empty", expected="a header row and at least one data row")
    columns.add(batch)
    if not row_lines:
        raise fail(path, "has a header but no data rows", line=1,
                   expected="at least one data row")
    return RawTable(path, columns.frame(header), np.frombuffer(row_lines, dtype=np.int64))


class _Columns:
    """Batches of records, kept column by column as dictionary-encoded Arrow strings,
    which become pandas Categoricals: a survey column holds a few answers many times
    over, and Python strings would take ten times the text's size."""

    def __init__(self) -> None:
        self.chunks: list[list] = []

    def add(self, batch: list[list[str]]) -> None:
        """Cells trimmed of spaces, and missing where empty (in Arrow, not cell by cell)."""
        # Deferred: pyarrow only when this runs.
        import pyarrow as pa
        import pyarrow.compute as pc

        for position, column in enumerate(zip(*batch, strict=True)):
            if position == len(self.chunks):
                self.chunks.append([])
            cells = pc.utf8_trim_whitespace(pa.array(column, type=pa.string()))
            cells = pc.if_else(pc.equal(cells, ""), pa.scalar(None, pa.string()), cells)
            self.chunks[position].append(cells.dictionary_encode())

    def frame(self, header: list[str]) -> pd.DataFrame:
        # Deferred: pyarrow only when this runs.
        import pyarrow as pa

        encoded = pa.dictionary(pa.int32(), pa.string())
        data = {}
        for position in range(len(header)):
            chunks, self.chunks[position] = self.chunks[position], []  # freed as we go
            data[position] = pa.chunked_array(chunks, type=encoded).to_pandas()
        frame = pd.DataFrame(data)
        frame.columns = header
        return frame


def _header_problems(path: Path, header: list[str], line: int = 1,
                     positions: list[int] | None = None) -> list[Problem]:
    """Empty and repeated header names: pandas would invent `Unnamed: 3` or
    `twitter.1` for them, and the data would be read under the wrong name.
    `positions`: the fields' numbers (1, 2, ... by default)."""
    problems = []
    seen: dict[str, int] = {}
    for position, name in zip(positions or range(1, len(header) + 1), header, strict=True):
        if not name:
            problems.append(problem(path, f"header field {position} is empty", line=line,
                                    expected="a name for every column"))
        elif name in seen:
            problems.append(problem(
                path, f"appears twice in the header (fields {seen[name]} and {position})",
                line=line, column=name, expected="each column name once"))
        else:
            seen[name] = position
    return problems


# --- the header alone, to tell what kind of data a file holds ---

def _header_only(path: Path) -> list[str] | None:
    """The header without the rows, or None where that takes the whole read."""
    reader = READERS_BY_SUFFIX.get(path.suffix.lower())
    try:
        if reader is None:
            return _text_header(path)
        if reader == "parquet":
            # Deferred: pyarrow only when this runs.
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
            return [n for n in names if not n.startswith("__index_level_")]
        if reader in ("stata", "spss"):
            # Deferred: pyreadstat only when this runs.
            import pyreadstat

            read = {"stata": pyreadstat.read_dta, "spss": pyreadstat.read_sav}[reader]
            if path.suffix.lower() == ".por":
                read = pyreadstat.read_por
            _, meta = read(str(path), metadataonly=True)
            return [str(c).strip() for c in meta.column_names]
    except Exception:  # read_table then says what is wrong
        return None
    return None


def _text_header(path: Path) -> list[str] | None:
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    if not start.strip() or any(start.startswith(m) for m in _MAGIC) or b"\x00" in start:
        return None
    text = start.decode("utf-8-sig", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip()[:1] in ("{", "["):
        return None
    return [field.strip() for field in next(csv.reader([first],
                                                       delimiter=_sniff_delimiter(first)))]


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
