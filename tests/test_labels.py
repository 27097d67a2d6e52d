"""Sector and yes/no words, in English and French, as people really type them."""

import pytest

from adoption.labels import fold, header_key, normalise_sector, parse_yes_no, survey_header


@pytest.mark.parametrize("label", [
    "nonprofit", "Non-profit", "NON PROFIT", "not-for-profit", "NGO", "npo", "Charity",
    "charities", "association", "ONG", "OSBL", "OBNL", "Organisme sans but lucratif",
    "organisme à but non lucratif", " ngo ",
])
def test_nonprofit_words(label):
    assert normalise_sector(label) == "nonprofit"


@pytest.mark.parametrize("label", [
    "business", "Company", "for-profit", "For Profit", "corporation", "entreprise",
    "Entreprises", "société", "Societe", "SOCIÉTÉ",
])
def test_business_words(label):
    assert normalise_sector(label) == "business"


@pytest.mark.parametrize("label", ["government", "gouvernement", "school", "n/a", "bizness"])
def test_unknown_sector_words_are_not_guessed(label):
    assert normalise_sector(label) is None


@pytest.mark.parametrize("value", ["yes", "Y", "TRUE", "1", "oui", "Oui", "vrai", 1, 1.0,
                                   True, "1.0"])
def test_yes(value):
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["no", "N", "false", "0", "non", "NON", "faux", 0, 0.0,
                                   False])
def test_no(value):
    assert parse_yes_no(value) is False


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), "n/a", "NA", "ne sait pas",
                                   "don't know"])
def test_unknown_answers_stay_missing(value):
    assert parse_yes_no(value) is None


@pytest.mark.parametrize("value", ["maybe", "peut-être", "2", 3])
def test_unmappable_answer_names_the_value(value):
    with pytest.raises(ValueError, match=repr(value).replace("(", r"\(")):
        parse_yes_no(value)


def test_fold_removes_accents_case_and_punctuation():
    assert fold(" Société-Générale ") == "societegenerale"


@pytest.mark.parametrize(("header", "key"), [
    ("Année ", "annee"), ("ID-Organisation", "id_organisation"), ("Org ID", "org_id"),
    ("Nom de l'organisation", "nom_de_l_organisation"), ("uses_twitter", "uses_twitter"),
])
def test_header_key_ignores_case_accents_and_punctuation(header, key):
    assert header_key(header) == key


@pytest.mark.parametrize(("header", "name"), [
    ("secteur", "sector"), ("Année", "year"), ("annee", "year"), ("poids", "weight"),
    ("id_organisation", "org_id"), ("organisation", "org_id"),
    ("Taille de la population", "population_size"), ("taille", "size_band"),
    ("utilise_twitter", "uses_twitter"), ("Utilisé Twitter", "uses_twitter"),
    ("utilise_blogue", "uses_blog"), ("uses_Mastodon", "uses_mastodon"),
])
def test_french_survey_headers(header, name):
    assert survey_header(header) == name


@pytest.mark.parametrize("header", ["region", "utilise_", "year", "secteurs"])
def test_other_headers_have_no_other_name(header):
    assert survey_header(header) is None
