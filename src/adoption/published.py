"""Published adoption figures: one percentage per study series, year and platform.

The bundled file `data/published/adoption.csv` holds 188 figures read from the
studies themselves (codebook: `data/published/README.md`). Users may bring their
own file in the same layout. `load_published` reads either, checks every cell
and every rule below, and returns typed columns plus two derived ones:

- `share`: the figure as a fraction: `adopters` / `n` where the count is given
  (exact), else percent / 100;
- `adopters`: the count where the source gives it, else share x n rounded half up
  (an estimate: published percentages are themselves rounded), missing where n is;
- `exact_count`: True where `adopters` is the source's own count;
- `percent_decimals`: the decimals the percentage was published with (23 -> 0,
  74.2 -> 1), which sets its rounding interval (`adoption.rounding`).

A figure may be given as `percent`, as `share` (0-1), or as `adopters` with `n`;
`percent` is shown as published when it is there, and the count, when there is
one, is what the statistics use.

Corrections beside the file (`NAME.corrections.csv`, see `adoption.corrections`)
are applied on loading; the bundled ones are listed in `data/published/README.md`.
French versions of the notes beside it (`NAME.fr.csv`: series, year, platform,
note) become the `note_fr` column, for French reports; French names of the
studies (`NAME.studies.fr.csv`: study, as the data name it, and study_fr)
become the `study_fr` column, which French charts and tables show instead of
`study`. A study without a French name keeps its own.

Rules that flag a figure without refusing it (warnings, printed by `adoption
validate` as `FILE:LINE: column 'percent': warning: ...`, exit 0) go in
`figure_warnings` (the GRIM check); the loader issues them as `problems.DataWarning`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from adoption.corrections import apply_corrections, corrections_path, read_corrections
from adoption.labels import BUSINESS, HIGHER_EDUCATION, NONPROFIT
from adoption.paths import BUNDLED_PUBLISHED
from adoption.problems import Problem, errors_in, problem, raise_problems, warning
from adoption.readers import (
    RawTable,
    Sheet,
    ValueLabels,
    read_table,
    sheet_note,
    with_value_labels,
)
from adoption.rounding import impossible_percent, printed_decimals
from adoption.schema import Column, parse_columns, rename_to_declared, unknown_column_typos
from adoption.text.typography import typeset

SECTORS = (NONPROFIT, BUSINESS, HIGHER_EDUCATION)
DESIGNS = ("census", "survey", "self_selected")
CERTAINTIES = ("verified", "as_cited", "derived", "uncertain")

COLUMNS = [
    Column("series", "text", "the study series, e.g. umassd-charities", nullable=False),
    Column("population", "text", "whom the figure describes", required=False),
    Column("sector", "sector", "nonprofit, business or higher_education", nullable=False),
    Column("year", "year", "the year the data describe", nullable=False),
    Column("year_label", "text", "the year as the source gives it", required=False),
    Column("platform", "text", "the platform, e.g. blog, twitter, facebook", nullable=False),
    Column("percent", "number", "share using the platform, in percent", required=False,
           minimum=0, maximum=100),
    Column("share", "number", "share using the platform, as a fraction", required=False,
           minimum=0, maximum=1),
    Column("adopters", "integer", "organisations using the platform", required=False,
           minimum=0),
    Column("n", "integer", "organisations measured (empty if the source does not say)",
           minimum=1),
    Column("population_size", "integer", "size of the population sampled from", minimum=1),
    Column("design", "choice", "how the figure was collected", nullable=False,
           choices=DESIGNS),
    Column("certainty", "choice", "how sure the figure is", required=False,
           choices=CERTAINTIES),
    Column("publisher", "text", "who published the figure", nullable=False),
    Column("study", "text", "the report the figure comes from", nullable=False),
    Column("source_url", "text", "where the figure was read", required=False),
    Column("quote", "text", "the sentence the figure comes from", required=False),
    Column("note", "text", "conflicts, approximations, caveats", required=False),
]
FIGURE_COLUMNS = ("percent", "share", "adopters")
KEY = ("series", "year", "platform")


def load_published(path: str | Path | None = None, *, sheet: Sheet = None,
                   columns: Mapping[str, str] | None = None,
                   labels: ValueLabels | None = None) -> pd.DataFrame:
    """The published figures, validated and typed (bundled file by default).

    Raises DataError listing every problem, each with its file, line and column.
    sheet: a workbook's sheet, by name or number from 1 (default: the first).
    columns: more header names, {the file's header: a column's name above}.
    labels: coded values' labels, {the file's header: {"1": "nonprofit"}}
    (`readers.with_value_labels`), applied before the corrections.
    Warnings (`figure_warnings`) do not raise: they are issued as
    `problems.DataWarning`.
    """
    source = Path(BUNDLED_PUBLISHED if path is None else path)
    raw = with_value_labels(read_table(source, sheet=sheet), labels)
    fixes = corrections_path(source)
    raw = apply_corrections(raw, read_corrections(fixes), fixes,
                            {column.name for column in COLUMNS})
    figures, problems = parse_published(raw, columns=columns)
    raise_problems(problems)
    figures = _with_french_notes(figures, source.with_name(f"{source.stem}.fr.csv"))
    return _with_french_studies(figures, french_studies_path(source))


def _with_french_notes(figures: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The `note_fr` column from a translation file beside the data, if there is one."""
    if not path.is_file():
        return figures.assign(note_fr=pd.Series(pd.NA, index=figures.index, dtype="string"))
    translations = read_table(path).frame.astype(object)
    key = translations[["series", "year", "platform"]].astype(str).agg("|".join, axis=1)
    notes = dict(zip(key, translations["note"].map(lambda t: typeset(str(t), "fr")),
                     strict=True))
    own = figures[["series", "year", "platform"]].astype(str).agg("|".join, axis=1)
    return figures.assign(note_fr=own.map(notes).astype("string"))


