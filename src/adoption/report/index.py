"""`reports/index.html`: every report and chart, with its parameters, the data it was
built from (file and SHA-256), when it was built, and the version of `adoption`."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from adoption import __version__
from adoption.report.config import BuildConfig
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
        reports=[_report_row(spec, state.reports.get(spec.name, {})) for spec in config.reports],
        charts_section=jinja2.utils.markupsafe.Markup(charts_section_html(charts)),
        built_at=built_at,
        version=__version__,
        csp=content_security_policy(script_hashes()),
    )


def _report_row(spec, record: dict) -> dict:
    return {
        "name": spec.name,
        "title": spec.title,
        "language": spec.language,
        "notebook": record.get("notebook") or spec.notebook.name,
        "parameters": [(key, json.dumps(value, ensure_ascii=False))
                       for key, value in sorted(spec.parameters.items())],
        "data": record.get("data", []),
        "html": record.get("html"),
        "executed": record.get("executed"),
        "built_at": record.get("built_at"),
        "seconds": record.get("seconds"),
        "failure": record.get("failure"),
    }
