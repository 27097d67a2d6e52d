"""The charts section of `reports/index.html`, rendered from manifest entries.

Each chart appears with its image and alt text, its title, notes and source,
links to its interactive page and downloads (card PNG, large PNG, SVG, CSV), and
"cite this chart" snippets to copy: an HTML `<figure>` with `<figcaption>`, the
`<iframe>` that embeds the interactive chart (with a note on its height), Markdown,
plain text and BibTeX.
The fragment is self-contained (inline CSS and a few lines of inline script for
the copy buttons, which fall back to selecting the text); it loads nothing from
any other host. Every text from the manifest is HTML-escaped where it is shown,
and escaped again inside the snippets, so a snippet pasted into a blog is the
markup shown, not markup interpreted by our page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from adoption.charts.embed import DEFAULT_HEIGHT, TALL_HEIGHT, embed_snippet
from adoption.escaping import markdown_text, web_url
from adoption.text import say

PAGE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Charts",
        "intro": "Free to reuse under CC BY 4.0 with the credit line. Each chart comes with "
                 "the numbers it plots (CSV) and its sources.",
        "download": "Download",
        "png": "PNG {w}×{h}",
        "svg": "SVG",
        "csv": "Data (CSV)",
        "cite": "Cite this chart",
        "html": "HTML",
        "markdown": "Markdown",
        "text": "Plain text",
        "bibtex": "BibTeX",
        "copy": "Copy",
        "copied": "Copied",
        "synthetic": "Synthetic data",
        "other_fr": "Version française",
        "other_en": "English version",
        "sources": "Sources",
        "empty": "No charts in this build.",
    },
    "fr": {
        "heading": "Graphiques",
        "intro": "Libres de réutilisation sous CC BY 4.0 avec la mention de crédit. Chaque "
                 "graphique est fourni avec ses chiffres (CSV) et ses sources.",
        "download": "Télécharger",
        "png": "PNG {w}×{h}",
        "svg": "SVG",
        "csv": "Données (CSV)",
        "cite": "Citer ce graphique",
        "html": "HTML",
        "markdown": "Markdown",
        "text": "Texte",
        "bibtex": "BibTeX",
        "copy": "Copier",
        "copied": "Copié",
        "synthetic": "Données synthétiques",
        "other_fr": "Version française",
        "other_en": "English version",
        "sources": "Sources",
        "empty": "Aucun graphique dans cette construction.",
    },
}

STYLE = """<style>
.adoption-charts{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
  max-width:1240px}
.adoption-charts figure.chart{margin:0 0 2.5rem;padding:0 0 1.5rem;border-bottom:1px solid #ddd}
.adoption-charts img{display:block;max-width:100%;height:auto;border:1px solid #eee}
.adoption-charts figcaption{margin:.5rem 0;color:#333}
.adoption-charts figcaption .title{font-weight:bold;display:block;margin-bottom:.25rem}
.adoption-charts .downloads a{margin-right:.75rem}
.adoption-charts .tag{background:#b00020;color:#fff;padding:0 .4rem;border-radius:3px;
  font-size:.85em;margin-right:.5rem}
.adoption-charts textarea{width:100%;font-family:ui-monospace,monospace;font-size:.85em;
  box-sizing:border-box}
.adoption-charts .snippet{margin:.5rem 0}
.adoption-charts .snippet label{font-weight:bold;margin-right:.5rem}
</style>"""

# Copies the textarea named by the button; falls back to selecting it where the
# Clipboard API is unavailable (a page opened from a file, an old browser).
COPY_SCRIPT = """
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) { return; }
  var box = document.getElementById(button.getAttribute("data-copy"));
  var done = function () {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-done");
    setTimeout(function () { button.textContent = label; }, 1500);
  };
  box.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(box.value).then(done, function () {
      document.execCommand("copy"); done();
    });
  } else {
    document.execCommand("copy"); done();
  }
});
"""
SCRIPT = f"<script>{COPY_SCRIPT}</script>"


def script_hashes() -> list[str]:
    """The CSP source expressions ('sha256-...') of the inline scripts this fragment
    carries: the page's Content-Security-Policy allows these and no other script."""
    digest = hashlib.sha256(COPY_SCRIPT.encode("utf-8")).digest()
    return [f"'sha256-{base64.b64encode(digest).decode('ascii')}'"]


def charts_section_html(
    entries: Iterable[Mapping],
    *,
    charts_href: str = "charts/",
    public_url: str | None = None,
    lang: str = "en",
) -> str:
    """The HTML fragment listing every chart of `entries` (manifest entries, in order).

    `charts_href` is where the page finds the chart files (relative to the index);
    `public_url`, if given, is where the charts will be published, and the snippets a
    blogger copies use it; without it they name the files, to be uploaded with them.
    """
    words = PAGE_WORDS[lang]
    entries = list(entries)
    names = {entry["name"] for entry in entries}
    figures = [_figure(entry, names, charts_href, public_url, words, lang)
               for entry in entries]
    body = "\n".join(figures) if figures else f"<p>{_e(words['empty'])}</p>"
    return (
        f'<section class="adoption-charts" id="charts" lang="{_e(lang)}">\n{STYLE}\n'
        f"<h2>{_e(words['heading'])}</h2>\n<p>{_e(words['intro'])}</p>\n{body}\n{SCRIPT}\n"
        "</section>\n"
    )


