"""Archived API output as JSON documents that remember their line.

Archiving tools write either one JSON document per file (a saved API response,
often pretty-printed) or JSON Lines, one response per line (twarc). Both may be
gzip-compressed. Which one a file is, is told from its content, never from its
name. A JSONL line that does not parse (typically the last one, cut short when
a harvest was interrupted) is reported with its line number; with
`skip_bad_lines` the good lines are kept and the bad ones are returned as
problems for the caller to show as warnings.

`ArchiveFile.documents` streams: JSON Lines are read one line at a time, so a
file of any size is read in the memory of its longest line. A file holding one
JSON document (a saved API response, usually pretty-printed) is read whole:
API responses are pages of at most a few megabytes.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from adoption.problems import DataError, Problem, fail, problem

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
JSONL_EXPECTED = "one complete JSON document per line (JSON Lines, as twarc writes)"


@dataclass(frozen=True)
class Document:
    """One parsed JSON document and where it sits: its line for JSON Lines and
    single-line files, None for a document spread over many lines."""

    value: object
    line: int | None


def file_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it is gzip (told by its first bytes)."""
    if not path.exists():
        raise fail(path, "file not found", expected="a path to an existing file")
    if path.is_dir():
        raise fail(path, "is a folder, not a file", expected="an archived data file")
    data = path.read_bytes()
    if data.startswith(GZIP_MAGIC):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise fail(path, f"is a damaged gzip file ({error})",
                       expected="a complete .gz file") from None
    return data


