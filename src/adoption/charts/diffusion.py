"""Who got there first: each series' figures and the years between which it passed 50%.

The finding is read from the figures themselves (`adoption.findings.crossings`): a
series passed 50% between the last wave at or below it and the next wave above
it. The chart draws each series' published figures (with their intervals), the
50% line, and for each series that passed it a bracket on the 50% line spanning
the two waves. No curve is drawn over years without data: a series already above
50% when first measured, or never above it, is labelled as such.

Each series keeps its sector's colour and gets its own line style and marker, so
two business series stay apart without colour; labels sit in the label column or
above the 50% line, never on a point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import dodge, interval_bars, percent_axis, plot_points, year_axis
from adoption.charts.layout import EndLabel
from adoption.charts.style import LINE_STYLES, MARKERS, SIZES, points, sector_colour
from adoption.findings.crossings import reaching_claim, reaching_title
from adoption.metadata import label_of, series_names
from adoption.stats.compare import estimate_share, series_rows
from adoption.stats.reaching import PASSED, Crossing, crossing
from adoption.table import in_language
from adoption.text import Message, Names, Series, message, say
from adoption.text.formats import EN_DASH, year_span

DIFFUSION_CHART_COLUMNS = [
    "kind", "series", "label", "sector", "platform", "year", "share_percent", "low_percent",
    "high_percent", "passed_after", "passed_before", "status", "n", "design", "certainty",
    "publisher", "study", "source_url", "synthetic",
]
SHARE = 0.5


def diffusion_chart(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str | Sequence[str],
    *,
    lang: str = "en",
    confidence: float = 0.95,
    share: float = SHARE,
    name: str | None = None,
    names: Names | None = None,
) -> Chart:
    """Each series' share using `platform` over every year it covers, and when it passed
    `share` (50%), from its own figures. The title says, series by series, what the
    figures show: passed between two years (clearly or not), already above when first
    measured, or never above."""
    names = series_names(table) if names is None else names
    table = in_language(table, lang)
    businesses = [business] if isinstance(business, str) else list(business)
    series = [_Series(table, platform, name, _side_sector(table, name, role), confidence,
                      share, names, lang)
              for name, role in [(nonprofit, "nonprofit"), *[(b, "business") for b in businesses]]]
    claims = [reaching_claim(item.crossing, item.ref("noun")) for item in series]
    years = sorted({int(y) for item in series for y in item.data["year"]})
    slugs = list(dict.fromkeys(names[item.name].slug for item in series))  # type: ignore
    return make_chart(
        name=name or "-".join([platform, "diffusion", slugs[0], "vs", *slugs[1:],
                               year_span(years).replace(EN_DASH, "-")]),
        lang=lang,
        kind="diffusion",
        title=reaching_title([item.crossing for item in series],
                             [item.ref("short_noun") for item in series], platform),
        subtitle=message("chart.reach.subtitle", platform=platform, share=share,
                         years=years, level=confidence),
        alt_text=[claim.text for claim in claims],
        notes=_notes(series, confidence),
        claims=claims,
        rows=pd.concat([item.rows for item in series], ignore_index=True),
        data=pd.concat([item.data for item in series], ignore_index=True)[
            DIFFUSION_CHART_COLUMNS],
        draw=lambda axes: _draw(axes, series, years, share, lang),
        names=names,
    )


def _side_sector(table: pd.DataFrame, name: str, role: str) -> str | None:
    """`role`'s sector when `name` holds both sectors (one survey file), else None."""
    sectors = set(table.loc[table["series"].astype(str) == name, "sector"].astype(str))
    return role if len(sectors) > 1 else None


