"""The interactive chart page `charts/NAME.html`, and the HTML that embeds it.

Every chart is also a small page a reader can hover, tap and resize, and that a
blogger can embed with an `<iframe>`. It is drawn from the chart's published table
(`Chart.table()`, the numbers of `NAME.csv`), in the house colours and the chart's
language, and it carries what the static chart carries: the synthetic banner and
watermark, the title, subtitle, notes, source line and licence, and the alt text
(as the plot's accessible description), plus a table of the numbers for screen
readers and anyone who wants them.

The library: Vega-Lite, compiled and drawn in the browser by Vega (SVG renderer),
with Vega-Embed's tooltips, from one script beside the pages (`vendor.py`).
Compared with Plotly, the other well-kept candidate, on what matters here:

    page weight   Vega bundle 0.9 MB, loaded once for every chart; plotly.min.js 4.8 MB
    determinism   the spec is plain JSON we write (sorted, no ids, no dates); Plotly's
                  HTML export puts a random div id and its template in every page
    accessibility Vega writes an SVG with role and aria-label (our alt text) and a
                  description per mark; plotly.js gives its SVG no accessible name
    French        Vega formats through a d3 locale (decimal comma, narrow no-break space
                  before %, true minus), taken here from `adoption.text.formats`; Plotly
                  has separators but no locale-aware percent suffix
    safety        Vega runs without eval (its expression interpreter) under a policy
                  that allows only the bundle and one hashed inline script

Where scripts do not run (a reader who turned them off, a feed reader), the page
shows the chart's PNG with its alt text, and the table of numbers below it.

For report pages, `adoption.charts.embed.figure_html(entry)` gives the `<figure>`
with the `<iframe>`; for bloggers, `embed_snippet(entry, public_url)`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import TYPE_CHECKING
from urllib.parse import quote

from adoption.charts import vendor
from adoption.charts.embed import DEFAULT_HEIGHT, TALL_HEIGHT, embed_snippet
from adoption.charts.style import (
    BACKGROUND,
    FOOTER_COLOUR,
    GRID_COLOUR,
    SUBTITLE_COLOUR,
    TEXT_COLOUR,
    WATERMARK_COLOUR,
)
from adoption.charts.web_specs import HIDDEN, LegendItem, WebChart, web_chart
from adoption.text import say
from adoption.text.formats import MINUS, number, percent

if TYPE_CHECKING:
    from adoption.charts.chart import Chart


# Draws the chart, wires the legend buttons to the `hidden` parameter, hides the static
# picture once the interactive one is there, and tells a parent page its height. Its
# SHA-256 is in every page's policy: it is the only inline script a page may run.
GLUE_SCRIPT = """
(function () {
  "use strict";
  var read = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var legend = document.getElementById("chart-legend");
  // In a frame, say how tall the chart needs to be, so that a page that listens (the
  // report pages do) can make the frame tall enough for the source line.
  var tellHeight = function () {
    if (window.parent === window) { return; }
    var height = document.querySelector("main").offsetHeight;
    window.parent.postMessage({adoptionChart: true, height: height}, "*");
  };
  vegaEmbed("#chart-vega", read("chart-spec"), {
    actions: false, renderer: "svg", ast: true, formatLocale: read("chart-locale")
  }).then(function (result) {
    document.documentElement.className += " interactive";
    tellHeight();
    window.addEventListener("resize", tellHeight);
    var hidden = [];
    if (!legend) { return; }
    legend.hidden = false;
    legend.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-key]");
      if (!button) { return; }
      var key = button.getAttribute("data-key");
      var shown = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      hidden = shown ? hidden.concat([key])
                     : hidden.filter(function (other) { return other !== key; });
      result.view.signal("%s", hidden).runAsync();
    });
  }).catch(function (error) { console.error(error); });
})();
""".replace("%s", HIDDEN)

STYLE = f"""
html,body{{margin:0;padding:0;background:{BACKGROUND};color:{TEXT_COLOUR}}}
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
  font-size:15px;line-height:1.35}}
main{{display:flex;flex-direction:column;min-height:100vh;box-sizing:border-box;
  padding:10px 12px 6px;max-width:1200px;margin:0 auto}}
h1{{font-size:1.25rem;line-height:1.25;margin:0 0 .25rem;overflow-wrap:anywhere}}
.subtitle{{color:{SUBTITLE_COLOUR};margin:0 0 .4rem;overflow-wrap:anywhere}}
.banner{{background:{WATERMARK_COLOUR};color:#fff;font-weight:bold;padding:.15rem .5rem;
  margin:0 0 .4rem;font-size:.85rem}}
