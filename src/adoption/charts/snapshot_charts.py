"""Account activity snapshots as charts: adoption from creation dates, activity, dormancy.

Three builders, each drawing what `adoption.snapshots` and `adoption.stats` computed,
with words from the findings layer:

    account_adoption_chart   `adoption_curve`: share of the panel with an account, by date
    account_activity_chart   medians per sector and year, and the difference of the two
                             medians with its bootstrap interval (`median_differences`)
    dormant_accounts_chart   dormant shares per sector and year, and their difference
                             with Newcombe's interval

A difference is clear in a year when its interval excludes zero, the rule of every
gap in the project; each year is a claim in the chart's manifest, and the title
says in which years each sector was clearly ahead. Nothing here computes an
interval, a median or a test statistic.

The source line comes from the archive's own provenance
(`adoption.snapshots.provenance.Archive`), and a chart drawn from the synthetic
archive carries the same marks as every other synthetic chart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import interval_bars, percent_axis, plot_points
from adoption.charts.layout import EndLabel, font
from adoption.charts.style import (
    LEADER_COLOUR,
    SIZES,
    SUBTITLE_COLOUR,
    UNCLEAR_COLOUR,
    points,
    sector_colour,
)
from adoption.findings.claims import Claim, excludes
from adoption.snapshots.account_metrics import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    MEDIAN_METRICS,
    median_differences,
    sector_year_summary,
)
from adoption.snapshots.creation import adoption_curve, missing_from_last_snapshot
from adoption.snapshots.provenance import Archive
from adoption.snapshots.sectors import read_sector_map, unmapped_accounts
from adoption.snapshots.snapshot_table import UNKNOWN
from adoption.stats import difference_interval
from adoption.text import Message, message, say
from adoption.text.formats import EN_DASH, Fixed, number, percent, year_span
from adoption.text.formats import points as signed_points

SECTORS = ("nonprofit", "business")  # first, second: the comparison every chart makes
PAIR_OFFSET = 0.13  # years: nonprofit left of the year, business right, intervals apart
ROW_Y = 0.985  # the row of differences, in axes height from the bottom
ROW_ROOM = 0.25  # room above the top tick for that row, as a share of the tick range
ONE_ROW_YEARS = 8  # more years than this: the row is staggered over two lines
CLOSE_ENDS = 0.2  # line ends nearer than this share of the axis height: labels set apart
# White behind a label written over grid or guide lines. Not the layout's HALO: a path
# effect turns text into outlines in the SVG, and these labels must stay searchable text.
BACKING = {"facecolor": "white", "edgecolor": "none", "pad": 1.5}
CURVE_COLUMNS = [
    "platform", "sector", "sector_label", "date", "adopters", "panel_size", "share_percent",
    "undated", "reached_half", "first_snapshot", "synthetic", "source_files",
]
# The CSV writes these with their unit (`_pair_data`): median -> median_posts_per_day, ...
ACTIVITY_COLUMNS = [
    "platform", "year", "metric", "sector", "sector_label", "n", "median", "low", "high",
    "confidence", "method", "difference", "difference_low", "difference_high", "clear",
    "higher", "synthetic", "source_files",
]
DORMANT_COLUMNS = [
    "platform", "year", "sector", "sector_label", "n", "dormant", "share_percent",
    "low_percent", "high_percent", "confidence", "method", "difference_points",
    "difference_low_points", "difference_high_points", "clear", "higher", "synthetic",
    "source_files",
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
    archive = Archive.of(rows, source)
    curves = {sector: _SectorCurve.of(curve, sector) for sector in SECTORS}
    _require_sectors({s for s, c in curves.items() if c is not None}, platform)
    first_snapshot = rows["snapshot_at"].min()
    claims = [_half_claim(curves[sector], platform) for sector in SECTORS]
    return make_chart(
        name=name or _default_name(f"{platform}-account-adoption", archive),
        lang=lang,
        kind="account_adoption",
        title=_adoption_title(curves, platform),
        subtitle=message("chart.accounts.adoption_subtitle", platform=platform,
                         years=list(archive.years),
                         panels=[message("chart.accounts.panel_count", sector=s,
                                         count=int(curves[s].last["panel_size"]))
                                 for s in SECTORS]),
        alt_text=[_adoption_sentence(curves)],
        notes=_adoption_notes(rows, curve, panel_map is not None),
        claims=claims,
        rows=rows,
        data=_curve_data(curves, first_snapshot, archive, lang),
        draw=lambda axes: _draw_adoption(axes, curves, first_snapshot, lang),
        names={},
        sources=archive,
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
    with seeded bootstrap intervals, and above each year the difference of the medians:
    bold, in the higher sector's colour, where its bootstrap interval excludes zero. The
    title says in which years the difference is clear."""
    if metric not in MEDIAN_METRICS:
        raise ValueError(f"metric must be one of {', '.join(MEDIAN_METRICS)}, got {metric!r}")
    platform = _platform(table, platform)
    rows = _platform_rows(table, platform)
    summary = sector_year_summary(rows, metrics=(metric,), confidence=confidence,
                                  n_resamples=n_resamples, seed=seed)
    _require_sectors(set(summary["sector"]), platform)
    differences = median_differences(rows, metric, first=SECTORS[0], second=SECTORS[1],
                                     confidence=confidence, n_resamples=n_resamples,
                                     seed=seed)
    archive = Archive.of(rows, source)
    claims = [_median_claim(row, metric, platform) for _, row in differences.iterrows()
              if not math.isnan(row["difference"])]
    pairs = _median_pairs(summary, claims, metric, confidence, lang)
    return make_chart(
        name=name or _default_name(f"{platform}-{metric.replace('_', '-')}", archive),
        lang=lang,
        kind="account_activity",
        title=_difference_title(claims, f"more_{metric}", f"topic_{metric}", platform),
        subtitle=message("chart.accounts.activity_subtitle", metric=_metric(metric),
                         platform=platform, years=pairs.years, level=confidence),
        alt_text=[claim.text for claim in claims],
        notes=[*_difference_notes(pairs, "median"), *_sector_notes(rows)],
        claims=claims,
        rows=rows,
        data=_pair_data(pairs, archive, ACTIVITY_COLUMNS),
        draw=lambda axes: _draw_pairs(axes, pairs, lang),
        names={},
        sources=archive,
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
    the year, with Wilson intervals, and above each year the gap between the sectors,
    bold where its interval (Newcombe) excludes zero."""
    platform = _platform(table, platform)
    rows = _platform_rows(table, platform)
    summary = sector_year_summary(rows, metrics=(), confidence=confidence)
    archive = Archive.of(rows, source)
    _require_sectors(set(summary["sector"]), platform)
    shares = summary[(summary["metric"] == "dormant").to_numpy()
                     & summary["sector"].isin(SECTORS).to_numpy()]
    claims = _dormant_claims(shares, platform, confidence)
    pairs = _dormant_pairs(shares, claims, confidence, lang)
    return make_chart(
        name=name or _default_name(f"{platform}-dormant-accounts", archive),
        lang=lang,
        kind="dormant_accounts",
        title=_difference_title(claims, "more_dormant", "topic_dormant", platform),
        subtitle=message("chart.accounts.dormant_subtitle", platform=platform,
                         years=pairs.years, level=confidence),
        alt_text=[claim.text for claim in claims],
        notes=[*_difference_notes(pairs, "share"), *_sector_notes(rows)],
        claims=claims,
        rows=rows,
        data=_pair_data(pairs, archive, DORMANT_COLUMNS),
        draw=lambda axes: _draw_pairs(axes, pairs, lang),
        names={},
        sources=archive,
    )


def account_charts(snapshots: pd.DataFrame, platform: str, *,
                   sector_map: pd.DataFrame | str | Path | None = None, lang: str = "en",
                   confidence: float = 0.95) -> list[Chart]:
    """Every chart of the account activity report: when accounts were opened, and, when
    some account was read at least twice (activity is a change between two snapshots),
    posting, follower growth and dormancy."""
    charts = [account_adoption_chart(snapshots, platform, sector_map=sector_map, lang=lang)]
    if snapshots.groupby("account_id").size().gt(1).any():
        charts += [
            account_activity_chart(snapshots, "posts_per_day", platform=platform, lang=lang,
                                   confidence=confidence),
            account_activity_chart(snapshots, "followers_per_30d", platform=platform,
                                   lang=lang, confidence=confidence),
            dormant_accounts_chart(snapshots, platform=platform, lang=lang,
                                   confidence=confidence),
        ]
    return charts


def _default_name(what: str, archive: Archive) -> str:
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


def _sector_notes(rows: pd.DataFrame) -> list[Message]:
    """Accounts the comparison leaves out: not in the sector map, or of another sector."""
    notes = []
    unmapped = unmapped_accounts(rows)
    if not unmapped.empty:
        notes.append(message("chart.accounts.unmapped_note", count=len(unmapped),
                             total=int(rows["account_id"].nunique())))
    others = sorted(set(rows["sector"].dropna().astype(str)) - {*SECTORS, UNKNOWN})
    if others:
        counts = [message("chart.accounts.sector_count", sector=s, count=int(
            rows.loc[rows["sector"] == s, "account_id"].nunique())) for s in others]
        notes.append(message("chart.accounts.other_sectors_note", sectors=counts))
    return notes


def _metric(metric: str) -> Message:
    return message(f"chart.accounts.metric.{metric}")


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


def _decimal_years(dates: pd.Series) -> np.ndarray:
    """Dates as fractional years (2010.5 is about 1 July 2010), the x of the curves."""
    stamps = pd.DatetimeIndex(dates)
    starts = pd.to_datetime(stamps.year.astype(str) + "-01-01", utc=True)
    ends = pd.to_datetime((stamps.year + 1).astype(str) + "-01-01", utc=True)
    return np.asarray(stamps.year + (stamps - starts) / (ends - starts), dtype=float)


def _half_claim(curve: _SectorCurve, platform: str) -> Claim:
    """When half the sector's panel had an account: read from the panel itself (every
    organisation of the sector map counted), so there is no sampling error."""
    first, last = curve.rows["date"].iloc[0], curve.last["date"]
    years = (int(first.year), int(last.year))
    values = {"sector": curve.sector, "platform": platform, "last": last.date(),
              "share": float(curve.last["share"])}
    date = curve.half_date
    if date is None:
        return Claim(kind="reaches_share", platform=platform, series=(curve.sector,),
                     years=years, estimate=None, low=None, high=None, supported=None,
                     text=message("chart.accounts.half_not_reached", **values),
                     why=message("why.not_reached", share=0.5, first=years[0]), share=0.5,
                     within_data=False, group=curve.sector)
    year = float(_decimal_years(pd.Series([date]))[0])
    return Claim(kind="reaches_share", platform=platform, series=(curve.sector,),
                 years=(int(date.year),), estimate=year, low=year, high=year, supported=True,
                 text=message("chart.accounts.half_reached", date=date.date(), **values),
                 share=0.5, within_data=True, group=curve.sector)


def _adoption_title(curves: Mapping[str, _SectorCurve], platform: str) -> Message:
    """Which sector had half its panel on the platform first, and when (true to the data:
    the same month, only one, or neither are worded as such)."""
    first, second = (curves[s] for s in SECTORS)
    last = max(first.last["date"], second.last["date"]).date()
    dates = {s: curves[s].half_date for s in SECTORS}
    reached = [s for s in SECTORS if dates[s] is not None]
    named = {"platform": platform, "last": last}
    if not reached:
        return message("chart.accounts.half_none", first=SECTORS[0], second=SECTORS[1],
                       first_share=float(first.last["share"]),
                       second_share=float(second.last["share"]), **named)
    if len(reached) == 1:
        ahead = reached[0]
        behind = SECTORS[1] if ahead == SECTORS[0] else SECTORS[0]
        return message("chart.accounts.half_one", first=ahead, second=behind,
                       date=dates[ahead].date(), share=float(curves[behind].last["share"]),
                       **named)
    ahead, behind = sorted(SECTORS, key=lambda s: (dates[s], SECTORS.index(s)))
    if (dates[ahead].year, dates[ahead].month) == (dates[behind].year, dates[behind].month):
        return message("chart.accounts.half_same", first=SECTORS[0], second=SECTORS[1],
                       date=dates[ahead].date(), **named)
    return message("chart.accounts.half_both", first=ahead, second=behind,
                   first_date=dates[ahead].date(), second_date=dates[behind].date(), **named)


def _adoption_sentence(curves: Mapping[str, _SectorCurve]) -> Message:
    """"By December 2014, 287 of 320 nonprofits (90%) and ... had an account."""
    first, second = (curves[s] for s in SECTORS)
    return message(
        "chart.accounts.adoption_alt",
        last=max(first.last["date"], second.last["date"]).date(),
        first=SECTORS[0], second=SECTORS[1],
        first_count=int(first.last["adopters"]), first_panel=int(first.last["panel_size"]),
        first_share=float(first.last["share"]),
        second_count=int(second.last["adopters"]), second_panel=int(second.last["panel_size"]),
        second_share=float(second.last["share"]))


