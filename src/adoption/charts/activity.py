"""Account activity snapshots as charts: adoption from creation dates, activity, dormancy.

Three builders, each drawing one table of `adoption.snapshots` and nothing else:

    account_adoption_chart   `adoption_curve`: share of the panel with an account, by date
    account_activity_chart   `sector_year_summary` medians + `compare_activity` tests
    dormant_accounts_chart   `sector_year_summary` dormant shares + a test of equal shares

Nothing here computes an interval, a median or a test statistic (the dormant
shares are tested with `adoption.stats.equal_shares_test` and `holm_adjust`); the
titles are worded from the tests' results (a difference is "clear" in a year when
its Holm-adjusted p-value is below 1 − confidence), never from the look of the lines.

Where the source line comes from. Published figures take theirs from
`data/published/series.toml`; an account archive is not a series of published
figures, and an analyst's own twarc harvest has no entry there. So the source is
read from the snapshot table's own provenance: the archive's file names
(`source_file`, never its folder: a path would leak into the files and break
determinism), the kind of archive they are (table file, twarc2 JSON Lines,
platform API JSON, from `source_pointer`) and the `synthetic` column. `source=`
overrides the description when the analyst knows better ("twarc2 search of the
Forbes 200 accounts").

A chart drawn from the synthetic archive carries the same marks as every other
synthetic chart (title prefix, banner, watermark, `synthetic` in the CSV and the
manifest). The charts are assembled here rather than with `assemble.make_chart`,
which reads the series catalog and, for real data, cites the compiled adoption
figures: neither applies to an account archive.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from adoption.charts import metadata
from adoption.charts.assemble import chart_name
from adoption.charts.chart import Chart
from adoption.charts.draw import interval_bars, percent_axis, plot_points, year_axis
from adoption.charts.findings import synthetic_title
from adoption.charts.i18n import (
    EN_DASH,
    capitalise,
    confidence_level,
    from_to,
    in_years,
    join,
    number,
    percent,
    platform_name,
    sector_label,
    semicolon,
    words,
    year_list,
    year_span,
)
from adoption.charts.layout import EndLabel, font
from adoption.charts.style import (
    LEADER_COLOUR,
    SIZES,
    SUBTITLE_COLOUR,
    UNCLEAR_COLOUR,
    points,
    sector_colour,
)
from adoption.snapshots.activity import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    MEDIAN_METRICS,
    compare_activity,
    sector_year_summary,
)
from adoption.snapshots.creation import adoption_curve, missing_from_last_snapshot
from adoption.snapshots.sectors import read_sector_map, unmapped_accounts
from adoption.snapshots.table import UNKNOWN
from adoption.stats import equal_shares_test, holm_adjust
from adoption.stats.wording import NARROW_NBSP

SECTORS = ("nonprofit", "business")  # first, second: the comparison every chart makes
PAIR_OFFSET = 0.13  # years: nonprofit left of the year, business right, intervals apart
MANY_FILES = 3  # more files than this are summarised as "N files, first to last"
ROW_Y = 0.985  # the row of tests, in axes height from the bottom
ROW_ROOM = 0.25  # room above the top tick for that row, as a share of the tick range
ONE_ROW_YEARS = 8  # more years than this: the row of tests is staggered over two lines
CLOSE_ENDS = 0.2  # line ends nearer than this share of the axis height: labels set apart
# White behind a label written over grid or guide lines. Not the layout's HALO: a path
# effect turns text into outlines in the SVG, and these labels must stay searchable text.
BACKING = {"facecolor": "white", "edgecolor": "none", "pad": 1.5}
CURVE_COLUMNS = [
    "platform", "sector", "sector_label", "date", "adopters", "panel_size", "share_percent",
    "undated", "reached_half", "first_snapshot", "synthetic", "source_files",
]
ACTIVITY_COLUMNS = [
    "platform", "year", "metric", "sector", "sector_label", "n", "median", "low", "high",
    "confidence", "method", "p_value", "p_adjusted", "superiority", "clear", "higher", "test",
    "synthetic", "source_files",
]
DORMANT_COLUMNS = [
    "platform", "year", "sector", "sector_label", "n", "dormant", "share_percent",
    "low_percent", "high_percent", "confidence", "method", "p_value", "p_adjusted", "clear",
    "higher", "test", "synthetic", "source_files",
]


def account_adoption_chart(
    table: pd.DataFrame,
    platform: str | None = None,
    *,
    sector_map: pd.DataFrame | str | Path | None = None,
    lang: str = "en",
    name: str | None = None,
    source: str | Mapping[str, str] | None = None,
) -> Chart:
    """Share of the panel's organisations with an account on `platform`, by date, per
    sector, from account creation dates (`adoption.snapshots.adoption_curve`).

    `sector_map` (a path or `read_sector_map`'s frame) defines the panel, including
    organisations without an account; without it the panel is the organisations
    found and each curve ends at 100% (the chart says so). The survivorship caveat,
    with the number of accounts that vanished before the last snapshot, is printed
    on the chart. `platform` may be left out when the table holds only one.
    """
    platform = _platform(table, platform)
    rows = _platform_rows(table, platform)
    panel_map = read_sector_map(sector_map) if isinstance(sector_map, str | Path) else sector_map
    curve = adoption_curve(rows, platform, sector_map=panel_map)
    archive = _Archive.of(rows, source)
    curves = {sector: _SectorCurve.of(curve, sector) for sector in SECTORS}
    _require_sectors({s for s, c in curves.items() if c is not None}, platform)
    first_snapshot = rows["snapshot_at"].min()
    title = _adoption_title(curves, platform, lang)
    return _snapshot_chart(
        archive,
        name=name or _default_name(f"{platform}-account-adoption", archive),
        lang=lang,
        kind="account_adoption",
        title=title,
        subtitle=words("accounts_adoption_subtitle", lang,
                       panels=_panel_sizes(curves, lang), platform=platform_name(platform, lang),
                       span=archive.span),
        alt_text=f"{title}. {_adoption_sentence(curves, lang)}",
        notes=_adoption_notes(rows, curve, panel_map is not None, lang),
        data=_curve_data(curves, first_snapshot, archive, lang),
        draw=lambda axes: _draw_adoption(axes, curves, first_snapshot, lang),
    )


def account_activity_chart(
    table: pd.DataFrame,
    metric: str = "posts_per_day",
    *,
    platform: str | None = None,
    lang: str = "en",
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    name: str | None = None,
    source: str | Mapping[str, str] | None = None,
) -> Chart:
    """Median `metric` (posts_per_day, followers_per_30d or followers) per sector and year
    with seeded bootstrap intervals, and above each year the Mann-Whitney p-value of the
    difference, Holm-adjusted across years: coloured and bold where it is clear
    (below 1 − `confidence`). The title says in which years the difference is clear.
    """
    if metric not in MEDIAN_METRICS:
        raise ValueError(f"metric must be one of {', '.join(MEDIAN_METRICS)}, got {metric!r}")
    platform = _platform(table, platform)
    rows = _platform_rows(table, platform)
    summary = sector_year_summary(rows, metrics=(metric,), confidence=confidence,
                                  n_resamples=n_resamples, seed=seed)
    tests = compare_activity(rows, metric, first=SECTORS[0], second=SECTORS[1])
    archive = _Archive.of(rows, source)
    _require_sectors(set(summary["sector"]), platform)
    pairs = _median_pairs(summary, tests, metric, confidence, lang)
    title = _difference_title(pairs, f"accounts_more_{metric}", f"accounts_topic_{metric}",
                              ("accounts_nonprofits", "accounts_businesses"), platform, lang)
    level = confidence_level(confidence, lang)
    return _snapshot_chart(
        archive,
        name=name or _default_name(f"{platform}-{metric.replace('_', '-')}", archive),
        lang=lang,
        kind="account_activity",
        title=title,
        subtitle=words("accounts_activity_subtitle", lang,
                       metric=words(f"accounts_metric_{metric}", lang),
                       platform=platform_name(platform, lang), span=year_span(pairs.years),
                       level=level) + ".",
        alt_text=f"{title}. {_activity_sentence(pairs, metric, lang)}",
        notes=[*_test_notes(pairs, "accounts_test_mann_whitney", lang),
               *_sector_notes(rows, lang)],
        data=_pair_data(pairs, archive, ACTIVITY_COLUMNS),
        draw=lambda axes: _draw_pairs(axes, pairs, lang),
    )


def dormant_accounts_chart(
    table: pd.DataFrame,
    *,
    platform: str | None = None,
    lang: str = "en",
    confidence: float = 0.95,
    name: str | None = None,
    source: str | Mapping[str, str] | None = None,
) -> Chart:
    """Share of each sector's accounts with no net new post between their snapshots of
    the year, with Wilson intervals, and above each year the p-value of a test of equal
    shares, Holm-adjusted across years (clear below 1 − `confidence`)."""
    platform = _platform(table, platform)
    rows = _platform_rows(table, platform)
    summary = sector_year_summary(rows, metrics=(), confidence=confidence)
    archive = _Archive.of(rows, source)
    _require_sectors(set(summary["sector"]), platform)
    pairs = _dormant_pairs(summary, confidence, lang)
    title = _difference_title(pairs, "accounts_more_dormant", "accounts_topic_dormant",
                              ("accounts_of_nonprofits", "accounts_of_businesses"), platform,
                              lang)
    return _snapshot_chart(
        archive,
        name=name or _default_name(f"{platform}-dormant-accounts", archive),
        lang=lang,
        kind="dormant_accounts",
        title=title,
        subtitle=words("accounts_dormant_subtitle", lang, platform=platform_name(platform, lang),
                       span=year_span(pairs.years),
                       level=confidence_level(confidence, lang)) + ".",
        alt_text=f"{title}. {_dormant_sentence(pairs, lang)}",
        notes=[*_test_notes(pairs, "accounts_test_shares", lang), *_sector_notes(rows, lang)],
        data=_pair_data(pairs, archive, DORMANT_COLUMNS),
        draw=lambda axes: _draw_pairs(axes, pairs, lang),
    )


# --- where the numbers come from --------------------------------------------------------


@dataclass(frozen=True)
class _ArchiveFile:
    """One file the snapshots were read from: its name (no folder), kind and size."""

    name: str
    kind: str  # "table", "twarc2" or "api"
    rows: int
    accounts: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class _Archive:
    """The provenance of the plotted snapshots, in words a source line can print."""

    platform: str
    files: tuple[_ArchiveFile, ...]
    synthetic: bool
    years: tuple[int, ...]
    accounts: int
    override: Mapping[str, str] | None = None

    @classmethod
    def of(cls, rows: pd.DataFrame, source: str | Mapping[str, str] | None) -> _Archive:
        if "source_file" in rows.columns:
            files = rows["source_file"].astype("string").fillna("")
        else:  # a table built in a notebook, not read from files
            files = pd.Series("", index=rows.index, dtype="string")
        pointers = (rows["source_pointer"].astype("string") if "source_pointer" in rows.columns
                    else pd.Series(pd.NA, index=rows.index, dtype="string"))
        described = []
        for path, group in rows.groupby(files.to_numpy(), sort=True):
            described.append(_ArchiveFile(
                name=_file_name(str(path)),
                kind=_file_kind(str(path), pointers.loc[group.index]),
                rows=len(group),
                accounts=int(group["account_id"].nunique()),
                years=tuple(sorted({int(y) for y in group["snapshot_at"].dt.year})),
            ))
        override = ({"en": source, "fr": source} if isinstance(source, str) else source)
        return cls(
            platform=str(rows["platform"].iloc[0]),
            files=tuple(described),
            synthetic=bool(rows["synthetic"].astype(bool).any()),
            years=tuple(sorted({int(y) for y in rows["snapshot_at"].dt.year})),
            accounts=int(rows["account_id"].nunique()),
            override=override,
        )

    @property
    def span(self) -> str:
        return year_span(self.years)

    @property
    def file_names(self) -> str:
        """For the CSV: every file, in full, separated by ";"."""
        return ";".join(f.name for f in self.files)

    def text(self, lang: str) -> str:
        """"synthetic Twitter account archive snapshots_synthetic.csv (...), 2009–2014"."""
        return f"{self.describe(self.files, lang)}, {self.span}"

    def describe(self, files: Sequence[_ArchiveFile], lang: str) -> str:
        """What `files` are, with their names: "twarc2 archive a.jsonl, b.jsonl"."""
        if self.override is not None:
            return self.override[lang]
        platform = platform_name(self.platform, lang)
        if self.synthetic:
            text = words("accounts_source_synthetic", lang, platform=platform,
                         files=_listed([f.name for f in files], lang))
            return " ".join(part for part in text.split(" ") if part)  # no file named: no gap
        by_kind: dict[str, list[str]] = {}
        for file in files:
            by_kind.setdefault(file.kind, []).append(file.name)
        return semicolon(lang).join(
            f"{_kind_words(kind, platform, lang)} {_listed(names, lang)}".strip()
            for kind, names in by_kind.items())

    def source_line(self, lang: str) -> str:
        return words("source", lang, text=self.text(lang))

    def source_note(self, lang: str) -> str:
        """The manifest's source note: the source line, then every file (with its number of
        snapshots when there are several) and the totals."""
        if len(self.files) == 1:
            files = self.files[0].name
        else:
            files = ", ".join(f"{f.name} ({number(f.rows, lang)})" for f in self.files)
        read = words("accounts_files_note", lang, files=files,
                     rows=number(sum(f.rows for f in self.files), lang),
                     accounts=number(self.accounts, lang))
        return f"{self.source_line(lang)}. {read}"

    def sources(self, lang: str) -> tuple[dict, ...]:
        """One entry per file, in the manifest's `sources` (label and publisher, as the
        charts page lists them)."""
        return tuple({
            "label": file.name,
            "publisher": self.describe([file], lang),
            "file": file.name,
            "rows": file.rows,
            "accounts": file.accounts,
            "years": list(file.years),
            "synthetic": self.synthetic,
            "urls": [],
        } for file in self.files)


def _file_name(path: str) -> str:
    """The file's name without its folder, whichever system wrote the path."""
    if not path:
        return ""
    return PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name


