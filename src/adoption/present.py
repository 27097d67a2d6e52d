"""What the notebooks show besides charts: tables and sentences in the reader's language.

The statistics return numbers and the findings layer verdicts; readers of a report
want "65 % [56–73]" and "the lead is clear in 2008 and 2009", in English or French.
Each function here takes a result and a language and returns `HTML` a notebook
displays. Every word comes from the catalogs of `adoption.text`, every verdict from
`adoption.findings` (a table's "Ahead" column says what the lead claims say), and
every text that comes from data (a label, a study, a note) is escaped, so it reads
as the words it is and never as markup. Source addresses become links only when
they are http or https (`adoption.escaping.web_url`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from adoption.escaping import host, web_url
from adoption.findings.changes import direction_word
from adoption.findings.claims import Claim
from adoption.findings.leads import lead_claims
from adoption.findings.trends import model_details, notes, trend_finding
from adoption.metadata import label_of, series_names
from adoption.stats import ClaimCheck, Crossing
from adoption.stats.reaching import PASSED
from adoption.table import in_language
from adoption.text import Message, Names, Series, check_lang, has, message, say
from adoption.text.formats import EN_DASH, NBSP, number, p_value, percent, points, year_span

NNBSP = "\u202f"


@dataclass(frozen=True)
class Safe:
    """HTML this module built itself, inserted as is (everything else is escaped)."""

    html: str


def text_html(key: str, lang: str, names: Names | None = None, /, **values: object) -> str:
    """The message `key` in `lang` as HTML: its `**bold**` as <strong>, the rest escaped."""
    escaped = html.escape(say(key, lang, names, **values), quote=False)
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
    return HTML(f"<h{level}>{_e(title)}</h{level}>")


def comparison_heading(platform: str, nonprofit: str, business: str | Sequence[str],
                       table: pd.DataFrame, lang: str = "en", level: int = 2) -> HTML:
    """"Blogging: largest US charities, Fortune 500 and Inc. 500, 2007–2010" as a heading."""
    businesses = [business] if isinstance(business, str) else list(business)
    names = series_names(table)
    rows = table[(table["platform"] == platform) & table["series"].isin([nonprofit,
                                                                         *businesses])]
    shown = [_side(nonprofit, "nonprofit", businesses)] + [
        _side(b, "business", [nonprofit]) for b in businesses]
    title = say("page.against", check_lang(lang), names, platform=platform, series=shown,
                years=[int(y) for y in rows["year"]])
    return heading(title, level)


def survey_heading(table: pd.DataFrame, lang: str = "en") -> HTML:
    """"Inside a survey: Synthetic survey, 2007–2012" (the H1 of the survey explorer)."""
    names = series_names(table)
    series = str(table["series"].iloc[0])
    return heading(say("page.title.survey", lang, names, series=Series(series, "label"),
                       years=[int(y) for y in table["year"]]))


def practitioner_heading(lang: str = "en") -> HTML:
    return heading(say("page.title.practitioners", lang))


def activity_heading(platform: str, snapshots: pd.DataFrame, lang: str = "en") -> HTML:
    years = [int(y) for y in snapshots["snapshot_at"].dt.year.unique()]
    return heading(say("page.title.activity", lang, platform=platform, years=years))


def single_snapshot_note(lang: str = "en") -> HTML:
    """Said in place of the activity charts when no account was read twice."""
    return HTML(f"<p>{text_html('page.single_snapshot', lang)}</p>")


def say_message(key: str, **values: object) -> Message:
    """A catalog message to show among a page's findings."""
    return message(key, **values)


def sentence(words: str) -> HTML:
    """A result stated as a quotable sentence (a block quote)."""
    return HTML(f'<blockquote class="adoption-claim"><p>{_e(words)}</p></blockquote>')


KEY_FINDINGS = "adoption_key_findings"  # the headline, read back by report.findings


def key_findings(findings: Sequence[Message | str], lang: str = "en",
                 names: Names | None = None) -> HTML:
    """The box at the top of a report: the page's answer in a few sentences, each the text
    of a finding (rendered from the claims, or a chart's title, never composed here)."""
    texts = [finding if isinstance(finding, str) else finding.text(lang, names)
             for finding in findings]
    texts = [_full_stop(text) for text in texts]
    items = "".join(f"<li>{_e(text)}</li>" for text in texts)
    # The headline also rides in the display's metadata: the index reads it back for the
    # report's card (`report.findings`).
    headline = _full_stop(_first_sentence(findings[0], lang, names)) if findings else None
    return HTML(f'<aside class="adoption-key-findings" aria-labelledby="key-findings">'
                f'<h2 id="key-findings">{_e(say("page.key_findings", lang))}</h2>'
                f"<ul>{items}</ul></aside>",
                metadata={KEY_FINDINGS: [headline] if headline else []})


