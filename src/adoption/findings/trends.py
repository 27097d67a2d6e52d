"""Did the gap widen or narrow? A `gap_trend` claim and its sentence.

The claim rests on the yearly change of the gap in percentage points (a fraction
a year in the claim) and its interval, from `adoption.stats.gap_trend`. "Widened"
or "narrowed" is said only when that interval excludes zero; otherwise the gap
did not clearly change. Where the model's own odds scale disagrees (a gap in
points must narrow as both sectors near 100%, with no change in odds), the
sentence says so. A trend the statistics refuse (fewer than three years both
sectors cover, no known sample sizes) is a sentence saying why, and no claim.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from adoption.findings.claims import Claim, excludes
from adoption.stats import GapTrend, NotEstimable, gap_trend
from adoption.text import Message, Series, message


def trend_claim(trend: GapTrend, nonprofit: Series, business: Series) -> Claim:
    """The `gap_trend` claim of a fitted trend."""
    low, high = trend.gap_points_per_year_low / 100, trend.gap_points_per_year_high / 100
    supported = excludes(0.0, low, high)
    direction = trend.verdict.replace(" ", "_") if supported else "no_clear_change"
    values = {"nonprofit": nonprofit, "business": business, "platform": trend.platform,
              "first": trend.years[0], "last": trend.years[-1],
              "slope": abs(trend.gap_points_per_year), "signed": trend.gap_points_per_year,
              "low": trend.gap_points_per_year_low, "high": trend.gap_points_per_year_high,
              "level": trend.confidence,
              # "1 point a year", "1.5 points a year": the plural follows the number shown
              "count": round(abs(trend.gap_points_per_year), 1)}
    text = message(f"trend.{direction}", **values)
    disagree = supported and trend.verdict_log_odds != trend.verdict
    if disagree:
        text = message("trend.with_odds", sentence=text, p=trend.interaction_p_value)
    return Claim(
        kind="gap_trend", platform=trend.platform,
        series=(*trend.nonprofit, *trend.business), years=tuple(trend.years),
        estimate=trend.gap_points_per_year / 100, low=low, high=high, supported=supported,
        text=text, why=None if supported else message("why.interval_includes_zero"),
    )


def trend_finding(table: pd.DataFrame, platform: str, nonprofit: Series, business: Series,
                  confidence: float = 0.95) -> tuple[Claim | None, Message, GapTrend | None]:
    """The claim (None when refused), the sentence a page shows, and the fitted trend."""
    try:
        trend = gap_trend(table, platform, nonprofit.id, business.id, confidence)
    except NotEstimable as refusal:
        return None, message("trend.refused", business=business, reason=refusal.message), None
    claim = trend_claim(trend, nonprofit, business)
    return claim, claim.text, trend


def model_details(trend: GapTrend) -> Message:
    """The model's own numbers, for readers who want them: the log-odds interaction."""
    return message("trend.model", interaction=trend.interaction, low=trend.interaction_low,
                   high=trend.interaction_high, p=trend.interaction_p_value,
                   level=trend.confidence)


def notes(trend: GapTrend) -> Sequence[Message]:
    """What was left out of the model, and notes on it (overdispersion, changes of method)."""
    dropped = [m for m in trend.dropped if m.key != "reason.outside_common_years"]
    left_out = [message("trend.left_out", items=dropped)] if dropped else []
    return [*trend.notes, *left_out]
