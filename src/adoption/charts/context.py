"""Context from open practitioner surveys (NTEN benchmark, NGO technology reports).

Their respondents chose to answer, so the figures describe those respondents,
not a population: no interval is drawn, none is implied, and the chart says so.
They are never set against a business series (the codebook's rule); this chart
shows one series, one line per platform.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import percent_axis, percent_top, plot_points, year_axis
from adoption.charts.layout import EndLabel
from adoption.charts.style import LINE_STYLES, MARKERS, SIZES, sector_colour
from adoption.findings.claims import Claim
from adoption.findings.levels import level_claim
from adoption.metadata import label_of, series_names
from adoption.table import in_language
from adoption.text import Message, Names, Series, message, say
from adoption.text.formats import EN_DASH, percent, year_span

CONTEXT_COLUMNS = [
    "series", "label", "sector", "platform", "platform_label", "year", "share_percent", "n",
    "design", "certainty", "publisher", "study", "source_url", "synthetic",
]


def context_chart(
    table: pd.DataFrame,
    series: str,
    *,
    platforms: Sequence[str] | None = None,
    lang: str = "en",
    name: str | None = None,
    names: Names | None = None,
) -> Chart:
    """The share of one series' respondents using each platform over the years, without
    intervals, with a "self-selected respondents: no margin of error" note when the series
    is an open survey. `platforms` limits and orders the lines (default: all, by latest
    share). The title names the platform most used."""
    names = series_names(table) if names is None else names
    rows = _rows(in_language(table, lang), series, platforms)
    data = _data(rows, label_of(names, series, "label", lang), lang)
    years = sorted({int(y) for y in data["year"]})
    self_selected = bool((rows["design"].astype(str) == "self_selected").any())
    claims = _claims(data, series, self_selected)
    slug = names[series].slug  # type: ignore[union-attr]
    return make_chart(
        name=name or f"context-{slug}-{year_span(years).replace(EN_DASH, '-')}",
        lang=lang,
        kind="context",
        title=_title(data, series),
        subtitle=message("chart.context.subtitle", years=years,
                         population=Series(series, "population")),
        alt_text=[_latest_sentence(data, series, self_selected)],
        notes=[message("chart.context.self_selected_note")] if self_selected else [],
        claims=claims,
        rows=rows,
        data=data[CONTEXT_COLUMNS],
        draw=lambda axes: _draw(axes, data, years, lang),
        names=names,
    )


def _rows(table: pd.DataFrame, series: str, platforms: Sequence[str] | None) -> pd.DataFrame:
    rows = table[table["series"].astype(str) == series]
    if rows.empty:
        known = ", ".join(sorted(table["series"].astype(str).unique()))
        raise ValueError(f"series {series!r} is not in the table (it has: {known})")
    if platforms is not None:
        missing = sorted(set(platforms) - set(rows["platform"].astype(str)))
        if missing:
            raise ValueError(f"series {series!r} has no figures for {', '.join(missing)}")
        rows = rows[rows["platform"].astype(str).isin(platforms)]
    return rows.sort_values(["platform", "year"]).reset_index(drop=True)


def _data(rows: pd.DataFrame, label: str, lang: str) -> pd.DataFrame:
    weighted = rows["share_weighted"].notna()
    share = rows["share_weighted"].where(weighted, rows["share"])
    return pd.DataFrame({
        "series": rows["series"].astype(str),
        "label": label,
        "sector": rows["sector"].astype(str),
        "platform": rows["platform"].astype(str),
        "platform_label": [say(f"platform.{p}.name", lang) for p in rows["platform"].astype(str)],
        "year": rows["year"].astype(int),
        "share_percent": 100 * share,
        "n": rows["n"],
        "design": rows["design"].astype(str),
        "certainty": rows["certainty"].astype(str),
        "publisher": rows["publisher"],
        "study": rows["study"],
        "source_url": rows["source_url"],
        "synthetic": rows["synthetic"].astype(bool),
    })


def _platform_order(data: pd.DataFrame) -> list[str]:
    """Platforms by their latest share, highest first (the order the labels read in)."""
    latest = data.sort_values("year").groupby("platform").tail(1)
    return latest.sort_values("share_percent", ascending=False)["platform"].tolist()


def _draw(axes: Axes, data: pd.DataFrame, years: list[int], lang: str) -> list[EndLabel]:
    colour = sector_colour(str(data["sector"].iloc[0]))
    labels = []
    for index, platform in enumerate(_platform_order(data)):
        line = data[data["platform"] == platform].sort_values("year")
        marker = MARKERS[index % len(MARKERS)]
        if len(line) > 1:
            axes.plot(line["year"], line["share_percent"], color=colour,
                      linestyle=LINE_STYLES[index % len(LINE_STYLES)],
                      linewidth=SIZES.line_width * 0.8, zorder=2)
        plot_points(axes, line["year"], line["share_percent"], colour, [True] * len(line),
                    marker)
        last = line.iloc[-1]
        labels.append(EndLabel(
            f"{last['platform_label']} {percent(last['share_percent'] / 100, lang)}",
            float(last["year"]), float(last["share_percent"]), colour))
    percent_axis(axes, lang, percent_top(data["share_percent"].tolist(), headroom=6))
    year_axis(axes, years)
    return labels


def _title(data: pd.DataFrame, series: str) -> Message:
    """The platform most used, and whether it came first in every year with several."""
    who = Series(series, "noun")
    contested = data.groupby("year").filter(lambda year: len(year) > 1)
    if contested.empty:
        last = data.sort_values("year").iloc[-1]
        return message("chart.context.title_one", share=last["share_percent"] / 100,
                       series=who, platform=last["platform"], year=int(last["year"]))
    top = contested.loc[contested.groupby("year")["share_percent"].idxmax()]
    leaders = set(top["platform"])
    years = sorted({int(y) for y in top["year"]})
    if len(leaders) == 1 and len(years) > 1:
        # Only years that measured several platforms can have a "most used" one.
        return message("chart.context.title_every", platform=next(iter(leaders)), series=who,
                       years=years)
    latest = top.sort_values("year").iloc[-1]
    return message("chart.context.title_latest", platform=latest["platform"], series=who,
                   year=int(latest["year"]), share=latest["share_percent"] / 100)


def _claims(data: pd.DataFrame, series: str, self_selected: bool) -> list[Claim]:
    """A level claim per platform for the latest year: respondents' shares, untested."""
    year = int(data["year"].max())
    why = message("why.self_selected_level" if self_selected else "why.level")
    return [level_claim(platform=row.platform, series=series, year=year,
                        share=row.share_percent / 100,
                        text=message("chart.context.level", share=row.share_percent / 100,
                                     series=Series(series, "noun"), platform=row.platform,
                                     year=year), why=why)
            for row in data[data["year"] == year].itertuples()]


def _latest_sentence(data: pd.DataFrame, series: str, self_selected: bool) -> Message:
    year = int(data["year"].max())
    latest = data[data["year"] == year].sort_values("share_percent", ascending=False)
    parts = [message("chart.context.platform_share", platform=row.platform,
                     share=row.share_percent / 100) for row in latest.itertuples()]
    return message("chart.context.latest_self_selected" if self_selected
                   else "chart.context.latest", year=year, parts=parts)
