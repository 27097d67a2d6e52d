"""Every bad `reports.toml` and every badly typed parameter gets a clear message naming
the key and its line, exit 1, and no traceback."""

from __future__ import annotations

import json
import shutil

import papermill
import pytest
from test_report_build import FIXTURES, report, write_config

from adoption.cli import main
from adoption.report.parameters import expected_of, parameter_problems

GREETING = 'notebook = "notebooks/greeting.ipynb"'


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    return tmp_path


def run_report(project, capsys, *options: str) -> tuple[int, str]:
    code = main(["report", "--config", str(project / "reports.toml"),
                 "--out", str(project / "reports"), "--jobs", "1", *options])
    return code, capsys.readouterr().err


# (the file, the problem it must be told, as FILE:LINE: message)
BAD_CONFIGS = [
    ('[report]\nname = "hi"\ntitle = "Hi"\n' + GREETING,
     ':1: [report] is a single table (expected one [[report]] table per report (double '
     'brackets)'),
    ("build = 3\n", ":1: 'build' is a whole number (3) (expected a [build] table"),
    ('build = "fast"\n', ":1: 'build' is text ('fast') (expected a [build] table"),
    ("report = 5\n", ":1: 'report' is a whole number (5) (expected one [[report]] table"),
    ('report = ["a"]\n', ":1: 'report' is a list of text (expected one [[report]] table"),
    ('# reports\nreport = "hi"\n', ":2: 'report' is text ('hi') (expected one [[report]]"),
    ("[build]\ncell_timeout = 0\n", ":2: cell_timeout is 0 (expected 1 second or more"),
    ("[build]\ncell_timeout = -5\n", ":2: cell_timeout is -5 (expected 1 second or more"),
    ('[build]\ncell_timeout = "600"\n',
     ":2: cell_timeout is text ('600') (expected a whole number of seconds"),
    ("[build]\ncell_timeout = 1.5\n",
     ":2: cell_timeout is a number (1.5) (expected a whole number of seconds"),
    ("[build]\ncell_timeout = true\n",
     ":2: cell_timeout is true/false (true) (expected a whole number of seconds"),
    ("build = { cell_timeout = 0 }\n", ":1: cell_timeout is 0 (expected 1 second or more"),
    ("[build]\n\ntimeout = 5\n",
     ":3: unknown key 'timeout' in [build] (expected cell_timeout or base_url)"),
    ('[build]\nbase_url = "javascript:alert(1)"\n',
     ":2: base_url is 'javascript:alert(1)', not a web address (expected the http or https "
     "address where the reports folder is published"),
    ("[build]\nbase_url = 5\n", ":2: base_url is a whole number (5) (expected the http"),
    ("cell_timeout = 5\n", ":1: unknown key 'cell_timeout' (expected a [build] table and "
                           "[[report]] tables)"),
    ("[reports]\nname = 1\n", ":1: unknown table 'reports'"),
    ("", ": lists no reports (expected at least one [[report]])"),
    ('[[report]]\nname = 5\ntitle = "Hi"\n' + GREETING,
     ":2: report name is a whole number (5) (expected name = \"...\" (text))"),
    ('[[report]]\nname = "hi"\ntitle = ["Hi"]\n' + GREETING,
     ":3: report title is a list of text (expected title = \"...\" (text))"),
    ('[[report]]\nname = "hi"\ntitle = "  "\n' + GREETING,
     ":3: report title is empty text (expected title = \"...\" (text))"),
    ('[[report]]\nname = "hi"\ntitle = "Hi"\nnotebook = 3\n',
     ":4: report notebook is a whole number (3) (expected notebook = \"...\" (text))"),
    ('[[report]]\nname = "hi"\n' + GREETING, ":1: report has no title"),
    ('[[report]]\nname = "Hi there"\ntitle = "Hi"\n' + GREETING,
     ":2: report name 'Hi there' is not a plain file name"),
    ('[[report]]\nname = "hi"\ntitle = "Hi"\n' + GREETING + "\nparameters = 3\n",
     ":5: parameters is a whole number (3) (expected [report.parameters]"),
    ('[[report]]\nname = "hi"\ntitle = "Hi"\n' + GREETING + "\nlanguage = \"fr\"\n",
     ":5: unknown key 'language' in [[report]] (expected one of name, notebook, "
     "parameters, title)"),
    ('[[report]]\nname = "hi"\ntitle = "Hi"\n' + GREETING
     + "\n[report.parameters]\ngreeting = 2009-11-21\n",
     ":6: parameter 'greeting' is a date/time (2009-11-21) (expected text, a number, "
     "true or false, a list or a table)"),
    ('report = [{ name = "hi", title = "Hi", notebook = "notebooks/nope.ipynb" }]\n',
     ":1: notebook 'notebooks/nope.ipynb' not found"),
    ("[build\n", ":1: not valid TOML"),
]