def _file_kind(path: str, pointers: pd.Series) -> str:
    """What kind of archive a file is, from what the import recorded: table files keep
    no JSON pointer; twarc2 writes JSON Lines of API v2 pages (users under `data` or
    `includes/users`); other JSON is a platform's API output."""
    known = pointers.dropna()
    if known.empty:
        return "table"
    name = path.lower()
    v2_pages = known.str.contains("/data|/includes/users", regex=True).all()
    if v2_pages and (name.endswith(".jsonl") or name.endswith(".jsonl.gz")):
        return "twarc2"
    return "api"


def _kind_words(kind: str, platform: str, lang: str) -> str:
    if kind == "twarc2":
        return words("accounts_kind_twarc2", lang)
    if kind == "api":
        return words("accounts_kind_api", lang, platform=platform)
    return words("accounts_kind_table", lang)


def _listed(names: Sequence[str], lang: str) -> str:
    """A few file names in full; many as "48 files, a.jsonl to z.jsonl"."""
    names = [n for n in names if n]
    if len(names) <= MANY_FILES:
        return join(names, lang)
    return words("accounts_many_files", lang, n=number(len(names), lang), first=names[0],
                 last=names[-1])


def _snapshot_chart(archive: _Archive, *, name: str, lang: str, kind: str, title: str,
                    subtitle: str, alt_text: str, notes: Sequence[str], data: pd.DataFrame,
                    draw) -> Chart:
    """The Chart, with the archive's source line and, for synthetic data, every mark
    (a file name given without "synthetic" gets it too, so a link says what it holds)."""
    if archive.synthetic:
        title = synthetic_title(title, lang)
        alt_text = f"{words('synthetic_banner', lang)}. {alt_text}"
        name = name if "synthetic" in name else f"{name}-synthetic"
    stem = chart_name(name, lang)
    data_text = archive.text(lang)
    return Chart(
        name=stem,
        lang=lang,
        kind=kind,
        title=title,
        subtitle=subtitle,
        alt_text=alt_text,
        notes=tuple(notes),
        source_line=archive.source_line(lang),
        source_note=archive.source_note(lang),
        citation=metadata.citation(title, stem, data_text, lang),
        bibtex=metadata.bibtex(title, stem, data_text, lang),
        synthetic=archive.synthetic,
        data=data.assign(synthetic=archive.synthetic).reset_index(drop=True),
        draw=draw,
        sources=archive.sources(lang),
    )


