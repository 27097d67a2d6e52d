"""Year-by-year comparisons from the adoption table: nonprofits against businesses, and
each series against its own previous wave.

Every figure in the table is turned into a `ShareEstimate` (the share and its
interval) by one rule, so the comparison table, the year-over-year changes, the
claim check and the charts all agree about what a figure can bear:

* **census** (every member of the population checked): no sampling error about
  that population. Where the source gives the count ("116 of the Fortune 500") the
  share is exact; where it gives only a rounded percentage, the interval is the
  rounding interval (23% of 500: 22.5% to 23.5%, `adoption.rounding`).
* **survey**: Wilson score interval, with the finite-population correction when the
  population size is known.
* **self-selected** (an open practitioner survey): the respondents describe no
  population, so there is no interval, no test and no leader: `not_comparable`.
* **cited second-hand** (`certainty == "as_cited"`): a later report quotes the
  figure without saying how it was measured. Its method is unknown (design
  `unknown`): no interval, leader `unknown`, left out of claims and trends, unless
  the analyst passes `include_as_cited=True`.
* a survey whose n was not published: no interval, leader `unknown`.

Inference uses `share_weighted` and `n_effective` when the row has survey
weights, else `share` and `n`; successes are the published count when there is
one (`exact_count`), else share x n, which need not be a whole number.

Two intervals are combined into the interval of their difference by Newcombe's
square-and-add when both come from sampling, and by interval arithmetic (low1 -
high2, high1 - low2) when either is a census: rounding bounds are hard bounds,
not sampling error. Against an exact census both give the same interval.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from adoption.metadata import series_names
from adoption.rounding import impossible_percent, rounding_interval
from adoption.stats._checks import check_confidence
from adoption.stats.difference import (
    ShareTest,
    combine_share_intervals,
    equal_shares_test,
    known_share_test,
)
from adoption.stats.intervals import wilson_interval
from adoption.text import Message, Names, Series, message, render

# The contract (CONTRACT.md): these columns, in this order, come first.
COMPARISON_COLUMNS = [
    "year", "nonprofit_series", "business_series",
    "nonprofit_share", "nonprofit_low", "nonprofit_high",
    "business_share", "business_low", "business_high",
    "difference", "difference_low", "difference_high",
    "p_value", "p_adjusted", "leader", "robust_to_nonresponse",
]
# Our additions, after the contract's columns.
DETAIL_COLUMNS = [
    "nonprofit_n", "business_n", "nonprofit_design", "business_design", "test", "caveat",
]
YEAR_OVER_YEAR_COLUMNS = [
    "series", "sector", "platform", "year_from", "year_to", "share_from", "share_to",
    "change_points", "change_points_low", "change_points_high", "direction", "caveat",
    "design_from", "design_to",
]
LEADERS = ("nonprofit", "business", "unclear", "unknown", "not_comparable")
DIRECTIONS = ("rose", "fell", "no_clear_change", "method_changed", "unknown")
REQUIRED_COLUMNS = (
    "series", "sector", "year", "platform", "n", "share", "share_weighted", "n_effective",
    "population_size", "design",
)
# Which sectors may stand on each side of a comparison (colleges are nonprofits too).
ROLE_SECTORS = {"nonprofit": ("nonprofit", "higher_education"), "business": ("business",)}


@dataclass(frozen=True)
class ShareEstimate:
    """One figure of the adoption table, ready for inference.

    `design` is the figure's design as inference sees it: census, survey,
    self_selected, or unknown (cited second-hand). `n` is the size used for
    inference (the Kish effective size for weighted rows), NaN when unknown;
    `low`/`high` are NaN when no interval can be drawn. `successes` is the count
    of adopters inference uses. `caveats` say what a reader must know about it.
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
    successes: float = math.nan
    sector: str = ""

    @property
    def exact(self) -> bool:
        """A census: no sampling error about its population (rounding aside)."""
        return self.design == "census"

    @property
    def has_interval(self) -> bool:
        return not math.isnan(self.low)

    @property
    def fpc_population(self) -> float | None:
        return None if math.isnan(self.population_size) else self.population_size

    def worst_case(self) -> tuple[float, float] | None:
        """The lowest and highest share the whole population can have, counting every
        member not measured as a non-adopter, then as an adopter (Manski's bounds);
        a census's own interval; None where n or the population size is unknown."""
        if self.exact:
            return self.low, self.high
        if self.design != "survey" or math.isnan(self.n) or self.fpc_population is None:
            return None
        size = self.fpc_population
        return self.successes / size, (self.successes + size - self.n) / size


