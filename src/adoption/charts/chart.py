"""A chart as bloggers receive it: the picture and every word needed to trust and cite it.

A `Chart` holds the texts (title, subtitle, notes, source line, alt text,
citation), the plotted numbers (`data`, written as the CSV) and the function
that draws the plot. It renders itself on demand, so the social card, the large
PNG and the SVG always come from the same layout, and shows itself in JupyterLab
as a `<figure>` with the PNG inline (no request to any other host).
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from adoption.charts.layout import DrawPlot, Page, render
from adoption.charts.published_table import csv_cells, reader_table
from adoption.charts.sources import LICENSE
from adoption.charts.style import CARD, LARGE, CardSize, house_style
from adoption.escaping import spreadsheet_safe
from adoption.text import check_lang, say

SVG_LANG = {"en": "en", "fr": "fr"}


@dataclass(frozen=True, eq=False)
class Chart:
    """One citable chart. Builders make these; `save_chart` writes its files.

    `name` is the stable file stem (e.g. `blog-charities-vs-fortune500-2007-2010`,
    French versions end in `-fr`); `data` holds exactly the plotted numbers with
    their sources; `draw` draws the plot on the axes it is given and returns the
    labels to write at line ends.
    """

    name: str
    lang: str
    kind: str
    title: str
    subtitle: str
    alt_text: str
    notes: tuple[str, ...]
    source_line: str
    source_note: str
    citation: str
    bibtex: str
    synthetic: bool
    data: pd.DataFrame = field(repr=False)
    draw: DrawPlot = field(repr=False)
    sources: tuple[dict, ...] = field(default=(), repr=False)
    claims: tuple[dict, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if not self.alt_text.strip():
            raise ValueError(f"chart {self.name!r} needs alt text stating its finding")

    @property
    def credit_line(self) -> str:
        """"Chart: adoption project, CC BY 4.0" in the chart's language."""
        return say("chart.credit", self.lang)

    @property
    def banner(self) -> str:
        return say("chart.synthetic_banner", self.lang) if self.synthetic else ""

    def page(self) -> Page:
        return Page(
            title=self.title,
            subtitle=self.subtitle,
            notes=self.notes,
            source_line=self.source_line,
            credit_line=self.credit_line,
            banner=self.banner,
            watermark=say("chart.synthetic_watermark", self.lang) if self.synthetic else "",
        )

    def figure(self) -> Figure:
        """A new matplotlib Figure of the card (not registered with pyplot)."""
        with house_style():
            return render(self.page(), self.draw)

    def png(self, size: CardSize = CARD) -> bytes:
        """The PNG at `size` (the social card by default), byte-identical across builds."""
        if size in (CARD, LARGE):
            return self._rendered["png" if size == CARD else "png_large"]
        with house_style():
            return self._png(render(self.page(), self.draw), size)

    def svg(self) -> str:
        """The SVG with real, searchable text, an accessible title and description, and
        no date, version or random id inside."""
        with house_style():
            return self._svg(render(self.page(), self.draw))

    def files(self) -> dict[str, bytes]:
        """Every file's content from one layout: card PNG, large PNG, SVG, CSV, and the
        interactive page drawn from the CSV's table."""
        from adoption.charts.interactive import page_html  # Vega-Lite specs: only when saving

        if not self.interactive:
            return dict(self._rendered)
        return {**self._rendered, "html": page_html(self).encode("utf-8")}

    @property
    def interactive(self) -> bool:
        """Whether charts of this kind have an interactive page (`charts.web_specs`): all
        of ours do; a chart of a kind of one's own is saved without one."""
        from adoption.charts.web_specs import BUILDERS  # Vega-Lite specs: only when asked

        return self.kind in BUILDERS

    @cached_property
    def _rendered(self) -> dict[str, bytes]:
        # Drawn once: saving and showing the chart in a notebook reuse the same bytes.
        with house_style():
            figure = render(self.page(), self.draw)
            return {
                "png": self._png(figure, CARD),
                "png_large": self._png(figure, LARGE),
                "svg": self._svg(figure).encode("utf-8"),
                "csv": self.csv().encode("utf-8"),
            }

    def _png(self, figure: Figure, size: CardSize) -> bytes:
        metadata = {
            "Software": None,  # no matplotlib version inside the file
            "Title": self.title,
            "Description": self.alt_text,
            "Copyright": f"{say('chart.author', self.lang)}, {LICENSE}",
            "Source": self.source_line,
        }
        return opaque_png(figure, size, metadata)

    def _svg(self, figure: Figure) -> str:
        metadata = {
            "Date": None,
            "Creator": say("chart.author", self.lang),  # replaces "Matplotlib v3.x"
            "Title": self.title,
            "Description": self.alt_text,
            "Rights": f"{say('chart.author', self.lang)}, {LICENSE}",
            "Source": self.source_line,
            "Language": self.lang,
        }
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=metadata)
        return _accessible_svg(buffer.getvalue(), self.title, self.alt_text, self.lang)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None
                          ) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """JupyterLab display: the card inline as a data: URI with its alt text (the
        picture carries the title and source line). The metadata names the chart, so a
        report page can show it with its downloads and citation (`report.html`)."""
        encoded = base64.b64encode(self.png()).decode("ascii")
        figure = (
            f'<figure lang="{self.lang}" style="margin:0;max-width:{CARD.width}px">'
            f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(self.alt_text)}" '
            f'width="{CARD.width}" height="{CARD.height}" style="max-width:100%;height:auto">'
            "</figure>"
        )
        return ({"text/html": figure, "text/plain": self.title},
                {"text/html": {"adoption_chart": self.name}})

    def manifest_entry(self) -> dict:
        """The chart's entry in `charts/manifest.json` (see `export.py` for the format)."""
        from adoption.charts.interactive import embed_entry  # Vega-Lite: only when saving

        files = {
            "png": f"{self.name}.png",
            "png_large": f"{self.name}-large.png",
            "svg": f"{self.name}.svg",
            "csv": f"{self.name}.csv",
            **({"html": f"{self.name}.html"} if self.interactive else {}),
        }
        return {
            "name": self.name,
            "kind": self.kind,
            "lang": self.lang,
            "title": self.title,
            "subtitle": self.subtitle,
            "alt_text": self.alt_text,
            "notes": list(self.notes),
            "source_note": self.source_note,
            "source_line": self.source_line,
            "credit": self.credit_line,
            "license": LICENSE,
            "citation": self.citation,
            "bibtex": self.bibtex,
            "synthetic": self.synthetic,
            "sources": list(self.sources),
            "claims": list(self.claims),
            "files": files,
            "embed": embed_entry(self) if self.interactive else {},
            "sizes": {
                "png": {"width": CARD.width, "height": CARD.height},
                "png_large": {"width": LARGE.width, "height": LARGE.height},
                "svg": {"width": CARD.width, "height": CARD.height},
            },
        }

    def table(self) -> pd.DataFrame:
        """The plotted numbers as published: counts and years whole, shares to 0.1
        percentage point, p-values as "0.023" or "<0.001" (see `adoption.charts.published_table`).
        The CSV and the interactive page are both written from this table."""
        return reader_table(self.data)

    def csv(self) -> str:
        """The published table as CSV text (UTF-8, comma-separated, '\\n' line ends, one
        header row whose names carry the units, numbers with a dot decimal).

        A text cell that a spreadsheet would run as a formula (it starts with = + - @,
        a tab or a carriage return: a study named "=HYPERLINK(...)") is written with a
        leading apostrophe (`adoption.escaping.spreadsheet_text`); numbers are unchanged.
        """
        table = self.table()
        return csv_cells(spreadsheet_safe(table)).to_csv(index=False, lineterminator="\n")


