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

import math
from collections.abc import Sequence
from dataclasses import dataclass

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


# --- Messages: reasons, notes and caveats that results carry, in both languages ---
#
# A result says *why* (a refusal, a note on the model, a caveat on a figure) as a
# `Message`: a key into MESSAGES and the values to fill in. `str(message)` is the
# English text; `message.text("fr")` the French one, with French number formats.

_NB = NARROW_NBSP
MESSAGES: dict[str, dict[str, str]] = {
    # diffusion
    "too_few_years": {
        "en": "only {count} year(s) with a known sample size; a diffusion curve needs at "
              "least {needed}",
        "fr": f"seulement {{count}} année(s) avec une taille d’échantillon connue{_NB}; une "
              "courbe de diffusion en demande au moins {needed}",
    },
    "curve_not_converged": {
        "en": "the logistic curve fit did not converge",
        "fr": "l’ajustement de la courbe logistique n’a pas convergé",
    },
    "no_rise": {
        "en": "adoption did not rise over these years (fitted slope is not positive), so "
              "there is no year of reaching 50%",
        "fr": f"l’adoption n’a pas progressé sur ces années (pente ajustée non positive){_NB}: "
              f"il n’y a donc pas d’année où elle atteint 50{_NB}%",
    },
    "midpoint_far": {
        "en": "the fitted curve crosses 50% only around {year}, more than {limit} years from "
              "the years observed ({first}-{last})",
        "fr": f"la courbe ajustée ne franchit 50{_NB}% que vers {{year}}, à plus de {{limit}} "
              "ans des années observées ({first}-{last})",
    },
    "bootstrap_failed": {
        "en": "in {failed} of {resamples} bootstrap resamples the curve did not rise or the "
              "fit failed, so the 50% year has no finite interval",
        "fr": "dans {failed} rééchantillonnages bootstrap sur {resamples}, la courbe n’a pas "
              f"progressé ou l’ajustement a échoué{_NB}: l’année des 50{_NB}% n’a pas "
              "d’intervalle fini",
    },
    "interval_unbounded": {
        "en": "the {level} bootstrap interval of the 50% year ({low} to {high}) reaches more "
              "than {limit} years beyond the data: the data cannot pin it down",
        "fr": f"l’intervalle bootstrap à {{level}} de l’année des 50{_NB}% ({{low}} à {{high}}) "
              f"s’étend à plus de {{limit}} ans au-delà des données{_NB}: les données ne "
              "permettent pas de la situer",
    },
    "no_known_n": {
        "en": "no figure with a known sample size",
        "fr": "aucun chiffre dont la taille d’échantillon soit connue",
    },
    "year_left_out_no_n": {
        "en": "{year} left out: sample size not published",
        "fr": f"{{year}} écartée{_NB}: taille d’échantillon non publiée",
    },
    # trend
    "series_year_no_n": {
        "en": "{series} {year}: sample size not published",
        "fr": f"{{series}} {{year}}{_NB}: taille d’échantillon non publiée",
    },
    "outside_common_years": {
        "en": "{series} {year}: outside {first}-{last}, the years both sectors cover",
        "fr": f"{{series}} {{year}}{_NB}: hors de {{first}}-{{last}}, les années couvertes par "
              "les deux secteurs",
    },
    "side_too_few_years": {
        "en": "the {side} have {count} usable year(s) on {platform} (a known sample size, "
              "within the years both sectors cover); a trend needs at least 2",
        "fr": f"{{side}} n’ont que {{count}} année(s) utilisable(s) pour {{platform}} "
              "(taille d’échantillon connue, dans les années couvertes par les deux "
              f"secteurs){_NB}; une tendance en demande au moins 2",
    },
    "trend_not_fitted": {
        "en": "the logistic trend model could not be fitted: {error}",
        "fr": f"le modèle logistique de tendance n’a pas pu être ajusté{_NB}: {{error}}",
    },
    "trend_not_identified": {
        "en": "the logistic trend model is not identified: shares of 0% or 100% (or too few "
              "distinct years) push its estimates to infinity",
        "fr": f"le modèle logistique de tendance n’est pas identifié{_NB}: des parts de 0{_NB}% "
              f"ou 100{_NB}% (ou trop peu d’années distinctes) rendent ses estimations infinies",
    },
    "synthetic_data": {
        "en": "SYNTHETIC data, illustrative only",
        "fr": "données SYNTHÉTIQUES, à titre d’illustration seulement",
    },
    "saturated_model": {
        "en": "as many figures as model parameters: nothing is left to check for year-to-year "
              "variation beyond sampling, so the intervals may be too narrow",
        "fr": f"autant de chiffres que de paramètres{_NB}: rien ne permet de vérifier une "
              "variation d’une année à l’autre au-delà de l’échantillonnage, les intervalles "
              "peuvent donc être trop étroits",
    },
    "overdispersed": {
        "en": "figures vary {scale} times more than sampling alone explains; intervals are "
              "widened accordingly (quasi-binomial)",
        "fr": f"les chiffres varient {{scale}} fois plus que le seul échantillonnage ne "
              f"l’explique{_NB}; les intervalles sont élargis en conséquence (quasi-binomial)",
    },
    # caveats on one figure
    "no_n_no_interval": {
        "en": "{series} {year}: sample size not published, no interval",
        "fr": f"{{series}} {{year}}{_NB}: taille d’échantillon non publiée, pas d’intervalle",
    },
    "self_selected": {
        "en": "{series} {year}: self-selected respondents, the interval describes no "
              "population",
        "fr": f"{{series}} {{year}}{_NB}: répondants volontaires, l’intervalle ne décrit "
              "aucune population",
    },
    "as_cited": {
        "en": "{series} {year}: figure as cited by a later study",
        "fr": f"{{series}} {{year}}{_NB}: chiffre cité par une étude ultérieure",
    },
    "approximate": {
        "en": "{series} {year}: approximate figure",
        "fr": f"{{series}} {{year}}{_NB}: chiffre approximatif",
    },
    "synthetic_figure": {
        "en": "{series} {year}: SYNTHETIC illustrative data",
        "fr": f"{{series}} {{year}}{_NB}: données SYNTHÉTIQUES d’illustration",
    },
}
_UNBOUNDED = {"en": "unbounded", "fr": "sans borne"}


@dataclass(frozen=True)
class Message:
    """A reason, note or caveat a result carries, renderable in English or French."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "en") -> str:
        template = MESSAGES[self.key][check_lang(lang)]
        return template.format(**{name: _shown(name, value, lang)
                                  for name, value in self.values})

    def __str__(self) -> str:
        return self.text("en")


def message(key: str, **values: object) -> Message:
    if key not in MESSAGES:
        raise KeyError(f"no message {key!r} in MESSAGES")
    return Message(key, tuple(sorted(values.items())))


def render(messages: Sequence[Message | None], lang: str = "en") -> str | None:
    """Messages joined as one text ("; " or " ; "), repeats dropped; None if there are none."""
    texts = dict.fromkeys(m.text(lang) for m in messages if m is not None)
    return semicolon(lang).join(texts) or None


def _shown(name: str, value: object, lang: str) -> str:
    """A value as it reads in a sentence: years plain, levels as percentages, sectors and
    platforms in words."""
    if name == "side":
        return sector_words(str(value), lang)[1]
    if name == "platform":
        return platform_words(str(value), lang)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return _UNBOUNDED[lang]
    if name == "level":
        return format_percent(float(value), lang)
    if isinstance(value, int) or name in ("year", "first", "last", "low", "high"):
        return str(round(value))
    return format_number(value, lang, 0 if float(value).is_integer() else 1)
