"""The interactive chart pages (charts/NAME.html): drawn from the CSV's very numbers,
safe with hostile data, identical across builds, embeddable, and working in Chromium
(no console error, no other host, tooltips, legend toggles, 390 and 320 px wide, a
static picture where scripts do not run). Also the chart CSVs as readers get them."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from adoption import load_survey, load_table
from adoption.charts import (
    account_activity_chart,
    account_adoption_chart,
    adoption_curves,
    context_chart,
    diffusion_chart,
    dormant_accounts_chart,
    gap_chart,
    read_manifest,
    save_chart,
    survey_by_size,
    survey_platform_count,
    survey_weighting,
    vendor,
)
from adoption.charts.embed import DEFAULT_HEIGHT, embed_snippet, figure_html
from adoption.charts.interactive import GLUE_SCRIPT, page_html
from adoption.paths import SYNTHETIC_DIR
from adoption.report.policy import content_security_policy
from adoption.snapshots import load_snapshots

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NEEDS_CHROMIUM = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]
SECTOR_MAP = SYNTHETIC_DIR / "snapshots_synthetic_sector_map.csv"
CURVES = "blog-charities-vs-fortune500-inc500-2007-2010"
HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'


FRENCH_TOO = {"adoption_curves", "gap", "diffusion", "survey_platform_count",
              "dormant_accounts"}  # every kind in English; these also in French


def _builders() -> dict:
    """kind -> build(lang), over the bundled figures, survey and account archive."""
    warnings.simplefilter("ignore")
    table = load_table()
    survey = load_survey(SYNTHETIC_DIR / "survey_synthetic.csv")
    snapshots = load_snapshots([SYNTHETIC_DIR / "snapshots_synthetic.csv"],
                               sector_map=SECTOR_MAP)
    several = ["umassd-fortune500", "umassd-inc500"]
    return {
        "adoption_curves": lambda lang: adoption_curves(table, "blog", "umassd-charities",
                                                        several, lang=lang),
        "gap": lambda lang: gap_chart(table, "blog", "umassd-charities", "umassd-fortune500",
                                      lang=lang),
        "diffusion": lambda lang: diffusion_chart(table, "blog", "umassd-charities", several,
                                                  lang=lang),
        "context": lambda lang: context_chart(table, "nten-benchmark", lang=lang),
        "survey_by_size": lambda lang: survey_by_size(survey, "blog", lang=lang),
        "survey_platform_count": lambda lang: survey_platform_count(survey, lang=lang),
        "survey_weighting": lambda lang: survey_weighting(survey, "blog", lang=lang),
        "account_adoption": lambda lang: account_adoption_chart(
            snapshots, sector_map=SECTOR_MAP, lang=lang),
        "account_activity": lambda lang: account_activity_chart(snapshots, lang=lang,
                                                                n_resamples=100),
        "dormant_accounts": lambda lang: dormant_accounts_chart(snapshots, lang=lang),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    """Every kind of chart (some in French too) in one folder: {name: (chart, entry)}.
    The headline chart is saved whole; the others only as their page and CSV, which is
    all these tests read (drawing every PNG would double the module's time)."""
    folder = tmp_path_factory.mktemp("interactive")
    charts = {}
    for kind, build in _builders().items():
        for lang in ("en", "fr") if kind in FRENCH_TOO else ("en",):
            chart = build(lang)
            if chart.name.removesuffix("-fr") == CURVES:
                charts[chart.name] = (chart, save_chart(chart, folder))
                continue
            (folder / f"{chart.name}.csv").write_text(chart.csv(), encoding="utf-8")
            (folder / f"{chart.name}.html").write_text(page_html(chart), encoding="utf-8")
            # The page's fallback picture (shown until the chart is drawn): any PNG will do.
            shutil.copyfile(folder / f"{CURVES}.png", folder / f"{chart.name}.png")
            charts[chart.name] = (chart, chart.manifest_entry())
    return folder, charts


def _spec(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="chart-spec">(.*?)</script>', page,
                      re.S)
    assert found, "no spec in the page"
    return json.loads(found.group(1))


# --- the page holds the CSV's numbers -----------------------------------------------------


def test_a_saved_chart_has_its_page_in_the_manifest_and_the_script_beside_it(built):
    folder, _ = built
    entries = {entry["name"]: entry for entry in read_manifest(folder / "manifest.json")}
    assert set(entries) == {CURVES, f"{CURVES}-fr"}
    for name, entry in entries.items():
        page = (folder / f"{name}.html").read_bytes()
        assert entry["files"]["html"] == f"{name}.html"
        assert entry["sha256"]["html"] == hashlib.sha256(page).hexdigest()
        assert entry["embed"]["height"] == DEFAULT_HEIGHT
        assert f'src="{name}.html"' in entry["embed"]["html"]
        assert entry["embed"]["script"] == vendor.SCRIPT_PATH
    script = folder / vendor.SCRIPT_PATH
    assert script.read_bytes() == vendor.ASSET.read_bytes()
    assert script.stat().st_size > 500_000  # the real library, not a stand-in


def test_the_pages_spec_holds_exactly_the_csvs_values(built):
    """Every CSV column and row is in the spec's data, value for value, as a reader of the
    CSV (Python's csv module, no pandas) reads it."""
    folder, charts = built
    for name in charts:
        rows = _spec((folder / f"{name}.html").read_text(encoding="utf-8"))["data"]["values"]
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as stream:
            written = list(csv.DictReader(stream))
        assert len(rows) == len(written), name
        for row, cells in zip(rows, written, strict=True):
            for column, cell in cells.items():
                assert _same(row[column], cell), (name, column, row[column], cell)


def _same(value: object, cell: str) -> bool:
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value)
    if isinstance(value, int | float):
        return float(cell) == float(value)
    return cell in (value, "'" + value)  # a formula-like text is neutralised in the CSV only


