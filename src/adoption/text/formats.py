"""Numbers, percentages, years, dates and lists as each language writes them (Babel, CLDR).

English: 11,196.5 · 65% · +41 · 2007–2010 · "2007, 2008, and 2009" · January 2010.
French:  11 196,5 · 65 % · +41 · 2007–2010 · « 2007, 2008 et 2009 » · janvier 2010,
with the narrow no-break space (U+202F) as thousands separator and before "%".
Both languages write a negative number with the minus sign U+2212 and year ranges
with an en dash.

`FORMATS` maps the format specs the catalogs use (`{share:percent}`) to these
functions; each takes the value and the language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

LANGUAGES = ("en", "fr")
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
EN_DASH = "\u2013"
MINUS = "\u2212"
# CLDR's French is France's; Quebec writes the same numbers with a no-break space for
# thousands where we use the narrow one, which the Office québécois de la langue
# française also accepts (see text/README.md).
LOCALES = {"en": "en", "fr": "fr"}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def number(value: float, lang: str, decimals: int = 0) -> str:
    """11,196 (en) or 11 196 (fr), with `decimals` decimals and a true minus sign."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=LOCALES[check_lang(lang)],
                          decimal_quantization=True)
    return text.replace("-", MINUS).replace(NBSP, NARROW_NBSP)


def percent(fraction: float, lang: str, decimals: int | None = None) -> str:
    """0.65 -> "65%" / "65 %"; at most one decimal unless told (74.2%, not 74.20%)."""
    value = 100 * fraction
    if decimals is None:
        decimals = 0 if abs(round(value) - value) < 0.05 else 1
    sign = "%" if lang == "en" else f"{NARROW_NBSP}%"
    return number(value, lang, decimals) + sign


def level(confidence: float, lang: str) -> str:
    """A confidence level with as many decimals as it needs: 95%, 99.5%."""
    value = 100 * confidence
    decimals = next((d for d in range(7) if abs(round(value, d) - value) < 1e-9), 6)
    return percent(confidence, lang, decimals)


def points(value: float, lang: str, decimals: int = 0) -> str:
    """A gap or change in percentage points, signed: +41, −3, 0."""
    text = number(abs(value), lang, decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def p_value(value: float, lang: str) -> str:
    """"< 0.001", "0.009", "0.71" ("< 0,001", "0,009", "0,71" in French); "–" if none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EN_DASH
    if value < 0.001:
        return f"<{NBSP}" + number(0.001, lang, 3)
    return number(value, lang, 3 if value < 0.01 else 2)


def year_span(years: Iterable[int]) -> str:
    """"2007–2010" for a range, "2009" for one year, "" for none."""
    ordered = sorted({int(year) for year in years})
    if not ordered:
        return ""
    first, last = ordered[0], ordered[-1]
    return str(first) if first == last else f"{first}{EN_DASH}{last}"


def year_list(years: Iterable[int], lang: str) -> str:
    """Years with runs of three or more as ranges: "2007–2009 and 2012"."""
    runs: list[list[int]] = []
    for year in sorted({int(year) for year in years}):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts: list[str] = []
    for run in runs:
        parts += [year_span(run)] if len(run) > 2 else [str(year) for year in run]
    return join(parts, lang)


def join(items: Sequence[object], lang: str) -> str:
    """"a, b, and c" / "a, b et c" (CLDR's list patterns)."""
    words = [str(item) for item in items]
    if not words:
        return ""
    return format_list(words, locale=LOCALES[check_lang(lang)])


def clauses(items: Sequence[str], lang: str) -> str:
    """Clauses of one sentence joined by semicolons ("a; b" / "a ; b")."""
    return ("; " if check_lang(lang) == "en" else f"{NARROW_NBSP}; ").join(items)


def month(value: dt.date, lang: str) -> str:
    """"January 2010" / "janvier 2010"."""
    return format_date(value, "MMMM y", locale=LOCALES[check_lang(lang)])


def date(value: dt.date, lang: str) -> str:
    """"January 5, 2010" / "5 janvier 2010"."""
    return format_date(value, "long", locale=LOCALES[check_lang(lang)])


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("the Fortune 500" -> "The Fortune 500")."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Fixed:
    """A number to be written with a set number of decimals (and a sign, if `signed`),
    where the decimals depend on the data (a median of 0.71 or of 1,250)."""

    value: float
    decimals: int
    signed: bool = False


def default_format(value: object, lang: str) -> str:
    """A value with no format spec: text as is, whole numbers plain (years are whole
    numbers and take no thousands separator), other numbers with one decimal."""
    if isinstance(value, str):
        return value
    if isinstance(value, Fixed):
        write = points if value.signed else number
        return write(value.value, lang, value.decimals)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return number(value, lang, 0 if value.is_integer() else 1)
    return str(value)


def _year(value: float) -> str:
    """A (fractional) year rounded to a whole one; an unbounded end as ∞."""
    if not math.isfinite(value):
        return "\u221e" if value > 0 else MINUS + "\u221e"
    return str(round(value))


def _decimals(function: Callable[..., str], decimals: int) -> Callable[[object, str], str]:
    return lambda value, lang: function(float(value), lang, decimals)  # type: ignore[arg-type]


FORMATS: dict[str, Callable[[object, str], str]] = {
    "int": _decimals(number, 0),
    "number": _decimals(number, 0),
    "number1": _decimals(number, 1),
    "number2": _decimals(number, 2),
    "number3": _decimals(number, 3),
    "percent": lambda value, lang: percent(float(value), lang),  # type: ignore[arg-type]
    "percent0": _decimals(percent, 0),
    "percent1": _decimals(percent, 1),
    "level": lambda value, lang: level(float(value), lang),  # type: ignore[arg-type]
    "points": _decimals(points, 0),
    "points1": _decimals(points, 1),
    "p": lambda value, lang: p_value(float(value), lang),  # type: ignore[arg-type]
    "year": lambda value, lang: _year(float(value)),  # type: ignore[arg-type]
    "years": lambda value, lang: year_list(value, lang),  # type: ignore[arg-type]
    "in_years": lambda value, lang: ("in " if lang == "en" else "en ")  # type: ignore
    + year_list(value, lang),  # type: ignore[arg-type]
    "span": lambda value, lang: year_span(value),  # type: ignore[arg-type]
    "list": lambda value, lang: join(value, lang),  # type: ignore[arg-type]
    "clauses": lambda value, lang: clauses(value, lang),  # type: ignore[arg-type]
    "month": lambda value, lang: month(value, lang),  # type: ignore[arg-type]
    "date": lambda value, lang: date(value, lang),  # type: ignore[arg-type]
    "Cap": lambda value, lang: capitalise(str(value)),
}
