"""Charts of respondent-level surveys: by size of organisation, number of platforms, and
what the survey weights change.

The bundled survey (`data/synthetic/survey_synthetic.csv`) is invented: every
chart drawn from it carries the synthetic mark (title prefix, banner, diagonal
watermark, `synthetic` in the CSV and the manifest) through `make_chart`. The
same builders serve a real survey file, which then carries no mark.

Shares and intervals come from the adoption table (`adoption.table.from_survey`)
and `adoption.stats` (`estimate_share`, `compare_sectors`): weighted shares with
the Kish effective sample size. Within a size band the population size is not
known, so no finite-population correction is applied there (intervals are, if
anything, a little wide).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedFormatter, FixedLocator

from adoption.charts.assemble import make_chart
from adoption.charts.chart import Chart
from adoption.charts.draw import (
    interval_bars,
    percent_axis,
    percent_top,
    plot_points,
    value_label,
    year_axis,
)
from adoption.charts.layout import EndLabel
from adoption.charts.style import SIZES, points, sector_colour
from adoption.findings.claims import Claim
from adoption.findings.leads import lead_claims
from adoption.findings.levels import level_claim
from adoption.metadata import series_names
from adoption.stats.compare import compare_sectors, estimate_share
from adoption.survey import PLATFORM_PREFIX, platform_columns
from adoption.table import from_survey
from adoption.text import Message, Names, Series, message, say
from adoption.text.formats import EN_DASH, percent, year_span

SECTORS = ("nonprofit", "business")
BAND_ORDER = ("small", "medium", "large")
BAND_COLUMN = "size_band"
SEPARATOR = "|"  # band|sector: a series name per band and sector, for compare_sectors


def survey_by_size(
    survey: pd.DataFrame,
    platform: str,
    year: int | None = None,
    *,
    lang: str = "en",
    confidence: float = 0.95,
    name: str | None = None,
    names: Names | None = None,
) -> Chart:
    """Weighted share using `platform` by size band and sector in one survey wave (the
    latest by default), with Wilson intervals on the Kish effective sample size. One lead
    claim per band; the title says in which bands nonprofits were clearly ahead."""
    wave = _wave(survey, year)
    year = int(wave["year"].iloc[0])
    table = _band_table(wave)
    bands = _bands(wave)
    series_name = str(wave["series"].iloc[0])
    claims = _band_claims(table, platform, bands, series_name, confidence)
    data = _by_size_data(table, platform, bands, confidence, lang)
    names = _names(survey, names)
    return make_chart(
        name=name or f"{series_name}-{platform}-by-size-{year}",
        lang=lang,
        kind="survey_by_size",
        title=_by_size_title(claims, bands, platform, year),
        subtitle=message("chart.survey.by_size_subtitle", platform=platform, year=year,
                         level=confidence),
        alt_text=[claim.text for claim in claims],
        notes=[message("chart.survey.size_note")],
        claims=claims,
        rows=_source_rows(wave),
        data=data,
        draw=lambda axes: _draw_by_size(axes, data, bands, lang),
        names=names,
    )


def survey_platform_count(
    survey: pd.DataFrame,
    year: int | None = None,
    *,
    lang: str = "en",
    name: str | None = None,
    names: Names | None = None,
) -> Chart:
    """Weighted share of organisations by how many of the surveyed platforms they use, per
    sector, in one wave (the latest by default). Organisations with an unanswered platform
    question are left out (their count is unknown), and the note says how many."""
    wave = _wave(survey, year)
    year = int(wave["year"].iloc[0])
    platforms = platform_columns(wave.columns)
    answered = wave[platforms].notna().all(axis=1)
    counts = _count_data(wave[answered], platforms, lang)
    means = _mean_counts(wave[answered], platforms)
    series_name = str(wave["series"].iloc[0])
    names_used = [c.removeprefix(PLATFORM_PREFIX) for c in platforms]
    notes = []
    if (~answered).any():
        notes.append(message("chart.survey.missing_answers_note",
                             count=int((~answered).sum())))
    claims = [level_claim(platform="any_social_media", series=series_name, year=year,
                          share=means[sector] / len(platforms),
                          text=message("chart.survey.mean_platforms", sector=sector,
                                       mean=means[sector], count=len(platforms), year=year),
                          why=message("why.level"), group=sector)
              for sector in SECTORS]
    return make_chart(
        name=name or f"{series_name}-platform-count-{year}",
        lang=lang,
        kind="survey_platform_count",
        title=message("chart.survey.count_title", nonprofit=means["nonprofit"],
                      business=means["business"], count=len(platforms), year=year),
        subtitle=message("chart.survey.count_subtitle", platforms=names_used, year=year),
        alt_text=[claim.text for claim in claims],
        notes=notes,
        claims=claims,
        rows=_source_rows(wave),
        data=counts,
        draw=lambda axes: _draw_counts(axes, counts, len(platforms), lang),
        names=_names(survey, names),
    )


def survey_weighting(
    survey: pd.DataFrame,
    platform: str,
    *,
    lang: str = "en",
    confidence: float = 0.95,
    name: str | None = None,
    names: Names | None = None,
) -> Chart:
    """Weighted (solid, with intervals) against unweighted (dashed) share using `platform`
    per sector over the waves: what the survey weights change. The title says by how much."""
    table = from_survey(survey)
    data = _weighting_data(table, platform, confidence, lang)
    years = sorted({int(y) for y in data["year"]})
    series_name = str(survey["series"].iloc[0])
    latest = data[data["year"] == years[-1]]
    claims = [level_claim(platform=platform, series=series_name, year=years[-1],
                          share=row.weighted_percent / 100, low=row.weighted_low_percent / 100,
                          high=row.weighted_high_percent / 100, group=row.sector,
                          text=message("chart.survey.weighted_level", sector=row.sector,
                                       platform=platform, year=years[-1],
                                       weighted=row.weighted_percent / 100,
                                       unweighted=row.unweighted_percent / 100),
                          why=message("why.level"))
              for row in latest.itertuples()]
    return make_chart(
        name=name or f"{series_name}-{platform}-weighting-{year_span(years).replace(EN_DASH, '-')}",
        lang=lang,
        kind="survey_weighting",
        title=_weighting_title(data, platform),
        subtitle=message("chart.survey.weighting_subtitle", platform=platform, level=confidence,
                         years=years),
        alt_text=[claim.text for claim in claims],
        notes=[message("chart.notes.intervals_kish", level=confidence)],
        claims=claims,
        rows=_source_rows(survey),
        data=data,
        draw=lambda axes: _draw_weighting(axes, data, years, lang),
        names=_names(survey, names),
    )


def _names(survey: pd.DataFrame, names: Names | None) -> Names:
    return series_names(from_survey(survey)) if names is None else names


# --- shared ---------------------------------------------------------------------------


def _wave(survey: pd.DataFrame, year: int | None) -> pd.DataFrame:
    years = sorted(int(y) for y in survey["year"].dropna().unique())
    chosen = years[-1] if year is None else int(year)
    if chosen not in years:
        waves = ", ".join(map(str, years))
        raise ValueError(f"the survey has no wave in {chosen} (it has {waves})")
    return survey[survey["year"] == chosen]


def _bands(wave: pd.DataFrame) -> list[str]:
    if BAND_COLUMN not in wave.columns:
        raise ValueError(f"the survey has no {BAND_COLUMN!r} column to group organisations by size")
    present = {str(b) for b in wave[BAND_COLUMN].dropna().unique()}
    return [b for b in BAND_ORDER if b in present] + sorted(present - set(BAND_ORDER))


def _band_table(wave: pd.DataFrame) -> pd.DataFrame:
    """The adoption table with one series per size band and sector (no FPC: see module)."""
    banded = wave[wave[BAND_COLUMN].notna()].copy()
    banded["series"] = (banded[BAND_COLUMN].astype(str) + SEPARATOR
                        + banded["sector"].astype(str))
    banded["population_size"] = pd.NA
    return from_survey(banded)


def _source_rows(survey: pd.DataFrame) -> pd.DataFrame:
    """The survey's series and years, for the source line and the synthetic mark."""
    rows = survey[["series", "year", "synthetic"]].drop_duplicates()
    return rows.assign(year=rows["year"].astype(int), certainty="computed").reset_index(
        drop=True)