@pytest.mark.parametrize(("text", "told"), BAD_CONFIGS, ids=[t for t, _ in BAD_CONFIGS])
def test_a_bad_config_is_told_with_its_line(project, capsys, text, told):
    (project / "reports.toml").write_text(text)
    code, err = run_report(project, capsys)
    assert code == 1
    assert f"{project / 'reports.toml'}{told}" in err
    assert "Traceback" not in err
    assert "nothing was written" in err
    assert not (project / "reports" / "index.html").exists()


def test_every_problem_of_a_config_is_told_at_once(project, capsys):
    (project / "reports.toml").write_text(
        "[build]\ncell_timeout = 0\n\n[[report]]\nname = \"hi\"\ntitle = 5\n" + GREETING
        + '\n\n[[report]]\nname = "hi"\ntitle = "Again"\n' + GREETING + "\n")
    code, err = run_report(project, capsys)
    assert code == 1
    assert ":2: cell_timeout is 0" in err
    assert ":6: report title is a whole number (5)" in err
    assert "3 problems; nothing was written" in err or "2 problems" in err


def test_config_that_is_not_a_file(tmp_path, capsys):
    code = main(["report", "--config", str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 1
    assert f"{tmp_path}: is a folder" in capsys.readouterr().err
    (tmp_path / "reports.toml").write_bytes(b"name = \"caf\xe9\"\n")
    code = main(["report", "--config", str(tmp_path / "reports.toml")])
    assert code == 1
    assert "not UTF-8 text" in capsys.readouterr().err


@pytest.mark.parametrize("wait", ["-1", "soon", "nan"])
def test_a_bad_wait_is_a_usage_error(project, capsys, wait):
    write_config(project, report("hi", "greeting"))
    with pytest.raises(SystemExit) as caught:
        run_report(project, capsys, "--wait", wait)
    assert caught.value.code == 2
    assert "--wait" in capsys.readouterr().err


@pytest.mark.parametrize(("parameters", "told"), [
    ({"greeting": 5},
     "parameter 'greeting' is a whole number (5) (expected text, as greeting.ipynb declares "
     'it, e.g. greeting = "hello")'),
    ({"greeting": ["hello"]}, "parameter 'greeting' is a list of text (expected text"),
    ({"greeting": True}, "parameter 'greeting' is true/false (true) (expected text"),
    ({"greeting": 1.5}, "parameter 'greeting' is a number (1.5) (expected text"),
])
def test_a_parameter_of_the_wrong_type_is_named_with_its_line(project, capsys, parameters,
                                                             told):
    write_config(project, report("hi", "greeting", **parameters))
    code, err = run_report(project, capsys)
    assert code == 1
    # The parameter is on line 9 of the file write_config writes (counted by hand).
    assert f"{project / 'reports.toml'}:9: report 'hi': {told}" in err
    assert "nothing was run" in err and "Traceback" not in err
    assert not (project / "reports" / "hi.html").exists()


def annotated_notebook(project) -> None:
    """A notebook whose parameters say their types, and one whose defaults do."""
    source = ('series: "Union[str, list[str]]" = "a"  # one series or several\n'
              "years: list[int] = [2007, 2010]  # first and last\n"
              "confidence = 0.95  # a number\n"
              "platforms = [\"blog\", \"twitter\"]  # a list of names\n"
              "data_file = None  # anything\n"
              "weights: Optional[str] = None  # text, or nothing\n"
              "when = len('now')  # an expression: not checked\n")
    cell = {"cell_type": "code", "execution_count": None, "id": "p", "outputs": [],
            "metadata": {"tags": ["parameters"]}, "source": source}
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3",
                "display_name": "Python 3", "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (project / "notebooks" / "typed.ipynb").write_text(json.dumps(notebook))


@pytest.mark.parametrize(("parameters", "told"), [
    ({"series": ["a", "b"], "years": [2008, 2012], "confidence": 1, "data_file": 3,
      "weights": "w", "when": [1], "platforms": []}, None),
    ({"series": 3}, "parameter 'series' is a whole number (3) (expected text or a list of "
                    "text, as typed.ipynb declares it"),
    ({"series": [1]}, "parameter 'series' is a list of whole numbers (expected text or a "
                      "list of text"),
    ({"years": "2007-2010"}, "parameter 'years' is text ('2007-2010') (expected a list of "
                             "whole numbers, as typed.ipynb declares it, e.g. years = "
                             "[2007, 2010])"),
    ({"years": [2007.5]}, "parameter 'years' is a list of numbers (expected a list of whole"),
    ({"confidence": "95%"}, "parameter 'confidence' is text ('95%') (expected a number, as "
                            "typed.ipynb declares it, e.g. confidence = 0.95)"),
    ({"platforms": "blog"}, "parameter 'platforms' is text ('blog') (expected a list of "
                            'text, as typed.ipynb declares it, e.g. platforms = ["blog", '
                            '"twitter"])'),
    ({"weights": 2}, "parameter 'weights' is a whole number (2) (expected text"),
    ({"colour": "red"}, "'colour' is not a parameter of typed.ipynb, which declares "
                        "'confidence', 'data_file', 'platforms', 'series', 'weights', 'when', "
                        "'years'"),
])
def test_parameters_are_checked_against_the_notebooks_declarations(project, parameters,
                                                                  told):
    annotated_notebook(project)
    declared = papermill.inspect_notebook(str(project / "notebooks" / "typed.ipynb"))
    problems = parameter_problems(parameters, declared, "typed.ipynb")
    if told is None:
        assert problems == {}
    else:
        assert len(problems) == 1
        assert next(iter(problems.values())).startswith(told)


def test_what_papermill_cannot_tell_is_not_checked():
    assert expected_of({"inferred_type_name": "None", "default": "None"}) is None
    assert expected_of({"inferred_type_name": "None", "default": "compute()"}) is None
    assert expected_of({"inferred_type_name": "MyClass", "default": "1"}) is None
    assert expected_of({"inferred_type_name": "Any", "default": "1"}) is None


def test_the_base_url_comes_from_the_command_line_the_environment_or_the_config(
        project, monkeypatch):
    from adoption.problems import DataError
    from adoption.report.config import load_config, with_base_url

    write_config(project, report("hi", "greeting"))
    config_file = project / "reports.toml"
    config_file.write_text(config_file.read_text().replace(
        "[build]\n", '[build]\nbase_url = "https://config.example/r"\n'))
    config = load_config(config_file)
    assert config.base_url == "https://config.example/r/"  # a folder: "/" added
    monkeypatch.setenv("ADOPTION_BASE_URL", "https://env.example/")
    assert with_base_url(config).base_url == "https://env.example/"
    assert with_base_url(config, "https://cli.example/").base_url == "https://cli.example/"
    monkeypatch.setenv("ADOPTION_BASE_URL", "vbscript:x")
    with pytest.raises(DataError, match="environment variable ADOPTION_BASE_URL: is "
                                        "'vbscript:x', not a web address"):
        with_base_url(config)


def test_a_base_url_that_is_no_web_address_is_a_usage_error(project, capsys):
    write_config(project, report("hi", "greeting"))
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--config", str(project / "reports.toml"), "--base-url", "data:x"])
    assert exit_.value.code == 2
    assert "argument --base-url: 'data:x' is not an http or https address" in \
        capsys.readouterr().err
