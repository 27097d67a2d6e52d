"""`adoption report --data`: an analyst's own files, from their own folder, to reports.

The fast tests check the config made from the files and every refusal; two builds
(module-scoped, one report each) check a French report described by a Data Package
and a reports.toml kept in another folder. The non-editable install is
tests/test_installed.py.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pandas as pd
import pytest
from own_surveys import (
    ORGANISATIONS,
    visible_text,
    write_datapackage,
    write_french_csv,
    write_sav,
)

from adoption.cli import main
from adoption.paths import NOTEBOOKS_DIR, packaged_notebook
from adoption.problems import DataError
from adoption.report.build import build_reports
from adoption.report.config import load_config
from adoption.report.fingerprint import data_inputs, library_digest, report_digest
from adoption.report.own_data import OwnData, own_data_config
from adoption.validate import check_files

FIGURES = """series,population,sector,year,platform,percent,n,population_size,design,\
publisher,study,source_url,note
my-charities,Charities of X,nonprofit,2010,twitter,40,50,50,census,Me,My study,,
my-charities,Charities of X,nonprofit,2011,twitter,60,50,50,census,Me,My study,,
my-firms,Firms of X,business,2010,twitter,20,50,50,census,Me,My study,,
my-firms,Firms of X,business,2011,twitter,30,50,50,census,Me,My study,,
my-firms,Firms of X,business,2011,blog,30,50,50,census,Me,My study,,
"""


def config_for(folder: Path, *files: str, **options: object):
    return own_data_config(OwnData(files=[folder / name for name in files], here=folder,
                                   **options))  # type: ignore[arg-type]


# --- the config made from the files -------------------------------------------------------


def test_a_survey_gives_a_comparison_per_platform_and_the_explorer(tmp_path):
    write_french_csv(tmp_path / "Wave 3.csv")
    config = config_for(tmp_path, "Wave 3.csv", languages=["en", "fr"])
    assert [(spec.name, spec.notebook.name) for spec in config.reports] == [
        ("wave-3-facebook", "adoption_yoy.ipynb"), ("wave-3-facebook-fr", "adoption_yoy.ipynb"),
        ("wave-3-twitter", "adoption_yoy.ipynb"), ("wave-3-twitter-fr", "adoption_yoy.ipynb"),
        ("wave-3-explorer", "survey_explorer.ipynb"),
        ("wave-3-explorer-fr", "survey_explorer.ipynb")]
    twitter = config.reports[2]
    assert twitter.parameters == {"data_file": "Wave 3.csv", "platform": "twitter",
                                  "years": [], "language": "en"}
    assert twitter.title == "Twitter: nonprofits against businesses in Wave 3.csv, 2021–2022"
    assert config.reports[3].title.startswith("Twitter\u202f: OBNL et entreprises")
    # Both platforms have 20 answers a wave: the explorer shows the first by name.
    assert config.reports[4].parameters["platform"] == "facebook"
    assert config.root == tmp_path


def test_published_style_figures_give_the_comparison_of_their_series(tmp_path):
    (tmp_path / "figures.csv").write_text(FIGURES, encoding="utf-8")
    config = config_for(tmp_path, "figures.csv")
    # The blog has no nonprofit series: no comparison there, and no explorer.
    assert [spec.name for spec in config.reports] == ["figures-twitter"]
    assert config.reports[0].title == "Twitter: figures.csv, 2010–2011"


def test_a_survey_whose_headers_only_its_data_package_maps(tmp_path):
    frame = pd.read_csv(write_french_csv(tmp_path / "s.csv"))
    frame.rename(columns={"id_organisation": "org", "utilise_twitter": "tw"}).drop(
        columns="utilise_facebook").to_csv(tmp_path / "s.csv", index=False)
    write_datapackage(tmp_path, {"path": "s.csv", "adoption": {
        "columns": {"org": "org_id", "tw": "uses_twitter"}}})
    assert [spec.name for spec in config_for(tmp_path, "s.csv").reports] == [
        "s-twitter", "s-explorer"]


def test_account_snapshots_give_the_activity_report(tmp_path):
    archive = tmp_path / "accounts.csv"
    archive.write_text(
        "platform,account_id,handle,snapshot_at,created_at,followers,following,posts\n"
        "twitter,1,aa,2021-01-01T00:00:00Z,2010-05-01T00:00:00Z,10,5,100\n"
        "twitter,2,bb,2021-01-01T00:00:00Z,2012-05-01T00:00:00Z,10,5,100\n",
        encoding="utf-8")
    sectors = tmp_path / "sectors.csv"
    sectors.write_text("platform,account_id,sector,org_name\ntwitter,1,OBNL,A\n"
                       "twitter,2,entreprise,B\n", encoding="utf-8")
    config = config_for(tmp_path, "accounts.csv", sector_map=sectors)
    (spec,) = config.reports
    assert (spec.name, spec.notebook) == ("accounts-activity-twitter",
                                          packaged_notebook("account_activity"))
    assert spec.parameters == {"snapshot_files": ["accounts.csv"],
                               "sector_map_file": "sectors.csv", "snapshot_at": None,
                               "period": [], "platform": "twitter", "language": "en"}
    with pytest.raises(DataError) as error:
        config_for(tmp_path, "accounts.csv")
    assert str(error.value) == (f"{archive}: no account has a sector (expected a sector map "
                                "naming some accounts as nonprofit or business (--sector-map "
                                "CSV: platform, handle or account_id, sector, org_name))")


def test_bad_files_get_the_problems_validate_gives(tmp_path):
    bad = tmp_path / "wave3.csv"
    bad.write_text("id_organisation,secteur,yaer,utilise_twitter\n"
                   "o1,OBNL,2019,oui\no2,gouvernement,2019,peut-être\n", encoding="utf-8")
    (tmp_path / "figures.csv").write_text(FIGURES.replace(",40,", ",140,"), encoding="utf-8")
    with pytest.raises(DataError) as error:
        config_for(tmp_path, "wave3.csv", "figures.csv")
    expected = check_files([bad, tmp_path / "figures.csv"])
    assert len(expected) == 4
    assert error.value.problems == sorted(expected, key=lambda p: (p.file, p.line))


def test_a_platform_the_file_cannot_compare_is_refused(tmp_path):
    write_french_csv(tmp_path / "s.csv")
    with pytest.raises(DataError) as error:
        config_for(tmp_path, "s.csv", platforms=["tiktok"])
    assert str(error.value) == (f"{tmp_path / 's.csv'}: no comparison can be made on "
                                "'tiktok' (expected a platform on which the file holds both "
                                "nonprofits and businesses: facebook, twitter)")


def test_bad_input_exits_1_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("org_id,sector,year,uses_twitter\no1,NGO,20x9,yes\n",
                                    encoding="utf-8")
    with contextlib.chdir(tmp_path):
        assert main(["report", "--data", "s.csv", "--out", "out"]) == 1
        validate = main(["validate", "s.csv"])
    err = capsys.readouterr()
    assert validate == 1
    assert err.err.splitlines()[0] == err.out.splitlines()[0]
    assert err.err.splitlines()[-1] == "1 problem; nothing was written"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("arguments", [
    ["--data", "s.csv", "--config", "reports.toml"],
    ["--platform", "twitter"],
    ["--data", "s.csv", "--language", "de"],
])
def test_wrong_usage_exits_2(arguments, capsys):
    with pytest.raises(SystemExit) as exit_code:
        main(["report", *arguments])
    assert exit_code.value.code == 2


# --- configs, fingerprints and notebooks for installed users ------------------------------


def test_a_config_may_name_a_packaged_notebook(tmp_path):
    config = tmp_path / "reports.toml"
    config.write_text('[[report]]\nname = "a"\ntitle = "A"\nnotebook = "survey_explorer"\n'
                      '[[report]]\nname = "b"\ntitle = "B"\nnotebook = "nope"\n',
                      encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_config(config)
    assert str(error.value) == (
        f"{config}:8: notebook 'nope' not found (expected a path to a notebook, relative to "
        "reports.toml, or the name of one shipped with adoption: account_activity, "
        "adoption_yoy, practitioner_surveys, survey_explorer)")
    config.write_text(config.read_text().split("[[report]]\nname = \"b\"")[0])
    assert load_config(config).reports[0].notebook == NOTEBOOKS_DIR / "survey_explorer.ipynb"


def test_fingerprints_hash_the_files_read_beside_the_data(tmp_path):
    data = write_french_csv(tmp_path / "s.csv")
    (tmp_path / "s.corrections.csv").write_text("x\n", encoding="utf-8")
    config = config_for(tmp_path, "s.csv")
    spec = config.reports[0]
    assert [entry["file"] for entry in data_inputs(spec, config)] == [
        "s.csv", "s.corrections.csv"]
    before = report_digest(spec, config, library_digest())
    write_datapackage(tmp_path, {"path": "s.csv", "title": "S"})
    assert [entry["file"] for entry in data_inputs(spec, config)][-1] == "datapackage.json"
    assert report_digest(spec, config, library_digest()) != before
    assert data.is_file()


def test_lab_copies_the_notebooks_and_keeps_the_analysts_own(tmp_path, capsys):
    mine = tmp_path / "adoption_yoy.ipynb"
    mine.write_text("{}", encoding="utf-8")
    assert main(["lab", str(tmp_path), "--copy-only"]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "account_activity.ipynb", "adoption_yoy.ipynb", "practitioner_surveys.ipynb",
        "survey_explorer.ipynb"]
    assert mine.read_text() == "{}"
    assert f"kept {mine} (already there)" in capsys.readouterr().out


# --- two builds ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def french_build(tmp_path_factory):
    """A French explorer report of an SPSS survey described by a Data Package."""
    folder = tmp_path_factory.mktemp("analyst")
    write_sav(folder / "barometre.sav")
    write_datapackage(
        folder, {"path": "barometre.sav", "adoption": {"sectors": {"nonprofit": {
            "label": {"en": "Quebec nonprofits", "fr": "OBNL du Québec"},
            "short_label": {"en": "Nonprofits", "fr": "OBNL québécois"}}}}},
        title={"en": "Barometer", "fr": "Baromètre"},
        licenses=[{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        sources=[{"title": "Observatoire X", "path": "https://example.org/x"}])
    with contextlib.chdir(folder):
        code = main(["report", "--data", "barometre.sav", "--language", "fr",
                     "--only", "barometre-explorer-fr", "--out", "site", "--jobs", "1"])
    return code, folder


@pytest.mark.slow
def test_a_french_report_of_a_described_survey(french_build):
    code, folder = french_build
    assert code == 0
    page = (folder / "site" / "barometre-explorer-fr.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert "Au cœur d’une enquête\u202f: Baromètre, 2021–2022" in text
    assert "OBNL québécois" in text
    assert "Observatoire X" in text and "Creative Commons Attribution 4.0" in text
    assert "À propos des données" in text
    assert not re.search(r"@(nonprofit|business)|\bbarometre\b(?!\.sav)", text)
    charts = (folder / "site" / "charts" / "manifest.json").read_text(encoding="utf-8")
    assert "Source\u202f: Observatoire X, 2021–2022" in charts
    for path in (folder / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".ipynb", ".csv", ".svg"):
            assert str(folder) not in path.read_text(encoding="utf-8"), path


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """A reports.toml in one folder, naming a packaged notebook and data beside it,
    built from another folder into a third."""
    root = tmp_path_factory.mktemp("elsewhere")
    project, working, out = root / "project", root / "working", root / "out"
    for folder in (project / "data", working):
        folder.mkdir(parents=True)
    write_french_csv(project / "data" / "wave.csv", weights=False)
    config = project / "reports.toml"
    config.write_text('[[report]]\nname = "mine"\ntitle = "Mine"\n'
                      'notebook = "survey_explorer"\n[report.parameters]\n'
                      'data_file = "data/wave.csv"\nplatform = "twitter"\n', encoding="utf-8")
    with contextlib.chdir(working):
        first = build_reports(config, out, jobs=1)
        again = build_reports(config, out, jobs=1)
    return root, first, again


@pytest.mark.slow
def test_a_config_in_another_folder_reads_from_its_folder_and_writes_under_out(elsewhere):
    root, first, again = elsewhere
    assert (first.built, first.failed, again.up_to_date) == (["mine"], [], ["mine"])
    out = root / "out"
    text = visible_text((out / "mine.html").read_text(encoding="utf-8"))
    assert f"wave.csv, {ORGANISATIONS} organisations, 2021–2022" in text
    assert {path.parent for path in (out / "charts").iterdir()} == {out / "charts"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "data/wave.csv" in index and "survey_explorer.ipynb" in index
    assert str(root) not in index
    # Nothing was written beside the config or in the working folder.
    assert sorted(p.relative_to(root).as_posix() for p in (root / "project").rglob("*")) == [
        "project/data", "project/data/wave.csv", "project/reports.toml"]
    assert list((root / "working").iterdir()) == []
