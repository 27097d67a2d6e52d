"""The words people really use for sectors and yes/no answers, in English and French.

Survey files, sector maps and spreadsheets typed by hand say "NGO", "OBNL",
"Société", "oui" or "Y". Everything downstream wants `nonprofit` / `business`
and True / False. A label we cannot map is an error that names it; we never
guess and never drop the row.
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


def fold(label: str) -> str:
    """Lower case, accents removed, only letters and digits kept: 'Société ' -> 'societe'."""
    decomposed = unicodedata.normalize("NFKD", str(label).strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain)


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
