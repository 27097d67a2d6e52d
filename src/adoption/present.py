"""What the notebooks show besides charts: tables and sentences in the reader's language.

The statistics return numbers (`adoption.stats`); readers of a report want
"65 % [56–73]" and "the lead is clear in 2008 and 2009", in English or French.
Each function here takes a result and a language and returns `HTML` a
notebook displays. Every text that comes from data (a label, a study, a note)
is escaped, so it reads as the words it is and never as markup; our own
phrases may carry `**bold**`, which becomes `<strong>`. Source addresses become
links only when they are http or https (`adoption.escaping.web_url`). Numbers
are formatted by `adoption.charts.i18n` and series named by
`data/published/series.toml`, exactly as on the charts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from adoption.charts import i18n
from adoption.charts.metadata import certainty_notes, load_series_metadata, series_info
from adoption.escaping import host, web_url
from adoption.stats import ClaimCheck, GapTrend, NotEstimable, gap_trend
from adoption.stats.wording import render

# No-break spaces keep an estimate and its interval on one line in a narrow table column.
NBSP, NNBSP = "\u00a0", "\u202f"

TEXT: dict[str, dict[str, str]] = {
    "year": {"en": "Year", "fr": "Année"},
    "difference": {"en": "Gap (points)", "fr": "Écart (points)"},
    "p_adjusted": {"en": "p (Holm)", "fr": "p (Holm)"},
    "leader": {"en": "Ahead", "fr": "En tête"},
    "notes": {"en": "Notes", "fr": "Remarques"},
    "series": {"en": "Series", "fr": "Série"},
    "sector": {"en": "Sector", "fr": "Secteur"},
    "waves": {"en": "Waves", "fr": "Vagues"},
    "change": {"en": "Change (points)", "fr": "Variation (points)"},
    "direction": {"en": "Direction", "fr": "Sens"},
    "years_observed": {"en": "Years with data", "fr": "Années avec données"},
    "midpoint": {"en": "Year 50% was reached", "fr": "Année des 50 %"},
    "census": {"en": "census", "fr": "recensement"},
    "exact": {"en": "exact: censuses", "fr": "exact\u202f: recensements"},
    "no_n": {"en": "n not published", "fr": "n non publié"},
    "unclear": {"en": "unclear", "fr": "incertain"},
    "unknown": {"en": "unknown (n not published)", "fr": "inconnu (n non publié)"},
    "rose": {"en": "rose", "fr": "hausse"},
    "fell": {"en": "fell", "fr": "baisse"},
    "unchanged": {"en": "unchanged", "fr": "inchangé"},
    "not_estimable": {"en": "not estimable: {reason}", "fr": "non estimable : {reason}"},
    "widened": {"en": "widened", "fr": "s’est creusé"},
    "narrowed": {"en": "narrowed", "fr": "s’est resserré"},
    "no clear change": {"en": "did not clearly change", "fr": "n’a pas nettement changé"},
    "trend": {
        "en": "Over {span}, the gap between {nonprofit} and {business} on {platform} "
              "**{verdict}**: {slope} percentage points a year on average ({level} interval "
              "{low} to {high}). On the model's log-odds scale the sector × year interaction "
              "is {interaction} ({low_lo} to {high_lo}, p = {p}).",
        "fr": "{span}, l’écart entre {nonprofit} et {business} sur {platform} "
              "**{verdict}** : {slope} point(s) de pourcentage par an en moyenne (intervalle à "
              "{level} : {low} à {high}). Sur l’échelle logit du modèle, l’interaction "
              "secteur × année vaut {interaction} ({low_lo} à {high_lo}, p = {p}).",
    },
    "left_out": {"en": "Left out of the model: {items}.", "fr": "Exclus du modèle : {items}."},
    "population_differs": {
        "en": "**Populations differ.** Each series describes its own population (below); "
              "a comparison of these series compares these populations, not nonprofits and "
              "businesses at large.",
        "fr": "**Les populations diffèrent.** Chaque série décrit sa propre population "
              "(ci-dessous)\u202f; comparer ces séries, c’est comparer ces populations, pas "
              "l’ensemble des organismes et des entreprises.",
    },
    "definitions_shift": {
        "en": "**Definitions shift.** What counts as using a platform changes between studies "
              "and years (a Fortune 500 \"Twitter account\" in 2009 meant one with a post in "
              "the last 30 days).",
        "fr": "**Les définitions évoluent.** Ce qui compte comme utiliser une plateforme varie "
              "selon les études et les années (en 2009, un «\u202fcompte Twitter\u202f» du "
              "Fortune 500 devait avoir publié dans les 30 derniers jours).",
    },
    "design_census": {
        "en": "a census (every member checked): no sampling error about this population",
        "fr": "un recensement (chaque membre vérifié)\u202f: aucune erreur d’échantillonnage "
              "sur cette population",
    },
    "design_survey": {
        "en": "a sample: intervals show sampling error (finite-population corrected where the "
              "population size is known)",
        "fr": "un échantillon\u202f: les intervalles montrent l’erreur d’échantillonnage "
              "(corrigée pour population finie quand sa taille est connue)",
    },
    "design_self_selected": {
        "en": "self-selected respondents: no population to generalise to, no margin of error",
        "fr": "des répondants volontaires\u202f: aucune population à laquelle généraliser, "
              "aucune marge d’erreur",
    },
    "missing_n": {
        "en": "**Sample size not published** for {label} in {years}: no interval can be drawn, "
              "and a lead in those years is reported as unknown, not as supported.",
        "fr": "**Taille d’échantillon non publiée** pour {label} en {years}\u202f: aucun "
              "intervalle possible, et une avance ces années-là est déclarée inconnue, non "
              "confirmée.",
    },
    "source_note": {"en": "Source note on {label}, {year}: {note}",
                    "fr": "Remarque de source sur {label}, {year} (en anglais)\u202f: {note}"},
    "synthetic": {
        "en": "**SYNTHETIC DATA.** These figures are invented to illustrate the method; "
              "they describe no real organisation.",
        "fr": "**DONNÉES SYNTHÉTIQUES.** Ces chiffres sont inventés pour illustrer la "
              "méthode\u202f; ils ne décrivent aucun organisme réel.",
    },
    "weighted": {"en": "Weighted", "fr": "Pondérée"},
    "unweighted": {"en": "Unweighted", "fr": "Non pondérée"},
    "n_answers": {"en": "Answers", "fr": "Réponses"},
    "kish": {"en": "Effective n (Kish)", "fr": "n effectif (Kish)"},
    "platform": {"en": "Platform", "fr": "Plateforme"},
    "accounts": {"en": "Accounts", "fr": "Comptes"},
    "median_of": {"en": "Median {metric}", "fr": "Médiane ({metric})"},
    "dormant_share": {"en": "Dormant accounts", "fr": "Comptes inactifs"},
    "mann_whitney": {"en": "p (Mann-Whitney, Holm)", "fr": "p (Mann-Whitney, Holm)"},
    "against": {"en": "{platform}: {names}, {span}",
                "fr": "{platform}\u202f: {names}, {span}"},
    "census_design": {"en": "census", "fr": "recensement"},
    "survey_design": {"en": "survey", "fr": "enquête"},
    "self_selected_design": {"en": "self-selected", "fr": "volontaires"},
    "verified": {"en": "verified", "fr": "vérifié"},
    "as_cited": {"en": "as cited", "fr": "cité"},
    "derived": {"en": "computed", "fr": "calculé"},
    "uncertain": {"en": "approximate", "fr": "approximatif"},
    "computed": {"en": "from answers", "fr": "d’après les réponses"},
    "percent": {"en": "Share", "fr": "Part"},
    "n": {"en": "n", "fr": "n"},
    "design": {"en": "Design", "fr": "Méthode"},
    "certainty": {"en": "Certainty", "fr": "Fiabilité"},
    "study": {"en": "Study", "fr": "Étude"},
    "read_at": {"en": "Read at", "fr": "Lu sur"},
    "trend_refused": {
        "en": "No trend can be fitted for {business}: {reason}.",
        "fr": "Aucune tendance ne peut être ajustée pour {business}\u202f: {reason}.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The phrase `key` in `lang`, as plain text (values filled in as given)."""
    return TEXT[key][i18n.check_lang(lang)].format(**values)


