"""What a chart says about its sources, built from the data's own metadata.

Two inputs, both beside the data: the `publisher`, `study`, `source_url` and
`certainty` columns of each plotted row, and the series metadata
(`adoption.metadata`: `data/published/series.toml`, or labels made from the data),
which gives every series its labels and population in English and French and the
publisher's canonical name for source lines (the rows spell it several ways:
"UMass Dartmouth Center for Marketing Research (Barnes et al.) with Eric Mattson").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from adoption.charts.i18n import (
    check_lang,
    quoted,
    semicolon,
    words,
    year_list,
    year_span,
)
from adoption.metadata import (
    SERIES_METADATA,
    TEXT_FIELDS,
    MissingSeriesMetadata,
    SeriesInfo,
    check_covers,
    load_series_metadata,
    series_info,
)

__all__ = [
    "CERTAINTY_NOTES", "LICENSE", "LICENSE_URL", "SERIES_METADATA", "TEXT_FIELDS",
    "MissingSeriesMetadata", "SeriesInfo", "bibtex", "certainty_notes", "check_covers",
    "citation", "labels", "load_series_metadata", "series_info", "source_line", "source_note",
    "source_text", "sources",
]

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CERTAINTY_NOTES = ("as_cited", "derived", "uncertain")


def source_text(rows: pd.DataFrame, lang: str, catalog: Mapping[str, SeriesInfo]) -> str:
    """"UMass Dartmouth Center for Marketing Research, 2007–2010" (several joined by ";")."""
    years_by_publisher: dict[str, set[int]] = {}
    for series, group in rows.groupby(rows["series"].astype(str), sort=False):
        publisher = series_info(series, catalog).publisher[check_lang(lang)]
        years_by_publisher.setdefault(publisher, set()).update(int(y) for y in group["year"])
    parts = [f"{publisher}, {year_span(years)}"
             for publisher, years in years_by_publisher.items()]
    return semicolon(lang).join(parts)


def source_line(rows: pd.DataFrame, lang: str, catalog: Mapping[str, SeriesInfo]) -> str:
    """"Source: UMass Dartmouth Center for Marketing Research, 2007–2010" in `lang`."""
    text = source_text(rows, lang, catalog)
    several = semicolon(lang) in text
    return words("sources" if several else "source", lang, text=text)


def certainty_notes(rows: pd.DataFrame, lang: str, catalog: Mapping[str, SeriesInfo]) -> list[str]:
    """One note per series and kind of second-hand or approximate figure, with its years."""
    if "certainty" not in rows.columns:
        return []
    notes = []
    for kind in CERTAINTY_NOTES:
        flagged = rows[rows["certainty"].astype(str) == kind]
        for series, group in flagged.groupby(flagged["series"].astype(str), sort=True):
            short = series_info(series, catalog).short_label[lang]
            what = f"{short}, {year_list(group['year'].astype(int), lang)}"
            notes.append(words(kind, lang, what=what))
    return notes


def source_note(rows: pd.DataFrame, lang: str, catalog: Mapping[str, SeriesInfo]) -> str:
    """The manifest's source note: the source line, caveats on figures, and the compilation."""
    parts = [source_line(rows, lang, catalog) + "."]
    parts += [capitalise_first(note) + "." for note in certainty_notes(rows, lang, catalog)]
    if not rows["synthetic"].astype(bool).any():
        parts.append(words("compilation", lang))
    return " ".join(parts)


def capitalise_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def sources(rows: pd.DataFrame, lang: str, catalog: Mapping[str, SeriesInfo]) -> list[dict]:
    """Per plotted series: label, publisher, years, and the studies and pages read."""
    result = []
    for series, group in rows.groupby(rows["series"].astype(str), sort=True):
        info = series_info(series, catalog)
        result.append({
            "series": series,
            "label": info.label[lang],
            "publisher": info.publisher[lang],
            "years": sorted({int(year) for year in group["year"]}),
            "studies": _distinct(group.get("study")),
            "urls": _distinct(group.get("source_url")),
        })
    return result


def _distinct(column: pd.Series | None) -> list[str]:
    if column is None:
        return []
    return sorted({str(value) for value in column.dropna() if str(value).strip()})


def citation(title: str, name: str, data_text: str, lang: str) -> str:
    """Plain-text citation of a chart, URL-free so it survives being moved:

    adoption project, “TITLE” [chart NAME], CC BY 4.0. Data: SOURCES.
    """
    author = words("author", lang)
    chart = words("chart_word", lang)
    return (f"{author}, {quoted(title, lang)} [{chart} {name}], {LICENSE}. "
            f"{words('data_word', lang, text=data_text)}.")


def bibtex(title: str, name: str, data_text: str, lang: str) -> str:
    """A BibTeX @misc entry for the chart (UTF-8; LaTeX specials escaped)."""
    language = {"en": "english", "fr": "french"}[check_lang(lang)]
    chart = words("chart_word", lang)
    fields = [
        ("author", "{" + _bibtex_escape(words("author", lang)) + "}"),
        ("title", "{" + _bibtex_escape(title) + "}"),
        ("howpublished", _bibtex_escape(f"{chart.capitalize()} {name}, {LICENSE}")),
        ("note", _bibtex_escape(words("data_word", lang, text=data_text))),
        ("language", language),
    ]
    body = ",\n".join(f"  {key:<12} = {{{value}}}" for key, value in fields)
    return f"@misc{{adoption:{name},\n{body}\n}}\n"


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "\u202f": r"\,", "\u00a0": "~", "\u2013": "--", "\u2014": "---",
}


def _bibtex_escape(text: str) -> str:
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text)


def labels(series: Iterable[str], field: str, lang: str,
           catalog: Mapping[str, SeriesInfo]) -> list[str]:
    """One text field of several series, in order."""
    return [getattr(series_info(name, catalog), field)[lang] for name in series]
