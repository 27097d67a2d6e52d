"""`reports.toml`: the list of reports a build makes.

    [build]
    cell_timeout = 600          # seconds one cell may run before the report fails
    base_url = "https://example.org/adoption/"   # where the reports are published

    [[report]]
    name = "blog"               # file name of the report: reports/blog.html
    title = "Blogging: ..."     # shown in the index and as the page title
    notebook = "notebooks/adoption_yoy.ipynb"
    [report.parameters]         # injected by papermill; must be declared in the notebook
    platform = "blog"

Paths (the notebook, and parameters ending in `_file` or `_files`) are relative
to the folder holding `reports.toml` (the project's own is at the project root), wherever
the build is run from. A notebook may also be one of those shipped in the package, named
by its name alone (`notebook = "adoption_yoy"`), so that a config in an analyst's own
folder needs no copy of the notebooks.

Every mistake in the file's shape (a `[report]` where `[[report]]` was meant, a
key of the wrong type, a timeout of zero) is a problem naming the file, the line
of the key and what was expected; all of them are found before anything runs.
Whether a parameter's value suits the notebook is checked when the report runs
(`parameters.check_parameters`), against the notebook's own declarations.
"""

from __future__ import annotations

import datetime
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from adoption.escaping import web_url
from adoption.paths import packaged_notebook, packaged_notebooks
from adoption.problems import DataError, Problem, fail, problem

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
REPORT_KEYS = {"name", "title", "notebook", "parameters"}
BUILD_KEYS = {"cell_timeout", "base_url"}
BASE_URL_VARIABLE = "ADOPTION_BASE_URL"
DEFAULT_CELL_TIMEOUT = 600
LANGUAGE_PARAMETER = "language"
REPORT_SHAPE = "one [[report]] table per report (double brackets), see README.md"


@dataclass(frozen=True)
class ReportSpec:
    """One report: which notebook to run, with which parameters, under which name."""

    name: str
    title: str
    notebook: Path
    parameters: dict[str, object] = field(default_factory=dict)
    line: int = 0  # where the report is declared, for error messages
    parameter_lines: dict[str, int] = field(default_factory=dict)  # where each parameter is

    @property
    def language(self) -> str:
        return str(self.parameters.get(LANGUAGE_PARAMETER, "en"))

    def data_files(self, root: Path) -> list[Path]:
        """The input files named by the parameters (`*_file` and `*_files`)."""
        files: list[Path] = []
        for key, value in sorted(self.parameters.items()):
            if key.endswith("_file") and isinstance(value, str):
                files.append(root / value)
            elif key.endswith("_files") and isinstance(value, list):
                files += [root / item for item in value if isinstance(item, str)]
        return files


@dataclass(frozen=True)
class BuildConfig:
    path: Path
    reports: tuple[ReportSpec, ...]
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    # Where the built folder is published (http or https, ending in "/"): citations and
    # embed snippets link there. None: they say where the address goes instead.
    base_url: str | None = None

    @property
    def root(self) -> Path:
        return self.path.resolve().parent

    def families(self) -> list[list[ReportSpec]]:
        """The reports grouped by what they show: one notebook with the same parameters
        but the language is one report in several languages, in the order listed."""
        groups: dict[str, list[ReportSpec]] = {}
        for spec in self.reports:
            groups.setdefault(_family_key(spec), []).append(spec)
        return list(groups.values())

    def translations(self, spec: ReportSpec) -> list[ReportSpec]:
        """The same report in the other languages."""
        return [other for other in self.reports
                if other is not spec and _family_key(other) == _family_key(spec)]


def _family_key(spec: ReportSpec) -> str:
    shown = {key: value for key, value in spec.parameters.items() if key != LANGUAGE_PARAMETER}
    return f"{spec.notebook}\n{sorted(shown.items())!r}"


