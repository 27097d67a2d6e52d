"""Respondent-level survey data: one row per organisation per survey wave.

The schema (documented for users in `data/synthetic/README.md`):

| column | required | meaning |
|---|---|---|
| `org_id` | yes | the organisation's id, stable across waves |
| `sector` | yes | nonprofit or business, in any of the usual words (NGO, OBNL, société...) |
| `year` | yes | the survey wave |
| `uses_<platform>` | at least one | yes / no / empty (unknown), e.g. `uses_twitter`, `uses_blog` |
| `org_name` | no | the organisation's name |
| `weight` | no | survey weight (> 0); weighted shares and Kish effective n then follow |
| `population_size` | no | size of the population of that sector sampled from, that wave |
| `series` | no | the survey's name: the series in the adoption table (default: file name) |
| `synthetic` | no | yes when the row is invented (the bundled synthetic survey) |

Any other column is kept as a covariate (e.g. `size_band`, `region`).

Headers may also be French (`id_organisation`, `secteur`, `année`, `poids`,
`utilise_twitter`...: the table is `labels.SURVEY_HEADERS`), and a caller may
name more with `columns=` (their header -> the schema's name, or `size_band`,
e.g. `load_survey(path, columns={"org": "org_id"})`). Problems name a column
as the file's header does.

Warnings (the data load; see `problems`): a platform column with no answer at
all (the platform is left out of the adoption table).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.labels import PLATFORM_PREFIXES, SURVEY_HEADERS, header_key, survey_header
from adoption.problems import Problem, errors_in, problem, raise_problems, warning
from adoption.published import SECTORS
from adoption.readers import RawTable, Sheet, ValueLabels, read_table, sheet_note, with_value_labels
from adoption.schema import (
    Column,
    convert_column,
    missing_column_problems,
    rename_to_declared,
    unknown_column_typos,
)

PLATFORM_PREFIX = "uses_"
# Platforms people already measure; a column close to one of these is probably a typo.
KNOWN_PLATFORMS = ("blog", "twitter", "facebook", "youtube", "linkedin", "instagram",
                   "pinterest", "podcast", "tiktok", "mastodon", "bluesky", "snapchat",
                   "flickr", "myspace", "online_video", "wiki", "threads")

COLUMNS = [
    Column("org_id", "text", "the organisation's id, stable across waves", nullable=False),
    Column("org_name", "text", "the organisation's name", required=False),
    Column("sector", "sector", "the organisation's sector", nullable=False),
    Column("year", "year", "the survey wave", nullable=False),
    Column("weight", "number", "survey weight, greater than 0", required=False, minimum=0),
    Column("population_size", "integer", "size of the sector's population that wave",
           required=False, minimum=1),
    Column("series", "text", "the survey's name", required=False),
    Column("synthetic", "yes_no", "yes for invented rows", required=False),
]
KEY = ("series", "org_id", "year")


def load_survey(path: str | Path, *, sheet: Sheet = None,
                columns: Mapping[str, str] | None = None,
                labels: ValueLabels | None = None) -> pd.DataFrame:
    """Respondent rows, validated and typed. Raises DataError listing every problem.

    sheet: a workbook's sheet, by name or number from 1 (default: the first).
    columns: more header names, {the file's header: the schema's name}, e.g.
    {"org": "org_id", "uses tw": "uses_twitter"}; a header the file lacks is
    ignored. labels: coded values' labels, {the file's header: {"1": "OBNL"}}
    (`readers.with_value_labels`). Warnings do not raise: they are issued as
    `problems.DataWarning`.
    """
    raw = with_value_labels(read_table(path, sheet=sheet), labels)
    survey, problems = parse_survey(raw, columns=columns)
    raise_problems(problems)
    return survey


def platform_columns(columns: pd.Index | list[str]) -> list[str]:
    return [c for c in columns if str(c).startswith(PLATFORM_PREFIX)]


def canonical_columns(header: list[str], columns: Mapping[str, str] | None = None) -> set[str]:
    """The schema's names of a header's columns, as `parse_survey` would rename them
    (others as `header_key` gives them): to tell a survey by its header."""
    extra = {header_key(k): v for k, v in (columns or {}).items()}
    return {extra.get(header_key(name)) or survey_header(name) or header_key(name)
            for name in header}


def parse_survey(raw: RawTable, *, columns: Mapping[str, str] | None = None
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed respondent rows and the problems found (errors and warnings)."""
    _check_mapping(columns)
    problems = rename_to_declared(raw, COLUMNS, other_names=survey_header, extra=columns)
    problems += missing_column_problems(raw, COLUMNS, SURVEY_HEADERS)
    typed = {}
    for column in COLUMNS:
        if column.name in raw.frame.columns:
            typed[column.name], column_problems = convert_column(raw, column)
            problems += column_problems
    problems += unknown_column_typos(raw, COLUMNS, SURVEY_HEADERS)
    platforms = platform_columns(raw.frame.columns)
    problems += _platform_column_problems(raw, platforms)
    for name in platforms:
        typed[name], column_problems = convert_column(
            raw, Column(name, "yes_no", f"whether the organisation uses {name[5:]}"))
        problems += column_problems
    typed = pd.DataFrame(typed, index=raw.frame.index)
    if any(p.line == 1 for p in errors_in(problems)):
        return typed, problems + sheet_note(raw)
    covariates = [c for c in raw.frame.columns if c not in typed.columns]
    survey = _finish(raw, typed, covariates)
    problems += _weight_problems(raw, survey) + _duplicate_problems(raw, survey)
    problems += _population_problems(raw, survey) + _empty_platform_warnings(raw, survey)
    return survey, problems


