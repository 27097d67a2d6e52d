"""Archived API output as JSON documents that remember their line, read in bounded memory.

Archiving tools write either one JSON document per file (a saved API response,
often pretty-printed) or JSON Lines, one response per line (twarc). Both may be
gzip-compressed. Which one a file is, is told from its content, never from its
name.

`ArchiveFile.documents` streams: JSON Lines are read one line at a time, so a
file of any size (a gzip "bomb" too) is read in the memory of its longest line.
A file holding one JSON document spread over many lines is read whole. Either
way no line or document longer than `max_document_bytes` (decompressed; default
`DEFAULT_MAX_DOCUMENT_MB`) is held: API pages are a few megabytes at most, and a
longer one is refused with a message rather than exhausting the memory.

JSON is read strictly, because an archive that parses "somehow" can give a
different number than the one the API sent:

- a key written twice in one object is an error naming it (Python and most
  libraries would silently keep the last value);
- a number written with a fraction or an exponent keeps its text
  (`WrittenNumber`), so that an id sent as `1234567890123456789.0` is shown as
  written when it is refused, not as `1.2345678901234568e+18`;
- arrays or objects nested too deep for the parser are an error, not a crash.

A JSONL line that cannot be read (typically the last one, cut short when a
harvest was interrupted) is a bad line, reported with its number; the caller
decides whether it is an error or, with `--skip-bad-lines`, a warning.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from isal import igzip, isal_zlib

from adoption.problems import Problem, fail, problem

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
JSONL_EXPECTED = "one complete JSON document per line (JSON Lines, as twarc writes)"
DEFAULT_MAX_DOCUMENT_MB = 64
MB = 1_000_000
_SKIP_CHUNK = 1 << 20  # an over-long line is skipped a megabyte at a time
_BUFFER = 1 << 20


@dataclass(frozen=True)
class Document:
    """One parsed JSON document and where it sits: its line for JSON Lines and
    single-line files, None for a document spread over many lines."""

    value: object
    line: int | None


class WrittenNumber(float):
    """A JSON number written with a fraction or an exponent, which remembers how it
    was written: `repr` gives the text of the file (`12.0`, `1.23457E+18`)."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text


class JsonProblem(Exception):
    """Why a text is not JSON we can read, and where in it (a character offset).
    `syntax`: the text breaks JSON's grammar (else it is JSON we refuse to guess at)."""

    def __init__(self, message: str, position: int | None = None, *, cut_short: bool = False,
                 syntax: bool = True):
        super().__init__(message)
        self.message = message
        self.position = position
        self.cut_short = cut_short
        self.syntax = syntax

    def what(self) -> str:
        """'is not valid JSON: ...' or, for JSON we refuse, 'cannot be read: ...'."""
        return f"{'is not valid JSON' if self.syntax else 'cannot be read'}: {self.message}"


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object's members as a dict; a key given twice is an error, never last-wins."""
    members = dict(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return members


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_float=WrittenNumber)


