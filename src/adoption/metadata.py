"""What each series is called and whom it describes, beside the data (series.toml).

Readers meet a series by its labels, never by its id: "Largest US charities",
"les plus grands organismes de bienfaisance des États-Unis". The bundled series
have a table each in `data/published/series.toml` (publisher, labels, nouns,
population, in English and French). A series with no entry (a user's own survey)
gets labels from the Data Package beside its file, if there is one
(`adoption.datapackage`), and otherwise made from what the data say: its sector and
the file it came from ("Nonprofits in mysurvey.csv, 2019–2023"), never its bare id.

Which file a table was read from travels with it (`Origin`, in the table's `attrs`:
pandas keeps them through filtering and copies), so every caller of
`series_names(table)` names a user's series the same way.

`series_names(table)` gives every series of a table its `SeriesInfo`, so
statistics, charts and pages can name what they show; `load_series_metadata`
reads and checks a series.toml file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from adoption.datapackage import Description, describe
from adoption.paths import DATA_DIR
from adoption.text import LANGUAGES, say
from adoption.text.formats import join
from adoption.text.typography import typeset

SERIES_METADATA = DATA_DIR / "published" / "series.toml"
TEXT_FIELDS = ("label", "short_label", "noun", "population")


class MissingSeriesMetadata(ValueError):
    """A series.toml entry that lacks a field or a language, or a file that cannot be read."""


@dataclass(frozen=True)
class SeriesInfo:
    """One series' labels (see `data/published/series.toml` for each field)."""

    series: str
    slug: str
    publisher: Mapping[str, str]
    label: Mapping[str, str]
    short_label: Mapping[str, str]
    noun: Mapping[str, str]
    population: Mapping[str, str]
    short_noun: Mapping[str, str]
    synthetic: bool = False
    described: bool = True  # False: labels made from the data, no metadata was given


def load_series_metadata(path: str | Path | None = None) -> dict[str, SeriesInfo]:
    """Every series' metadata from a series.toml (the bundled file by default), checked.

    Raises MissingSeriesMetadata naming the file, series and key when an entry
    lacks a field or a language.
    """
    resolved = Path(path or SERIES_METADATA).resolve()
    # Keyed on the modification time too, so an edit shows at the next chart in a session.
    modified = resolved.stat().st_mtime_ns if resolved.exists() else 0
    return dict(_load_cached(str(resolved), modified))


def series_info(series: str, catalog: Mapping[str, SeriesInfo] | None = None) -> SeriesInfo:
    """The metadata of one series; MissingSeriesMetadata naming the entry to add if none."""
    catalog = load_series_metadata() if catalog is None else catalog
    try:
        return catalog[str(series)]
    except KeyError:
        raise MissingSeriesMetadata(
            f"series {series!r} has no entry in the series metadata: add a [{series}] table "
            "with publisher, slug, and label, short_label, noun and population in en and fr, "
            "or let adoption.metadata.series_names describe it from the data"
        ) from None