def _figure(entry: Mapping, names: set[str], href: str, public_url: str | None,
            words: Mapping[str, str], lang: str) -> str:
    name = entry["name"]
    anchor = f"chart-{_id(name)}"
    files = entry["files"]
    card = entry["sizes"]["png"]
    tag = f'<span class="tag">{_e(words["synthetic"])}</span>' if entry["synthetic"] else ""
    notes = " ".join(entry.get("notes", []))
    caption = (
        f'<span class="title">{tag}{_e(entry["title"])}</span>'
        f'{_e(entry["subtitle"])}<br>'
        + (f"<small>{_e(notes)}</small><br>" if notes else "")
        + f'<small>{_e(entry["source_line"])}. {_e(entry["credit"])}.</small>'
        + _other_language(name, names, words)
    )
    return (
        f'<figure class="chart" id="{anchor}" lang="{_e(entry["lang"])}">\n'
        f'<img src="{_e(_url(href, files["png"]))}" alt="{_e(entry["alt_text"])}" '
        f'width="{card["width"]}" height="{card["height"]}" loading="lazy">\n'
        f"<figcaption>{caption}</figcaption>\n"
        f"{_downloads(entry, href, words, lang)}\n"
        f"{_sources(entry, words)}\n"
        f"{_citation(entry, anchor, public_url, words, lang)}\n"
        "</figure>"
    )


def _downloads(entry: Mapping, href: str, words: Mapping[str, str], lang: str) -> str:
    files, sizes = entry["files"], entry["sizes"]
    links = [
        (files["png"], words["png"].format(w=sizes["png"]["width"], h=sizes["png"]["height"])),
        (files["png_large"], words["png"].format(w=sizes["png_large"]["width"],
                                                 h=sizes["png_large"]["height"])),
        (files["svg"], words["svg"]),
        (files["csv"], words["csv"]),
    ]
    anchors = " ".join(f'<a href="{_e(_url(href, file))}" download>{_e(label)}</a>'
                       for file, label in links)
    interactive = ""
    if "html" in files:
        interactive = (f'<a href="{_e(_url(href, files["html"]))}">'
                       f'{_e(say("chart.web.interactive", lang))}</a> · ')
    return f'<p class="downloads">{interactive}{_e(words["download"])}: {anchors}</p>'


def _sources(entry: Mapping, words: Mapping[str, str]) -> str:
    """Each series' publisher and the pages its figures were read from."""
    items = []
    for source in entry.get("sources", []):
        urls = [address for address in map(web_url, source.get("urls", [])) if address]
        links = " ".join(f'<a href="{_e(url)}" rel="noopener noreferrer">[{number}]</a>'
                         for number, url in enumerate(urls, start=1))
        items.append(f"<li>{_e(source['label'])} ({_e(source['publisher'])}) {links}</li>")
    if not items:
        return ""
    return (f"<details><summary>{_e(words['sources'])}</summary><ul>{''.join(items)}</ul>"
            "</details>")


def _citation(entry: Mapping, anchor: str, public_url: str | None,
              words: Mapping[str, str], lang: str) -> str:
    snippets = [
        ("html", html_snippet(entry, public_url)),
        *([("embed", embed_snippet(entry, public_url))] if "html" in entry["files"] else []),
        ("markdown", markdown_snippet(entry, public_url)),
        ("text", entry["citation"]),
        ("bibtex", entry["bibtex"].rstrip("\n")),
    ]
    blocks = []
    for kind, text in snippets:
        box = f"{anchor}-{kind}"
        rows = min(8, text.count("\n") + 2)
        label = say("chart.web.embed", lang) if kind == "embed" else words[kind]
        note = ""
        if kind == "embed":
            height = entry.get("embed", {}).get("height", DEFAULT_HEIGHT)
            text_note = say("chart.web.embed_note", lang, height=height, tall=TALL_HEIGHT)
            note = f'<small class="note">{_e(text_note)}</small>'
        blocks.append(
            f'<div class="snippet"><label for="{box}">{_e(label)}</label>'
            f'<button type="button" data-copy="{box}" data-done="{_e(words["copied"])}">'
            f'{_e(words["copy"])}</button>'
            f'<textarea id="{box}" rows="{rows}" readonly>{_e(text)}</textarea>{note}</div>'
        )
    return (f"<details><summary>{_e(words['cite'])}</summary>\n" + "\n".join(blocks)
            + "\n</details>")


def html_snippet(entry: Mapping, public_url: str | None = None) -> str:
    """The `<figure>` a blogger pastes: image, alt text, and title, source and credit."""
    card = entry["sizes"]["png"]
    source = _url(public_url or "", entry["files"]["png"])
    caption = f'{entry["title"]}. {entry["source_line"]}. {entry["credit"]}.'
    return (
        f'<figure>\n  <img src="{_e(source)}" alt="{_e(entry["alt_text"])}" '
        f'width="{card["width"]}" height="{card["height"]}">\n'
        f"  <figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


def markdown_snippet(entry: Mapping, public_url: str | None = None) -> str:
    """The Markdown equivalent: the image with its alt text, then the caption in italics."""
    source = _url(public_url or "", entry["files"]["png"])
    alt = markdown_text(entry["alt_text"])
    caption = markdown_text(f'{entry["title"]}. {entry["source_line"]}. {entry["credit"]}.')
    return f"![{alt}]({source})\n\n*{caption}*"


def _other_language(name: str, names: set[str], words: Mapping[str, str]) -> str:
    """A link to the same chart in the other language, when the build made it."""
    if name.endswith("-fr") and name.removesuffix("-fr") in names:
        return f'<br><a href="#chart-{_id(name.removesuffix("-fr"))}">{_e(words["other_en"])}</a>'
    if f"{name}-fr" in names:
        return f'<br><a href="#chart-{_id(name + "-fr")}" hreflang="fr">{_e(words["other_fr"])}</a>'
    return ""


def _url(base: str, file: str) -> str:
    if base and not base.endswith("/"):
        base += "/"
    return base + quote(file)


def _id(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)

