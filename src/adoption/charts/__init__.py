"""Citable charts in the house style: titled, sourced, licensed, bilingual, reproducible.

In a notebook, one call per chart and one call to save it::

    from adoption import load_table
    from adoption.charts import adoption_curves, save_chart

    table = load_table()
    chart = adoption_curves(table, "blog", "umassd-charities", "umassd-fortune500", lang="fr")
    chart                      # shows the card inline, with its alt text and source
    save_chart(chart, out_dir) # PNG card + large PNG + SVG + CSV + manifest entry

Charts only draw: intervals and tests come from `adoption.stats`, every word from
the findings layer (`adoption.findings`, rendered through the catalogs of
`adoption.text`), the labels of series from `adoption.metadata`.

Modules, one concern each:

    style                colours per sector, font, sizes
    sources              a chart's sources: source lines, notes, citations, BibTeX
    assemble             a chart from its words, its plotted rows and its sources
    layout, draw, chart  the card's layout, shared drawing, the Chart object
    comparison           adoption curves and the gap per year (nonprofit vs business)
    diffusion            fitted S-curves and the year each crosses 50%
    context              self-selected practitioner surveys, without intervals
    survey_charts        respondent surveys: by size, number of platforms, weighting
    snapshot_charts      account snapshots: adoption from creation dates, activity, dormancy
    export               the files and manifest.json (the index that lists them: report/)
    published_table      the published table behind NAME.csv: units, rounding, p-values
    interactive, web_specs, embed, vendor
                         the interactive page NAME.html (Vega-Lite), its specs, the
                         <iframe> that embeds it, and the script it loads
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from adoption.lazy import lazy_exports

if TYPE_CHECKING:
    from adoption.charts.chart import Chart

# Each public name and the module it lives in, loaded on first use (see adoption.lazy):
# the report build reads manifests without loading matplotlib.
_HOMES = {
    "account_activity_chart": "snapshot_charts",
    "account_adoption_chart": "snapshot_charts",
    "account_charts": "snapshot_charts",
    "dormant_accounts_chart": "snapshot_charts",
    "Chart": "chart",
    "adoption_curves": "comparison",
    "gap_chart": "comparison",
    "context_chart": "context",
    "embed_snippet": "embed",
    "figure_html": "embed",
    "diffusion_chart": "diffusion",
    "ENTRY_KEYS": "export",
    "MANIFEST_NAME": "export",
    "ManifestError": "export",
    "merge_manifests": "export",
    "read_manifest": "export",
    "save_chart": "export",
    "write_manifest": "export",
    "write_shared_files": "export",
    "MissingSeriesMetadata": "sources",
    "check_covers": "sources",
    "load_series_metadata": "sources",
    "survey_by_size": "survey_charts",
    "survey_platform_count": "survey_charts",
    "survey_weighting": "survey_charts",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "ENTRY_KEYS",
    "MANIFEST_NAME",
    "Chart",
    "ManifestError",
    "MissingSeriesMetadata",
    "account_activity_chart",
    "account_adoption_chart",
    "account_charts",
    "adoption_curves",
    "check_covers",
    "context_chart",
    "diffusion_chart",
    "dormant_accounts_chart",
    "embed_snippet",
    "figure_html",
    "gap_chart",
    "in_languages",
    "load_series_metadata",
    "merge_manifests",
    "read_manifest",
    "save_chart",
    "survey_by_size",
    "survey_platform_count",
    "survey_weighting",
    "write_manifest",
    "write_shared_files",
]


def in_languages(build: Callable[..., Chart], *args: object,
                 langs: Sequence[str] = ("en", "fr"), **kwargs: object) -> list[Chart]:
    """The same chart in each of `langs`: `in_languages(adoption_curves, table, "blog", ...)`."""
    return [build(*args, lang=lang, **kwargs) for lang in langs]