def _adoption_notes(rows: pd.DataFrame, curve: pd.DataFrame, with_map: bool) -> list[Message]:
    """The survivorship caveat first (it qualifies the title), then what is left out."""
    vanished = len(missing_from_last_snapshot(rows))
    notes = [message("chart.accounts.survivorship_note", count=vanished)]
    if not with_map:
        notes.append(message("chart.accounts.no_map_note"))
    undated = int(curve.drop_duplicates("sector")["undated"].sum()) if not curve.empty else 0
    if undated:
        notes.append(message("chart.accounts.undated_note", count=undated))
    return notes + _sector_notes(rows)


def _curve_data(curves: Mapping[str, _SectorCurve], first_snapshot: pd.Timestamp,
                archive: Archive, lang: str) -> pd.DataFrame:
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
            "sector_label": say(f"sector.{sector}.label", lang),
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
        f"{say(f'sector.{curve.sector}.label', lang)} {percent(float(last['share']), lang, 0)}",
        x, y, curve.colour,
        detail=say("chart.accounts.of_panel", lang, adopters=int(last["adopters"]),
                   panel=int(last["panel_size"])))


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
        axes.annotate(say("chart.accounts.month", lang, date=date.date()), xy=(x, y),
                      xytext=(-12 if earlier else 12, 0),
                      textcoords="offset pixels", ha="right" if earlier else "left",
                      va="bottom" if earlier else "top", color=curve.colour,
                      fontproperties=font(SIZES.value, bold=True), parse_math=False,
                      bbox=BACKING, zorder=6, annotation_clip=False)


