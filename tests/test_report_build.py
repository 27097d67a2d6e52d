"""The report build on tiny fixture notebooks, one per behaviour (papermill's own habit)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from adoption import __version__
from adoption.cli import main
from adoption.problems import DataError
from adoption.report.build import build_reports
from adoption.report.config import load_config

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project: fixture notebooks and a place for reports.toml."""
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    return tmp_path


def write_config(project: Path, *reports: str, timeout: int = 60) -> Path:
    config = project / "reports.toml"
    config.write_text(f"[build]\ncell_timeout = {timeout}\n\n" + "\n".join(reports))
    return config


def report(name: str, notebook: str, **parameters) -> str:
    lines = [f'[[report]]\nname = "{name}"\ntitle = "Report {name}"\n'
             f'notebook = "notebooks/{notebook}.ipynb"']
    if parameters:
        lines.append("[report.parameters]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in parameters.items()]
    return "\n".join(lines) + "\n"


def build(project: Path, **options):
    return build_reports(project / "reports.toml", project / "reports", jobs=1, **options)


def test_parameters_are_injected(project):
    write_config(project, report("hi", "greeting", greeting="bonjour"))
    outcome = build(project)
    assert outcome.ok and outcome.built == ["hi"]
    page = (project / "reports" / "hi.html").read_text()
    assert "The greeting is bonjour." in page
    executed = json.loads((project / "reports" / "executed" / "hi.ipynb").read_text())
    assert any("injected-parameters" in cell["metadata"].get("tags", [])
               for cell in executed["cells"])


def test_html_has_no_code_and_no_other_host(project):
    write_config(project, report("hi", "greeting"))
    build(project)
    page = (project / "reports" / "hi.html").read_text()
    assert 'print(f"The greeting' not in page  # code cells are left out
    assert 'class="jp-CodeMirrorEditor' not in page  # no code editor, no prompt
    assert 'class="jp-InputPrompt' not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "cdn" not in page.lower()


def test_unknown_parameter_is_an_error(project, capsys):
    write_config(project, report("hi", "greeting", greting="hello"))
    outcome = build(project)
    assert not outcome.ok
    assert "'greting' is not a parameter of greeting.ipynb, which declares 'greeting', " \
           "'language'" in outcome.failed[0].error
    assert not (project / "reports" / "hi.html").exists()


def test_failing_cell_is_reported_and_the_last_good_page_stays(project, capsys):
    write_config(project, report("data", "failing", fail=False))
    assert build(project).ok
    good_page = (project / "reports" / "data.html").read_bytes()
    write_config(project, report("data", "failing", fail=True))
    outcome = build(project)
    assert not outcome.ok
    paragraph = outcome.failed[0].error
    assert paragraph.startswith("Report 'data' failed in cell 3 (`if fail:`) of failing.ipynb:"
                                " ValueError: the data file has no 2009 figures.")
    kept = project / "reports" / "executed" / "data.failed.ipynb"
    assert str(kept) in paragraph and kept.is_file()
    assert (project / "reports" / "data.html").read_bytes() == good_page
    assert "unchanged" in paragraph
    assert paragraph in capsys.readouterr().err
    assert not list((project / "reports" / ".build").glob("data"))  # staging cleaned up


def test_build_goes_on_past_a_failure_and_exits_1(project, capsys):
    write_config(project, report("bad", "failing"), report("hi", "greeting"))
    code = main(["report", "--config", str(project / "reports.toml"),
                 "--out", str(project / "reports"), "--jobs", "1"])
    assert code == 1
    assert (project / "reports" / "hi.html").is_file()
    err = capsys.readouterr().err
    assert "Report 'bad' failed" in err
    assert "1 built, 0 up to date, 1 failed (bad)" in err


def test_cell_timeout_fails_the_report(project):
    write_config(project, report("slow", "sleepy", seconds=30), timeout=2)
    outcome = build(project)
    assert not outcome.ok
    assert "slow" in outcome.failed[0].error
    assert "timed out" in outcome.failed[0].error.lower() or "timeout" in \
        outcome.failed[0].error.lower()


def test_incremental_skip_and_force(project):
    write_config(project, report("hi", "greeting"))
    assert build(project).built == ["hi"]
    page = project / "reports" / "hi.html"
    first = page.stat().st_mtime_ns
    again = build(project)
    assert (again.built, again.up_to_date) == ([], ["hi"])
    assert page.stat().st_mtime_ns == first
    assert build(project, force=True).built == ["hi"]
    write_config(project, report("hi", "greeting", greeting="salut"))
    assert build(project).built == ["hi"]  # a parameter changed
    (project / "reports" / "hi.html").unlink()
    assert build(project).built == ["hi"]  # an output went missing


def test_same_inputs_give_the_same_report_bytes(project):
    # With a parameter, so that papermill injects a cell (it gives it a random id).
    write_config(project, report("hi", "greeting", greeting="salut"))
    build(project)
    first = (project / "reports" / "hi.html").read_bytes()
    first_nb = (project / "reports" / "executed" / "hi.ipynb").read_bytes()
    build(project, force=True)
    assert (project / "reports" / "hi.html").read_bytes() == first
    assert (project / "reports" / "executed" / "hi.ipynb").read_bytes() == first_nb


def test_language_tagged_prose(project):
    write_config(project, report("en", "bilingual", language="en"),
                 report("fr", "bilingual", language="fr"))
    build(project)
    english = (project / "reports" / "en.html").read_text()
    french = (project / "reports" / "fr.html").read_text()
    assert "Nonprofits led on blogging." in english and "blogues" not in english
    assert "blogues" in french and "Nonprofits led" not in french
    assert '<html lang="fr">' in french


def test_parallel_build_in_separate_processes(project):
    write_config(project, report("a", "greeting", greeting="one"),
                 report("b", "greeting", greeting="two"))
    outcome = build_reports(project / "reports.toml", project / "reports", jobs=2)
    assert sorted(outcome.built) == ["a", "b"]
    assert "The greeting is two." in (project / "reports" / "b.html").read_text()


def test_index_lists_reports_with_parameters_data_and_version(project):
    data = project / "figures.csv"
    data.write_text("a,b\n1,2\n3,4\n")
    write_config(project, report("rows", "reader", data_file="figures.csv"),
                 report("bad", "failing"))
    build(project)
    assert "2 data rows" in (project / "reports" / "rows.html").read_text()
    index = (project / "reports" / "index.html").read_text()
    assert '<a href="rows.html" hreflang="en">Report rows</a>' in index
    assert "<code>figures.csv</code>" in index
    assert hashlib.sha256(data.read_bytes()).hexdigest() in index
    assert f"adoption {__version__}" in index
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", index)  # when each was built
    assert "The last build of this report failed" in index  # the failed report is listed,
    assert "failed in cell 3 (`if fail:`) of failing.ipynb" not in index  # with why, in brief
    assert "failed in cell 3 of failing.ipynb: ValueError." in index
    page = (project / "reports" / "rows.html").read_text()
    assert "figures.csv" in page and 'href="index.html"' in page


def test_config_errors_name_the_line(project):
    config = write_config(project, report("hi", "greeting"), report("hi", "missing"))
    with pytest.raises(DataError) as caught:
        load_config(config)
    text = str(caught.value)
    assert f"{config}:12: notebook 'notebooks/missing.ipynb' not found" in text
    assert f"{config}:12: report name 'hi' is already used" not in text  # one problem there


def test_only_unknown_report_is_an_error(project):
    write_config(project, report("hi", "greeting"))
    with pytest.raises(DataError, match="no report named 'nope'"):
        build(project, only=["nope"])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_leaves_no_half_written_report(project, jobs):
    """Interrupting a build mid-report keeps the last good page and leaves no staging."""
    import os
    import signal
    import subprocess
    import sys
    import time

    write_config(project, report("slow", "sleepy", seconds=0))
    assert build(project).ok
    page = project / "reports" / "slow.html"
    good = page.read_bytes()
    # Two reports to run, so that the build forks their kernels from its kernel server
    # (on Linux), which Ctrl-C reaches too (and ignores: the build stops the kernels).
    write_config(project, report("slow", "sleepy", seconds=60), report("hi", "greeting"))
    command = [sys.executable, "-m", "adoption", "report", "--config",
               str(project / "reports.toml"), "--out", str(project / "reports"),
               "--jobs", jobs]
    # A new session, so the signal reaches the build as Ctrl-C would. And Ctrl-C's
    # default action, as a terminal starts a command: tests run in the background
    # (`make test &`, nohup) ignore SIGINT, and a process started ignoring it ignores
    # it for good, as a background build should (the build would then run the cell to
    # its timeout).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        build_process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True,
                                         start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    staging = project / "reports" / ".build" / "slow"
    deadline = time.monotonic() + 60
    while not list(staging.glob("charts")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3)  # the kernel is now inside the 60-second cell
    os.killpg(build_process.pid, signal.SIGINT)
    _, err = build_process.communicate(timeout=60)
    assert build_process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert page.read_bytes() == good
    assert not staging.exists()
    assert not list((project / "reports").glob("*.partial"))


def test_a_first_build_starts_the_reports_with_most_data(project):
    """With no timings from an earlier build (a fresh clone, CI), the report with the
    most data to read starts first, so that it does not run alone at the end."""
    import io

    (project / "small.csv").write_text("a\n1\n")
    (project / "large.csv").write_text("a\n" + "1\n" * 5000)
    write_config(project, report("small", "reader", data_file="small.csv"),
                 report("large", "reader", data_file="large.csv"))
    progress = io.StringIO()
    build_reports(project / "reports.toml", project / "reports", jobs=1, stream=progress)
    started = re.findall(r"start (\w+)", progress.getvalue())
    assert started == ["large", "small"]
