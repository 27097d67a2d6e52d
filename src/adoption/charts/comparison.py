"""Nonprofits against businesses on one platform: adoption curves and the gap per year.

Both charts read everything from `adoption.stats`: each figure's share and
interval from `estimate_share` (Wilson with the finite-population correction;
zero width for a census; none where a sample size was not published), the gap
and who led from `check_claim` (Newcombe's interval of the difference), and the
title from those results (`findings.py`). Nothing here computes an interval.

Self-selected practitioner surveys are refused: the codebook says they are never
put in a sector comparison with an interval (use `context_chart`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import (
    interval_bars,
    percent_axis,
    percent_top,
    plot_points,
    value_label,
    year_axis,
)
from adoption.charts.findings import (
    comparison_title,
    comparison_title_several,
    of_noun,
    verdict,
)
from adoption.charts.i18n import (
    EN_DASH,
    colon,
    confidence_level,
    join,
    number,
    percent,
    platform_noun,
    semicolon,
    signed_points,
    words,
    year_list,
    year_span,
)
from adoption.charts.layout import EndLabel
from adoption.charts.metadata import SeriesInfo, load_series_metadata, series_info
from adoption.charts.style import (
    LINE_STYLES,
    MARKERS,
    SIZES,
    UNCLEAR_COLOUR,
    ZERO_LINE_COLOUR,
    sector_colour,
)
from adoption.stats.claim import check_claim
from adoption.stats.compare import estimate_share, series_rows

CURVE_COLUMNS = [
    "series", "label", "sector", "platform", "year", "share_percent", "low_percent",
    "high_percent", "interval", "n", "population_size", "design", "certainty", "publisher",
    "study", "source_url", "synthetic",
]
GAP_COLUMNS = [
    "year", "nonprofit_series", "business_series", "nonprofit_percent", "business_percent",
    "gap_points", "gap_low_points", "gap_high_points", "leader", "p_value", "p_adjusted",
    "test", "nonprofit_n", "business_n", "nonprofit_design", "business_design", "caveat",
    "nonprofit_study", "business_study", "nonprofit_source_url", "business_source_url",
    "synthetic",
]


def adoption_curves(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str | Sequence[str],
    *,
    lang: str = "en",
    confidence: float = 0.95,
    years: tuple[int, int] | None = None,
    name: str | None = None,
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """Share using `platform` over the years: one nonprofit series against one or several
    business series, with interval bars, "census: no sampling error" on census series,
    hollow points where no interval can be drawn, and labels at the line ends.

    `years` (first, last) limits the years shown; by default, the years the nonprofit
    series and a business series both cover. The title states the finding of
    `check_claim` for each business series. Returns a `Chart`; save it with `save_chart`.
    """
    catalog = load_series_metadata() if catalog is None else catalog
    businesses = [business] if isinstance(business, str) else list(business)
    _refuse_self_selected(table, platform, [nonprofit, *businesses])
    shown = _limit_years(table, years or _compared_span(table, platform, nonprofit, businesses))
    verdicts = [verdict(check_claim(shown, platform, nonprofit, b, confidence).comparison)
                for b in businesses]
    curves = [_curve(shown, platform, nonprofit, "nonprofit", confidence, catalog, lang)]
    curves += [_curve(shown, platform, b, "business", confidence, catalog, lang)
               for b in businesses]
    info = [series_info(s, catalog) for s in (nonprofit, *businesses)]
    if len(businesses) == 1:
        title = comparison_title(info[0].noun[lang], info[1].noun[lang], platform, verdicts[0],
                                 lang)
    else:  # several series: the shorter nouns keep the title within three lines
        nouns = [i.short_noun[lang] for i in info]
        title = comparison_title_several(nouns[0], nouns[1:], platform, verdicts, lang)
    data = pd.concat([c.data for c in curves], ignore_index=True)
    all_years = sorted(set(data["year"]))
    base = name or "-".join([platform, info[0].slug, "vs", *(i.slug for i in info[1:]),
                             _span_slug(all_years)])
    return make_chart(
        name=base,
        lang=lang,
        kind="adoption_curves",
        title=title,
        subtitle=_curves_subtitle(platform, curves, all_years, lang),
        alt_text=f"{title}. {_latest_values(curves, platform, lang)}",
        notes=_curve_notes(curves, confidence, lang),
        rows=pd.concat([c.rows for c in curves], ignore_index=True),
        data=data[CURVE_COLUMNS],
        draw=lambda axes: _draw_curves(axes, curves, all_years, lang),
        catalog=catalog,
    )


def gap_chart(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str,
    *,
    lang: str = "en",
    confidence: float = 0.95,
    years: tuple[int, int] | None = None,
    name: str | None = None,
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """The gap per year (nonprofit minus business share, in percentage points) with its
    Newcombe interval, a zero line, and years whose interval includes zero ("unclear",
    grey) or cannot be drawn ("unknown", hollow) set apart from clear leads."""
    catalog = load_series_metadata() if catalog is None else catalog
    _refuse_self_selected(table, platform, [nonprofit, business])
    shown = _limit_years(table, years or _compared_span(table, platform, nonprofit, [business]))
    comparison = check_claim(shown, platform, nonprofit, business, confidence).comparison
    found = verdict(comparison)
    np_info, b_info = series_info(nonprofit, catalog), series_info(business, catalog)
    title = comparison_title(np_info.noun[lang], b_info.noun[lang], platform, found, lang)
    rows = _comparison_rows(shown, platform, nonprofit, business, comparison)
    data = _gap_data(comparison, rows)
    level = confidence_level(confidence, lang)
    span = year_span(found.years)
    subtitle = words("gap_subtitle", lang, nonprofit=np_info.short_label[lang],
                     business=b_info.short_label[lang], platform=platform_noun(platform, lang),
                     span=span, level=level)
    return make_chart(
        name=name or f"{platform}-gap-{np_info.slug}-vs-{b_info.slug}-{_span_slug(found.years)}",
        lang=lang,
        kind="gap",
        title=title,
        subtitle=subtitle,
        alt_text=f"{title}. {_largest_gap(comparison, level, lang)}",
        notes=_gap_notes(comparison, lang),
        rows=rows,
        data=data,
        draw=lambda axes: _draw_gap(axes, comparison, np_info, b_info, lang),
        catalog=catalog,
    )


# --- the curves -------------------------------------------------------------------------


class _Curve:
    """One series as plotted: its rows, its estimates, how it is drawn."""

    def __init__(self, info: SeriesInfo, sector: str, rows: pd.DataFrame, data: pd.DataFrame):
        self.info = info
        self.sector = sector
        self.rows = rows
        self.data = data
        self.colour = sector_colour(sector)
        self.linestyle = LINE_STYLES[0]
        self.marker = MARKERS[0]

    @property
    def all_census(self) -> bool:
        return bool((self.data["design"] == "census").all())

    def filled(self) -> list[bool]:
        """Solid markers for figures with an interval or exact; hollow where none."""
        return [design == "census" or not math.isnan(low)
                for design, low in zip(self.data["design"], self.data["low_percent"],
                                       strict=True)]


def _curve(table: pd.DataFrame, platform: str, series: str, role: str, confidence: float,
           catalog: Mapping[str, SeriesInfo], lang: str) -> _Curve:
    by_year = series_rows(table, platform, series, role=role)
    rows = pd.DataFrame([row for _, row in sorted(by_year.items())]).reset_index(drop=True)
    info = series_info(series, catalog)
    records = [_point(row, estimate_share(row, confidence), info, lang)
               for _, row in rows.iterrows()]
    data = pd.DataFrame.from_records(records, columns=CURVE_COLUMNS)
    return _Curve(info, str(rows["sector"].iloc[0]), rows, data)


def _point(row: pd.Series, estimate, info: SeriesInfo, lang: str) -> dict:
    return {
        "series": estimate.series,
        "label": info.label[lang],
        "sector": str(row["sector"]),
        "platform": str(row["platform"]),
        "year": estimate.year,
        "share_percent": 100 * estimate.share,
        "low_percent": 100 * estimate.low,
        "high_percent": 100 * estimate.high,
        "interval": _interval_kind(estimate),
        "n": row["n"],
        "population_size": row["population_size"],
        "design": estimate.design,
        "certainty": row["certainty"],
        "publisher": row["publisher"],
        "study": row["study"],
        "source_url": row["source_url"],
        "synthetic": bool(row["synthetic"]),
    }


def _interval_kind(estimate) -> str:
    """How the interval in the CSV was obtained, in words a reader can look up."""
    if estimate.design == "census":
        return "exact_census"
    if not estimate.has_interval:
        return "none_sample_size_missing"
    return "wilson" if estimate.fpc_population is None else "wilson_fpc"


def _draw_curves(axes: Axes, curves: list[_Curve], years: list[int], lang: str) -> list[EndLabel]:
    counters: dict[str, int] = {}
    for curve in curves:  # several series of one sector: same colour, another line and marker
        index = counters.get(curve.sector, 0)
        counters[curve.sector] = index + 1
        curve.linestyle = LINE_STYLES[index % len(LINE_STYLES)]
        curve.marker = MARKERS[index % len(MARKERS)]
        data = curve.data
        axes.plot(data["year"], data["share_percent"], color=curve.colour,
                  linestyle=curve.linestyle, linewidth=SIZES.line_width, zorder=2)
        interval_bars(axes, data["year"], data["low_percent"], data["high_percent"],
                      curve.colour)
        plot_points(axes, data["year"], data["share_percent"], curve.colour, curve.filled(),
                    curve.marker)
    highs = [v for c in curves for v in c.data["high_percent"].tolist()
             + c.data["share_percent"].tolist()]
    top = percent_top(highs)
    crowded = len(curves) > 2  # three lines or more: values at the line ends only
    if not crowded:
        _value_labels(axes, curves, top, lang)
    percent_axis(axes, lang, top)
    year_axis(axes, years)
    return [_end_label(curve, lang, with_value=crowded) for curve in curves]


def _value_labels(axes: Axes, curves: list[_Curve], top: float, lang: str) -> None:
    """Each figure's value: above the top series of that year, below the others (or to the
    left of a point too close to the axis to have room below)."""
    years = sorted({int(y) for c in curves for y in c.data["year"]})
    for year in years:
        present = [(c, c.data[c.data["year"] == year].iloc[0]) for c in curves
                   if (c.data["year"] == year).any()]
        present.sort(key=lambda item: -item[1]["share_percent"])
        for rank, (curve, point) in enumerate(present):
            share, low, high = (point["share_percent"], point["low_percent"],
                                point["high_percent"])
            text = percent(share / 100, lang)
            if rank == 0:
                value_label(axes, year, _finite_or(high, share), text, curve.colour, "above")
            elif _finite_or(low, share) < 0.16 * top:
                value_label(axes, year, share, text, curve.colour, "left", offset_px=10)
            else:
                value_label(axes, year, _finite_or(low, share), text, curve.colour, "below")


def _finite_or(value: float, fallback: float) -> float:
    return fallback if math.isnan(value) else value


def _end_label(curve: _Curve, lang: str, with_value: bool = False) -> EndLabel:
    last = curve.data.iloc[-1]
    detail = words("census_label", lang) if curve.all_census else ""
    text = curve.info.short_label[lang]
    if with_value:
        text += f" {percent(float(last['share_percent']) / 100, lang)}"
    return EndLabel(text, float(last["year"]), float(last["share_percent"]), curve.colour,
                    detail)


def _curves_subtitle(platform: str, curves: list[_Curve], years: list[int], lang: str) -> str:
    measured = semicolon(lang).join(
        f"{c.info.short_label[lang]}{colon(lang)}{_measured(c.data, lang)}" for c in curves)
    return (f"{words('share_using', lang, platform=platform_noun(platform, lang))}, "
            f"{year_span(years)}. {measured}.")


def _measured(data: pd.DataFrame, lang: str) -> str:
    """How the figures were obtained: "census of all 500", "survey of 76–78 of 200"."""
    parts = []
    census = data[data["design"] == "census"]
    survey = data[data["design"] != "census"]
    if not survey.empty:
        parts.append(_survey_phrase(survey, lang))
    if not census.empty:
        sizes = census["population_size"].dropna().unique()
        phrase = (words("measured_census", lang, n=number(float(sizes[0]), lang))
                  if len(sizes) == 1 else words("measured_census_no_n", lang))
        if not survey.empty:
            phrase += f" ({year_list(census['year'].astype(int), lang)})"
        parts.append(phrase)
    return ", ".join(parts)


def _survey_phrase(survey: pd.DataFrame, lang: str) -> str:
    known = survey["n"].dropna().astype(int)
    if known.empty:
        return words("measured_survey_no_n", lang)
    low, high = int(known.min()), int(known.max())
    n_text = number(low, lang) if low == high else (
        f"{number(low, lang)}{EN_DASH}{number(high, lang)}")
    sizes = survey["population_size"].dropna().unique()
    phrase = (words("measured_survey_of", lang, n=n_text, size=number(float(sizes[0]), lang))
              if len(sizes) == 1 else words("measured_survey", lang, n=n_text))
    return phrase  # years without n are named in the hollow-points note


def _curve_notes(curves: list[_Curve], confidence: float, lang: str) -> list[str]:
    notes = []
    if any((c.data["high_percent"] > c.data["low_percent"]).any() for c in curves):
        notes.append(words("intervals_note", lang, level=confidence_level(confidence, lang)))
    hollow = [f"{c.info.short_label[lang]}, {year_list(c.data.loc[[not f for f in c.filled()], 'year'], lang)}"  # noqa: E501
              for c in curves if not all(c.filled())]
    if hollow:
        notes.append(words("no_n_note", lang, where=semicolon(lang).join(hollow)))
    return notes


def _latest_values(curves: list[_Curve], platform: str, lang: str) -> str:
    """"In 2010, 64% of the largest US charities used a blog, against 23% of the Fortune 500."""
    common = set.intersection(*(set(c.data["year"]) for c in curves))
    year = max(common) if common else int(curves[0].data["year"].max())
    parts = []
    for curve in curves:
        point = curve.data[curve.data["year"] == year]
        if point.empty:
            continue
        share = percent(float(point["share_percent"].iloc[0]) / 100, lang)
        parts.append(f"{share} {of_noun(curve.info.noun[lang], lang)}")
    thing = platform_noun(platform, lang)
    if lang == "en":
        return f"In {year}, {parts[0]} used {thing}, against {join(parts[1:], lang)}."
    return f"En {year}, {parts[0]} utilisaient {thing}, contre {join(parts[1:], lang)}."