def _first_snapshot_mark(axes: Axes, x: float, lang: str) -> None:
    """Before the first snapshot the curves come only from accounts that survived to it."""
    axes.axvline(x, color=LEADER_COLOUR, linewidth=1.2, linestyle=(0, (4, 3)), zorder=1)
    # Right of the line, at the top: the curves are low there, before most accounts exist.
    axes.annotate(say("chart.accounts.first_snapshot", lang), xy=(x, ROW_Y),
                  xycoords=blended_transform_factory(axes.transData, axes.transAxes),
                  xytext=(6, 0), textcoords="offset points", ha="left", va="top",
                  color=SUBTITLE_COLOUR, fontproperties=font(SIZES.value), parse_math=False,
                  zorder=6)


# --- 2. and 3. two sectors per year, and the difference between them --------------------


@dataclass(frozen=True)
class _Pairs:
    """Per year, the two sectors' values with intervals, and the difference's verdict."""

    data: pd.DataFrame  # one row per year and sector: value, low, high, n, difference columns
    differences: pd.DataFrame  # one row per year: difference, low, high, clear, higher
    confidence: float
    decimals: int  # of values and differences, in the metric's unit
    axis: str  # "percent" (data in 0-100) or "number"
    lang: str

    def label_text(self, value: float) -> str:
        """The value at a line's end: whole percents (the CSV and alt text keep decimals)."""
        if self.axis == "percent":
            return percent(float(value) / 100, self.lang, 0)
        return number(value, self.lang, self.decimals)

    def difference_text(self, value: float) -> str:
        decimals = 0 if self.axis == "percent" else self.decimals
        return signed_points(value, self.lang, decimals)

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for y in self.data["year"]})

    def sector(self, sector: str) -> pd.DataFrame:
        return self.data[self.data["sector"] == sector].sort_values("year")