# --- by size band -------------------------------------------------------------------------


def _by_size_data(table: pd.DataFrame, platform: str, bands: list[str], confidence: float,
                  lang: str) -> pd.DataFrame:
    records = []
    for band in bands:
        comparison = compare_sectors(table, platform, f"{band}{SEPARATOR}nonprofit",
                                     f"{band}{SEPARATOR}business", confidence).iloc[0]
        for sector in SECTORS:
            row = table[(table["series"].astype(str) == f"{band}{SEPARATOR}{sector}")
                        & (table["platform"].astype(str) == platform)].iloc[0]
            estimate = estimate_share(row, confidence)
            records.append({
                "size_band": band, "size_band_label": _band_label(band, lang),
                "sector": sector, "sector_label": say(f"sector.{sector}.label", lang),
                "platform": platform, "year": int(row["year"]),
                "share_percent": 100 * estimate.share, "low_percent": 100 * estimate.low,
                "high_percent": 100 * estimate.high,
                "unweighted_percent": 100 * float(row["share"]),
                "n": int(row["n"]), "n_effective": float(row["n_effective"]),
                "band_gap_points": 100 * comparison["difference"],
                "band_gap_low_points": 100 * comparison["difference_low"],
                "band_gap_high_points": 100 * comparison["difference_high"],
                "band_leader": comparison["leader"],
                "synthetic": bool(row["synthetic"]),
            })
    return pd.DataFrame.from_records(records)


