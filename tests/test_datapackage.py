"""Metadata beside a user's data (a Frictionless datapackage.json), and names without one."""

from __future__ import annotations

import json

import pytest
from own_surveys import ORGANISATIONS, coded, write_datapackage, write_dta, write_french_csv

import adoption
from adoption.about import data_note
from adoption.cli import main
from adoption.datapackage import describe, value_lines
from adoption.metadata import Origin, series_names
from adoption.problems import DataError

PACKAGE = {
    "name": "barometre",
    "languages": ["fr", "en"],
    "title": {"": "Baromètre des organismes", "en": "Barometer of organisations"},
    "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0"}],
    "sources": [{"title": "Observatoire <b>X</b>", "path": "https://example.org/b?a=1&c=2",
                 "version": "2023"}],
}
SECTORS = {"nonprofit": {"label": {"en": "Quebec nonprofits", "fr": "OBNL du Québec"},
                         "population": "un échantillon d'OBNL"}}


def error_lines(error: pytest.ExceptionInfo) -> list[str]:
    return [str(found) for found in error.value.problems]


def test_a_survey_without_metadata_is_named_after_its_file(tmp_path):
    table = adoption.load_table(write_french_csv(tmp_path / "mysurvey.csv"))
    names = series_names(table)
    assert names["mysurvey@nonprofit"].label["en"] == "Nonprofits in mysurvey.csv, 2021–2022"
    assert names["mysurvey@business"].label["fr"] == "Entreprises (mysurvey.csv), 2021–2022"
    assert names["mysurvey"].publisher == {
        "en": f"mysurvey.csv, {ORGANISATIONS} organisations",
        "fr": f"mysurvey.csv, {ORGANISATIONS} organismes"}
    assert set(table["study"]) == {"mysurvey.csv"}
    note = data_note(table, "en").data
    assert f"mysurvey.csv, {ORGANISATIONS} organisations, 2021–2022" in note
    assert "none was stated" in note


def test_the_bundled_data_need_no_note():
    assert data_note(adoption.load_table(adoption.paths.BUNDLED_SURVEY), "en") is None


def test_a_datapackage_beside_the_file_names_its_series(tmp_path):
    data = write_french_csv(tmp_path / "barometre.csv")
    write_datapackage(tmp_path, {"name": "barometre", "path": "barometre.csv",
                                 "adoption": {"sectors": SECTORS}}, **PACKAGE)
    table = adoption.load_table(data)
    names = series_names(table)
    assert names["barometre"].label == {"en": "Barometer of organisations, 2021–2022",
                                        "fr": "Baromètre des organismes, 2021–2022"}
    assert names["barometre@nonprofit"].label == {"en": "Quebec nonprofits",
                                                  "fr": "OBNL du Québec"}
    # Given in the default language (French) only: English falls back to it.
    assert names["barometre@nonprofit"].population["en"] == "un échantillon d'OBNL"
    assert names["barometre@nonprofit"].population["fr"] == "un échantillon d’OBNL"
    assert names["barometre@business"].label["en"] == ("Businesses in Barometer of "
                                                       "organisations, 2021–2022")
    assert names["barometre"].publisher["en"] == "Observatoire <b>X</b>"
    note = data_note(table, "fr").data
    assert "<b>" not in note and "Observatoire &lt;b&gt;X&lt;/b&gt; (2023)" in note
    assert '<a href="https://example.org/b?a=1&amp;c=2">' in note
    assert "Creative Commons Attribution 4.0" in note


def test_the_package_maps_columns_for_validate_and_the_loaders(tmp_path, capsys):
    data = write_dta(tmp_path / "codes.dta", renamed={"id_organisation": "org",
                                                      "utilise_twitter": "tw"})
    assert main(["validate", str(data)]) == 1
    assert "column 'org_id': required column is missing" in capsys.readouterr().out
    write_datapackage(tmp_path, {"path": "codes.dta", "adoption": {
        "columns": {"org": "org_id", "tw": "uses_twitter"}}})
    assert main(["validate", str(data)]) == 0
    survey = adoption.load_survey(data)
    assert survey.groupby(["sector", "year"], observed=True)["uses_twitter"].sum().to_dict() \
        == {("nonprofit", 2021): 6, ("nonprofit", 2022): 8,
            ("business", 2021): 3, ("business", 2022): 5}
    assert Origin.of(survey).descriptor == str((tmp_path / "datapackage.json").resolve())


