"""What a chart says about its sources: source line, notes, citation, licence.

A chart's `Sources` answers, in the chart's language: who published the plotted
numbers and when (the source line), what a reader must know about some of them
(notes), and how to cite the whole. `TableSources` reads them from adoption-table
rows: their `publisher`, `study`, `source_url` and `certainty` columns and each
series' metadata (`adoption.metadata`: the publisher's canonical name, since rows
spell it several ways). Account snapshots bring their own (`adoption.snapshots`'
archive provenance), with the same methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pandas as pd

from adoption.escaping import bibtex_escape
from adoption.metadata import (
    SERIES_METADATA,
    TEXT_FIELDS,
    MissingSeriesMetadata,
    SeriesInfo,
    check_covers,
    load_series_metadata,
    series_info,
)
from adoption.text import Names, Series, capitalise, check_lang, say
from adoption.text.formats import clauses, year_span

__all__ = [
    "CERTAINTY_NOTES", "LICENSE", "LICENSE_URL", "SERIES_METADATA", "TEXT_FIELDS",
    "MissingSeriesMetadata", "SeriesInfo", "Sources", "TableSources", "bibtex", "check_covers",
    "citation", "load_series_metadata", "series_info",
]

LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CERTAINTY_NOTES = ("as_cited", "derived", "uncertain")


class Sources(Protocol):
    """Where a chart's numbers come from, in words for each language."""

    synthetic: bool

    def source_line(self, lang: str) -> str: ...
    def source_note(self, lang: str) -> str: ...
    def data_text(self, lang: str) -> str: ...
    def notes(self, lang: str) -> list[str]: ...
    def entries(self, lang: str) -> list[dict]: ...


class TableSources:
    """The sources of adoption-table rows (published figures or a survey)."""

    def __init__(self, rows: pd.DataFrame, names: Names) -> None:
        self.rows = rows
        self.names = names
        self.synthetic = bool(rows["synthetic"].astype(bool).any()) or any(
            getattr(names.get(series), "synthetic", False)
            for series in rows["series"].astype(str).unique())

    def data_text(self, lang: str) -> str:
        """"UMass Dartmouth Center for Marketing Research, 2007–2010" (several joined by ";")."""
        years_by_publisher: dict[str, set[int]] = {}
        for series, group in self.rows.groupby(self.rows["series"].astype(str), sort=False,
                                               observed=True):
            publisher = self._info(series).publisher[check_lang(lang)]
            years_by_publisher.setdefault(publisher, set()).update(int(y) for y in group["year"])
        return clauses([f"{publisher}, {year_span(years)}"
                        for publisher, years in years_by_publisher.items()], lang)

    def source_line(self, lang: str) -> str:
        """"Source: UMass Dartmouth Center for Marketing Research, 2007–2010"."""
        publishers = {self._info(s).publisher[lang] for s in self.rows["series"].astype(str)}
        key = "chart.sources" if len(publishers) > 1 else "chart.source"
        return say(key, lang, text=self.data_text(lang))

    def notes(self, lang: str) -> list[str]:
        """One note per series and kind of second-hand or approximate figure, with its years."""
        if "certainty" not in self.rows.columns:
            return []
        found = []
        for kind in CERTAINTY_NOTES:
            flagged = self.rows[self.rows["certainty"].astype(str) == kind]
            for series, group in flagged.groupby(flagged["series"].astype(str), sort=True,
                                                 observed=True):
                found.append(say(f"chart.certainty.{kind}", lang, self.names,
                                 series=Series(series, "short_label"),
                                 years=[int(y) for y in group["year"]]))
        return found

    def source_note(self, lang: str) -> str:
        """The manifest's source note: the source line, caveats on figures, the compilation."""
        parts = [self.source_line(lang) + "."]
        parts += [capitalise(note) + "." for note in self.notes(lang)]
        if not self.synthetic and (self.rows["certainty"].astype(str) != "computed").any():
            parts.append(say("chart.compilation", lang))
        return " ".join(parts)

    def entries(self, lang: str) -> list[dict]:
        """Per plotted series: label, publisher, years, and the studies and pages read."""
        result = []
        for series, group in self.rows.groupby(self.rows["series"].astype(str), sort=True,
                                               observed=True):
            info = self._info(series)
            result.append({
                "series": series,
                "label": info.label[lang],
                "publisher": info.publisher[lang],
                "years": sorted({int(year) for year in group["year"]}),
                "studies": _distinct(group.get("study")),
                "urls": _distinct(group.get("source_url")),
            })
        return result

    def _info(self, series: str) -> SeriesInfo:
        info = self.names.get(series)
        if info is None:
            raise MissingSeriesMetadata(f"series {series!r} has no labels in the names given")
        return info  # type: ignore[return-value]


def _distinct(column: pd.Series | None) -> list[str]:
    if column is None:
        return []
    return sorted({str(value) for value in column.dropna() if str(value).strip()})


def citation(title: str, name: str, data_text: str, lang: str) -> str:
    """Plain-text citation of a chart, URL-free so it survives being moved:

    adoption project, “TITLE” [chart NAME], CC BY 4.0. Data: SOURCES.
    """
    return say("chart.citation", lang, title=title, name=name, license=LICENSE,
               data=data_text)


def bibtex(title: str, name: str, data_text: str, lang: str) -> str:
    """A BibTeX @misc entry for the chart (UTF-8; LaTeX specials escaped)."""
    language = {"en": "english", "fr": "french"}[check_lang(lang)]
    fields = [
        ("author", "{" + bibtex_escape(say("chart.author", lang)) + "}"),
        ("title", "{" + bibtex_escape(title) + "}"),
        ("howpublished", bibtex_escape(say("chart.howpublished", lang, name=name,
                                            license=LICENSE))),
        ("note", bibtex_escape(say("chart.data", lang, text=data_text))),
        ("language", language),
    ]
    body = ",\n".join(f"  {key:<12} = {{{value}}}" for key, value in fields)
    return f"@misc{{adoption:{name},\n{body}\n}}\n"


def labels(series: list[str], field: str, lang: str,
           catalog: Mapping[str, SeriesInfo]) -> list[str]:
    """One text field of several series, in order."""
    return [getattr(series_info(name, catalog), field)[lang] for name in series]