def opaque_png(figure: Figure, size: CardSize, metadata: dict[str, str | None]) -> bytes:
    """The figure as an RGB PNG of `size`, with `metadata` as text chunks.

    matplotlib writes RGBA; a card has no transparent pixel, so RGB says the same in a
    tenth fewer bytes, and compression level 3 is both faster and smaller here than
    the default 6 (measured on the default charts).
    """
    raw = io.BytesIO()
    figure.savefig(raw, format="rgba", dpi=size.dpi)
    image = Image.frombuffer("RGBA", (size.width, size.height), raw.getbuffer(), "raw",
                             "RGBA", 0, 1).convert("RGB")
    info = PngInfo()
    for key, value in metadata.items():
        if value is not None:
            info.add_text(key, value)  # iTXt when the text is not Latin-1
    buffer = io.BytesIO()
    image.save(buffer, format="png", pnginfo=info, compress_level=3)
    return buffer.getvalue()


def _accessible_svg(svg: str, title: str, description: str, lang: str) -> str:
    """Give the SVG a pixel size, a language, and <title>/<desc> that screen readers announce."""
    head, separator, rest = svg.partition("<svg ")
    tag_end = rest.index(">")
    attributes = rest[:tag_end]
    attributes = _replace_attribute(attributes, "width", f"{CARD.width}px")
    attributes = _replace_attribute(attributes, "height", f"{CARD.height}px")
    attributes += (f' xml:lang="{SVG_LANG[lang]}" role="img" '
                   'aria-labelledby="chart-title chart-desc"')
    body = rest[tag_end + 1:]
    # matplotlib writes <title> from the metadata's Title; give it an id, add <desc> after it.
    own_title = f"<title>{html.escape(title, quote=False)}</title>"
    if own_title in body:
        body = body.replace(own_title, own_title.replace("<title>", '<title id="chart-title">')
                            + f'\n <desc id="chart-desc">{html.escape(description, quote=False)}'
                            "</desc>", 1)
    else:
        body = (f'\n <title id="chart-title">{html.escape(title, quote=False)}</title>'
                f'\n <desc id="chart-desc">{html.escape(description, quote=False)}</desc>'
                + body)
    return head + separator + attributes + ">" + body


def _replace_attribute(attributes: str, name: str, value: str) -> str:
    start = attributes.index(f' {name}="') + len(name) + 3
    end = attributes.index('"', start)
    return attributes[:start] + value + attributes[end:]