# --- the gap --------------------------------------------------------------------------


def _comparison_rows(table: pd.DataFrame, platform: str, nonprofit: str, business: str,
                     comparison: pd.DataFrame) -> pd.DataFrame:
    years = set(comparison["year"].astype(int))
    frames = []
    for series, role in ((nonprofit, "nonprofit"), (business, "business")):
        by_year = series_rows(table, platform, series, role=role)
        frames.append(pd.DataFrame([by_year[y] for y in sorted(years)]))
    return pd.concat(frames, ignore_index=True)


def _gap_data(comparison: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    data = pd.DataFrame({
        "year": comparison["year"].astype(int),
        "nonprofit_series": comparison["nonprofit_series"],
        "business_series": comparison["business_series"],
        "nonprofit_percent": 100 * comparison["nonprofit_share"],
        "business_percent": 100 * comparison["business_share"],
        "gap_points": 100 * comparison["difference"],
        "gap_low_points": 100 * comparison["difference_low"],
        "gap_high_points": 100 * comparison["difference_high"],
        "leader": comparison["leader"],
        "p_value": comparison["p_value"],
        "p_adjusted": comparison["p_adjusted"],
        "test": comparison["test"],
        "nonprofit_n": comparison["nonprofit_n"],
        "business_n": comparison["business_n"],
        "nonprofit_design": comparison["nonprofit_design"],
        "business_design": comparison["business_design"],
        "caveat": comparison["caveat"],
    })
    for side in ("nonprofit", "business"):
        side_rows = rows[rows["series"].astype(str) == str(comparison[f"{side}_series"].iloc[0])]
        by_year = side_rows.set_index(side_rows["year"].astype(int))
        data[f"{side}_study"] = data["year"].map(by_year["study"]).astype("string")
        data[f"{side}_source_url"] = data["year"].map(by_year["source_url"]).astype("string")
    data["synthetic"] = bool(rows["synthetic"].astype(bool).any())
    return data[GAP_COLUMNS]


def _leader_colour(leader: str) -> str:
    """The leading sector's colour; grey when neither is clearly ahead or it is unknown."""
    return sector_colour(leader) if leader in ("nonprofit", "business") else UNCLEAR_COLOUR


def _draw_gap(axes: Axes, comparison: pd.DataFrame, np_info: SeriesInfo, b_info: SeriesInfo,
              lang: str) -> list[EndLabel]:
    sectors = ("nonprofit", "business")
    years = comparison["year"].astype(int).tolist()
    gap = (100 * comparison["difference"]).tolist()
    low = (100 * comparison["difference_low"]).tolist()
    high = (100 * comparison["difference_high"]).tolist()
    axes.axhline(0, color=ZERO_LINE_COLOUR, linewidth=1.6, zorder=1)
    axes.plot(years, gap, color="#9A9A9A", linewidth=1.4, zorder=2)
    for year, value, lo, hi, leader in zip(years, gap, low, high, comparison["leader"],
                                           strict=True):
        colour = _leader_colour(leader)
        marker = "D" if leader == "unclear" else "o"
        interval_bars(axes, [year], [lo], [hi], colour)
        plot_points(axes, [year], [value], colour, [leader != "unknown"], marker)
        text = signed_points(value, lang)
        align = "center"
        if leader == "unclear":  # ("unknown" points are hollow, and the note says why)
            text += f" ({words(leader, lang)})"
            # A long label at either end would run off the plot: anchor it inward.
            align = {years[0]: "left", years[-1]: "right"}.get(year, "center")
        top = _finite_or(hi, value)
        value_label(axes, year, top if value >= 0 else _finite_or(lo, value), text, colour,
                    "above" if value >= 0 else "below", align=align)
    extent = [v for v in low + high + gap if not math.isnan(v)]
    _gap_limits(axes, extent)
    year_axis(axes, years)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: signed_points(v, lang)))
    # What each side of zero means, in the label column beside the zero line.
    last = float(years[-1])
    return [
        EndLabel("\u2191 " + words("ahead", lang, who=np_info.short_label[lang]), last, 0.0,
                 sector_colour(sectors[0]), leader=False, anchor="above"),
        EndLabel("\u2193 " + words("ahead", lang, who=b_info.short_label[lang]), last, 0.0,
                 sector_colour(sectors[1]), leader=False, anchor="below"),
    ]


