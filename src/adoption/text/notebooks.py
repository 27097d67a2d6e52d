"""The notebooks' prose in the reader's language.

A notebook reads as one document in JupyterLab: its prose cells are in English,
once. Their French lives in `catalog/notebooks.fr.toml`, keyed by notebook and
cell id, beside the English it translates (`source`): a French report runs a
translated copy of the notebook (`translated`), so its page and its executed
notebook read in French throughout, and a test fails when the English of a cell
changes without its French (`stale_translations`).
"""

from __future__ import annotations

import copy
import tomllib
from functools import cache
from pathlib import Path

import nbformat

from adoption.text import CATALOG_DIR, check_lang
from adoption.text.typography import typeset

PROSE_FILE = "notebooks.{lang}.toml"


@cache
def prose(lang: str) -> dict[str, dict[str, dict[str, str]]]:
    """notebook stem -> cell id -> {"source": English, "text": the translation}."""
    path = CATALOG_DIR / PROSE_FILE.format(lang=check_lang(lang))
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    return {stem: {cell: {"source": entry["source"].strip(),
                          "text": typeset(entry["text"].strip("\n"), lang)}
                   for cell, entry in cells.items()}
            for stem, cells in table.items()}


def translated(notebook: nbformat.NotebookNode, stem: str,
               lang: str) -> nbformat.NotebookNode:
    """A copy of `notebook` whose prose cells are in `lang` where the catalog has their
    up-to-date translation (English: the notebook as is). An analyst's own notebook, which
    the catalog does not know, runs as written; the project's own are kept complete by a
    test (`stale_translations`)."""
    if check_lang(lang) == "en":
        return notebook
    result = copy.deepcopy(notebook)
    cells = prose(lang).get(stem, {})
    for cell in result.cells:
        entry = cells.get(cell.get("id", ""))
        if cell.cell_type == "markdown" and entry and entry["source"] == cell.source.strip():
            cell.source = entry["text"]
    result.metadata["language"] = lang
    return result


def stale_translations(notebook: nbformat.NotebookNode, stem: str, lang: str) -> list[str]:
    """The ids of prose cells whose translation is missing or was made for other English."""
    cells = prose(lang).get(stem, {})
    return [cell.id for cell in notebook.cells if cell.cell_type == "markdown"
            and (cell.id not in cells or cells[cell.id]["source"] != cell.source.strip())]


def write_translated(path: Path, lang: str, folder: Path) -> Path:
    """The notebook at `path` in `lang`, written into `folder` under the same name."""
    notebook = nbformat.read(path, as_version=4)
    target = folder / path.name
    nbformat.write(translated(notebook, path.stem, lang), target)
    return target