def _check_mapping(columns: Mapping[str, str] | None) -> None:
    """A caller's header mapping must name the schema's columns (or `size_band`, the
    covariate the survey explorer reads)."""
    declared = [c.name for c in COLUMNS] + ["size_band"]
    for header, name in (columns or {}).items():
        if name not in declared and not (name.startswith(PLATFORM_PREFIX)
                                         and len(name) > len(PLATFORM_PREFIX)):
            raise ValueError(f"columns: {header!r} is mapped to {name!r}, which is not a "
                             f"survey column (expected one of {', '.join(declared)}, or "
                             "uses_<platform>)")


def _platform_column_problems(raw: RawTable, platforms: list[str]) -> list[Problem]:
    problems = []
    if not platforms:
        problems.append(problem(
            raw.path, "no platform columns", line=1,
            expected="one yes/no column per platform named uses_<platform>, "
                     "e.g. uses_twitter, uses_blog (in French utilise_<platform>)"))
    known = [prefix + p for prefix in PLATFORM_PREFIXES for p in KNOWN_PLATFORMS]
    present = {raw.source_name(c) for c in raw.frame.columns}
    for name in raw.frame.columns:
        header = raw.source_name(name)
        if header_key(header) in known:
            continue
        typo = difflib.get_close_matches(header_key(header), known, n=1, cutoff=0.85)
        if typo and typo[0] not in present and survey_header(typo[0]) not in raw.frame:
            problems.append(problem(raw.path, f"unknown column, probably a typo of '{typo[0]}'",
                                    line=1, column=header, expected=f"'{typo[0]}'"))
    return problems


def _empty_platform_warnings(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    """A platform column with no answer: not wrong, but the platform is left out."""
    return [warning(raw.path, "has no answers in any row", line=1,
                    column=raw.source_name(name),
                    expected="yes or no on some rows; this platform is left out of the "
                             "adoption table")
            for name in platform_columns(survey.columns) if survey[name].isna().all()]


def _finish(raw: RawTable, typed: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    survey = typed  # ours alone: no copy, which for a large survey is its size again
    if "series" not in survey:
        survey["series"] = pd.NA
    survey["series"] = survey["series"].fillna(raw.path.stem).astype("string")
    if "synthetic" not in survey:
        survey["synthetic"] = False
    survey["synthetic"] = survey["synthetic"].fillna(False).astype(bool)
    for name in ("org_name", "population_size", "weight"):
        if name not in survey:
            survey[name] = pd.NA if name != "weight" else np.nan
    survey["population_size"] = survey["population_size"].astype("Int64")
    survey["year"] = survey["year"].astype("Int64")
    survey["sector"] = pd.Categorical(survey["sector"], categories=SECTORS)
    for name in covariates:  # text from a CSV stays text, as typed
        cells = raw.frame[name]
        survey[name] = cells.astype("str") if isinstance(cells.dtype, pd.CategoricalDtype) \
            else cells
    survey["line"] = raw.lines
    return survey


def _weight_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    """Weights must be positive, and given for every row or for none."""
    zero = (survey["weight"] == 0).to_numpy()
    column = raw.source_name("weight")
    problems = [problem(raw.path, "weight is 0", line=raw.line(position), column=column,
                        expected="a weight greater than 0 (leave the row out instead)")
                for position in np.flatnonzero(zero)]
    empty = raw.frame["weight"].isna() if "weight" in raw.frame else None
    if empty is not None and not empty.all():
        problems += [problem(raw.path, "is empty while other rows have weights",
                             line=raw.line(position), column=column,
                             expected="a weight on every row, or no weight column")
                     for position in np.flatnonzero(empty.to_numpy())]
    return problems


def _duplicate_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    key = survey[list(KEY)]
    group = key.groupby(list(KEY), sort=False, dropna=True).ngroup().to_numpy()
    repeats = np.flatnonzero(key.duplicated(keep="first").to_numpy() & (group >= 0))
    if not len(repeats):
        return []
    _, first_of_group = np.unique(group, return_index=True)  # groups numbered from 0
    offset = 1 if (group < 0).any() else 0  # np.unique counts -1 (a missing key) first
    lines = np.asarray(raw.lines)
    firsts = lines[first_of_group[group[repeats] + offset]]
    file, column = str(raw.path), raw.source_name("org_id")
    return [Problem(file, line, column, f"duplicate of line {first} (organisation '{org_id}' "
                    f"answers twice in {year})", "one row per organisation per wave")
            for first, org_id, year, line in zip(
                firsts.tolist(), key["org_id"].iloc[repeats].tolist(),
                key["year"].iloc[repeats].tolist(), lines[repeats].tolist(), strict=True)]


def _population_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    """population_size must be one number per sector and wave, at least the respondents."""
    problems = []
    rows = survey[["series", "sector", "year", "population_size"]].dropna(
        subset=["sector", "year"])
    for (_series, sector, year), group in rows.groupby(["series", "sector", "year"],
                                                      observed=True):
        sizes = group["population_size"].dropna().unique()
        where = raw.line(group.index[0])
        if len(sizes) > 1:
            problems.append(problem(
                raw.path, f"{len(sizes)} different population sizes for {sector} in {year}",
                line=where, column=raw.source_name("population_size"),
                expected="one population size per sector and wave"))
        elif len(sizes) == 1 and len(group) > sizes[0]:
            problems.append(problem(
                raw.path, f"{len(group)} {sector} respondents in {year} but population_size "
                f"is {sizes[0]}", line=where, column=raw.source_name("population_size"),
                expected="at least as many organisations as respondents"))
    return problems
