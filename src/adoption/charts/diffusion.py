"""Who reached 50% first: fitted logistic adoption curves and the year each crosses 50%.

The fits, the 50% years and their bootstrap intervals are `adoption.stats`'
(`diffusion_table`); this module only draws them. A curve is drawn solid over
the years it was fitted on and dashed where it runs beyond them, so a reader
sees which part is extrapolation. A series the statistics refuse to fit is shown
as points only, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy.special import expit

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import percent_axis, plot_points, year_axis
from adoption.charts.i18n import (
    EN_DASH,
    confidence_level,
    platform_in_sentence,
    platform_noun,
    semicolon,
    words,
    year_span,
)
from adoption.charts.layout import EndLabel
from adoption.charts.metadata import SeriesInfo, load_series_metadata, series_info
from adoption.charts.style import MARKERS, SIZES, points, sector_colour
from adoption.stats.compare import estimate_share, series_rows
from adoption.stats.diffusion import diffusion_table

DIFFUSION_CHART_COLUMNS = [
    "kind", "series", "label", "sector", "platform", "year", "share_percent", "year_low",
    "year_high", "growth_rate", "used_in_fit", "n", "design", "certainty", "publisher",
    "study", "source_url", "reason", "synthetic",
]
CURVE_STEP = 0.25  # years between the fitted curve's plotted points


def diffusion_chart(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str | Sequence[str],
    *,
    lang: str = "en",
    confidence: float = 0.95,
    n_boot: int = 1000,
    rng: int = 0,
    name: str | None = None,
    catalog: Mapping[str, SeriesInfo] | None = None,
    fits: pd.DataFrame | None = None,
) -> Chart:
    """Observed shares, fitted logistic curves and each series' 50% year with its
    bootstrap interval (`adoption.stats.diffusion.diffusion_table`). The title says
    who reached 50% first, and whether the intervals allow saying so.

    `n_boot` and `rng` go to the bootstrap; the default seed makes rebuilds identical.
    `fits`: the `diffusion_table` already computed for these series (at this
    confidence and in this language), so a notebook that also shows the table
    bootstraps once.
    """
    catalog = load_series_metadata() if catalog is None else catalog
    names = [nonprofit, *([business] if isinstance(business, str) else business)]
    if fits is None:
        fits = diffusion_table(table, platform, names, confidence=confidence,
                               n_boot=n_boot, rng=rng, lang=lang)
    else:
        fits = _fits_for(fits, names)
    series = [_Series(table, platform, fit, confidence, catalog, lang)
              for _, fit in fits.iterrows()]
    data = pd.concat([s.data for s in series], ignore_index=True)
    infos = [s.info for s in series]
    observed_years = sorted({int(y) for s in series for y in s.observed["year"]})
    level = confidence_level(confidence, lang)
    title = _title(series[0], series[1], platform, lang)
    return make_chart(
        name=name or "-".join([platform, "diffusion", infos[0].slug, "vs",
                               *(i.slug for i in infos[1:]),
                               year_span(observed_years).replace(EN_DASH, "-")]),
        lang=lang,
        kind="diffusion",
        title=title,
        subtitle=words("diffusion_subtitle", lang, platform=platform_noun(platform, lang),
                       level=level) + f", {year_span(observed_years)}.",
        alt_text=f"{title}. {_midpoints_sentence(series, level, lang)}",
        notes=_notes(series, lang),
        rows=pd.concat([s.rows for s in series], ignore_index=True),
        data=data[DIFFUSION_CHART_COLUMNS],
        draw=lambda axes: _draw(axes, series, lang),
        catalog=catalog,
    )


class _Series:
    """One series: its observed figures, its fit (or refusal), and the rows behind them."""

    def __init__(self, table: pd.DataFrame, platform: str, fit: pd.Series, confidence: float,
                 catalog: Mapping[str, SeriesInfo], lang: str):
        self.fit = fit
        self.name = str(fit["series"])
        self.info = series_info(self.name, catalog)
        self.sector = str(fit["sector"])
        self.colour = sector_colour(self.sector)
        by_year = series_rows(table, platform, self.name)
        self.rows = pd.DataFrame([row for _, row in sorted(by_year.items())])
        self.observed = self._observed(confidence, lang)
        self.curve = self._curve(lang)
        self.data = pd.concat([self.observed, self.curve, self._midpoint(lang)],
                              ignore_index=True)

    @property
    def estimable(self) -> bool:
        return bool(self.fit["estimable"])

    def rounded(self, key: str) -> int:
        return round(float(self.fit[key]))

    def _base(self, kind: str, lang: str) -> dict:
        return {"kind": kind, "series": self.name, "label": self.info.label[lang],
                "sector": self.sector, "platform": str(self.fit["platform"]),
                "synthetic": bool(self.rows["synthetic"].astype(bool).any())}

    def _observed(self, confidence: float, lang: str) -> pd.DataFrame:
        records = []
        for _, row in self.rows.iterrows():
            estimate = estimate_share(row, confidence)
            in_fit = not math.isnan(estimate.n) or (
                estimate.design == "census" and not pd.isna(row["population_size"]))
            records.append({
                **self._base("observed", lang), "year": estimate.year,
                "share_percent": 100 * estimate.share, "used_in_fit": in_fit,
                "n": row["n"], "design": estimate.design, "certainty": row["certainty"],
                "publisher": row["publisher"], "study": row["study"],
                "source_url": row["source_url"],
            })
        return pd.DataFrame.from_records(records, columns=DIFFUSION_CHART_COLUMNS)

    def _curve(self, lang: str) -> pd.DataFrame:
        if not self.estimable:
            return pd.DataFrame(columns=DIFFUSION_CHART_COLUMNS)
        first = min(int(self.observed["year"].min()), math.floor(self.fit["midpoint_low"]))
        last = max(int(self.observed["year"].max()), math.ceil(self.fit["midpoint_high"]))
        years = np.arange(first, last + CURVE_STEP / 2, CURVE_STEP)
        shares = expit(self.fit["growth_rate"] * (years - self.fit["midpoint_year"]))
        return pd.DataFrame.from_records(
            [{**self._base("fitted", lang), "year": float(y), "share_percent": 100 * float(p),
              "growth_rate": float(self.fit["growth_rate"])} for y, p in zip(years, shares,
                                                                             strict=True)],
            columns=DIFFUSION_CHART_COLUMNS,
        )

    def _midpoint(self, lang: str) -> pd.DataFrame:
        record = {**self._base("midpoint_50", lang), "share_percent": 50.0,
                  "year": self.fit["midpoint_year"], "year_low": self.fit["midpoint_low"],
                  "year_high": self.fit["midpoint_high"],
                  "growth_rate": self.fit["growth_rate"],
                  "reason": None if self.estimable else _reason(self.fit, lang)}
        return pd.DataFrame.from_records([record], columns=DIFFUSION_CHART_COLUMNS)


def _fits_for(fits: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The given fits, in the order of `names`; an error naming any series they lack."""
    missing = [name for name in names if name not in set(fits["series"])]
    if missing:
        raise ValueError(f"fits has no row for series {', '.join(missing)}: pass the "
                         "diffusion_table of every series drawn")
    order = {name: position for position, name in enumerate(names)}
    chosen = fits[fits["series"].isin(names)]
    return chosen.sort_values("series", key=lambda s: s.map(order), kind="stable")


