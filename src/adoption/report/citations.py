"""How a journalist cites a chart of a build: plain text, BibTeX, an HTML `<figure>` and
Markdown, each with the chart's web address, the build's date and adoption's version.

The chart's manifest entry gives its title, alt text, files and sources (publisher and
years of the plotted series); the build gives where the folder is published
(`Publication.base_url`, from `[build] base_url`, `--base-url` or
`ADOPTION_BASE_URL`), the date and the version. Without a base URL no address is
invented: each snippet names the chart's file where its address belongs, and the
index says how to set one.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from adoption.charts.embed import DEFAULT_HEIGHT, TALL_HEIGHT, embed_snippet
from adoption.escaping import bibtex_escape, markdown_text
from adoption.text import say
from adoption.text.formats import clauses, date, year_span

CHARTS_FOLDER = "charts/"
INDEX_PAGES = {"en": "index.html", "fr": "index-fr.html"}
BIBTEX_LANGUAGES = {"en": "english", "fr": "french"}


@dataclass(frozen=True)
class Publication:
    """Where and when a build's charts are published, and by which version."""

    base_url: str | None  # ends in "/", or None when unset
    built_on: dt.date
    version: str

    def address(self, path: str) -> str | None:
        """The web address of a file of the build folder ("charts/x.png"), if published."""
        return self.base_url + path if self.base_url else None


def chart_file(entry: Mapping, kind: str = "png") -> str:
    """The chart's file, relative to the build folder: "charts/NAME.png"."""
    return CHARTS_FOLDER + quote(entry["files"][kind])


def chart_page(entry: Mapping) -> str:
    """The chart on the index of its language: "index.html#chart-NAME"."""
    return f'{INDEX_PAGES.get(entry["lang"], INDEX_PAGES["en"])}#chart-{quote(entry["name"])}'


def data_text(entry: Mapping, lang: str) -> str:
    """"UMass Dartmouth Center for Marketing Research, 2007–2010": each publisher with the
    years of its plotted series."""
    years: dict[str, set[int]] = {}
    for source in entry.get("sources", []):
        years.setdefault(source["publisher"], set()).update(source.get("years", []))
    return clauses([f"{publisher}, {year_span(found)}" if found else publisher
                    for publisher, found in years.items()], lang) or entry["source_line"]


def plain_text(entry: Mapping, publication: Publication, lang: str) -> str:
    """Author (year). “Title” [chart]. Data: … adoption VERSION, built DATE. URL (licence)."""
    return say("cite.text", lang, author=say("chart.author", lang),
               year=str(publication.built_on.year), title=entry["title"],
               data=data_text(entry, lang), version=publication.version,
               date=date(publication.built_on, lang), url=_address(entry, publication, lang),
               license=entry["license"])


def bibtex(entry: Mapping, publication: Publication, lang: str) -> str:
    """A BibTeX @misc entry with url, urldate and version (biblatex reads all three)."""
    url = publication.address(chart_file(entry))
    fields = [
        ("author", "{" + bibtex_escape(say("chart.author", lang)) + "}"),
        ("title", "{" + bibtex_escape(entry["title"]) + "}"),
        ("year", str(publication.built_on.year)),
        ("howpublished", bibtex_escape(say("cite.howpublished", lang, license=entry["license"]))),
        *([("url", url), ("urldate", publication.built_on.isoformat())] if url else []),
        ("version", bibtex_escape(publication.version)),
        ("note", bibtex_escape(say("cite.note", lang, data=data_text(entry, lang),
                                   version=publication.version))),
        ("language", BIBTEX_LANGUAGES[lang]),
    ]
    body = ",\n".join(f"  {key:<12} = {{{value}}}" for key, value in fields)
    return f"@misc{{adoption:{entry['name']},\n{body}\n}}"


def html_figure(entry: Mapping, publication: Publication, lang: str) -> str:
    """The `<figure>` a blogger pastes: the image at its web address, its alt text, and a
    caption with the title, source, credit and a link to the chart with its citations."""
    card = entry["sizes"]["png"]
    image = publication.address(chart_file(entry)) or chart_file(entry)
    page = publication.address(chart_page(entry)) or chart_page(entry)
    caption = say("cite.figure_caption", lang, title=entry["title"],
                  source=entry["source_line"], credit=entry["credit"])
    built = say("cite.built_with", lang, version=publication.version,
                date=date(publication.built_on, lang))
    return (
        f'<figure>\n  <img src="{_e(image)}" alt="{_e(entry["alt_text"])}" '
        f'width="{card["width"]}" height="{card["height"]}">\n'
        f'  <figcaption>{_e(caption)} <a href="{_e(page)}">{_e(built)}</a></figcaption>\n'
        "</figure>"
    )


def markdown(entry: Mapping, publication: Publication, lang: str) -> str:
    """The Markdown equivalent: the image with its alt text, then the caption in italics."""
    image = publication.address(chart_file(entry)) or chart_file(entry)
    page = publication.address(chart_page(entry)) or chart_page(entry)
    caption = say("cite.figure_caption", lang, title=entry["title"],
                  source=entry["source_line"], credit=entry["credit"])
    built = say("cite.built_with", lang, version=publication.version,
                date=date(publication.built_on, lang))
    return (f"![{markdown_text(entry['alt_text'])}]({image})\n\n"
            f"*{markdown_text(caption)}* [{markdown_text(built)}]({page})")


def embed(entry: Mapping, publication: Publication) -> str:
    """The `<iframe>` of the chart's interactive page, at its web address once published
    (its file name until then)."""
    return embed_snippet(entry, publication.address(CHARTS_FOLDER))


def embed_note(entry: Mapping, lang: str) -> str:
    """How the embedded frame behaves: its height, and a taller one for narrow columns."""
    height = entry.get("embed", {}).get("height", DEFAULT_HEIGHT)
    return say("chart.web.embed_note", lang, height=height, tall=TALL_HEIGHT)


def snippets(entry: Mapping, publication: Publication, lang: str) -> list[tuple[str, str]]:
    """(kind, text) for each way to cite the chart, in the order the index shows them:
    the HTML figure, the interactive chart's `<iframe>` (for charts that have a page),
    Markdown, plain text and BibTeX."""
    interactive = [("embed", embed(entry, publication))] if "html" in entry["files"] else []
    return [("html", html_figure(entry, publication, lang)),
            *interactive,
            ("markdown", markdown(entry, publication, lang)),
            ("text", plain_text(entry, publication, lang)),
            ("bibtex", bibtex(entry, publication, lang))]


def _address(entry: Mapping, publication: Publication, lang: str) -> str:
    file = chart_file(entry)
    return publication.address(file) or say("cite.unpublished_url", lang, file=file)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