def test_mistakes_in_the_package_name_file_line_and_property(tmp_path):
    data = write_french_csv(tmp_path / "s.csv")
    (tmp_path / "datapackage.json").write_text(
        '{\n  "resources": [\n    {\n      "path": "s.csv",\n'
        '      "schema": {"fields": [{"name": "secteur"}, {"name": "region"}]},\n'
        '      "adoption": {\n        "columns": {"org": "org_id"},\n'
        '        "sectors": {"charity": {}},\n        "colums": {}\n      }\n    }\n  ]\n}\n',
        encoding="utf-8")
    with pytest.raises(DataError) as error:
        adoption.load_table(data)
    descriptor = tmp_path / "datapackage.json"
    columns = ("one of the file's columns: id_organisation, secteur, année, poids, "
               "utilise_twitter, utilise_facebook")
    assert error_lines(error) == [
        f"{descriptor}:5: resources[0].schema.fields[1].name: field 'region' is not a "
        f"column of s.csv (expected {columns})",
        f"{descriptor}:7: resources[0].adoption.columns.org: maps column 'org', which s.csv "
        f"does not have (expected {columns})",
        f"{descriptor}:8: resources[0].adoption.sectors.charity: 'charity' is not a sector "
        "(expected nonprofit, business, higher_education)",
        f"{descriptor}:9: resources[0].adoption.colums: is not a property adoption reads "
        "(expected columns, sectors or series)",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ('{"resources": [\n  {"path": "s.csv",}\n]}',
     ":2: not valid JSON: Expecting property name enclosed in double quotes (column 20)"),
    ('[1, 2]', ":1: holds a list (expected a JSON object"),
    ('{"name": "x"}', ": resources is missing (expected \"resources\""),
])
def test_a_package_that_is_not_one_is_an_error_naming_it(tmp_path, text, expected):
    data = write_french_csv(tmp_path / "s.csv")
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        adoption.load_table(data)
    assert expected in error_lines(error)[0]


def test_a_package_named_for_a_file_must_describe_it(tmp_path):
    data = write_french_csv(tmp_path / "s.csv")
    named = write_datapackage(tmp_path / "..", {"path": "other.csv"})
    with pytest.raises(DataError) as error:
        describe(data, named)
    assert "describes other.csv, not s.csv" in error_lines(error)[0]
    # Beside the file, a package that lists other files says nothing about this one.
    write_datapackage(tmp_path, {"path": "other.csv", "title": "Other"})
    assert describe(data).title is None


def test_every_key_and_item_has_its_line():
    text = '{\n "a": [\n  {"b": 1},\n  "x"\n ],\n "c": {"d": "}"}\n}'
    assert json.loads(text)
    assert value_lines(text) == {("a",): 2, ("a", 0): 3, ("a", 0, "b"): 3, ("a", 1): 4,
                                 ("c",): 6, ("c", "d"): 6}


def test_published_figures_take_their_series_labels_from_the_package(tmp_path):
    (tmp_path / "figures.csv").write_text(
        "series,population,sector,year,platform,percent,n,population_size,design,publisher,"
        "study,source_url,note\n"
        "my-charities,Charities of X,nonprofit,2010,twitter,40,50,50,census,Me,My study,,\n"
        "my-firms,Firms of X,business,2010,twitter,20,50,50,census,Me,My study,,\n",
        encoding="utf-8")
    write_datapackage(tmp_path, {"path": "figures.csv", "adoption": {"series": {
        "my-charities": {"label": {"en": "Charities of X", "fr": "Organismes de X"},
                         "publisher": "Centre X", "slug": "charities-x"}}}})
    names = series_names(adoption.load_table(tmp_path / "figures.csv"))
    assert names["my-charities"].label == {"en": "Charities of X", "fr": "Organismes de X"}
    assert names["my-charities"].publisher["fr"] == "Centre X"
    assert names["my-charities"].slug == "charities-x"
    assert names["my-firms"].label["en"] == "Businesses in My study, 2010"


# --- coded values labelled by the package (Table Schema `categories`) -----------------------

CATEGORIES = [  # as an analyst's survey tool exports them: 1 = OBNL; Twitter 1 = oui, 2 = non
    {"name": "secteur", "type": "integer",
     "categories": [{"value": 1, "label": "OBNL"}, {"value": 2, "label": "entreprise"}]},
    {"name": "utilise_twitter", "type": "integer",
     "categories": [{"value": 1, "label": "oui"}, {"value": 2, "label": "non"}]},
]


