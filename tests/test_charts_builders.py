"""Every chart builder, in English and French: files, sizes, text, manifest, numbers.

The charts are built and saved once per test session (real card and large sizes, as
the pixel-size test needs them); the tests then read the files like a blogger would.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from adoption import load_survey, load_table
from adoption.charts import (
    ENTRY_KEYS,
    adoption_curves,
    context_chart,
    diffusion_chart,
    gap_chart,
    load_series_metadata,
    read_manifest,
    save_chart,
    survey_by_size,
    survey_platform_count,
    survey_weighting,
)
from adoption.charts.style import CARD, LARGE, MIN_TEXT_PX, SECTOR_COLOURS
from adoption.paths import SYNTHETIC_DIR
from adoption.stats.compare import compare_sectors, estimate_share
from adoption.stats.intervals import wilson_interval
from adoption.table import from_survey

NNBSP = "\u202f"
SURVEY = SYNTHETIC_DIR / "survey_synthetic.csv"

BUILDERS = {
    "curves": lambda t, s, lang: adoption_curves(
        t, "blog", "umassd-charities", "umassd-fortune500", lang=lang),
    "curves_several": lambda t, s, lang: adoption_curves(
        t, "blog", "umassd-charities", ["umassd-fortune500", "umassd-inc500"], lang=lang),
    "gap": lambda t, s, lang: gap_chart(t, "blog", "umassd-charities", "umassd-inc500",
                                        lang=lang),
    "diffusion": lambda t, s, lang: diffusion_chart(
        t, "blog", "umassd-charities", ["umassd-fortune500", "umassd-inc500"], lang=lang),
    "context": lambda t, s, lang: context_chart(t, "nten-benchmark", lang=lang),
    "by_size": lambda t, s, lang: survey_by_size(s, "blog", lang=lang),
    "platform_count": lambda t, s, lang: survey_platform_count(s, lang=lang),
    "weighting": lambda t, s, lang: survey_weighting(s, "blog", lang=lang),
}
SYNTHETIC = {"by_size", "platform_count", "weighting"}
CASES = [(kind, lang) for kind in BUILDERS for lang in ("en", "fr")]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_table()


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return load_survey(SURVEY)


@pytest.fixture(scope="module")
def built(table, survey, tmp_path_factory):
    """{(kind, lang): (chart, entry)} with every chart saved into one folder."""
    folder = tmp_path_factory.mktemp("charts")
    charts = {}
    for kind, lang in CASES:
        chart = BUILDERS[kind](table, survey, lang)
        charts[(kind, lang)] = (chart, save_chart(chart, folder))
    return folder, charts


def _svg_text(path: Path) -> str:
    """The visible text of an SVG (its <text> elements), as a reader's search finds it."""
    root = ET.parse(path).getroot()
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    return _flat(" ".join(texts))


