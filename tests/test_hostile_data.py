"""Data strings never run: not as script in a page, not as a link, not as a formula.

A hostile (or careless) published-figures file puts markup, script addresses and
spreadsheet formulas in every text column; a real report is built from it and its
page, its charts' CSV files and the index are read back as a browser and a
spreadsheet would read them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from adoption import present
from adoption.charts.interactive import GLUE_SCRIPT
from adoption.escaping import markdown_text, spreadsheet_text, web_url
from adoption.paths import BUNDLED_PUBLISHED, NOTEBOOKS_DIR
from adoption.report.build import build_reports
from adoption.report.html import INTERACTIVE_SCRIPT
from adoption.report.policy import script_hash
from adoption.table import load_table

SCRIPT = '<script>alert("study")</script>'
IMAGE = '<img src=x onerror=alert("img")>'
HOSTILE = {
    "study": SCRIPT,
    "publisher": '=HYPERLINK("http://evil.example/","click")',
    "note": f"[x](javascript:alert(1)) {IMAGE}",
}
SCHEMES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
           "vbscript:msgbox(1)", "\tjavascript:alert(1)", "data:text/html,<script>x</script>",
           "java\nscript:alert(1)", "//evil.example/x"]


class _Page(HTMLParser):
    """What a browser would run or follow in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.policy: str | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.policy = values.get("content")
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def hostile_figures(folder: Path) -> Path:
    """The bundled figures with hostile text in the charity and Fortune 500 blog rows."""
    rows = list(csv.DictReader(io.StringIO(BUNDLED_PUBLISHED.read_text(encoding="utf-8"))))
    for number, row in enumerate(rows):
        if row["platform"] == "blog" and row["series"] in ("umassd-charities",
                                                           "umassd-fortune500"):
            row.update(HOSTILE)
            row["source_url"] = SCHEMES[number % len(SCHEMES)]
    path = folder / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("address", SCHEMES)
def test_only_web_addresses_become_links(address):
    assert web_url(address) is None


def test_web_addresses_are_kept_as_written():
    assert web_url("  https://www.umassd.edu/cmr/ ") == "https://www.umassd.edu/cmr/"
    assert web_url("HTTP://Example.org/a?b=1") == "HTTP://Example.org/a?b=1"
    assert web_url(None) is None and web_url(float("nan")) is None


def test_formula_cells_are_neutralised_and_numbers_are_not():
    for formula in ("=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_text(formula) == "'" + formula
    assert spreadsheet_text("Fortune 500") == "Fortune 500"
    assert spreadsheet_text(-3.5) == -3.5


def test_markdown_text_is_words_not_markup():
    escaped = markdown_text("[x](javascript:alert(1)) <img onerror=y>")
    assert "<img" not in escaped and "[x]" not in escaped and escaped.startswith("\\[x\\](")


def test_tables_and_caveats_escape_every_data_string(tmp_path):
    table = load_table(hostile_figures(tmp_path))
    series = ["umassd-charities", "umassd-fortune500"]
    shown = (present.figures_table(table, "blog", series, "en").data
             + present.caveats(table, "blog", series, "en").data)
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;" in shown and "&lt;img" in shown
    assert not re.search(r'href="\s*(?!https?://)', shown, flags=re.IGNORECASE)


@pytest.mark.slow
def test_a_report_from_hostile_data_runs_nothing(tmp_path):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copy(NOTEBOOKS_DIR / "adoption_yoy.ipynb", project / "notebooks")
    data = hostile_figures(project)
    (project / "reports.toml").write_text(
        '[[report]]\nname = "blog"\ntitle = "Blog <b>title</b>"\n'
        'notebook = "notebooks/adoption_yoy.ipynb"\n[report.parameters]\n'
        f'data_file = "{data}"\nplatform = "blog"\nnonprofit_series = "umassd-charities"\n'
        'business_series = ["umassd-fortune500"]\nyears = [2007, 2010]\n', encoding="utf-8")
    outcome = build_reports(project / "reports.toml", project / "reports", jobs=1)
    assert outcome.ok, [failure.error for failure in outcome.failed]

    report = read_page(project / "reports" / "blog.html")
    # One script, ours (it swaps each picture for its interactive page), allowed by hash.
    assert report.scripts == [INTERACTIVE_SCRIPT] and report.handlers == []
    # Web addresses, anchors and the report's own relative files: nothing with a scheme.
    assert all(re.match(r"(https?://|#|[\w./-]+(#[\w-]+)?$)", href) for href in report.hrefs), \
        report.hrefs
    assert f"script-src {script_hash(INTERACTIVE_SCRIPT)};" in (report.policy or "")

    index = read_page(project / "reports" / "index.html")
    assert index.handlers == [] and len(index.scripts) == 1  # the copy buttons, ours
    assert "script-src 'sha256-" in (index.policy or "")

    charts = project / "reports" / "charts"
    for path in charts.glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), path
    for path in charts.glob("*.svg"):
        assert "<script" not in path.read_text(encoding="utf-8")
    for path in charts.glob("*.html"):  # the interactive pages: the bundle and our glue
        page = read_page(path)
        spec, locale, *code = page.scripts  # two JSON blocks, then what runs
        assert page.handlers == [] and code == ["", GLUE_SCRIPT], path
        assert "<" not in spec + locale, path
        assert "alert(" not in "".join(page.hrefs), path
    manifest = json.loads((charts / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["charts"]