def _default_name(what: str, archive: _Archive) -> str:
    """"twitter-dormant-accounts-nonprofits-vs-businesses-2009-2014[-synthetic]"."""
    span = year_span(archive.years).replace(EN_DASH, "-")
    return f"{what}-nonprofits-vs-businesses-{span}" + ("-synthetic" if archive.synthetic
                                                        else "")


# --- the table's rows -------------------------------------------------------------------


def _platform(table: pd.DataFrame, platform: str | None) -> str:
    """The platform asked for, or the table's only one."""
    present = sorted({str(p) for p in table["platform"].dropna().unique()})
    if platform is None:
        if len(present) != 1:
            raise ValueError("the table holds several platforms "
                             f"({', '.join(present)}): say which with platform=")
        return present[0]
    if platform not in present:
        raise ValueError(f"no snapshot on {platform!r} (the table has {', '.join(present)})")
    return platform


def _platform_rows(table: pd.DataFrame, platform: str) -> pd.DataFrame:
    return table[(table["platform"].astype(str) == platform).to_numpy()]


def _require_sectors(present: set[str], platform: str) -> None:
    """Both compared sectors have data, or a ValueError saying which has none."""
    missing = [sector for sector in SECTORS if sector not in present]
    if missing:
        raise ValueError(f"no {' or '.join(missing)} accounts on {platform!r}: a sector map "
                         "must assign sectors before sectors can be compared")


