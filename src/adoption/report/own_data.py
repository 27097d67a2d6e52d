"""`adoption report --data FILE...`: the standard reports for a user's own files, no config.

Each file is read and checked first, here, as `adoption validate` would (every problem
in every file, then exit 1 with nothing written). Then a config is made in memory,
as if a reports.toml listed:

- a survey (one row per organisation and wave): the year-over-year comparison of its
  nonprofits against its businesses on each platform where both sectors answered (or
  the `--platform`s), and the survey explorer;
- published-style figures: the comparison on each platform where a nonprofit series
  and a business series share a year (`table.comparison_sides` picks them);
- account snapshots (the snapshot table or archived API output, all files together as
  one archive, with `--sector-map`): the account-activity report for each platform.

in each `--language`. The notebooks are the packaged ones, the paths are written from
the working folder (where the build runs them) and the titles come from the Data
Package beside a file (`adoption.datapackage`) or from the file's name. The build
itself is the usual one (`build.build_reports`): same output layout, same incremental
rebuilds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.metadata import Origin
from adoption.paths import packaged_notebook
from adoption.problems import DataError, Problem, collected_warnings, problem
from adoption.report.config import BuildConfig, ReportSpec
from adoption.snapshots import load_snapshots
from adoption.table import comparison_sides, load_table, main_platform
from adoption.text import say
from adoption.validate import described_kind

COMMAND_LINE = "command line"  # the config's name in messages: there is no file
NOTEBOOKS = {"comparison": "adoption_yoy", "explorer": "survey_explorer",
             "activity": "account_activity"}


@dataclass
class OwnData:
    """What the command line gave: the files and their options, paths as typed."""

    files: Sequence[Path]
    sector_map: Path | None = None
    snapshot_at: str | None = None
    platforms: Sequence[str] = ()
    languages: Sequence[str] = ("en",)
    metadata: Path | None = None
    here: Path = field(default_factory=Path.cwd)


@dataclass
class _Plan:
    reports: list[ReportSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def add(self, notebook: str, name: str, title_key: str, parameters: dict,
            languages: Sequence[str], **title_values: object) -> None:
        """One report per language (`name`, `name-fr`), titled from the catalog; the
        source in the title may be per language (a Data Package's title)."""
        name = _unique(name, self.names)
        for lang in languages:
            source = title_values["source"]
            values = {**title_values, "source": source[lang] if isinstance(source, dict)
                      else source}
            self.reports.append(ReportSpec(
                name=name if lang == "en" else f"{name}-{lang}",
                title=say(title_key, lang, **values),
                notebook=packaged_notebook(NOTEBOOKS[notebook]),  # type: ignore[arg-type]
                parameters={**parameters, "language": lang}))


def own_data_config(request: OwnData) -> BuildConfig:
    """The config of the standard reports for `request`'s files; raises DataError naming
    every problem of every file (and ValueError for a wrong option)."""
    plan = _Plan()
    tables, snapshot_files = [], []
    for path in request.files:
        try:
            kind = described_kind(path, request.metadata)
            if kind == "snapshots":
                snapshot_files.append(path)
            else:
                tables.append((path, _load_table(path, request.metadata)))
        except DataError as error:
            plan.problems += error.problems
    for path, table in tables:
        if table is not None:
            _table_reports(plan, request, path, table)
    if snapshot_files:
        _snapshot_reports(plan, request, snapshot_files)
    elif request.sector_map or request.snapshot_at:
        raise ValueError("--sector-map and --snapshot-at are for account snapshots, and none "
                         "of the files given holds any")
    if plan.problems:
        raise DataError(plan.problems)
    return BuildConfig(request.here / COMMAND_LINE, tuple(plan.reports))


def _load_table(path: Path, metadata: Path | None) -> pd.DataFrame:
    """The adoption table of a survey or published figures; its warnings are printed
    later by the notebook's own loading, not twice."""
    with collected_warnings():
        return load_table(path, metadata=metadata)


def _table_reports(plan: _Plan, request: OwnData, path: Path, table: pd.DataFrame) -> None:

    origin = Origin.of(table)
    is_survey = bool(origin and origin.organisations)
    platforms = _comparable(table, is_survey)
    chosen = list(request.platforms) or platforms
    for platform in [p for p in chosen if p not in platforms]:
        known = ", ".join(platforms) or "none"
        plan.problems.append(problem(path, f"no comparison can be made on '{platform}'",
                                     expected="a platform on which the file holds both "
                                              f"nonprofits and businesses: {known}"))
    if not platforms:
        plan.problems.append(problem(path, "holds no platform on which nonprofits and "
                                           "businesses can be compared", expected=(
            "answers of both sectors on some platform" if is_survey else
            "a nonprofit and a business series (not self-selected) sharing a year")))
        return
    source = _source_name(path, origin)
    years = [int(year) for year in table["year"]]
    common = {"data_file": _shown(path, request.here)}
    if request.metadata:
        common["metadata_file"] = _shown(request.metadata, request.here)
    stem = _slug(path.stem)
    shown = [p for p in chosen if p in platforms]
    for platform in shown:
        plan.add("comparison", f"{stem}-{platform}",
                 "own_data.title.comparison" if is_survey else "own_data.title.figures",
                 {**common, "platform": platform, "years": []}, request.languages,
                 platform=platform, source=source, years=years)
    if is_survey and shown:  # on the platform most organisations answered for
        platform = main_platform(table[table["platform"].astype(str).isin(shown)])
        plan.add("explorer", f"{stem}-explorer", "own_data.title.explorer",
                 {**common, "platform": platform}, request.languages, source=source,
                 years=years)


def _comparable(table: pd.DataFrame, is_survey: bool) -> list[str]:
    """The platforms on which the table's nonprofits can be set against its businesses."""
    found = []
    for platform in sorted(table["platform"].astype(str).unique()):
        rows = table[table["platform"].astype(str) == platform]
        if is_survey:
            if {"nonprofit", "business"} <= set(rows["sector"].astype(str)):
                found.append(platform)
            continue
        try:
            comparison_sides(table, platform)
        except ValueError:
            continue
        found.append(platform)
    return found


def _snapshot_reports(plan: _Plan, request: OwnData, files: list[Path]) -> None:

    try:
        with collected_warnings():
            archive = load_snapshots(files, sector_map=request.sector_map,
                                     snapshot_at=request.snapshot_at)
    except DataError as error:
        plan.problems += error.problems
        return
    platforms = sorted(archive["platform"].astype(str).unique())
    for platform in [p for p in request.platforms if p not in platforms]:
        plan.problems.append(problem(files[0], f"holds no account on '{platform}'",
                                     expected="one of " + ", ".join(platforms)))
    sectors = set(archive["sector"].astype(str)) & {"nonprofit", "business"}
    if not sectors:
        plan.problems.append(problem(
            request.sector_map or files[0], "no account has a sector",
            expected="a sector map naming some accounts as nonprofit or business "
                     "(--sector-map CSV: platform, handle or account_id, sector, org_name)"))
        return
    parameters: dict[str, object] = {
        "snapshot_files": [_shown(path, request.here) for path in files],
        "sector_map_file": _shown(request.sector_map, request.here)
        if request.sector_map else None,
        "snapshot_at": request.snapshot_at, "period": []}
    stem = _slug(files[0].stem) if len(files) == 1 else "accounts"
    source = files[0].name if len(files) == 1 else f"{files[0].name} (+{len(files) - 1})"
    for platform in [p for p in (request.platforms or platforms) if p in platforms]:
        plan.add("activity", f"{stem}-activity-{platform}", "own_data.title.activity",
                 {**parameters, "platform": platform}, request.languages,
                 platform=platform, source=source)


def _source_name(path: Path, origin: object) -> dict[str, str] | str:
    """What a title calls the data: the Data Package's title, else the file's name."""
    description = origin.description() if origin else None  # type: ignore[attr-defined]
    return description.title if description and description.title else path.name


def _shown(path: Path, here: Path) -> str:
    """A path as the notebook receives it: from the working folder, where it runs."""
    try:
        return Path(os.path.relpath(path.resolve(), here.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return str(path.resolve())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    taken.add(candidate)
    return candidate