.legend{{display:flex;flex-wrap:wrap;gap:.3rem .5rem;margin:0 0 .3rem;padding:0;border:0}}
.legend button{{font:inherit;font-size:.9rem;display:inline-flex;align-items:center;gap:.35rem;
  padding:.15rem .5rem;border:1px solid {GRID_COLOUR};border-radius:3px;background:#fff;
  color:{TEXT_COLOUR};cursor:pointer;text-align:left;max-width:100%}}
.legend button[aria-pressed="false"]{{opacity:.45;text-decoration:line-through}}
.legend svg{{flex:none}}
.view{{position:relative;flex:1 1 0;min-height:240px}}
.view .fallback{{display:block;width:100%;height:auto}}
.interactive .view .fallback{{display:none}}
#chart-vega{{position:absolute;inset:0}}
.view[data-watermark]::after{{content:attr(data-watermark);position:absolute;left:0;right:0;
  top:40%;text-align:center;font-size:2rem;font-weight:bold;color:{WATERMARK_COLOUR};
  opacity:.12;transform:rotate(-12deg);pointer-events:none}}
footer{{color:{FOOTER_COLOUR};font-size:.8rem;margin-top:.3rem;overflow-wrap:anywhere}}
footer p{{margin:.15rem 0}}
.after{{max-width:1200px;margin:0 auto;padding:0 12px 12px;font-size:.85rem}}
.numbers{{overflow-x:auto}}
table{{border-collapse:collapse;margin:.4rem 0}}
caption{{text-align:left;font-weight:bold;padding:.2rem 0}}
th,td{{border-bottom:1px solid {GRID_COLOUR};padding:.2rem .4rem;text-align:left;
  vertical-align:top}}
@media (max-width:480px){{table{{font-size:.8rem}}body{{font-size:14px}}h1{{font-size:1.05rem}}
  .subtitle{{font-size:.85rem}}.legend button{{font-size:.8rem}}}}
#vg-tooltip-element{{max-width:min(22rem,90vw);white-space:normal;background-color:#fff}}
@media (max-width:480px){{#vg-tooltip-element{{left:6px!important;right:6px;top:auto!important;
  bottom:6px;max-width:none}}}}