def _median_claim(row: pd.Series, metric: str, platform: str) -> Claim:
    """One year's claim: the nonprofit median minus the business median, in the metric's
    unit, with its bootstrap interval."""
    low, high = float(row["low"]), float(row["high"])
    supported = excludes(0.0, low, high)
    decimals = _decimals(pd.Series([row["median_first"], row["median_second"]]))
    values = {"year": int(row["year"]), "platform": platform, "metric": _metric(metric),
              "first": Fixed(float(row["median_first"]), decimals),
              "second": Fixed(float(row["median_second"]), decimals),
              "difference": Fixed(float(row["difference"]), decimals, signed=True),
              "low": Fixed(low, decimals, signed=True), "high": Fixed(high, decimals, signed=True),
              "level": float(row["confidence"])}
    return _pair_claim("median", supported, float(row["difference"]), low, high, values,
                       platform, metric, {"unit": metric})


def _dormant_claims(shares: pd.DataFrame, platform: str, confidence: float) -> list[Claim]:
    claims = []
    for year, group in shares.groupby("year", sort=True):
        by_sector = group.set_index("sector")
        if not set(SECTORS) <= set(by_sector.index):
            continue
        first, second = by_sector.loc[SECTORS[0]], by_sector.loc[SECTORS[1]]
        difference, low, high = difference_interval(
            float(first["dormant"]), float(first["n"]), float(second["dormant"]),
            float(second["n"]), confidence)
        values = {"year": int(year), "platform": platform, "first": float(first["value"]),
                  "second": float(second["value"]), "difference": 100 * difference,
                  "low": 100 * low, "high": 100 * high, "level": confidence}
        claims.append(_pair_claim("dormant", excludes(0.0, low, high), difference, low,
                                  high, values, platform, "dormant", {}))
    return claims