def estimate_share(row: Mapping[str, object], confidence: float = 0.95, *,
                   include_as_cited: bool = False) -> ShareEstimate:
    """The share of one adoption-table row with its interval (see the module docstring)."""
    confidence = check_confidence(confidence)
    weighted = not _is_missing(row["share_weighted"])
    share = _number(row["share_weighted"] if weighted else row["share"])
    n = _number(row["n_effective"] if weighted else row["n"])
    population_size = _number(row["population_size"])
    series, year = str(row["series"]), int(row["year"])  # type: ignore[call-overload]
    design = _design(row, include_as_cited)
    exact_count = bool(row.get("exact_count", False)) and not weighted
    successes = _number(row["adopters"]) if exact_count else share * n
    if design == "census":
        low, high = _census_interval(row, share, exact_count)
    elif design in ("self_selected", "unknown") or math.isnan(n):
        low = high = math.nan
    else:
        if not math.isnan(population_size) and population_size < n:
            raise ValueError(
                f"{series} {year}: population_size ({population_size:g}) is smaller than "
                f"the sample size ({n:g}); fix the figure in the data"
            )
        fpc = None if math.isnan(population_size) else population_size
        low, high = wilson_interval(successes, n, confidence, fpc)
    caveats = _row_caveats(row, series, year, n, design, exact_count)
    return ShareEstimate(series, year, share, low, high, n, population_size, design, caveats,
                         successes, str(row.get("sector", "")))


def compare_sectors(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str,
    confidence: float = 0.95,
    *,
    lang: str = "en",
    include_as_cited: bool = False,
    names: Names | None = None,
) -> pd.DataFrame:
    """Nonprofit series against business series on one platform, one row per year both have.

    Columns: the contract's comparison table (`COMPARISON_COLUMNS`, in that order),
    then `DETAIL_COLUMNS`. Shares are fractions; `difference` is nonprofit minus
    business, with its interval (module docstring).

    `leader`: `nonprofit` or `business` when the interval of the difference excludes
    zero, `unclear` when it does not, `unknown` when a side has no interval (n not
    published, or a figure cited second-hand), `not_comparable` when a side is a
    self-selected sample. `robust_to_nonresponse`: whether the leader stays ahead
    when every member of a sampled population that was not measured is counted
    against it (`ShareEstimate.worst_case`); empty where there is no leader or a
    population size or n is unknown.

    `p_value` tests equal shares: Fisher's exact test when an expected count is
    under 5, else the two-proportion z test (`equal_shares_test`); against a census,
    a one-sample test of the sampled share against the nearest end of the census's
    interval (`known_share_test`, whose verdict agrees with the interval); NaN when
    both sides are censuses or there is no interval. `p_adjusted` is Holm's
    adjustment (`holm_adjust`, equal to statsmodels' `multipletests(method="holm")`)
    across the years that have a p-value. `caveat` is in `lang` ("en" or "fr"), with
    series named from `names` (default: `adoption.metadata.series_names(table)`).
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
        compare_estimates(
            estimate_share(nonprofit_rows[year], confidence, include_as_cited=include_as_cited),
            estimate_share(business_rows[year], confidence, include_as_cited=include_as_cited),
        )
        for year in years
    ]
    comparison = pd.DataFrame.from_records(records)
    comparison["p_adjusted"] = holm_adjust(comparison["p_value"].to_numpy(dtype=float))
    comparison["robust_to_nonresponse"] = comparison["robust_to_nonresponse"].astype("boolean")
    comparison["test"] = comparison["test"].astype("string")
    comparison["caveat"] = _caveat_texts(comparison["caveat"], lang, _names(table, names))
    return comparison[COMPARISON_COLUMNS + DETAIL_COLUMNS]


def year_over_year(
    table: pd.DataFrame,
    platform: str,
    series: str | list[str] | None = None,
    confidence: float = 0.95,
    *,
    lang: str = "en",
    include_as_cited: bool = False,
    names: Names | None = None,
) -> pd.DataFrame:
    """Change between consecutive waves of each series on one platform, in percentage points.

    One row per pair of consecutive waves (the years the series has, in order;
    a gap year is skipped, not interpolated). The interval is that of the
    difference of the two waves (module docstring); when two waves re-interviewed
    some of the same organisations, the positive correlation this ignores makes the
    interval too wide rather than too narrow. `direction` is `rose` or `fell` when the
    interval excludes 0, `no_clear_change` when it does not (two rounded censuses whose
    rounding intervals overlap included), `method_changed` when the two waves were not
    measured the same way (a survey then a census: the change is not a rise or a fall
    of adoption), `unknown` when a wave has no interval. `series` defaults to every
    series with figures on `platform`; a series spanning two sectors (a survey file)
    gives one sequence per sector.
    """
    confidence = check_confidence(confidence)
    records = []
    for name, sector in series_and_sectors(table, platform, series):
        rows = series_rows(table, platform, name, sector=sector)
        waves = [(rows[year], estimate_share(rows[year], confidence,
                                             include_as_cited=include_as_cited))
                 for year in sorted(rows)]
        for (row_before, before), (row_after, after) in itertools.pairwise(waves):
            records.append(_change(before, after, sector, platform,
                                   method_change(row_before, row_after)))
    changes = pd.DataFrame.from_records(records, columns=YEAR_OVER_YEAR_COLUMNS)
    changes["caveat"] = _caveat_texts(changes["caveat"], lang, _names(table, names))
    return changes


def compare_estimates(nonprofit: ShareEstimate, business: ShareEstimate) -> dict[str, object]:
    """One row of the comparison table from the two sides' estimates."""
    difference, low, high = difference_of(nonprofit, business)
    if "self_selected" in (nonprofit.design, business.design):
        leader, test = "not_comparable", None
        low = high = math.nan
    else:
        test = _share_test(nonprofit, business)
        leader = _side_ahead(low, high, "nonprofit", "business", "unclear", "unknown")
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
        "leader": leader,
        "robust_to_nonresponse": robust_to_nonresponse(nonprofit, business, leader),
        "nonprofit_n": nonprofit.n,
        "business_n": business.n,
        "nonprofit_design": nonprofit.design,
        "business_design": business.design,
        "test": None if test is None else test.method,
        "caveat": nonprofit.caveats + business.caveats,
    }