def parse_json(text: str) -> object:
    """The JSON value in `text` (one whole document). Raises JsonProblem."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        message = error.msg.removesuffix(" at")
        cut_short = not error.msg.startswith("Extra data") and (
            error.msg.startswith("Unterminated string") or error.pos >= len(text.rstrip()) - 1)
        raise JsonProblem(message, error.pos, cut_short=cut_short) from None
    except _DuplicateKey as duplicate:
        key, position = _repeated_key(text) or (duplicate.key, None)
        raise JsonProblem(f"the key {key!r} appears twice in one object (which value is "
                          "right cannot be told)", position, syntax=False) from None
    except RecursionError:
        raise JsonProblem(f"arrays or objects nested more than {DEEP} levels deep, no API's "
                          "account data", _too_deep(text), syntax=False) from None


DEEP = 500  # levels of nesting said to be too deep (the parser gives up near 1,000)
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str) -> int | None:
    """Where the nesting of `text` first goes deeper than DEEP levels."""
    depth = 0
    for token in _BRACKETS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > DEEP:
                return token.start()
        elif bracket in "]}":
            depth -= 1
    return None


def _repeated_key(text: str) -> tuple[str, int] | None:
    """The first key repeated in an object of `text`, in reading order, and where it
    starts. Slow (pure Python), so called only once a repeated key is known to be there."""
    decoder = json.JSONDecoder()
    decoder.parse_object = _members_watched  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _RepeatedAt as repeated:
        return repeated.key, repeated.position
    except (ValueError, RecursionError):
        return None
    return None


class _RepeatedAt(Exception):
    def __init__(self, key: str, position: int):
        super().__init__(key, position)
        self.key = key
        self.position = position


_SPACE = re.compile(r"[ \t\n\r]*")


def _members_watched(s_and_end: tuple[str, int], strict: bool, scan_once: Callable,
                     *_: object) -> tuple[dict, int]:
    """json.decoder.JSONObject for well-formed text, noting where each key starts."""
    text, end = s_and_end
    members: dict = {}
    end = _SPACE.match(text, end).end()
    while text[end] != "}":
        key_start = end
        key, end = json.decoder.scanstring(text, end + 1, strict)
        if key in members:
            raise _RepeatedAt(key, key_start)
        end = _SPACE.match(text, end).end() + 1  # past the colon
        members[key], end = scan_once(text, _SPACE.match(text, end).end())
        end = _SPACE.match(text, end).end()
        if text[end] == ",":
            end = _SPACE.match(text, end + 1).end()
    return members, end + 1


def place(text: str, position: int | None, first_line: int = 1) -> tuple[int | None, str]:
    """(line, ' at column C') of a character offset in a text that starts at `first_line`."""
    if position is None:
        return None, ""
    line = first_line + text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, f" at column {column}"


def looks_like_json(data: bytes) -> bool:
    """True when the first meaningful character opens a JSON object or array."""
    start = data.lstrip(UTF8_BOM + b" \t\r\n")[:1]
    return start in (b"{", b"[")


# --- streaming ---

class ArchiveFile:
    """An archived file opened for streaming, gzip or not, that knows how far it got
    (in bytes of the file as stored, for a progress bar)."""

    def __init__(self, path: Path, max_document_bytes: int = DEFAULT_MAX_DOCUMENT_MB * MB):
        if not path.exists():
            raise fail(path, "file not found", expected="a path to an existing file")
        if path.is_dir():
            raise fail(path, "is a folder, not a file", expected="an archived data file")
        self.path = path
        self.limit = max_document_bytes
        self._raw: BinaryIO = path.open("rb", buffering=_BUFFER)
        self.compressed = self._raw.read(2) == GZIP_MAGIC
        self._raw.seek(0)
        # igzip (Intel's ISA-L) inflates 2.3 times faster than zlib: a tenth of an
        # import. gzip's own buffer is 8 KB: lines of a few hundred KB read faster
        # through a larger one.
        self._stream: BinaryIO = (
            io.BufferedReader(igzip.GzipFile(fileobj=self._raw, mode="rb"),  # type: ignore[arg-type]
                              buffer_size=_BUFFER)
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
        # Peeked from the buffer, which the reading then starts from: reading and
        # rewinding would inflate a megabyte twice, a third of a daily harvest's.
        data = self._guard(lambda: self._stream.peek(size), line=None)  # type: ignore[attr-defined]
        if len(data) >= size:
            return data[:size]
        data = self._guard(lambda: self._stream.read(size), line=None)  # a short buffer
        self._stream.seek(0)
        return data

    def documents(self, bad_lines: Callable[[Problem], None],
                  take_line: TakeLine | None = None) -> Iterator[Document | None]:
        """The JSON documents in the file, streamed when it is JSON Lines.

        Each JSONL line that cannot be read is handed to `bad_lines` (as a problem)
        and skipped. `take_line(raw, number)`, when given, is offered each line of
        JSON Lines first (the fast path): a line it takes is not parsed here, and
        None stands for it. Raises DataError when the file is neither JSON Lines
        nor one JSON document we can read.
        """
        lines = self._lines()
        for number, raw in lines:
            if raw is None:  # longer than the limit: not even the first line fits
                bad_lines(self._too_long(number))
                yield from self._more_lines(lines, bad_lines, take_line)
                return
            if raw.strip():
                break
        else:
            return
        raw = raw.removeprefix(UTF8_BOM)
        if take_line is not None and take_line(raw, number):
            yield None
            yield from self._more_lines(lines, bad_lines, take_line)
            return
        try:
            first = _parse_line(raw)
        except JsonProblem:
            yield from self._spread_document(raw, number, bad_lines, take_line)
            return
        yield Document(first, number)
        yield from self._more_lines(lines, bad_lines, take_line)

    def _more_lines(self, lines: Iterator[tuple[int, bytes | None]],
                    bad_lines: Callable[[Problem], None], take_line: TakeLine | None
                    ) -> Iterator[Document | None]:
        for number, raw in lines:
            if raw is None:
                bad_lines(self._too_long(number))
                continue
            if not raw.strip():
                continue
            if take_line is not None and take_line(raw, number):
                yield None
                continue
            try:
                yield Document(_parse_line(raw), number)
            except JsonProblem as why:
                bad_lines(problem(self.path, _bad_line_message(raw, why), line=number,
                                  expected=JSONL_EXPECTED))

    def _spread_document(self, first: bytes, first_line: int,
                         bad_lines: Callable[[Problem], None], take_line: TakeLine | None
                         ) -> Iterator[Document | None]:
        """The first line is no JSON document: the file is one document spread over
        many lines (a pretty-printed response), or JSON Lines whose first line is bad."""
        rest = self._guard(lambda: self._stream.read(self.limit + 1 - len(first)), line=None)
        data = first + rest
        if len(data) > self.limit:
            if _second_line_parses(data):  # JSON Lines after all: start again, line by line
                self._stream.seek(0)
                yield from self._more_lines(self._lines(), bad_lines, take_line)
                return
            raise fail(self.path, f"holds a JSON document longer than {_megabytes(self.limit)} "
                                  "(read whole, unlike JSON Lines)",
                       expected="JSON Lines (one document per line), or a larger "
                                "--max-document-mb")
        text = _decode(self.path, data)
        try:
            value = parse_json(text)
        except JsonProblem as why:
            if _second_line_parses(data):  # JSON Lines whose first line is bad
                self._stream.seek(0)
                yield from self._more_lines(self._lines(), bad_lines, take_line)
                return
            line, column = place(text, why.position, first_line)
            raise fail(self.path, f"{why.what()}{column}", line=line,
                       expected="a complete JSON document, or JSON Lines") from None
        one_line = "\n" not in text.strip()
        yield Document(value, first_line if one_line else None)

    def _lines(self) -> Iterator[tuple[int, bytes | None]]:
        """(number, line) for every line; None for a line longer than the limit, which
        is skipped without ever being held whole."""
        number = 0
        while True:
            raw = self._guard(lambda: self._stream.readline(self.limit + 1), line=number + 1)
            if not raw:
                return
            number += 1
            if len(raw) > self.limit and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = self._guard(lambda: self._stream.readline(_SKIP_CHUNK), line=number)
                yield number, None
            else:
                yield number, raw

    def _too_long(self, number: int) -> Problem:
        return problem(self.path, f"line is longer than {_megabytes(self.limit)}: it was "
                                  "skipped unread", line=number,
                       expected=f"{JSONL_EXPECTED}, each at most {_megabytes(self.limit)} "
                                "(--max-document-mb)")

    def _guard(self, read: Callable[[], bytes], line: int | None) -> bytes:
        """Read, turning a damaged gzip stream into a located problem."""
        try:
            return read()
        except (OSError, EOFError, isal_zlib.error) as error:
            raise fail(self.path, f"is a damaged gzip file ({error})", line=line,
                       expected="a complete .gz file") from None


TakeLine = Callable[[bytes, int], bool]


def _parse_line(raw: bytes) -> object:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonProblem(f"not UTF-8 text (byte {error.start + 1} of the line)") from None
    return parse_json(text)


def _bad_line_message(raw: bytes, why: JsonProblem) -> str:
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    _, column = place(text, why.position)
    if why.cut_short:
        return f"line is cut short: the JSON ends before it is complete, {why.message}{column}"
    return f"line {why.what()}{column}"


def _second_line_parses(data: bytes) -> bool:
    lines = [line for line in data.split(b"\n")[1:-1] if line.strip()]
    if not lines:
        return False
    try:
        _parse_line(lines[0])
    except JsonProblem:
        return False
    return True


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(path, f"is not UTF-8 text (byte {error.start})",
                   expected="JSON in UTF-8, as every API writes it") from None


def _megabytes(size: int) -> str:
    return f"{size / MB:g} MB"


def check_limit(max_document_mb: float) -> int:
    """The limit in bytes, from megabytes (ValueError unless positive)."""
    if not max_document_mb > 0:
        raise ValueError(f"max_document_mb: {max_document_mb!r} is not a positive size in MB")
    return int(max_document_mb * MB)