def _band_claims(table: pd.DataFrame, platform: str, bands: list[str], series: str,
                 confidence: float) -> list[Claim]:
    """One lead claim per size band: nonprofits against businesses of that band."""
    claims = []
    for band in bands:
        comparison = compare_sectors(table, platform, f"{band}{SEPARATOR}nonprofit",
                                     f"{band}{SEPARATOR}business", confidence)
        for claim in lead_claims(comparison, platform, Series(series, "noun", "nonprofit"),
                                 Series(series, "noun", "business"), confidence):
            text = message("chart.survey.band_claim", band=_band(band), sentence=claim.text)
            claims.append(Claim(**{**claim.__dict__, "series": (series,), "group": band,
                                   "text": text}))
    return claims


def _by_size_title(claims: list[Claim], bands: list[str], platform: str, year: int) -> Message:
    ahead = [b for b, c in zip(bands, claims, strict=True) if c.supported and c.estimate > 0]
    behind = [b for b, c in zip(bands, claims, strict=True) if c.supported and c.estimate < 0]
    other = [b for b in bands if b not in ahead and b not in behind]
    named = {"platform": platform, "year": year}
    if len(ahead) == len(bands):
        return message("chart.survey.by_size_all_ahead", **named)
    if len(behind) == len(bands):
        return message("chart.survey.by_size_all_behind", **named)
    parts = []
    if ahead:
        parts.append(message("chart.survey.bands_ahead", bands=[_band(b) for b in ahead]))
    if behind:
        parts.append(message("chart.survey.bands_behind", bands=[_band(b) for b in behind]))
    if other:
        parts.append(message("chart.survey.bands_unclear", bands=[_band(b) for b in other]))
    return message("chart.survey.by_size_mixed", parts=parts, **named)


def _band(band: str) -> Message | str:
    return message(f"size_band.{band}") if band in BAND_ORDER else band


def _band_label(band: str, lang: str) -> str:
    return say(f"size_band.{band}", lang) if band in BAND_ORDER else band


def _draw_by_size(axes: Axes, data: pd.DataFrame, bands: list[str], lang: str) -> list[EndLabel]:
    offsets = {"nonprofit": -0.14, "business": 0.14}
    labels = []
    for sector in SECTORS:
        rows = data[data["sector"] == sector].set_index("size_band").loc[bands]
        x = [i + offsets[sector] for i in range(len(bands))]
        colour = sector_colour(sector)
        interval_bars(axes, x, rows["low_percent"], rows["high_percent"], colour)
        plot_points(axes, x, rows["share_percent"], colour, [True] * len(bands))
        for xi, share, high in zip(x, rows["share_percent"], rows["high_percent"], strict=True):
            value_label(axes, xi, high, percent(share / 100, lang, 0), colour, "above")
        labels.append(EndLabel(say(f"sector.{sector}.label", lang), x[-1],
                               float(rows["share_percent"].iloc[-1]), colour))
    axes.set_xlim(-0.5, len(bands) - 0.5)
    axes.xaxis.set_major_locator(FixedLocator(list(range(len(bands)))))
    axes.xaxis.set_major_formatter(FixedFormatter([_band_label(b, lang) for b in bands]))
    percent_axis(axes, lang, percent_top(data["high_percent"].tolist()))
    return labels


# --- number of platforms --------------------------------------------------------------


def _platform_counts(wave: pd.DataFrame, platforms: list[str]) -> pd.Series:
    return wave[platforms].astype(bool).sum(axis=1).astype(int)


def _weights(wave: pd.DataFrame) -> pd.Series:
    weights = wave["weight"] if "weight" in wave.columns else pd.Series(np.nan, wave.index)
    return weights.fillna(1.0) if weights.isna().all() else weights


def _count_data(wave: pd.DataFrame, platforms: list[str], lang: str) -> pd.DataFrame:
    counts = _platform_counts(wave, platforms)
    weights = _weights(wave)
    records = []
    for sector in SECTORS:
        in_sector = wave["sector"].astype(str) == sector
        total = weights[in_sector].sum()
        for used in range(len(platforms) + 1):
            match = in_sector & (counts == used)
            records.append({
                "sector": sector, "sector_label": say(f"sector.{sector}.label", lang),
                "year": int(wave["year"].iloc[0]), "platforms_used": used,
                "share_percent": 100 * weights[match].sum() / total,
                "organisations": int(match.sum()),
                "synthetic": bool(wave.loc[in_sector, "synthetic"].any()),
            })
    return pd.DataFrame.from_records(records)