def _sector_notes(rows: pd.DataFrame, lang: str) -> list[str]:
    """Accounts the comparison leaves out: not in the sector map, or of another sector."""
    notes = []
    unmapped = unmapped_accounts(rows)
    if not unmapped.empty:
        notes.append(words("accounts_unmapped_note", lang, n=number(len(unmapped), lang),
                           total=number(rows["account_id"].nunique(), lang)))
    others = sorted(set(rows["sector"].dropna().astype(str)) - {*SECTORS, UNKNOWN})
    if others:
        counts = [f"{sector_label(s, lang).lower()} "
                  f"({number(rows.loc[rows['sector'] == s, 'account_id'].nunique(), lang)})"
                  for s in others]
        notes.append(words("accounts_other_sectors_note", lang, sectors=join(counts, lang)))
    return notes


# --- 1. adoption from creation dates ----------------------------------------------------


@dataclass(frozen=True)
class _SectorCurve:
    """One sector's adoption curve as plotted, and the date it first reached half."""

    sector: str
    rows: pd.DataFrame  # adoption_curve's rows for the sector, in date order

    @classmethod
    def of(cls, curve: pd.DataFrame, sector: str) -> _SectorCurve | None:
        rows = curve[(curve["sector"] == sector).to_numpy()]
        known = rows[rows["share"].notna().to_numpy()].sort_values("date", kind="stable")
        return cls(sector, known.reset_index(drop=True)) if not known.empty else None

    @property
    def colour(self) -> str:
        return sector_colour(self.sector)

    @property
    def half_index(self) -> int | None:
        """The row where the share first reaches 50%, or None."""
        reached = np.flatnonzero(self.rows["share"].to_numpy(dtype=float) >= 0.5)
        return int(reached[0]) if len(reached) else None

    @property
    def half_date(self) -> pd.Timestamp | None:
        index = self.half_index
        return None if index is None else self.rows["date"].iloc[index]

    @property
    def last(self) -> pd.Series:
        return self.rows.iloc[-1]


def _month(date: pd.Timestamp, lang: str) -> str:
    """"March 2010" / "mars 2010"."""
    return f"{words('accounts_months', lang).split()[date.month - 1]} {date.year}"


def _decimal_years(dates: pd.Series) -> np.ndarray:
    """Dates as fractional years (2010.5 is about 1 July 2010), the x of the curves."""
    stamps = pd.DatetimeIndex(dates)
    starts = pd.to_datetime(stamps.year.astype(str) + "-01-01", utc=True)
    ends = pd.to_datetime((stamps.year + 1).astype(str) + "-01-01", utc=True)
    return np.asarray(stamps.year + (stamps - starts) / (ends - starts), dtype=float)


def _sector_words(lang: str) -> tuple[str, str]:
    return words("accounts_nonprofits", lang), words("accounts_businesses", lang)


