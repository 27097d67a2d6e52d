"""The committed notebooks: clean, parameterized, on the python3 kernel, thin."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import papermill
import pytest

from adoption.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_are_notebooks():
    names = {path.name for path in NOTEBOOKS}
    assert {"adoption_yoy.ipynb", "survey_explorer.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    for cell in cells(path):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: a cell has outputs (strip them)"
            assert cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell(path):
    tagged = [c for c in cells(path) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged 'parameters'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_is_python3(path):
    kernel = json.loads(path.read_text())["metadata"]["kernelspec"]["name"]
    assert kernel == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_is_documented(path):
    declared = papermill.inspect_notebook(str(path))
    assert declared
    for name, parameter in declared.items():
        assert parameter["help"].strip(), f"{path.name}: parameter '{name}' has no comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(path):
    """Notebooks call into `adoption`; logic used twice belongs in the package."""
    for cell in cells(path):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        definitions = [n for n in ast.walk(tree)
                       if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)]
        assert not definitions, f"{path.name}: define functions in src/adoption, not here"
        assert len(cell["source"]) < 20 or "".join(cell["source"]).count("\n") < 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_reads_as_one_document(path):
    """Prose once, in English, in JupyterLab; French reports take each cell's French from
    the catalog (tests/test_text.py checks every cell has it)."""
    prose = [c for c in cells(path) if c["cell_type"] == "markdown"]
    assert prose
    for cell in prose:
        tags = cell["metadata"].get("tags", [])
        assert not any(tag.startswith("lang-") for tag in tags), (path.name, cell["id"])
    headings = ["".join(c["source"]) for c in prose if "".join(c["source"]).startswith("# ")]
    assert headings == []  # the page's own heading is written by code, from its data
