"""What a chart says about its sources, built from the data's own metadata.

Two inputs, both beside the data: the `publisher`, `study`, `source_url` and
`certainty` columns of each plotted row, and `data/published/series.toml`, which
gives every series its labels and population in English and French and the
publisher's canonical name for source lines (the rows spell it several ways:
"UMass Dartmouth Center for Marketing Research (Barnes et al.) with Eric Mattson").
A series without an entry is an error naming the entry to add, never a chart
with a made-up label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from adoption.charts.i18n import (
    LANGUAGES,
    check_lang,
    join,
    quoted,
    semicolon,
    words,
    year_list,
    year_span,
)
from adoption.paths import DATA_DIR

SERIES_METADATA = DATA_DIR / "published" / "series.toml"
TEXT_FIELDS = ("label", "short_label", "noun", "population")
LICENSE = "CC BY 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CERTAINTY_NOTES = ("as_cited", "derived", "uncertain")


class MissingSeriesMetadata(ValueError):
    """A plotted series has no complete entry in the series metadata file."""


@dataclass(frozen=True)
class SeriesInfo:
    """One series' chart metadata (see `data/published/series.toml` for each field)."""

    series: str
    slug: str
    publisher: Mapping[str, str]
    label: Mapping[str, str]
    short_label: Mapping[str, str]
    noun: Mapping[str, str]
    population: Mapping[str, str]
    short_noun: Mapping[str, str]
    synthetic: bool = False


def load_series_metadata(path: str | Path | None = None) -> dict[str, SeriesInfo]:
    """Every series' metadata from `series.toml` (the bundled file by default), checked.

    Raises MissingSeriesMetadata naming the file, series and key when an entry
    lacks a field or a language.
    """
    resolved = Path(path or SERIES_METADATA).resolve()
    # Keyed on the modification time too, so an edit shows at the next chart in a session.
    modified = resolved.stat().st_mtime_ns if resolved.exists() else 0
    return dict(_load_cached(str(resolved), modified))


@lru_cache(maxsize=8)
def _load_cached(path: str, modified: int) -> tuple[tuple[str, SeriesInfo], ...]:
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise MissingSeriesMetadata(f"{path}: series metadata file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise MissingSeriesMetadata(f"{path}: not valid TOML ({error})") from None
    return tuple((name, _series_info(path, name, entry)) for name, entry in raw.items())


def _series_info(path: str, name: str, entry: object) -> SeriesInfo:
    if not isinstance(entry, dict):
        raise MissingSeriesMetadata(f"{path}: [{name}] must be a table of keys")
    texts = {field: _texts(path, name, entry, field) for field in TEXT_FIELDS}
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug or slug != slug.lower() or " " in slug:
        raise MissingSeriesMetadata(
            f"{path}: [{name}] needs slug = \"...\" (lower case, no spaces), the series' "
            "part of chart file names"
        )
    short_noun = _texts(path, name, entry, "short_noun") if "short_noun" in entry else (
        texts["noun"])
    return SeriesInfo(
        series=name,
        slug=slug,
        publisher=_publisher(path, name, entry.get("publisher")),
        short_noun=short_noun,
        synthetic=bool(entry.get("synthetic", False)),
        **texts,
    )


def _texts(path: str, name: str, entry: dict, field: str) -> dict[str, str]:
    value = entry.get(field)
    missing = [lang for lang in LANGUAGES
               if not isinstance(value, dict) or not str(value.get(lang, "")).strip()]
    if missing:
        keys = ", ".join(f"{field}.{lang}" for lang in missing)
        raise MissingSeriesMetadata(f"{path}: [{name}] lacks {keys}")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def _publisher(path: str, name: str, value: object) -> dict[str, str]:
    """One name, a list of names (joined per language), or a table {en, fr}."""
    if isinstance(value, str) and value.strip():
        return dict.fromkeys(LANGUAGES, value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return {lang: join(value, lang) for lang in LANGUAGES}
    if isinstance(value, dict) and all(str(value.get(lang, "")).strip() for lang in LANGUAGES):
        return {lang: str(value[lang]) for lang in LANGUAGES}
    raise MissingSeriesMetadata(
        f"{path}: [{name}] needs publisher = \"Name\" (or a list of names, or publisher.en "
        "and publisher.fr): the name charts print in their source line"
    )


def series_info(series: str, catalog: Mapping[str, SeriesInfo] | None = None) -> SeriesInfo:
    """The metadata of one series; MissingSeriesMetadata naming the entry to add if none."""
    catalog = load_series_metadata() if catalog is None else catalog
    try:
        return catalog[str(series)]
    except KeyError:
        raise MissingSeriesMetadata(
            f"series {series!r} has no entry in {SERIES_METADATA.relative_to(DATA_DIR.parent)}: "
            f"add a [{series}] table with publisher, slug, and label, short_label, noun and "
            "population in en and fr, so its charts can be labelled and sourced"
        ) from None


def check_covers(table: pd.DataFrame, catalog: Mapping[str, SeriesInfo] | None = None) -> None:
    """Raise MissingSeriesMetadata listing every series of `table` that has no entry."""
    catalog = load_series_metadata() if catalog is None else catalog
    missing = sorted(set(table["series"].astype(str)) - set(catalog))
    if missing:
        raise MissingSeriesMetadata(
            f"series without metadata in {SERIES_METADATA.name}: {', '.join(missing)}"
        )


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
