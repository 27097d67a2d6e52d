"""Survey headers and labels as people really write them: French headers, SPSS and
Stata value labels, a caller's own header names. Every version of the same survey
gives the same adoption table, and the counts in it are the ones counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import adoption
from adoption.cli import main
from adoption.problems import DataError

# The survey in English: 2 nonprofits and 2 businesses, two waves. B2 did not
# answer about Twitter in 2010.
ENGLISH = pd.DataFrame({
    "org_id": ["A1", "A2", "B1", "B2"] * 2,
    "org_name": ["Croix-Rouge québécoise", "Les Petits Frères", "Société Générale",
                 "Acme"] * 2,
    "sector": ["nonprofit", "nonprofit", "business", "business"] * 2,
    "year": [2010] * 4 + [2011] * 4,
    "size_band": ["large", "small", "large", "small"] * 2,
    "weight": [1.5, 3.0, 2.0, 1.0] * 2,
    "uses_twitter": ["yes", "no", "yes", "", "yes", "yes", "no", "no"],
    "uses_blog": ["no", "no", "yes", "no", "yes", "no", "yes", "no"],
})
FRENCH_HEADERS = {"org_id": "ID organisation", "org_name": "nom_organisation",
                  "sector": "Secteur", "year": "année", "size_band": "taille",
                  "weight": "poids", "uses_twitter": "utilise_twitter",
                  "uses_blog": "Utilisé blogue"}
FRENCH_SECTORS = {"nonprofit": "OBNL", "business": "entreprise"}
FRENCH_ANSWERS = {"yes": "oui", "no": "non", "": "ne sait pas"}
# Survey software stores answers as numbers, with value labels (and 9 = "ne sait
# pas" declared missing in SPSS).
CODES = {"sector": {"nonprofit": 1, "business": 2}, "answer": {"yes": 1, "no": 2, "": 9}}
VALUE_LABELS = {"Secteur": {1: "OBNL", 2: "entreprise"},
                "utilise_twitter": {1: "oui", 2: "non", 9: "ne sait pas"},
                "Utilisé_blogue": {1: "Oui", 2: "Non", 9: "ne sait pas"}}


def english(weights: bool) -> pd.DataFrame:
    return ENGLISH if weights else ENGLISH.drop(columns="weight")


def french(weights: bool) -> pd.DataFrame:
    frame = english(weights).assign(
        sector=ENGLISH["sector"].map(FRENCH_SECTORS),
        uses_twitter=ENGLISH["uses_twitter"].map(FRENCH_ANSWERS),
        uses_blog=ENGLISH["uses_blog"].map(FRENCH_ANSWERS))
    return frame.rename(columns=FRENCH_HEADERS)


def coded(weights: bool) -> pd.DataFrame:
    """The French survey as SPSS or Stata hold it: numbers, labelled."""
    frame = english(weights).assign(
        sector=ENGLISH["sector"].map(CODES["sector"]),
        uses_twitter=ENGLISH["uses_twitter"].map(CODES["answer"]),
        uses_blog=ENGLISH["uses_blog"].map(CODES["answer"]))
    # Neither format allows spaces in a variable's name.
    return frame.rename(columns={k: v.replace(" ", "_") for k, v in FRENCH_HEADERS.items()})


def write_french_csv(frame: pd.DataFrame, path) -> None:
    """As French Excel exports it: semicolons, decimal commas, Windows-1252."""
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")


def write_sav(frame: pd.DataFrame, path) -> None:
    pyreadstat.write_sav(frame, str(path), variable_value_labels=VALUE_LABELS,
                         missing_ranges={"utilise_twitter": [9], "Utilisé_blogue": [9]})


def write_dta(frame: pd.DataFrame, path) -> None:
    # Stata has no declared missing codes: an unanswered question is missing (.).
    frame = frame.replace({"utilise_twitter": {9: np.nan}, "Utilisé_blogue": {9: np.nan}})
    pyreadstat.write_dta(frame, str(path), variable_value_labels=VALUE_LABELS)


WRITERS = {
    "french.csv": lambda weights, path: write_french_csv(french(weights), path),
    "french.xlsx": lambda weights, path: french(weights).to_excel(path, index=False),
    "labelled.sav": lambda weights, path: write_sav(coded(weights), path),
    "labelled.dta": lambda weights, path: write_dta(coded(weights), path),
}


def table_of(tmp_path, kind: str, weights: bool) -> pd.DataFrame:
    folder = tmp_path / kind
    folder.mkdir()
    path = folder / f"vague3{kind[kind.index('.'):]}"  # the series is named after the file
    if kind == "english.csv":
        english(weights).to_csv(path, index=False)
    else:
        WRITERS[kind](weights, path)
    return adoption.load_table(path)


@pytest.mark.parametrize("weights", [True, False], ids=["weighted", "unweighted"])
@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_version_gives_the_same_adoption_table(tmp_path, kind, weights):
    expected = table_of(tmp_path, "english.csv", weights)
    # The study names the file read (vague3.csv, vague3.sav): all else is the same.
    pd.testing.assert_frame_equal(table_of(tmp_path, kind, weights).drop(columns="study"),
                                  expected.drop(columns="study"))


def test_the_english_table_is_the_hand_count(tmp_path):
    table = table_of(tmp_path, "english.csv", weights=True).set_index(
        ["sector", "year", "platform"])
    twitter_2010 = table.loc[("nonprofit", 2010, "twitter")]
    assert (twitter_2010["adopters"], twitter_2010["n"]) == (1, 2)
    assert twitter_2010["share_weighted"] == pytest.approx(1.5 / 4.5)
    business_2010 = table.loc[("business", 2010, "twitter")]  # B2 did not answer
    assert (business_2010["adopters"], business_2010["n"]) == (1, 1)
    blog_2011 = table.loc[("business", 2011, "blog")]
    assert (blog_2011["adopters"], blog_2011["n"]) == (1, 2)
    assert blog_2011["share_weighted"] == pytest.approx(2 / 3)


def test_french_survey_rows_keep_names_and_covariates(tmp_path):
    path = tmp_path / "vague3.csv"
    write_french_csv(french(weights=True), path)
    survey = adoption.load_survey(path)
    assert survey["org_name"].tolist() == ENGLISH["org_name"].tolist()
    assert survey["size_band"].tolist() == ENGLISH["size_band"].tolist()
    assert survey["weight"].tolist() == ENGLISH["weight"].tolist()


def test_spss_value_labels_are_what_is_read(tmp_path):
    """2 = non: without its label, 2 is no yes/no answer at all."""
    path = tmp_path / "vague3.sav"
    write_sav(coded(weights=False), path)
    survey = adoption.load_survey(path)
    assert survey["uses_twitter"].tolist() == [True, False, True, pd.NA, True, True, False,
                                               False]
    assert survey["sector"].tolist()[:3] == ["nonprofit", "nonprofit", "business"]


def test_french_file_validates(capsys, tmp_path):
    path = tmp_path / "vague3.csv"
    write_french_csv(french(weights=True), path)
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "no problems in 1 file"


def test_problems_name_the_french_header(tmp_path):
    path = tmp_path / "vague3.csv"
    frame = french(weights=True)
    frame.loc[2, "utilise_twitter"] = "peut-être"
    write_french_csv(frame, path)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:4: column 'utilise_twitter': 'peut-être' is not a yes/no answer (expected "
        "yes/no (yes, y, true, 1, oui, vrai / no, n, false, 0, non, faux) or empty)"]


@pytest.mark.parametrize(("header", "meant", "expected"), [
    ("secteru", "secteur", "'secteur' ('sector'): the organisation's sector"),
    ("sectr", "sector", "'sector': the organisation's sector"),
    ("anne", "annee", "'annee' ('year'): the survey wave"),
    ("poid", "poids", "'poids' ('weight')"),
    ("utilse_twitter", "utilise_twitter", "'utilise_twitter'"),
])
def test_typos_are_named_in_either_language(tmp_path, header, meant, expected):
    path = tmp_path / "vague3.csv"
    original = {"secteru": "Secteur", "sectr": "Secteur", "anne": "année", "poid": "poids",
                "utilse_twitter": "utilise_twitter"}[header]
    write_french_csv(french(weights=True).rename(columns={original: header}), path)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path)
    typo = [p for p in caught.value.problems if p.column == header]
    assert [(p.line, p.message, p.expected) for p in typo] == [
        (1, f"unknown column, probably a typo of '{meant}'", expected)]


def test_an_unknown_header_is_still_kept_as_a_covariate(tmp_path):
    path = tmp_path / "vague3.csv"
    write_french_csv(french(weights=True).assign(region="Québec"), path)
    assert adoption.load_survey(path)["region"].unique().tolist() == ["Québec"]


def test_two_headers_for_one_column(tmp_path):
    path = tmp_path / "vague3.csv"
    write_french_csv(french(weights=True).assign(year=2010), path)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: column 'année': means 'year', like column 'year' (expected one column "
        "for each meaning)"]


CALLERS_HEADERS = {"org_id": "org", "sector": "kind", "year": "wave", "weight": "w",
                   "uses_twitter": "tw", "uses_blog": "Blog used?"}


def test_a_caller_can_name_more_headers(tmp_path):
    mapping = {theirs: ours for ours, theirs in CALLERS_HEADERS.items()}
    path = tmp_path / "vague3.csv"
    ENGLISH.rename(columns=CALLERS_HEADERS).to_csv(path, index=False)
    expected = table_of(tmp_path, "english.csv", weights=True)
    pd.testing.assert_frame_equal(adoption.load_table(path, columns=mapping), expected)
    survey = adoption.load_survey(path, columns=mapping)
    assert survey["uses_twitter"].tolist()[:4] == [True, False, True, pd.NA]
    with pytest.raises(DataError, match="column 'org_id': required column is missing"):
        adoption.load_survey(path)


def test_a_callers_mapping_must_name_survey_columns(tmp_path):
    path = tmp_path / "vague3.csv"
    ENGLISH.to_csv(path, index=False)
    with pytest.raises(ValueError, match="'org' is mapped to 'orgid', which is not a survey "
                                         "column"):
        adoption.load_survey(path, columns={"org": "orgid"})


def test_a_callers_mapping_that_clashes_with_a_header(tmp_path):
    path = tmp_path / "vague3.csv"
    ENGLISH.assign(org=ENGLISH["org_id"]).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path, columns={"org": "org_id", "org_id": "org_name"})
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: column 'org_id': means 'org_name', like column 'org_name' (expected one "
        "column for each meaning)"]