def _adoption_title(curves: Mapping[str, _SectorCurve], platform: str, lang: str) -> str:
    """Which sector had half its panel on the platform first, and when (true to the data:
    the same month, only one, or neither are worded as such)."""
    first, second = (curves[s] for s in SECTORS)
    names = dict(zip(SECTORS, _sector_words(lang), strict=True))
    on = platform_name(platform, lang)
    last = _month(max(first.last["date"], second.last["date"]), lang)
    dates = {s: curves[s].half_date for s in SECTORS}
    reached = [s for s in SECTORS if dates[s] is not None]
    if not reached:
        return capitalise(words(
            "accounts_half_none", lang, platform=on, last=last, first=names[SECTORS[0]],
            second=names[SECTORS[1]], first_share=percent(float(first.last["share"]), lang),
            second_share=percent(float(second.last["share"]), lang)))
    if len(reached) == 1:
        ahead = reached[0]
        behind = SECTORS[1] if ahead == SECTORS[0] else SECTORS[0]
        return capitalise(words("accounts_half_one", lang, first=names[ahead],
                                second=names[behind], platform=on,
                                date=_month(dates[ahead], lang),
                                share=percent(float(curves[behind].last["share"]), lang),
                                last=last))
    ahead, behind = sorted(SECTORS, key=lambda s: (dates[s], SECTORS.index(s)))
    if _month(dates[ahead], lang) == _month(dates[behind], lang):
        return capitalise(words("accounts_half_same", lang, first=names[SECTORS[0]],
                                second=names[SECTORS[1]], platform=on,
                                date=_month(dates[ahead], lang)))
    return capitalise(words("accounts_half_both", lang, first=names[ahead],
                            second=names[behind], platform=on,
                            first_date=_month(dates[ahead], lang),
                            second_date=_month(dates[behind], lang)))


def _adoption_sentence(curves: Mapping[str, _SectorCurve], lang: str) -> str:
    """"By December 2014, 287 of 320 nonprofits (90%) and ... had an account."""
    first, second = (curves[s] for s in SECTORS)
    names = _sector_words(lang)
    return words(
        "accounts_adoption_alt", lang,
        last=_month(max(first.last["date"], second.last["date"]), lang),
        first=names[0], second=names[1],
        first_count=number(int(first.last["adopters"]), lang),
        first_panel=number(int(first.last["panel_size"]), lang),
        first_share=percent(float(first.last["share"]), lang),
        second_count=number(int(second.last["adopters"]), lang),
        second_panel=number(int(second.last["panel_size"]), lang),
        second_share=percent(float(second.last["share"]), lang))


def _panel_sizes(curves: Mapping[str, _SectorCurve], lang: str) -> str:
    return ", ".join(words("accounts_panel_count", lang, n=number(int(c.last["panel_size"]),
                                                                  lang), who=who)
                     for c, who in zip((curves[s] for s in SECTORS), _sector_words(lang),
                                       strict=True))


def _adoption_notes(rows: pd.DataFrame, curve: pd.DataFrame, with_map: bool,
                    lang: str) -> list[str]:
    """The survivorship caveat first (it qualifies the title), then what is left out."""
    vanished = len(missing_from_last_snapshot(rows))
    notes = [words("accounts_survivorship_note", lang, n=number(vanished, lang))]
    if not with_map:
        notes.append(words("accounts_no_map_note", lang))
    undated = int(curve.drop_duplicates("sector")["undated"].sum()) if not curve.empty else 0
    if undated:
        notes.append(words("accounts_undated_note", lang, n=number(undated, lang)))
    return notes + _sector_notes(rows, lang)


def _curve_data(curves: Mapping[str, _SectorCurve], first_snapshot: pd.Timestamp,
                archive: _Archive, lang: str) -> pd.DataFrame:
    frames = []
    for sector in SECTORS:
        curve = curves[sector]
        rows = curve.rows
        reached = np.zeros(len(rows), dtype=bool)
        if curve.half_index is not None:
            reached[curve.half_index] = True
        frames.append(pd.DataFrame({
            "platform": rows["platform"].astype(str),
            "sector": sector,
            "sector_label": sector_label(sector, lang),
            "date": _iso(rows["date"]),
            "adopters": rows["adopters"].astype("Int64"),
            "panel_size": rows["panel_size"].astype(int),
            "share_percent": 100 * rows["share"].astype(float),
            "undated": rows["undated"].astype(int),
            "reached_half": reached,
            "first_snapshot": _iso(pd.Series([first_snapshot] * len(rows))).to_numpy(),
            "synthetic": archive.synthetic,
            "source_files": archive.file_names,
        }))
    return pd.concat(frames, ignore_index=True)[CURVE_COLUMNS]


def _iso(dates: pd.Series) -> pd.Series:
    """UTC times as ISO 8601 text with a Z, the same on every system."""
    return pd.Series(pd.DatetimeIndex(dates).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
                     index=dates.index)


def _draw_adoption(axes: Axes, curves: Mapping[str, _SectorCurve],
                   first_snapshot: pd.Timestamp, lang: str) -> list[EndLabel]:
    starts = []
    labels = []
    for sector in SECTORS:
        curve = curves[sector]
        x = _decimal_years(curve.rows["date"])
        y = 100 * curve.rows["share"].to_numpy(dtype=float)
        starts.append(x[0])
        axes.step(x, y, where="post", color=curve.colour, linewidth=SIZES.line_width, zorder=3)
        labels.append(_adoption_end_label(curve, x[-1], y[-1], lang))
    _half_marks(axes, curves, lang)
    first_x = float(_decimal_years(pd.Series([first_snapshot]))[0])
    _first_snapshot_mark(axes, first_x, lang)
    last_x = max(label.x for label in labels)
    axes.set_xlim(min(starts) - 0.15, last_x + 0.1)
    first_year, last_year = math.ceil(min(starts)), math.floor(last_x)
    step = 1 if last_year - first_year <= 11 else 2  # as `year_axis`: no crowded ticks
    axes.xaxis.set_major_locator(FixedLocator(list(range(first_year, last_year + 1, step))))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))
    percent_axis(axes, lang, 100.0)
    return _apart(labels, axes)


