"""Every word a reader sees, in English and French, from one catalog per language.

Bloggers and journalists copy our titles and sentences word for word, many of them
in Quebec and France. So the words live in one place and are never composed by
hand elsewhere:

    catalog/en.toml, catalog/fr.toml   named messages, the same keys in both
    catalog/notebooks.fr.toml          the French of each notebook's prose cells

`say(key, lang, **values)` renders a message. Values are formatted by Babel
(CLDR) as the placeholder asks, e.g. `{share:percent}`, `{gap:points}`,
`{years:years}` (see `adoption.text.formats.FORMATS`); a message written as a table
of CLDR plural categories (`one`, `other`) is chosen by its `count` value. French
messages are typeset once, when the catalog is read (narrow no-break spaces before
; : ! ? % and inside « », typographic apostrophes: `adoption.text.typography`);
numbers come typeset from Babel. Values are inserted as given: data strings are
never re-typeset and never markup (the pages escape them).

`Message` carries a message key and its values from the statistics to the page, so
a reason or caveat is rendered in the reader's language only where it is shown.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from babel import Locale

from adoption.text.formats import (
    FORMATS,
    LANGUAGES,
    capitalise,
    check_lang,
    clauses,
    default_format,
)
from adoption.text.typography import typeset

CATALOG_DIR = Path(__file__).parent / "catalog"
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})

__all__ = ["LANGUAGES", "Message", "Names", "Series", "capitalise", "check_lang", "has",
           "message", "render", "say"]


class MissingMessage(KeyError):
    """A message key that the catalog of a language does not have."""


@dataclass(frozen=True)
class Series:
    """A series named in a message. Readers see its label from the series metadata
    (`form`: "label", "short_label", "noun" or "short_noun"), never its id. `sector`
    names one sector of a series that holds several (a survey of both sectors)."""

    id: str
    form: str = "noun"
    sector: str | None = None

    @property
    def key(self) -> str:
        """The key of its labels in a names mapping (`adoption.metadata.series_names`)."""
        return f"{self.id}@{self.sector}" if self.sector else self.id


class Names(Protocol):
    """Where a message finds series labels: series id -> an object whose attribute
    `form` maps each language to a text (`adoption.metadata.SeriesInfo`)."""

    def get(self, key: str, default: object = None, /) -> object: ...


def say(key: str, lang: str, names: Names | None = None, /, **values: object) -> str:
    """The message `key` in `lang`, with `values` formatted into it; `Series` values are
    named from `names`."""
    template = _template(key, check_lang(lang), values)
    return _Formatter(lang, names).vformat(template, (), values)


def has(key: str, lang: str) -> bool:
    """Whether the catalog of `lang` has the message `key`."""
    try:
        _lookup(key, check_lang(lang))
    except MissingMessage:
        return False
    return True


def keys(lang: str) -> set[str]:
    """Every message key of a language's catalog (tables of plurals count as one key)."""
    found: set[str] = set()

    def walk(table: Mapping[str, object], prefix: str) -> None:
        for name, value in table.items():
            path = f"{prefix}{name}"
            if isinstance(value, dict) and not _is_plural(value):
                walk(value, path + ".")
            else:
                found.add(path)

    walk(catalog(lang), "")
    return found