def _first_sentence(finding: Message | str, lang: str, names: Names | None) -> str:
    """A finding of several sentences (`key.sentences`) without its details: the card's
    headline on the index."""
    if isinstance(finding, str):
        return finding
    parts = dict(finding.values).get("parts") if finding.key == "key.sentences" else None
    return parts[0].text(lang, names) if parts else finding.text(lang, names)


def comparison_table(comparison: pd.DataFrame, lang: str = "en",
                     names: Names | None = None, platform: str = "") -> HTML:
    """The comparison table (`stats.compare_sectors`) as readers see it: each year's
    shares and gap with their intervals, and who was ahead as the lead claims say."""
    names = names or {}
    first = comparison.iloc[0]
    mixed = first["nonprofit_series"] == first["business_series"]
    nonprofit = Series(str(first["nonprofit_series"]), "short_label",
                       "nonprofit" if mixed else None)
    business = Series(str(first["business_series"]), "short_label",
                      "business" if mixed else None)
    claims = lead_claims(comparison, platform, nonprofit, business, 0.95)
    columns = [say("table.year", lang), _name(nonprofit, names, lang),
               _name(business, names, lang), say("table.gap", lang),
               say("table.p_adjusted", lang), say("table.ahead", lang),
               say("table.worst_case", lang), say("table.notes", lang)]
    rows = []
    for (_, row), claim in zip(comparison.iterrows(), claims, strict=True):
        rows.append([
            str(int(row["year"])),
            _share(row, "nonprofit", lang), _share(row, "business", lang),
            _interval(100 * row["difference"], 100 * row["difference_low"],
                      100 * row["difference_high"], lang),
            p_value(row["p_adjusted"], lang),
            _ahead(claim, nonprofit, business, names, lang),
            _worst_case(row["robust_to_nonresponse"], lang),
            "" if pd.isna(row["caveat"]) else str(row["caveat"]),
        ])
    return _table(columns, rows, numeric=(1, 2, 3, 4))


def changes_table(changes: pd.DataFrame, lang: str = "en",
                  names: Names | None = None) -> HTML:
    """Changes from one wave to the next (`stats.year_over_year`), with their verdicts."""
    names = names or {}
    mixed = {str(s) for s, sectors in changes.groupby("series")["sector"] if
             sectors.nunique() > 1}
    columns = [say("table.series", lang), say("table.waves", lang), say("table.change", lang),
               say("table.direction", lang), say("table.notes", lang)]
    rows = []
    for _, row in changes.iterrows():
        series = Series(str(row["series"]), "short_label",
                        str(row["sector"]) if str(row["series"]) in mixed else None)
        rows.append([
            _name(series, names, lang),
            f"{int(row['year_from'])}{NBSP}→ {int(row['year_to'])}",
            _change(row, lang),
            direction_word(str(row["direction"])).text(lang),
            "" if pd.isna(row["caveat"]) else str(row["caveat"]),
        ])
    return _table(columns, rows, numeric=(2,))


def trend_or_reason(table: pd.DataFrame, platform: str, nonprofit: str, business: str,
                    confidence: float = 0.95, lang: str = "en") -> HTML:
    """The gap's trend in a paragraph (the claim's sentence, then the model's own numbers
    and what was left out), or the reason the data cannot support a trend."""
    names = series_names(table)
    _, text, trend = trend_finding(table, platform, Series(nonprofit), Series(business),
                                   confidence)
    paragraphs = [text.text(lang, names)]
    if trend is not None:
        paragraphs.append(model_details(trend).text(lang, names))
        paragraphs += [note.text(lang, names) for note in notes(trend)]
    return HTML("".join(f"<p>{_e(_full_stop(p))}</p>" for p in paragraphs))