def test_legend_tooltips_and_words_are_in_the_charts_language(built):
    folder, _ = built
    page = (folder / f"{CURVES}-fr.html").read_text(encoding="utf-8")
    spec = _spec(page)
    point = next(row for row in spec["data"]["values"]
                 if row["series"] == "umassd-fortune500" and row["year"] == 2009)
    assert point["_tip"]["Part"] == "21,6\u202f%"
    assert point["_tip"]["Décompte"] == "recensement des 500"
    assert "Séries : sélectionner" not in page  # French spacing comes from the catalog
    assert "Séries\u202f: sélectionner" in page
    locale = json.loads(re.search(r'id="chart-locale">(.*?)</script>', page).group(1))
    assert (locale["decimal"], locale["thousands"], locale["percent"]) == (
        ",", "\u202f", "\u202f%")
    english = (folder / f"{CURVES}.html").read_text(encoding="utf-8")
    assert json.loads(re.search(r'id="chart-locale">(.*?)</script>', english).group(1))[
        "percent"] == "%"


def test_synthetic_pages_carry_the_banner_and_the_watermark(built):
    folder, charts = built
    for name, (chart, _) in charts.items():
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert ('class="banner"' in page) == chart.synthetic, name
        assert ("data-watermark=" in page) == chart.synthetic, name
        assert chart.source_line.split(":")[0] in page and "CC BY 4.0" in page


# --- safety and determinism -----------------------------------------------------------------


def _hostile_chart(lang: str = "en"):
    table = load_table()
    hostile = table.copy()
    rows = (hostile["series"] == "umassd-charities") & (hostile["platform"] == "blog")
    hostile["study"] = hostile["study"].astype(object)
    hostile.loc[rows, "study"] = HOSTILE
    hostile.loc[rows & (hostile["year"] == 2008), "study"] = "=HYPERLINK(\"http://x\")"
    return adoption_curves(hostile, "blog", "umassd-charities", "umassd-fortune500", lang=lang)


