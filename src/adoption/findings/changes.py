"""From one wave to the next: `change` claims and the direction words of a table.

One claim per row of `adoption.stats.year_over_year`. "Rose" and "fell" only when
the interval of the change excludes zero (for two rounded censuses, when their
rounding intervals do not overlap); "no clear change" otherwise; "method changed"
when the two waves were not measured the same way; "cannot be tested" when a wave
has no interval.
"""

from __future__ import annotations

import math

import pandas as pd

from adoption.findings.claims import Claim, excludes
from adoption.text import Message, Series, message


def change_claims(changes: pd.DataFrame, mixed: set[str] = frozenset(),
                  confidence: float = 0.95) -> list[Claim]:
    """One `change` claim per row of a `year_over_year` table. `mixed` names the series
    that hold several sectors (a survey of both), which are named with their sector."""
    return [_change_claim(row, mixed, confidence) for _, row in changes.iterrows()]


def direction_word(direction: str) -> Message:
    """The table's verdict cell: rose, fell, no clear change, method changed, cannot tell."""
    return message(f"direction.{direction}")


def _change_claim(row: pd.Series, mixed: set[str], confidence: float) -> Claim:
    series = str(row["series"])
    low, high = (float(row[key]) / 100 for key in ("change_points_low", "change_points_high"))
    direction = str(row["direction"])
    supported = None if direction in ("method_changed", "unknown") else excludes(0.0, low, high)
    ref = Series(series, "noun", str(row["sector"]) if series in mixed else None)
    values = {"series": ref, "platform": str(row["platform"]),
              "before": int(row["year_from"]), "after": int(row["year_to"]),
              "before_share": float(row["share_from"]),
              "after_share": float(row["share_to"]), "change": float(row["change_points"]),
              "design_before": str(row["design_from"]), "design_after": str(row["design_to"]),
              "interval": _interval(low, high, confidence)}
    why = {"method_changed": message("why.method_changed"),
           "unknown": message("why.no_interval"),
           "no_clear_change": message("why.interval_includes_zero")}.get(direction)
    return Claim(
        kind="change", platform=str(row["platform"]), series=(series,),
        years=(int(row["year_from"]), int(row["year_to"])),
        estimate=float(row["change_points"]) / 100,
        low=None if math.isnan(low) else low, high=None if math.isnan(high) else high,
        supported=supported, text=message(f"change.{direction}", **values), why=why,
        group=str(row["sector"]) if series in mixed else None,
    )


def _interval(low: float, high: float, confidence: float) -> Message | str:
    if math.isnan(low):
        return ""
    if low == high:
        return message("change.exact")
    return message("change.interval", low=100 * low, high=100 * high, level=confidence)