def text_html(key: str, lang: str, **values: object) -> str:
    """The phrase `key` in `lang` as HTML: its `**bold**` as <strong>, every value escaped
    (values that are already HTML are passed as `Safe`)."""
    template = _bold(html.escape(TEXT[key][i18n.check_lang(lang)], quote=False))
    return template.format(**{name: _escaped(value) for name, value in values.items()})


@dataclass(frozen=True)
class Safe:
    """HTML this module built itself, inserted as is (everything else is escaped)."""

    html: str


def _escaped(value: object) -> str:
    return value.html if isinstance(value, Safe) else html.escape(str(value), quote=False)


def _bold(escaped: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)


def between_years(table: pd.DataFrame, years: Sequence[int] | None,
                  column: str = "year") -> pd.DataFrame:
    """The rows from the first to the last of `years`, inclusive (all rows for None).

    `column` holds years, or dates (e.g. a snapshot table's `snapshot_at`)."""
    if not years:
        return table
    values = table[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.year
    return table[values.between(min(years), max(years))].reset_index(drop=True)


def heading(title: str, level: int = 1) -> HTML:
    return HTML(f"<h{level}>{html.escape(title, quote=False)}</h{level}>")


def comparison_heading(platform: str, nonprofit: str, business: str | Sequence[str],
                       table: pd.DataFrame, lang: str = "en", level: int = 2) -> HTML:
    """"Largest US charities against Fortune 500, blogging, 2007–2010" as a heading."""
    businesses = [business] if isinstance(business, str) else list(business)
    names = [nonprofit, *businesses]
    rows = table[(table["platform"] == platform) & table["series"].isin(names)]
    title = text("against", lang, platform=i18n.capitalise(i18n.platform_in_sentence(
                     platform, lang).removeprefix("les ")),
                 names=i18n.join([_short(name, lang) for name in names], lang),
                 span=i18n.year_span(rows["year"].astype(int)))
    return heading(title, level)


def sentence(words: str) -> HTML:
    """A result stated as a quotable sentence (a block quote)."""
    return HTML(f'<blockquote class="adoption-claim"><p>{html.escape(words, quote=False)}'
                "</p></blockquote>")


def comparison_table(comparison: pd.DataFrame, lang: str = "en") -> HTML:
    """The comparison table (`stats.compare_sectors`) as readers see it."""
    first = comparison.iloc[0]
    nonprofit = _short(first["nonprofit_series"], lang)
    business = _short(first["business_series"], lang)
    shown = pd.DataFrame({
        text("year", lang): comparison["year"].astype(str),
        nonprofit: [_share(r, "nonprofit", lang) for _, r in comparison.iterrows()],
        business: [_share(r, "business", lang) for _, r in comparison.iterrows()],
        text("difference", lang): [_gap(r, lang) for _, r in comparison.iterrows()],
        text("p_adjusted", lang): [_p(v, lang) for v in comparison["p_adjusted"]],
        text("leader", lang): [_leader(r, nonprofit, business, lang)
                               for _, r in comparison.iterrows()],
        text("notes", lang): comparison["caveat"].fillna(""),
    })
    return _html(shown)


def changes_table(changes: pd.DataFrame, lang: str = "en") -> HTML:
    """Changes from one wave to the next (`stats.year_over_year`)."""
    shown = pd.DataFrame({
        text("series", lang): [_short(s, lang) for s in changes["series"]],
        text("sector", lang): [i18n.sector_label(s, lang) for s in changes["sector"]],
        text("waves", lang): [f"{a} → {b}" for a, b in zip(changes["year_from"],
                                                           changes["year_to"], strict=True)],
        text("change", lang): [_points_with_interval(r["change_points"],
                                                     r["change_points_low"],
                                                     r["change_points_high"], lang)
                               for _, r in changes.iterrows()],
        text("direction", lang): [_word(d, lang) for d in changes["direction"]],
        text("notes", lang): changes["caveat"].fillna(""),
    })
    return _html(shown)


def trend_summary(trend: GapTrend, lang: str = "en") -> HTML:
    """The gap's trend (`stats.gap_trend`) in a paragraph, with what was left out and why."""
    paragraph = text_html(
        "trend", lang,
        span=(i18n.capitalise(i18n.from_to(trend.years, lang)) if lang == "fr"
              else i18n.year_span(trend.years)),
        nonprofit=_nouns(trend.nonprofit, lang), business=_nouns(trend.business, lang),
        platform=i18n.platform_in_sentence(trend.platform, lang),
        verdict=text(trend.verdict, lang),
        slope=i18n.signed_points(trend.gap_points_per_year, lang, 1),
        level=i18n.confidence_level(trend.confidence, lang),
        low=i18n.signed_points(trend.gap_points_per_year_low, lang, 1),
        high=i18n.signed_points(trend.gap_points_per_year_high, lang, 1),
        interaction=i18n.number(trend.interaction, lang, 3),
        low_lo=i18n.number(trend.interaction_low, lang, 3),
        high_lo=i18n.number(trend.interaction_high, lang, 3),
        p=_p(trend.interaction_p_value, lang))
    extra = [render(trend.notes, lang)] if trend.notes else []
    # Years outside the common span are implied by the span itself; name the others.
    dropped = [m for m in trend.dropped if m.key != "outside_common_years"]
    if dropped:
        extra.append(text("left_out", lang, items=render(dropped, lang)))
    rest = [html.escape(_sentence_case(e), quote=False) for e in extra if e]
    return HTML("".join(f"<p>{part}</p>" for part in [paragraph, *rest]))


def trend_or_reason(table: pd.DataFrame, platform: str, nonprofit: str, business: str,
                    confidence: float = 0.95, lang: str = "en") -> HTML:
    """The trend summary, or in its place the reason the data cannot support a trend."""
    try:
        trend = gap_trend(table, platform, nonprofit, business, confidence)
    except NotEstimable as refusal:
        return HTML("<p>" + text_html("trend_refused", lang, business=_short(business, lang),
                                      reason=refusal.message.text(lang)) + "</p>")
    return trend_summary(trend, lang)


def figures_table(table: pd.DataFrame, platform: str | Sequence[str], series: Iterable[str],
                  lang: str = "en") -> HTML:
    """Every figure used, with its study and where it was read: each number traceable."""
    rows = _rows(table, platform, series).sort_values(["series", "platform", "year"])
    shown = pd.DataFrame({
        text("series", lang): [_short(s, lang) for s in rows["series"]],
        text("platform", lang): [i18n.platform_name(p, lang) for p in rows["platform"]],
        text("year", lang): rows["year"].astype(str),
        text("percent", lang): [i18n.percent(v, lang) for v in rows["share"]],
        text("n", lang): [("–" if pd.isna(v) else str(v)) for v in rows["n"]],
        text("design", lang): [text(f"{d}_design", lang) for d in rows["design"].astype(str)],
        text("certainty", lang): [_word(c, lang) for c in rows["certainty"].astype(str)],
        text("study", lang): rows["study"].fillna(""),
        text("read_at", lang): [_link(url) for url in rows["source_url"]],
    })
    return _html(shown)


def claim(check: ClaimCheck, lang: str = "en") -> HTML:
    """The claim check (`stats.check_claim`) as a sentence readers can quote."""
    names = {series: _short(series, lang) for series in (check.nonprofit, check.business)}
    return sentence(check.sentence(lang, names))


def diffusion_summary(diffusion: pd.DataFrame, lang: str = "en") -> HTML:
    """The year each series reached 50 % (`stats.diffusion_table`), or why it cannot be said."""
    rows = []
    for _, row in diffusion.iterrows():
        if row["estimable"]:
            value = (f"{row['midpoint_year']:.1f} [{row['midpoint_low']:.1f}–"
                     f"{row['midpoint_high']:.1f}]")
            value = value.replace(".", ",") if lang == "fr" else value
        else:
            value = text("not_estimable", lang, reason=row["reason"])
        rows.append({
            text("series", lang): _short(row["series"], lang),
            text("years_observed", lang): f"{row['first_year']}–{row['last_year']}",
            text("midpoint", lang): value,
        })
    return _html(pd.DataFrame(rows))


def caveats(table: pd.DataFrame, platform: str | Sequence[str], series: Iterable[str],
            lang: str = "en") -> HTML:
    """What the data behind a comparison can and cannot say, from the data themselves."""
    names = list(dict.fromkeys(series))
    rows = _rows(table, platform, names)
    catalog = load_series_metadata()
    items = [text_html("synthetic", lang)] if rows["synthetic"].any() else []
    if len(names) > 1:
        items.append(text_html("population_differs", lang))
    for name in names:
        info = series_info(name, catalog)
        designs = rows.loc[rows["series"] == name, "design"].astype(str).unique()
        described = i18n.semicolon(lang).join(text(f"design_{d}", lang) for d in sorted(designs))
        items.append(f"<strong>{_e(info.label[lang])}</strong>{i18n.colon(lang)}"
                     f"{_e(info.population[lang])}{i18n.semicolon(lang)}{_e(described)}.")
    items += _missing_n_items(rows, lang, catalog)
    items += [_e(i18n.capitalise(note) + ".") for note in certainty_notes(rows, lang, catalog)]
    if (rows["certainty"].astype(str) != "computed").any():  # published figures
        items.append(text_html("definitions_shift", lang))
    noted = rows[rows["note"].notna()]
    for (name, note), group in noted.groupby([noted["series"].astype(str), "note"], sort=True):
        items.append(text_html("source_note", lang, label=series_info(name, catalog)
                               .short_label[lang],
                               year=i18n.year_list(group["year"].unique(), lang), note=note))
    return HTML('<ul class="adoption-caveats">'
                + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def weighting_table(table: pd.DataFrame, platform: str, lang: str = "en") -> HTML:
    """Weighted against unweighted shares of a survey's adoption table, per sector and wave."""
    rows = table[table["platform"] == platform].sort_values(["sector", "year"])
    shown = pd.DataFrame({
        text("sector", lang): [i18n.sector_label(s, lang) for s in rows["sector"]],
        text("year", lang): rows["year"].astype(str),
        text("unweighted", lang): [i18n.percent(v, lang, 0) for v in rows["share"]],
        text("weighted", lang): [i18n.percent(v, lang, 0) for v in rows["share_weighted"]],
        text("n_answers", lang): rows["n"].astype(str),
        text("kish", lang): [i18n.number(v, lang, 0) for v in rows["n_effective"]],
    })
    return _html(shown)


def activity_table(summary: pd.DataFrame, lang: str = "en") -> HTML:
    """Per sector and year (`snapshots.sector_year_summary`): each metric's median with its
    bootstrap interval, and the share of dormant accounts with its Wilson interval."""
    rows = []
    for (year, sector), group in summary.groupby(["year", "sector"], sort=True):
        row = {text("year", lang): str(year),
               text("sector", lang): i18n.sector_label(sector, lang),
               text("accounts", lang): str(int(group["n"].max()))}
        for _, estimate in group.iterrows():
            row[_metric_heading(estimate["metric"], lang)] = _estimate(estimate, lang)
        rows.append(row)
    return _html(pd.DataFrame(rows))


def activity_tests_table(comparison: pd.DataFrame, lang: str = "en") -> HTML:
    """Nonprofit against business medians per year, Mann-Whitney U with Holm's adjustment
    (`snapshots.compare_activity`)."""
    shown = pd.DataFrame({
        text("year", lang): comparison["year"].astype(str),
        i18n.sector_label("nonprofit", lang): [_number_2(v, lang)
                                               for v in comparison["median_first"]],
        i18n.sector_label("business", lang): [_number_2(v, lang)
                                              for v in comparison["median_second"]],
        text("mann_whitney", lang): [_p(v, lang) for v in comparison["p_adjusted"]],
    })
    return _html(shown)


def _metric_heading(metric: str, lang: str) -> str:
    if metric == "dormant":
        return text("dormant_share", lang)
    # The metric named as on its chart, so table and chart read alike.
    return text("median_of", lang, metric=i18n.words(f"accounts_metric_{metric}", lang))


def _estimate(estimate: pd.Series, lang: str) -> str:
    if estimate["statistic"] == "share":
        value, low, high = (i18n.percent(estimate[k], lang, 0) for k in ("value", "low", "high"))
    else:
        value, low, high = (_number_2(estimate[k], lang) for k in ("value", "low", "high"))
    return f"{value}{NBSP}[{low}–{high}]"


def _number_2(value: float, lang: str) -> str:
    """Two significant decimals below 10, whole numbers above."""
    return i18n.number(value, lang, 2 if abs(value) < 10 else 0)


# --- formatting pieces ---

def _html(frame: pd.DataFrame) -> HTML:
    """A table whose every cell is escaped text, except the links this module built."""
    head = "".join(f"<th>{_e(column)}</th>" for column in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_escaped(value)}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None))
    return HTML(f'<table class="adoption-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _rows(table: pd.DataFrame, platform: str | Sequence[str],
          series: Iterable[str]) -> pd.DataFrame:
    """The rows of these series on this platform (or these platforms)."""
    platforms = [platform] if isinstance(platform, str) else list(platform)
    return table[table["platform"].isin(platforms) & table["series"].isin(list(series))]