def _pair_claim(kind: str, supported: bool | None, difference: float, low: float,
                high: float, values: dict, platform: str, metric: str,
                extra: Mapping[str, object]) -> Claim:
    if supported:
        key = "ahead" if difference > 0 else "behind"
    else:
        key = "unclear" if supported is False else "untestable"
    why = None if supported else message("why.interval_includes_zero" if supported is False
                                          else "why.no_interval")
    return Claim(kind="lead", platform=platform, series=SECTORS, years=(values["year"],),
                 estimate=difference, low=None if math.isnan(low) else low,
                 high=None if math.isnan(high) else high, supported=supported,
                 text=message(f"chart.accounts.{kind}_{key}", **values), why=why,
                 group=metric, extra=extra)


def _verdicts(claims: Sequence[Claim], scale: float) -> pd.DataFrame:
    """One row per claimed year: the difference (times `scale`), its interval, the verdict."""
    return pd.DataFrame([{
        "year": claim.years[0], "difference": scale * claim.estimate,
        "difference_low": scale * claim.low if claim.low is not None else math.nan,
        "difference_high": scale * claim.high if claim.high is not None else math.nan,
        "clear": bool(claim.supported),
        "higher": ("" if not claim.supported else SECTORS[0] if claim.estimate > 0
                   else SECTORS[1]),
    } for claim in claims], columns=["year", "difference", "difference_low", "difference_high",
                                     "clear", "higher"])


def _median_pairs(summary: pd.DataFrame, claims: list[Claim], metric: str, confidence: float,
                  lang: str) -> _Pairs:
    medians = summary[(summary["metric"] == metric).to_numpy()
                      & summary["sector"].isin(SECTORS).to_numpy()]
    verdicts = _verdicts(claims, 1.0)
    data = medians.rename(columns={"value": "median"}).merge(verdicts, on="year", how="left")
    data["sector_label"] = data["sector"].map(lambda s: say(f"sector.{s}.label", lang))
    return _Pairs(data, verdicts, confidence, _decimals(data["median"]), "number", lang)


def _dormant_pairs(shares: pd.DataFrame, claims: list[Claim], confidence: float,
                   lang: str) -> _Pairs:
    verdicts = _verdicts(claims, 100.0).rename(columns={
        "difference": "difference_points", "difference_low": "difference_low_points",
        "difference_high": "difference_high_points"})
    data = shares.assign(share_percent=100 * shares["value"], low_percent=100 * shares["low"],
                         high_percent=100 * shares["high"]).merge(verdicts, on="year",
                                                                   how="left")
    data["dormant"] = data["dormant"].astype(int)
    data["sector_label"] = data["sector"].map(lambda s: say(f"sector.{s}.label", lang))
    return _Pairs(data, verdicts.rename(columns={
        "difference_points": "difference", "difference_low_points": "difference_low",
        "difference_high_points": "difference_high"}), confidence, 0, "percent", lang)


def _decimals(values: pd.Series) -> int:
    """Enough decimals to tell medians apart: 2 below 10, 1 below 100, else none."""
    finite = values.astype(float).dropna()
    largest = float(finite.abs().max()) if len(finite) else 0.0
    return 2 if largest < 10 else 1 if largest < 100 else 0


def _difference_title(claims: Sequence[Claim], more_key: str, topic_key: str,
                      platform: str) -> Message:
    """Which sector was higher in which years, where the difference is clear, and "no clear
    difference" for the rest; "in any year" when no year is clear."""
    years = [claim.years[0] for claim in claims]
    parts = []
    for higher, lower, sign in ((SECTORS[0], SECTORS[1], 1), (SECTORS[1], SECTORS[0], -1)):
        clear = [claim.years[0] for claim in claims
                 if claim.supported and sign * claim.estimate > 0]
        if clear:
            parts.append(message(f"chart.accounts.{more_key}", first=higher, second=lower,
                                 platform=platform, years=clear,
                                 every=len(clear) == len(years) and len(years) > 1))
    if not parts:
        return message("chart.accounts.no_clear_any", topic=message(
            f"chart.accounts.{topic_key}"), platform=platform, years=years)
    unclear = [claim.years[0] for claim in claims if not claim.supported]
    if unclear:
        parts.append(message("chart.accounts.no_clear_in", years=unclear))
    return message("chart.accounts.title_parts", parts=parts)


