"""Put a chart together: its words from the findings, its sources from the plotted rows.

Every builder ends here, so every chart gets the same treatment: the title, alt
text and notes are messages rendered in the chart's language from the findings
layer (with the claims they rest on, which the manifest lists); the source line
and caveat notes come from the rows actually plotted; a synthetic row marks the
whole chart (title prefix, banner, watermark, CSV column, manifest flag); and the
file name is stable and readable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from adoption.charts import sources as chart_sources
from adoption.charts.chart import Chart
from adoption.charts.layout import DrawPlot
from adoption.findings.claims import Claim, rendered
from adoption.text import Message, Names, capitalise, check_lang, say


def make_chart(
    *,
    name: str,
    lang: str,
    kind: str,
    title: Message,
    subtitle: Message,
    alt_text: Sequence[Message],
    notes: Sequence[Message],
    claims: Sequence[Claim],
    rows: pd.DataFrame,
    data: pd.DataFrame,
    draw: DrawPlot,
    names: Names,
    sources: chart_sources.Sources | None = None,
) -> Chart:
    """A `Chart` whose words are rendered from `title`, `subtitle`, `alt_text` and `notes`
    (messages of the findings layer), and whose sources, caveats and synthetic mark are
    read from `rows`, the adoption-table rows behind the plotted numbers (or from
    `sources`, for charts of other data: account snapshots)."""
    check_lang(lang)
    sources = sources or chart_sources.TableSources(rows, names)
    synthetic = sources.synthetic
    title_text = _sentence_text(title.text(lang, names))
    # The alt text says every claim the chart makes, as its manifest entry gives it.
    sentences = [_full_stop(message.text(lang, names)) for message in alt_text]
    sentences += [text for text in (_full_stop(claim.sentence(lang, names)) for claim in claims)
                  if text not in sentences]
    alt = " ".join(sentences)
    banner = ""
    if synthetic:
        title_text = say("chart.synthetic_title", lang, title=_lower_first(title_text))
        banner = f"{say('chart.synthetic_banner', lang)}. "
        name = name if "synthetic" in name else f"synthetic-{name}"
        data = data.assign(synthetic=True)
    name = chart_name(name, lang)
    all_notes = [_full_stop(note.text(lang, names)) for note in notes]
    all_notes += [_full_stop(note) for note in sources.notes(lang)]
    return Chart(
        name=name,
        lang=lang,
        kind=kind,
        title=title_text,
        subtitle=_full_stop(subtitle.text(lang, names)),
        alt_text=f"{banner}{_full_stop(title_text)} {alt}".strip(),
        notes=tuple(dict.fromkeys(all_notes)),
        source_line=sources.source_line(lang),
        source_note=sources.source_note(lang),
        citation=chart_sources.citation(title_text, name, sources.data_text(lang), lang),
        bibtex=chart_sources.bibtex(title_text, name, sources.data_text(lang), lang),
        synthetic=synthetic,
        data=data.reset_index(drop=True),
        draw=draw,
        sources=tuple(sources.entries(lang)),
        claims=tuple(rendered(claims, lang, names)),
    )


def chart_name(base: str, lang: str) -> str:
    """The file stem: `base` made safe for a URL, with `-fr` for French."""
    stem = slug(base)
    return f"{stem}-fr" if lang == "fr" and not stem.endswith("-fr") else stem


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and single hyphens: 'Données 2007' -> 'donnees-2007'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _sentence_text(text: str) -> str:
    """A title: capitalised, without a final full stop."""
    return capitalise(text.strip()).removesuffix(".")


def _full_stop(text: str) -> str:
    text = capitalise(text.strip())
    return text if not text or text.endswith((".", "!", "?", ":")) else text + "."


def _lower_first(text: str) -> str:
    """"The largest…" -> "the largest…", but an acronym or a name keeps its capitals."""
    first = text.split(" ", 1)[0]
    if (len(first) > 1 and first[1:2].isupper()) or first[:1].isdigit():
        return text
    return text[:1].lower() + text[1:]
