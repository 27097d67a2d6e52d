"""Drawing helpers every chart family shares: axes in percent, year ticks, points with
intervals, value labels. Kept here so one change of style reaches every chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter

from adoption.charts.layout import font, with_halo
from adoption.charts.style import BACKGROUND, SIZES, points
from adoption.text.formats import percent


def percent_axis(axes: Axes, lang: str, top: float, bottom: float = 0.0) -> None:
    """A y axis in percent (data in 0-100) from `bottom` to `top`, ticks every 20 or 10."""
    step = 10 if top - bottom <= 50 else 20
    axes.set_ylim(bottom, top)
    axes.yaxis.set_major_locator(FixedLocator(np.arange(bottom, top + 0.1, step)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(value / 100, lang, 0)))


def percent_top(values: Sequence[float], headroom: float = 12.0) -> float:
    """The axis top for percentages: above the highest value plus room for its label,
    rounded up to a multiple of 10, at most 100."""
    finite = [v for v in values if not math.isnan(v)]
    highest = max(finite) if finite else 100.0
    return float(min(100.0, math.ceil((highest + headroom) / 10) * 10))


def year_axis(axes: Axes, years: Sequence[int], pad: float = 0.45) -> None:
    """One tick per year (every other one past 12 years), no thousands separator."""
    first, last = min(years), max(years)
    step = 1 if last - first <= 11 else 2
    axes.set_xlim(first - pad, last + pad)
    axes.xaxis.set_major_locator(FixedLocator(list(range(first, last + 1, step))))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))


def plot_points(axes: Axes, x: Sequence[float], y: Sequence[float], colour: str,
                filled: Sequence[bool], marker: str = "o", size: float | None = None,
                zorder: float = 4) -> None:
    """Markers, solid where the figure has an interval or is exact, hollow where it has none."""
    size = size or SIZES.marker
    for xi, yi, solid in zip(x, y, filled, strict=True):
        axes.plot([xi], [yi], linestyle="none", marker=marker, markersize=points(size * 1.4),
                  markerfacecolor=colour if solid else BACKGROUND, markeredgecolor=colour,
                  markeredgewidth=2.2, zorder=zorder)


def interval_bars(axes: Axes, x: Sequence[float], low: Sequence[float],
                  high: Sequence[float], colour: str, zorder: float = 3) -> None:
    """Vertical interval bars with small caps; figures without an interval are skipped."""
    for xi, lo, hi in zip(x, low, high, strict=True):
        if math.isnan(lo) or math.isnan(hi) or hi - lo <= 0:
            continue
        axes.plot([xi, xi], [lo, hi], color=colour, linewidth=SIZES.interval_width,
                  alpha=0.55, solid_capstyle="butt", zorder=zorder)
        for end in (lo, hi):
            axes.plot([xi - 0.06, xi + 0.06], [end, end], color=colour,
                      linewidth=SIZES.interval_width * 0.8, alpha=0.55, zorder=zorder)


def value_label(axes: Axes, x: float, y: float, text: str, colour: str, where: str,
                offset_px: float = 8, align: str = "center") -> None:
    """A number written next to a point, in the series' colour: `where` is "above",
    "below" or "left" (for a point too close to the axis to have room below). `align`
    ("center", "left", "right") keeps a long label at the plot's edge inside the plot."""
    offsets = {"above": (0, offset_px), "below": (0, -offset_px), "left": (-offset_px - 6, 0)}
    dx, dy = offsets[where]
    with_halo(
        axes.annotate, text, xy=(x, y), xytext=(points(dx), points(dy)),
        textcoords="offset points", ha="right" if where == "left" else align,
        va={"above": "bottom", "below": "top", "left": "center"}[where],
        color=colour, fontproperties=font(SIZES.value, bold=True), annotation_clip=False,
        parse_math=False, zorder=6,
    )


def region_label(axes: Axes, text: str, colour: str, top: bool) -> None:
    """A label in a corner of the plot naming what that side of the zero line means."""
    axes.text(0.01, 0.97 if top else 0.03, text, transform=axes.transAxes, ha="left",
              va="top" if top else "bottom", color=colour,
              fontproperties=font(SIZES.value, bold=True), parse_math=False, zorder=6)


def nan_to_none(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def dodge(position: int, count: int, years: Sequence[float]) -> float:
    """A small shift along the year axis for the `position`-th of `count` series, so that
    points of equal value in one year sit side by side instead of one hiding the other
    (about 8 px on the card, whatever the span of years)."""
    span = max(max(years) - min(years), 1) if len(years) else 1
    return (position - (count - 1) / 2) * 0.012 * span
