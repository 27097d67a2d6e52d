"""The index, in English and French: report cards, charts by report, citations, and
nothing from a manifest or a config ever read as markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from adoption.report.config import BuildConfig, ReportSpec
from adoption.report.index import COPY_SCRIPT, index_pages
from adoption.report.policy import script_hash
from adoption.report.state import BuildState

HOSTILE = 'Charities <script>alert("x")</script> & "quotes" [65 %](evil)'
BUILT_AT = "2026-11-26T12:00:00Z"


def _entry(name: str, lang: str = "en", title: str = "Charities led", synthetic=False) -> dict:
    return {
        "name": name, "kind": "adoption_curves", "lang": lang, "title": title,
        "subtitle": "Share using a blog, 2007–2010.", "alt_text": f"{title}. In 2010, 64%.",
        "notes": ["Bars: 95% confidence intervals."],
        "source_note": "Source: UMass Dartmouth Center for Marketing Research, 2007–2010.",
        "source_line": "Source: UMass Dartmouth Center for Marketing Research, 2007–2010",
        "credit": "Chart: adoption project, CC BY 4.0", "license": "CC BY 4.0",
        "citation": "", "bibtex": "", "synthetic": synthetic, "claims": [],
        "sources": [{"series": "umassd-charities", "label": "Largest US charities",
                     "publisher": "UMass Dartmouth", "years": [2007, 2008, 2010],
                     "studies": ["S"], "urls": ["https://example.org/a?b=1&c=2",
                                                "javascript:alert(1)"]}],
        "files": {"png": f"{name}.png", "png_large": f"{name}-large.png",
                  "svg": f"{name}.svg", "csv": f"{name}.csv"},
        "sizes": {"png": {"width": 1200, "height": 628},
                  "png_large": {"width": 2400, "height": 1256},
                  "svg": {"width": 1200, "height": 628}},
        "sha256": {},
    }


def _build(tmp_path: Path, reports: list[tuple[str, str, list[dict], list[str]]],
           base_url: str | None = None) -> tuple[dict[str, str], list[dict]]:
    """The index pages of a build whose reports are (name, language, charts, findings),
    one notebook with a parameter from the name ("blog" and "blog-fr" are one report in
    two languages)."""
    specs, state = [], BuildState(tmp_path)
    for name, language, charts, findings in reports:
        specs.append(ReportSpec(name, f"Title of {name}", tmp_path / "n.ipynb",
                                {"series": name.removesuffix("-fr"), "language": language}))
        (tmp_path / f"{name}.html").write_text("page", encoding="utf-8")
        state.reports[name] = {"html": f"{name}.html", "charts": charts, "findings": findings,
                               "data": [{"file": "data/a.csv", "sha256": "ab" * 32}]}
    config = BuildConfig(tmp_path / "reports.toml", tuple(specs), base_url=base_url)
    charts = [chart for *_, found, _ in reports for chart in found]
    return index_pages(config, state, charts, BUILT_AT), charts


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.textareas: list[str] = []
        self._in_textarea = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_textarea = tag == "textarea"

    def handle_endtag(self, tag):
        self._in_textarea = False

    def handle_data(self, data):
        if self._in_textarea:
            self.textareas.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_each_language_has_its_index_with_a_switch(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a")], ["Charities led."]),
                                 ("blog-fr", "fr", [_entry("blog-a-fr", "fr")], ["Ils menaient."])])
    assert sorted(pages) == ["index-fr.html", "index.html"]
    english, french = _parse(pages["index.html"]), _parse(pages["index-fr.html"])
    assert english.all("html") == [{"lang": "en"}] and french.all("html") == [{"lang": "fr"}]
    assert {"href": "index-fr.html", "hreflang": "fr", "lang": "fr"} in english.all("a")
    assert {"href": "index.html", "hreflang": "en", "lang": "en"} in french.all("a")
    assert "Reports" in pages["index.html"] and "Rapports" in pages["index-fr.html"]
    assert "Copier" in pages["index-fr.html"] and "Copy" not in pages["index-fr.html"]


def test_a_card_per_report_with_its_finding_thumbnail_and_other_language(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a")], ["Charities led."]),
                                 ("blog-fr", "fr", [_entry("blog-a-fr", "fr")], ["Ils menaient."])])
    english = _parse(pages["index.html"])
    cards = [attrs for attrs in english.all("li") if attrs.get("class") == "card"]
    assert cards == [{"class": "card", "id": "report-blog"}]  # one card for both languages
    assert '<p class="headline">Charities led.</p>' in pages["index.html"]
    assert '<p class="headline">Ils menaient.</p>' in pages["index-fr.html"]
    thumbnails = [img for img in english.all("img") if img.get("class") == "thumbnail"]
    assert [img["src"] for img in thumbnails] == ["charts/blog-a.png"]
    assert {"href": "blog-fr.html", "hreflang": "fr", "lang": "fr"} in english.all("a")


def test_real_data_before_synthetic_data(tmp_path):
    pages, _ = _build(tmp_path, [("synth", "en", [_entry("s-a", synthetic=True)], []),
                                 ("blog", "en", [_entry("blog-a")], [])])
    page = pages["index.html"]
    assert page.index('id="report-blog"') < page.index('id="synthetic-reports"') \
        < page.index('id="report-synth"')


def test_charts_grouped_by_report_with_contents_downloads_and_snippets(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a"), _entry("blog-b")], []),
                                 ("tw", "en", [_entry("tw-a")], [])])
    page = _parse(pages["index.html"])
    links = [attrs.get("href") for attrs in page.all("a")]
    assert links.index("#charts-blog") < links.index("#charts-tw")  # contents
    figures = [attrs["id"] for attrs in page.all("figure")]
    assert figures == ["chart-blog-a", "chart-blog-b", "chart-tw-a"]
    for suffix in (".png", "-large.png", ".svg", ".csv"):
        assert f"charts/blog-a{suffix}" in links
    assert len(page.textareas) == 3 * 4  # HTML, Markdown, plain text, BibTeX per chart
    assert "2 charts" in pages["index.html"] and "1 chart)" in pages["index.html"]


def test_citations_carry_the_address_date_and_version(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a")], [])],
                      base_url="https://example.org/adoption/")
    figure, markdown, text, bibtex = _parse(pages["index.html"]).textareas
    assert figure.startswith('<figure>\n  <img src="https://example.org/adoption/charts/'
                             'blog-a.png" alt="Charities led. In 2010, 64%."')
    assert '<a href="https://example.org/adoption/index.html#chart-blog-a">adoption ' in figure
    assert "November 26, 2026</a>" in figure
    assert markdown.startswith("![Charities led. In 2010, 64%.](https://example.org/adoption/"
                               "charts/blog-a.png)")
    assert text.startswith("adoption project (2026). “Charities led” [chart]. Data: UMass "
                           "Dartmouth, 2007–2010. adoption ")
    assert text.endswith(", built November 26, 2026. https://example.org/adoption/charts/"
                         "blog-a.png (CC BY 4.0).")
    assert "  url          = {https://example.org/adoption/charts/blog-a.png}," in bibtex
    assert "  urldate      = {2026-11-26}," in bibtex
    assert re.search(r"  version      = \{\d", bibtex)
    assert 'id="no-base-url"' not in pages["index.html"]


def test_without_a_base_url_the_citations_say_where_it_goes(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a")], [])])
    figure, _, text, bibtex = _parse(pages["index.html"]).textareas
    assert 'id="no-base-url"' in pages["index.html"]
    assert "base_url" in pages["index.html"] and "ADOPTION_BASE_URL" in pages["index.html"]
    assert "[the web address of charts/blog-a.png once published]" in text
    assert '<img src="charts/blog-a.png"' in figure and "https://" not in figure
    assert "url " not in bibtex and "urldate" not in bibtex


def test_text_from_manifests_findings_and_titles_is_escaped(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-x", title=HOSTILE)], [HOSTILE])])
    page = pages["index.html"]
    assert "<script>alert" not in page
    assert str(escape(HOSTILE)) in page
    assert "javascript:" not in page  # only web links to sources
    assert "https://example.org/a?b=1&amp;c=2" in page
    _, markdown, _, _ = _parse(page).textareas
    assert "\\[65 %\\](evil)" in markdown  # no accidental link in the Markdown
    assert page.count("<script>") == 1  # the copy buttons', allowed by its hash
    assert f"<script>{COPY_SCRIPT}</script>" in page
    assert str(escape(script_hash(COPY_SCRIPT))) in page  # in the policy


def test_the_index_loads_nothing_from_other_hosts(tmp_path):
    pages, _ = _build(tmp_path, [("blog", "en", [_entry("blog-a", synthetic=True)], [])],
                      base_url="https://example.org/adoption/")
    for page in pages.values():
        parsed = _parse(page)
        for tag, attrs in parsed.tags:
            assert tag not in ("link",) or attrs.get("rel") in ("icon", "alternate"), attrs
            if tag in ("img", "script", "iframe"):
                assert not re.match(r"(https?:)?//", attrs.get("src", "")), attrs
        assert "@import" not in page and "url(" not in page
    assert "Synthetic data" in pages["index.html"]
    assert "Données synthétiques" in pages["index-fr.html"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_build_without_charts_says_so(tmp_path, lang):
    pages, _ = _build(tmp_path, [("blog", "en", [], [])])
    page = pages["index.html" if lang == "en" else "index-fr.html"]
    assert ("No charts in this build." if lang == "en" else
            "Aucun graphique dans cette construction.") in page
