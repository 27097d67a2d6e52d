"""The claim check: did nonprofits lead businesses, and in which years does the evidence hold?

"Charities lead businesses for the third year running" bundles several claims:
nonprofits had the higher share in each year, the difference in each year is
larger than sampling error (and rounding) could produce, and those years follow
one another. `check_claim` takes them apart from the comparison table
(`compare_sectors`):

* the years both series have, and in which of them the nonprofit share was higher;
* the years in which that lead is supported: the interval of the difference
  excludes zero (`leader == "nonprofit"`);
* the longest run of consecutive calendar years with a supported lead (among
  runs of equal length, the most recent, since a claim like "the third year
  running" is about the latest years);
* the years led but not supported, and why: the interval includes zero, a sample
  size was not published, a figure was cited second-hand (method unknown), or a
  side is a self-selected sample (not comparable);
* which supported leads hold even when every organisation not measured is counted
  against the leader (`robust_to_nonresponse`).

`ClaimCheck.sentence(lang)` states the result in sentences readers can quote, from
the catalog of `adoption.text`: the words follow these verdicts and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from adoption.metadata import series_names
from adoption.stats._checks import check_confidence
from adoption.stats.compare import compare_sectors, series_rows
from adoption.text import Names, Series, say
from adoption.text.formats import clauses

INTERVAL_INCLUDES_ZERO = "interval_includes_zero"
SAMPLE_SIZE_MISSING = "sample_size_missing"
METHOD_UNKNOWN = "method_unknown"
NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Unsupported:
    """A year in which the nonprofits led but the lead is not supported, and why.

    `reason` is `interval_includes_zero`, `sample_size_missing`, `method_unknown`
    (a figure cited second-hand) or `not_comparable` (a self-selected sample);
    `series` names the series whose figure is at fault.
    """

    year: int
    reason: str
    series: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.reason == INTERVAL_INCLUDES_ZERO:
            return f"{self.year}: the interval of the difference includes zero"
        return f"{self.year}: {self.reason.replace('_', ' ')} ({', '.join(self.series)})"


@dataclass(frozen=True)
class ClaimCheck:
    """What the data say about "nonprofits led businesses" on one platform.

    Years are calendar years both series have. `led`: the nonprofit share was
    higher; `business_led`: the business share was higher; `supported`: the
    nonprofit lead's interval excludes zero; `longest_run`: the longest run of
    consecutive supported years; `not_supported`: the years led but not
    supported, with the reason; `robust` / `not_robust`: the supported years whose
    lead does / does not survive worst-case nonresponse (years where it cannot be
    said are in neither); `synthetic`: some figure is invented, illustrative data.
    `comparison` is the `compare_sectors` table it was read from.
    """

    platform: str
    nonprofit: str
    business: str
    nonprofit_sector: str
    business_sector: str
    confidence: float
    years: tuple[int, ...]
    led: tuple[int, ...]
    business_led: tuple[int, ...]
    supported: tuple[int, ...]
    longest_run: tuple[int, ...]
    not_supported: tuple[Unsupported, ...]
    synthetic: bool
    robust: tuple[int, ...] = ()
    not_robust: tuple[int, ...] = ()
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)
    names: Names | None = field(default=None, repr=False, compare=False)

    def sentence(self, lang: str = "en", names: Names | Mapping[str, object] | None = None
                 ) -> str:
        """The result as sentences a reader can quote, in English (`en`) or French (`fr`).

        `names` gives the series' labels; by default those `check_claim` found for the
        table's series (`adoption.metadata.series_names`).
        """
        return _sentence(self, lang, names if names is not None else self.names)

    def nonprofit_ref(self, form: str = "noun") -> Series:
        return Series(self.nonprofit, form, self._side_sector("nonprofit"))

    def business_ref(self, form: str = "noun") -> Series:
        return Series(self.business, form, self._side_sector("business"))

    def _side_sector(self, side: str) -> str | None:
        """The sector, when both sides are one series (a survey of both sectors)."""
        if self.nonprofit != self.business:
            return None
        return self.nonprofit_sector if side == "nonprofit" else self.business_sector


def check_claim(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str,
    confidence: float = 0.95,
    *,
    include_as_cited: bool = False,
) -> ClaimCheck:
    """Check "nonprofits led businesses" for two series on one platform (module docstring)."""
    confidence = check_confidence(confidence)
    comparison = compare_sectors(table, platform, nonprofit, business, confidence,
                                 include_as_cited=include_as_cited)
    led = comparison["difference"] > 0
    supported = comparison["leader"] == "nonprofit"
    supported_years = _years(comparison, supported)
    robust = comparison["robust_to_nonresponse"]
    nonprofit_rows = series_rows(table, platform, nonprofit, role="nonprofit")
    business_rows = series_rows(table, platform, business, role="business")
    return ClaimCheck(
        platform=platform,
        nonprofit=nonprofit,
        business=business,
        nonprofit_sector=_sector(nonprofit_rows),
        business_sector=_sector(business_rows),
        confidence=confidence,
        years=_years(comparison, comparison["year"].notna()),
        led=_years(comparison, led),
        business_led=_years(comparison, comparison["difference"] < 0),
        supported=supported_years,
        longest_run=longest_run(supported_years),
        not_supported=tuple(_why_not(row) for _, row in comparison[led & ~supported].iterrows()),
        synthetic=_any_synthetic(nonprofit_rows) or _any_synthetic(business_rows),
        robust=_years(comparison, supported & robust.fillna(False).astype(bool)),
        not_robust=_years(comparison, supported & (robust == False).fillna(False)),  # noqa: E712
        comparison=comparison,
        names=series_names(table),
    )


def longest_run(years: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """The longest run of consecutive calendar years; the latest one among equals."""
    best: list[int] = []
    run: list[int] = []
    for year in sorted(years):
        run = [*run, year] if run and year == run[-1] + 1 else [year]
        if len(run) >= len(best):
            best = run
    return tuple(best)


def _why_not(row: pd.Series) -> Unsupported:
    year = int(row["year"])
    if row["leader"] == "not_comparable":
        return Unsupported(year, NOT_COMPARABLE, _sides(row, lambda design: design
                                                        == "self_selected"))
    if row["leader"] == "unknown":
        cited = _sides(row, lambda design: design == "unknown")
        if cited:
            return Unsupported(year, METHOD_UNKNOWN, cited)
        return Unsupported(year, SAMPLE_SIZE_MISSING,
                           tuple(str(row[f"{side}_series"]) for side in ("nonprofit", "business")
                                 if pd.isna(row[f"{side}_low"])))
    return Unsupported(year, INTERVAL_INCLUDES_ZERO)


def _sides(row: pd.Series, test) -> tuple[str, ...]:
    return tuple(str(row[f"{side}_series"]) for side in ("nonprofit", "business")
                 if test(str(row[f"{side}_design"])))


def _years(comparison: pd.DataFrame, mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(year) for year in comparison.loc[mask, "year"])


def _sector(rows: dict[int, pd.Series]) -> str:
    return str(next(iter(rows.values()))["sector"])


def _any_synthetic(rows: dict[int, pd.Series]) -> bool:
    return any(bool(row.get("synthetic", False)) for row in rows.values())


# --- the sentence -------------------------------------------------------------------------


def _sentence(check: ClaimCheck, lang: str, names) -> str:
    def say_(key: str, **values: object) -> str:
        return say(f"claim.{key}", lang, names, **values)

    sides = {"nonprofit": check.nonprofit_ref(), "business": check.business_ref(),
             "platform": check.platform}
    if not check.led:
        sentences = [say_("never_led", years=check.years, **sides)]
    else:
        parts = [say_("led", years=check.led, **sides)]
        parts.append(say_("supported", years=check.supported, level=check.confidence)
                     if check.supported else say_("supported_none"))
        parts += _unsupported_clauses(check, say_)
        sentences = [clauses(parts, lang) + "."]
        if check.longest_run:
            run = check.longest_run
            sentences.append(say_("run", count=len(run), first=run[0], last=run[-1]))
        sentences += _robust_sentences(check, say_)
    if check.business_led:
        sentences.append(say_("business_led", years=check.business_led, **sides))
    if check.synthetic:
        sentences.insert(0, say_("synthetic"))
    return " ".join(sentences)


def _unsupported_clauses(check: ClaimCheck, say_) -> list[str]:
    by_reason: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for item in check.not_supported:
        by_reason.setdefault((item.reason, item.series), []).append(item.year)
    parts = []
    for (reason, series), years in by_reason.items():
        named = [Series(name, "short_label") for name in series]
        parts.append(say_(f"not_supported.{reason}", years=years, series=named))
    return parts


def _robust_sentences(check: ClaimCheck, say_) -> list[str]:
    if check.robust and not check.not_robust:
        return [say_("robust.all", years=check.robust)]
    if check.robust and check.not_robust:
        return [say_("robust.some", years=check.robust, others=check.not_robust)]
    if check.not_robust:
        return [say_("robust.none", years=check.not_robust)]
    return []
