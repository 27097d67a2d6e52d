"""`adoption validate`: every kind of bad input gets FILE:LINE: column 'X': problem
(expected ...), exit 1 and no traceback; good files exit 0."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from adoption.cli import main
from adoption.paths import BUNDLED_PUBLISHED, SYNTHETIC_DIR

HEADER = ("series,population,sector,year,year_label,platform,percent,n,population_size,"
          "design,certainty,publisher,study,source_url,quote,note")
GOOD_ROWS = [
    "umassd-charities,Forbes 200,nonprofit,2009,2009,blog,65,76,200,survey,verified,"
    "UMass Dartmouth,Charities 2009,https://example.org/a,65% blog,",
    "umassd-fortune500,Fortune 500,business,2009,2009,blog,22,500,500,census,verified,"
    "UMass Dartmouth,Fortune 500 2009,https://example.org/b,22% blog,",
]
PROBLEM_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): column '(?P<column>[^']+)': "
                          r"(?P<message>.+) \(expected (?P<expected>.+)\)$")


def published(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def replace_field(row: str, column: str, value: str) -> str:
    fields = row.split(",")
    fields[HEADER.split(",").index(column)] = value
    return ",".join(fields)


def validate(capsys, *paths) -> tuple[int, list[str]]:
    code = main(["validate", *map(str, paths)])
    return code, capsys.readouterr().out.strip().splitlines()


def only_problem(capsys, path) -> re.Match:
    code, lines = validate(capsys, path)
    assert code == 1
    assert lines[-1] == "1 problem in 1 file", lines
    match = PROBLEM_LINE.match(lines[0])
    assert match, f"not in the contract's form: {lines[0]}"
    assert match["file"] == str(path)
    return match


def test_the_bundled_and_synthetic_files_are_good(capsys):
    code, lines = validate(capsys, BUNDLED_PUBLISHED, SYNTHETIC_DIR / "survey_synthetic.csv")
    assert code == 0
    assert lines == ["no problems in 2 files"]


def test_missing_required_column(capsys, write_text):
    header = HEADER.replace("year,", "", 1)
    rows = [",".join(r.split(",")[:3] + r.split(",")[4:]) for r in GOOD_ROWS]
    match = only_problem(capsys, write_text("f.csv", published(*rows, header=header)))
    assert (match["line"], match["column"]) == ("1", "year")
    assert "missing" in match["message"]


def test_typo_of_a_required_column_is_named(capsys, write_text):
    match = only_problem(capsys, write_text(
        "f.csv", published(*GOOD_ROWS, header=HEADER.replace("platform", "platfrom"))))
    assert match["column"] == "platfrom"
    assert "typo of 'platform'" in match["message"]


def test_wrong_type(capsys, write_text):
    match = only_problem(capsys, write_text(
        "f.csv", published(GOOD_ROWS[0], replace_field(GOOD_ROWS[1], "n", "many"))))
    assert (match["line"], match["column"]) == ("3", "n")
    assert "'many' is not a whole number" in match["message"]


@pytest.mark.parametrize("value", ["101", "-3"])
def test_percent_outside_0_100(capsys, write_text, value):
    match = only_problem(capsys, write_text(
        "f.csv", published(replace_field(GOOD_ROWS[0], "percent", value), GOOD_ROWS[1])))
    assert (match["line"], match["column"]) == ("2", "percent")
    assert match["expected"] == "a number from 0 to 100"


def test_share_outside_0_1(capsys, write_text):
    header = HEADER.replace("percent", "share")
    rows = [replace_field(GOOD_ROWS[0], "percent", "0.65"),
            replace_field(GOOD_ROWS[1], "percent", "22")]
    match = only_problem(capsys, write_text("f.csv", published(*rows, header=header)))
    assert (match["line"], match["column"]) == ("3", "share")
    assert match["expected"] == "a number from 0 to 1"


def test_adopters_larger_than_n(capsys, write_text):
    header = HEADER.replace("percent", "adopters")
    rows = [replace_field(GOOD_ROWS[0], "percent", "49"),
            replace_field(GOOD_ROWS[1], "percent", "501")]
    code, lines = validate(capsys, write_text("f.csv", published(*rows, header=header)))
    assert code == 1
    assert any("column 'adopters': adopters = 501 is larger than n = 500" in line
               and ":3:" in line for line in lines)


def test_n_larger_than_population_size(capsys, write_text):
    match = only_problem(capsys, write_text(
        "f.csv", published(replace_field(GOOD_ROWS[0], "n", "250"), GOOD_ROWS[1])))
    assert (match["line"], match["column"]) == ("2", "n")
    assert "n = 250 is larger than population_size = 200" in match["message"]


@pytest.mark.parametrize("value", ["0", "-5"])
def test_zero_or_negative_n(capsys, write_text, value):
    match = only_problem(capsys, write_text(
        "f.csv", published(replace_field(GOOD_ROWS[0], "n", value), GOOD_ROWS[1])))
    assert (match["line"], match["column"]) == ("2", "n")
    assert "too small" in match["message"]


@pytest.mark.parametrize("value", ["1989", "2101"])
def test_year_outside_1990_2100(capsys, write_text, value):
    match = only_problem(capsys, write_text(
        "f.csv", published(GOOD_ROWS[0], replace_field(GOOD_ROWS[1], "year", value))))
    assert (match["line"], match["column"]) == ("3", "year")
    assert match["expected"] == "a year from 1990 to 2100"


def test_duplicate_key_rows(capsys, write_text):
    match = only_problem(capsys, write_text("f.csv", published(*GOOD_ROWS, GOOD_ROWS[0])))
    assert match["line"] == "4"
    assert "duplicate of line 2" in match["message"]


def test_empty_file(capsys, write_text):
    code, lines = validate(capsys, path := write_text("f.csv", ""))
    assert code == 1
    assert lines[0] == f"{path}: file is empty (expected a header row and at least one data row)"


def test_header_without_rows(capsys, write_text):
    code, lines = validate(capsys, path := write_text("f.csv", HEADER + "\n"))
    assert code == 1
    assert lines[0].startswith(f"{path}:1: has a header but no data rows")


def test_binary_file(capsys, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(bytes(range(256)) * 4)
    code, lines = validate(capsys, path)
    assert code == 1
    assert lines[0].startswith(f"{path}: is binary, not a text table")


def test_workbook_saved_as_csv(capsys, tmp_path):
    path = tmp_path / "f.csv"
    pd.DataFrame({"a": [1]}).to_excel(path.with_suffix(".xlsx"), index=False)
    path.write_bytes(path.with_suffix(".xlsx").read_bytes())
    code, lines = validate(capsys, path)
    assert code == 1
    assert "is a zip archive (an Excel .xlsx workbook?), not a text table" in lines[0]


def test_json_given_as_csv(capsys, write_text):
    path = write_text("f.csv", json.dumps([{"series": "x", "percent": 5}]))
    code, lines = validate(capsys, path)
    assert code == 1
    assert lines[0].startswith(f"{path}:1: looks like JSON, not a CSV table")


def test_latin1_french_text_loads(capsys, write_text):
    row = replace_field(GOOD_ROWS[0], "population", "Organismes de bienfaisance québécois")
    path = write_text("f.csv", published(row, GOOD_ROWS[1]), encoding="latin-1")
    code, lines = validate(capsys, path)
    assert (code, lines) == (0, ["no problems in 1 file"])
    from adoption import load_published

    assert load_published(path)["population"][0] == "Organismes de bienfaisance québécois"


def test_unmappable_sector_label_is_named(capsys, write_text):
    match = only_problem(capsys, write_text(
        "f.csv", published(GOOD_ROWS[0], replace_field(GOOD_ROWS[1], "sector", "gouvernement"))))
    assert (match["line"], match["column"]) == ("3", "sector")
    assert "'gouvernement' is not a sector label we can map" in match["message"]
    assert "nonprofit" in match["expected"] and "business" in match["expected"]


def test_french_excel_csv_with_semicolons_and_decimal_commas(capsys, write_text):
    rows = [r.replace(",", ";") for r in GOOD_ROWS]
    rows[1] = replace_field(GOOD_ROWS[1], "percent", "74,6").replace(",", ";").replace(
        "74;6", '"74,6"')
    path = write_text("f.csv", published(*rows, header=HEADER.replace(",", ";")))
    code, lines = validate(capsys, path)
    assert (code, lines) == (0, ["no problems in 1 file"])
    from adoption import load_published

    assert load_published(path)["percent"].tolist() == [65.0, 74.6]


def test_every_problem_is_listed_in_one_run(capsys, write_text):
    rows = [replace_field(GOOD_ROWS[0], "percent", "150"),
            replace_field(GOOD_ROWS[1], "year", "1900")]
    code, lines = validate(capsys, write_text("f.csv", published(*rows)))
    assert code == 1
    assert lines[-1] == "2 problems in 1 file"


def test_ragged_row(capsys, write_text):
    code, lines = validate(capsys, path := write_text("f.csv", published(GOOD_ROWS[0] + ",x")))
    assert code == 1
    assert lines[0].startswith(f"{path}:2: row has 17 fields but the header has 16")


def test_survey_problems_are_found_too(capsys, write_text):
    path = write_text("s.csv", "org_id,sector,year,weight,uses_twitter\n"
                               "a,ONG,2009,1.5,oui\n"
                               "b,gouvernement,2009,1,non\n"
                               "c,entreprise,2009,-1,peut-être\n"
                               "a,ONG,2009,1.5,oui\n")
    code, lines = validate(capsys, path)
    assert code == 1
    assert f"{path}:3: column 'sector': 'gouvernement' is not a sector label we can map" in \
        "\n".join(lines)
    assert any(line.startswith(f"{path}:4: column 'weight': '-1' is too small") for line in lines)
    assert any(line.startswith(f"{path}:4: column 'uses_twitter': 'peut-être' is not a yes/no")
               for line in lines)
    assert any(line.startswith(f"{path}:5: column 'org_id': duplicate of line 2") for line in lines)


def test_kind_can_be_forced(capsys):
    code, lines = validate(capsys, "--kind", "survey", BUNDLED_PUBLISHED)
    assert code == 1
    assert any("column 'org_id': required column is missing" in line for line in lines)


def test_command_line_exit_codes_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(published(replace_field(GOOD_ROWS[0], "percent", "abc")))
    run = subprocess.run([sys.executable, "-m", "adoption", "validate", str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert f"{bad}:2: column 'percent': 'abc' is not a number" in run.stdout
    usage = subprocess.run([sys.executable, "-m", "adoption", "validate"],
                           capture_output=True, text=True)
    assert usage.returncode == 2
    missing = subprocess.run([sys.executable, "-m", "adoption", "validate",
                              str(tmp_path / "nope.csv")], capture_output=True, text=True)
    assert missing.returncode == 1 and "file not found" in missing.stdout
