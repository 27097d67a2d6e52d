"""The adoption table: what every analysis downstream reads.

One row per (series, sector, year, platform). Published figures and respondent
surveys both become this table, so the statistics, charts and notebooks have
a single input and never need to know where a number came from, except through
the columns that say so.

| column | type | meaning |
|---|---|---|
| `series` | category | the study series or survey name |
| `sector` | category | nonprofit, business or higher_education |
| `year` | int | the year the data describe |
| `platform` | category | blog, twitter, facebook, ... |
| `adopters` | Int64 | organisations using the platform (the count, else share x n rounded) |
| `exact_count` | bool | True where `adopters` is a real count (the source's, or answers) |
| `n` | Int64 | organisations measured; missing where the source does not say |
| `share` | float | adopters / n where the count is exact, else the published share |
| `percent_decimals` | Int64 | decimals the percentage was printed with; missing for surveys |
| `share_weighted` | float | survey-weighted share; NaN without weights |
| `n_effective` | float | Kish effective sample size (sum w)^2 / sum w^2; NaN without weights |
| `population_size` | Int64 | size of the population measured from; missing if unknown |
| `design` | category | census, survey or self_selected |
| `certainty` | category | verified, as_cited, derived, uncertain (published) or computed (survey) |
| `publisher`, `study`, `source_url`, `note` | string | where the figure comes from |
| `note_fr` | string | the note in French, where the data have a translation |
| `study_fr` | string | the study's name in French, where the data have one (`in_language`) |
| `synthetic` | bool | True for invented, illustrative data |
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.metadata import Origin
from adoption.published import CERTAINTIES, DESIGNS, SECTORS, load_published
from adoption.survey import PLATFORM_PREFIX, platform_columns

COLUMNS = [
    "series", "sector", "year", "platform", "adopters", "exact_count", "n", "share",
    "percent_decimals", "share_weighted", "n_effective", "population_size", "design",
    "certainty", "publisher", "study", "source_url", "note", "note_fr", "study_fr", "synthetic",
]
KEY = ["series", "sector", "year", "platform"]
SYNTHETIC_NOTE = "SYNTHETIC: illustrative data drawn by `adoption synth`, not real organisations"
SYNTHETIC_NOTE_FR = ("SYNTHÉTIQUE\u202f: données d’illustration tirées par `adoption synth`, "
                     "pas de vrais organismes")


def load_table(path: str | Path | None = None, *, sheet: str | int | None = None,
               columns: Mapping[str, str] | None = None,
               metadata: str | Path | None = None) -> pd.DataFrame:
    """The adoption table from a file: published figures (the bundled ones by default)
    or respondent-level survey data, told apart by their columns. `sheet` (a
    workbook's, by name or number from 1), `columns` (more header names) and
    `metadata` (a Data Package; default: the datapackage.json beside the file, if any)
    are passed to the loader."""
    from adoption.validate import load_data  # validate imports this module

    if path is None:
        return from_published(load_published(sheet=sheet, columns=columns))
    kind, data = load_data(path, sheet=sheet, columns=columns, metadata=metadata)
    if kind == "survey":
        return from_survey(data)
    if kind == "published":
        return from_published(data)
    raise ValueError(f"{path}: {kind} data has no adoption table (it is account activity)")


def from_published(figures: pd.DataFrame) -> pd.DataFrame:
    """The adoption table of validated published figures (see `load_published`)."""
    table = figures.assign(
        study_fr=figures.get("study_fr", pd.Series(pd.NA, index=figures.index)),
        share_weighted=np.nan,
        n_effective=np.nan,
        synthetic=False,
    )
    table["certainty"] = table["certainty"].astype("string")
    return _typed(table[COLUMNS])


def from_survey(survey: pd.DataFrame) -> pd.DataFrame:
    """Aggregate respondent rows (see `load_survey`) into the adoption table.

    An empty answer means "not known": the organisation is left out of that
    platform's n, not counted as a non-user.
    """
    answers = _long_answers(survey)
    groups = answers.groupby(["series", "sector", "year", "platform"], observed=True,
                             sort=True)
    table = groups.apply(_aggregate, include_groups=False).reset_index()
    synthetic = groups["synthetic"].any().reset_index(drop=True)
    table["synthetic"] = synthetic.to_numpy()
    table["design"] = "survey"
    table["certainty"] = "computed"
    table["exact_count"] = True
    table["percent_decimals"] = pd.NA
    table["publisher"] = np.where(table["synthetic"], "adoption project (synthetic)", pd.NA)
    table["study"] = table["series"].astype("string")
    origin = Origin.of(survey)
    if origin is not None:  # a series named after its file: the file is the study read
        table.loc[table["series"] == Path(origin.file).stem, "study"] = origin.file
    table["source_url"] = pd.NA
    table["note"] = np.where(table["synthetic"], SYNTHETIC_NOTE, pd.NA)
    table["note_fr"] = np.where(table["synthetic"], SYNTHETIC_NOTE_FR, pd.NA)
    table["study_fr"] = pd.NA  # its study is its series or its file: a name, not words
    table = _typed(table[COLUMNS])
    table.attrs.update(survey.attrs)  # where the answers came from (metadata.Origin)
    return table


def _long_answers(survey: pd.DataFrame) -> pd.DataFrame:
    platforms = platform_columns(survey.columns)
    ids = ["series", "sector", "year", "org_id", "weight", "population_size", "synthetic"]
    answers = survey[ids + platforms].melt(id_vars=ids, var_name="platform",
                                           value_name="uses")
    answers = answers[answers["uses"].notna()]
    answers["platform"] = answers["platform"].str.removeprefix(PLATFORM_PREFIX)
    answers["uses"] = answers["uses"].astype(bool)
    return answers


def _aggregate(group: pd.DataFrame) -> pd.Series:
    uses = group["uses"].to_numpy(dtype=float)
    weights = group["weight"].to_numpy(dtype=float)
    weighted = not np.isnan(weights).any()
    adopters = int(uses.sum())
    n = len(uses)
    return pd.Series({
        "adopters": adopters,
        "n": n,
        "share": adopters / n,
        "share_weighted": (weights * uses).sum() / weights.sum() if weighted else np.nan,
        "n_effective": weights.sum() ** 2 / (weights**2).sum() if weighted else np.nan,
        "population_size": group["population_size"].dropna().max(),
    })


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["series"] = pd.Categorical(table["series"].astype(str))
    table["platform"] = pd.Categorical(table["platform"].astype(str))
    table["sector"] = pd.Categorical(table["sector"], categories=SECTORS)
    table["design"] = pd.Categorical(table["design"], categories=DESIGNS)
    table["certainty"] = pd.Categorical(table["certainty"],
                                        categories=(*CERTAINTIES, "computed"))
    table["year"] = table["year"].astype("int64")
    for name in ("adopters", "n", "population_size", "percent_decimals"):
        table[name] = pd.to_numeric(table[name]).astype("Int64")
    table["exact_count"] = table["exact_count"].astype(bool)
    for name in ("share", "share_weighted", "n_effective"):
        table[name] = table[name].astype("float64")
    for name in ("publisher", "study", "source_url", "note", "note_fr", "study_fr"):
        table[name] = table[name].astype("string")
    table["synthetic"] = table["synthetic"].astype(bool)
    return table.sort_values(KEY, ignore_index=True)


def in_language(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as readers of `lang` see its texts: in French, each figure's study by
    its French name where the data give one (`study_fr`), its own name otherwise."""
    if lang != "fr" or "study_fr" not in table.columns:
        return table
    return table.assign(study=table["study_fr"].fillna(table["study"]))


def comparison_sides(table: pd.DataFrame, platform: str, nonprofit: str | None = None,
                     business: str | list[str] | None = None) -> tuple[str, list[str]]:
    """The series a comparison sets against each other on `platform`: those named, or by
    default the file's own. A survey holding both sectors is compared with itself (its
    nonprofits against its businesses); otherwise the nonprofit series with the most
    years, against the (at most) two business series with the most years that share a
    year with it. Self-selected series are never chosen: they cannot be compared (the
    codebook's rule)."""
    rows = table[(table["platform"].astype(str) == platform)
                 & (table["design"].astype(str) != "self_selected")]
    if rows.empty:
        raise ValueError(f"no figures that can be compared on {platform!r}")
    years = rows.groupby([rows["series"].astype(str), rows["sector"].astype(str)],
                         observed=True)["year"].agg(set)
    if nonprofit is None:
        candidates = [(len(y), s) for (s, sector), y in years.items() if sector == "nonprofit"]
        if not candidates:
            raise ValueError(f"no nonprofit figures on {platform!r} to compare")
        nonprofit = sorted(candidates, key=lambda c: (-c[0], c[1]))[0][1]
    if business is None:
        own = years.get((nonprofit, "nonprofit"), set())
        ranked = sorted(((len(y), s) for (s, sector), y in years.items()
                         if sector == "business" and y & own), key=lambda c: (-c[0], c[1]))
        if not ranked:
            raise ValueError(f"no business figures share a year with {nonprofit!r} on "
                             f"{platform!r}")
        business = [s for _, s in ranked[:2]]
    businesses = [business] if isinstance(business, str) else list(business)
    return nonprofit, businesses


def main_platform(table: pd.DataFrame) -> str:
    """The platform most organisations were asked about (the largest total n; ties go
    to the first by name): the one a survey's explorer shows when none is named."""
    answered = table.groupby(table["platform"].astype(str), observed=True)["n"].sum()
    return str(sorted(answered.items(), key=lambda item: (-item[1], item[0]))[0][0])
