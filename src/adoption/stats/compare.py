"""Year-by-year comparisons from the adoption table: nonprofits against businesses, and
each series against its own previous wave.

Every figure in the table is turned into a `ShareEstimate` (the share and its
interval) by one rule, so the comparison table, the year-over-year changes, the
claim check and the charts all agree about what a figure can tell us:

* `design == "census"`: every member of the population was checked, so the
  share is exact about that population and its interval has zero width, even when
  the source does not print n (the Fortune 500 blogging figure of 2007).
* `design == "survey"`: Wilson score interval, with the finite-population
  correction when the population size is known.
* `design == "self_selected"`: an open practitioner survey. The interval is
  computed as if the respondents were a random sample, but it describes no
  population; the `caveat` column says so.
* a survey whose n was not published: no interval can be drawn.

Inference uses `share_weighted` and `n_effective` when the row has survey
weights, else `share` and `n`; "successes" are then share x n, which need not be
a whole number (published percentages are rounded). Shares shown are the
table's own, as the source published them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from adoption.stats._checks import check_confidence
from adoption.stats.difference import (
    ShareTest,
    combine_share_intervals,
    equal_shares_test,
    known_share_test,
)
from adoption.stats.intervals import wilson_interval
from adoption.stats.wording import Message, message, render

# The contract (CONTRACT.md): these columns, in this order, come first.
COMPARISON_COLUMNS = [
    "year", "nonprofit_series", "business_series",
    "nonprofit_share", "nonprofit_low", "nonprofit_high",
    "business_share", "business_low", "business_high",
    "difference", "difference_low", "difference_high",
    "p_value", "p_adjusted", "leader",
]
# Our additions, after the contract's columns.
DETAIL_COLUMNS = [
    "nonprofit_n", "business_n", "nonprofit_design", "business_design", "test", "caveat",
]
YEAR_OVER_YEAR_COLUMNS = [
    "series", "sector", "platform", "year_from", "year_to", "share_from", "share_to",
    "change_points", "change_points_low", "change_points_high", "direction",
    "design_from", "design_to", "caveat",
]
REQUIRED_COLUMNS = (
    "series", "sector", "year", "platform", "n", "share", "share_weighted", "n_effective",
    "population_size", "design",
)
# Which sectors may stand on each side of a comparison (colleges are nonprofits too).
ROLE_SECTORS = {"nonprofit": ("nonprofit", "higher_education"), "business": ("business",)}


@dataclass(frozen=True)
class ShareEstimate:
    """One figure of the adoption table, ready for inference.

    `n` is the size used for inference (the Kish effective size for weighted
    rows), NaN when unknown; `low`/`high` are NaN when no interval can be drawn.
    """

    series: str
    year: int
    share: float
    low: float
    high: float
    n: float
    population_size: float
    design: str
    caveats: tuple[Message, ...] = ()

    @property
    def exact(self) -> bool:
        """A census: no sampling error about its population."""
        return self.design == "census"

    @property
    def has_interval(self) -> bool:
        return not math.isnan(self.low)

    @property
    def successes(self) -> float:
        return self.share * self.n

    @property
    def fpc_population(self) -> float | None:
        return _fpc_population(self.design, self.population_size)


def estimate_share(row: Mapping[str, object], confidence: float = 0.95) -> ShareEstimate:
    """The share of one adoption-table row with its interval (see the module docstring)."""
    confidence = check_confidence(confidence)
    weighted = not _is_missing(row["share_weighted"])
    share = _number(row["share_weighted"] if weighted else row["share"])
    n = _number(row["n_effective"] if weighted else row["n"])
    population_size = _number(row["population_size"])
    design = str(row["design"])
    series, year = str(row["series"]), int(row["year"])  # type: ignore[call-overload]
    caveats = _row_caveats(row, series, year, n)
    if design == "census":
        low = high = share
    elif math.isnan(n):
        low = high = math.nan
    else:
        population = _fpc_population(design, population_size)
        if population is not None and population < n:
            raise ValueError(
                f"{series} {year}: population_size ({population:g}) is smaller than the "
                f"sample size ({n:g}); fix the figure in the data"
            )
        low, high = wilson_interval(share * n, n, confidence, population)
    return ShareEstimate(series, year, share, low, high, n, population_size, design, caveats)


def compare_sectors(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str,
    confidence: float = 0.95,
    *,
    lang: str = "en",
) -> pd.DataFrame:
    """Nonprofit series against business series on one platform, one row per year both have.

    Columns: the contract's comparison table (`COMPARISON_COLUMNS`, in that order),
    then `DETAIL_COLUMNS`. Shares are fractions; `difference` is nonprofit minus
    business, with Newcombe's hybrid score interval (method 10, Newcombe 1998b)
    built from each side's interval as `estimate_share` gives it.

    Decision on a census side: a row with `design == "census"` has no sampling
    error about its population even when n is missing, so it enters the
    difference with a zero-width interval and contributes nothing to its width
    (``low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)`` with u2 = p2). A difference
    against a census is therefore computable; `leader` is `unknown` only when a
    sampled (non-census) side has no published n, so no interval can be drawn.
    Otherwise `leader` is `nonprofit` (interval above 0), `business` (below 0)
    or `unclear` (the interval includes 0, which also covers two censuses with
    equal shares).

    `p_value` tests equal shares: Fisher's exact test when an expected count is
    under 5, else the two-proportion z test (`equal_shares_test`); against a
    census, a one-sample test of the sampled share against the census value
    (`known_share_test`, whose verdict agrees with the FPC-corrected interval);
    NaN when both sides are censuses (the difference is exact) or a sample size
    is missing. The two-sample tests ignore the finite-population correction, so
    they are slightly more cautious than the intervals; `leader` reads the
    interval, as the contract says. `p_adjusted` is Holm's adjustment
    (`holm_adjust`, equal to statsmodels' `multipletests(method="holm")`) across the
    years shown that have
    a p-value. Self-selected figures are compared too, with a caveat: their
    intervals do not describe any population. `lang` ("en" or "fr") is the
    language of the `caveat` column.
    """
    confidence = check_confidence(confidence)
    nonprofit_rows = series_rows(table, platform, nonprofit, role="nonprofit")
    business_rows = series_rows(table, platform, business, role="business")
    years = sorted(set(nonprofit_rows) & set(business_rows))
    if not years:
        raise ValueError(
            f"nonprofit series {nonprofit!r} ({_years_text(nonprofit_rows)}) and business "
            f"series {business!r} ({_years_text(business_rows)}) have no year in common "
            f"on platform {platform!r}"
        )
    records = [
        _compare_year(
            estimate_share(nonprofit_rows[year], confidence),
            estimate_share(business_rows[year], confidence),
        )
        for year in years
    ]
    comparison = pd.DataFrame.from_records(records)
    comparison["p_adjusted"] = holm_adjust(comparison["p_value"].to_numpy(dtype=float))
    comparison["test"] = comparison["test"].astype("string")
    comparison["caveat"] = _caveat_texts(comparison["caveat"], lang)
    return comparison[COMPARISON_COLUMNS + DETAIL_COLUMNS]


def year_over_year(
    table: pd.DataFrame,
    platform: str,
    series: str | list[str] | None = None,
    confidence: float = 0.95,
    *,
    lang: str = "en",
) -> pd.DataFrame:
    """Change between consecutive waves of each series on one platform, in percentage points.

    One row per pair of consecutive waves (the years the series has, in order;
    a gap year is skipped, not interpolated). The interval is Newcombe's hybrid
    score interval for the difference of two independent samples; when two waves
    re-interviewed some of the same organisations, the positive correlation this
    ignores makes the interval too wide rather than too narrow. Census waves are
    exact as in `compare_sectors`; `direction` is `rose`, `fell`, `unclear`
    (interval includes 0), `unchanged` (two censuses with the same share) or
    `unknown` (a sample size is missing). `series` defaults to every series with
    figures on `platform`; a series spanning two sectors (a survey file) gives
    one sequence per sector.
    """
    confidence = check_confidence(confidence)
    records = []
    for name, sector in series_and_sectors(table, platform, series):
        rows = series_rows(table, platform, name, sector=sector)
        waves = [estimate_share(rows[year], confidence) for year in sorted(rows)]
        for before, after in itertools.pairwise(waves):
            records.append(_change(before, after, sector, platform))
    changes = pd.DataFrame.from_records(records, columns=YEAR_OVER_YEAR_COLUMNS)
    changes["caveat"] = _caveat_texts(changes["caveat"], lang)
    return changes


def _caveat_texts(caveats: pd.Series, lang: str) -> pd.Series:
    """The `caveat` column: each row's messages as one text in `lang` (en or fr)."""
    return caveats.map(lambda messages: render(messages, lang)).astype("string")


def holm_adjust(p_values: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values; NaN entries (no test) stay NaN and are not in the family.

    Holm's step-down: the sorted p-values times m, m-1, ..., 1, their running
    maximum, capped at 1. Written out rather than calling statsmodels'
    `multipletests(method="holm")`, which runs a full garbage collection on every
    call (a tenth of a second once a large archive is in memory); a test checks the
    two agree bit for bit.
    """
    adjusted = np.full(len(p_values), np.nan)
    tested = ~np.isnan(p_values)
    if tested.any():
        family = p_values[tested]
        order = np.argsort(family)
        stepped = np.maximum.accumulate(family[order] * np.arange(len(family), 0, -1))
        in_order = np.empty_like(stepped)
        in_order[order] = np.minimum(stepped, 1.0)
        adjusted[tested] = in_order
    return adjusted


def series_rows(
    table: pd.DataFrame,
    platform: str,
    series: str,
    role: str | None = None,
    sector: str | None = None,
) -> dict[int, pd.Series]:
    """The rows of one series on one platform, by year; ValueError naming what is missing.

    With `role` ("nonprofit" or "business") only the series' figures in that
    side's sectors are kept, and there must be some; `sector` keeps one sector.
    (A survey file may use one series name for both of its sectors.)
    """
    _check_table(table)
    on_platform = table[table["platform"].astype(str) == platform]
    if on_platform.empty:
        known = ", ".join(sorted(table["platform"].astype(str).unique()))
        raise ValueError(f"platform {platform!r} is not in the table (it has: {known})")
    rows = on_platform[on_platform["series"].astype(str) == series]
    label = f"{role} series" if role else "series"
    if rows.empty:
        known = ", ".join(series_on_platform(table, platform))
        raise ValueError(f"{label} {series!r} has no figures on {platform!r} (it has: {known})")
    if role is not None or sector is not None:
        rows = _in_sectors(rows, series, label, (sector,) if sector else ROLE_SECTORS[role])
    duplicated = rows["year"][rows["year"].duplicated()]
    if not duplicated.empty:
        raise ValueError(
            f"{label} {series!r} has more than one {platform!r} figure for year(s) "
            f"{sorted(set(duplicated.astype(int)))}: expected one per year and sector"
        )
    return {int(row["year"]): row for _, row in rows.iterrows()}


def _compare_year(nonprofit: ShareEstimate, business: ShareEstimate) -> dict[str, object]:
    difference, low, high = _difference(nonprofit, business)
    test = _share_test(nonprofit, business)
    return {
        "year": nonprofit.year,
        "nonprofit_series": nonprofit.series,
        "business_series": business.series,
        "nonprofit_share": nonprofit.share,
        "nonprofit_low": nonprofit.low,
        "nonprofit_high": nonprofit.high,
        "business_share": business.share,
        "business_low": business.low,
        "business_high": business.high,
        "difference": difference,
        "difference_low": low,
        "difference_high": high,
        "p_value": math.nan if test is None else test.p_value,
        "leader": _side_ahead(low, high, "nonprofit", "business", "unclear", "unknown"),
        "nonprofit_n": nonprofit.n,
        "business_n": business.n,
        "nonprofit_design": nonprofit.design,
        "business_design": business.design,
        "test": None if test is None else test.method,
        "caveat": nonprofit.caveats + business.caveats,
    }


def _change(before: ShareEstimate, after: ShareEstimate, sector: str, platform: str) -> dict:
    change, low, high = _difference(after, before)
    return {
        "series": after.series,
        "sector": sector,
        "platform": platform,
        "year_from": before.year,
        "year_to": after.year,
        "share_from": before.share,
        "share_to": after.share,
        "change_points": 100 * change,
        "change_points_low": 100 * low,
        "change_points_high": 100 * high,
        "direction": _direction(change, low, high),
        "design_from": before.design,
        "design_to": after.design,
        "caveat": before.caveats + after.caveats,
    }


def _difference(first: ShareEstimate, second: ShareEstimate) -> tuple[float, float, float]:
    """first - second with Newcombe's interval; NaN interval if either side has none."""
    difference = first.share - second.share
    if not (first.has_interval and second.has_interval):
        return difference, math.nan, math.nan
    _, low, high = combine_share_intervals(
        first.share, first.low, first.high, second.share, second.low, second.high
    )
    return difference, low, high


def _share_test(first: ShareEstimate, second: ShareEstimate) -> ShareTest | None:
    """The test of equal shares that fits the two designs, or None when there is none."""
    if not (first.has_interval and second.has_interval) or (first.exact and second.exact):
        return None
    if first.exact or second.exact:
        sample, census = (second, first) if first.exact else (first, second)
        return known_share_test(sample.successes, sample.n, census.share, sample.fpc_population)
    return equal_shares_test(first.successes, first.n, second.successes, second.n)


def _fpc_population(design: str, population_size: float) -> float | None:
    """The population to correct toward, if any: none for self-selected respondents."""
    if design == "self_selected" or math.isnan(population_size):
        return None
    return population_size


def _direction(change: float, low: float, high: float) -> str:
    if low == high == change == 0.0:  # two censuses with the same share
        return "unchanged"
    return _side_ahead(low, high, "rose", "fell", "unclear", "unknown")


def _side_ahead(low: float, high: float, above: str, below: str, neither: str, unknown: str):
    if math.isnan(low) or math.isnan(high):
        return unknown
    if low > 0:
        return above
    if high < 0:
        return below
    return neither


def _row_caveats(row: Mapping[str, object], series: str, year: int,
                 n: float) -> tuple[Message, ...]:
    design, certainty = str(row["design"]), str(row.get("certainty", ""))
    checks = [
        (design != "census" and math.isnan(n), "no_n_no_interval"),
        (design == "self_selected", "self_selected"),
        (certainty == "as_cited", "as_cited"),
        (certainty == "uncertain", "approximate"),
        (bool(row.get("synthetic", False)), "synthetic_figure"),
    ]
    return tuple(message(key, series=series, year=int(year)) for applies, key in checks
                 if applies)

def _check_table(table: pd.DataFrame) -> None:
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be the adoption table (a DataFrame), got {type(table)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in table.columns]
    if missing:
        raise ValueError(
            f"table lacks column(s) {', '.join(missing)}: expected the adoption table "
            "(see adoption.load_table)"
        )


def _in_sectors(
    rows: pd.DataFrame, series: str, label: str, sectors: tuple[str, ...]
) -> pd.DataFrame:
    kept = rows[rows["sector"].astype(str).isin(sectors)]
    if kept.empty:
        found = ", ".join(sorted(set(rows["sector"].astype(str))))
        raise ValueError(
            f"{label} {series!r} is in sector {found}, expected {' or '.join(sectors)}"
        )
    return kept


def series_on_platform(table: pd.DataFrame, platform: str) -> list[str]:
    """Names of the series with figures on `platform`, sorted."""
    rows = table[table["platform"].astype(str) == platform]
    return sorted(rows["series"].astype(str).unique())


def series_and_sectors(
    table: pd.DataFrame, platform: str, series: str | Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(series, sector) pairs with figures on `platform`, sorted; only the named series if given.

    A named series without figures on the platform raises the ValueError of
    `series_rows`, which lists the series that have some.
    """
    _check_table(table)
    rows = table[table["platform"].astype(str) == platform]
    pairs = sorted(set(zip(rows["series"].astype(str), rows["sector"].astype(str), strict=True)))
    if series is None:
        return pairs
    names = [series] if isinstance(series, str) else list(series)
    for name in names:
        if not any(pair[0] == name for pair in pairs):
            series_rows(table, platform, name)  # raises, naming what exists
    return [pair for name in names for pair in pairs if pair[0] == name]


def _years_text(rows: Mapping[int, object]) -> str:
    return "years " + ", ".join(str(year) for year in sorted(rows))


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _number(value: object) -> float:
    return math.nan if _is_missing(value) else float(value)  # type: ignore[arg-type]
