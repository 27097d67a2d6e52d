"""Words and numbers for the sentences readers quote, in English and French.

Many of the bloggers and journalists who cite our charts write in French, so a
sentence that states a result comes in both languages, with each language's
number conventions: "65%" and "90.5%" in English; "65 %" and "90,5 %" in French,
with a narrow no-break space (U+202F) before the percent sign, ";" and ":", a
decimal comma, a narrow no-break space between thousands and the minus sign
U+2212 (the conventions of the Office québécois de la langue française, which
`adoption.charts.i18n` follows too).
"""

from __future__ import annotations

from collections.abc import Sequence

LANGUAGES = ("en", "fr")
NARROW_NBSP = "\u202f"

# Sector as the subject of a sentence and as its object, per language.
SECTOR_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "nonprofit": ("Nonprofits", "nonprofits"),
        "business": ("Businesses", "businesses"),
        "higher_education": ("Colleges and universities", "colleges and universities"),
    },
    "fr": {
        "nonprofit": ("Les organismes sans but lucratif", "les organismes sans but lucratif"),
        "business": ("Les entreprises", "les entreprises"),
        "higher_education": (
            "Les établissements d’enseignement supérieur",
            "les établissements d’enseignement supérieur",
        ),
    },
}

# "on blogging" / "pour les blogs": the platform as the sentence needs it.
PLATFORM_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "blog": "blogging",
        "twitter": "Twitter",
        "facebook": "Facebook",
        "youtube": "YouTube",
        "linkedin": "LinkedIn",
        "instagram": "Instagram",
        "pinterest": "Pinterest",
        "myspace": "MySpace",
        "foursquare": "Foursquare",
        "google_plus": "Google+",
        "online_video": "online video",
        "podcast": "podcasting",
        "mobile_app": "mobile apps",
        "any_social_media": "social media (any platform)",
    },
    "fr": {
        "blog": "les blogs",
        "twitter": "Twitter",
        "facebook": "Facebook",
        "youtube": "YouTube",
        "linkedin": "LinkedIn",
        "instagram": "Instagram",
        "pinterest": "Pinterest",
        "myspace": "MySpace",
        "foursquare": "Foursquare",
        "google_plus": "Google+",
        "online_video": "la vidéo en ligne",
        "podcast": "les balados (podcasts)",
        "mobile_app": "les applications mobiles",
        "any_social_media": "les médias sociaux (toute plateforme)",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def sector_words(sector: str, lang: str) -> tuple[str, str]:
    """(subject, object) forms of a sector's name; an unknown sector is used as written."""
    return SECTOR_WORDS[check_lang(lang)].get(sector, (sector.capitalize(), sector))


def platform_words(platform: str, lang: str) -> str:
    return PLATFORM_WORDS[check_lang(lang)].get(platform, platform.replace("_", " "))


def format_number(value: float, lang: str = "en", decimals: int = 0) -> str:
    """A number with the language's separators: 11,196.5 (en) or 11 196,5 (fr)."""
    text = f"{value:,.{decimals}f}"
    if check_lang(lang) == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",").replace("-", "−")
    return text


def format_percent(fraction: float, lang: str = "en", decimals: int | None = None) -> str:
    """A fraction as a percentage: 0.65 -> "65%" (en) or "65 %" (fr, narrow no-break space).

    With `decimals=None`, as many decimals as the value needs (0.905 -> 90.5), up
    to 6, which suits confidence levels.
    """
    percent = 100 * fraction
    if decimals is None:
        decimals = _decimals_needed(percent)
    number = format_number(percent, lang, decimals)
    return f"{number}{NARROW_NBSP}%" if lang == "fr" else f"{number}%"


def join_words(items: Sequence[object], lang: str) -> str:
    """"2007, 2008 and 2009" (en) or "2007, 2008 et 2009" (fr); no serial comma."""
    words = [str(item) for item in items]
    conjunction = " and " if check_lang(lang) == "en" else " et "
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + conjunction + words[-1]


def semicolon(lang: str) -> str:
    """The clause separator: "; " in English, " ; " with a narrow no-break space in French."""
    return "; " if check_lang(lang) == "en" else f"{NARROW_NBSP}; "


def _decimals_needed(value: float) -> int:
    for decimals in range(7):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return 6
