"""Context from open practitioner surveys (NTEN benchmark, NGO technology reports).

Their respondents chose to answer, so the figures describe those respondents,
not a population: no interval is drawn, none is implied, and the chart says so.
They are never set against a business series (the codebook's rule); this chart
shows one series, one line per platform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import percent_axis, percent_top, plot_points, year_axis
from adoption.charts.findings import of_noun
from adoption.charts.i18n import (
    in_years,
    percent,
    platform_name,
    words,
    year_span,
)
from adoption.charts.layout import EndLabel
from adoption.charts.metadata import SeriesInfo, load_series_metadata, series_info
from adoption.charts.style import LINE_STYLES, MARKERS, SIZES, sector_colour

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
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """The share of one series' respondents using each platform over the years, without
    intervals, with a "self-selected respondents: no margin of error" note when the series
    is an open survey. `platforms` limits and orders the lines (default: all, by latest
    share). The title names the platform most used."""
    catalog = load_series_metadata() if catalog is None else catalog
    rows = _rows(table, series, platforms)
    info = series_info(series, catalog)
    data = _data(rows, info, lang)
    years = sorted({int(y) for y in data["year"]})
    title = _title(data, info, lang)
    notes = [words("self_selected_note", lang)] if (rows["design"].astype(str)
                                                     == "self_selected").any() else []
    return make_chart(
        name=name or f"context-{info.slug}-{year_span(years).replace(chr(0x2013), '-')}",
        lang=lang,
        kind="context",
        title=title,
        subtitle=words("context_subtitle", lang, span=year_span(years),
                       population=info.population[lang]),
        alt_text=f"{title}. {_latest_sentence(data, info, lang)}",
        notes=notes,
        rows=rows,
        data=data[CONTEXT_COLUMNS],
        draw=lambda axes: _draw(axes, data, years, lang),
        catalog=catalog,
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


def _data(rows: pd.DataFrame, info: SeriesInfo, lang: str) -> pd.DataFrame:
    weighted = rows["share_weighted"].notna()
    share = rows["share_weighted"].where(weighted, rows["share"])
    return pd.DataFrame({
        "series": rows["series"].astype(str),
        "label": info.label[lang],
        "sector": rows["sector"].astype(str),
        "platform": rows["platform"].astype(str),
        "platform_label": [platform_name(p, lang) for p in rows["platform"].astype(str)],
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


def _title(data: pd.DataFrame, info: SeriesInfo, lang: str) -> str:
    """The platform most used, and whether it came first in every year with several."""
    noun = info.noun[lang]
    contested = data.groupby("year").filter(lambda year: len(year) > 1)
    if contested.empty:
        last = data.sort_values("year").iloc[-1]
        share = percent(last["share_percent"] / 100, lang)
        if lang == "en":
            return f"{share} {of_noun(noun, lang)} used {last['platform_label']} in {last['year']}"
        return (f"{share} {of_noun(noun, lang)} utilisaient {last['platform_label']} en "
                f"{last['year']}")
    top = contested.loc[contested.groupby("year")["share_percent"].idxmax()]
    leaders = set(top["platform_label"])
    years = sorted(set(top["year"]))
    if len(leaders) == 1 and len(years) > 1:
        leader = next(iter(leaders))
        # Only years that measured several platforms can have a "most used" one.
        if lang == "en":
            return f"{leader} was the most used platform among {noun} {in_years(years, lang)}"
        return (f"{leader} était la plateforme la plus utilisée par {noun} "
                f"{in_years(years, lang)}")
    latest = top.sort_values("year").iloc[-1]
    share = percent(latest["share_percent"] / 100, lang)
    if lang == "en":
        return (f"In {latest['year']}, {latest['platform_label']} was the most used platform "
                f"among {noun} ({share})")
    return (f"En {latest['year']}, {latest['platform_label']} était la plateforme la plus "
            f"utilisée par {noun} ({share})")


def _latest_sentence(data: pd.DataFrame, info: SeriesInfo, lang: str) -> str:
    year = int(data["year"].max())
    latest = data[data["year"] == year].sort_values("share_percent", ascending=False)
    parts = [f"{row.platform_label} {percent(row.share_percent / 100, lang)}"
             for row in latest.itertuples()]
    if lang == "en":
        return f"In {year}: {', '.join(parts)} (self-selected respondents, no margin of error)."
    return (f"En {year}\u202f: {', '.join(parts)} (répondants volontaires, aucune marge "
            "d’erreur).")