@dataclass(frozen=True)
class Origin:
    """The file a table was read from, and what describes it: kept in the table's
    `attrs` (as one JSON text, which pandas copies at no cost) by the loaders."""

    file: str  # the file's name, as labels and source lines show it
    path: str = ""  # where it was read, to find its Data Package again
    descriptor: str | None = None  # the Data Package read with it, if any
    organisations: dict[str, int] = field(default_factory=dict)  # per series (surveys)

    ATTR = "adoption.origin"

    def attach(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.attrs[self.ATTR] = json.dumps(asdict(self), sort_keys=True)
        return frame

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Origin | None:
        text = frame.attrs.get(cls.ATTR)
        return cls(**json.loads(text)) if isinstance(text, str) else None

    def description(self) -> Description:
        return describe(Path(self.path), self.descriptor) if self.descriptor else \
            Description(Path(self.path or self.file))


def series_names(table: pd.DataFrame,
                 catalog: Mapping[str, SeriesInfo] | None = None) -> dict[str, SeriesInfo]:
    """Every series of `table` (the adoption table) with its labels: its metadata entry
    when it has one (`catalog`, the bundled series.toml by default), else the Data
    Package's labels and labels made from its rows (`described_from_data`), naming the
    file it came from."""
    catalog = load_series_metadata() if catalog is None else catalog
    origin = Origin.of(table)
    description = origin.description() if origin else None
    names: dict[str, SeriesInfo] = {}
    for series, rows in table.groupby(table["series"].astype(str), sort=True, observed=True):
        info = catalog.get(series) or _described(series, rows, origin, description)
        names[series] = info
        sectors = rows.groupby(rows["sector"].astype(str), sort=True, observed=True)
        if len(sectors) > 1:  # a survey of both sectors: each side named on its own
            source = info.short_label if info.described or origin else None
            labels = description.sectors if description and series not in catalog else {}
            for sector, sector_rows in sectors:
                side = described_from_data(series, sector_rows, source, side=True)
                if origin:  # a user's survey: each side credited as the whole file is
                    side = replace(side, publisher=info.publisher)
                names[f"{series}@{sector}"] = _labelled(side, labels.get(sector, {}))
    return names


def _described(series: str, rows: pd.DataFrame, origin: Origin | None,
               description: Description | None) -> SeriesInfo:
    """A series without an entry in the catalog: named from its Data Package where it
    says, else from the data. A survey's series is named after its file (or the
    package's title), and credited to the package's sources, else to the file and its
    number of organisations."""
    if origin is None or description is None:
        return described_from_data(series, rows)
    surveyed = series in origin.organisations
    source = description.title or (dict.fromkeys(LANGUAGES, origin.file) if surveyed else None)
    info = described_from_data(series, rows, source)
    if description.publisher:
        info = replace(info, publisher={lang: typeset(description.publisher, lang)
                                        for lang in LANGUAGES})
    elif surveyed:
        info = replace(info, publisher={lang: say("own_data.from_file", lang,
                                                  file=origin.file,
                                                  count=origin.organisations[series])
                                        for lang in LANGUAGES})
    info = replace(info, slug=description.slugs.get(series, info.slug))
    return _labelled(info, description.series.get(series, {}))


def _labelled(info: SeriesInfo, labels: Mapping[str, Mapping[str, str]]) -> SeriesInfo:
    """`info` with the labels a Data Package gives (a noun without a short one serves
    as both); described once it gives any."""
    if not labels:
        return info
    given = {key: dict(texts) for key, texts in labels.items()}
    if "noun" in given and "short_noun" not in given:
        given["short_noun"] = given["noun"]
    return replace(info, described=True, **given)


def described_from_data(series: str, rows: pd.DataFrame,
                        source: Mapping[str, str] | None = None,
                        side: bool = False) -> SeriesInfo:
    """Labels for a series without metadata, from its own rows: the sectors it holds,
    where it came from (`source` per language, else its `study`, for a survey the
    file's name) and its years. `side`: one sector of a series holding several, named by
    its sector ("Nonprofits") where the series is already named around it."""
    sectors = sorted({str(s) for s in rows["sector"].astype(str)})
    plain_source = _source_name(series, rows)
    years = [int(year) for year in rows["year"]]
    fields = (*TEXT_FIELDS, "short_noun")
    texts: dict[str, dict[str, str]] = {field: {} for field in fields}
    for lang in LANGUAGES:
        where = source[lang] if source else plain_source
        if len(sectors) == 1:
            values: dict[str, object] = {"sector": sectors[0], "source": where, "years": years}
            kind = "side" if side else "one_sector"
        else:
            values = {"sectors": sectors, "source": where, "years": years}
            kind = "mixed"
        for text in fields:
            texts[text][lang] = say(f"series_default.{kind}.{text}", lang, **values)
    publisher = _text_column(rows, "publisher") or plain_source
    return SeriesInfo(series=series, slug=_slug(series),
                      publisher=dict.fromkeys(LANGUAGES, publisher),
                      synthetic=bool(rows["synthetic"].astype(bool).any())
                      if "synthetic" in rows else False,
                      described=False, **texts)


def check_covers(table: pd.DataFrame, catalog: Mapping[str, SeriesInfo] | None = None) -> None:
    """Raise MissingSeriesMetadata listing every series of `table` that has no entry."""
    catalog = load_series_metadata() if catalog is None else catalog
    missing = sorted(set(table["series"].astype(str)) - set(catalog))
    if missing:
        raise MissingSeriesMetadata(
            f"series without metadata in {SERIES_METADATA.name}: {', '.join(missing)}"
        )


# --- reading series.toml -----------------------------------------------------------------


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
    return {lang: typeset(str(value[lang]), lang) for lang in LANGUAGES}


def _publisher(path: str, name: str, value: object) -> dict[str, str]:
    """One name, a list of names (joined per language), or a table {en, fr}."""
    if isinstance(value, str) and value.strip():
        return dict.fromkeys(LANGUAGES, value)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return {lang: join(value, lang) for lang in LANGUAGES}
    if isinstance(value, dict) and all(str(value.get(lang, "")).strip() for lang in LANGUAGES):
        return {lang: typeset(str(value[lang]), lang) for lang in LANGUAGES}
    raise MissingSeriesMetadata(
        f"{path}: [{name}] needs publisher = \"Name\" (or a list of names, or publisher.en "
        "and publisher.fr): the name charts print in their source line"
    )


def _source_name(series: str, rows: pd.DataFrame) -> str:
    study = _text_column(rows, "study")
    return study if study and study != series else series


def _text_column(rows: pd.DataFrame, column: str) -> str | None:
    if column not in rows:
        return None
    values: Iterable[object] = rows[column].dropna().astype(str).unique()
    found = [value for value in values if value.strip()]
    return found[0] if len(found) == 1 else None


def _slug(series: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", series.lower()).strip("-") or "series"


def label_of(names: Mapping[str, SeriesInfo], series: str, form: str, lang: str,
             sector: str | None = None) -> str:
    """One label of a series (`form`: label, short_label, noun, short_noun, population),
    of one sector of it when `sector` is given and the series holds several."""
    info = (names.get(f"{series}@{sector}") if sector else None) or names.get(series)
    if info is None:
        raise MissingSeriesMetadata(f"series {series!r} has no labels in the names given")
    return getattr(info, form)[lang]
