"""Metadata beside the data, in a standard format: a Frictionless Data Package.

An analyst's file may come with a `datapackage.json` in the same folder (or one named
with `--metadata`): the Data Package standard (https://datapackage.org) that data
portals and the Frictionless tools read and write. It gives what charts and pages
print about the data: a title, sources, licences, and for each sector whom it
describes; `adoption` also reads its column mapping from it. Without one, everything
still works: labels come from the file ("Nonprofits in mysurvey.csv, 2019–2023"), the
source line names the file and its number of organisations, and the page says that no
licence was stated.

What is read (standard properties of the package, or of the resource describing the
file, which win; the resource is the one whose `path` is the file):

    title              "..." or, per language, {"": "default", "fr": "..."}
                       (the standard's language pattern, `languages` giving the default
                       language, else English), or simply {"en": "...", "fr": "..."}
    sources            [{"title": publisher, "path": URL, "version": year}]
    licenses           [{"name": "CC-BY-4.0", "path": URL, "title": "..."}]
    schema.fields      [{"name": header, ...}]: every name must be a column of the file;
                       a field's `categories`, [{"value": 1, "label": "OBNL"}, ...],
                       label its coded values, as SPSS and Stata value labels do
                       (surveys and published figures; a value without a label
                       stays as it is)

and, in the resource's own `adoption` property (the standard allows custom ones):

    columns            {"the file's header": "the schema's name"}, e.g. {"org": "org_id"}
    sectors            {"nonprofit": {"label": ..., "population": ...}, "business": ...}
    series             {"series id": {"label": ..., "publisher": ..., "slug": ...}}

Each text of `sectors` and `series` (label, short_label, noun, short_noun,
population, publisher) may be per language as `title` is. Read with the standard
library's json rather than the `frictionless` package: the few properties above need
no more, and every mistake is reported as the data's are, `FILE:LINE: what (expected
...)`, with the line of the property.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from json.decoder import scanstring
from pathlib import Path

from adoption.problems import DataError, Problem, problem
from adoption.text import LANGUAGES
from adoption.text.typography import typeset

DESCRIPTOR = "datapackage.json"
ADOPTION_PROPERTY = "adoption"
TEXT_FIELDS = ("label", "short_label", "noun", "short_noun", "population")
SERIES_FIELDS = (*TEXT_FIELDS, "publisher")
SECTOR_NAMES = ("nonprofit", "business", "higher_education")
Texts = dict[str, str]  # language -> text
JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    title: str
    path: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Licence:
    name: str | None = None
    path: str | None = None
    title: str | None = None

    @property
    def text(self) -> str:
        """"CC-BY-4.0" or "Creative Commons Attribution 4.0": the name a reader knows."""
        return self.title or self.name or self.path or ""


@dataclass(frozen=True)
class Description:
    """What a Data Package says about one data file (all empty when it says nothing)."""

    data_file: Path
    descriptor: Path | None = None
    title: Texts | None = None
    sources: tuple[Source, ...] = ()
    licences: tuple[Licence, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, dict[str, Texts]] = field(default_factory=dict)
    series: dict[str, dict[str, Texts]] = field(default_factory=dict)
    slugs: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # header -> codes

    @property
    def publisher(self) -> str | None:
        """The sources' titles, as one name, or None when no source is given."""
        titles = [source.title for source in self.sources if source.title]
        return "; ".join(titles) or None


def descriptor_for(data_file: str | Path, metadata: str | Path | None = None) -> Path | None:
    """The Data Package describing `data_file`: `metadata` when given (which must exist),
    else a `datapackage.json` beside the file, else None."""
    if metadata is not None:
        metadata = Path(metadata)
        if not metadata.is_file():
            what = "is a folder" if metadata.is_dir() else "file not found"
            raise DataError([problem(metadata, what, expected=f"a Frictionless {DESCRIPTOR}")])
        return metadata
    beside = Path(data_file).with_name(DESCRIPTOR)
    return beside if beside.is_file() else None


def describe(data_file: str | Path, metadata: str | Path | None = None,
             header: list[str] | None = None) -> Description:
    """What the Data Package beside `data_file` (or `metadata`) says about it, checked.

    `header`: the file's columns, to check the names the package gives against them.
    Raises DataError naming the descriptor, the line and the property for every
    mistake. A package that lists other files but not this one describes nothing of it,
    unless it was named with `metadata` (then it is an error)."""
    data_file = Path(data_file)
    descriptor = descriptor_for(data_file, metadata)
    if descriptor is None:
        return Description(data_file)
    package = _read(descriptor)
    resource, position = package.resource_for(data_file)
    if resource is None:
        if metadata is None:
            return Description(data_file)
        names = ", ".join(package.resource_paths()) or "no files"
        raise DataError([problem(descriptor, f"describes {names}, not {data_file.name}",
                                 line=package.line(("resources",)),
                                 expected=f"a resource whose path is {data_file.name}")])
    reader = _Reader(package, ("resources", position))
    description = reader.description(data_file, header)
    if reader.problems:
        raise DataError(reader.problems)
    return description