def test_data_strings_never_become_markup_or_code():
    warnings.simplefilter("ignore")
    page = page_html(_hostile_chart())
    assert HOSTILE not in page and "</script><script>alert" not in page
    assert page.count("<script") == 4  # spec, locale, the library, the hashed glue
    spec = _spec(page)  # still readable JSON, the text intact inside it
    assert any(row["study"] == HOSTILE for row in spec["data"]["values"])
    assert "datum._tip" in json.dumps(spec) and HOSTILE not in json.dumps(
        [layer.get("transform") for layer in spec["layer"]])


def test_the_policy_allows_only_the_library_and_the_hashed_script(built):
    folder, _ = built
    page = (folder / f"{CURVES}.html").read_text(encoding="utf-8")
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    digest = base64.b64encode(hashlib.sha256(GLUE_SCRIPT.encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy
    assert f"<script>{GLUE_SCRIPT}</script>" in page
    assert "http://" not in re.sub(r'"(source_url|[a-z_]*source_url)":"[^"]*"', "", page) \
        .replace("https://vega.github.io/schema", "")


def test_two_builds_write_the_same_bytes(tmp_path):
    warnings.simplefilter("ignore")
    table = load_table()
    for folder in (tmp_path / "a", tmp_path / "b"):
        save_chart(adoption_curves(table, "blog", "umassd-charities",
                                   ["umassd-fortune500", "umassd-inc500"], lang="fr"), folder)
    first = {p.relative_to(tmp_path / "a"): p.read_bytes()
             for p in (tmp_path / "a").rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "b"): p.read_bytes()
              for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert first.keys() == second.keys() and first == second
    assert Path(f"{CURVES}-fr.html") in first


def test_vendor_script_is_what_vl_convert_bundles():
    vl_convert = pytest.importorskip("vl_convert")
    if vl_convert.__version__ != vendor.VL_CONVERT_VERSION:
        pytest.skip(f"vl-convert-python {vl_convert.__version__} installed; the shipped "
                    f"bundle is from {vendor.VL_CONVERT_VERSION}")
    assert vendor.bundle() == vendor.ASSET.read_bytes()


def test_specs_are_valid_vega_lite(built):
    """Checked by the Vega-Lite compiler itself (vl-convert), when installed."""
    vl_convert = pytest.importorskip("vl_convert")
    folder, charts = built
    for name in charts:
        spec = _spec((folder / f"{name}.html").read_text(encoding="utf-8"))
        compiled = vl_convert.vegalite_to_vega(spec)
        assert compiled["marks"], name


# --- embedding ---------------------------------------------------------------------------------


def test_embed_snippets_name_the_page_and_a_height(built):
    _, charts = built
    entry = charts[CURVES][1]
    snippet = embed_snippet(entry, "https://example.org/charts")
    assert snippet.startswith('<iframe src="https://example.org/charts/' + CURVES + '.html"')
    assert f'height="{DEFAULT_HEIGHT}"' in snippet and 'width="100%"' in snippet
    assert 'title="On blogging' in snippet
    figure = figure_html(entry)
    assert f'src="charts/{CURVES}.html"' in figure and figure.startswith("<figure")
    assert "frame-src 'self'" in content_security_policy()


def test_the_index_gives_the_iframe_with_its_note(built):
    import datetime as dt

    from adoption.report.citations import Publication, embed_note, snippets

    _, charts = built
    entry = charts[CURVES][1]
    publication = Publication("https://example.org/adoption/", dt.date(2026, 11, 26), "1.0")
    given = dict(snippets(entry, publication, "fr"))
    assert given["embed"].startswith(
        f'<iframe src="https://example.org/adoption/charts/{CURVES}.html"')
    assert "Collez ce HTML" in embed_note(entry, "fr")


# --- the CSVs as readers get them ---------------------------------------------------------------


def test_csvs_hold_numbers_as_a_reader_expects(built):
    folder, charts = built
    for name in charts:
        text = (folder / f"{name}.csv").read_text(encoding="utf-8")
        header, *lines = list(csv.reader(io.StringIO(text)))
        assert all(re.fullmatch(r"[a-z0-9_]+", column) for column in header), header
        for line in lines:
            for column, cell in zip(header, line, strict=True):
                if cell == "":
                    continue
                assert "e-" not in cell.lower() or not re.match(r"^-?\d", cell), (name, cell)
                if column in {"year", "passed_after", "passed_before", "n", "population_size",
                              "nonprofit_n", "business_n", "organisations", "adopters",
                              "panel_size", "dormant", "undated", "platforms_used"}:
                    assert re.fullmatch(r"\d+", cell), (name, column, cell)
                elif column.endswith(("_percent", "_points")) and column != \
                        "confidence_percent":
                    assert re.fullmatch(r"-?\d+\.\d", cell), (name, column, cell)
                elif column in {"p_value", "p_adjusted"}:
                    assert re.fullmatch(r"<0\.001|[01]\.\d{3}", cell), (name, column, cell)


def test_gap_csv_names_its_units_and_writes_p_values_for_readers(built):
    folder, _ = built
    frame = pd.read_csv(folder / "blog-gap-charities-vs-fortune500-2007-2010.csv",
                        dtype=str, keep_default_na=False)
    assert {"nonprofit_share_percent", "business_share_percent", "gap_points"} <= set(frame)
    # Hand count: 2008 charities 57% of 76 against the Fortune 500's census 16.2%:
    # the p-value is far below 0.001, and the shares are written as published.
    row = frame[frame["year"] == "2008"].iloc[0]
    assert (row["nonprofit_share_percent"], row["business_share_percent"]) == ("57.0", "16.2")
    assert row["p_value"] == "<0.001" and row["nonprofit_n"] == "76"


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _open(browser, url: str, width: int, height: int = 760, scripts: bool = True):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  java_script_enabled=scripts)
    page = context.new_page()
    problems: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(("file://", "data:"))
            else problems.append(f"request to {request.url}"))
    page.on("console", lambda message: problems.append(message.text)
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: problems.append(f"dialog {dialog.message}"))
    page.goto(url, wait_until="load")
    return context, page, problems