def _apart(labels: list[EndLabel], axes: Axes) -> list[EndLabel]:
    """Two line ends close together: the upper label above its point, the lower one below
    its own, so the two blocks keep a gap instead of touching (the layout only stops them
    overlapping)."""
    if len(labels) != 2:
        return labels
    bottom, top = axes.get_ylim()
    upper, lower = sorted(labels, key=lambda label: -label.y)
    if upper.y - lower.y > CLOSE_ENDS * (top - bottom):
        return labels
    moved = {id(upper): replace(upper, anchor="above"), id(lower): replace(lower, anchor="below")}
    return [moved[id(label)] for label in labels]


def _adoption_end_label(curve: _SectorCurve, x: float, y: float, lang: str) -> EndLabel:
    last = curve.last
    return EndLabel(
        f"{sector_label(curve.sector, lang)} {percent(float(last['share']), lang, 0)}", x, y,
        curve.colour,
        detail=words("accounts_of_panel", lang, adopters=number(int(last["adopters"]), lang),
                     panel=number(int(last["panel_size"]), lang)))


def _half_marks(axes: Axes, curves: Mapping[str, _SectorCurve], lang: str) -> None:
    """A point where each curve first reaches 50%, with its month. The earlier crossing
    is labelled on its left (above the other curve, which is still lower there), the later
    one on its right (below the curves, which are both above 50% by then)."""
    axes.axhline(50, color=LEADER_COLOUR, linewidth=1.2, linestyle=(0, (1, 2)), zorder=1)
    crossings = [(curves[s].half_date, s) for s in SECTORS if curves[s].half_date is not None]
    for rank, (date, sector) in enumerate(sorted(crossings)):
        curve = curves[sector]
        x = float(_decimal_years(pd.Series([date]))[0])
        y = 100 * float(curve.rows["share"].iloc[curve.half_index])
        plot_points(axes, [x], [y], curve.colour, [True], zorder=5)
        earlier = rank == 0 and len(crossings) > 1
        axes.annotate(_month(date, lang), xy=(x, y), xytext=(-12 if earlier else 12, 0),
                      textcoords="offset pixels", ha="right" if earlier else "left",
                      va="bottom" if earlier else "top", color=curve.colour,
                      fontproperties=font(SIZES.value, bold=True), parse_math=False,
                      bbox=BACKING, zorder=6, annotation_clip=False)


def _first_snapshot_mark(axes: Axes, x: float, lang: str) -> None:
    """Before the first snapshot the curves come only from accounts that survived to it."""
    axes.axvline(x, color=LEADER_COLOUR, linewidth=1.2, linestyle=(0, (4, 3)), zorder=1)
    # Right of the line, at the top: the curves are low there, before most accounts exist.
    axes.annotate(words("accounts_first_snapshot", lang), xy=(x, ROW_Y),
                  xycoords=blended_transform_factory(axes.transData, axes.transAxes),
                  xytext=(6, 0), textcoords="offset points", ha="left", va="top",
                  color=SUBTITLE_COLOUR, fontproperties=font(SIZES.value), parse_math=False,
                  zorder=6)


# --- 2. and 3. two sectors per year, with a test ---------------------------------------


@dataclass(frozen=True)
class _Pairs:
    """Per year, the two sectors' values with intervals, and the test between them."""

    data: pd.DataFrame  # one row per year and sector: value, low, high, n, test columns
    tests: pd.DataFrame  # one row per year: p_value, p_adjusted, clear, higher
    confidence: float
    value_text: Callable[[float], str]  # value -> text in the chart's language
    axis: str  # "percent" (data in 0-100) or "number"
    lang: str

    def label_text(self, value: float) -> str:
        """The value at a line's end: whole percents (the CSV and alt text keep decimals)."""
        if self.axis == "percent":
            return percent(float(value) / 100, self.lang, 0)
        return self.value_text(value)

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.data["year"]})

    def sector(self, sector: str) -> pd.DataFrame:
        return self.data[self.data["sector"] == sector].sort_values("year")


def _median_pairs(summary: pd.DataFrame, tests: pd.DataFrame, metric: str, confidence: float,
                  lang: str) -> _Pairs:
    medians = summary[(summary["metric"] == metric).to_numpy()
                      & summary["sector"].isin(SECTORS).to_numpy()]
    # Mann-Whitney's direction: which sector's accounts tend to have the higher value.
    tests = tests.assign(higher=np.where(tests["superiority"] > 0.5, SECTORS[0], SECTORS[1]),
                         test=tests["method"])
    verdicts = _verdicts(tests, confidence)
    data = medians.rename(columns={"value": "median"}).merge(
        verdicts[["year", "p_value", "p_adjusted", "superiority", "clear", "higher", "test"]],
        on="year", how="left")
    data["sector_label"] = data["sector"].map(lambda s: sector_label(s, lang))
    decimals = _decimals(data["median"])
    return _Pairs(data, verdicts, confidence,
                  lambda value: number(value, lang, decimals), "number", lang)


def _dormant_pairs(summary: pd.DataFrame, confidence: float, lang: str) -> _Pairs:
    shares = summary[(summary["metric"] == "dormant").to_numpy()
                     & summary["sector"].isin(SECTORS).to_numpy()]
    verdicts = _verdicts(_share_tests(shares), confidence)
    data = shares.assign(share_percent=100 * shares["value"], low_percent=100 * shares["low"],
                         high_percent=100 * shares["high"]).merge(
        verdicts[["year", "p_value", "p_adjusted", "clear", "higher", "test"]], on="year",
        how="left")
    data["dormant"] = data["dormant"].astype(int)
    data["sector_label"] = data["sector"].map(lambda s: sector_label(s, lang))
    return _Pairs(data, verdicts, confidence, lambda value: percent(value / 100, lang),
                  "percent", lang)