def _reason(fit: pd.Series, lang: str) -> str:
    """Why there is no curve, already in the chart's language (`diffusion_table(lang=)`)."""
    return str(fit["reason"])


def _draw(axes: Axes, series: list[_Series], lang: str) -> list[EndLabel]:
    axes.axhline(50, color="#8C8C8C", linewidth=1.2, linestyle=(0, (2, 3)), zorder=1)
    for index, item in enumerate(series):
        observed = item.observed
        fitted_years = observed.loc[observed["used_in_fit"], "year"]
        if item.estimable:
            _draw_curve(axes, item, fitted_years)
            _draw_midpoint(axes, item, offset=index)
        plot_points(axes, observed["year"], observed["share_percent"], item.colour,
                    observed["used_in_fit"].tolist(), MARKERS[0])
    all_years = [int(y) for s in series for y in s.data["year"].dropna()]
    all_years += [math.ceil(y) for s in series for y in s.data["year_high"].dropna()]
    year_axis(axes, sorted(set(all_years)))
    percent_axis(axes, lang, 100)
    # A fitted curve that stops well before the right edge is labelled where it stops, in
    # the empty space above it; points without a curve get the label column and a leader.
    return [_end_label(item, lang, inline=item.estimable and _last_x(item) < max(all_years) - 3)
            for item in series]


