"""The adoption table's codebook, as data: each column's type, unit and meaning.

One source for the Data Package a build publishes (`reports/data/datapackage.json`,
a Frictionless Table Schema) and for readers of `adoption.table`. Types are Table
Schema types; `bareNumber` is false nowhere because every number is written plain.
"""

from __future__ import annotations

# Decimals the published CSV keeps for fractions and sample sizes that are not whole.
FRACTION_DECIMALS = 4

FIELDS: list[dict[str, object]] = [
    {"name": "series", "type": "string",
     "description": "The study series or survey the figure belongs to (an id; its labels, "
                    "publisher and population are in data/published/series.toml)."},
    {"name": "sector", "type": "string", "constraints": {"enum": [
        "nonprofit", "business", "higher_education"]},
     "description": "The population's sector."},
    {"name": "year", "type": "year", "description": "The year the figure describes."},
    {"name": "platform", "type": "string",
     "description": "The platform: blog, twitter, facebook, youtube, linkedin, ... or a "
                    "combination such as all_4_platforms."},
    {"name": "adopters", "type": "integer",
     "description": "Organisations using the platform: the source's count where it gives "
                    "one (exact_count true), else the published share times n, rounded."},
    {"name": "exact_count", "type": "boolean",
     "description": "True where adopters is a real count (the source's, or survey answers)."},
    {"name": "n", "type": "integer",
     "description": "Organisations measured; empty where the source does not say."},
    {"name": "share", "type": "number", "unit": "fraction of n (0 to 1)",
     "description": "adopters / n where the count is exact, else the published share; "
                    f"rounded to {FRACTION_DECIMALS} decimals."},
    {"name": "percent_decimals", "type": "integer",
     "description": "Decimals the source printed its percentage with (0 for 65%): the "
                    "rounding a census figure carries. Empty for surveys."},
    {"name": "share_weighted", "type": "number", "unit": "fraction (0 to 1)",
     "description": "Survey-weighted share; empty without weights."},
    {"name": "n_effective", "type": "number",
     "description": "Kish effective sample size of weighted answers, (sum w)^2 / sum w^2; "
                    "empty without weights."},
    {"name": "population_size", "type": "integer",
     "description": "Size of the population the organisations were measured from; empty "
                    "where unknown."},
    {"name": "design", "type": "string", "constraints": {"enum": [
        "census", "survey", "self_selected"]},
     "description": "census: every member checked (no sampling error); survey: a sample; "
                    "self_selected: respondents who chose to answer (no population)."},
    {"name": "certainty", "type": "string", "constraints": {"enum": [
        "verified", "as_cited", "derived", "uncertain", "computed"]},
     "description": "verified: read in the source; as_cited: cited by a later report "
                    "without its method; derived: computed from published figures; "
                    "uncertain: approximate; computed: from survey answers."},
    {"name": "publisher", "type": "string", "description": "Who published the figure."},
    {"name": "study", "type": "string", "description": "The study or report it comes from."},
    {"name": "source_url", "type": "string", "format": "uri",
     "description": "Where the figure was read."},
    {"name": "note", "type": "string",
     "description": "What a reader must know about the figure, including corrections "
                    "(data/published/adoption.corrections.csv)."},
    {"name": "note_fr", "type": "string", "description": "The note in French."},
    {"name": "study_fr", "type": "string",
     "description": "The study's name in French, where the data give one."},
    {"name": "synthetic", "type": "boolean",
     "description": "True for invented, illustrative data (never real organisations)."},
]
