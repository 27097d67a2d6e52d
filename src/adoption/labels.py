"""The words people really use for sectors, yes/no answers and survey headers,
in English and French.

Survey files, sector maps and spreadsheets typed by hand say "NGO", "OBNL",
"Société", "oui" or "Y". Everything downstream wants `nonprofit` / `business`
and True / False. A label we cannot map is an error that names it; we never
guess and never drop the row. Value labels of Stata and SPSS files
(`1 = OBNL`, `1 = oui`) are read as their text, so they go through the same
words.

Survey headers may be French (`secteur`, `année`, `poids`, `utilise_twitter`):
`SURVEY_HEADERS` and `PLATFORM_PREFIXES` are the one table of them,
documented in `data/synthetic/README.md`.
"""

from __future__ import annotations

import math
import re
import unicodedata

import pandas as pd

NONPROFIT = "nonprofit"
BUSINESS = "business"
HIGHER_EDUCATION = "higher_education"

# Keys are folded with `fold()`: lower case, no accents, no spaces or punctuation.
_SECTOR_WORDS: dict[str, str] = {
    # nonprofit, English
    "nonprofit": NONPROFIT,
    "nonprofits": NONPROFIT,
    "nonprofitorganization": NONPROFIT,
    "nonprofitorganisation": NONPROFIT,
    "notforprofit": NONPROFIT,
    "nfp": NONPROFIT,
    "ngo": NONPROFIT,
    "npo": NONPROFIT,
    "charity": NONPROFIT,
    "charities": NONPROFIT,
    "charitableorganization": NONPROFIT,
    "charitableorganisation": NONPROFIT,
    "association": NONPROFIT,
    "voluntary": NONPROFIT,
    "thirdsector": NONPROFIT,
    # nonprofit, French (Quebec and France)
    "ong": NONPROFIT,
    "osbl": NONPROFIT,
    "obnl": NONPROFIT,
    "organismesansbutlucratif": NONPROFIT,
    "organismeabutnonlucratif": NONPROFIT,
    "organisationnongouvernementale": NONPROFIT,
    "associationloi1901": NONPROFIT,
    "bienfaisance": NONPROFIT,
    "organismedebienfaisance": NONPROFIT,
    "sansbutlucratif": NONPROFIT,
    # business, English
    "business": BUSINESS,
    "businesses": BUSINESS,
    "company": BUSINESS,
    "companies": BUSINESS,
    "forprofit": BUSINESS,
    "corporation": BUSINESS,
    "corporate": BUSINESS,
    "firm": BUSINESS,
    "commercial": BUSINESS,
    "privatesector": BUSINESS,
    # business, French
    "entreprise": BUSINESS,
    "entreprises": BUSINESS,
    "societe": BUSINESS,
    "compagnie": BUSINESS,
    "abutlucratif": BUSINESS,
    "secteurprive": BUSINESS,
    # the published figures also describe universities
    "highereducation": HIGHER_EDUCATION,
}

SECTOR_WORDS_HELP = (
    "nonprofit (or non-profit, NGO, NPO, charity, ONG, OSBL, OBNL, association) "
    "or business (or company, for-profit, corporation, entreprise, société)"
)

_YES = {"yes", "y", "true", "t", "1", "oui", "o", "vrai", "v", "x"}
_NO = {"no", "n", "false", "f", "0", "non", "faux"}
# Answers that mean "we do not know": kept as missing, not as "no".
_MISSING = {"", "na", "nan", "n/a", "none", "null", "-", "?", "dk", "dontknow", "nsp",
            "nesaitpas", "nr", "sansreponse", "noanswer", "refused"}

YES_NO_HELP = "yes/no (yes, y, true, 1, oui, vrai / no, n, false, 0, non, faux) or empty"

# Survey headers other than the schema's own names, keyed by `header_key` (so
# 'Année', 'ANNEE' and 'année ' are all `annee`) -> the schema's name.
SURVEY_HEADERS: dict[str, str] = {
    "id_organisation": "org_id",
    "organisation": "org_id",
    "identifiant": "org_id",
    "nom_organisation": "org_name",
    "nom_de_l_organisation": "org_name",
    "secteur": "sector",
    "annee": "year",
    "poids": "weight",
    "ponderation": "weight",
    "taille_population": "population_size",
    "taille_de_la_population": "population_size",
    "serie": "series",
    "synthetique": "synthetic",
    # not in the schema, but read by the survey explorer: the organisation's size
    "taille": "size_band",
    "taille_organisation": "size_band",
}
# A platform column is `uses_<platform>`, or in French `utilise_<platform>`.
PLATFORM_PREFIXES: dict[str, str] = {"uses_": "uses_", "utilise_": "uses_"}
# Platforms named in French where the English name differs (Quebec: blogue, balado).
PLATFORM_WORDS: dict[str, str] = {"blogue": "blog", "balado": "podcast",
                                  "video_en_ligne": "online_video"}


def fold(label: str) -> str:
    """Lower case, accents removed, only letters and digits kept: 'Société ' -> 'societe'."""
    decomposed = unicodedata.normalize("NFKD", str(label).strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain)


def header_key(name: object) -> str:
    """A header as matched: lower case, no accents, other runs of punctuation and
    spaces as one `_`: 'Année ' -> 'annee', 'ID-Organisation' -> 'id_organisation'."""
    decomposed = unicodedata.normalize("NFKD", str(name).strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def survey_header(name: object) -> str | None:
    """The schema's name for a French (or other known) survey header, `uses_<p>`
    for a platform column in either language, or None."""
    key = header_key(name)
    if key in SURVEY_HEADERS:
        return SURVEY_HEADERS[key]
    for prefix, canonical in PLATFORM_PREFIXES.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            platform = key[len(prefix):]
            return canonical + PLATFORM_WORDS.get(platform, platform)
    return None


def normalise_sector(label: object) -> str | None:
    """The canonical sector for a label, or None when the label is unknown.

    Missing input (None, NaN, empty) also gives None: callers decide whether a
    missing sector is allowed.
    """
    if _is_missing(label):
        return None
    return _SECTOR_WORDS.get(fold(str(label)))


def parse_yes_no(value: object) -> bool | None:
    """True / False for a yes/no answer, None for missing.

    Raises ValueError naming the value when it is neither.
    """
    if _is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not a yes/no answer")
    text = str(value).strip().casefold()
    key = re.sub(r"\s", "", text)
    if re.fullmatch(r"[01]\.0*", key):  # "1.0" from a spreadsheet that stored numbers
        key = key[0]
    if key in _YES:
        return True
    if key in _NO:
        return False
    if key in _MISSING or fold(text) in _MISSING:
        return None
    raise ValueError(f"{value!r} is not a yes/no answer")


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""