def robust_to_nonresponse(nonprofit: ShareEstimate, business: ShareEstimate,
                          leader: str) -> bool | None:
    """Whether `leader` stays ahead with every unmeasured member of a sampled population
    counted against it: the leader's lowest possible share over its whole population
    above the other side's highest. None when there is no leader or a bound is unknown."""
    if leader not in ("nonprofit", "business"):
        return None
    ahead, behind = (nonprofit, business) if leader == "nonprofit" else (business, nonprofit)
    ahead_bounds, behind_bounds = ahead.worst_case(), behind.worst_case()
    if ahead_bounds is None or behind_bounds is None:
        return None
    return bool(ahead_bounds[0] > behind_bounds[1])


def difference_of(first: ShareEstimate, second: ShareEstimate) -> tuple[float, float, float]:
    """first - second with its interval; NaN interval if either side has none."""
    difference = first.share - second.share
    if not (first.has_interval and second.has_interval):
        return difference, math.nan, math.nan
    if first.exact or second.exact:  # hard bounds (a census's rounding): interval arithmetic
        return difference, max(-1.0, first.low - second.high), min(1.0, first.high - second.low)
    _, low, high = combine_share_intervals(
        first.share, first.low, first.high, second.share, second.low, second.high
    )
    return difference, low, high


def method_change(before: Mapping[str, object], after: Mapping[str, object]) -> Message | None:
    """A message naming how two waves of a series were measured differently, or None:
    a change of design (survey, census, self-selected), or of the `method` column where
    the data have one (a new definition, a new list)."""
    named = {"series": Series(str(after["series"]), "short_label"),
             "before": int(before["year"]), "after": int(after["year"])}  # type: ignore
    if str(before["design"]) != str(after["design"]):
        return message("reason.method_changed_design", before_design=str(before["design"]),
                       after_design=str(after["design"]), **named)
    old, new = before.get("method"), after.get("method")
    if not _is_missing(old) and not _is_missing(new) and str(old) != str(new):
        return message("reason.method_changed_text", what_before=str(old),
                       what_after=str(new), **named)
    return None


def _caveat_texts(caveats: pd.Series, lang: str, names: Names | None) -> pd.Series:
    """The `caveat` column: each row's messages as one text in `lang` (en or fr)."""
    return caveats.map(lambda messages: render(messages, lang, names)).astype("string")


