"""The front page of a build, in each language: `index.html` (English) and
`index-fr.html` (French), from the template `templates/site/index.html.j2`.

Each report is a card: its title, its headline finding (the first key finding its
notebook displayed, see `report.findings`), a thumbnail of its first chart, and its
versions in the other languages. Reports on real data come first, those on synthetic
data after. The charts follow, grouped by report with a table of contents, each with
its downloads, sources and citations (`report.citations`). How each page was built
(notebook, parameters, data files and their SHA-256, time, version) is folded away
at the end.

The index is published: it names files relative to the output folder or the config's
folder, never by the build machine's absolute paths.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from adoption import __version__
from adoption.escaping import web_url
from adoption.report.citations import INDEX_PAGES, Publication, embed_note, snippets
from adoption.report.config import BuildConfig, ReportSpec
from adoption.report.data_package import DATA_DIR, PACKAGE_FILE, TABLE_FILE
from adoption.report.fingerprint import relative
from adoption.report.policy import content_security_policy, script_hash
from adoption.report.state import BuildState
from adoption.text import say

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = tuple(INDEX_PAGES)
COPY_SCRIPT = (TEMPLATES / "site" / "copy.js").read_text(encoding="utf-8")


def index_pages(config: BuildConfig, state: BuildState, charts: list[dict],
                built_at: str) -> dict[str, str]:
    """The index in each language: {file name: page}. `charts`: the manifest's entries
    (only charts whose files are all there)."""
    template = _environment().get_template("site/index.html.j2")
    publication = Publication(config.base_url, dt.date.fromisoformat(built_at[:10]),
                              __version__)
    published = {entry["name"] for entry in charts}
    pages = {}
    for lang in LANGUAGES:
        cards = [_card(family, lang, state, published, config) for family in config.families()]
        pages[INDEX_PAGES[lang]] = template.render(
            lang=lang,
            say=lambda key, _lang=lang, **values: say(key, _lang, **values),
            languages=[(other, INDEX_PAGES[other]) for other in LANGUAGES],
            real=[card for card in cards if not card.synthetic],
            synthetic=[card for card in cards if card.synthetic],
            groups=[card for card in cards if card.charts],
            snippets=lambda entry, _lang=lang: snippets(entry, publication, _lang),
            embed_note=lambda entry, _lang=lang: embed_note(entry, _lang),
            base_url=config.base_url,
            builds=[_build_row(spec, state.reports.get(spec.name, {}), config, state.out_dir)
                    for spec in config.reports],
            dataset=_dataset(state.out_dir),
            built_on=publication.built_on,
            version=__version__,
            copy_script=COPY_SCRIPT,
            csp=content_security_policy([script_hash(COPY_SCRIPT)]),
        )
    return pages


@dataclass
class Card:
    """A report as the index shows it in one language."""

    name: str
    title: str
    href: str | None
    headline: str | None
    failure: str | None  # why its last build failed, in brief (the terminal has it all)
    charts: list[dict] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)  # (language, href)

    @property
    def synthetic(self) -> bool:
        return bool(self.charts) and all(chart["synthetic"] for chart in self.charts)

    @property
    def thumbnail(self) -> dict | None:
        return self.charts[0] if self.charts else None


def _card(family: list[ReportSpec], lang: str, state: BuildState, published: set[str],
          config: BuildConfig) -> Card:
    """The family's report in `lang` (or its first, when none is in `lang`)."""
    spec = next((s for s in family if s.language == lang), family[0])
    record = state.reports.get(spec.name, {})
    charts = [chart for chart in record.get("charts", []) if chart["name"] in published]
    findings = record.get("findings") or []
    return Card(
        name=spec.name, title=spec.title, href=_page(record, state.out_dir),
        headline=findings[0] if findings else None, failure=record.get("failure"),
        charts=charts,
        versions=[(other.language, href) for other in family if other is not spec
                  if (href := _page(state.reports.get(other.name, {}), state.out_dir))],
    )


def _dataset(out: Path) -> dict[str, str] | None:
    """The published adoption table and its Data Package, when the build wrote them."""
    files = {"table": f"{DATA_DIR}/{TABLE_FILE}", "package": f"{DATA_DIR}/{PACKAGE_FILE}"}
    return files if all((out / file).is_file() for file in files.values()) else None


def _page(record: Mapping, out: Path) -> str | None:
    html = record.get("html")
    return html if html and (out / html).is_file() else None


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, keep_trailing_newline=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters["web_url"] = web_url  # a source's address, or None if not http(s)
    return environment


def _build_row(spec: ReportSpec, record: dict, config: BuildConfig, out: Path) -> dict:
    """What the index shows of how a report was built: only files that are there, and no
    path of the build machine (path parameters written absolute are shown from the
    config's folder)."""
    executed = record.get("executed")
    return {
        "name": spec.name,
        "title": spec.title,
        "language": spec.language,
        "html": _page(record, out),
        "notebook": record.get("notebook") or spec.notebook.name,
        "parameters": [(key, json.dumps(_shown(key, value, config.root), ensure_ascii=False))
                       for key, value in sorted(spec.parameters.items())],
        "data": record.get("data", []),
        "executed": executed if executed and (out / executed).is_file() else None,
        "built_at": record.get("built_at"),
        "seconds": record.get("seconds"),
    }


def _shown(key: str, value: object, root: Path) -> object:
    """A path parameter (`*_file`, `*_files`, `*_dir`) written as an absolute path, shown
    relative to the config's folder; any other value as written."""
    if not key.endswith(("_file", "_files", "_dir")):
        return value
    if isinstance(value, list):
        return [_shown(key, item, root) for item in value]
    if isinstance(value, str) and Path(value).is_absolute():
        return relative(Path(value), root)
    return value
