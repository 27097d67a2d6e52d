"""The text layer: one catalog per language, numbers by Babel, French typography once."""

from __future__ import annotations

import re
import string

import nbformat
import pytest

from adoption.paths import NOTEBOOKS_DIR
from adoption.text import Series, catalog, keys, message, say
from adoption.text.formats import join, number, percent, points, year_list, year_span
from adoption.text.notebooks import stale_translations
from adoption.text.typography import typeset

NNBSP = "\u202f"


@pytest.mark.parametrize(("fraction", "en", "fr"), [
    (0.65, "65%", f"65{NNBSP}%"),
    (0.905, "90.5%", f"90,5{NNBSP}%"),
    (0.57, "57%", f"57{NNBSP}%"),  # 0.57 * 100 is 56.99999999999999
    (0.144, "14.4%", f"14,4{NNBSP}%"),
    (1.0, "100%", f"100{NNBSP}%"),
])
def test_percent(fraction, en, fr):
    assert percent(fraction, "en") == en
    assert percent(fraction, "fr") == fr


def test_numbers_and_points():
    assert number(11196, "en") == "11,196"
    assert number(11196, "fr") == f"11{NNBSP}196"
    assert number(3.66, "fr", 1) == "3,7"
    assert number(-2.5, "en", 1) == "\u22122.5"
    assert points(41.2, "en") == "+41"
    assert points(-3, "fr") == "\u22123"
    assert points(0.2, "en") == "0"


def test_years_and_lists():
    assert year_span([2010, 2007, 2008]) == "2007\u20132010"
    assert year_list([2008, 2009], "en") == "2008 and 2009"
    assert year_list([2007, 2008, 2009, 2012], "fr") == "2007\u20132009 et 2012"
    assert join(["a", "b", "c"], "en") == "a, b, and c"  # CLDR's English list
    assert join(["a", "b", "c"], "fr") == "a, b et c"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of en, fr"):
        percent(0.5, "de")


@pytest.mark.parametrize(("written", "typeset_"), [
    ("Source : {text}", f"Source{NNBSP}: {{text}}"),
    ("Source: x", f"Source{NNBSP}: x"),
    ("a ; b ! c ?", f"a{NNBSP}; b{NNBSP}! c{NNBSP}?"),
    ("« guillemets »", f"«{NNBSP}guillemets{NNBSP}»"),
    ("l'avance", "l\u2019avance"),
    ("65 %", f"65{NNBSP}%"),
    ("{a}; {b}", f"{{a}}{NNBSP}; {{b}}"),
    ("https://www.umassd.edu/", "https://www.umassd.edu/"),  # addresses stay as they are
    ("10:30", "10:30"),
])
def test_french_typography(written, typeset_):
    assert typeset(written, "fr") == typeset_
    assert typeset(written, "en") == written


def test_plurals_follow_each_language():
    assert say("reason.too_few_years", "en", count=1, needed=4).startswith("only 1 year with")
    assert say("reason.too_few_years", "en", count=3, needed=4).startswith("only 3 years with")
    # French: 0 and 1 take the singular (CLDR), 2 and more the plural.
    assert say("reason.too_few_years", "fr", count=1, needed=4).startswith("seulement 1 année")
    assert say("reason.too_few_years", "fr", count=2, needed=4).startswith("seulement 2 années")


def test_series_are_named_by_their_labels_never_their_ids():
    names = {"x-1": type("Info", (), {"short_label": {"en": "Label", "fr": "Libellé"}})()}
    text = message("reason.as_cited", series=Series("x-1", "short_label"), year=2007)
    assert text.text("en", names) == "Label 2007: cited by a later report; method unknown"
    assert text.text("fr", names).startswith(f"Libellé, 2007{NNBSP}:")


def test_every_key_exists_in_both_languages():
    assert keys("en") == keys("fr")


def _fields(template: object) -> set[str]:
    if isinstance(template, dict):
        return set().union(*(_fields(value) for value in template.values()))
    return {name.split(".")[0] for _, name, _, _ in string.Formatter().parse(str(template))
            if name}


@pytest.mark.parametrize("key", sorted(keys("en")))
def test_both_languages_use_the_same_values(key):
    def lookup(lang: str) -> object:
        node: object = catalog(lang)
        for part in key.split("."):
            node = node[part]  # type: ignore[index]
        return node

    assert _fields(lookup("fr")) <= _fields(lookup("en")) | {"count"}, key


def test_french_catalog_has_no_plain_space_before_high_punctuation():
    def walk(node: object) -> list[str]:
        if isinstance(node, dict):
            return [text for value in node.values() for text in walk(value)]
        return [str(node)]

    for text in walk(catalog("fr")):
        prose = re.sub(r"\{[^{}]*\}", "X", text)
        assert not re.search(r" [;:!?%»]", prose), text
        assert "'" not in prose.replace("''", ""), text


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_cell_of_prose_has_its_french(path):
    notebook = nbformat.read(path, as_version=4)
    assert stale_translations(notebook, path.stem, "fr") == []
