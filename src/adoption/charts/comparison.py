"""Nonprofits against businesses on one platform: adoption curves and the gap per year.

Both charts read everything from the statistics and the findings layer: each
figure's share and interval from `estimate_share` (Wilson with the
finite-population correction; a census's rounding interval; none where a sample
size was not published or a method is unknown), the gap and who led from
`compare_sectors`, and every word from the lead claims (`adoption.findings.leads`),
each business series with its own verdict. Nothing here computes an interval or
composes a verdict.

Self-selected practitioner surveys are refused: the codebook says they are never
put in a sector comparison with an interval (use `context_chart`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import (
    dodge,
    interval_bars,
    percent_axis,
    percent_top,
    plot_points,
    value_label,
    year_axis,
)
from adoption.charts.layout import EndLabel
from adoption.charts.style import (
    LINE_STYLES,
    MARKERS,
    SIZES,
    UNCLEAR_COLOUR,
    ZERO_LINE_COLOUR,
    sector_colour,
)
from adoption.findings.claims import Claim
from adoption.findings.leads import lead_claims, lead_title, lead_verdict
from adoption.metadata import label_of, series_names
from adoption.stats.compare import compare_sectors, estimate_share, series_rows
from adoption.table import in_language
from adoption.text import Message, Names, Series, message, say
from adoption.text.formats import EN_DASH, percent, points, year_span

CURVE_COLUMNS = [
    "series", "label", "sector", "platform", "year", "share_percent", "low_percent",
    "high_percent", "interval", "n", "population_size", "design", "certainty", "publisher",
    "study", "source_url", "synthetic",
]
GAP_COLUMNS = [
    "year", "nonprofit_series", "business_series", "nonprofit_label", "business_label",
    "nonprofit_share_percent",
    "business_share_percent", "gap_points", "gap_low_points", "gap_high_points", "leader",
    "robust_to_nonresponse", "p_value", "p_adjusted", "test", "nonprofit_n", "business_n",
    "nonprofit_design",
    "business_design", "caveat", "nonprofit_study", "business_study", "nonprofit_source_url",
    "business_source_url", "synthetic",
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
    names: Names | None = None,
) -> Chart:
    """Share using `platform` over the years: one nonprofit series against one or several
    business series, with interval bars, "census" on census series, hollow points where
    no interval can be drawn, and labels at the line ends.

    `years` (first, last) limits the years shown; by default, the years the nonprofit
    series and a business series both cover. The title states the verdict of the
    lead claims for each business series. Returns a `Chart`; save it with `save_chart`.
    """
    names = series_names(table) if names is None else names
    table = in_language(table, lang)
    businesses = [business] if isinstance(business, str) else list(business)
    _refuse_self_selected(table, platform, [nonprofit, *businesses])
    shown = _limit_years(table, years or _compared_span(table, platform, nonprofit, businesses))
    ahead = _Side.of(shown, platform, nonprofit, "nonprofit", businesses)
    claims, verdicts = [], []
    for business_name in businesses:
        other = _Side.of(shown, platform, business_name, "business", [nonprofit])
        comparison = compare_sectors(shown, platform, nonprofit, business_name, confidence)
        found = lead_claims(comparison, platform, ahead.noun, other.noun, confidence)
        claims += found
        verdicts.append(lead_verdict(found, ahead.short, other.short, platform))
    curves = [_curve(shown, platform, nonprofit, "nonprofit", confidence, names, lang)]
    curves += [_curve(shown, platform, b, "business", confidence, names, lang)
               for b in businesses]
    data = pd.concat([c.data for c in curves], ignore_index=True)
    all_years = sorted(set(data["year"]))
    slugs = [names[s].slug for s in (nonprofit, *businesses)]  # type: ignore[union-attr]
    return make_chart(
        name=name or "-".join([platform, slugs[0], "vs", *slugs[1:], _span_slug(all_years)]),
        lang=lang,
        kind="adoption_curves",
        title=lead_title(ahead.short, verdicts, platform),
        subtitle=_curves_subtitle(platform, curves, all_years),
        alt_text=[_latest_values(curves, platform)],
        notes=_curve_notes(curves, confidence),
        claims=claims,
        rows=pd.concat([c.rows for c in curves], ignore_index=True),
        data=data[CURVE_COLUMNS],
        draw=lambda axes: _draw_curves(axes, curves, all_years, lang),
        names=names,
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
    names: Names | None = None,
) -> Chart:
    """The gap per year (nonprofit minus business share, in percentage points) with its
    interval, a zero line, and years whose interval includes zero ("unclear", grey) or
    cannot be drawn (hollow) set apart from clear leads."""
    names = series_names(table) if names is None else names
    table = in_language(table, lang)
    _refuse_self_selected(table, platform, [nonprofit, business])
    shown = _limit_years(table, years or _compared_span(table, platform, nonprofit, [business]))
    ahead = _Side.of(shown, platform, nonprofit, "nonprofit", [business])
    other = _Side.of(shown, platform, business, "business", [nonprofit])
    comparison = compare_sectors(shown, platform, nonprofit, business, confidence, lang=lang,
                                 names=names)
    claims = lead_claims(comparison, platform, ahead.noun, other.noun, confidence)
    verdict = lead_verdict(claims, ahead.short, other.short, platform)
    rows = _comparison_rows(shown, platform, nonprofit, business, comparison)
    compared = [int(year) for year in comparison["year"]]
    slugs = [names[s].slug for s in (nonprofit, business)]  # type: ignore[union-attr]
    np_label = label_of(names, nonprofit, "short_label", lang, ahead.sector)
    b_label = label_of(names, business, "short_label", lang, other.sector)
    return make_chart(
        name=name or f"{platform}-gap-{slugs[0]}-vs-{slugs[1]}-{_span_slug(compared)}",
        lang=lang,
        kind="gap",
        title=lead_title(ahead.short, [verdict], platform),
        subtitle=message("chart.gap.subtitle", nonprofit=ahead.label, business=other.label,
                         platform=platform,
                         years=compared, level=confidence),
        alt_text=[claim.text for claim in claims],
        notes=_gap_notes(claims),
        claims=claims,
        rows=rows,
        data=_gap_data(comparison, rows).assign(nonprofit_label=np_label,
                                                business_label=b_label)[GAP_COLUMNS],
        draw=lambda axes: _draw_gap(axes, comparison, claims, np_label, b_label, lang),
        names=names,
    )


# --- the two sides --------------------------------------------------------------------------


class _Side:
    """How one side's series is named in this chart's words: with its sector when the
    other side is the same series (a survey holding both sectors)."""

    def __init__(self, series: str, sector: str | None):
        self.sector = sector
        self.noun = Series(series, "noun", sector)
        self.short = Series(series, "short_noun", sector)
        self.label = Series(series, "short_label", sector)

    @classmethod
    def of(cls, table: pd.DataFrame, platform: str, series: str, role: str,
           others: Sequence[str]) -> _Side:
        if series not in others:
            return cls(series, None)
        rows = series_rows(table, platform, series, role=role)
        return cls(series, str(next(iter(rows.values()))["sector"]))


# --- the curves -------------------------------------------------------------------------


class _Curve:
    """One series as plotted: its rows, its estimates, how it is drawn."""

    def __init__(self, series: str, sector: str, label: str, rows: pd.DataFrame,
                 data: pd.DataFrame):
        self.series = series
        self.sector = sector
        self.label = label
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
        return [not math.isnan(low) for low in self.data["low_percent"]]


def _curve(table: pd.DataFrame, platform: str, series: str, role: str, confidence: float,
           names: Names, lang: str) -> _Curve:
    by_year = series_rows(table, platform, series, role=role)
    rows = pd.DataFrame([row for _, row in sorted(by_year.items())]).reset_index(drop=True)
    sector = str(rows["sector"].iloc[0])
    label = label_of(names, series, "label", lang, sector)  # type: ignore[arg-type]
    records = [_point(row, estimate_share(row, confidence), label)
               for _, row in rows.iterrows()]
    data = pd.DataFrame.from_records(records, columns=CURVE_COLUMNS)
    short = label_of(names, series, "short_label", lang, sector)  # type: ignore[arg-type]
    return _Curve(series, sector, short, rows, data)


def _point(row: pd.Series, estimate, label: str) -> dict:
    return {
        "series": estimate.series,
        "label": label,
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
        return "exact_census" if estimate.low == estimate.high else "census_rounding"
    if estimate.design == "unknown":
        return "none_method_unknown"
    if estimate.design == "self_selected":
        return "none_self_selected"
    if not estimate.has_interval:
        return "none_sample_size_missing"
    return "wilson" if estimate.fpc_population is None else "wilson_fpc"


def _draw_curves(axes: Axes, curves: list[_Curve], years: list[int], lang: str) -> list[EndLabel]:
    counters: dict[str, int] = {}
    for position, curve in enumerate(curves):  # one sector's series: another line and marker
        index = counters.get(curve.sector, 0)
        counters[curve.sector] = index + 1
        curve.linestyle = LINE_STYLES[index % len(LINE_STYLES)]
        curve.marker = MARKERS[index % len(MARKERS)]
        data = curve.data
        x = data["year"] + dodge(position, len(curves), years)
        axes.plot(x, data["share_percent"], color=curve.colour,
                  linestyle=curve.linestyle, linewidth=SIZES.line_width, zorder=2)
        interval_bars(axes, x, data["low_percent"], data["high_percent"], curve.colour)
        plot_points(axes, x, data["share_percent"], curve.colour, curve.filled(), curve.marker)
    highs = [v for c in curves for v in c.data["high_percent"].tolist()
             + c.data["share_percent"].tolist()]
    top = percent_top(highs)
    crowded = len(curves) > 2  # three lines or more: values at the line ends only
    if not crowded:
        _value_labels(axes, curves, top, lang)
    percent_axis(axes, lang, top)
    year_axis(axes, years)
    shared = max(counters.values()) > 1  # two series share a colour: label them by shape
    return [_end_label(curve, lang, with_value=crowded, keyed=shared) for curve in curves]


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


def _end_label(curve: _Curve, lang: str, with_value: bool = False,
               keyed: bool = False) -> EndLabel:
    last = curve.data.iloc[-1]
    detail = say("chart.census_label", lang) if curve.all_census else ""
    text = curve.label
    if with_value:
        text += f" {percent(float(last['share_percent']) / 100, lang)}"
    return EndLabel(text, float(last["year"]), float(last["share_percent"]), curve.colour,
                    detail, key=(curve.linestyle, curve.marker) if keyed else None)


def _curves_subtitle(platform: str, curves: list[_Curve], years: list[int]) -> Message:
    measured = [message("chart.curves.measured_by", series=Series(c.series, "short_label",
                                                                  c.sector),
                        how=_measured(c.data)) for c in curves]
    return message("chart.curves.subtitle", platform=platform, years=years, measured=measured)


def _measured(data: pd.DataFrame) -> Message:
    """How the figures were obtained: "census of all 500", "survey of 76–78 of 200"."""
    parts = []
    by_design = {design: rows for design, rows in data.groupby("design", sort=False)}
    for design in ("survey", "census", "unknown", "self_selected"):
        if design not in by_design:
            continue
        rows = by_design[design]
        when = [int(y) for y in rows["year"]] if len(by_design) > 1 else []
        parts.append(_measured_design(design, rows, when))
    return message("chart.curves.parts", parts=parts)


def _measured_design(design: str, rows: pd.DataFrame, when: list[int]) -> Message:
    known_n = rows["n"].dropna().astype(int)
    sizes = rows["population_size"].dropna().unique()
    values: dict[str, object] = {"years": when, "count": 2}
    if design == "census":
        key = "census_of" if len(sizes) == 1 else "census"
        values["size"] = int(sizes[0]) if len(sizes) == 1 else 0
    elif design == "survey" and not known_n.empty:
        low, high = int(known_n.min()), int(known_n.max())
        values["n"] = str(low) if low == high else f"{low}{EN_DASH}{high}"
        key = "survey_of" if len(sizes) == 1 else "survey"
        values["size"] = int(sizes[0]) if len(sizes) == 1 else 0
    else:
        key = {"survey": "survey_no_n", "unknown": "unknown",
               "self_selected": "self_selected"}[design]
    return message(f"chart.curves.design.{key}" + ("_in" if when else ""), **values)


def _curve_notes(curves: list[_Curve], confidence: float) -> list[Message]:
    notes = []
    data = pd.concat([c.data for c in curves])
    sampled = data[(data["design"] == "survey") & (data["high_percent"] > data["low_percent"])]
    if not sampled.empty:
        notes.append(message("chart.notes.intervals", level=confidence))
    if (data["interval"] == "census_rounding").any():
        notes.append(message("chart.notes.rounding"))
    hollow = [message("chart.notes.series_years", series=Series(c.series, "short_label",
                                                                c.sector),
                      years=[int(y) for y, f in zip(c.data["year"], c.filled(), strict=True)
                             if not f])
              for c in curves if not all(c.filled())]
    if hollow:
        notes.append(message("chart.notes.hollow", where=hollow))
    return notes


def _latest_values(curves: list[_Curve], platform: str) -> Message:
    """"In 2010, 64% of the largest US charities used a blog, against 23.2% of ..."."""
    common = set.intersection(*(set(c.data["year"]) for c in curves))
    year = max(common) if common else int(curves[0].data["year"].max())
    parts = []
    for curve in curves:
        point = curve.data[curve.data["year"] == year]
        if not point.empty:
            parts.append(message("chart.curves.share_of", share=float(
                point["share_percent"].iloc[0]) / 100, series=Series(curve.series, "noun",
                                                                     curve.sector)))
    return message("chart.curves.latest", year=int(year), platform=platform, first=parts[0],
                   others=parts[1:])


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
        "nonprofit_share_percent": 100 * comparison["nonprofit_share"],
        "business_share_percent": 100 * comparison["business_share"],
        "gap_points": 100 * comparison["difference"],
        "gap_low_points": 100 * comparison["difference_low"],
        "gap_high_points": 100 * comparison["difference_high"],
        "leader": comparison["leader"],
        "robust_to_nonresponse": comparison["robust_to_nonresponse"],
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
        series = str(comparison[f"{side}_series"].iloc[0])
        side_rows = rows[rows["series"].astype(str) == series]
        if comparison["nonprofit_series"].iloc[0] == comparison["business_series"].iloc[0]:
            side_rows = side_rows[side_rows["sector"].astype(str) == side]
        by_year = side_rows.set_index(side_rows["year"].astype(int))
        data[f"{side}_study"] = data["year"].map(by_year["study"]).astype("string")
        data[f"{side}_source_url"] = data["year"].map(by_year["source_url"]).astype("string")
    data["synthetic"] = bool(rows["synthetic"].astype(bool).any())
    return data


def _verdict_colour(claim: Claim) -> str:
    """The leading sector's colour where the lead is supported; grey otherwise."""
    if claim.supported:
        return sector_colour("nonprofit" if claim.estimate > 0 else "business")
    return UNCLEAR_COLOUR