def _link(url: object) -> Safe | str:
    """A source address as a link readers can follow (a link, not a request the page
    makes); an address that is not http or https is shown as text, never linked."""
    address = web_url(url)
    if address is None:
        return "" if url is None or pd.isna(url) else str(url)
    return Safe(f'<a href="{html.escape(address, quote=True)}" rel="noopener noreferrer">'
                f"{html.escape(host(address))}</a>")


def _short(series: str, lang: str) -> str:
    return series_info(series).short_label[lang]


def _nouns(names: Sequence[str], lang: str) -> str:
    return i18n.join([series_info(name).noun[lang] for name in names], lang)


def _share(row: pd.Series, side: str, lang: str) -> str:
    value = i18n.percent(row[f"{side}_share"], lang)
    if row[f"{side}_design"] == "census":
        return f"{value} ({text('census', lang)})"
    low, high = row[f"{side}_low"], row[f"{side}_high"]
    if pd.isna(low):
        return f"{value} ({text('no_n', lang)})"
    return f"{value}{NBSP}[{_number(100 * low, lang)}–{_number(100 * high, lang)}]"


def _gap(row: pd.Series, lang: str) -> str:
    return _points_with_interval(100 * row["difference"], 100 * row["difference_low"],
                                 100 * row["difference_high"], lang)


