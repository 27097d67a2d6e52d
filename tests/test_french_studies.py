"""Studies named in French where French readers see them: the chart's CSV and tooltips,
the figures table of a French report, the published table.

The expected names are read here from the translation file beside the bundled data
(`data/published/adoption.studies.fr.csv`, with the csv module), not from the loader.
"""

from __future__ import annotations

import csv
import re
import shutil
import warnings

import pandas as pd
import pytest

from adoption import load_table
from adoption.charts import adoption_curves, context_chart, diffusion_chart, gap_chart
from adoption.cli import main
from adoption.paths import BUNDLED_PUBLISHED
from adoption.present import figures_table
from adoption.problems import DataError
from adoption.published import load_published
from adoption.report.fingerprint import sidecars

STUDIES_FR = BUNDLED_PUBLISHED.with_name("adoption.studies.fr.csv")
CHARTS = {
    "curves": lambda table, lang: adoption_curves(
        table, "blog", "umassd-charities", ["umassd-fortune500", "umassd-inc500"], lang=lang),
    "gap": lambda table, lang: gap_chart(table, "blog", "umassd-charities", "umassd-inc500",
                                         lang=lang),
    "diffusion": lambda table, lang: diffusion_chart(
        table, "blog", "umassd-charities", ["umassd-fortune500", "umassd-inc500"], lang=lang),
    "context": lambda table, lang: context_chart(table, "nten-benchmark", lang=lang),
}


def french_names() -> dict[str, str]:
    with STUDIES_FR.open(encoding="utf-8", newline="") as handle:
        return {row["study"]: row["study_fr"] for row in csv.DictReader(handle)}


def plain(text: str) -> str:
    """The words only: French typography adds narrow spaces and curly apostrophes."""
    return re.sub(r"\s", "", str(text)).replace("\u2019", "'")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the bundled figures' GRIM warnings
        return load_table()


def test_every_bundled_study_has_a_french_name_and_every_name_a_study(table):
    names = french_names()
    studies = set(table["study"].astype(str))
    assert studies - names.keys() == set()
    assert names.keys() - studies == set()  # a name left behind when a study was renamed
    assert all(french and french != study for study, french in names.items())


def test_the_table_carries_each_study_in_french_typeset(table):
    names = french_names()
    for study, french in zip(table["study"], table["study_fr"], strict=True):
        assert plain(french) == plain(names[study])
    slow = table.loc[table["study"].str.contains("Slow and Steady"), "study_fr"].iloc[0]
    assert "Blogging\u202f: Slow and Steady\u202f»" in slow and "(liste de 2008\u202f;" in slow


@pytest.mark.parametrize("kind", list(CHARTS))
def test_french_charts_name_the_studies_in_french(table, kind):
    names = french_names()
    english = CHARTS[kind](table, "en").data
    french = CHARTS[kind](table, "fr").data
    columns = [c for c in english.columns if c.endswith("study")]
    assert columns, "the chart's CSV names its studies"
    for column in columns:
        shown = english[column].dropna().astype(str)
        assert set(shown) <= names.keys()
        assert [plain(s) for s in french[column].dropna()] == [plain(names[s]) for s in shown]


def test_a_french_figures_table_names_the_studies_in_french(table):
    names = french_names()
    page = figures_table(table, "blog", ["umassd-charities"], lang="fr").data
    english = figures_table(table, "blog", ["umassd-charities"], lang="en").data
    charities = table[(table["series"] == "umassd-charities") & (table["platform"] == "blog")]
    for study in set(charities["study"]):
        assert plain(names[study]) in plain(page) and plain(study) not in plain(page)
        assert plain(study) in plain(english)


def test_the_published_table_and_its_codebook_have_the_column():
    from adoption.codebook import FIELDS
    from adoption.table import COLUMNS

    assert "study_fr" in COLUMNS
    assert [field["name"] for field in FIELDS] == COLUMNS


# --- an analyst's own figures -----------------------------------------------------------


def own_figures(tmp_path, names: str | None):
    data = tmp_path / "figures.csv"
    shutil.copy(BUNDLED_PUBLISHED, data)
    shutil.copy(BUNDLED_PUBLISHED.with_name("adoption.corrections.csv"),
                tmp_path / "figures.corrections.csv")
    if names is not None:
        (tmp_path / "figures.studies.fr.csv").write_text(names, encoding="utf-8")
    return data


def test_without_french_names_a_study_keeps_its_own(tmp_path):
    data = own_figures(tmp_path, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = load_published(data)
        chart = CHARTS["gap"](load_table(data), "fr")
    assert figures["study_fr"].isna().all()
    assert set(chart.data["nonprofit_study"].dropna()) <= set(figures["study"])


@pytest.mark.parametrize(("text", "message"), [
    ("study,study_fr\nA,Un\nA,Une\n",
     "figures.studies.fr.csv:3: column 'study': study named again (first on line 2) "
     "(expected each study once)"),
    ("study,study_fr\nA,\n", "figures.studies.fr.csv:2: column 'study_fr'"),
    ("study,french\nA,Un\n", "figures.studies.fr.csv:1: column 'study_fr'"),
])
def test_a_bad_names_file_is_an_error_naming_its_line(tmp_path, capsys, text, message):
    data = own_figures(tmp_path, text)
    with pytest.raises(DataError) as error, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_published(data)
    assert message in str(error.value)
    assert main(["validate", str(data)]) == 1
    printed = capsys.readouterr()
    assert message in printed.out and "Traceback" not in printed.out + printed.err


def test_the_names_file_is_among_the_files_a_build_hashes(tmp_path):
    data = own_figures(tmp_path, "study,study_fr\n")
    assert tmp_path / "figures.studies.fr.csv" in sidecars(data)