def write_codes_csv(path, sector_codes=(1, 2)):
    """The survey with codes for answers: sector 1/2, Twitter 1 (yes) / 2 (no); Facebook
    keeps 0/1, which the yes/no words read without labels."""
    frame = coded(weights=True)
    frame["secteur"] = frame["secteur"].map(dict(zip((1, 2), sector_codes, strict=True)))
    frame["utilise_twitter"] = frame["utilise_twitter"].map({0: 2, 1: 1})
    if path.suffix == ".xlsx":  # numbers in cells, not text
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name", ["codes.csv", "codes.xlsx"])
def test_categories_label_the_codes_of_a_survey(tmp_path, capsys, name):
    data = write_codes_csv(tmp_path / name)
    assert main(["validate", str(data)]) == 1  # "2" is no yes/no answer
    assert "column 'utilise_twitter'" in capsys.readouterr().out
    write_datapackage(tmp_path, {"path": name, "schema": {"fields": CATEGORIES}})
    assert main(["validate", str(data)]) == 0
    survey = adoption.load_survey(data)
    users = survey.groupby(["sector", "year"], observed=True)[["uses_twitter", "uses_facebook"]]
    assert {key: tuple(map(int, counts)) for key, counts in users.sum().iterrows()} == {
        ("nonprofit", 2021): (6, 7), ("nonprofit", 2022): (8, 9),  # own_surveys.USERS
        ("business", 2021): (3, 6), ("business", 2022): (5, 8)}


def test_a_code_without_a_label_is_judged_as_the_file_writes_it(tmp_path):
    data = write_codes_csv(tmp_path / "codes.csv", sector_codes=(1, 3))  # 3 is not labelled
    write_datapackage(tmp_path, {"path": "codes.csv", "schema": {"fields": CATEGORIES}})
    with pytest.raises(DataError) as error:
        adoption.load_survey(data)
    first = error_lines(error)[0]  # the 20 nonprofit rows come first: line 22 is a business
    assert first.startswith(f"{data}:22: column 'secteur': '3' is not a sector")


def test_categories_label_published_figures_too(tmp_path):
    (tmp_path / "figures.csv").write_text(
        "series,population,sector,year,platform,percent,n,population_size,design,publisher,"
        "study\n"
        "my-charities,Charities of X,1,2010,twitter,40,50,50,census,Me,My study\n"
        "my-firms,Firms of X,2,2010,twitter,20,50,50,census,Me,My study\n", encoding="utf-8")
    write_datapackage(tmp_path, {"path": "figures.csv", "schema": {"fields": [
        {"name": "sector", "categories": [{"value": 1, "label": "nonprofit"},
                                          {"value": 2, "label": "business"}]}]}})
    figures = adoption.load_published(tmp_path / "figures.csv")
    assert figures["sector"].astype(str).tolist() == ["nonprofit", "business"]


def test_mistakes_in_categories_name_their_line(tmp_path):
    data = write_codes_csv(tmp_path / "codes.csv")
    (tmp_path / "datapackage.json").write_text(
        '{"resources": [{"path": "codes.csv", "schema": {"fields": [\n'
        '  {"name": "secteur", "categories": {"1": "OBNL"}},\n'
        '  {"name": "utilise_twitter", "categories": [\n'
        '    {"value": 1, "label": "oui"},\n'
        '    {"value": 1, "label": "non"},\n'
        '    {"value": 2.5, "label": "peut-être"},\n'
        '    {"value": 3, "label": ""},\n'
        '    true\n'
        '  ]}\n]}}]}\n', encoding="utf-8")
    with pytest.raises(DataError) as error:
        adoption.load_survey(data)
    descriptor = tmp_path / "datapackage.json"
    fields = "resources[0].schema.fields"
    assert error_lines(error) == [
        f"{descriptor}:2: {fields}[0].categories: categories is an object (expected "
        '[{"value": 1, "label": "OBNL"}, ...], or a list of values)',
        f"{descriptor}:5: {fields}[1].categories[1].value: value 1 is labelled twice "
        "(expected each value once)",
        f"{descriptor}:6: {fields}[1].categories[2].value: value is a number (2.5) (expected "
        "the value as the file writes it: text or a whole number)",
        f"{descriptor}:7: {fields}[1].categories[3].label: label is empty text (expected the "
        'text the value stands for, e.g. "OBNL")',
        f"{descriptor}:8: {fields}[1].categories[4]: a category is true/false (true) "
        '(expected [{"value": 1, "label": "OBNL"}, ...], or a list of values)',
    ]
