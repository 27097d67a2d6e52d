"""Put a chart together: name, source line, notes, citation, from the plotted rows.

Every builder ends here, so every chart gets the same treatment: the source line
and caveat notes come from the rows actually plotted, a synthetic row marks the
whole chart (title prefix, banner, watermark, CSV column, manifest flag), and
the file name is stable and readable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

from adoption.charts import metadata
from adoption.charts.chart import Chart
from adoption.charts.findings import synthetic_title
from adoption.charts.i18n import check_lang, words
from adoption.charts.layout import DrawPlot
from adoption.charts.metadata import SeriesInfo


def make_chart(
    *,
    name: str,
    lang: str,
    kind: str,
    title: str,
    subtitle: str,
    alt_text: str,
    notes: Sequence[str],
    rows: pd.DataFrame,
    data: pd.DataFrame,
    draw: DrawPlot,
    catalog: Mapping[str, SeriesInfo],
) -> Chart:
    """A `Chart` whose sources, caveats and synthetic mark are read from `rows`, the
    adoption-table rows behind the plotted numbers."""
    check_lang(lang)
    synthetic = bool(rows["synthetic"].astype(bool).any()) or any(
        metadata.series_info(series, catalog).synthetic for series in rows["series"].astype(str)
    )
    if synthetic:
        title = synthetic_title(title, lang)
        alt_text = f"{words('synthetic_banner', lang)}. {alt_text}"
        name = name if "synthetic" in name else f"synthetic-{name}"
        data = data.assign(synthetic=True)
    name = chart_name(name, lang)
    data_text = metadata.source_text(rows, lang, catalog)
    all_notes = [*notes, *(_sentence(note) for note in metadata.certainty_notes(
        rows, lang, catalog))]
    return Chart(
        name=name,
        lang=lang,
        kind=kind,
        title=title,
        subtitle=subtitle,
        alt_text=alt_text,
        notes=tuple(all_notes),
        source_line=metadata.source_line(rows, lang, catalog),
        source_note=metadata.source_note(rows, lang, catalog),
        citation=metadata.citation(title, name, data_text, lang),
        bibtex=metadata.bibtex(title, name, data_text, lang),
        synthetic=synthetic,
        data=data.reset_index(drop=True),
        draw=draw,
        sources=tuple(metadata.sources(rows, lang, catalog)),
    )


def chart_name(base: str, lang: str) -> str:
    """The file stem: `base` made safe for a URL, with `-fr` for French."""
    stem = slug(base)
    return f"{stem}-fr" if lang == "fr" and not stem.endswith("-fr") else stem


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens: 'Données 2007' -> 'donnees-2007'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
