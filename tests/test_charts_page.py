"""The charts section of the report index: images, alt text, downloads, citation snippets."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from adoption.charts import charts_section_html, html_snippet, markdown_snippet

HOSTILE = 'Charities <script>alert("x")</script> & "quotes" [65 %](evil)'


def _entry(name: str, lang: str = "en", title: str = "Charities led", synthetic=False) -> dict:
    return {
        "name": name, "kind": "adoption_curves", "lang": lang, "title": title,
        "subtitle": "Share using a blog, 2007–2010.", "alt_text": f"{title}. In 2010, 64%.",
        "notes": ["Bars: 95% confidence intervals."],
        "source_note": "Source: UMass Dartmouth Center for Marketing Research, 2007–2010.",
        "source_line": "Source: UMass Dartmouth Center for Marketing Research, 2007–2010",
        "credit": "Chart: adoption project, CC BY 4.0", "license": "CC BY 4.0",
        "citation": f"adoption project, “{title}” [chart {name}], CC BY 4.0.",
        "bibtex": f"@misc{{adoption:{name},\n  title = {{{{{title}}}}}\n}}\n",
        "synthetic": synthetic,
        "sources": [{"series": "umassd-charities", "label": "Largest US charities",
                     "publisher": "UMass Dartmouth", "years": [2007],
                     "studies": ["S"], "urls": ["https://example.org/a?b=1&c=2",
                                                "javascript:alert(1)"]}],
        "files": {"png": f"{name}.png", "png_large": f"{name}-large.png",
                  "svg": f"{name}.svg", "csv": f"{name}.csv"},
        "sizes": {"png": {"width": 1200, "height": 628},
                  "png_large": {"width": 2400, "height": 1256},
                  "svg": {"width": 1200, "height": 628}},
        "sha256": {},
    }


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


def _parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    return collector


def test_each_chart_has_image_alt_downloads_and_snippets():
    entries = [_entry("blog-a"), _entry("blog-a-fr", lang="fr", title="Les organismes")]
    page = _parse(charts_section_html(entries))
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert [image["src"] for image in images] == ["charts/blog-a.png", "charts/blog-a-fr.png"]
    assert images[0]["alt"] == "Charities led. In 2010, 64%."
    links = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    for suffix in (".png", "-large.png", ".svg", ".csv"):
        assert f"charts/blog-a{suffix}" in links
    assert "#chart-blog-a-fr" in links and "#chart-blog-a" in links  # the other language
    figures = [attrs for tag, attrs in page.tags if tag == "figure"]
    assert [f["lang"] for f in figures] == ["en", "fr"]
    assert len(page.textareas) == 2 * 4  # HTML, Markdown, plain text, BibTeX per chart


def test_snippets_are_the_markup_to_paste():
    entry = _entry("blog-a")
    snippet = html_snippet(entry, "https://example.org/charts")
    assert snippet.startswith('<figure>\n  <img src="https://example.org/charts/blog-a.png" ')
    assert "<figcaption>Charities led. Source: UMass Dartmouth Center for Marketing Research, " \
           "2007–2010. Chart: adoption project, CC BY 4.0.</figcaption>" in snippet
    markdown = markdown_snippet(entry)
    assert markdown.startswith("![Charities led. In 2010, 64%.](blog-a.png)\n\n*Charities led.")
    page = _parse(charts_section_html([entry]))
    assert page.textareas[0] == html_snippet(entry)  # shown escaped, copied as markup


def test_text_from_the_manifest_is_escaped():
    entry = _entry("blog-x", title=HOSTILE)
    fragment = charts_section_html([entry])
    assert "<script>alert" not in fragment
    assert html.escape(HOSTILE) in fragment
    assert "javascript:" not in fragment  # only web links to sources
    assert "https://example.org/a?b=1&amp;c=2" in fragment
    markdown = markdown_snippet(entry)
    assert "\\[65 %\\]\\(evil\\)" in markdown  # no accidental link in the Markdown
    snippet = html_snippet(entry)
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet


def test_fragment_loads_nothing_from_other_hosts():
    fragment = charts_section_html([_entry("blog-a", synthetic=True)])
    page = _parse(fragment)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe")
        if tag in ("img", "script"):
            assert not re.match(r"(https?:)?//", attrs.get("src", "")), attrs
    assert "@import" not in fragment and "url(" not in fragment
    assert "Synthetic data" in fragment


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_empty_and_french_sections(lang):
    fragment = charts_section_html([], lang=lang)
    assert "<h2>" in fragment and f'lang="{lang}"' in fragment
    if lang == "fr":
        assert "Graphiques" in fragment and "Aucun graphique" in fragment