# --- reading the descriptor --------------------------------------------------------------


@dataclass
class _Package:
    path: Path
    document: dict
    lines: dict[JsonPath, int]

    def line(self, at: JsonPath) -> int | None:
        while at and at not in self.lines:
            at = at[:-1]
        return self.lines.get(at)

    def resource_paths(self) -> list[str]:
        return [r["path"] for r in self.document.get("resources", [])
                if isinstance(r, dict) and isinstance(r.get("path"), str)]

    def resource_for(self, data_file: Path) -> tuple[dict | None, int]:
        """The resource whose path is `data_file` (relative to the descriptor's folder)."""
        target = data_file.resolve()
        for position, resource in enumerate(self.document.get("resources", [])):
            if isinstance(resource, dict) and isinstance(resource.get("path"), str) \
                    and (self.path.parent / resource["path"]).resolve() == target:
                return resource, position
        return None, -1


def _read(path: Path) -> _Package:
    """The descriptor, parsed (cached while the file is unchanged); DataError if it is
    not a JSON object with a list of resources."""
    resolved = path.resolve()
    return _read_cached(str(resolved), resolved.stat().st_mtime_ns, str(path))


@lru_cache(maxsize=16)
def _read_cached(resolved: str, modified: int, shown: str) -> _Package:
    try:
        text = Path(resolved).read_text(encoding="utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError as error:
        raise DataError([problem(shown, f"not UTF-8 text (byte {error.start})",
                                 expected="a JSON file saved as UTF-8")]) from None
    except json.JSONDecodeError as error:
        raise DataError([problem(shown, f"not valid JSON: {error.msg} (column {error.colno})",
                                 line=error.lineno, expected="a Frictionless Data Package "
                                 "descriptor (JSON)")]) from None
    if not isinstance(document, dict):
        raise DataError([problem(shown, f"holds {_kind(document)}", line=1,
                                 expected='a JSON object, {"resources": [...], ...}')])
    lines = value_lines(text)
    resources = document.get("resources")
    if not isinstance(resources, list) or not resources \
            or not all(isinstance(r, dict) for r in resources):
        raise DataError([problem(shown, f"resources is {_kind(resources)}",
                                 line=lines.get(("resources",), 1),
                                 expected='"resources": [{"path": "mysurvey.csv", ...}], '
                                          "one object per data file")])
    return _Package(Path(shown), document, lines)


class _Reader:
    """Reads the properties of one resource (and its package), collecting problems."""

    def __init__(self, package: _Package, at: JsonPath) -> None:
        self.package = package
        self.at = at
        self.resource = package.document["resources"][at[1]]
        languages = package.document.get("languages", ["en"])
        self.default = languages[0] if isinstance(languages, list) and languages \
            and isinstance(languages[0], str) else "en"
        self.problems: list[Problem] = []

    def description(self, data_file: Path, header: list[str] | None) -> Description:
        own = self.resource.get(ADOPTION_PROPERTY, {})
        own_at = (*self.at, ADOPTION_PROPERTY)
        if not isinstance(own, dict):
            self.fail(own_at, f"is {_kind(own)}",
                      '{"columns": {...}, "sectors": {...}, "series": {...}}')
            own = {}
        for key in sorted(set(own) - {"columns", "sectors", "series"}):
            self.fail((*own_at, key), "is not a property adoption reads",
                      "columns, sectors or series")
        self.check_fields(header)
        series = self.labels(own.get("series", {}), (*own_at, "series"), SERIES_FIELDS,
                             keys=None)
        return Description(
            data_file=data_file,
            descriptor=self.package.path,
            title=self.title(),
            sources=self.sources(),
            licences=self.licences(),
            columns=self.columns(own.get("columns", {}), (*own_at, "columns"), header),
            sectors=self.labels(own.get("sectors", {}), (*own_at, "sectors"), TEXT_FIELDS,
                                keys=SECTOR_NAMES),
            series=series,
            slugs=self.slugs(own.get("series", {}), (*own_at, "series")),
            value_labels=self.value_labels(),
        )

    # the standard's properties: the resource's own, else the package's

    def inherited(self, key: str) -> tuple[object, JsonPath]:
        if key in self.resource:
            return self.resource[key], (*self.at, key)
        return self.package.document.get(key), (key,)

    def title(self) -> Texts | None:
        value, at = self.inherited("title")
        return None if value is None else self.texts(value, at)

    def sources(self) -> tuple[Source, ...]:
        items = self.objects("sources")
        found = []
        for item, at in items:
            title = item.get("title")
            if not isinstance(title, str) or not title.strip():
                self.fail((*at, "title"), f"title is {_kind(title)}",
                          'the source\'s name, e.g. {"title": "Statistics Canada", '
                          '"path": "https://..."}')
                continue
            found.append(Source(title.strip(), self.optional_text(item, "path", at),
                                self.optional_text(item, "version", at)))
        return tuple(found)

    def licences(self) -> tuple[Licence, ...]:
        found = []
        for item, at in self.objects("licenses"):
            if not any(isinstance(item.get(key), str) and item[key].strip()
                       for key in ("name", "path")):
                self.fail(at, "names no licence",
                          '{"name": "CC-BY-4.0", "path": "https://...", "title": "..."}')
                continue
            found.append(Licence(*(self.optional_text(item, key, at)
                                   for key in ("name", "path", "title"))))
        return tuple(found)

    def objects(self, key: str) -> list[tuple[dict, JsonPath]]:
        value, at = self.inherited(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(at, f"{key} is {_kind(value)}", f'"{key}": [{{...}}, ...], a list of '
                      "objects")
            return []
        return [(item, (*at, position)) for position, item in enumerate(value)]

    def optional_text(self, item: dict, key: str, at: JsonPath) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.fail((*at, key), f"{key} is {_kind(value)}", "text")
            return None
        return value.strip() or None

    def check_fields(self, header: list[str] | None) -> None:
        schema = self.resource.get("schema")
        at = (*self.at, "schema")
        if schema is None or isinstance(schema, str):  # a schema in a file of its own
            return
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
            self.fail((*at, "fields"), f"schema.fields is {_kind(fields)}",
                      '"fields": [{"name": "the column\'s header"}, ...]')
            return
        for position, entry in enumerate(fields):
            name = entry.get("name")
            where = (*at, "fields", position, "name")
            if not isinstance(name, str) or not name:
                self.fail(where, f"a field's name is {_kind(name)}", "the column's header")
            elif header is not None and name not in header:
                self.fail(where, f"field '{name}' is not a column of "
                          f"{self.resource['path']}", _one_of(header))

    def value_labels(self) -> dict[str, dict[str, str]]:
        """The labels the fields' `categories` give their values: {header: {value: label}}
        (Table Schema: a list of values, or of {"value": ..., "label": ...})."""
        schema = self.resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        found = {}
        for position, entry in enumerate(fields if isinstance(fields, list) else []):
            if not isinstance(entry, dict) or entry.get("categories") is None:
                continue
            at = (*self.at, "schema", "fields", position, "categories")
            labels = self.categories(entry["categories"], at)
            if labels and isinstance(entry.get("name"), str):
                found[entry["name"]] = labels
        return found

    def categories(self, value: object, at: JsonPath) -> dict[str, str]:
        expected = '[{"value": 1, "label": "OBNL"}, ...], or a list of values'
        if not isinstance(value, list):
            self.fail(at, f"categories is {_kind(value)}", expected)
            return {}
        labels: dict[str, str] = {}
        for position, item in enumerate(value):
            where = (*at, position)
            if _is_value(item):
                continue  # a category without a label: nothing to replace
            if not isinstance(item, dict):
                self.fail(where, f"a category is {_kind(item)}", expected)
                continue
            if not _is_value(item.get("value")):
                self.fail((*where, "value"), f"value is {_kind(item.get('value'))}",
                          "the value as the file writes it: text or a whole number")
                continue
            label = item.get("label")
            if label is None:
                continue
            code = str(item["value"]).strip()
            if not isinstance(label, str) or not label.strip():
                self.fail((*where, "label"), f"label is {_kind(label)}",
                          'the text the value stands for, e.g. "OBNL"')
            elif code in labels:
                self.fail((*where, "value"), f"value {code} is labelled twice",
                          "each value once")
            else:
                labels[code] = label.strip()
        return labels

    # adoption's own property

    def columns(self, value: object, at: JsonPath, header: list[str] | None) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail(at, f"columns is {_kind(value)}",
                      '{"the file\'s header": "the schema\'s name"}, e.g. {"org": "org_id"}')
            return {}
        for name in value:
            if header is not None and name not in header:
                self.fail((*at, name), f"maps column '{name}', which "
                          f"{self.resource['path']} does not have", _one_of(header))
        return dict(value)

    def labels(self, value: object, at: JsonPath, fields: tuple[str, ...],
               keys: tuple[str, ...] | None) -> dict[str, dict[str, Texts]]:
        if not isinstance(value, dict):
            self.fail(at, f"is {_kind(value)}", "an object with one object per "
                      + ("sector" if keys else "series"))
            return {}
        found: dict[str, dict[str, Texts]] = {}
        for name, entry in value.items():
            if keys is not None and name not in keys:
                self.fail((*at, name), f"'{name}' is not a sector", ", ".join(keys))
                continue
            if not isinstance(entry, dict):
                self.fail((*at, name), f"is {_kind(entry)}", "an object of labels, e.g. "
                          '{"label": {"en": "...", "fr": "..."}}')
                continue
            unknown = sorted(set(entry) - set(fields) - {"slug"})
            for key in unknown:
                self.fail((*at, name, key), f"'{key}' is not a label adoption reads",
                          ", ".join(fields) + (", slug" if keys is None else ""))
            found[name] = {key: texts for key in fields if key in entry
                           if (texts := self.texts(entry[key], (*at, name, key)))}
        return found

    def slugs(self, value: object, at: JsonPath) -> dict[str, str]:
        slugs = {}
        for name, entry in (value.items() if isinstance(value, dict) else ()):
            slug = entry.get("slug") if isinstance(entry, dict) else None
            if slug is None:
                continue
            if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
                self.fail((*at, name, "slug"), f"slug is {_kind(slug)}",
                          "lower-case letters, digits and hyphens, e.g. \"my-survey\"")
            else:
                slugs[name] = slug
        return slugs

    def texts(self, value: object, at: JsonPath) -> Texts:
        """A text in every language: the language given, else the default one's."""
        if isinstance(value, str) and value.strip():
            given = {self.default: value}
        elif isinstance(value, dict) and value and all(
                isinstance(k, str) and isinstance(v, str) and v.strip()
                for k, v in value.items()):
            given = {(key or self.default): text for key, text in value.items()}
        else:
            self.fail(at, f"{at[-1]} is {_kind(value)}",
                      'text, or text per language, e.g. {"en": "...", "fr": "..."}')
            return {}
        fallback = given.get(self.default) or given.get("en") or next(iter(given.values()))
        return {lang: typeset(given.get(lang, fallback).strip(), lang) for lang in LANGUAGES}

    def fail(self, at: JsonPath, what: str, expected: str) -> None:
        self.problems.append(problem(self.package.path, f"{pointer(at)}: {what}",
                                     line=self.package.line(at), expected=expected))


def _is_value(item: object) -> bool:
    """A category's value: text or a whole number (Table Schema)."""
    return isinstance(item, str | int) and not isinstance(item, bool)


def pointer(at: JsonPath) -> str:
    """Where a property is, as people write it: resources[0].adoption.columns.org."""
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def value_lines(text: str) -> dict[JsonPath, int]:
    """The line of every key and array item of a JSON document, by its path:
    json gives no positions, and a problem must say where to look."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    decoder = json.JSONDecoder()
    lines: dict[JsonPath, int] = {}

    def line(at: int) -> int:
        return bisect_right(starts, at)

    def space(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n\ufeff":
            i += 1
        return i

    def value(i: int, path: JsonPath) -> int:
        i = space(i)
        if text[i] == "{":
            i = space(i + 1)
            while text[i] != "}":
                key, end = scanstring(text, i + 1)
                lines.setdefault((*path, key), line(i))
                i = space(value(space(end) + 1, (*path, key)))
                i = space(i + 1) if text[i] == "," else i
            return i + 1
        if text[i] == "[":
            i, position = space(i + 1), 0
            while text[i] != "]":
                lines.setdefault((*path, position), line(i))
                i = space(value(i, (*path, position)))
                i, position = (space(i + 1) if text[i] == "," else i), position + 1
            return i + 1
        return decoder.raw_decode(text, i)[1]

    value(0, ())
    return lines


def _kind(value: object) -> str:
    if value is None:
        return "missing"
    kinds = ((bool, "true/false"), (int | float, "a number"), (str, "text"),
             (list, "a list"), (dict, "an object"))
    kind = next(name for kind, name in kinds if isinstance(value, kind))
    if isinstance(value, str) and not value.strip():
        return "empty text"
    shown = json.dumps(value, ensure_ascii=False)
    return f"{kind} ({shown})" if len(shown) <= 40 and not isinstance(value, dict | list) \
        else kind


def _one_of(header: list[str]) -> str:
    shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
    return f"one of the file's columns: {shown}"
