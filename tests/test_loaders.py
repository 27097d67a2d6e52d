"""Loading published figures and survey answers from every supported format."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

import adoption
from adoption.paths import BUNDLED_PUBLISHED
from adoption.problems import DataError

SURVEY = pd.DataFrame({
    "org_id": ["A1", "A2", "B1", "B2"],
    "org_name": ["Croix-Rouge québécoise", "Les Petits Frères", "Société Générale", "Acme"],
    "sector": ["OBNL", "association", "société", "company"],
    "year": [2010, 2010, 2010, 2010],
    "size_band": ["large", "small", "large", "small"],
    "uses_twitter": ["oui", "non", "yes", ""],
    "uses_blog": ["Y", "N", "no", "non"],
})


def test_bundled_published_figures_have_proper_types():
    figures = adoption.load_published()
    assert len(figures) == 188
    for name in ("series", "sector", "platform", "design", "certainty"):
        assert isinstance(figures[name].dtype, pd.CategoricalDtype), name
    assert str(figures["n"].dtype) == "Int64"
    assert str(figures["population_size"].dtype) == "Int64"
    assert figures["percent"].dtype == "float64"
    assert figures["year"].dtype == "int64"


def test_seed_study_figures_and_derived_columns():
    figures = adoption.load_published().set_index(["series", "year", "platform"])
    charities_2009 = figures.loc[("umassd-charities", 2009, "blog")]
    assert charities_2009["percent"] == 65
    assert charities_2009["share"] == 0.65
    assert charities_2009["adopters"] == 49  # 0.65 x 76 = 49.4
    assert charities_2009["n"] == 76 and charities_2009["population_size"] == 200
    # 22% of 500 would be 110; the quote counts "One hundred-eight" (a correction adds it).
    fortune_2009 = figures.loc[("umassd-fortune500", 2009, "blog")]
    assert fortune_2009["adopters"] == 108 and fortune_2009["exact_count"]
    assert fortune_2009["percent"] == 22 and fortune_2009["share"] == 108 / 500
    assert not charities_2009["exact_count"] and charities_2009["percent_decimals"] == 0
    inc_2010 = figures.loc[("umassd-inc500", 2010, "blog")]
    assert pd.isna(inc_2010["n"]) and pd.isna(inc_2010["adopters"])


def test_adopters_round_half_up():
    figures = adoption.load_published().set_index(["series", "year", "platform"])
    # 34 % of 76 = 25.84 -> 26; 57 % of 76 = 43.32 -> 43
    assert figures.loc[("umassd-charities", 2007, "blog"), "adopters"] == 26
    assert figures.loc[("umassd-charities", 2008, "blog"), "adopters"] == 43


def test_published_file_equals_the_reference_collection():
    reference = BUNDLED_PUBLISHED.parents[3] / "shared" / "reference" / "published_adoption.csv"
    if not reference.exists():
        pytest.skip(f"reference collection not present at {reference}")
    assert BUNDLED_PUBLISHED.read_bytes() == reference.read_bytes()


def write_survey(frame: pd.DataFrame, path) -> None:
    suffix = path.suffix
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    elif suffix == ".dta":
        frame.to_stata(path, write_index=False, version=118)
    elif suffix == ".sav":
        pyreadstat.write_sav(frame, str(path))


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".dta", ".sav"])
def test_survey_loads_the_same_from_every_format(tmp_path, suffix):
    path = tmp_path / f"wave{suffix}"
    write_survey(SURVEY, path)
    survey = adoption.load_survey(path)
    assert survey["sector"].tolist() == ["nonprofit", "nonprofit", "business", "business"]
    assert survey["uses_twitter"].tolist() == [True, False, True, pd.NA]
    assert survey["uses_blog"].tolist() == [True, False, False, False]
    assert survey["org_name"].tolist() == SURVEY["org_name"].tolist()
    assert survey["size_band"].tolist() == SURVEY["size_band"].tolist()
    assert survey["series"].unique().tolist() == ["wave"]  # named after the file


def test_survey_from_stata_with_value_labels(tmp_path):
    """Survey software stores answers as numbers with labels; the labels are read."""
    frame = SURVEY.assign(uses_twitter=pd.Categorical(["Oui", "Non", "Oui", "Non"]))
    path = tmp_path / "labelled.dta"
    frame.to_stata(path, write_index=False, version=118)
    assert adoption.load_survey(path)["uses_twitter"].tolist() == [True, False, True, False]


def test_survey_problem_in_a_workbook_names_the_spreadsheet_row(tmp_path):
    path = tmp_path / "wave.xlsx"
    write_survey(SURVEY.assign(year=[2010, 2010, 1066, 2010]), path)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path)
    assert str(caught.value) == (f"{path}:4: column 'year': '1066' is too small "
                                 "(expected a year from 1990 to 2100)")


def test_survey_headers_match_ignoring_case_and_spaces(tmp_path):
    path = tmp_path / "wave.csv"
    SURVEY.rename(columns={"org_id": "Org ID", "sector": "Sector", "year": "YEAR"}).to_csv(
        path, index=False)
    assert adoption.load_survey(path)["org_id"].tolist() == ["A1", "A2", "B1", "B2"]


def test_survey_platform_typo_is_named(tmp_path):
    path = tmp_path / "wave.csv"
    SURVEY.rename(columns={"uses_twitter": "uses_twiter"}).to_csv(path, index=False)
    with pytest.raises(DataError, match="column 'uses_twiter': unknown column, probably a typo "
                                        "of 'uses_twitter'"):
        adoption.load_survey(path)


def test_survey_without_platform_columns(tmp_path):
    path = tmp_path / "wave.csv"
    SURVEY.drop(columns=["uses_twitter", "uses_blog"]).to_csv(path, index=False)
    with pytest.raises(DataError, match="no platform columns"):
        adoption.load_survey(path)


def test_survey_respondents_cannot_exceed_the_population(tmp_path):
    path = tmp_path / "wave.csv"
    SURVEY.assign(population_size=1).to_csv(path, index=False)
    with pytest.raises(DataError, match="2 nonprofit respondents in 2010 but population_size "
                                        "is 1"):
        adoption.load_survey(path)


def test_weights_on_every_row_or_none(tmp_path):
    path = tmp_path / "wave.csv"
    SURVEY.assign(weight=[1.0, None, 2.0, 0.0]).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        adoption.load_survey(path)
    messages = [str(p) for p in caught.value.problems]
    assert f"{path}:3: column 'weight': is empty while other rows have weights " \
           "(expected a weight on every row, or no weight column)" in messages
    assert any(m.startswith(f"{path}:5: column 'weight': weight is 0") for m in messages)


def test_unreadable_parquet_is_a_clear_error(tmp_path):
    path = tmp_path / "wave.parquet"
    path.write_text("org_id,sector\n")
    with pytest.raises(DataError, match=r"wave.parquet: cannot be read as Parquet: .* \(expected "
                                        r"a valid Parquet file\)"):
        adoption.load_survey(path)


def test_missing_text_in_parquet_stays_missing(tmp_path):
    path = tmp_path / "wave.parquet"
    SURVEY.assign(org_name=["A", None, "C", None]).to_parquet(path, index=False)
    names = adoption.load_survey(path)["org_name"]
    assert names.isna().tolist() == [False, True, False, True]