def _points_with_interval(points: float, low: float, high: float, lang: str) -> str:
    shown = i18n.signed_points(points, lang)
    if pd.isna(low) or pd.isna(high):
        return shown
    if low == high:  # two censuses: the change is exact
        return f"{shown}{NBSP}({text('exact', lang)})"
    # French writes decimals with a comma, so its bounds are separated by a semicolon.
    separator = f"{NNBSP};{NBSP}" if lang == "fr" else f",{NBSP}"
    return (f"{shown}{NBSP}[{i18n.signed_points(low, lang)}{separator}"
            f"{i18n.signed_points(high, lang)}]")


def _number(value: float, lang: str) -> str:
    return i18n.number(value, lang, 0)


def _p(value: float, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if value < 0.001:
        return "< 0,001" if lang == "fr" else "< 0.001"
    shown = f"{value:.3f}"
    return shown.replace(".", ",") if lang == "fr" else shown


def _leader(row: pd.Series, nonprofit: str, business: str, lang: str) -> str:
    leader = row["leader"]
    if leader == "nonprofit":
        return nonprofit
    if leader == "business":
        return business
    return text(leader, lang)


def _word(key: str, lang: str) -> str:
    return text(key, lang) if key in TEXT else key


def _missing_n_items(rows: pd.DataFrame, lang: str, catalog) -> list[str]:
    missing = rows[rows["n"].isna() & (rows["design"].astype(str) != "census")]
    items = []
    for name, group in missing.groupby(missing["series"].astype(str), sort=True):
        items.append(text_html("missing_n", lang,
                               label=series_info(name, catalog).short_label[lang],
                               years=i18n.year_list(group["year"].astype(int), lang)))
    return items


def _sentence_case(words: str) -> str:
    words = words.strip()
    if not words:
        return words
    return i18n.capitalise(words) + ("" if words.endswith(".") else ".")


__all__ = [
    "activity_table", "activity_tests_table", "between_years", "caveats", "changes_table",
    "claim", "comparison_heading", "comparison_table", "diffusion_summary", "figures_table",
    "heading", "sentence", "text_html", "trend_or_reason", "trend_summary", "weighting_table",
]
