"""The claim check: did nonprofits lead businesses, and in which years does the evidence hold?

"Charities lead businesses for the third year running" bundles several claims:
nonprofits had the higher share in each year, the difference in each year is
larger than sampling error could produce, and those years follow one another.
`check_claim` takes them apart from the comparison table (`compare_sectors`):

* the years both series have, and in which of them the nonprofit share was higher;
* the years in which that lead is supported: the interval of the difference
  excludes zero (`leader == "nonprofit"`);
* the longest run of consecutive calendar years with a supported lead (among
  runs of equal length, the most recent, since a claim like "the third year
  running" is about the latest years);
* the years led but not supported, and why: the interval includes zero, or a
  sample size was not published so no interval can be drawn.

`ClaimCheck.sentence(lang="en" | "fr")` states the result in a sentence readers
can quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from adoption.stats._checks import check_confidence
from adoption.stats.compare import compare_sectors, series_rows
from adoption.stats.wording import (
    NARROW_NBSP,
    format_percent,
    join_words,
    platform_words,
    sector_words,
    semicolon,
)

INTERVAL_INCLUDES_ZERO = "interval_includes_zero"
SYNTHETIC_WARNING = {
    "en": "SYNTHETIC DATA, illustrative only:",
    "fr": f"DONNÉES SYNTHÉTIQUES, à titre d’illustration seulement{NARROW_NBSP}:",
}
SAMPLE_SIZE_MISSING = "sample_size_missing"


@dataclass(frozen=True)
class Unsupported:
    """A year in which the nonprofits led but the lead is not supported, and why.

    `reason` is `interval_includes_zero` or `sample_size_missing`; for the latter,
    `series` names the series whose n was not published.
    """

    year: int
    reason: str
    series: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.reason == SAMPLE_SIZE_MISSING:
            return f"{self.year}: sample size not published for {', '.join(self.series)}"
        return f"{self.year}: the interval of the difference includes zero"


@dataclass(frozen=True)
class ClaimCheck:
    """What the data say about "nonprofits led businesses" on one platform.

    Years are calendar years both series have. `led`: the nonprofit share was
    higher; `business_led`: the business share was higher; `supported`: the
    nonprofit lead's interval excludes zero; `longest_run`: the longest run of
    consecutive supported years; `not_supported`: the years led but not
    supported, with the reason; `synthetic`: some figure is invented,
    illustrative data (the sentence then says so first). `comparison` is the
    `compare_sectors` table it was read from.
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
    comparison: pd.DataFrame = field(repr=False, compare=False)

    def sentence(self, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
        """The result as sentences a reader can quote, in English (`en`) or French (`fr`).

        `names` maps series ids to the names readers know ("Inc. 500"); without
        it, series are named by their ids.
        """
        return _Sentence(self, lang, names or {}).build()


def check_claim(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str,
    business: str,
    confidence: float = 0.95,
) -> ClaimCheck:
    """Check "nonprofits led businesses" for two series on one platform (module docstring)."""
    confidence = check_confidence(confidence)
    comparison = compare_sectors(table, platform, nonprofit, business, confidence)
    led = comparison["difference"] > 0
    supported = comparison["leader"] == "nonprofit"
    supported_years = _years(comparison, supported)
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
        comparison=comparison,
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
    if row["leader"] == "unknown":
        missing = tuple(
            str(row[f"{side}_series"])
            for side in ("nonprofit", "business")
            if pd.isna(row[f"{side}_low"])
        )
        return Unsupported(year, SAMPLE_SIZE_MISSING, missing)
    return Unsupported(year, INTERVAL_INCLUDES_ZERO)


def _years(comparison: pd.DataFrame, mask: pd.Series) -> tuple[int, ...]:
    return tuple(int(year) for year in comparison.loc[mask, "year"])


def _sector(rows: dict[int, pd.Series]) -> str:
    return str(next(iter(rows.values()))["sector"])


def _any_synthetic(rows: dict[int, pd.Series]) -> bool:
    return any(bool(row.get("synthetic", False)) for row in rows.values())


class _Sentence:
    """Builds `ClaimCheck.sentence`: one template per language, clauses joined by ";"."""

    def __init__(self, check: ClaimCheck, lang: str, names: Mapping[str, str]):
        self.check = check
        self.lang = lang
        self.names = names
        self.en = lang == "en"
        self.nonprofits = sector_words(check.nonprofit_sector, lang)
        self.businesses = sector_words(check.business_sector, lang)
        self.platform = platform_words(check.platform, lang)
        self.level = format_percent(check.confidence, lang)

    def build(self) -> str:
        check = self.check
        if not check.led:
            sentences = [self._never_led()]
        else:
            clauses = [self._led(), self._supported(), *self._unsupported()]
            sentences = [semicolon(self.lang).join(clauses) + "."]
            if check.longest_run:
                sentences.append(self._run())
        if check.business_led:
            sentences.append(self._business_led())
        if check.synthetic:
            sentences.insert(0, SYNTHETIC_WARNING[self.lang])
        return " ".join(sentences)

    def _years(self, years: tuple[int, ...] | list[int]) -> str:
        return join_words(years, self.lang)

    def _subject_and_object(self) -> tuple[str, str]:
        check = self.check
        return (f"{self.nonprofits[0]} ({self._name(check.nonprofit)})",
                f"{self.businesses[1]} ({self._name(check.business)})")

    def _name(self, series: str) -> str:
        return self.names.get(series, series)

    def _never_led(self) -> str:
        subject, obj = self._subject_and_object()
        years = self._years(self.check.years)
        if self.en:
            return (f"{subject} did not lead {obj} on {self.platform} in any year both "
                    f"cover ({years}).")
        return (f"{subject} ne devançaient {obj} pour {self.platform} en aucune des années "
                f"couvertes par les deux ({years}).")

    def _led(self) -> str:
        subject, obj = self._subject_and_object()
        years = self._years(self.check.led)
        if self.en:
            return f"{subject} led {obj} on {self.platform} in {years}"
        return f"{subject} devançaient {obj} pour {self.platform} en {years}"

    def _supported(self) -> str:
        supported = self.check.supported
        if self.en:
            if not supported:
                return "the lead is supported in none of these years"
            return (f"the lead is supported in {self._years(supported)} (the {self.level} "
                    "interval of the gap excludes zero)")
        if not supported:
            return "l’avance n’est établie en aucune de ces années"
        return (f"l’avance est établie en {self._years(supported)} (l’intervalle à "
                f"{self.level} de l’écart exclut zéro)")

    def _unsupported(self) -> list[str]:
        clauses = []
        crossing = [u.year for u in self.check.not_supported if u.reason == INTERVAL_INCLUDES_ZERO]
        if crossing:
            clauses.append(
                f"it is not supported in {self._years(crossing)} (the interval includes zero)"
                if self.en else
                f"elle n’est pas établie en {self._years(crossing)} (l’intervalle inclut zéro)"
            )
        by_series: dict[tuple[str, ...], list[int]] = {}
        for u in self.check.not_supported:
            if u.reason == SAMPLE_SIZE_MISSING:
                by_series.setdefault(u.series, []).append(u.year)
        for series, years in by_series.items():
            names = join_words([self._name(name) for name in series], self.lang)
            clauses.append(
                f"it cannot be tested in {self._years(years)} (sample size not published "
                f"for {names})"
                if self.en else
                f"elle ne peut pas être vérifiée en {self._years(years)} (taille "
                f"d’échantillon non publiée pour {names})"
            )
        return clauses

    def _run(self) -> str:
        run = self.check.longest_run
        count = len(run)
        if self.en:
            years = "year" if count == 1 else "years"
            span = str(run[0]) if count == 1 else f"{run[0]} to {run[-1]}"
            return (f"The longest run of consecutive years with a supported lead: {span} "
                    f"({count} {years}).")
        years = "an" if count == 1 else "ans"
        span = str(run[0]) if count == 1 else f"de {run[0]} à {run[-1]}"
        return (f"La plus longue série d’années consécutives où l’avance est établie{NARROW_NBSP}: "
                f"{span} ({count} {years}).")

    def _business_led(self) -> str:
        years = self._years(self.check.business_led)
        if self.en:
            return f"{self.businesses[0]} ({self.check.business}) led in {years}."
        return f"{self.businesses[0]} ({self.check.business}) devançaient en {years}."

