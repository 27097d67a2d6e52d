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
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.problems import DataError, Problem, problem
from adoption.published import SECTORS
from adoption.readers import RawTable, read_table
from adoption.schema import Column, convert_column, parse_columns, unknown_column_typos

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


def load_survey(path: str | Path) -> pd.DataFrame:
    """Respondent rows, validated and typed. Raises DataError listing every problem."""
    raw = read_table(path)
    survey, problems = parse_survey(raw)
    if problems:
        raise DataError(problems)
    return survey


def platform_columns(columns: pd.Index | list[str]) -> list[str]:
    return [c for c in columns if str(c).startswith(PLATFORM_PREFIX)]


def parse_survey(raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed respondent rows and the problems found."""
    typed, problems = parse_columns(raw, COLUMNS)
    problems += unknown_column_typos(raw, COLUMNS)
    platforms = platform_columns(raw.frame.columns)
    problems += _platform_column_problems(raw, platforms)
    for name in platforms:
        answers, column_problems = convert_column(
            raw, Column(name, "yes_no", f"whether the organisation uses {name[5:]}"))
        typed[name] = answers
        problems += column_problems
    if any(p.line == 1 for p in problems):
        return typed, problems
    covariates = [c for c in raw.frame.columns if c not in typed.columns]
    survey = _finish(raw, typed, covariates)
    problems += _weight_problems(raw, survey) + _duplicate_problems(raw, survey)
    problems += _population_problems(raw, survey)
    return survey, problems


def _platform_column_problems(raw: RawTable, platforms: list[str]) -> list[Problem]:
    problems = []
    if not platforms:
        problems.append(problem(
            raw.path, "no platform columns", line=1,
            expected="one yes/no column per platform named uses_<platform>, "
                     "e.g. uses_twitter, uses_blog"))
    known = [PLATFORM_PREFIX + p for p in KNOWN_PLATFORMS]
    for name in raw.frame.columns:
        if name in known:
            continue
        typo = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
        if typo and typo[0] not in raw.frame.columns:
            problems.append(problem(raw.path, f"unknown column, probably a typo of '{typo[0]}'",
                                    line=1, column=name, expected=f"'{typo[0]}'"))
    return problems


def _finish(raw: RawTable, typed: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    survey = typed.copy()
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
    for name in covariates:
        survey[name] = raw.frame[name]
    survey["line"] = raw.lines
    return survey


def _weight_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    """Weights must be positive, and given for every row or for none."""
    zero = (survey["weight"] == 0).to_numpy()
    problems = [problem(raw.path, "weight is 0", line=raw.line(position), column="weight",
                        expected="a weight greater than 0 (leave the row out instead)")
                for position in np.flatnonzero(zero)]
    empty = raw.frame["weight"].isna() if "weight" in raw.frame else None
    if empty is not None and not empty.all():
        problems += [problem(raw.path, "is empty while other rows have weights",
                             line=raw.line(position), column="weight",
                             expected="a weight on every row, or no weight column")
                     for position in np.flatnonzero(empty.to_numpy())]
    return problems


def _duplicate_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    key = survey[list(KEY)].dropna()
    repeated = key[key.duplicated(keep=False)]
    problems = []
    for _, group in repeated.groupby(list(KEY), sort=False):
        first = raw.line(group.index[0])
        for position in group.index[1:]:
            _series, org_id, year = group.loc[position]
            problems.append(problem(
                raw.path, f"duplicate of line {first} (organisation '{org_id}' answers twice "
                f"in {year})", line=raw.line(position), column="org_id",
                expected="one row per organisation per wave"))
    return problems


def _population_problems(raw: RawTable, survey: pd.DataFrame) -> list[Problem]:
    """population_size must be one number per sector and wave, at least the respondents."""
    problems = []
    rows = survey.dropna(subset=["sector", "year"])
    for (_series, sector, year), group in rows.groupby(["series", "sector", "year"],
                                                      observed=True):
        sizes = group["population_size"].dropna().unique()
        where = raw.line(group.index[0])
        if len(sizes) > 1:
            problems.append(problem(
                raw.path, f"{len(sizes)} different population sizes for {sector} in {year}",
                line=where, column="population_size",
                expected="one population size per sector and wave"))
        elif len(sizes) == 1 and len(group) > sizes[0]:
            problems.append(problem(
                raw.path, f"{len(group)} {sector} respondents in {year} but population_size "
                f"is {sizes[0]}", line=where, column="population_size",
                expected="at least as many organisations as respondents"))
    return problems