def _mean_counts(wave: pd.DataFrame, platforms: list[str]) -> dict[str, float]:
    counts = _platform_counts(wave, platforms)
    weights = _weights(wave)
    means = {}
    for sector in SECTORS:
        in_sector = wave["sector"].astype(str) == sector
        means[sector] = float((counts[in_sector] * weights[in_sector]).sum()
                              / weights[in_sector].sum())
    return means


def _draw_counts(axes: Axes, data: pd.DataFrame, platforms: int, lang: str) -> list[EndLabel]:
    width = 0.38
    labels = []
    for sector, offset in zip(SECTORS, (-width / 2, width / 2), strict=True):
        rows = data[data["sector"] == sector].sort_values("platforms_used")
        x = rows["platforms_used"] + offset
        colour = sector_colour(sector)
        axes.bar(x, rows["share_percent"], width=width * 0.92, color=colour, zorder=2)
        for xi, share in zip(x, rows["share_percent"], strict=True):
            value_label(axes, xi, share, percent(share / 100, lang, 0), colour, "above",
                        offset_px=4)
        labels.append(EndLabel(say(f"sector.{sector}.label", lang), float(x.iloc[-1]),
                               float(rows["share_percent"].iloc[-1]), colour))
    axes.set_xlim(-0.6, platforms + 0.6)
    axes.xaxis.set_major_locator(FixedLocator(list(range(platforms + 1))))
    axes.xaxis.set_major_formatter(FixedFormatter([str(i) for i in range(platforms + 1)]))
    axes.set_xlabel(say("chart.survey.count_axis", lang), fontsize=points(SIZES.tick))
    percent_axis(axes, lang, percent_top(data["share_percent"].tolist()))
    return labels


# --- weighting ----------------------------------------------------------------------------


def _weighting_data(table: pd.DataFrame, platform: str, confidence: float,
                    lang: str) -> pd.DataFrame:
    rows = table[table["platform"].astype(str) == platform]
    if rows.empty:
        raise ValueError(f"the survey has no {platform!r} answers")
    if rows["share_weighted"].isna().all():
        raise ValueError("the survey has no weights, so weighted and unweighted shares are equal")
    records = []
    for _, row in rows.iterrows():
        estimate = estimate_share(row, confidence)
        records.append({
            "series": str(row["series"]), "sector": str(row["sector"]),
            "sector_label": say(f"sector.{row['sector']}.label", lang), "platform": platform,
            "year": int(row["year"]), "weighted_percent": 100 * estimate.share,
            "weighted_low_percent": 100 * estimate.low,
            "weighted_high_percent": 100 * estimate.high,
            "unweighted_percent": 100 * float(row["share"]), "n": int(row["n"]),
            "n_effective": float(row["n_effective"]), "synthetic": bool(row["synthetic"]),
        })
    return pd.DataFrame.from_records(records).sort_values(["sector", "year"],
                                                          ignore_index=True)


def _weighting_title(data: pd.DataFrame, platform: str) -> Message:
    change = data["weighted_percent"] - data["unweighted_percent"]
    largest = float(change.abs().max())
    if (change < 0).all():
        key = "lowers"
    elif (change > 0).all():
        key = "raises"
    else:
        key = "moves"
    return message(f"chart.survey.weighting_{key}", platform=platform, largest=largest,
                   count=round(largest, 1))


def _draw_weighting(axes: Axes, data: pd.DataFrame, years: list[int],
                    lang: str) -> list[EndLabel]:
    labels = []
    for sector in SECTORS:
        rows = data[data["sector"] == sector]
        if rows.empty:
            continue
        colour = sector_colour(sector)
        axes.plot(rows["year"], rows["unweighted_percent"], color=colour, linestyle="--",
                  linewidth=SIZES.line_width * 0.6, alpha=0.8, zorder=2)
        axes.plot(rows["year"], rows["weighted_percent"], color=colour,
                  linewidth=SIZES.line_width, zorder=3)
        interval_bars(axes, rows["year"], rows["weighted_low_percent"],
                      rows["weighted_high_percent"], colour)
        plot_points(axes, rows["year"], rows["weighted_percent"], colour, [True] * len(rows))
        last = rows.iloc[-1]
        labels.append(EndLabel(
            f"{say(f'sector.{sector}.label', lang)} "
            f"{percent(last['weighted_percent'] / 100, lang, 0)}",
            float(last["year"]), float(last["weighted_percent"]), colour,
            detail=say("chart.survey.unweighted_label", lang,
                       share=last["unweighted_percent"] / 100)))
    highs = data["weighted_high_percent"].tolist() + data["unweighted_percent"].tolist()
    percent_axis(axes, lang, percent_top(highs, headroom=4))
    year_axis(axes, years)
    return labels

