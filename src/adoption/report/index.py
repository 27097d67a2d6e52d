"""`reports/index.html`: every report and chart, with its parameters, the data it was
built from (file and SHA-256), when it was built, and the version of `adoption`.

The index is published: it names files relative to the output folder or the
config's folder, never by the build machine's absolute paths.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from adoption import __version__
from adoption.report.config import BuildConfig
from adoption.report.fingerprint import relative
from adoption.report.policy import content_security_policy
from adoption.report.state import BuildState

TEMPLATES = Path(__file__).parent / "templates"


def index_html(config: BuildConfig, state: BuildState, charts: list[dict],
               built_at: str) -> str:
    from adoption.charts.page import charts_section_html, script_hashes

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                                     autoescape=True, keep_trailing_newline=True)
    template = environment.get_template("index.html.j2")
    return template.render(
        reports=[_report_row(spec, state.reports.get(spec.name, {}), config, state.out_dir)
                 for spec in config.reports],
        charts_section=jinja2.utils.markupsafe.Markup(charts_section_html(charts)),
        built_at=built_at,
        version=__version__,
        csp=content_security_policy(script_hashes()),
    )


def _report_row(spec, record: dict, config: BuildConfig, out: Path) -> dict:
    """What the index shows of a report: only files that are there, and no path of the
    build machine (path parameters written absolute are shown from the config's folder)."""
    html, executed = record.get("html"), record.get("executed")
    return {
        "name": spec.name,
        "title": spec.title,
        "language": spec.language,
        "notebook": record.get("notebook") or spec.notebook.name,
        "parameters": [(key, json.dumps(_shown(key, value, config.root), ensure_ascii=False))
                       for key, value in sorted(spec.parameters.items())],
        "data": record.get("data", []),
        "html": html if html and (out / html).is_file() else None,
        "executed": executed if executed and (out / executed).is_file() else None,
        "built_at": record.get("built_at"),
        "seconds": record.get("seconds"),
        "failure": record.get("failure"),
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
