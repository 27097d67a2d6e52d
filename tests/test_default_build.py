"""A full build of the default report set on a fresh folder, checked against the contract,
and the pages loaded in a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from matplotlib import image

from adoption.paths import PROJECT_ROOT
from adoption.report.build import build_reports
from adoption.report.config import load_config

pytestmark = pytest.mark.slow
CONFIG = PROJECT_ROOT / "reports.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MANIFEST_KEYS = {"name", "title", "subtitle", "alt_text", "source_note", "license", "citation",
                 "bibtex", "files", "synthetic", "lang"}
SOURCE_ATTRIBUTE = re.compile(r"""<(?:script|img|iframe|link|source|video|audio|embed)\b[^>]*"""
                              r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    outcome = build_reports(CONFIG, out, jobs=2)
    assert outcome.ok, [failure.error for failure in outcome.failed]
    return out


@pytest.fixture(scope="module")
def manifest(built) -> list[dict]:
    return json.loads((built / "charts" / "manifest.json").read_text())["charts"]


def test_every_report_has_its_page_and_notebook(built):
    for spec in load_config(CONFIG).reports:
        assert (built / f"{spec.name}.html").is_file(), spec.name
        assert (built / "executed" / f"{spec.name}.ipynb").is_file(), spec.name
    assert (built / "index.html").is_file()


def test_the_default_set_covers_what_users_need():
    reports = load_config(CONFIG).reports
    wanted = {(r.parameters.get("platform"), r.language) for r in reports}
    assert {("blog", "en"), ("twitter", "en"), ("facebook", "en"), ("blog", "fr")} <= wanted
    notebooks = {r.notebook.name for r in reports}
    assert {"survey_explorer.ipynb", "practitioner_surveys.ipynb"} <= notebooks
    blog = [r for r in reports if r.parameters.get("platform") == "blog"]
    assert all(set(r.parameters["business_series"]) == {"umassd-fortune500", "umassd-inc500"}
               for r in blog)


def test_index_lists_every_report_and_chart(built, manifest):
    """Each language's index links every report (its own as cards, the others' through the
    "read in" links and the build details) and lists the charts of its language."""
    pages = {"en": (built / "index.html").read_text(), "fr": (built / "index-fr.html").read_text()}
    for spec in load_config(CONFIG).reports:
        for index in pages.values():
            assert f'href="{spec.name}.html"' in index
    for chart in manifest:
        assert f'href="charts/{chart["files"]["svg"]}"' in pages[chart["lang"]]
    assert "SHA-256" in pages["en"] and "data/published/adoption.csv" in pages["en"]


def test_every_report_links_its_other_language(built):
    for spec in load_config(CONFIG).reports:
        page = (built / f"{spec.name}.html").read_text()
        other = spec.name.removesuffix("-fr") if spec.language == "fr" else f"{spec.name}-fr"
        assert f'href="{other}.html"' in page, spec.name
        assert f'href="{"index-fr.html" if spec.language == "fr" else "index.html"}"' in page


def test_no_page_loads_anything_from_another_host(built):
    for page in built.glob("*.html"):
        text = page.read_text()
        assert not SOURCE_ATTRIBUTE.search(text), page.name
        assert not CSS_URL.search(text), page.name
        assert "require.js" not in text and "mathjax" not in text.lower(), page.name


def test_report_pages_have_no_code(built):
    for page in built.glob("*.html"):
        if page.name != "index.html":
            assert 'class="jp-CodeMirrorEditor' not in page.read_text(), page.name


def test_every_chart_has_its_files_and_a_complete_manifest_entry(built, manifest):
    assert manifest, "the default build draws charts"
    for chart in manifest:
        assert set(chart) >= MANIFEST_KEYS, chart["name"]
        assert chart["alt_text"].strip() and chart["title"].strip()
        for kind in ("png", "png_large", "svg", "csv"):
            assert (built / "charts" / chart["files"][kind]).is_file(), (chart["name"], kind)


def test_social_card_png_is_1200_by_628(built, manifest):
    for chart in manifest:
        height, width = image.imread(built / "charts" / chart["files"]["png"]).shape[:2]
        assert (width, height) == (1200, 628), chart["name"]


def test_svg_carries_title_source_and_licence_as_text(built, manifest):
    for chart in manifest:
        svg = (built / "charts" / chart["files"]["svg"]).read_text()
        assert "CC BY 4.0" in svg, chart["name"]
        assert "Source" in svg, chart["name"]
        first_words = chart["title"].split()[0]
        assert first_words in svg, chart["name"]


def test_french_blogging_chart_is_in_the_default_build(built, manifest):
    french = [c for c in manifest if c["lang"] == "fr" and c["name"].startswith("blog-")]
    assert french
    svg = (built / "charts" / french[0]["files"]["svg"]).read_text()
    assert "Graphique\u202f: projet adoption" in svg
    assert "Chart:" not in svg


def test_no_curators_tag_reaches_a_reader(built):
    """The reference file tags the 2009 study "[SEED STUDY]"; its corrections remove it
    (data/published/adoption.corrections.csv), so no page, chart or table shows it."""
    published = [*built.glob("*.html"), *built.glob("charts/*.csv"),
                 *built.glob("charts/*.html"), *built.glob("data/*.csv")]
    assert published
    assert not [path.name for path in published if "SEED STUDY" in path.read_text("utf-8")]


def test_synthetic_charts_say_so(built, manifest):
    synthetic = [c for c in manifest if c["synthetic"]]
    assert synthetic, "the survey explorer draws synthetic charts"
    for chart in synthetic:
        assert "synthetic" in chart["name"]
        mark = "SYNTHETIC" if chart["lang"] == "en" else "SYNTHÉTIQUES"
        assert mark in (built / "charts" / chart["files"]["svg"]).read_text()


def test_a_second_build_does_nothing(built):
    outcome = build_reports(CONFIG, built, jobs=2)
    assert outcome.built == [] and not outcome.failed
    assert len(outcome.up_to_date) == len(load_config(CONFIG).reports)


# --- in a real browser ---

@pytest.fixture(scope="module")
def server(built):
    """The built reports served on loopback, as a reader's browser would fetch them."""
    handler = functools.partial(_QuietHandler, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get "
                                             "install chromium; see README, Testing)")