def _last_x(item: _Series) -> float:
    return float((item.curve if item.estimable else item.observed)["year"].max())


def _draw_curve(axes: Axes, item: _Series, fitted_years: pd.Series) -> None:
    """Solid over the fitted years, dashed beyond them (extrapolation)."""
    curve = item.curve
    inside = curve["year"].between(fitted_years.min(), fitted_years.max())
    for mask, style in ((curve["year"] <= fitted_years.min(), "--"), (inside, "-"),
                        (curve["year"] >= fitted_years.max(), "--")):
        part = curve[mask]
        if len(part) > 1:
            axes.plot(part["year"], part["share_percent"], color=item.colour, linestyle=style,
                      linewidth=SIZES.line_width if style == "-" else SIZES.line_width * 0.7,
                      zorder=2)


def _draw_midpoint(axes: Axes, item: _Series, offset: int) -> None:
    """The 50% year as a diamond on the 50% line, its interval as a bar along the line."""
    y = 50 - 3.5 * offset  # a second series' bar sits just under the first, not on top of it
    axes.plot([item.fit["midpoint_low"], item.fit["midpoint_high"]], [y, y], color=item.colour,
              linewidth=SIZES.interval_width * 2.2, alpha=0.45, solid_capstyle="butt",
              zorder=3)
    axes.plot([item.fit["midpoint_year"]], [50], marker="D", markersize=points(14),
              markerfacecolor=item.colour, markeredgecolor="white", markeredgewidth=1.5,
              linestyle="none", zorder=5)


def _end_label(item: _Series, lang: str, inline: bool) -> EndLabel:
    if item.estimable:
        detail = words("fifty_year", lang, year=item.rounded("midpoint_year"),
                       low=item.rounded("midpoint_low"), high=item.rounded("midpoint_high"))
        last = item.curve.iloc[-1]
    else:
        detail = words("not_estimable", lang)
        crossing = observed_crossing(item.observed)
        if crossing is not None and crossing[0] is not None:
            detail = words("crossed_between", lang, before=crossing[0], after=crossing[1])
        last = item.observed.iloc[-1]
    return EndLabel(item.info.short_label[lang], float(last["year"]),
                    float(last["share_percent"]), item.colour, detail, inline=inline,
                    anchor="above" if inline else "name")