#vg-tooltip-element td.value{{white-space:normal;overflow-wrap:anywhere}}
"""


def script_hash() -> str:
    """The CSP source expression of the page's inline script."""
    digest = hashlib.sha256(GLUE_SCRIPT.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def page_policy() -> str:
    """The chart page's Content-Security-Policy: the bundle from the page's own folder,
    the one hashed inline script, inline styles (Vega's tooltip writes some), images
    from the folder; nothing else, from anywhere."""
    return "; ".join([
        "default-src 'none'",
        f"script-src 'self' {script_hash()}",
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ])


def number_locale(lang: str) -> dict:
    """The d3-format locale Vega formats numbers with, taken from `adoption.text.formats`
    so the interactive chart writes numbers as the static one: "1 234,5" and "57 %"."""
    sample = number(1234.5, lang, 1)  # "1,234.5" / "1 234,5"
    suffix = percent(0.5, lang, 0).removeprefix(number(50, lang))  # "%" / "\u202f%"
    return {"decimal": sample[-2], "thousands": sample[1], "grouping": [3],
            "currency": ["", "\u00a0€"] if lang == "fr" else ["$", ""],
            "percent": suffix, "minus": MINUS}


def web_form(chart: Chart) -> WebChart:
    """The chart's Vega-Lite spec and legend, drawn from its published table."""
    return web_chart(chart.kind, chart.table(), chart.lang, chart.alt_text)


def page_html(chart: Chart) -> str:
    """The interactive page of `chart` (see the module docstring). Same chart, same bytes."""
    lang = chart.lang
    web = web_form(chart)
    files = {"png": f"{chart.name}.png", "svg": f"{chart.name}.svg", "csv": f"{chart.name}.csv"}
    banner = f'<p class="banner">{_e(chart.banner)}</p>\n' if chart.banner else ""
    watermark = (f' data-watermark="{_e(say("chart.synthetic_watermark", lang))}"'
                 if chart.synthetic else "")
    notes = "".join(f"<p>{_e(note)}</p>" for note in chart.notes)
    links = " · ".join(f'<a href="{_e(quote(file))}">{_e(say(f"chart.web.{kind}", lang))}</a>'
                       for kind, file in files.items())
    return f"""<!DOCTYPE html>
<html lang="{_e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_e(page_policy())}">
<meta name="referrer" content="no-referrer">
<title>{_e(chart.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header>
{banner}<h1>{_e(chart.title)}</h1>
<p class="subtitle">{_e(chart.subtitle)}</p>
{_legend(web.legend, lang)}</header>
<div class="view"{watermark}>
<img class="fallback" src="{_e(quote(files["png"]))}" alt="{_e(chart.alt_text)}" width="1200" \
height="628">
<div id="chart-vega"></div>
</div>
<footer>
{notes}<p>{_e(chart.source_line)}. {_e(chart.credit_line)}.</p>
</footer>
</main>
<div class="after">
<details class="numbers">
<summary>{_e(say("chart.web.table", lang))}</summary>
{_table(web, chart.title)}
</details>
<p>{_e(say("chart.web.files", lang))}: {links}</p>
</div>
<script type="application/json" id="chart-spec">{_json(web.spec)}</script>
<script type="application/json" id="chart-locale">{_json(number_locale(lang))}</script>
<script src="{_e(vendor.SCRIPT_PATH)}"></script>
<script>{GLUE_SCRIPT}</script>
</body>
</html>
"""


def embed_entry(chart: Chart) -> dict:
    """The manifest's `embed` for `chart`: the iframe snippet, its default height and the
    shared script the page loads (relative to the charts folder)."""
    entry = {"name": chart.name, "title": chart.title, "files": {"html": f"{chart.name}.html"}}
    return {"html": embed_snippet(entry), "height": DEFAULT_HEIGHT,
            "script": vendor.SCRIPT_PATH,
            "note": say("chart.web.embed_note", chart.lang, height=DEFAULT_HEIGHT,
                        tall=TALL_HEIGHT)}


def _legend(items: list[LegendItem], lang: str) -> str:
    """Buttons that show or hide each series (hidden until the chart is interactive)."""
    if len(items) < 2:
        return ""
    buttons = "\n".join(
        f'<button type="button" aria-pressed="true" data-key="{_e(item.key)}">'
        f"{_swatch(item)}{_e(item.label)}</button>" for item in items)
    return (f'<div class="legend" id="chart-legend" role="group" '
            f'aria-label="{_e(say("chart.web.legend", lang))}" hidden>\n{buttons}\n</div>\n')


def _swatch(item: LegendItem) -> str:
    dash = " ".join(str(d) for d in item.dash) if item.dash != [1, 0] else "none"
    marker = {
        "circle": '<circle cx="14" cy="7" r="4"/>',
        "square": '<rect x="10" y="3" width="8" height="8"/>',
        "triangle-up": '<path d="M14 2 L19 11 L9 11 Z"/>',
        "diamond": '<path d="M14 2 L19 7 L14 12 L9 7 Z"/>',
        "triangle-down": '<path d="M9 3 L19 3 L14 12 Z"/>',
        "cross": '<path d="M12 2h4v3h3v4h-3v3h-4v-3h-3v-4h3z"/>',
    }[item.shape]
    return (f'<svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true" '
            f'fill="{item.colour}" stroke="{item.colour}"><line x1="0" y1="7" x2="28" y2="7" '
            f'stroke-width="2.5" stroke-dasharray="{dash}"/>{marker}</svg>')


def _table(web: WebChart, title: str) -> str:
    """The tooltips of every point as one table: what a screen reader reads instead of the
    picture, and what anyone can copy."""
    tips = [row["_tip"] for row in web.rows if "_tip" in row]
    columns = list(dict.fromkeys(key for tip in tips for key in tip))
    head = "".join(f'<th scope="col">{_e(_column(c))}</th>' for c in columns)
    body = "\n".join("<tr>" + "".join(
        (f'<th scope="row">{_e(tip.get(c, ""))}</th>' if c == "title"
         else f"<td>{_e(tip.get(c, ''))}</td>") for c in columns) + "</tr>" for tip in tips)
    return (f"<table><caption>{_e(title)}</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody></table>")


def _column(key: str) -> str:
    return "" if key == "title" else key


def _json(value: object) -> str:
    """JSON to sit inside a <script> element: no "<", ">" or "&" that could end it or
    open a comment, whatever the data's strings hold."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _url(base: str, file: str) -> str:
    if base and not base.endswith("/"):
        base += "/"
    return base + quote(file)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
