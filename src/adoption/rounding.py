"""What a published, rounded percentage can and cannot be.

Studies publish "23%", not "116 of 500". A percentage printed with `decimals`
decimals stands for any value within half a unit of its last digit: 23% is 22.5%
to 23.5%, so for a census of 500 companies it means 112.5 to 117.5 of them. Two
consequences the project draws:

* **A rounded census is not exact.** Its interval is the rounding interval
  (`rounding_interval`), and a change between two rounded census figures whose
  intervals overlap is no clear change.
* **Some percentages are impossible.** A percentage of n organisations must come
  from a whole number of them: 65% of 76 cannot (49/76 = 64.5%, 50/76 = 65.8%).
  This is the GRIM test (Brown NJL, Heathers JAJ (2017), "The GRIM test",
  Social Psychological and Personality Science 8:363-369); `impossible_percent`
  applies it, counting a value exactly half a unit away as consistent, since
  publishers round halves either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Percentages differ from counts by float noise well below this (0.5 of 1e-9 of a point).
_TOLERANCE = 1e-9


def half_unit(decimals: int) -> float:
    """Half a unit of the last printed digit, in percentage points: 0.5 for "23"."""
    return 0.5 * 10.0 ** -int(decimals)


def rounding_interval(percent: float, decimals: int) -> tuple[float, float]:
    """The shares (fractions) a percentage printed with `decimals` decimals stands for,
    clipped to [0, 1]: 23 -> (0.225, 0.235)."""
    half = half_unit(decimals)
    return max(0.0, (percent - half) / 100), min(1.0, (percent + half) / 100)


@dataclass(frozen=True)
class ImpossiblePercent:
    """A percentage no whole count of `n` rounds to, with the two nearest counts."""

    percent: float
    decimals: int
    n: int
    below: int
    above: int

    @property
    def below_share(self) -> float:
        return self.below / self.n

    @property
    def above_share(self) -> float:
        return self.above / self.n


def impossible_percent(percent: float, decimals: int, n: int) -> ImpossiblePercent | None:
    """The GRIM test: None when some whole count k of n gives `percent` at `decimals`
    decimals (|100 k / n - percent| <= half a unit), else the nearest counts either side."""
    if n < 1 or math.isnan(percent):
        return None
    half = half_unit(decimals)
    below = math.floor(percent * n / 100)
    for count in (below, below + 1):
        if 0 <= count <= n and abs(100 * count / n - percent) <= half + _TOLERANCE:
            return None
    return ImpossiblePercent(percent, int(decimals), int(n), below, below + 1)


def printed_decimals(text: str) -> int:
    """How many decimals a number was printed with: "23" -> 0, "74.2" -> 1, "74,20" -> 2."""
    text = text.strip()
    for separator in (".", ","):
        if separator in text:
            return len(text.rsplit(separator, 1)[1].rstrip())
    return 0