def _gap_limits(axes: Axes, values: list[float]) -> None:
    """Room on both sides of zero, so each side's label has space and zero is never an edge."""
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = max(top - bottom, 10.0)
    top = max(top + 0.3 * span, 0.25 * span)
    bottom = min(bottom - 0.3 * span, -0.25 * span)
    axes.set_ylim(math.floor(bottom / 10) * 10, math.ceil(top / 10) * 10)


def _gap_notes(comparison: pd.DataFrame, lang: str) -> list[str]:
    notes = []
    for leader, key in (("unclear", "unclear_note"), ("unknown", "unknown_note")):
        years = comparison.loc[comparison["leader"] == leader, "year"].astype(int)
        if not years.empty:
            notes.append(words(key, lang, years=year_list(years, lang)))
    return notes


def _largest_gap(comparison: pd.DataFrame, level: str, lang: str) -> str:
    """"The gap was largest in 2009: +43 points (95% interval +34 to +51)."""
    row = comparison.loc[comparison["difference"].abs().idxmax()]
    value = signed_points(100 * row["difference"], lang)
    year = int(row["year"])
    if math.isnan(row["difference_low"]):
        interval = "no interval" if lang == "en" else "sans intervalle"
    else:
        low = signed_points(100 * row["difference_low"], lang)
        high = signed_points(100 * row["difference_high"], lang)
        interval = (f"{level} interval {low} to {high}" if lang == "en"
                    else f"intervalle à {level}{colon(lang)}{low} à {high}")
    if lang == "en":
        return f"The gap was largest in {year}: {value} percentage points ({interval})."
    return (f"L’écart était le plus grand en {year}{colon(lang)}{value} points de "
            f"pourcentage ({interval}).")