@cache
def catalog(lang: str) -> dict[str, object]:
    """A language's catalog as read from its TOML file, French already typeset."""
    with (CATALOG_DIR / f"{check_lang(lang)}.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return _typeset_all(table, lang)


def _typeset_all(table: object, lang: str) -> object:
    if isinstance(table, dict):
        return {name: _typeset_all(value, lang) for name, value in table.items()}
    if isinstance(table, str):
        return typeset(table, lang)
    return table


def _lookup(key: str, lang: str) -> object:
    node: object = catalog(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise MissingMessage(f"no message {key!r} in catalog/{lang}.toml")
        node = node[part]
    return node


def _template(key: str, lang: str, values: Mapping[str, object]) -> str:
    node = _lookup(key, lang)
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and _is_plural(node):
        count = values.get("count")
        if not isinstance(count, int | float):
            raise ValueError(f"message {key!r} has plural forms: give it a numeric 'count'")
        category = Locale.parse(lang).plural_form(abs(count))
        return str(node.get(category, node["other"]))
    raise MissingMessage(f"{key!r} in catalog/{lang}.toml is a group of messages, not one")


def _is_plural(table: Mapping[str, object]) -> bool:
    return "other" in table and set(table) <= PLURAL_CATEGORIES


class _Formatter(string.Formatter):
    """str.format with the catalog's format specs (`{share:percent}`), in one language.

    Besides `FORMATS`, some specs read the catalog itself: `{s:sector}` ("nonprofits"),
    `{s:Sector}` ("Nonprofits", a sentence's subject), `{s:sector_label}` (a label),
    `{p:platform}` ("Blog"), `{p:on}` ("blogging", after "on") and `{p:using}`
    ("a blog", after "share using").
    """

    def __init__(self, lang: str, names: Names | None) -> None:
        super().__init__()
        self.lang = lang
        self.names = names

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Message):  # a sentence inside a sentence (a clause)
            value = value.text(self.lang, self.names)
        if isinstance(value, Series):
            value = self._series(value)
        if format_spec == "clauses":  # items (sentences, messages) joined by semicolons
            return clauses([self.format_field(item, "") for item in value], self.lang)
        if format_spec == "sentences":  # items as sentences: capitalised, full stops
            texts = [capitalise(self.format_field(item, "").strip()) for item in value]
            return " ".join(t if t.endswith((".", "!", "?")) else t + "." for t in texts)
        if format_spec == "list" or format_spec.startswith("list_"):
            # {xs:list}, {xs:list_sector}: each item formatted (series named), then joined
            inner = format_spec.removeprefix("list").removeprefix("_")
            return FORMATS["list"]([self.format_field(item, inner) for item in value],
                                   self.lang)  # type: ignore[union-attr]
        if format_spec == "of":  # "of the Fortune 500" / "du Fortune 500", "des entreprises"
            return of(str(value), self.lang)
        if format_spec == "sector_of":  # "of nonprofits" / "des organismes à but non lucratif"
            return of(say(f"sector.{value}.noun", self.lang), self.lang)
        if format_spec in _CATALOG_FORMATS:
            return say(_CATALOG_FORMATS[format_spec].format(value), self.lang)
        if not format_spec:
            return default_format(value, self.lang)
        try:
            formatter = FORMATS[format_spec]
        except KeyError:
            raise ValueError(f"unknown format {{:{format_spec}}}; known: "
                             f"{', '.join(sorted([*FORMATS, *_CATALOG_FORMATS]))}") from None
        return formatter(value, self.lang)

    def _series(self, series: Series) -> str:
        info = None
        if self.names is not None:
            info = self.names.get(series.key) or self.names.get(series.id)
        forms = getattr(info, series.form, None)
        if isinstance(forms, Mapping) and forms.get(self.lang):
            return str(forms[self.lang])
        return series.id  # no metadata: a test of visible text catches it


def of(noun: str, lang: str) -> str:
    """"of the Fortune 500" / "du Fortune 500": French contracts de + le, de + les."""
    if lang == "en":
        return f"of {noun}"
    for article, contracted in (("les ", "des "), ("le ", "du ")):
        if noun.startswith(article):
            return contracted + noun[len(article):]
    return f"de {noun}"


_CATALOG_FORMATS = {"sector": "sector.{}.noun", "on": "platform.{}.on",
                    "using": "platform.{}.using", "Sector": "sector.{}.subject",
                    "sector_label": "sector.{}.label", "platform": "platform.{}.name",
                    "design": "design.{}", "sector_bare": "sector.{}.bare"}


@dataclass(frozen=True)
class Message:
    """A reason, note or caveat a result carries: a catalog key and its values,
    rendered in a language only where it is shown."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "en", names: Names | None = None) -> str:
        return say(self.key, lang, names, **dict(self.values))

    def __str__(self) -> str:
        return self.text("en")


def message(key: str, **values: object) -> Message:
    """A `Message`; the key must exist in the English catalog (checked now, not when shown)."""
    if not has(key, "en"):
        raise MissingMessage(f"no message {key!r} in catalog/en.toml")
    frozen = {name: tuple(value) if isinstance(value, list) else value
              for name, value in values.items()}
    return Message(key, tuple(sorted(frozen.items())))


def render(messages: Sequence[Message | None], lang: str = "en",
           names: Names | None = None) -> str | None:
    """Messages joined as one text ("; "), repeats dropped; None if there are none."""
    texts = dict.fromkeys(m.text(lang, names) for m in messages if m is not None)
    return clauses(list(texts), lang) if texts else None
