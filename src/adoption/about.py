"""What a report page says about a user's own data: where it came from, under which licence.

The bundled figures carry their sources figure by figure (the figures table) and their
licence in `data/published/README.md`. A user's file says nothing of the kind unless a
Data Package describes it (`adoption.datapackage`), so its pages end with a short
"About the data" section: the file (or the package's title) and its years, the
sources with their addresses, and the licence, or that none was stated.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from adoption.datapackage import Description, Source
from adoption.escaping import web_url
from adoption.metadata import Origin
from adoption.paths import DATA_DIR
from adoption.present import heading, text_html
from adoption.text import check_lang, say


def data_note(table: pd.DataFrame, lang: str = "en") -> HTML | None:
    """The "About the data" section for a table read from a user's file (see
    `metadata.Origin`); None for the bundled data, which say it elsewhere."""
    origin = Origin.of(table)
    if origin is None or _bundled(origin):
        return None
    check_lang(lang)
    description = origin.description()
    years = [int(year) for year in table["year"]]
    paragraphs = [text_html("own_data.data", lang, what=_what(origin, description, lang),
                            years=years)]
    if description.sources:
        paragraphs.append(_sources_html(description.sources, lang))
    if description.licences:
        licences = [licence.text for licence in description.licences]
        paragraphs.append(text_html("own_data.licences", lang, licences=licences))
    else:
        paragraphs.append(text_html("own_data.no_licence", lang))
    if description.descriptor:
        paragraphs.append(text_html("own_data.described", lang,
                                    descriptor=description.descriptor.name))
    else:
        paragraphs.append(text_html("own_data.undescribed", lang))
    title = heading(say("own_data.about", lang), level=2).data
    return HTML("\n".join([title, *(f"<p>{paragraph}</p>" for paragraph in paragraphs)]))


def _bundled(origin: Origin) -> bool:
    return bool(origin.path) and Path(origin.path).resolve().is_relative_to(DATA_DIR)


def _what(origin: Origin, description: Description, lang: str) -> str:
    """The data named: the package's title and the file, else the file and, for a
    survey, its number of organisations."""
    if description.title:
        return say("own_data.titled", lang, title=description.title[lang], file=origin.file)
    if len(origin.organisations) == 1:
        (count,) = origin.organisations.values()
        return say("own_data.from_file", lang, file=origin.file, count=count)
    return origin.file


def _sources_html(sources: tuple[Source, ...], lang: str) -> str:
    """"Source: Title (year)", each title a link where its path is a web address. The
    message is rendered with stand-ins, escaped, then given its links: no data string
    is ever read as markup."""
    stand_ins = [f"\x00{position}\x00" for position in range(len(sources))]
    text = text_html("own_data.sources", lang, sources=stand_ins)
    for stand_in, source in zip(stand_ins, sources, strict=True):
        name = html.escape(source.title + (f" ({source.version})" if source.version else ""))
        url = web_url(source.path) if source.path else None
        if url:
            name = f'<a href="{html.escape(url, quote=True)}">{name}</a>'
        elif source.path:
            name += f" ({html.escape(source.path)})"
        text = text.replace(html.escape(stand_in, quote=False), name)
    return text