def _names(table: pd.DataFrame, names: Names | None) -> Names:
    return names if names is not None else series_names(table)


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
        years = ", ".join(str(year) for year in sorted(set(duplicated.astype(int))))
        raise ValueError(
            f"{label} {series!r} has more than one {platform!r} figure for {years}: "
            "expected one per year and sector"
        )
    return {int(row["year"]): row for _, row in rows.iterrows()}


def _design(row: Mapping[str, object], include_as_cited: bool) -> str:
    design = str(row["design"])
    if str(row.get("certainty", "")) == "as_cited" and not include_as_cited:
        return "unknown"  # a later report quotes it; how it was measured is not known
    return design


def _census_interval(row: Mapping[str, object], share: float,
                     exact_count: bool) -> tuple[float, float]:
    """A census's interval: none (exact) with a count, else the published rounding."""
    decimals = row.get("percent_decimals")
    if exact_count or _is_missing(decimals):
        return share, share
    return rounding_interval(100 * share, int(decimals))  # type: ignore[call-overload]


def _change(before: ShareEstimate, after: ShareEstimate, sector: str, platform: str,
            changed_method: Message | None) -> dict:
    change, low, high = difference_of(after, before)
    caveats = before.caveats + after.caveats
    if changed_method is not None:
        direction, low, high = "method_changed", math.nan, math.nan
        caveats = (changed_method, *caveats)
    elif "self_selected" in (before.design, after.design):
        direction = "unknown"
    else:
        direction = _side_ahead(low, high, "rose", "fell", "no_clear_change", "unknown")
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
        "direction": direction,
        "caveat": caveats,
        "design_from": before.design,
        "design_to": after.design,
    }


def _share_test(first: ShareEstimate, second: ShareEstimate) -> ShareTest | None:
    """The test of equal shares that fits the two designs, or None when there is none."""
    if not (first.has_interval and second.has_interval) or (first.exact and second.exact):
        return None
    if first.exact or second.exact:
        sample, census = (second, first) if first.exact else (first, second)
        # Against a rounded census, the end of its interval nearest the sample: the
        # test then rejects exactly when the interval of the difference excludes zero.
        nearest = min(max(sample.share, census.low), census.high)
        return known_share_test(sample.successes, sample.n, nearest, sample.fpc_population)
    return equal_shares_test(first.successes, first.n, second.successes, second.n)


def _side_ahead(low: float, high: float, above: str, below: str, neither: str, unknown: str):
    if math.isnan(low) or math.isnan(high):
        return unknown
    if low > 0:
        return above
    if high < 0:
        return below
    return neither


def _row_caveats(row: Mapping[str, object], series: str, year: int, n: float, design: str,
                 exact_count: bool) -> tuple[Message, ...]:
    """What a reader must know about one figure, as messages (series named by label)."""
    certainty = str(row.get("certainty", ""))
    named = {"series": Series(series, "short_label", str(row.get("sector", "")) or None),
             "year": int(year)}
    caveats = []
    if design == "survey" and math.isnan(n):
        caveats.append(message("reason.no_n_no_interval", **named))
    if design == "self_selected":
        caveats.append(message("reason.self_selected", **named))
    if certainty == "as_cited":
        caveats.append(message("reason.as_cited", **named))
    if certainty == "uncertain":
        caveats.append(message("reason.approximate", **named))
    if certainty == "derived":
        caveats.append(message("reason.derived", arithmetic=_arithmetic(row, exact_count),
                               **named))
    grim = _impossible(row, n, exact_count)
    if grim is not None:
        caveats.append(message(
            "reason.impossible_percent", percent=grim.percent / 100, n=grim.n,
            below=grim.below, above=grim.above, below_share=grim.below_share,
            above_share=grim.above_share, **named))
    if bool(row.get("synthetic", False)):
        caveats.append(message("reason.synthetic_figure", **named))
    return tuple(caveats)


def _arithmetic(row: Mapping[str, object], exact_count: bool) -> str:
    """The arithmetic behind a computed figure: "373 / 500", else the data's note."""
    if exact_count:
        return f"{int(row['adopters'])} / {int(row['n'])}"  # type: ignore[call-overload]
    note = row.get("note")
    return "" if _is_missing(note) else str(note)


def _impossible(row: Mapping[str, object], n: float, exact_count: bool):
    """The GRIM result for a published percentage of n whole organisations, if impossible."""
    decimals = row.get("percent_decimals")
    if exact_count or math.isnan(n) or _is_missing(decimals) or not float(n).is_integer():
        return None
    return impossible_percent(round(100 * _number(row["share"]), 6), int(decimals),  # type: ignore
                              int(n))


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
