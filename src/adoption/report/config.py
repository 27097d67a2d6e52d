"""`reports.toml`: the list of reports a build makes.

    [build]
    cell_timeout = 600          # seconds one cell may run before the report fails

    [[report]]
    name = "blog"               # file name of the report: reports/blog.html
    title = "Blogging: ..."     # shown in the index and as the page title
    notebook = "notebooks/adoption_yoy.ipynb"
    [report.parameters]         # injected by papermill; must be declared in the notebook
    platform = "blog"

Paths (the notebook, and parameters ending in `_file` or `_files`) are relative
to the folder holding `reports.toml`, the project root.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from adoption.problems import DataError, Problem, fail, problem

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
REPORT_KEYS = {"name", "title", "notebook", "parameters"}
BUILD_KEYS = {"cell_timeout"}
DEFAULT_CELL_TIMEOUT = 600
LANGUAGE_PARAMETER = "language"


@dataclass(frozen=True)
class ReportSpec:
    """One report: which notebook to run, with which parameters, under which name."""

    name: str
    title: str
    notebook: Path
    parameters: dict[str, object] = field(default_factory=dict)
    line: int = 0  # where the report is declared, for error messages

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

    @property
    def root(self) -> Path:
        return self.path.resolve().parent


def load_config(path: str | Path) -> BuildConfig:
    """Read and check `reports.toml`; raise DataError naming every problem."""
    path = Path(path)
    if not path.exists():
        raise fail(path, "file not found", expected="a reports.toml listing the reports "
                                                     "(see README.md)")
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise fail(path, f"not valid TOML: {error}", line=_error_line(error)) from None
    report_lines = _report_lines(text)
    problems: list[Problem] = []
    build = document.get("build", {})
    problems += _unknown_keys(path, build, BUILD_KEYS, "[build]", _table_line(text, "build"))
    reports = []
    for position, entry in enumerate(document.get("report", [])):
        line = report_lines[position] if position < len(report_lines) else None
        spec, entry_problems = _report(path, entry, line)
        problems += entry_problems
        if spec is not None:
            reports.append(spec)
    problems += _duplicate_names(path, reports)
    extra = set(document) - {"build", "report"}
    if extra:
        problems.append(problem(path, f"unknown table(s): {', '.join(sorted(extra))}",
                                expected="[build] and [[report]] tables"))
    if not reports and not problems:
        problems.append(problem(path, "lists no reports", expected="at least one [[report]]"))
    if problems:
        raise DataError(problems)
    return BuildConfig(path, tuple(reports),
                       int(build.get("cell_timeout", DEFAULT_CELL_TIMEOUT)))


def _report(path: Path, entry: dict, line: int | None) -> tuple[ReportSpec | None, list[Problem]]:
    problems = _unknown_keys(path, entry, REPORT_KEYS, "[[report]]", line)
    for key in ("name", "title", "notebook"):
        if not isinstance(entry.get(key), str) or not entry.get(key):
            problems.append(problem(path, f"report has no {key}", line=line,
                                    expected=f"{key} = \"...\""))
    name = entry.get("name", "")
    if isinstance(name, str) and name and not NAME_PATTERN.fullmatch(name):
        problems.append(problem(path, f"report name '{name}' is not a plain file name",
                                line=line, expected="lower-case letters, digits and hyphens"))
    parameters = entry.get("parameters", {})
    if not isinstance(parameters, dict):
        problems.append(problem(path, "parameters must be a table", line=line,
                                expected="[report.parameters] or parameters = { ... }"))
    notebook = path.resolve().parent / str(entry.get("notebook", ""))
    if isinstance(entry.get("notebook"), str) and not notebook.is_file():
        problems.append(problem(path, f"notebook '{entry['notebook']}' not found", line=line,
                                expected="a path to a notebook, relative to reports.toml"))
    if problems:
        return None, problems
    return ReportSpec(name, entry["title"], notebook, dict(parameters), line or 0), []


def _unknown_keys(path: Path, table: dict, allowed: set[str], where: str,
                  line: int | None) -> list[Problem]:
    return [problem(path, f"unknown key '{key}' in {where}", line=line,
                    expected="one of " + ", ".join(sorted(allowed)))
            for key in sorted(set(table) - allowed)]


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


def _report_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), start=1)
            if line.strip().startswith("[[report]]")]


def _table_line(text: str, name: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == f"[{name}]":
            return number
    return None


def _error_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None