def looks_like_json(data: bytes) -> bool:
    """True when the first meaningful character opens a JSON object or array."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start in (b"{", b"[")


def read_documents(path: Path, data: bytes, *, skip_bad_lines: bool = False
                   ) -> tuple[list[Document], list[Problem]]:
    """The JSON documents in a file, and the bad JSONL lines skipped (when allowed).

    Raises DataError when the file is not JSON, or has bad lines and
    `skip_bad_lines` is false.
    """
    text = _decode(path, data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as whole_file_error:
        return _read_json_lines(path, text, whole_file_error, skip_bad_lines)
    one_line = "\n" not in text.strip()
    return [Document(value, 1 if one_line else None)], []


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(path, f"is not UTF-8 text (byte {error.start})",
                   expected="JSON in UTF-8, as every API writes it") from None


def _read_json_lines(path: Path, text: str, whole_file_error: json.JSONDecodeError,
                     skip_bad_lines: bool) -> tuple[list[Document], list[Problem]]:
    lines = text.splitlines()
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered or _parse(numbered[0][1]) is None:
        # Not JSON Lines either: report the error where the whole document broke.
        message = whole_file_error.msg.removesuffix(" at")
        raise fail(path, f"is not valid JSON: {message} at column {whole_file_error.colno}",
                   line=whole_file_error.lineno,
                   expected="a complete JSON document, or JSON Lines")
    documents, bad = [], []
    for number, line in numbered:
        parsed = _parse(line)
        if parsed is None:
            bad.append(problem(path, _why_bad(line), line=number, expected=JSONL_EXPECTED))
        else:
            documents.append(Document(parsed[0], number))
    if bad and not skip_bad_lines:
        hint = problem(path, f"{len(bad)} bad line(s); --skip-bad-lines keeps the "
                             f"{len(documents)} good one(s) and reports the rest")
        raise DataError([*bad, hint])
    return documents, bad


def _parse(line: str) -> tuple[object] | None:
    """The parsed line in a 1-tuple (so `null` is told from failure), or None."""
    try:
        return (json.loads(line),)
    except json.JSONDecodeError:
        return None


def _why_bad(line: str) -> str:
    try:
        json.loads(line)
    except json.JSONDecodeError as error:
        detail = f"{error.msg.removesuffix(' at')} at column {error.colno}"
        ends_early = (error.msg.startswith("Unterminated string")
                      or error.pos >= len(line.rstrip()) - 1)
        if ends_early:
            return f"line is cut short: the JSON ends before it is complete, {detail}"
        return f"line is not valid JSON: {detail}"
    return "line is not valid JSON"


# --- streaming ---

class ArchiveFile:
    """An archived file opened for streaming, gzip or not, that knows how far it got
    (in bytes of the file as stored, for a progress bar)."""

    def __init__(self, path: Path):
        if not path.exists():
            raise fail(path, "file not found", expected="a path to an existing file")
        if path.is_dir():
            raise fail(path, "is a folder, not a file", expected="an archived data file")
        self.path = path
        self._raw: BinaryIO = path.open("rb")
        self.compressed = self._raw.read(2) == GZIP_MAGIC
        self._raw.seek(0)
        self._stream: BinaryIO = (gzip.GzipFile(fileobj=self._raw, mode="rb")  # type: ignore[assignment]
                                  if self.compressed else self._raw)

    def __enter__(self) -> ArchiveFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()
        self._raw.close()

    def position(self) -> int:
        """Bytes of the stored file read so far."""
        return self._raw.tell() if not self._raw.closed else 0

    def head(self, size: int = 4096) -> bytes:
        """The first bytes of the content (decompressed), without consuming them."""
        data = self._guard(lambda: self._stream.read(size), line=None)
        self._stream.seek(0)
        return data

    def documents(self, *, skip_bad_lines: bool = False, skipped: list[Problem]
                  ) -> Iterator[Document]:
        """The JSON documents in the file, streamed when it is JSON Lines.

        Bad JSONL lines go to `skipped` (as problems); unless `skip_bad_lines`,
        a last problem saying how many good lines the option would keep is added
        at the end, for the caller to raise with the others.
        """
        lines = self._lines()
        leading: list[bytes] = []
        first, first_line = None, 0
        for number, raw in lines:
            leading.append(raw)
            if raw.strip():
                first, first_line = _parse_bytes(raw.removeprefix(b"\xef\xbb\xbf")), number
                break
        if first is None:  # one document spread over many lines (or not JSON at all)
            data = b"".join(leading) + self._guard(self._stream.read, line=None)
            documents, bad = read_documents(self.path, data, skip_bad_lines=skip_bad_lines)
            skipped += bad
            yield from documents
            return
        yield Document(first[0], first_line)
        yield from self._more_lines(lines, skip_bad_lines, skipped)

    def _more_lines(self, lines: Iterator[tuple[int, bytes]], skip_bad_lines: bool,
                    skipped: list[Problem]) -> Iterator[Document]:
        good, bad = 1, []
        for number, raw in lines:
            if not raw.strip():
                continue
            parsed = _parse_bytes(raw)
            if parsed is None:
                bad.append(problem(self.path, _why_bad_bytes(raw), line=number,
                                   expected=JSONL_EXPECTED))
                continue
            good += 1
            yield Document(parsed[0], number)
        skipped += bad
        if bad and not skip_bad_lines:
            skipped.append(problem(self.path, f"{len(bad)} bad line(s); --skip-bad-lines "
                                              f"keeps the {good} good one(s) and reports "
                                              "the rest"))

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        number = 0
        while True:
            raw = self._guard(self._stream.readline, line=number + 1)
            if not raw:
                return
            number += 1
            yield number, raw

    def _guard(self, read, line: int | None) -> bytes:
        """Read, turning a damaged gzip stream into a located problem."""
        try:
            return read()
        except (OSError, EOFError, zlib.error) as error:
            raise fail(self.path, f"is a damaged gzip file ({error})", line=line,
                       expected="a complete .gz file") from None


def _parse_bytes(raw: bytes) -> tuple[object] | None:
    try:
        return (json.loads(raw),)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _why_bad_bytes(raw: bytes) -> str:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"line is not UTF-8 text (byte {error.start + 1} of the line)"
    return _why_bad(line.rstrip("\r\n"))