def test_pages_render_in_chromium_without_errors_or_other_hosts(built, server):
    """Every page as a reader sees it on a phone (390 px), where the longer French text
    is likeliest to overflow; on a desktop (1280 px) the English pages and both indexes
    (a French report page is laid out by the same template as its English one)."""
    from playwright.sync_api import sync_playwright

    pages = sorted(p.name for p in built.glob("*.html"))
    desktop = [name for name in pages
               if name.startswith("index") or not name.endswith("-fr.html")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            for width, names in ((1280, desktop), (390, pages)):
                for name in names:
                    _check_page(browser, f"{server}/{name}", name, width)
        finally:
            browser.close()


def _check_page(browser, url: str, name: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    elsewhere, errors = [], []
    page.on("request", lambda request: None if request.url.startswith(
        ("http://127.0.0.1", "data:")) else elsewhere.append(request.url))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    # The index loads its images lazily, as a reader scrolls: load them all now.
    page.eval_on_selector_all("img", "els => els.forEach(e => { e.loading = 'eager'; })")
    # Polled from here: wait_for_function evaluates a string, which the pages' policy
    # (no eval) rightly refuses.
    for _ in range(300):
        if page.evaluate("Array.from(document.images).every(e => e.complete)"):
            break
        page.wait_for_timeout(100)
    where = f"{name} at {width} px"
    assert not elsewhere, f"{where} requested other hosts: {elsewhere}"
    assert not errors, f"{where} logged errors: {errors}"
    images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth > 0)")
    assert images and all(images), f"{where}: an image did not load"
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{where}: {scroll} px wide, so it scrolls sideways"
    other_language = "English" if name.endswith("-fr.html") else "Français"
    assert page.get_by_role("link", name=other_language).count() >= 1, where
    if not name.startswith("index"):
        assert page.locator("table").count() > 0, f"{where}: no table rendered"
        assert page.locator("aside.adoption-key-findings li").count() >= 1, \
            f"{where}: no key findings box"
        if width == 390 and not name.endswith("-fr.html"):
            # The frames of one language: the French pages frame the same kind of pages
            # (tests/test_charts_interactive.py draws those in both languages).
            _check_interactive_charts(page, where)
    page.close()


def _check_interactive_charts(page, where: str) -> None:
    """Each chart of a report page is its interactive page in a frame, drawn, and the frame
    tall enough for the chart's source line (the chart page posts its height)."""
    figures = page.locator("figure.chart").count()
    frames = page.locator("figure.chart > iframe")
    assert frames.count() == figures > 0, f"{where}: {frames.count()} frames, {figures} charts"
    for index in range(figures):
        frames.nth(index).scroll_into_view_if_needed()
    for _ in range(300):
        drawn = [frame for frame in page.frames[1:] if frame.evaluate(
            "document.documentElement.className.includes('interactive')")]
        if len(drawn) == figures:
            break
        page.wait_for_timeout(100)
    assert len(drawn) == figures, f"{where}: {len(drawn)} of {figures} charts drawn"
    page.wait_for_timeout(200)  # the last height message
    for frame in drawn:
        needed = frame.evaluate("document.querySelector('main').offsetHeight")
        given = frame.frame_element().evaluate("e => e.clientHeight")
        assert given >= needed, f"{where}: {frame.url} needs {needed} px, has {given}"


def test_the_adoption_table_is_published_with_its_data_dictionary(built):
    """reports/data/: the table the reports read, and a Data Package that describes every
    column, so a journalist can re-plot everything."""
    import csv

    package = json.loads((built / "data" / "datapackage.json").read_text())
    resource = package["resources"][0]
    assert package["profile"] == "tabular-data-package" and resource["path"] == "adoption.csv"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    with (built / "data" / "adoption.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [field["name"] for field in resource["schema"]["fields"]]
    assert all(field.get("description") for field in resource["schema"]["fields"])
    # The quote: "One hundred-eight (22%) of the primary corporations listed on the 2009
    # Fortune 500" had a blog; 108 / 500 = 0.216.
    fortune = [row for row in rows if (row["series"], row["year"], row["platform"])
               == ("umassd-fortune500", "2009", "blog")]
    assert [(r["adopters"], r["n"], r["share"], r["exact_count"]) for r in fortune] == [
        ("108", "500", "0.216", "True")]
    assert {row["synthetic"] for row in rows if row["series"] == "synthetic-survey"} == {"True"}
