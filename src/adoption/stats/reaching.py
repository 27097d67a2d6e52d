"""When did a series pass a share (50%)? Read from its own figures, not from a model.

"Who got there first" is answered here without extrapolating: a series passed a
share between two waves when one figure is at or below it and the next above it.
The year is interpolated linearly between the two waves; that it lies between
them is all the data say. The passage is **supported** when the earlier figure's
interval lies wholly below the share and the later one's wholly above (the
data cannot have been on the other side by sampling error or rounding); not
supported when either interval includes the share; not testable when a figure
has no interval (its n was not published, or its method is unknown).

A series already above the share at its first figure passed it before the data
begin: when is not known. A series never above it has not reached it, however
close it came. (A logistic curve can say more, at the price of a model, which
`adoption.stats.logistic` fits with its ceiling checked.)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from adoption.stats._checks import check_confidence, check_share
from adoption.stats.compare import ShareEstimate, estimate_share, series_and_sectors, series_rows

PASSED, ABOVE_FROM_START, NOT_REACHED = "passed", "above_from_start", "not_reached"


@dataclass(frozen=True)
class Crossing:
    """How one series stood against `share`: `status` is `passed` (between the waves
    `before` and `after`, around `year`), `above_from_start` (its first figure was
    already above) or `not_reached` (no figure above it; `last` is the latest,
    `highest` the highest)."""

    series: str
    sector: str
    platform: str
    share: float
    status: str
    first: ShareEstimate
    last: ShareEstimate
    highest: ShareEstimate
    before: ShareEstimate | None = None
    after: ShareEstimate | None = None

    @property
    def year(self) -> float:
        """The year of passing, interpolated between the two waves; NaN unless passed."""
        if self.before is None or self.after is None:
            return math.nan
        rise = self.after.share - self.before.share
        fraction = (self.share - self.before.share) / rise
        return self.before.year + fraction * (self.after.year - self.before.year)

    @property
    def supported(self) -> bool | None:
        """True when both waves are clearly on their side of the share, False when an
        interval includes it, None when a wave has no interval (or it was not passed)."""
        if self.before is None or self.after is None:
            return None
        if not (self.before.has_interval and self.after.has_interval):
            return None
        return bool(self.before.high < self.share < self.after.low)


def crossing(table: pd.DataFrame, platform: str, series: str, sector: str | None = None,
             share: float = 0.5, confidence: float = 0.95) -> Crossing:
    """How `series` (one `sector` of it, for a survey of both) stood against `share`."""
    share = float(check_share(share, "share"))
    confidence = check_confidence(confidence)
    rows = series_rows(table, platform, series, sector=sector)
    waves = [estimate_share(rows[year], confidence) for year in sorted(rows)]
    named = {"series": series, "sector": sector or str(rows[min(rows)]["sector"]),
             "platform": platform, "share": share, "first": waves[0], "last": waves[-1],
             "highest": max(waves, key=lambda wave: wave.share)}
    if waves[0].share > share:
        return Crossing(status=ABOVE_FROM_START, **named)
    for before, after in itertools.pairwise(waves):
        if before.share <= share < after.share:
            return Crossing(status=PASSED, before=before, after=after, **named)
    return Crossing(status=NOT_REACHED, **named)


def crossings(table: pd.DataFrame, platform: str, series: list[str] | None = None,
              share: float = 0.5, confidence: float = 0.95) -> list[Crossing]:
    """`crossing` for every (series, sector) on `platform`, or the named series."""
    return [crossing(table, platform, name, sector, share, confidence)
            for name, sector in series_and_sectors(table, platform, series)]