def _wait_interactive(page) -> None:
    for _ in range(100):
        if page.evaluate("document.documentElement.className.includes('interactive')"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("the chart did not become interactive")


@NEEDS_CHROMIUM
def test_every_page_renders_and_fits_from_desktop_to_a_small_phone(built, browser):
    """At 1280, 390 and 320 px: drawn, no console error or warning, no other host, no
    horizontal scroll, the title within the width, every label Vega drew inside it."""
    folder, charts = built
    context, page, problems = _open(browser, "about:blank", 1280)
    for name in charts:
        page.set_viewport_size({"width": 1280, "height": 760})
        page.goto((folder / f"{name}.html").as_uri(), wait_until="load")
        _wait_interactive(page)
        assert page.locator("#chart-vega svg path, #chart-vega svg line").count() > 3, name
        _fits(page, name, 1280)
        for width in (390, 320):
            page.set_viewport_size({"width": width, "height": 760})
            page.wait_for_timeout(150)  # Vega redraws to the new width
            _fits(page, name, width)
        assert not problems, (name, problems)
    context.close()


def _fits(page, name: str, width: int) -> None:
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (name, width, scroll)
    title = page.locator("h1").bounding_box()
    assert title["x"] >= 0 and title["x"] + title["width"] <= width and title["height"]
    edges = page.evaluate("Array.from(document.querySelectorAll('#chart-vega svg text'))"
                          ".map(t => { const r = t.getBoundingClientRect();"
                          " return [r.left, r.right]; })")
    assert edges and all(left >= 0 and right <= width + 0.5 for left, right in edges), (
        name, width)


@NEEDS_CHROMIUM
def test_hovering_a_known_point_shows_its_value(built, browser):
    folder, _ = built
    context, page, problems = _open(browser, (folder / f"{CURVES}-fr.html").as_uri(), 1280)
    _wait_interactive(page)
    # The Fortune 500's 2009 census figure: 108 of 500 = 21.6 % (data/published/adoption.csv).
    # Each point is announced in the chart's language (its aria-label), e.g. "Entreprises
    # du Fortune 500, 2009; Part: 21,6 %; ...".
    point = page.locator('#chart-vega svg path[aria-label^="Entreprises du Fortune 500, 2009;"]')
    box = point.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    assert "21,6\u202f%" in text and "recensement des 500" in text, text
    assert not problems
    context.close()


@NEEDS_CHROMIUM
def test_hostile_study_names_show_as_text_and_run_nothing(tmp_path, browser):
    warnings.simplefilter("ignore")
    save_chart(_hostile_chart(), tmp_path)
    page_file = tmp_path / "blog-charities-vs-fortune500-2007-2010.html"
    context, page, problems = _open(browser, page_file.as_uri(), 1280)
    _wait_interactive(page)
    point = page.locator('#chart-vega svg path[aria-label^="Largest US charities (Forbes 200), '
                         '2009;"]')
    box = point.first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert HOSTILE in tooltip.inner_text()
    assert page.locator("#vg-tooltip-element script, #vg-tooltip-element img").count() == 0
    page.locator("details.numbers summary").click()
    assert HOSTILE in page.locator("details.numbers table").inner_text()
    assert not problems, problems  # no alert dialog, no error
    context.close()


@NEEDS_CHROMIUM
def test_legend_buttons_hide_and_show_a_series(built, browser):
    folder, _ = built
    context, page, problems = _open(browser, (folder / f"{CURVES}.html").as_uri(), 1280)
    _wait_interactive(page)
    labelled = '#chart-vega svg path[aria-label*=", 2009;"]'
    before = page.locator(labelled).count()
    button = page.locator("#chart-legend button").nth(2)  # the Inc. 500
    button.click()
    page.wait_for_timeout(300)
    assert button.get_attribute("aria-pressed") == "false"
    assert page.locator(labelled).count() < before
    button.click()
    page.wait_for_timeout(300)
    assert page.locator(labelled).count() == before
    assert not problems
    context.close()


@NEEDS_CHROMIUM
def test_without_scripts_the_page_shows_the_picture(built, browser):
    folder, charts = built
    chart = charts[CURVES][0]
    context, page, _ = _open(browser, (folder / f"{CURVES}.html").as_uri(), 1280,
                             scripts=False)
    image = page.locator("img.fallback")
    assert image.is_visible() and image.get_attribute("alt") == chart.alt_text
    assert image.bounding_box()["width"] > 600  # the PNG, drawn at the column's width
    assert page.locator("#chart-vega svg").count() == 0
    assert page.locator("details.numbers table tbody tr").count() == 12
    context.close()


@NEEDS_CHROMIUM
def test_a_report_page_embeds_the_chart_under_its_own_policy(built, browser):
    """A page with the report pages' policy (no script of its own) shows the interactive
    chart in its frame."""
    folder, charts = built
    report = folder.parent / f"{folder.name}-report.html"
    report.write_text(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{content_security_policy()}\">"
        f"<title>r</title></head><body>{figure_html(charts[CURVES][1], charts_href=folder.name)}"
        "</body></html>", encoding="utf-8")
    context, page, problems = _open(browser, report.as_uri(), 1280)
    frame = page.frame_locator("iframe")
    frame.locator("html.interactive").wait_for(timeout=10000)
    assert frame.locator("#chart-vega svg").count() == 1
    assert not problems, problems
    context.close()
