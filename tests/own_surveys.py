"""Small surveys written by the tests of `adoption report --data`, with hand counts.

Two waves (2021, 2022) of the same 20 organisations, 10 nonprofits and 10 businesses.
Twitter users: nonprofits 6 then 8 of 10, businesses 3 then 5 of 10; Facebook users:
nonprofits 7 then 9, businesses 6 then 8. The same answers are written as an analyst
would have them: a French CSV (`secteur`, `année`, `poids`, `utilise_twitter`, OBNL /
entreprise, oui / non), an English workbook, and SPSS and Stata files whose answers are
codes with value labels (1 = OBNL, 1 = oui).
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pyreadstat

ORGANISATIONS = 20
YEARS = (2021, 2022)
USERS = {  # (sector, year) -> (twitter users, facebook users), of 10
    ("nonprofit", 2021): (6, 7), ("nonprofit", 2022): (8, 9),
    ("business", 2021): (3, 6), ("business", 2022): (5, 8),
}
CODES = {"secteur": {1: "OBNL", 2: "entreprise"},
         "utilise_twitter": {0: "non", 1: "oui"}, "utilise_facebook": {0: "non", 1: "oui"}}


def answers(weights: bool = True) -> pd.DataFrame:
    """The answers, in the schema's own words: one row per organisation and wave."""
    rows = []
    for (sector, year), (twitter, facebook) in USERS.items():
        for number in range(10):
            rows.append({"org_id": f"{sector[0].upper()}{number:02d}", "sector": sector,
                         "year": year, "weight": 1.0 if sector == "nonprofit" else 2.5,
                         "uses_twitter": number < twitter, "uses_facebook": number < facebook})
    frame = pd.DataFrame(rows)
    return frame if weights else frame.drop(columns="weight")


def coded(weights: bool) -> pd.DataFrame:
    """The answers with French headers, as codes (for SPSS and Stata value labels)."""
    frame = answers(weights).rename(columns={
        "org_id": "id_organisation", "sector": "secteur", "year": "annee", "weight": "poids",
        "uses_twitter": "utilise_twitter", "uses_facebook": "utilise_facebook"})
    frame["secteur"] = frame["secteur"].map({"nonprofit": 1, "business": 2})
    for column in ("utilise_twitter", "utilise_facebook"):
        frame[column] = frame[column].astype(int)
    return frame


def write_french_csv(path: Path, weights: bool = True) -> Path:
    frame = coded(weights).rename(columns={"annee": "année"})
    frame["secteur"] = frame["secteur"].map(CODES["secteur"])
    for column in ("utilise_twitter", "utilise_facebook"):
        frame[column] = frame[column].map(CODES[column])
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def write_workbook(path: Path, weights: bool = False) -> Path:
    frame = answers(weights)
    for column in ("uses_twitter", "uses_facebook"):
        frame[column] = frame[column].map({True: "yes", False: "no"})
    frame.to_excel(path, index=False)
    return path


def write_sav(path: Path, weights: bool = True) -> Path:
    pyreadstat.write_sav(coded(weights), str(path), variable_value_labels=CODES)
    return path


def write_dta(path: Path, weights: bool = False, renamed: dict[str, str] | None = None
              ) -> Path:
    frame = coded(weights).rename(columns=renamed or {})
    labels = {(renamed or {}).get(name, name): codes for name, codes in CODES.items()}
    pyreadstat.write_dta(frame, str(path), variable_value_labels=labels)
    return path


def write_datapackage(folder: Path, resource: dict, **package: object) -> Path:
    path = folder / "datapackage.json"
    path.write_text(json.dumps({**package, "resources": [resource]}, ensure_ascii=False,
                               indent=2), encoding="utf-8")
    return path


BLOCKS = (r"</?(?:p|h\d|div|li|ul|ol|td|th|tr|table|br|section|main|header|footer|figure"
          r"|figcaption|blockquote|summary|details)\b[^>]*>")


def visible_text(page: str) -> str:
    """What a reader of an HTML page sees, as one line: no styles, scripts or tags."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", "", re.sub(BLOCKS, " ", page)))
    return re.sub(r"[ \t\r\n]+", " ", text)
