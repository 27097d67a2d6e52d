"""A claim: one statement about the data, with the interval it rests on and its verdict.

Every sentence a reader sees about the data (a chart's title, its alt text, a
table's verdict, the key findings at the top of a page) is rendered from claims,
and every chart lists its claims in `charts/manifest.json`, so a fact-checker (and
our tests) can read the verdicts instead of parsing prose:

    text        the sentence as shown, in the chart's language
    kind        lead | gap_trend | reaches_share | change | level
    platform    the platform
    series      the series ids the claim is about
    years       the years it covers (a list of whole years)
    estimate    the estimate the claim rests on, low and high its interval: for a
    low, high   lead, the gap nonprofit minus business (a fraction); for a gap
                trend, the yearly change of the gap (a fraction a year); for a
                change, the change from one wave to the next (a fraction); for
                reaches_share, the year reached and the years it lies between; for
                a level, the share and its interval
    supported   true exactly when the interval excludes the null value (0 for a
                gap, a trend or a change; for reaches_share, the share itself on
                both sides of the passage); false when it does not; null when it
                cannot be tested (no interval, a level that tests nothing)
    why         when supported is not true: why, in the chart's language
    share       reaches_share only: the share reached (0.5)
    within_data reaches_share only: the year lies within the series' first and last
                years (not an extrapolation)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from adoption.text import Message, Names

KINDS = ("lead", "gap_trend", "reaches_share", "change", "level")


@dataclass(frozen=True)
class Claim:
    """One statement and its evidence (see the module docstring for each field).

    `text` and `why` are messages, rendered in a language only where shown; `group`
    names a subgroup the claim is about (a size band), where there is one.
    """

    kind: str
    platform: str
    series: tuple[str, ...]
    years: tuple[int, ...]
    estimate: float | None
    low: float | None
    high: float | None
    supported: bool | None
    text: Message
    why: Message | None = None
    share: float | None = None
    within_data: bool | None = None
    group: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim kind {self.kind!r} is not one of {', '.join(KINDS)}")

    def sentence(self, lang: str, names: Names | None = None) -> str:
        return self.text.text(lang, names)

    def as_dict(self, lang: str, names: Names | None = None) -> dict[str, object]:
        """The claim as `charts/manifest.json` holds it (JSON-ready, NaN as null)."""
        entry: dict[str, object] = {
            "text": self.sentence(lang, names),
            "kind": self.kind,
            "platform": self.platform,
            "series": list(self.series),
            "years": [int(year) for year in self.years],
            "estimate": _number(self.estimate),
            "low": _number(self.low),
            "high": _number(self.high),
            "supported": self.supported,
            "why": None if self.why is None else self.why.text(lang, names),
        }
        if self.kind == "reaches_share":
            entry["share"] = _number(self.share)
            entry["within_data"] = self.within_data
        if self.group is not None:
            entry["group"] = self.group
        return entry


def excludes(value: float, low: float | None, high: float | None) -> bool | None:
    """Whether the interval [low, high] excludes `value`; None when there is no interval."""
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return None
    return bool(value < low or value > high)


def rendered(claims: Sequence[Claim], lang: str, names: Names | None = None) -> list[dict]:
    """The claims of a chart as its manifest entry lists them."""
    return [claim.as_dict(lang, names) for claim in claims]


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value