def _flat(text: str) -> str:
    """Line breaks and runs of ordinary spaces as one space; no-break spaces are kept
    (Python's \\s would match them, and they are what the French tests look for)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


# --- files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_files_exist_with_the_stated_pixel_sizes(built, kind, lang):
    folder, charts = built
    _, entry = charts[(kind, lang)]
    for file in entry["files"].values():
        assert (folder / file).stat().st_size > 0
    with Image.open(folder / entry["files"]["png"]) as card:
        assert card.size == (CARD.width, CARD.height)
        assert (entry["sizes"]["png"]["width"], entry["sizes"]["png"]["height"]) == card.size
    with Image.open(folder / entry["files"]["png_large"]) as large:
        assert large.size == (LARGE.width, LARGE.height)
    svg = ET.parse(folder / entry["files"]["svg"]).getroot()
    assert (svg.get("width"), svg.get("height")) == ("1200px", "628px")


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_file_names_are_stable_and_readable(built, kind, lang):
    chart, entry = built[1][(kind, lang)]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", chart.name)
    assert chart.name.endswith("-fr") == (lang == "fr")
    assert ("synthetic" in chart.name) == (kind in SYNTHETIC)
    assert entry["files"] == {"png": f"{chart.name}.png", "png_large": f"{chart.name}-large.png",
                              "svg": f"{chart.name}.svg", "csv": f"{chart.name}.csv",
                              "html": f"{chart.name}.html"}


def test_the_headline_chart_has_the_expected_name(built):
    names = {chart.name for chart, _ in built[1].values()}
    assert {"blog-charities-vs-fortune500-2007-2010",
            "blog-charities-vs-fortune500-2007-2010-fr"} <= names


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_svg_carries_title_source_and_licence_as_text(built, kind, lang):
    folder, charts = built
    chart, entry = charts[(kind, lang)]
    text = _svg_text(folder / entry["files"]["svg"])
    assert _flat(chart.title) in text
    assert _flat(chart.source_line) in text
    assert "CC BY 4.0" in text
    assert _flat(chart.credit_line) in text
    raw = (folder / entry["files"]["svg"]).read_text(encoding="utf-8")
    assert '<desc id="chart-desc">' in raw and f'xml:lang="{lang}"' in raw


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_manifest_entry_is_complete(built, kind, lang):
    folder, charts = built
    chart, entry = charts[(kind, lang)]
    saved = {e["name"]: e for e in read_manifest(folder / "manifest.json")}[chart.name]
    assert saved == entry
    assert set(ENTRY_KEYS) <= set(saved)
    for key in ("title", "subtitle", "alt_text", "source_note", "citation", "bibtex",
                "source_line", "credit"):
        assert saved[key].strip(), key
    assert saved["lang"] == lang
    assert saved["license"] == "CC BY 4.0"
    assert all(claim["text"] in saved["alt_text"] for claim in saved["claims"])
    finding = saved["title"].split("\u202f: " if lang == "fr" else ": ", 1)[-1] if (
        kind in SYNTHETIC) else saved["title"]
    assert finding[1:] in saved["alt_text"]  # the finding, its first letter's case aside
    assert saved["sources"] and all(s["publisher"] for s in saved["sources"])
    assert set(saved["sha256"]) == {"png", "png_large", "svg", "csv", "html"}


def test_manifest_lists_every_chart_sorted(built):
    folder, charts = built
    names = [e["name"] for e in read_manifest(folder / "manifest.json")]
    assert names == sorted(names)
    assert set(names) == {chart.name for chart, _ in charts.values()}


# --- French ------------------------------------------------------------------------------

ENGLISH_WORDS = [
    "Source:", "Sources:", "Chart:", "Data:", "census", "Census", "Nonprofits", "nonprofits",
    "Businesses", "businesses", "Share", "share", "interval", "sampling", "every year",
    "ahead", "clearly", "Synthetic", "SYNTHETIC", "illustrative", "weighted", "Bars",
    "Hollow", "charities", "Largest", "survey of", "respondents", "using", "blogging",
    "companies", "around", "reached", "estimated", "platforms", "organisations", "Small",
    "Medium", "Large", "unclear", "no interval", "the", "and", "of", "with", "in",
    "January", "March", "passed", "never", "cannot", "tested", "method", "unknown",
]


def _proper_names() -> list[str]:
    """Names that stay in English in a French text: publishers, lists, reports, products."""
    names = ["UMass Dartmouth Center for Marketing Research", "Nonprofit Tech for Good",
             "Public Interest Registry", "Nonprofit Social Network Benchmark Report",
             "Global NGO Technology", "Fortune Global 100", "Fortune 500", "Inc. 500",
             "Philanthropy 400", "ThePort Network", "Common Knowledge", "CC BY 4.0"]
    for info in load_series_metadata().values():
        names.append(info.publisher["fr"])
    return sorted(set(names), key=len, reverse=True)


def _without_names(text: str) -> str:
    for name in _proper_names():
        text = text.replace(name, " ")
    return text


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_french_output_has_no_english_label(built, kind):
    folder, charts = built
    entry = charts[(kind, "fr")][1]
    texts = {
        "svg": _svg_text(folder / entry["files"]["svg"]),
        **{key: entry[key] for key in ("title", "subtitle", "alt_text", "source_line",
                                       "credit", "citation", "source_note")},
        "notes": " ".join(entry["notes"]),
    }
    for where, text in texts.items():
        plain = _without_names(text)
        for word in ENGLISH_WORDS:
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", plain), (where, word)
        assert not re.search(r"\d\.\d", plain), (where, "decimal point")
        assert not re.search(r"\d,\d{3}\b", plain), (where, "comma thousands")
        assert not re.search(r"\d ?%", plain), (where, "percent without narrow space")
        assert not re.search(r"\w :", plain), (where, "colon without narrow space")
    assert NNBSP in texts["svg"]
    assert f"{NNBSP}%" in texts["svg"]


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_english_output_uses_english_conventions(built, kind):
    folder, charts = built
    entry = charts[(kind, "en")][1]
    text = _svg_text(folder / entry["files"]["svg"])
    assert "Source: " in text or "Sources: " in text
    assert f"{NNBSP}%" not in text and "Graphique" not in text


# --- synthetic data --------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_synthetic_charts_carry_the_mark_everywhere(built, kind, lang):
    folder, charts = built
    entry = charts[(kind, lang)][1]
    text = _svg_text(folder / entry["files"]["svg"])
    csv = pd.read_csv(folder / entry["files"]["csv"])
    banner = ("SYNTHETIC DATA — illustrative, not real organisations" if lang == "en"
              else "DONNÉES SYNTHÉTIQUES — illustratives, pas de vrais organismes")
    watermark = "SYNTHETIC DATA" if lang == "en" else "DONNÉES SYNTHÉTIQUES"
    if kind in SYNTHETIC:
        assert entry["synthetic"] is True
        assert banner in text
        assert text.count(watermark) >= 2  # the banner and the diagonal mark
        assert entry["title"].startswith("Synthetic data" if lang == "en"
                                         else "Données synthétiques")
        assert entry["alt_text"].startswith(banner)
        assert csv["synthetic"].all()
    else:
        assert entry["synthetic"] is False
        assert watermark not in text
        assert not csv["synthetic"].any()


# --- the numbers: the CSV holds what the statistics say ---------------------------------


# The CSV writes shares and gaps to 0.1 percentage point (adoption.charts.published_table): a value
# is right when it is within half of that of the exact one.
TENTH = 0.05 + 1e-9


def _csv(built, kind: str, lang: str = "en") -> pd.DataFrame:
    folder, charts = built
    return pd.read_csv(folder / charts[(kind, lang)][1]["files"]["csv"])


def test_curves_csv_equals_the_comparison_table(built, table):
    csv = _csv(built, "curves").set_index(["series", "year"])
    comparison = compare_sectors(table[table["year"].between(2007, 2010)], "blog",
                                 "umassd-charities", "umassd-fortune500")
    for row in comparison.itertuples():
        for side, series in (("nonprofit", row.nonprofit_series),
                             ("business", row.business_series)):
            plotted = csv.loc[(series, row.year)]
            for column, value in (("share_percent", "share"), ("low_percent", "low"),
                                  ("high_percent", "high")):
                expected = 100 * getattr(row, f"{side}_{value}")
                assert plotted[column] == pytest.approx(expected, abs=TENTH, nan_ok=True), column
    # The Fortune 500: counted by the quotes in 2008-2010; only cited, method unknown, in 2007.
    assert csv.loc[("umassd-fortune500", 2007), "interval"] == "none_method_unknown"
    assert {csv.loc[("umassd-fortune500", y), "interval"] for y in (2008, 2009, 2010)} == {
        "exact_census"}
    assert csv.loc[("umassd-charities", 2009), "share_percent"] == pytest.approx(65)
    assert csv.loc[("umassd-fortune500", 2009), "share_percent"] == pytest.approx(21.6)
    assert csv["publisher"].notna().all() and csv["study"].notna().all()


def test_curves_show_missing_sample_sizes_as_no_interval(built):
    csv = _csv(built, "curves_several").set_index(["series", "year"])
    for year in (2007, 2010):
        plotted = csv.loc[("umassd-inc500", year)]
        assert math.isnan(plotted["low_percent"]) and math.isnan(plotted["high_percent"])
        assert plotted["interval"] == "none_sample_size_missing"
    chart = built[1][("curves_several", "en")][0]
    assert any("Hollow points" in note and "Inc. 500, 2007 and 2010" in note
               for note in chart.notes)


def test_gap_csv_equals_the_comparison_table(built, table):
    csv = _csv(built, "gap")
    comparison = compare_sectors(table[table["year"].between(2007, 2010)], "blog",
                                 "umassd-charities", "umassd-inc500")
    for column, exact in (("gap_points", "difference"), ("gap_low_points", "difference_low"),
                          ("gap_high_points", "difference_high")):
        np.testing.assert_allclose(csv[column], 100 * comparison[exact], atol=TENTH, rtol=0)
    # p-values as a reader writes them (APA): three decimals, "<0.001" below that.
    for written, exact in zip(csv["p_adjusted"], comparison["p_adjusted"], strict=True):
        if math.isnan(exact):
            assert pd.isna(written)
        elif exact < 0.001:
            assert written == "<0.001"
        else:
            assert float(written) == pytest.approx(exact, abs=0.0005 + 1e-12)
    assert csv["leader"].tolist() == comparison["leader"].tolist() == [
        "unknown", "nonprofit", "nonprofit", "unknown"]


def test_titles_are_true_to_the_claims(built):
    gap = built[1][("gap", "en")][1]
    assert [claim["supported"] for claim in gap["claims"]] == [None, True, True, None]
    assert gap["title"] == ("On blogging, the largest charities were ahead of the Inc. 500 in "
                            "2008 and 2009 (2007 and 2010 cannot be tested)")
    headline = built[1][("curves", "en")][1]
    assert headline["title"] == ("On blogging, the largest charities were ahead of the "
                                 "Fortune 500 in 2008–2010 (2007 cannot be tested)")


def test_diffusion_csv_holds_the_figures_and_their_passage(built, table):
    csv = _csv(built, "diffusion")
    assert set(csv["kind"]) == {"observed"}  # no curve drawn over years without data
    charities = csv[csv["series"] == "umassd-charities"].set_index("year")
    assert charities["share_percent"].tolist() == pytest.approx([34, 57, 65, 64])
    assert set(charities["status"]) == {"passed"}
    assert (charities["passed_after"].iloc[0], charities["passed_before"].iloc[0]) == (
        2007, 2008)
    inc = csv[csv["series"] == "umassd-inc500"]
    assert set(inc["status"]) == {"not_reached"} and inc["passed_after"].isna().all()
    low, high = estimate_share(table[(table["series"] == "umassd-charities")
                                     & (table["platform"] == "blog")
                                     & (table["year"] == 2008)].iloc[0]).low, None
    assert charities.loc[2008, "low_percent"] == pytest.approx(100 * low, abs=TENTH)
    del high


def test_context_csv_is_the_published_figures(built, table):
    csv = _csv(built, "context")
    rows = table[table["series"] == "nten-benchmark"]
    merged = csv.merge(rows.assign(platform=rows["platform"].astype(str)),
                       on=["platform", "year"])
    assert len(merged) == len(rows)
    np.testing.assert_allclose(merged["share_percent"], 100 * merged["share"], atol=TENTH,
                               rtol=0)
    chart = built[1][("context", "en")][0]
    assert any("no margin of error" in note for note in chart.notes)
    assert "low_percent" not in csv.columns  # no interval for self-selected respondents


def test_weighting_csv_equals_weighted_shares_and_wilson_intervals(built, survey):
    csv = _csv(built, "weighting")
    aggregated = from_survey(survey)
    rows = aggregated[aggregated["platform"] == "blog"]
    rows = rows.assign(sector=rows["sector"].astype(str))[
        ["sector", "year", "share", "share_weighted", "n_effective", "population_size"]]
    merged = csv.merge(rows, on=["sector", "year"], suffixes=("", "_table"))
    assert len(merged) == len(rows) == 12
    np.testing.assert_allclose(merged["weighted_percent"], 100 * merged["share_weighted"],
                               atol=TENTH, rtol=0)
    np.testing.assert_allclose(merged["unweighted_percent"], 100 * merged["share"],
                               atol=TENTH, rtol=0)
    n_effective = merged["n_effective_table"].to_numpy()
    low, high = wilson_interval(merged["share_weighted"].to_numpy() * n_effective, n_effective,
                                0.95, merged["population_size"].astype(float).to_numpy())
    np.testing.assert_allclose(merged["weighted_low_percent"], 100 * low, atol=TENTH, rtol=0)
    np.testing.assert_allclose(merged["weighted_high_percent"], 100 * high, atol=TENTH, rtol=0)


def _answers(survey: pd.DataFrame, year: int) -> pd.DataFrame:
    wave = survey[survey["year"] == year]
    platforms = [c for c in wave.columns if c.startswith("uses_")]
    return wave, platforms


def test_by_size_csv_equals_weighted_shares_by_band(built, survey):
    csv = _csv(built, "by_size").set_index(["size_band", "sector"])
    wave, _ = _answers(survey, 2012)
    answered = wave[wave["uses_blog"].notna()]
    for (band, sector), group in answered.groupby(["size_band", "sector"], observed=True):
        expected = (group["weight"] * group["uses_blog"].astype(float)).sum() / group[
            "weight"].sum()
        assert csv.loc[(band, str(sector)), "share_percent"] == pytest.approx(
            100 * expected, abs=TENTH)
        assert csv.loc[(band, str(sector)), "n"] == len(group)


def test_platform_count_csv_equals_a_direct_count(built, survey):
    csv = _csv(built, "platform_count").set_index(["sector", "platforms_used"])
    wave, platforms = _answers(survey, 2012)
    answered = wave[wave[platforms].notna().all(axis=1)]
    counts = answered[platforms].astype(int).sum(axis=1)
    for sector in ("nonprofit", "business"):
        mask = answered["sector"].astype(str) == sector
        weights = answered.loc[mask, "weight"]
        for used in range(len(platforms) + 1):
            expected = weights[counts[mask] == used].sum() / weights.sum()
            assert csv.loc[(sector, used), "share_percent"] == pytest.approx(100 * expected,
                                                                              abs=TENTH)
    rows_per_sector = len(platforms) + 1  # each rounded by at most half a tenth
    assert csv.groupby("sector")["share_percent"].sum().to_numpy() == pytest.approx(
        [100, 100], abs=rows_per_sector * TENTH)
    chart = built[1][("platform_count", "en")][0]
    left_out = int((~wave[platforms].notna().all(axis=1)).sum())
    assert any(f"{left_out} organisations" in note for note in chart.notes)


# --- layout: legible and inside the card -------------------------------------------------


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_every_text_is_legible_at_600_px_and_inside_the_card(built, kind, lang):
    chart, _ = built[1][(kind, lang)]
    figure = chart.figure()
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert texts
    for text in texts:
        size_px = text.get_fontsize() * figure.dpi / 72
        assert size_px >= MIN_TEXT_PX - 0.01, (text.get_text(), size_px)
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.x1 <= CARD.width + 1, text.get_text()
        assert box.y0 >= -1 and box.y1 <= CARD.height + 1, text.get_text()
    plot = figure.axes[0].get_window_extent(renderer)
    assert plot.height >= 150 and plot.width >= 600  # the data keep most of the card


def test_notebook_display_is_a_self_contained_figure(built):
    chart, _ = built[1][("curves", "fr")]
    data, metadata = chart._repr_mimebundle_()
    shown = data["text/html"]
    assert metadata == {"text/html": {"adoption_chart": chart.name}}  # for the report page
    assert shown.startswith('<figure lang="fr"')
    assert 'src="data:image/png;base64,' in shown
    assert "http://" not in shown and "https://" not in shown
    assert 'alt="Pour les blogues, les grands organismes' in shown


def test_self_selected_series_are_refused_in_a_sector_comparison(table):
    with pytest.raises(ValueError, match="self-selected"):
        adoption_curves(table, "facebook", "nten-benchmark", "umassd-fortune500")


def test_numbers_written_on_a_chart_stay_text_in_the_svg():
    """Labels with a white outline must still be text: searchable, and read aloud."""
    import re

    import adoption
    from adoption.charts import adoption_curves

    svg = adoption_curves(adoption.load_table(), "blog", "umassd-charities",
                          "umassd-fortune500").svg()
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for value in ("34%", "57%", "65%", "64%", "8%", "23.2%"):
        assert value in texts, value


@pytest.mark.parametrize("kind", ["curves_several", "diffusion"])
def test_series_of_one_colour_are_told_apart_by_shape_and_keyed_in_their_labels(built, kind):
    """The Fortune 500 and the Inc. 500 share the business colour: each keeps its own line
    and marker, and its label in the label column starts with a sample of both."""
    from matplotlib.lines import Line2D

    chart, _ = built[1][(kind, "en")]
    figure = chart.figure()
    business = SECTOR_COLOURS["business"]
    plotted = {(line.get_linestyle(), line.get_marker()) for line in figure.axes[0].lines
               if business in (line.get_color(), line.get_markeredgecolor())}
    keys = [(line.get_linestyle(), line.get_marker()) for line in figure.artists
            if isinstance(line, Line2D) and line.get_color() == business]
    # A key is a stretch of line (no marker) and a marker in its middle (no line).
    assert sorted(keys) == [("-", "None"), ("--", "None"), ("None", "o"), ("None", "s")]
    assert {("-", "None"), ("--", "None"), ("None", "o"), ("None", "s")} <= plotted


def test_a_survey_of_both_sectors_reaches_50_percent_as_two_sides(survey):
    """One survey file holds both sectors under one series name: the chart draws its
    nonprofits and its businesses as two lines, named by sector, never by an internal id."""
    from adoption.table import from_survey

    chart = diffusion_chart(from_survey(survey), "twitter", "synthetic-survey",
                            "synthetic-survey")
    assert set(chart.data["sector"]) == {"nonprofit", "business"}
    assert set(chart.data["series"]) == {"synthetic-survey"}
    assert "@" not in chart.title and "@" not in chart.alt_text
    assert [claim["series"] for claim in chart.claims] == [["synthetic-survey"]] * 2