def _share_tests(shares: pd.DataFrame) -> pd.DataFrame:
    """Per year, the test of equal dormant shares (z, or Fisher's exact for small counts)."""
    rows = []
    for year, group in shares.groupby("year"):
        by_sector = group.set_index("sector")
        row = {"year": int(year), "p_value": np.nan, "test": "", "higher": ""}
        if set(by_sector.index) >= set(SECTORS):
            first, second = by_sector.loc[SECTORS[0]], by_sector.loc[SECTORS[1]]
            tested = equal_shares_test(float(first["dormant"]), float(first["n"]),
                                       float(second["dormant"]), float(second["n"]))
            row.update(p_value=tested.p_value, test=tested.method,
                       higher=SECTORS[0] if first["value"] > second["value"] else SECTORS[1])
        rows.append(row)
    tests = pd.DataFrame(rows)
    tests["p_adjusted"] = holm_adjust(tests["p_value"].to_numpy(dtype=float))
    return tests


def _verdicts(tests: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Clear where the Holm-adjusted p-value is below 1 − confidence."""
    if tests.empty or tests["p_value"].isna().all():
        raise ValueError("no year has accounts of both sectors with a value, so the sectors "
                         "cannot be compared")
    verdicts = tests.copy()
    verdicts["clear"] = verdicts["p_adjusted"] < 1 - confidence
    verdicts.loc[verdicts["p_value"].isna(), "higher"] = ""
    return verdicts.sort_values("year", ignore_index=True)


def _decimals(values: pd.Series) -> int:
    """Enough decimals to tell medians apart: 2 below 10, 1 below 100, else none."""
    largest = float(values.abs().max()) if len(values) else 0.0
    return 2 if largest < 10 else 1 if largest < 100 else 0


def _difference_title(pairs: _Pairs, more_key: str, topic_key: str,
                      noun_keys: tuple[str, str], platform: str, lang: str) -> str:
    """Which sector was higher in which years, where the difference is clear, and "no clear
    difference" for the rest; "in any year" when no year is clear."""
    tests = pairs.tests[pairs.tests["p_value"].notna()]
    years = [int(y) for y in tests["year"]]
    on = platform_name(platform, lang)
    nouns = dict(zip(SECTORS, (words(key, lang) for key in noun_keys), strict=True))
    clauses = []
    for higher in SECTORS:
        clear = [int(y) for y in tests.loc[tests["clear"] & (tests["higher"] == higher), "year"]]
        if clear:
            lower = SECTORS[1] if higher == SECTORS[0] else SECTORS[0]
            when = (words("accounts_every_year", lang, span=_every_span(years, lang))
                    if clear == years else in_years(clear, lang))
            clauses.append(words(more_key, lang, first=nouns[higher], second=nouns[lower],
                                 platform=on) + " " + when)
    if not clauses:
        return capitalise(words("accounts_no_clear_any", lang, topic=words(topic_key, lang),
                                platform=on, span=_every_span(years, lang)))
    unclear = [int(y) for y in tests.loc[~tests["clear"], "year"]]
    if unclear:
        clauses.append(words("accounts_no_clear_in", lang, when=in_years(unclear, lang)))
    return capitalise(semicolon(lang).join(clauses))


def _every_span(years: Sequence[int], lang: str) -> str:
    return year_span(years) if lang == "en" else from_to(years, lang)


def _p_value(p_value: float, lang: str) -> str:
    """"0.41", "0.003", "<0.001", "1" (decimal comma and narrow space in French): short, so
    six years fit side by side above a narrow plot."""
    if p_value < 0.001:
        return f"<{NARROW_NBSP if lang == 'fr' else ''}{number(0.001, lang, 3)}"
    if p_value >= 0.995:  # Holm's adjustment caps p at 1
        return "1"
    return number(p_value, lang, 2 if p_value >= 0.01 else 3)


def _p_text(p_value: float, lang: str) -> str:
    """"p = 0.41", "p < 0.001", for sentences."""
    value = _p_value(p_value, lang)
    return f"p {value[0]} {value[1:].lstrip(NARROW_NBSP)}" if value[0] == "<" else f"p = {value}"


def _test_notes(pairs: _Pairs, test_key: str, lang: str) -> list[str]:
    tested = pairs.tests[pairs.tests["p_value"].notna()]
    notes = [words("accounts_p_note", lang, test=words(test_key, lang), k=len(tested),
                   alpha=number(1 - pairs.confidence, lang, 2))]
    untested = pairs.tests.loc[pairs.tests["p_value"].isna(), "year"]
    if not untested.empty:
        notes.append(words("accounts_untested_note", lang,
                           years=year_list(untested.astype(int), lang)))
    return notes


def _last_tested(pairs: _Pairs) -> pd.Series:
    tested = pairs.tests[pairs.tests["p_value"].notna()]
    return (tested if not tested.empty else pairs.tests).iloc[-1]


def _activity_sentence(pairs: _Pairs, metric: str, lang: str) -> str:
    """"In 2014, the median was 0.71 posts per day for nonprofits and 0.74 for businesses
    (adjusted p = 0.41)."""
    test = _last_tested(pairs)
    year = int(test["year"])
    values = {s: pairs.sector(s).set_index("year").loc[year, "median"] for s in SECTORS}
    return words("accounts_activity_alt", lang, year=year,
                 first_value=pairs.value_text(values[SECTORS[0]]),
                 second_value=pairs.value_text(values[SECTORS[1]]),
                 metric=words(f"accounts_metric_{metric}", lang),
                 p=_p_text(float(test["p_adjusted"]), lang))


def _dormant_sentence(pairs: _Pairs, lang: str) -> str:
    test = _last_tested(pairs)
    year = int(test["year"])
    shares = {s: pairs.sector(s).set_index("year").loc[year, "share_percent"] for s in SECTORS}
    return words("accounts_dormant_alt", lang, year=year,
                 first_share=pairs.value_text(shares[SECTORS[0]]),
                 second_share=pairs.value_text(shares[SECTORS[1]]),
                 p=_p_text(float(test["p_adjusted"]), lang))


def _pair_data(pairs: _Pairs, archive: _Archive, columns: Sequence[str]) -> pd.DataFrame:
    data = pairs.data.assign(synthetic=archive.synthetic, source_files=archive.file_names)
    order = {s: i for i, s in enumerate(SECTORS)}
    data = data.sort_values(["year", "sector"], key=lambda c: c.map(order) if c.name ==
                            "sector" else c, ignore_index=True)
    return data[list(columns)]


def _value_columns(pairs: _Pairs) -> tuple[str, str, str]:
    if pairs.axis == "percent":
        return "share_percent", "low_percent", "high_percent"
    return "median", "low", "high"


def _draw_pairs(axes: Axes, pairs: _Pairs, lang: str) -> list[EndLabel]:
    """Each year: the nonprofit point left of the year, the business point right of it,
    each with its interval, and the year's test above them."""
    value, low, high = _value_columns(pairs)
    labels = []
    for sector, offset in zip(SECTORS, (-PAIR_OFFSET, PAIR_OFFSET), strict=True):
        rows = pairs.sector(sector)
        x = (rows["year"].astype(float) + offset).tolist()
        colour = sector_colour(sector)
        axes.plot(x, rows[value], color=colour, linewidth=SIZES.line_width * 0.6, alpha=0.7,
                  zorder=2)
        interval_bars(axes, x, rows[low].astype(float).tolist(),
                      rows[high].astype(float).tolist(), colour)
        plot_points(axes, x, rows[value].astype(float).tolist(), colour, [True] * len(rows))
        last = rows.iloc[-1]
        labels.append(EndLabel(f"{sector_label(sector, lang)} {pairs.label_text(last[value])}",
                               x[-1], float(last[value]), colour))
    _value_axis(axes, pairs, lang)
    year_axis(axes, pairs.years, pad=0.5)
    _test_row(axes, pairs, lang)
    return _apart(labels, axes)


def _value_axis(axes: Axes, pairs: _Pairs, lang: str) -> None:
    """From zero (or below, for a negative value) to the first tick above the highest
    interval, then room above that tick for the row of tests (so no tick label sits
    beside the row)."""
    value, low, high = _value_columns(pairs)
    finite = pd.concat([pairs.data[c] for c in (value, low, high)]).astype(float).dropna()
    bottom = min(0.0, float(finite.min()))
    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(bottom,
                                                                        float(finite.max()))
    ticks = ticks[ticks >= bottom - 1e-9]
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    room = ROW_ROOM * (2 if _staggered(pairs) else 1)
    axes.set_ylim(bottom, ticks[-1] + room * (ticks[-1] - bottom))
    axes.yaxis.set_major_locator(FixedLocator(ticks))
    axes.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: _tick_text(v, pairs.axis, decimals, lang)))


