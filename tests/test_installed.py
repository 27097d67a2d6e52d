"""adoption as a user installs it: `pip install .` (not editable), then in a folder outside
the project, `adoption report --data` on surveys in every format and a real archive.

Offline: the wheel is built once per test session with this environment's setuptools
(no build isolation, no index), and installed without its dependencies into a new
environment that sees this one's packages through a .pth file and this one's Jupyter
data (nbconvert's templates) through JUPYTER_PATH: what `pip install .` would have put
there. Only `adoption` itself comes from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import SAMPLES_DIR
from own_surveys import (
    ORGANISATIONS,
    visible_text,
    write_datapackage,
    write_dta,
    write_french_csv,
    write_sav,
    write_workbook,
)

from adoption.text import say

PROJECT = Path(__file__).resolve().parents[1]
TWARC_USERS = SAMPLES_DIR / "twarc2_users_lookup__DocNow-twarc-csv__users.jsonl"
pytestmark = pytest.mark.slow


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False, **options)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a copy of its sources (the build leaves nothing in
    the project)."""
    root = tmp_path_factory.mktemp("wheel")
    source, dist = root / "source", root / "dist"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in ("src", "notebooks", "data"):
        shutil.copytree(PROJECT / name, source / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source / name)
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--no-index", "--quiet", "-w", str(dist), str(source)])
    assert built.returncode == 0, built.stderr
    (path,) = dist.glob("adoption-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A new environment holding the wheel; its `adoption` command and environment."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)]).returncode == 0
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                   "['purelib'])"]).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = run([sys.executable, "-m", "pip", "--python", str(python), "install",
                   "--no-deps", "--no-index", "--ignore-installed", "--quiet", str(wheel)])
    assert install.returncode == 0, install.stderr
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment.update(JUPYTER_PREFER_ENV_PATH="1", MPLBACKEND="Agg",
                       JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    return python.parent / "adoption", environment


def sector_map(path: Path) -> Path:
    """The first 40 accounts of the real archive, alternately nonprofits and businesses."""
    page = json.loads(TWARC_USERS.read_text(encoding="utf-8").splitlines()[0])
    ids = list(dict.fromkeys(user["id"] for user in page["data"]))[:40]
    rows = [f"twitter,{account},{'nonprofit' if i % 2 else 'business'},Org {i}"
            for i, account in enumerate(ids)]
    path.write_text("platform,account_id,sector,org_name\n" + "\n".join(rows) + "\n")
    return path


ACTIVITY = "twarc2-users-lookup-docnow-twarc-csv-users-activity-twitter"
PAGES = ["wave-csv-twitter", "wave-csv-explorer", "wave-xlsx-explorer", "wave-sav-explorer",
         "wave-dta-explorer"]


@pytest.fixture(scope="module")
def build(installed, tmp_path_factory):
    """Surveys in four formats (and, where the samples are, a real twarc2 archive) through
    one `adoption report --data` run in an empty folder outside the project."""
    adoption, environment = installed
    work = tmp_path_factory.mktemp("analyst")
    write_french_csv(work / "wave_csv.csv", weights=True)
    write_workbook(work / "wave_xlsx.xlsx", weights=False)
    write_sav(work / "wave_sav.sav", weights=True)
    write_dta(work / "wave_dta.dta", weights=False, renamed={"id_organisation": "org"})
    write_datapackage(work, {"path": "wave_dta.dta", "title": "Waves in Stata",
                             "licenses": [{"name": "ODC-BY-1.0"}],
                             "adoption": {"columns": {"org": "org_id"}}})
    files = ["wave_csv.csv", "wave_xlsx.xlsx", "wave_sav.sav", "wave_dta.dta"]
    pages = list(PAGES)
    if TWARC_USERS.is_file():
        files += [str(TWARC_USERS), "--sector-map", str(sector_map(work / "sectors.csv"))]
        pages.append(ACTIVITY)
    only = [argument for page in pages for argument in ("--only", page)]
    result = run([str(adoption), "report", "--data", *files, "--platform", "twitter", *only,
                  "--out", "out", "--jobs", "2"], cwd=work, env=environment)
    where = run([str(adoption.parent / "python"), "-c", "import adoption; print(adoption."
                 "__file__)"], cwd=work, env=environment).stdout.strip()
    return result, work, pages, where


def test_the_reports_are_built_by_the_installed_copy(build):
    result, work, pages, where = build
    assert result.returncode == 0, result.stderr
    assert "/site-packages/adoption/" in where and not where.startswith(str(PROJECT))
    assert sorted(path.name for path in (work / "out").glob("*.html")) == sorted(
        ["index.html", "index-fr.html", *(f"{page}.html" for page in pages)])


def test_pages_name_the_files_and_their_organisations_never_internal_ids(build):
    _, work, _, _ = build
    for stem in ("wave_csv", "wave_xlsx", "wave_sav"):
        page = work / "out" / f"{stem.replace('_', '-')}-explorer.html"
        text = visible_text(page.read_text("utf-8"))
        assert f"{stem}.{'csv' if stem == 'wave_csv' else stem[5:]}, {ORGANISATIONS} " \
               "organisations, 2021–2022" in text
        assert "Licence: none was stated" in text
        assert not re.search(rf"@(nonprofit|business)|\b{stem}\b(?!\.)", text), stem
    comparison = visible_text((work / "out" / "wave-csv-twitter.html").read_text("utf-8"))
    assert "nonprofits in wave_csv.csv led the businesses in wave_csv.csv" in comparison
    assert not re.search(r"@(nonprofit|business)|\bwave_csv\b(?!\.)", comparison)
    described = visible_text((work / "out" / "wave-dta-explorer.html").read_text("utf-8"))
    assert "Waves in Stata (wave_dta.dta), 2021–2022" in described
    assert "Licence: ODC-BY-1.0" in described


def test_charts_carry_the_files_source_line_and_the_hand_counted_gaps(build):
    _, work, _, _ = build
    charts = json.loads((work / "out" / "charts" / "manifest.json").read_text())["charts"]
    mine = [chart for chart in charts if "wave-csv" in chart["name"]]
    assert len(mine) >= 4
    for chart in mine:
        assert chart["source_line"].startswith(
            f"Source: wave_csv.csv, {ORGANISATIONS} organisations, 202"), chart["name"]
    # Twitter users: nonprofits 6 then 8 of 10, businesses 3 then 5: a gap of 30 points.
    leads = {year: claim["estimate"] for chart in mine for claim in chart["claims"]
             if claim["kind"] == "lead" for year in claim["years"]}
    assert leads == pytest.approx({2021: 0.3, 2022: 0.3})


def test_no_output_names_the_machines_folders(build):
    _, work, _, _ = build
    for path in (work / "out").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".ipynb", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert str(work) not in text and str(PROJECT) not in text, path


@pytest.mark.skipif(not TWARC_USERS.is_file(),
                    reason=f"the real API samples are kept outside the project, in "
                           f"{SAMPLES_DIR}, which is absent")
def test_a_real_archive_with_one_snapshot_per_account_gives_the_activity_report(build):
    _, work, _, _ = build
    text = visible_text((work / "out" / f"{ACTIVITY}.html").read_text("utf-8"))
    assert re.sub(r"\*\*", "", say("page.single_snapshot", "en")) in text
    charts = json.loads((work / "out" / "charts" / "manifest.json").read_text())["charts"]
    assert any(chart["name"].startswith("twitter-account-adoption") for chart in charts)
