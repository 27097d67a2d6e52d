"""The HTML that embeds an interactive chart page (`charts/NAME.html`) in another page.

Light on purpose (no matplotlib, no pandas): the report build's index and the report
pages call it with manifest entries.

A report page shows a chart with

    from adoption.charts.embed import figure_html
    figure_html(entry)                       # entry: the chart's manifest entry
    figure_html(entry, charts_href="../charts/", height=640)

which gives a `<figure>` holding an `<iframe>` of the chart's page. That page draws the
interactive chart where scripts run and shows the PNG with its alt text (and the table
of numbers) where they do not, so the report page itself needs no script; its policy
must allow frames from its own folder (`frame-src 'self'`, in `adoption.report.policy`).
The page carries the chart's title, source line and licence: the report page should not
print them again under the frame.

A blogger gets `embed_snippet(entry, public_url)`: the same `<iframe>` with the public
address of the page, 100% wide and `DEFAULT_HEIGHT` pixels tall.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import quote

DEFAULT_HEIGHT = 560  # px: title, legend, plot and source line at a desktop width
TALL_HEIGHT = 720  # px: the height suggested for a narrow column


def figure_html(entry: Mapping, *, charts_href: str = "charts/",
                height: int | None = None) -> str:
    """The `<figure>` a report page shows for the chart of manifest `entry`: an
    `<iframe>` of its interactive page, which draws the chart where scripts run and
    shows its PNG and alt text where they do not. The page's policy must allow frames
    from its own folder (`frame-src 'self'`, which `adoption.report.policy` gives)."""
    embed = entry.get("embed", {})
    height = height or embed.get("height", DEFAULT_HEIGHT)
    source = _url(charts_href, entry["files"]["html"])
    return (f'<figure class="adoption-chart" id="chart-{_e(entry["name"])}" '
            f'lang="{_e(entry["lang"])}" style="margin:1rem 0">\n'
            f'{_iframe(source, entry["title"], height)}\n</figure>')


def embed_snippet(entry: Mapping, public_url: str | None = None,
                  height: int | None = None) -> str:
    """The `<iframe>` a blogger pastes: the chart's page at `public_url` (or its file
    name, to be uploaded with the charts' files when no address is known)."""
    height = height or DEFAULT_HEIGHT
    return _iframe(_url(public_url or "", entry["files"]["html"]), entry["title"], height)


def _iframe(source: str, title: str, height: int) -> str:
    return (f'<iframe src="{_e(source)}" title="{_e(title)}" width="100%" height="{height}" '
            f'loading="lazy" style="display:block;width:100%;max-width:100%;'
            f'height:{height}px;border:0"></iframe>')



def _url(base: str, file: str) -> str:
    if base and not base.endswith("/"):
        base += "/"
    return base + quote(file)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