def figures_table(table: pd.DataFrame, platform: str | Sequence[str], series: Iterable[str],
                  lang: str = "en") -> HTML:
    """Every figure used, with its study and where it was read: each number traceable."""
    names = series_names(table)
    rows = _rows(in_language(table, lang), platform, series).sort_values(
        ["series", "platform", "year"])
    columns = [say("table.series", lang), say("table.platform", lang), say("table.year", lang),
               say("table.share", lang), say("table.n", lang), say("table.design", lang),
               say("table.certainty", lang), say("table.study", lang),
               say("table.read_at", lang)]
    body = [[
        label_of(names, str(row["series"]), "short_label", lang),
        say(f"platform.{row['platform']}.name", lang) if _known_platform(row["platform"])
        else str(row["platform"]),
        str(int(row["year"])),
        _published(row, lang),
        EN_DASH if pd.isna(row["n"]) else number(int(row["n"]), lang),
        say(f"design.{row['design']}", lang),
        say(f"certainty.{row['certainty']}", lang),
        "" if pd.isna(row["study"]) else str(row["study"]),
        _link(row["source_url"]),
    ] for _, row in rows.iterrows()]
    return _table(columns, body, numeric=(3, 4))


def claim(check: ClaimCheck, lang: str = "en") -> HTML:
    """The claim check (`stats.check_claim`) as a sentence readers can quote."""
    return sentence(check.sentence(lang))


def reaching_table(table: pd.DataFrame, crossings: Sequence[Crossing],
                   fits: pd.DataFrame | None = None, lang: str = "en") -> HTML:
    """When each series passed 50%, from its own figures; and what a logistic curve with
    its ceiling checked says (`stats.diffusion_table`): its 50% year only where it lies
    within the years the series covers, else why not."""
    names = series_names(table)
    columns = [say("table.series", lang), say("table.years_observed", lang),
               say("table.passed", lang), say("table.curve", lang)]
    rows = []
    for found in crossings:
        fit = None if fits is None else fits[fits["series"] == found.series].iloc[0]
        rows.append([
            label_of(names, found.series, "short_label", lang),
            year_span([found.first.year, found.last.year]),
            _passed(found, lang),
            _curve_verdict(fit, found, lang),
        ])
    return _table(columns, rows)


def diffusion_summary(diffusion: pd.DataFrame, lang: str = "en") -> HTML:
    """The logistic curves' verdicts (`stats.diffusion_table`), one row per series."""
    columns = [say("table.series", lang), say("table.years_observed", lang),
               say("table.curve", lang)]
    rows = [[str(row["series"]), f"{row['first_year']}{EN_DASH}{row['last_year']}",
             _curve_verdict(row, None, lang)] for _, row in diffusion.iterrows()]
    return _table(columns, rows)