def _draw_gap(axes: Axes, comparison: pd.DataFrame, claims: list[Claim], np_label: str,
              b_label: str, lang: str) -> list[EndLabel]:
    years = comparison["year"].astype(int).tolist()
    gap = (100 * comparison["difference"]).tolist()
    low = (100 * comparison["difference_low"]).tolist()
    high = (100 * comparison["difference_high"]).tolist()
    axes.axhline(0, color=ZERO_LINE_COLOUR, linewidth=1.6, zorder=1)
    axes.plot(years, gap, color="#9A9A9A", linewidth=1.4, zorder=2)
    for year, value, lo, hi, claim in zip(years, gap, low, high, claims, strict=True):
        colour = _verdict_colour(claim)
        marker = "D" if claim.supported is False else "o"
        interval_bars(axes, [year], [lo], [hi], colour)
        plot_points(axes, [year], [value], colour, [claim.supported is not None], marker)
        text = points(value, lang)
        align = "center"
        if claim.supported is False:  # ("untestable" points are hollow; the note says why)
            text += f" ({say('chart.gap.unclear', lang)})"
            # A long label at either end would run off the plot: anchor it inward.
            align = {years[0]: "left", years[-1]: "right"}.get(year, "center")
        top = _finite_or(hi, value)
        value_label(axes, year, top if value >= 0 else _finite_or(lo, value), text, colour,
                    "above" if value >= 0 else "below", align=align)
    extent = [v for v in low + high + gap if not math.isnan(v)]
    _gap_limits(axes, extent)
    year_axis(axes, years)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: points(v, lang)))
    # What each side of zero means, in the label column beside the zero line.
    last = float(years[-1])
    return [
        EndLabel("\u2191 " + say("chart.gap.ahead", lang, who=np_label), last, 0.0,
                 sector_colour("nonprofit"), leader=False, anchor="above"),
        EndLabel("\u2193 " + say("chart.gap.ahead", lang, who=b_label), last, 0.0,
                 sector_colour("business"), leader=False, anchor="below"),
    ]


def _gap_limits(axes: Axes, values: list[float]) -> None:
    """Room on both sides of zero, so each side's label has space and zero is never an edge."""
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = max(top - bottom, 10.0)
    top = max(top + 0.3 * span, 0.25 * span)
    bottom = min(bottom - 0.3 * span, -0.25 * span)
    axes.set_ylim(math.floor(bottom / 10) * 10, math.ceil(top / 10) * 10)


def _gap_notes(claims: list[Claim]) -> list[Message]:
    notes = []
    unclear = [claim.years[0] for claim in claims if claim.supported is False]
    if unclear:
        notes.append(message("chart.gap.unclear_note", years=unclear))
    untestable = [claim for claim in claims if claim.supported is None]
    if untestable:
        notes.append(message("chart.gap.untestable_note",
                             years=[claim.years[0] for claim in untestable],
                             reasons=list(dict.fromkeys(c.why for c in untestable if c.why))))
    return notes


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
