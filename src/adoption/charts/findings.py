"""Titles that state the finding, worded from the statistics, never from hope.

A title is a claim a blogger will quote. Each wording here is chosen from the
comparison table of `adoption.stats` (`check_claim(...).comparison`): "were
ahead ... in every year" only when the interval of the gap excludes zero in
every year; "led ... but the lead is clear only in" when the nonprofit share was
higher every year but not every gap is beyond sampling error (or could not be
tested); a plain statement of who led when, otherwise.

French nouns in `series.toml` are plural ("les entreprises du Fortune 500"), so
"devançaient" agrees; "de" + "les" is contracted to "des" where needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from adoption.charts.i18n import (
    capitalise,
    colon,
    from_to,
    in_years,
    join,
    platform_in_sentence,
)


@dataclass(frozen=True)
class Verdict:
    """Who led in which years, from one comparison table (years both series cover)."""

    years: tuple[int, ...]
    nonprofit_led: tuple[int, ...]  # nonprofit share higher
    business_led: tuple[int, ...]
    nonprofit_clear: tuple[int, ...]  # interval of the gap above zero
    business_clear: tuple[int, ...]

    @property
    def nonprofit_clear_every_year(self) -> bool:
        return self.nonprofit_clear == self.years

    @property
    def business_clear_every_year(self) -> bool:
        return self.business_clear == self.years


def verdict(comparison: pd.DataFrame) -> Verdict:
    """Read a `compare_sectors` table (columns `year`, `difference`, `leader`)."""
    def years(mask: pd.Series) -> tuple[int, ...]:
        return tuple(int(y) for y in comparison.loc[mask, "year"])

    return Verdict(
        years=years(comparison["year"].notna()),
        nonprofit_led=years(comparison["difference"] > 0),
        business_led=years(comparison["difference"] < 0),
        nonprofit_clear=years(comparison["leader"] == "nonprofit"),
        business_clear=years(comparison["leader"] == "business"),
    )


def of_noun(noun: str, lang: str) -> str:
    """"of the Fortune 500" / "des entreprises du Fortune 500" (French contractions)."""
    if lang == "en":
        return f"of {noun}"
    for article, contracted in (("les ", "des "), ("le ", "du ")):
        if noun.startswith(article):
            return contracted + noun[len(article):]
    return f"de {noun}"


def comparison_title(nonprofit: str, business: str, platform: str, found: Verdict,
                     lang: str) -> str:
    """One nonprofit series against one business series (nouns from `series.toml`)."""
    return comparison_title_several(nonprofit, [business], platform, [found], lang)


def comparison_title_several(nonprofit: str, businesses: Sequence[str], platform: str,
                             verdicts: Sequence[Verdict], lang: str) -> str:
    """One nonprofit series against one or several business series on one platform."""
    on = platform_in_sentence(platform, lang)
    years = sorted({year for found in verdicts for year in found.years})
    every = _every_year(years, lang)
    others = join(businesses, lang)
    if all(found.nonprofit_clear_every_year for found in verdicts):
        if lang == "en":
            return capitalise(f"{nonprofit} were ahead of {others} on {on} {every}")
        return capitalise(f"{nonprofit} devançaient {others} pour {on} {every}")
    if all(found.business_clear_every_year for found in verdicts):
        if lang == "en":
            return capitalise(f"{others} were ahead of {nonprofit} on {on} {every}")
        return capitalise(f"{others} devançaient {nonprofit} pour {on} {every}")
    if all(found.nonprofit_led == found.years for found in verdicts):
        qualifiers = [_clear_only(business if len(businesses) > 1 else "", found, lang)
                      for business, found in zip(businesses, verdicts, strict=True)
                      if not found.nonprofit_clear_every_year]
        if lang == "en":
            lead = f"{nonprofit} led {others} on {on} {every}"
        else:
            lead = f"{nonprofit} devançaient {others} pour {on} {every}"
        joiner = ", but " if lang == "en" else ", mais "
        return capitalise(lead + joiner + join(qualifiers, lang))
    return _mixed(nonprofit, businesses[0], on, verdicts[0], lang)


def _every_year(years: Sequence[int], lang: str) -> str:
    if len(years) == 1:
        return in_years(years, lang)
    if lang == "en":
        return f"in every year, {from_to(years, lang)}"
    return f"chaque année {from_to(years, lang)}"


def _clear_only(business: str, found: Verdict, lang: str) -> str:
    """"the lead [over X] is clear only in 2008 and 2009" (or "is never clear"); `business`
    is named only when the chart compares several."""
    several = len(found.years) > 1
    if lang == "en":
        over = f"the lead over {business}" if business else "the lead"
        if not several:
            return "not clearly"
        if not found.nonprofit_clear:
            return f"{over} is never clear"
        return f"{over} is clear only {in_years(found.nonprofit_clear, lang)}"
    if not several:
        return "pas nettement"
    over = f"l’avance sur {business}" if business else "l’avance"
    if not found.nonprofit_clear:
        return f"{over} n’est jamais nette"
    return f"{over} n’est nette qu’{in_years(found.nonprofit_clear, lang)}"


def _mixed(nonprofit: str, business: str, on: str, found: Verdict, lang: str) -> str:
    """Neither side led in every year: say who led when."""
    span = from_to(found.years, lang)
    parts = []
    if lang == "en":
        if found.nonprofit_led:
            parts.append(f"{nonprofit} ahead {in_years(found.nonprofit_led, lang)}")
        if found.business_led:
            parts.append(f"{business} ahead {in_years(found.business_led, lang)}")
        return f"No consistent leader on {on}, {span}{colon(lang)}" + ", ".join(parts)
    if found.nonprofit_led:
        parts.append(f"{nonprofit} en tête {in_years(found.nonprofit_led, lang)}")
    if found.business_led:
        parts.append(f"{business} en tête {in_years(found.business_led, lang)}")
    return f"Aucun meneur constant pour {on} {span}{colon(lang)}" + ", ".join(parts)


def synthetic_title(title: str, lang: str) -> str:
    """Prefix a title drawn from synthetic data, so the title quoted alone still says so."""
    prefix = "Synthetic data" if lang == "en" else "Données synthétiques"
    return f"{prefix}{colon(lang)}{title[:1].lower()}{title[1:]}"