def caveats(table: pd.DataFrame, platform: str | Sequence[str], series: Iterable[str],
            lang: str = "en") -> HTML:
    """What the data behind a comparison can and cannot say, from the data themselves."""
    names_list = list(dict.fromkeys(series))
    rows = _rows(table, platform, names_list)
    names = series_names(table)
    items = [text_html("page.caveat.synthetic", lang)] if rows["synthetic"].any() else []
    if len(names_list) > 1:
        items.append(text_html("page.caveat.population_differs", lang))
    for name in names_list:
        designs = rows.loc[rows["series"] == name, "design"].astype(str).unique()
        items.append(text_html("page.caveat.series", lang, names, series=Series(name, "label"),
                               population=Series(name, "population"),
                               designs=[message(f"page.caveat.design.{d}")
                                        for d in sorted(designs)]))
    items += _missing_n_items(rows, lang, names)
    if (rows["certainty"].astype(str) != "computed").any():  # published figures
        items.append(text_html("page.caveat.definitions_shift", lang))
    items += _note_items(rows, lang, names)
    return HTML('<ul class="adoption-caveats">'
                + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def weighting_table(table: pd.DataFrame, platform: str, lang: str = "en") -> HTML:
    """Weighted against unweighted shares of a survey's adoption table, per sector and wave."""
    rows = table[table["platform"] == platform].sort_values(["sector", "year"])
    columns = [say("table.sector", lang), say("table.year", lang),
               say("table.unweighted", lang), say("table.weighted", lang),
               say("table.answers", lang), say("table.kish", lang)]
    body = [[say(f"sector.{row['sector']}.label", lang), str(int(row["year"])),
             percent(row["share"], lang, 0), percent(row["share_weighted"], lang, 0),
             number(int(row["n"]), lang), number(row["n_effective"], lang, 0)]
            for _, row in rows.iterrows()]
    return _table(columns, body, numeric=(2, 3, 4, 5))


def activity_table(summary: pd.DataFrame, lang: str = "en") -> HTML:
    """Per sector and year (`snapshots.sector_year_summary`): each metric's median with its
    bootstrap interval, and the share of dormant accounts with its Wilson interval."""
    metrics = list(dict.fromkeys(summary["metric"]))
    columns = [say("table.year", lang), say("table.sector", lang), say("table.accounts", lang)]
    columns += [_metric_heading(metric, lang) for metric in metrics]
    body = []
    for (year, sector), group in summary.groupby(["year", "sector"], sort=True):
        by_metric = group.set_index("metric")
        row = [str(year), say(f"sector.{sector}.label", lang),
               number(int(group["n"].max()), lang)]
        row += [_estimate(by_metric.loc[metric], lang) if metric in by_metric.index else ""
                for metric in metrics]
        body.append(row)
    return _table(columns, body, numeric=tuple(range(2, len(columns))))


def differences_table(differences: pd.DataFrame, lang: str = "en") -> HTML:
    """Nonprofit against business medians per year with the difference's bootstrap interval
    and its verdict (`snapshots.median_differences`)."""
    columns = [say("table.year", lang), say("sector.nonprofit.label", lang),
               say("sector.business.label", lang), say("table.difference", lang),
               say("table.verdict", lang)]
    decimals = 2 if differences[["median_first", "median_second"]].abs().max().max() < 10 else 0
    body = []
    for _, row in differences.iterrows():
        low, high = row["low"], row["high"]
        clear = not (math.isnan(low) or low <= 0 <= high)
        verdict = ("table.higher_nonprofit" if clear and row["difference"] > 0 else
                   "table.higher_business" if clear else "table.no_clear_difference")
        body.append([str(int(row["year"])), number(row["median_first"], lang, decimals),
                     number(row["median_second"], lang, decimals),
                     _interval(row["difference"], low, high, lang, decimals),
                     say(verdict, lang)])
    return _table(columns, body, numeric=(1, 2, 3))


# --- cells ------------------------------------------------------------------------------


def _share(row: pd.Series, side: str, lang: str) -> str:
    value = percent(row[f"{side}_share"], lang)
    design = str(row[f"{side}_design"])
    low, high = row[f"{side}_low"], row[f"{side}_high"]
    if design == "census" and low == high:
        return f"{value} ({say('table.census_exact', lang)})"
    if design == "census":
        return f"{value} ({say('table.census_rounded', lang)})"
    if pd.isna(low):
        return f"{value} ({say(f'table.no_interval.{design}', lang)})"
    return (f"{value}{NBSP}[{number(100 * low, lang)}{EN_DASH}{number(100 * high, lang)}]")


def _interval(value: float, low: float, high: float, lang: str, decimals: int = 0) -> str:
    shown = points(value, lang, decimals)
    if pd.isna(low) or pd.isna(high):
        return shown
    if low == high:
        return f"{shown}{NBSP}({say('table.exact', lang)})"
    # French writes decimals with a comma, so its bounds are separated by a semicolon.
    separator = f"{NNBSP};{NBSP}" if lang == "fr" else f",{NBSP}"
    return (f"{shown}{NBSP}[{points(low, lang, decimals)}{separator}"
            f"{points(high, lang, decimals)}]")


def _change(row: pd.Series, lang: str) -> str:
    decimals = 1
    return _interval(row["change_points"], row["change_points_low"], row["change_points_high"],
                     lang, decimals)


def _ahead(claim: Claim, nonprofit: Series, business: Series, names: Names, lang: str) -> str:
    if claim.supported:
        return _name(nonprofit if claim.estimate > 0 else business, names, lang)
    if claim.supported is False:
        return say("table.unclear", lang)
    return say("table.untestable", lang) + f" ({claim.why.text(lang, names)})" if claim.why \
        else say("table.untestable", lang)


def _worst_case(robust: object, lang: str) -> str:
    if robust is None or pd.isna(robust):
        return EN_DASH
    return say("table.holds" if bool(robust) else "table.does_not_hold", lang)


def _published(row: pd.Series, lang: str) -> str:
    """The figure as published, and the count behind it where the source gives one."""
    shown = percent(row["share"], lang) if not bool(row.get("exact_count", False)) else (
        percent(row["share"], lang, 1))
    if bool(row.get("exact_count", False)) and str(row["certainty"]) != "computed":
        shown += f" ({say('table.count_of', lang, count=int(row['adopters']), n=int(row['n']))})"
    return shown


def _passed(found: Crossing, lang: str) -> str:
    values = {"share": found.share, "first": found.first.year, "last": found.last.year,
              "highest": found.highest.year, "highest_share": found.highest.share}
    if found.status == PASSED:
        key = {True: "passed", False: "passed_unclear", None: "passed_untestable"}[
            found.supported]
        return say(f"table.reach.{key}", lang, before=found.before.year,  # type: ignore
                   after=found.after.year, **values)  # type: ignore[union-attr]
    return say(f"table.reach.{found.status}", lang, **values)


def _curve_verdict(fit: pd.Series | None, found: Crossing | None, lang: str) -> str:
    """A logistic curve's 50% year, said only where it lies within the data."""
    if fit is None:
        return EN_DASH
    if not bool(fit["estimable"]):
        return say("table.curve_refused", lang, reason=str(fit["reason"]))
    year = float(fit["midpoint_year"])
    first, last = int(fit["first_year"]), int(fit["last_year"])
    if first <= year <= last:
        return say("table.curve_within", lang, year=year, low=float(fit["midpoint_low"]),
                   high=float(fit["midpoint_high"]))
    last_share = found.last.share if found is not None else math.nan
    return say("table.curve_beyond", lang, year=year, last=last, last_share=last_share)


def _metric_heading(metric: str, lang: str) -> str:
    if metric == "dormant":
        return say("table.dormant_share", lang)
    # The metric named as on its chart, so table and chart read alike.
    return say("table.median_of", lang, metric=message(f"chart.accounts.metric.{metric}"))


def _estimate(estimate: pd.Series, lang: str) -> str:
    if estimate["statistic"] == "share":
        value, low, high = (percent(estimate[k], lang, 0) for k in ("value", "low", "high"))
    else:
        value, low, high = (_number_2(estimate[k], lang) for k in ("value", "low", "high"))
    return f"{value}{NBSP}[{low}{EN_DASH}{high}]"


def _number_2(value: float, lang: str) -> str:
    """Two significant decimals below 10, whole numbers above."""
    return number(value, lang, 2 if abs(value) < 10 else 0)


def _name(series: Series, names: Names, lang: str) -> str:
    return label_of(names, series.id, series.form, lang, series.sector)  # type: ignore


def _side(series: str, role: str, others: Sequence[str]) -> Series:
    return Series(series, "short_label", role if series in others else None)


def _known_platform(platform: object) -> bool:
    return has(f"platform.{platform}.name", "en")


# --- lists ---------------------------------------------------------------------------------


def _missing_n_items(rows: pd.DataFrame, lang: str, names: Names) -> list[str]:
    missing = rows[rows["n"].isna() & (rows["design"].astype(str) == "survey")]
    return [text_html("page.caveat.missing_n", lang, names, series=Series(name, "short_label"),
                      years=[int(y) for y in group["year"]])
            for name, group in missing.groupby(missing["series"].astype(str), sort=True)]


def _note_items(rows: pd.DataFrame, lang: str, names: Names) -> list[str]:
    """Each source note once, in the reader's language where a translation exists."""
    items = []
    column = "note_fr" if lang == "fr" and "note_fr" in rows.columns else "note"
    noted = rows[rows[column].notna()]
    for (name, note), group in noted.groupby([noted["series"].astype(str), column], sort=True):
        items.append(text_html("page.caveat.source_note", lang, names,
                               series=Series(name, "short_label"),
                               years=[int(y) for y in group["year"]], note=str(note)))
    return items


# --- formatting pieces ---------------------------------------------------------------------


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]],
           numeric: Sequence[int] = ()) -> HTML:
    """A table whose every cell is escaped text, except the links this module built; the
    columns in `numeric` are set right-aligned with tabular figures (`class="num"`).
    Each cell carries its column's heading (`data-label`): on a phone, where the
    stylesheet sets each row as a block, the heading is written before the value."""
    def cell(tag: str, value: object, position: int) -> str:
        kind = ' class="num"' if position in numeric else ""
        label = ' scope="col"' if tag == "th" else \
            f' data-label="{html.escape(str(columns[position]), quote=True)}"'
        return f"<{tag}{kind}{label}>{_escaped(value)}</{tag}>"

    head = "".join(cell("th", column, i) for i, column in enumerate(columns))
    body = "".join("<tr>" + "".join(cell("td", value, i) for i, value in enumerate(row))
                   + "</tr>" for row in rows)
    return HTML(f'<div class="adoption-table-wrap"><table class="adoption-table">'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _escaped(value: object) -> str:
    return value.html if isinstance(value, Safe) else _e(value)


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


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith(".") else text + "."


__all__ = [
    "activity_table", "between_years", "caveats", "changes_table", "claim",
    "comparison_heading", "comparison_table", "differences_table", "diffusion_summary",
    "figures_table", "heading", "key_findings", "reaching_table", "sentence",
    "text_html", "trend_or_reason", "weighting_table",
]
