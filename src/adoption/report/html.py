"""An executed notebook -> one self-contained HTML page for readers.

nbconvert's lab markup with our template (`templates/adoption`): no code cells, no
prompts, images inline, our own small stylesheet (`site.css`, shared with the index)
and no script, style or font fetched from any other host. Prose cells tagged
`lang-en` or `lang-fr` appear only in reports of that language, so one notebook tells
its story in English and in French.

A chart the notebook displayed and saved appears once, as its picture (which carries
its title and source line), with its downloads and a link to its citations beneath:
`ChartFigures` swaps the notebook's display of a chart for that figure. Where the
reader's browser runs scripts, the page's one script (`interactive.js`, allowed by its
hash) loads the chart's interactive page (`charts/NAME.html`) in a hidden frame and,
once that page says it has drawn the chart, shows the frame instead of the picture;
where scripts do not run, or the charts folder is not beside the page, the picture is
the chart.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from adoption.charts.embed import DEFAULT_HEIGHT, TALL_HEIGHT
from adoption.charts.export import read_manifest
from adoption.report.policy import content_security_policy, script_hash
from adoption.text import say

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("en", "fr")
# Cells every report leaves out, whatever its language.
HIDDEN_TAGS = {"remove-in-report"}
# Where a built report's chart files are, relative to its page (see report/build.py).
CHARTS_HREF = "charts/"

INTERACTIVE_SCRIPT = (TEMPLATES / "adoption" / "interactive.js").read_text(encoding="utf-8")

LABEL_KEYS = ("index_label", "code_label", "data_label", "languages_label",
              "notebook_link_label", "notebook_hint")


def notebook_html(notebook: nbformat.NotebookNode, title: str, language: str,
                  links: dict[str, object], charts_dir: Path | None = None) -> str:
    """The report page.

    `links`: index_href, notebook_href, data (file, sha256), version, and optionally
    other_languages (language, href) for the same report in other languages.
    `charts_dir`: where the notebook saved its charts (their manifest and PNGs).
    """
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["title"] = title
    labels = {key: say(f"report.{key}", language) for key in LABEL_KEYS}
    others = [{**other, "label": say(f"report.language_{other['language']}", language)}
              for other in links.get("other_languages", [])]
    charts = read_manifest(charts_dir / "manifest.json") if charts_dir else []
    resources = {"adoption": {
        **labels, **links, "other_languages": others,
        "csp": content_security_policy([script_hash(INTERACTIVE_SCRIPT)]),
        "interactive_script": INTERACTIVE_SCRIPT,
        "charts": {entry["name"]: entry for entry in charts}, "charts_dir": charts_dir,
        "language": language,
    }}
    body, _ = _exporter(language).from_notebook_node(notebook, resources=resources)
    return body


class ChartFigures(Preprocessor):
    """Each saved chart's display becomes the report's figure: picture, downloads, citation."""

    def preprocess_cell(self, cell, resources, index):
        site = resources.get("adoption", {})
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("text/html", {}).get(CHART_KEY)
            entry = site.get("charts", {}).get(name)
            if entry is not None and site.get("charts_dir") is not None:
                output.data["text/html"] = chart_figure_html(
                    entry, site["charts_dir"], site["language"], site["index_href"])
        return cell, resources


# The display metadata by which a notebook output says "this is chart NAME"
# (set by `Chart._repr_mimebundle_`).
CHART_KEY = "adoption_chart"


def chart_figure_html(entry: Mapping, charts_dir: Path, language: str, index_href: str) -> str:
    """One chart on a report page (`templates/adoption/chart_figure.html.j2`): the card
    PNG inline (the page stays self-contained), its alt text, and links to its files
    and to its citations on the index."""
    files = entry["files"]
    interactive = None
    if "html" in files:
        height = entry.get("embed", {}).get("height", DEFAULT_HEIGHT)
        interactive = {"src": CHARTS_HREF + quote(files["html"]), "height": height,
                       "tall": max(height, TALL_HEIGHT)}
    return _figure_template().render(
        entry=entry, interactive=interactive, charts_href=CHARTS_HREF, index_href=index_href,
        png=base64.b64encode((charts_dir / files["png"]).read_bytes()).decode("ascii"),
        downloads=[(files["png"], "file_png"), (files["svg"], "file_svg"),
                   (files["csv"], "file_csv")],
        say=lambda key: say(key, language))


@cache
def _figure_template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "adoption"), autoescape=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    return environment.get_template("chart_figure.html.j2")


@cache
def _exporter(language: str) -> HTMLExporter:
    """One exporter per language and process: it compiles its templates once."""
    exporter = HTMLExporter(
        template_name="adoption",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.language_code = language
    other_languages = {f"lang-{code}" for code in LANGUAGES if code != language}
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS | other_languages), enabled=True)
    exporter.register_preprocessor(ChartFigures(), enabled=True)
    return exporter
