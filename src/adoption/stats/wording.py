"""Language basics the charts still import from here while they move to `adoption.text`.

Every word now lives in the catalogs of `adoption.text`; these helpers format with
it (Babel, CLDR) and will go once no module imports them.
"""

from __future__ import annotations

from collections.abc import Sequence

from adoption.text import LANGUAGES, Message, check_lang, message, render, say
from adoption.text.formats import NARROW_NBSP, clauses, join, number, percent

__all__ = ["LANGUAGES", "NARROW_NBSP", "Message", "check_lang", "format_number",
           "format_percent", "join_words", "message", "platform_words", "render",
           "sector_words", "semicolon"]


def sector_words(sector: str, lang: str) -> tuple[str, str]:
    """(subject, object) forms of a sector's name."""
    return say(f"sector.{sector}.subject", lang), say(f"sector.{sector}.noun", lang)


def platform_words(platform: str, lang: str) -> str:
    key = f"platform.{platform}.on"
    from adoption.text import has

    return say(key, lang) if has(key, lang) else platform.replace("_", " ")


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    return number(value, lang, decimals)


def format_percent(fraction: float, lang: str = "en", decimals: int | None = None) -> str:
    if decimals is None:
        value = 100 * fraction
        decimals = next((d for d in range(7) if abs(round(value, d) - value) < 1e-9), 6)
    return percent(fraction, lang, decimals)


def join_words(items: Sequence[object], lang: str) -> str:
    return join(items, lang)


def semicolon(lang: str) -> str:
    return clauses(["", ""], lang)
