"""Words, numbers, source lines, citations and titles, in English and French."""

from __future__ import annotations

import pandas as pd
import pytest

from adoption import load_published, load_table
from adoption.charts import MissingSeriesMetadata, load_series_metadata
from adoption.charts.findings import comparison_title, comparison_title_several, verdict
from adoption.charts.i18n import (
    join,
    number,
    percent,
    signed_points,
    words,
    year_list,
    year_span,
)
from adoption.charts.metadata import (
    bibtex,
    certainty_notes,
    check_covers,
    citation,
    series_info,
    source_line,
)

NNBSP = "\u202f"


# --- numbers and words -------------------------------------------------------------------


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
    assert signed_points(41.2, "en") == "+41"
    assert signed_points(-3, "fr") == "\u22123"
    assert signed_points(0.2, "en") == "0"


def test_years():
    assert year_span([2010, 2007, 2008]) == "2007\u20132010"
    assert year_list([2008, 2009], "en") == "2008 and 2009"
    assert year_list([2007, 2008, 2009, 2012], "fr") == "2007\u20132009 et 2012"
    assert join(["a", "b", "c"], "en") == "a, b and c"


def test_footer_words():
    assert words("credit", "en") == "Chart: adoption project, CC BY 4.0"
    assert words("credit", "fr") == f"Graphique{NNBSP}: projet adoption, CC BY 4.0"
    assert words("source", "fr", text="X") == f"Source{NNBSP}: X"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of en, fr"):
        percent(0.5, "de")


# --- series metadata ------------------------------------------------------------------------


def test_series_metadata_covers_every_published_series():
    catalog = load_series_metadata()
    published = set(load_published()["series"].astype(str))
    assert published <= set(catalog)
    check_covers(load_table(), catalog)
    for name in published:
        info = catalog[name]
        for field in ("label", "short_label", "noun", "population"):
            assert getattr(info, field)["en"] and getattr(info, field)["fr"]


def test_series_metadata_gives_the_canonical_names():
    info = series_info("umassd-charities")
    assert info.label["en"] == "Largest US charities (Forbes 200)"
    assert info.label["fr"] == ("Plus grands organismes de bienfaisance des États-Unis "
                                "(Forbes 200)")
    assert info.publisher["en"] == "UMass Dartmouth Center for Marketing Research"
    assert series_info("nten-benchmark").publisher["fr"].endswith(" et Blackbaud")


def test_a_series_without_metadata_fails_clearly():
    table = load_table()
    table["series"] = table["series"].astype(str).replace("umassd-inc500", "my-survey")
    with pytest.raises(MissingSeriesMetadata, match=r"my-survey"):
        check_covers(table)
    with pytest.raises(MissingSeriesMetadata, match=r"add a \[my-survey\] table"):
        series_info("my-survey")


def test_an_incomplete_entry_names_the_missing_key(tmp_path):
    path = tmp_path / "series.toml"
    path.write_text('[x]\npublisher = "P"\nslug = "x"\nlabel.en = "X"\nshort_label.en = "X"\n'
                    'short_label.fr = "X"\nnoun.en = "x"\nnoun.fr = "x"\npopulation.en = "x"\n'
                    'population.fr = "x"\n', encoding="utf-8")
    with pytest.raises(MissingSeriesMetadata, match=r"\[x\] lacks label\.fr"):
        load_series_metadata(path)


# --- source lines and citations -------------------------------------------------------


def _rows(series: str, platform: str = "blog") -> pd.DataFrame:
    table = load_table()
    return table[(table["series"] == series) & (table["platform"] == platform)
                 & table["year"].between(2007, 2010)]


def test_source_line_is_built_from_the_data():
    rows = pd.concat([_rows("umassd-charities"), _rows("umassd-fortune500")])
    catalog = load_series_metadata()
    assert source_line(rows, "en", catalog) == (
        "Source: UMass Dartmouth Center for Marketing Research, 2007\u20132010")
    assert source_line(rows, "fr", catalog) == (
        f"Source{NNBSP}: UMass Dartmouth Center for Marketing Research, 2007\u20132010")
    two = pd.concat([rows, _rows("bm-global100")])
    assert source_line(two, "en", catalog).startswith("Sources: UMass")
    assert "; Burson-Marsteller, 2010" in source_line(two, "en", catalog)