class _Series:
    """One series: its figures with their intervals, and how it stood against the share."""

    def __init__(self, table: pd.DataFrame, platform: str, name: str, sector: str | None,
                 confidence: float, share: float, names: Names, lang: str):
        self.name = name
        self.side = sector  # one sector of a series that holds both (a survey), or None
        by_year = series_rows(table, platform, name, sector=sector)
        self.rows = pd.DataFrame([row for _, row in sorted(by_year.items())])
        self.sector = str(self.rows["sector"].iloc[0])
        self.colour = sector_colour(self.sector)
        self.label = label_of(names, name, "short_label", lang, sector)  # type: ignore
        self.crossing: Crossing = crossing(table, platform, name, sector=sector, share=share,
                                           confidence=confidence)
        self.data = self._data(confidence,
                               label_of(names, name, "label", lang, sector))  # type: ignore
        self.linestyle, self.marker = LINE_STYLES[0], MARKERS[0]

    def ref(self, form: str) -> Series:
        """How the words name this series (its sector's side, for a survey of both)."""
        return Series(self.name, form, self.side)

    def _data(self, confidence: float, label: str) -> pd.DataFrame:
        passed = self.crossing.status == PASSED
        records = []
        for _, row in self.rows.iterrows():
            estimate = estimate_share(row, confidence)
            records.append({
                "kind": "observed", "series": self.name, "label": label, "sector": self.sector,
                "platform": str(row["platform"]), "year": estimate.year,
                "share_percent": 100 * estimate.share, "low_percent": 100 * estimate.low,
                "high_percent": 100 * estimate.high,
                "passed_after": self.crossing.before.year if passed else None,  # type: ignore
                "passed_before": self.crossing.after.year if passed else None,  # type: ignore
                "status": self.crossing.status, "n": row["n"], "design": estimate.design,
                "certainty": row["certainty"], "publisher": row["publisher"],
                "study": row["study"], "source_url": row["source_url"],
                "synthetic": bool(row["synthetic"]),
            })
        return pd.DataFrame.from_records(records, columns=DIFFUSION_CHART_COLUMNS)

    def filled(self) -> list[bool]:
        return [not math.isnan(low) for low in self.data["low_percent"]]


def _draw(axes: Axes, series: list[_Series], years: list[int], share: float,
          lang: str) -> list[EndLabel]:
    axes.axhline(100 * share, color="#8C8C8C", linewidth=1.2, linestyle=(0, (2, 3)), zorder=1)
    counters: dict[str, int] = {}
    for position, item in enumerate(series):  # one sector's series: own line and marker
        index = counters.get(item.sector, 0)
        counters[item.sector] = index + 1
        item.linestyle = LINE_STYLES[index % len(LINE_STYLES)]
        item.marker = MARKERS[index % len(MARKERS)]
        data = item.data
        x = data["year"] + dodge(position, len(series), years)
        axes.plot(x, data["share_percent"], color=item.colour,
                  linestyle=item.linestyle, linewidth=SIZES.line_width, zorder=2)
        interval_bars(axes, x, data["low_percent"], data["high_percent"], item.colour)
        plot_points(axes, x, data["share_percent"], item.colour, item.filled(), item.marker)
    passed = [item for item in series if item.crossing.status == PASSED]
    for offset, item in enumerate(passed):
        _bracket(axes, item, share, offset)
    year_axis(axes, years)
    percent_axis(axes, lang, 100)
    shared = max(counters.values()) > 1  # two series share a colour: label them by shape
    return [_end_label(item, lang, shared) for item in series]


def _bracket(axes: Axes, item: _Series, share: float, offset: int) -> None:
    """The years between which the series passed the share: a bar along the share line,
    just under it (each series a little lower), from the last wave below to the first
    above, with a tick at the interpolated year."""
    before, after = item.crossing.before.year, item.crossing.after.year  # type: ignore
    y = 100 * share - 3.0 - 3.2 * offset
    axes.plot([before, after], [y, y], color=item.colour, linewidth=SIZES.interval_width * 2.2,
              alpha=0.6, solid_capstyle="butt", zorder=3, linestyle=item.linestyle)
    axes.plot([item.crossing.year], [y], marker="|", markersize=points(16),
              markeredgewidth=2.5, color=item.colour, linestyle="none", zorder=5)


def _end_label(item: _Series, lang: str, keyed: bool = False) -> EndLabel:
    last = item.data.iloc[-1]
    detail = say(f"chart.reach.label.{_status_key(item.crossing)}", lang,
                 share=item.crossing.share,
                 before=item.crossing.before.year if item.crossing.before else 0,
                 after=item.crossing.after.year if item.crossing.after else 0,
                 first=item.crossing.first.year, last=item.crossing.last.year)
    return EndLabel(item.label, float(last["year"]), float(last["share_percent"]),
                    item.colour, detail, key=(item.linestyle, item.marker) if keyed else None)


def _status_key(found: Crossing) -> str:
    if found.status != PASSED:
        return found.status
    return "passed" if found.supported else "passed_unclear" if found.supported is False \
        else "passed_untestable"


def _notes(series: list[_Series], confidence: float) -> list[Message]:
    notes = [message("chart.reach.note_bracket", share=series[0].crossing.share)]
    if any(item.data["high_percent"].gt(item.data["low_percent"]).any() for item in series):
        notes.append(message("chart.notes.intervals", level=confidence))
    hollow = [message("chart.notes.series_years", series=Series(item.name, "short_label"),
                      years=[int(y) for y, f in zip(item.data["year"], item.filled(),
                                                    strict=True) if not f])
              for item in series if not all(item.filled())]
    if hollow:
        notes.append(message("chart.notes.hollow", where=hollow))
    return notes