def _title(first: _Series, second: _Series, platform: str, lang: str) -> str:
    """Who reached 50% first, said only as firmly as the intervals allow."""
    on = platform_in_sentence(platform, lang)
    a, b = first.info.noun[lang], second.info.noun[lang]
    if first.estimable and second.estimable:
        early, late = sorted((first, second), key=lambda s: s.fit["midpoint_year"])
        ya, yb = early.rounded("midpoint_year"), late.rounded("midpoint_year")
        if early.fit["midpoint_high"] < late.fit["midpoint_low"]:
            gap = yb - ya
            if lang == "en":
                return _cap(f"{early.info.noun[lang]} reached 50% adoption of {on} around {ya}, "
                            f"about {gap} years before {late.info.noun[lang]} (around {yb})")
            return _cap(f"{early.info.noun[lang]} ont atteint 50\u202f% d’adoption pour {on} "
                        f"vers {ya}, environ {gap} ans avant {late.info.noun[lang]} "
                        f"(vers {yb})")
        if lang == "en":
            return _cap(f"{a} and {b} reached 50% adoption of {on} around "
                        f"{first.rounded('midpoint_year')} and {second.rounded('midpoint_year')}"
                        f"; the intervals overlap, so neither was clearly faster")
        return _cap(f"{a} et {b} ont atteint 50\u202f% d’adoption pour {on} vers "
                    f"{first.rounded('midpoint_year')} et {second.rounded('midpoint_year')}"
                    f"{semicolon(lang)}les intervalles se chevauchent, aucun n’a été nettement "
                    "plus rapide")
    if first.estimable or second.estimable:
        done, undone = (first, second) if first.estimable else (second, first)
        year = done.rounded("midpoint_year")
        if lang == "en":
            return _cap(f"{done.info.noun[lang]} reached 50% adoption of {on} around {year}; "
                        f"{_unfitted(undone, lang)}")
        return _cap(f"{done.info.noun[lang]} ont atteint 50\u202f% d’adoption pour {on} vers "
                    f"{year}{semicolon(lang)}{_unfitted(undone, lang)}")
    if lang == "en":
        return f"The year of 50% adoption of {on} cannot be estimated for {a} or {b}"
    return (f"L’année des 50\u202f% d’adoption pour {on} ne peut être estimée ni pour {a} "
            f"ni pour {b}")


def _unfitted(item: _Series, lang: str) -> str:
    """What the figures of a series without a fitted curve say about 50%: when they were
    observed to pass it, if they did, else that the year cannot be estimated."""
    crossing = observed_crossing(item.observed)
    noun = item.info.noun[lang]
    if crossing is None:
        if lang == "en":
            return f"for {noun} the 50% year cannot be estimated"
        return f"pour {noun}, l’année des 50\u202f% ne peut être estimée"
    before, after = crossing
    if before is None:
        if lang == "en":
            return f"{noun} were already above 50% in {after}, the first year measured"
        return f"{noun} dépassaient déjà 50\u202f% en {after}, première année mesurée"
    if lang == "en":
        return f"{noun} passed 50% between {before} and {after}"
    return f"{noun} ont dépassé 50\u202f% entre {before} et {after}"


def observed_crossing(observed: pd.DataFrame) -> tuple[int | None, int] | None:
    """The years between which the published shares first reach 50%: (last year below,
    first year at or above); (None, first year) if already there; None if never."""
    points = observed.sort_values("year")
    previous = None
    for year, share in zip(points["year"].astype(int), points["share_percent"], strict=True):
        if share >= 50:
            return previous, year
        previous = year
    return None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _midpoints_sentence(series: list[_Series], level: str, lang: str) -> str:
    parts = []
    for item in series:
        if not item.estimable:
            continue
        span = f"{item.rounded('midpoint_low')}{EN_DASH}{item.rounded('midpoint_high')}"
        year, noun = item.rounded("midpoint_year"), item.info.noun[lang]
        if lang == "en":
            parts.append(f"around {year} for {noun} ({level} interval {span})")
        else:
            parts.append(f"vers {year} pour {noun} (intervalle à {level}\u202f: {span})")
    if not parts:
        return ""
    if lang == "en":
        return f"The fitted curves cross 50% {' and '.join(parts)}."
    return f"Les courbes ajustées franchissent 50\u202f% {' et '.join(parts)}."


def _notes(series: list[_Series], lang: str) -> list[str]:
    notes = [words("diffusion_note", lang)]
    if any(not item.observed["used_in_fit"].all() for item in series):
        notes.append(words("left_out_note", lang))
    for item in series:
        if not item.estimable:
            notes.append(words("not_estimable_note", lang, who=item.info.short_label[lang],
                               reason=_reason(item.fit, lang)))
    return notes