STUDY_COLUMNS = [
    Column("study", "text", "the study's name as the figures give it", nullable=False),
    Column("study_fr", "text", "its name in French", nullable=False),
]


def french_studies_path(source: Path) -> Path:
    """The French names of the studies of the figures in `source`, beside it."""
    return source.with_name(f"{source.stem}.studies.fr.csv")


def read_french_studies(path: Path) -> dict[str, str]:
    """{study: its French name, typeset} from `path` (none if there is no such file).
    Raises DataError naming the line of every problem, a study named twice included."""
    if not path.is_file():
        return {}
    raw = read_table(path)
    typed, problems = parse_columns(raw, STUDY_COLUMNS)
    problems += unknown_column_typos(raw, STUDY_COLUMNS)
    if not problems:
        first_line: dict[str, int] = {}
        for position, study in enumerate(typed["study"]):
            line = raw.line(position)
            if study in first_line:
                problems.append(problem(path, f"study named again (first on line "
                                              f"{first_line[study]})", line=line,
                                        column="study", expected="each study once"))
            first_line.setdefault(study, line)
    raise_problems(problems)
    return {str(study): typeset(str(french), "fr")
            for study, french in zip(typed["study"], typed["study_fr"], strict=True)}


def _with_french_studies(figures: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The `study_fr` column: each figure's study in French, where `path` names it."""
    names = read_french_studies(path)
    return figures.assign(study_fr=figures["study"].map(names).astype("string"))


def parse_published(raw: RawTable, *, columns: Mapping[str, str] | None = None
                    ) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed figures and the problems found (the figures are only usable if no
    errors; warnings may come with usable figures)."""
    _check_mapping(columns)
    problems = rename_to_declared(raw, COLUMNS, extra=columns)
    typed, column_problems = parse_columns(raw, COLUMNS)
    problems += column_problems + unknown_column_typos(raw, COLUMNS)
    problems += _figure_column_problems(raw)
    if any(p.line == 1 for p in problems):
        # header problems: row checks would only repeat them
        return typed, problems + sheet_note(raw)
    problems += _row_problems(raw, typed)
    if errors_in(problems):
        return typed, problems
    figures = _finish(typed, _percent_decimals(raw))
    return figures, problems + figure_warnings(raw, figures)


def figure_warnings(raw: RawTable, figures: pd.DataFrame) -> list[Problem]:
    """Warnings about figures that pass every rule: a percentage that no whole count of
    its n rounds to at its published precision (the GRIM test, `adoption.rounding`).
    The figure stays as published; the statistics flag it wherever it is used."""
    found = []
    for position, row in enumerate(figures.itertuples(index=False)):
        if (row.exact_count or pd.isna(row.n) or pd.isna(row.percent_decimals)
                or pd.isna(row.percent)):
            continue
        impossible = impossible_percent(float(row.percent), int(row.percent_decimals),
                                        int(row.n))
        if impossible is not None:
            found.append(warning(
                raw.path, f"{row.percent:g}% cannot come from any whole number of {row.n} "
                f"({impossible.below} of {row.n} is {100 * impossible.below_share:.1f}%, "
                f"{impossible.above} is {100 * impossible.above_share:.1f}%)",
                line=raw.line(position), column="percent",
                expected="a percentage some whole count of n rounds to, or a corrected n"))
    return found


def _check_mapping(columns: Mapping[str, str] | None) -> None:
    declared = [c.name for c in COLUMNS]
    for header, name in (columns or {}).items():
        if name not in declared:
            raise ValueError(f"columns: {header!r} is mapped to {name!r}, which is not a "
                             f"column of published figures (expected one of "
                             f"{', '.join(declared)})")


def _figure_column_problems(raw: RawTable) -> list[Problem]:
    present = set(raw.frame.columns)
    if "percent" in present or "share" in present or {"adopters", "n"} <= present:
        return []
    return [problem(raw.path, "required column is missing", line=1, column="percent",
                    expected="a column 'percent' (0-100), 'share' (0-1), or 'adopters' with 'n'")]


def _row_problems(raw: RawTable, typed: pd.DataFrame) -> list[Problem]:
    return (_missing_figure_problems(raw) + _count_problems(raw, typed)
            + _duplicate_problems(raw, typed) + _series_sector_problems(raw, typed))


def _missing_figure_problems(raw: RawTable) -> list[Problem]:
    given = [c for c in FIGURE_COLUMNS if c in raw.frame.columns]
    empty = raw.frame[given].isna().all(axis=1)
    return [problem(raw.path, "is empty", line=raw.line(position), column=raw.source_name(given[0]),
                    expected="the figure, as percent, share, or adopters with n")
            for position in np.flatnonzero(empty.to_numpy())]


def _count_problems(raw: RawTable, typed: pd.DataFrame) -> list[Problem]:
    problems = []
    n, population = typed["n"], typed["population_size"]
    for position in np.flatnonzero((n > population).fillna(False).to_numpy()):
        problems.append(problem(
            raw.path, f"n = {n.iloc[position]} is larger than population_size = "
            f"{population.iloc[position]}", line=raw.line(position), column=raw.source_name("n"),
            expected="at most the population size"))
    census = typed["design"].eq("census") & n.notna() & population.notna() & (n != population)
    for position in np.flatnonzero(census.fillna(False).to_numpy()):
        problems.append(problem(
            raw.path, f"a census measures every member, but n = {n.iloc[position]} and "
            f"population_size = {population.iloc[position]}", line=raw.line(position),
            column=raw.source_name("n"), expected="n equal to population_size, or design 'survey'"))
    if "adopters" in typed:
        over = (typed["adopters"] > n).fillna(False)
        for position in np.flatnonzero(over.to_numpy()):
            problems.append(problem(
                raw.path, f"adopters = {typed['adopters'].iloc[position]} is larger than "
                f"n = {n.iloc[position]}", line=raw.line(position),
                column=raw.source_name("adopters"), expected="at most n"))
    if "adopters" in typed and "percent" not in typed and "share" not in typed:
        for position in np.flatnonzero((typed["adopters"].notna() & n.isna()).to_numpy()):
            problems.append(problem(
                raw.path, "adopters is given but n is empty", line=raw.line(position),
                column=raw.source_name("n"), expected="n, to turn adopters into a share"))
    return problems


def _duplicate_problems(raw: RawTable, typed: pd.DataFrame) -> list[Problem]:
    key = typed[list(KEY)]
    first_line: dict[tuple, int] = {}
    problems = []
    for position, values in enumerate(key.itertuples(index=False, name=None)):
        if any(pd.isna(v) for v in values):
            continue
        if values in first_line:
            problems.append(problem(
                raw.path, f"duplicate of line {first_line[values]} "
                f"(same series, year and platform: {', '.join(map(str, values))})",
                line=raw.line(position), column=raw.source_name("series"),
                expected="one row per series, year and platform"))
        else:
            first_line[values] = raw.line(position)
    return problems


def _series_sector_problems(raw: RawTable, typed: pd.DataFrame) -> list[Problem]:
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for position, (series, sector) in enumerate(zip(typed["series"], typed["sector"],
                                                    strict=True)):
        if pd.isna(series) or pd.isna(sector):
            continue
        if series not in first:
            first[series] = (sector, raw.line(position))
        elif first[series][0] != sector:
            problems.append(problem(
                raw.path, f"series '{series}' is '{first[series][0]}' on line "
                f"{first[series][1]} but '{sector}' here", line=raw.line(position),
                column=raw.source_name("sector"), expected="one sector per series"))
    return problems


def _percent_decimals(raw: RawTable) -> pd.Series:
    """Decimals each percentage was written with; for typed formats (Excel, Parquet) the
    shortest form of the number (23.0 -> 0, 74.2 -> 1)."""
    if "percent" not in raw.frame.columns:
        return pd.Series(pd.NA, index=raw.frame.index, dtype="Int64")

    def decimals(cell: object) -> object:
        if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
            return pd.NA
        text = cell if isinstance(cell, str) else repr(float(cell)).removesuffix(".0")
        return printed_decimals(text)

    return raw.frame["percent"].map(decimals).astype("Int64")


def _finish(typed: pd.DataFrame, percent_decimals: pd.Series) -> pd.DataFrame:
    """Derived columns and final dtypes."""
    figures = typed.copy()
    given = figures["adopters"] if "adopters" in figures else pd.Series(
        pd.NA, index=figures.index, dtype="Int64")
    exact = given.notna() & figures["n"].notna()
    share = _share(figures)
    percent = figures["percent"] if "percent" in figures else pd.Series(np.nan, figures.index)
    figures["percent"] = percent.where(percent.notna(), share * 100).astype("float64")
    counted = (given / figures["n"]).astype("float64")
    figures["share"] = counted.where(exact.to_numpy(), share)
    estimated = _round_half_up(share * figures["n"].astype("Float64"))
    figures["adopters"] = given.where(exact, estimated).astype("Int64")
    figures["exact_count"] = exact.astype(bool)
    figures["percent_decimals"] = percent_decimals.astype("Int64")
    figures["platform"] = figures["platform"].str.casefold().str.replace(r"[\s\-]+", "_",
                                                                         regex=True)
    figures["series"] = _category(figures["series"])
    figures["platform"] = _category(figures["platform"])
    figures["sector"] = pd.Categorical(figures["sector"], categories=SECTORS)
    figures["design"] = pd.Categorical(figures["design"], categories=DESIGNS)
    certainty = figures.get("certainty", pd.Series(None, index=figures.index, dtype=object))
    figures["certainty"] = pd.Categorical(certainty, categories=CERTAINTIES)
    figures["year"] = figures["year"].astype("int64")
    return figures.reset_index(drop=True)


def _share(figures: pd.DataFrame) -> pd.Series:
    share = pd.Series(np.nan, index=figures.index, dtype="float64")
    if "adopters" in figures:
        share = (figures["adopters"] / figures["n"]).astype("float64")
    if "share" in figures:
        share = figures["share"].where(figures["share"].notna(), share)
    if "percent" in figures:
        share = (figures["percent"] / 100).where(figures["percent"].notna(), share)
    return share.astype("float64")


def _round_half_up(values: pd.Series) -> pd.Series:
    return np.floor(values + 0.5).astype("Int64")


def _category(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(values, categories=sorted(values.dropna().unique()))