# --- shared --------------------------------------------------------------------------


def _refuse_self_selected(table: pd.DataFrame, platform: str, names: Sequence[str]) -> None:
    rows = table[(table["platform"].astype(str) == platform)
                 & table["series"].astype(str).isin(names)]
    selected = sorted(set(rows.loc[rows["design"].astype(str) == "self_selected", "series"]
                          .astype(str)))
    if selected:
        raise ValueError(
            f"{', '.join(selected)}: self-selected respondents describe no population, so "
            "they are never put in a sector comparison with intervals; use context_chart"
        )


def _compared_span(table: pd.DataFrame, platform: str, nonprofit: str,
                   businesses: Sequence[str]) -> tuple[int, int]:
    """The first and last year in which the nonprofit and some business series both have
    a figure (a ValueError from `series_rows` names a series or platform that is missing)."""
    np_years = set(series_rows(table, platform, nonprofit, role="nonprofit"))
    shared = set()
    for business in businesses:
        shared |= np_years & set(series_rows(table, platform, business, role="business"))
    if not shared:
        raise ValueError(
            f"{nonprofit!r} and {', '.join(map(repr, businesses))} have no year in common on "
            f"{platform!r}"
        )
    return min(shared), max(shared)


def _limit_years(table: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    first, last = years
    return table[table["year"].between(first, last)]


def _span_slug(years: Sequence[int]) -> str:
    return year_span(years).replace(EN_DASH, "-")