def test_second_hand_figures_are_noted():
    notes = certainty_notes(_rows("umassd-fortune500"), "en", load_series_metadata())
    assert notes == ["Fortune 500, 2007: figure as cited by a later study"]


def test_citation_and_bibtex():
    text = citation("A 65% title", "blog-x", "UMass, 2007\u20132010", "fr")
    assert text == ("projet adoption, \u00ab\u202fA 65% title\u202f\u00bb [graphique blog-x], "
                    f"CC BY 4.0. Données{NNBSP}: UMass, 2007\u20132010.")
    entry = bibtex(f"A 65{NNBSP}% & co_title", "blog-x", "UMass, 2007\u20132010", "fr")
    assert entry.startswith("@misc{adoption:blog-x,\n")
    assert r"65\,\% \& co\_title" in entry
    assert "2007--2010" in entry
    assert "language     = {french}" in entry
    assert entry.count("{") == entry.count("}")


# --- titles state what the statistics found -------------------------------------------


def _comparison(leaders: list[str], differences: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"year": range(2007, 2007 + len(leaders)), "leader": leaders,
                         "difference": differences})


NP, B = "the largest US charities", "the Fortune 500"


def test_title_when_the_lead_is_clear_every_year():
    found = verdict(_comparison(["nonprofit"] * 4, [0.3] * 4))
    assert comparison_title(NP, B, "blog", found, "en") == (
        "The largest US charities were ahead of the Fortune 500 on blogging in every year, "
        "2007\u20132010")
    assert comparison_title("les plus grands organismes", "les entreprises du Fortune 500",
                            "blog", found, "fr") == (
        "Les plus grands organismes devançaient les entreprises du Fortune 500 pour les blogs "
        "chaque année de 2007 à 2010")


def test_title_when_the_lead_is_clear_only_in_some_years():
    found = verdict(_comparison(["unknown", "nonprofit", "nonprofit", "unclear"],
                                [0.15, 0.18, 0.2, 0.01]))
    title = comparison_title(NP, "the Inc. 500", "blog", found, "en")
    assert title == ("The largest US charities led the Inc. 500 on blogging in every year, "
                     "2007\u20132010, but the lead is clear only in 2008 and 2009")
    assert "were ahead" not in title


def test_title_when_no_lead_is_clear():
    found = verdict(_comparison(["unclear", "unclear"], [0.02, 0.01]))
    assert comparison_title(NP, B, "twitter", found, "en").endswith(
        "but the lead is never clear")


def test_title_when_businesses_lead():
    found = verdict(_comparison(["business"] * 3, [-0.2] * 3))
    assert comparison_title(NP, B, "twitter", found, "en") == (
        "The Fortune 500 were ahead of the largest US charities on Twitter in every year, "
        "2007\u20132009")


def test_title_when_the_lead_changes_hands():
    found = verdict(_comparison(["nonprofit", "unclear", "business"], [0.2, -0.01, -0.2]))
    title = comparison_title(NP, B, "facebook", found, "en")
    assert title.startswith("No consistent leader on Facebook, 2007\u20132009: ")
    assert "the largest US charities ahead in 2007" in title
    assert "the Fortune 500 ahead in 2008 and 2009" in title


def test_title_against_several_businesses_names_the_unclear_one():
    clear = verdict(_comparison(["nonprofit"] * 4, [0.4] * 4))
    partial = verdict(_comparison(["unknown", "nonprofit", "nonprofit", "unknown"], [0.1] * 4))
    title = comparison_title_several(NP, [B, "the Inc. 500"], "blog", [clear, partial], "en")
    assert title == ("The largest US charities led the Fortune 500 and the Inc. 500 on blogging "
                     "in every year, 2007\u20132010, but the lead over the Inc. 500 is clear "
                     "only in 2008 and 2009")