def _difference_notes(pairs: _Pairs, statistic: str) -> list[Message]:
    notes = [message(f"chart.accounts.row_note_{statistic}", level=pairs.confidence)]
    untested = [year for year in pairs.years
                if year not in set(pairs.differences["year"])]
    if untested:
        notes.append(message("chart.accounts.untested_note", years=untested))
    return notes


def _pair_data(pairs: _Pairs, archive: Archive, columns: Sequence[str]) -> pd.DataFrame:
    """The CSV's rows, with the unit in each column's name: a median of posts per day is
    `median_posts_per_day`, the confidence level `confidence_percent`."""
    data = pairs.data.assign(synthetic=archive.synthetic, source_files=archive.file_names)
    order = {s: i for i, s in enumerate(SECTORS)}
    data = data.sort_values(["year", "sector"], key=lambda c: c.map(order) if c.name ==
                            "sector" else c, ignore_index=True)
    data = data[list(columns)].assign(confidence=100 * data["confidence"].astype(float))
    return data.rename(columns=_unit_names(data))


def _unit_names(data: pd.DataFrame) -> dict[str, str]:
    names = {"confidence": "confidence_percent"}
    if "metric" in data.columns:  # medians and their difference, in the metric's unit
        unit = str(data["metric"].iloc[0])
        names.update({"median": f"median_{unit}", "low": f"median_{unit}_low",
                      "high": f"median_{unit}_high", "difference": f"difference_{unit}",
                      "difference_low": f"difference_{unit}_low",
                      "difference_high": f"difference_{unit}_high"})
    return names


def _value_columns(pairs: _Pairs) -> tuple[str, str, str]:
    if pairs.axis == "percent":
        return "share_percent", "low_percent", "high_percent"
    return "median", "low", "high"


def _draw_pairs(axes: Axes, pairs: _Pairs, lang: str) -> list[EndLabel]:
    """Each year: the nonprofit point left of the year, the business point right of it,
    each with its interval, and the year's difference above them."""
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
        labels.append(EndLabel(
            f"{say(f'sector.{sector}.label', lang)} {pairs.label_text(last[value])}",
            x[-1], float(last[value]), colour))
    _value_axis(axes, pairs, lang)
    first, last = min(pairs.years), max(pairs.years)
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.xaxis.set_major_locator(FixedLocator(list(range(first, last + 1))))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    _difference_row(axes, pairs)
    return _apart(labels, axes)


def _value_axis(axes: Axes, pairs: _Pairs, lang: str) -> None:
    """From zero (or below, for a negative value) to the first tick above the highest
    interval, then room above that tick for the row of differences."""
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


def _difference_row(axes: Axes, pairs: _Pairs) -> None:
    """The difference above each year: bold in the higher sector's colour where it is
    clear, grey where it is not. Many years: every other one a line lower, so neighbours
    never touch."""
    place = blended_transform_factory(axes.transData, axes.transAxes)
    stagger = _staggered(pairs)
    for position, row in enumerate(pairs.differences.itertuples()):
        colour = sector_colour(row.higher) if row.clear else UNCLEAR_COLOUR
        lower = stagger and position % 2 == 1
        axes.annotate(pairs.difference_text(float(row.difference)), xy=(row.year, ROW_Y),
                      xycoords=place, xytext=(0, -points(SIZES.value) * 1.3 if lower else 0),
                      textcoords="offset points", ha="center", va="top", color=colour,
                      fontproperties=font(SIZES.value, bold=bool(row.clear)),
                      parse_math=False, zorder=6)
    # The row's name sits in the tick-label column, where a reader looks for what a row is.
    axes.annotate("\u0394", xy=(0, ROW_Y), xycoords="axes fraction", xytext=(-6, 0),
                  textcoords="offset points", ha="right", va="top", color=SUBTITLE_COLOUR,
                  fontproperties=font(SIZES.tick), parse_math=False)


__all__ = ["account_activity_chart", "account_adoption_chart", "account_charts",
           "dormant_accounts_chart"]