def _staggered(pairs: _Pairs) -> bool:
    return len(pairs.years) > ONE_ROW_YEARS


def _tick_text(value: float, axis: str, decimals: int, lang: str) -> str:
    return percent(value / 100, lang, decimals) if axis == "percent" else number(value, lang,
                                                                                   decimals)


def _test_row(axes: Axes, pairs: _Pairs, lang: str) -> None:
    """The adjusted p-value above each year: bold in the higher sector's colour where the
    difference is clear, grey where it is not. Many years: every other one a line lower,
    so neighbours never touch."""
    place = blended_transform_factory(axes.transData, axes.transAxes)
    stagger = _staggered(pairs)
    for position, test in enumerate(pairs.tests.itertuples()):
        if math.isnan(test.p_value):
            continue
        colour = sector_colour(test.higher) if test.clear else UNCLEAR_COLOUR
        lower = stagger and position % 2 == 1
        axes.annotate(_p_value(float(test.p_adjusted), lang), xy=(test.year, ROW_Y),
                      xycoords=place, xytext=(0, -points(SIZES.value) * 1.3 if lower else 0),
                      textcoords="offset points", ha="center", va="top", color=colour,
                      fontproperties=font(SIZES.value, bold=bool(test.clear)),
                      parse_math=False, zorder=6)
    # The row's name sits in the tick-label column, where a reader looks for what a row is.
    axes.annotate("p", xy=(0, ROW_Y), xycoords="axes fraction", xytext=(-6, 0),
                  textcoords="offset points", ha="right", va="top", color=SUBTITLE_COLOUR,
                  fontproperties=font(SIZES.tick), parse_math=False)


__all__ = ["account_activity_chart", "account_adoption_chart", "dormant_accounts_chart"]
