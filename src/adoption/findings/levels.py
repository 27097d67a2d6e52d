"""Levels: a share measured in one year, stated without a comparison.

A level tests nothing, so its claim's `supported` is null, and `why` says what the
figure can bear (self-selected respondents describe no population; a survey's
share carries its interval).
"""

from __future__ import annotations

import math

from adoption.findings.claims import Claim
from adoption.text import Message


def level_claim(*, platform: str, series: str, year: int, share: float, text: Message,
                why: Message, low: float = math.nan, high: float = math.nan,
                group: str | None = None) -> Claim:
    """A `level` claim: `share` of `series` on `platform` in `year`, said by `text`."""
    return Claim(kind="level", platform=platform, series=(series,), years=(int(year),),
                 estimate=float(share), low=None if math.isnan(low) else float(low),
                 high=None if math.isnan(high) else float(high), supported=None, text=text,
                 why=why, group=group)