def load_config(path: str | Path) -> BuildConfig:
    """Read and check `reports.toml`; raise DataError naming every problem."""
    path = Path(path)
    if not path.is_file():
        found = "is a folder" if path.is_dir() else "file not found"
        raise fail(path, found, expected="a reports.toml listing the reports (see README.md)")
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise fail(path, f"not UTF-8 text (byte {error.start})",
                   expected="a TOML file saved as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise fail(path, f"not valid TOML: {error}", line=_error_line(error)) from None
    lines = Lines(text)
    problems: list[Problem] = []
    cell_timeout = _cell_timeout(path, document.get("build", {}), lines, problems)
    base_url = _base_url(path, document.get("build", {}), lines, problems)
    reports = _reports(path, document, lines, problems)
    problems += _duplicate_names(path, reports)
    problems += [problem(path, f"unknown {'table' if isinstance(document[key], dict) else 'key'}"
                               f" '{key}'", line=lines.top_level(key),
                         expected="a [build] table and [[report]] tables")
                 for key in sorted(set(document) - {"build", "report"})]
    if not reports and not problems:
        problems.append(problem(path, "lists no reports", expected="at least one [[report]]"))
    if problems:
        raise DataError(problems)
    return BuildConfig(path, tuple(reports), cell_timeout, base_url)


def _cell_timeout(path: Path, build: object, lines: Lines, problems: list[Problem]) -> int:
    """The `[build]` table's cell timeout, checked; problems go to `problems`."""
    if not isinstance(build, dict):
        problems.append(problem(path, f"'build' is {describe(build)}", line=lines.top_level(
            "build"), expected="a [build] table, e.g. [build] then cell_timeout = 600"))
        return DEFAULT_CELL_TIMEOUT
    start, end = lines.table("build")

    def line_of(key: str) -> int | None:
        return lines.key(key, start, end) or lines.top_level("build")

    problems += [problem(path, f"unknown key '{key}' in [build]", line=line_of(key),
                         expected="cell_timeout or base_url")
                 for key in sorted(set(build) - BUILD_KEYS)]
    timeout = build.get("cell_timeout", DEFAULT_CELL_TIMEOUT)
    line = line_of("cell_timeout")
    if isinstance(timeout, bool) or not isinstance(timeout, int):
        problems.append(problem(path, f"cell_timeout is {describe(timeout)}", line=line,
                                expected="a whole number of seconds, e.g. cell_timeout = 600"))
    elif timeout <= 0:
        problems.append(problem(path, f"cell_timeout is {timeout}", line=line,
                                expected="1 second or more, e.g. cell_timeout = 600"))
    else:
        return timeout
    return DEFAULT_CELL_TIMEOUT


def _base_url(path: Path, build: object, lines: Lines, problems: list[Problem]) -> str | None:
    """The `[build]` table's base_url, checked; problems go to `problems`."""
    if not isinstance(build, dict) or "base_url" not in build:
        return None
    start, end = lines.table("build")
    url, why = checked_base_url(build["base_url"])
    if why:
        problems.append(problem(path, f"base_url {why}", line=lines.key("base_url", start, end),
                                expected=BASE_URL_EXPECTED))
    return url


BASE_URL_EXPECTED = "the http or https address where the reports folder is published, " \
                    "e.g. base_url = \"https://example.org/adoption/\""


def with_base_url(config: BuildConfig, base_url: str | None = None) -> BuildConfig:
    """The config with its base URL chosen: `base_url` (the command line's), else the
    ADOPTION_BASE_URL environment variable, else the config's own (raises DataError
    for a variable that holds no web address)."""
    if base_url is None and os.environ.get(BASE_URL_VARIABLE, "").strip():
        base_url, why = checked_base_url(os.environ[BASE_URL_VARIABLE])
        if why:
            raise DataError([problem(f"environment variable {BASE_URL_VARIABLE}", why,
                                     expected=BASE_URL_EXPECTED.replace("base_url = ", ""))])
    return replace(config, base_url=base_url) if base_url else config


def checked_base_url(value: object) -> tuple[str | None, str]:
    """(the address ending in "/", "") or (None, why it is not one)."""
    if not isinstance(value, str):
        return None, f"is {describe(value)}"
    url = web_url(value)
    if url is None or url != value.strip() or any(char.isspace() for char in url):
        return None, f"is {value!r}, not a web address"
    return (url if url.endswith("/") else url + "/"), ""


def _reports(path: Path, document: dict, lines: Lines,
             problems: list[Problem]) -> list[ReportSpec]:
    """The `[[report]]` tables, checked one by one."""
    entries = document.get("report", [])
    if isinstance(entries, dict):  # `[report]`: one table, not an array of tables
        problems.append(problem(path, "[report] is a single table", expected=REPORT_SHAPE,
                                line=lines.table("report")[0] or lines.top_level("report")))
        return []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(problem(path, f"'report' is {describe(entries)}", expected=REPORT_SHAPE,
                                line=lines.top_level("report")))
        return []
    reports = []
    for position, entry in enumerate(entries):
        start, end = lines.report(position)
        start = start or lines.top_level("report")  # an inline array of tables
        spec, entry_problems = _report(path, entry, lines, start, end)
        problems += entry_problems
        if spec is not None:
            reports.append(spec)
    return reports


def _report(path: Path, entry: dict, lines: Lines, start: int | None,
            end: int | None) -> tuple[ReportSpec | None, list[Problem]]:
    parameters_header = lines.table("report.parameters", start, end)[0]

    def line_of(key: str) -> int | None:
        if key == "parameters" and parameters_header:
            return parameters_header
        return lines.key(key, start, parameters_header or end) or start

    problems = [problem(path, f"unknown key '{key}' in [[report]]", line=line_of(key),
                        expected="one of " + ", ".join(sorted(REPORT_KEYS)))
                for key in sorted(set(entry) - REPORT_KEYS)]
    for key in ("name", "title", "notebook"):
        value = entry.get(key)
        if key not in entry:
            problems.append(problem(path, f"report has no {key}", line=start,
                                    expected=f"{key} = \"...\""))
        elif not isinstance(value, str) or not value.strip():
            problems.append(problem(path, f"report {key} is {describe(value)}",
                                    line=line_of(key), expected=f"{key} = \"...\" (text)"))
    name = entry.get("name")
    if isinstance(name, str) and name.strip() and not NAME_PATTERN.fullmatch(name):
        problems.append(problem(path, f"report name '{name}' is not a plain file name",
                                line=line_of("name"),
                                expected="lower-case letters, digits and hyphens"))
    notebook_name = entry.get("notebook")
    notebook = _notebook(path, str(notebook_name))
    if isinstance(notebook_name, str) and notebook_name.strip() and not notebook.is_file():
        problems.append(problem(path, f"notebook '{notebook_name}' not found",
                                line=line_of("notebook"),
                                expected="a path to a notebook, relative to reports.toml, "
                                         "or the name of one shipped with adoption: "
                                         + ", ".join(_packaged_names())))
    parameters = entry.get("parameters", {})
    parameter_lines: dict[str, int] = {}
    if not isinstance(parameters, dict):
        problems.append(problem(path, f"parameters is {describe(parameters)}",
                                line=line_of("parameters"),
                                expected="[report.parameters] or parameters = { ... }"))
    else:
        after = parameters_header or start
        parameter_lines = {key: lines.key(key, after, end) or line_of("parameters")
                           for key in parameters}
        problems += [problem(path, f"parameter '{key}' is {describe(value)}",
                             line=parameter_lines[key],
                             expected="text, a number, true or false, a list or a table")
                     for key, value in parameters.items() if _has_date(value)]
    if problems:
        return None, problems
    return ReportSpec(name, entry["title"], notebook, dict(parameters), start or 0,
                      {key: line or 0 for key, line in parameter_lines.items()}), []


def _notebook(config: Path, name: str) -> Path:
    """The notebook a config names: a path from the config's folder, else one of the
    package's own notebooks by name."""
    local = config.resolve().parent / name
    return local if local.is_file() else (packaged_notebook(name) or local)


def _packaged_names() -> list[str]:

    return [path.stem for path in packaged_notebooks()]


def describe(value: object) -> str:
    """What a TOML value is, in words, with the value itself when it is short:
    "text ('600')", "a whole number (0)", "a list of text"."""
    if isinstance(value, list):
        kinds = sorted({PLURALS.get(kind_of(item), "other values") for item in value})
        return f"a list of {' and '.join(kinds)}" if value else "an empty list"
    kind = kind_of(value)
    if isinstance(value, dict):
        return kind
    if isinstance(value, str) and not value.strip():
        return "empty text"
    shown = repr(value) if isinstance(value, str) else \
        str(value).lower() if isinstance(value, bool) else str(value)
    return kind if len(shown) > 40 else f"{kind} ({shown})"


KINDS = ((bool, "true/false"), (int, "a whole number"), (float, "a number"), (str, "text"),
         (list | tuple, "a list"), (dict, "a table"),
         (datetime.date | datetime.time, "a date/time"), (type(None), "None"))
PLURALS = {"true/false": "true/false values", "a whole number": "whole numbers",
           "a number": "numbers", "text": "text", "a list": "lists", "a table": "tables",
           "a date/time": "dates/times", "None": "None"}


def kind_of(value: object) -> str:
    """The kind of a TOML (or Python literal) value: text, a whole number, ..."""
    return next((name for kind, name in KINDS if isinstance(value, kind)), "something else")


def _has_date(value: object) -> bool:
    """TOML dates and times, which papermill cannot pass to a notebook."""
    if isinstance(value, list):
        return any(_has_date(item) for item in value)
    if isinstance(value, dict):
        return any(_has_date(item) for item in value.values())
    return isinstance(value, datetime.date | datetime.time)


def _duplicate_names(path: Path, reports: list[ReportSpec]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for spec in reports:
        if spec.name in seen:
            problems.append(problem(path, f"report name '{spec.name}' is already used on line "
                                          f"{seen[spec.name]}", line=spec.line,
                                    expected="a unique name per report"))
        seen.setdefault(spec.name, spec.line)
    return problems


class Lines:
    """Where things are in the TOML text, for messages: tomllib gives no positions.

    A plain reading of the lines: table headers (`[build]`, `[[report]]`) and
    `key = ...` lines. It is only ever used to point at a line; the values come
    from tomllib.
    """

    HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.text = text.splitlines()
        self.headers = [(number, opening, name)
                        for number, line in enumerate(self.text, start=1)
                        if (found := self.HEADER.match(line))
                        for opening, name in [found.groups()]]

    def top_level(self, key: str) -> int | None:
        """The line of a top-level `key = ...`, or else of its first table header."""
        first_header = self.headers[0][0] if self.headers else None
        line = self.key(key, 1, first_header)
        return line or next((number for number, _, name in self.headers
                             if name == key or name.startswith(f"{key}.")), None)

    def table(self, name: str, start: int | None = 1,
              end: int | None = None) -> tuple[int | None, int | None]:
        """Where the `[name]` table starts, within [start, end), and where the next header is."""
        for position, (number, opening, found) in enumerate(self.headers):
            if opening == "[" and found == name and number >= (start or 1) \
                    and (end is None or number < end):
                return number, self._next_header(position)
        return None, None

    def report(self, position: int) -> tuple[int | None, int | None]:
        """Where the `position`-th `[[report]]` starts, and where the next one does."""
        starts = [number for number, opening, name in self.headers
                  if opening == "[[" and name == "report"]
        if position >= len(starts):
            return None, None
        return starts[position], starts[position + 1] if position + 1 < len(starts) else None

    def key(self, key: str, start: int | None, end: int | None) -> int | None:
        """The line of `key = ...` between lines `start` and `end` (not included)."""
        if start is None:
            return None
        pattern = re.compile(rf"\s*([\"']?){re.escape(key)}\1\s*=")
        stop = len(self.text) if end is None else end - 1
        return next((number for number in range(start, stop + 1)
                     if pattern.match(self.text[number - 1])), None)

    def _next_header(self, position: int) -> int | None:
        return self.headers[position + 1][0] if position + 1 < len(self.headers) else None


def _error_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None
