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

from collections.abc import Mapping

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
from adoption.charts.i18n import (
    confidence_level,
    number,
    percent,
    platform_in_sentence,
    platform_noun,
    sector_label,
    size_band_label,
    words,
    year_span,
)
from adoption.charts.layout import EndLabel
from adoption.charts.metadata import SeriesInfo, load_series_metadata
from adoption.charts.style import SIZES, points, sector_colour
from adoption.stats.compare import compare_sectors, estimate_share
from adoption.survey import PLATFORM_PREFIX, platform_columns
from adoption.table import from_survey

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
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """Weighted share using `platform` by size band and sector in one survey wave (the
    latest by default), with Wilson intervals on the Kish effective sample size. The
    title says in how many bands nonprofits were clearly ahead (`compare_sectors`)."""
    catalog = load_series_metadata() if catalog is None else catalog
    wave = _wave(survey, year)
    year = int(wave["year"].iloc[0])
    table = _band_table(wave)
    bands = _bands(wave)
    data = _by_size_data(table, platform, bands, confidence, lang)
    series_name = str(wave["series"].iloc[0])
    title = _by_size_title(data, bands, platform, year, lang)
    return make_chart(
        name=name or f"{series_name}-{platform}-by-size-{year}",
        lang=lang,
        kind="survey_by_size",
        title=title,
        subtitle=words("survey_subtitle_size", lang, platform=platform_noun(platform, lang),
                       year=year, level=confidence_level(confidence, lang)) + ".",
        alt_text=f"{title}. {_by_size_sentence(data, bands, lang)}",
        notes=[words("size_note", lang)],
        rows=_source_rows(wave),
        data=data,
        draw=lambda axes: _draw_by_size(axes, data, bands, lang),
        catalog=catalog,
    )


def survey_platform_count(
    survey: pd.DataFrame,
    year: int | None = None,
    *,
    lang: str = "en",
    name: str | None = None,
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """Weighted share of organisations by how many of the surveyed platforms they use, per
    sector, in one wave (the latest by default). Organisations with an unanswered platform
    question are left out (their count is unknown), and the note says how many."""
    catalog = load_series_metadata() if catalog is None else catalog
    wave = _wave(survey, year)
    year = int(wave["year"].iloc[0])
    platforms = platform_columns(wave.columns)
    answered = wave[platforms].notna().all(axis=1)
    counts = _count_data(wave[answered], platforms, lang)
    means = _mean_counts(wave[answered], platforms)
    names = [platform_noun(c.removeprefix(PLATFORM_PREFIX), lang) for c in platforms]
    series_name = str(wave["series"].iloc[0])
    title = _count_title(means, len(platforms), year, lang)
    notes = []
    if (~answered).any():
        notes.append(words("missing_answers_note", lang, count=number(int((~answered).sum()),
                                                                        lang)))
    return make_chart(
        name=name or f"{series_name}-platform-count-{year}",
        lang=lang,
        kind="survey_platform_count",
        title=title,
        subtitle=words("survey_subtitle_count", lang, platforms=", ".join(names), year=year)
        + ".",
        alt_text=f"{title}.",
        notes=notes,
        rows=_source_rows(wave),
        data=counts,
        draw=lambda axes: _draw_counts(axes, counts, len(platforms), lang),
        catalog=catalog,
    )


def survey_weighting(
    survey: pd.DataFrame,
    platform: str,
    *,
    lang: str = "en",
    confidence: float = 0.95,
    name: str | None = None,
    catalog: Mapping[str, SeriesInfo] | None = None,
) -> Chart:
    """Weighted (solid, with intervals) against unweighted (dashed) share using `platform`
    per sector over the waves: what the survey weights change. The title says by how much."""
    catalog = load_series_metadata() if catalog is None else catalog
    table = from_survey(survey)
    data = _weighting_data(table, platform, confidence, lang)
    years = sorted({int(y) for y in data["year"]})
    series_name = str(survey["series"].iloc[0])
    title = _weighting_title(data, platform, lang)
    return make_chart(
        name=name or f"{series_name}-{platform}-weighting-{year_span(years).replace(chr(0x2013), '-')}",  # noqa: E501
        lang=lang,
        kind="survey_weighting",
        title=title,
        subtitle=words("survey_subtitle_weighting", lang, platform=platform_noun(platform, lang),
                       level=confidence_level(confidence, lang), span=year_span(years)) + ".",
        alt_text=f"{title}.",
        notes=[words("intervals_note_kish", lang, level=confidence_level(confidence, lang))],
        rows=_source_rows(survey),
        data=data,
        draw=lambda axes: _draw_weighting(axes, data, years, lang),
        catalog=catalog,
    )


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
    return rows.assign(year=rows["year"].astype(int)).reset_index(drop=True)


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
                "size_band": band, "size_band_label": size_band_label(band, lang),
                "sector": sector, "sector_label": sector_label(sector, lang),
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


def _by_size_title(data: pd.DataFrame, bands: list[str], platform: str, year: int,
                   lang: str) -> str:
    leaders = data.drop_duplicates("size_band")["band_leader"].tolist()
    on = platform_in_sentence(platform, lang)
    nonprofits, businesses = (sector_label(s, lang) for s in SECTORS)
    if all(leader == "nonprofit" for leader in leaders):
        if lang == "en":
            return f"{nonprofits} were ahead of businesses on {on} in every size band, {year}"
        return (f"Les organismes sans but lucratif devançaient les entreprises pour {on} dans "
                f"chaque taille d’organisme, en {year}")
    if all(leader == "business" for leader in leaders):
        if lang == "en":
            return f"{businesses} were ahead of nonprofits on {on} in every size band, {year}"
        return (f"Les entreprises devançaient les organismes sans but lucratif pour {on} dans "
                f"chaque taille d’organisme, en {year}")
    ahead = sum(leader == "nonprofit" for leader in leaders)
    if lang == "en":
        return (f"{nonprofits} were clearly ahead on {on} in {ahead} of {len(bands)} size bands,"
                f" {year}")
    return (f"Les organismes sans but lucratif étaient nettement en tête pour {on} dans {ahead}"
            f" tailles d’organisme sur {len(bands)}, en {year}")


def _by_size_sentence(data: pd.DataFrame, bands: list[str], lang: str) -> str:
    parts = []
    for band in bands:
        rows = data[data["size_band"] == band].set_index("sector")
        values = " / ".join(percent(rows.loc[s, "share_percent"] / 100, lang) for s in SECTORS)
        parts.append(f"{size_band_label(band, lang)} {values}")
    lead = ("Nonprofits / businesses" if lang == "en"
            else "Organismes sans but lucratif / entreprises")
    colon = ": " if lang == "en" else "\u202f: "
    return f"{lead}{colon}{', '.join(parts)}."


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
        labels.append(EndLabel(sector_label(sector, lang), x[-1],
                               float(rows["share_percent"].iloc[-1]), colour))
    axes.set_xlim(-0.5, len(bands) - 0.5)
    axes.xaxis.set_major_locator(FixedLocator(list(range(len(bands)))))
    axes.xaxis.set_major_formatter(FixedFormatter([size_band_label(b, lang) for b in bands]))
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
                "sector": sector, "sector_label": sector_label(sector, lang),
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


def _count_title(means: dict[str, float], platforms: int, year: int, lang: str) -> str:
    nonprofit = number(means["nonprofit"], lang, 1)
    business = number(means["business"], lang, 1)
    if lang == "en":
        return (f"Nonprofits used {nonprofit} of {platforms} platforms on average, businesses "
                f"{business}, {year}")
    return (f"Les organismes sans but lucratif utilisaient {nonprofit} plateformes sur "
            f"{platforms} en moyenne, les entreprises {business}, en {year}")


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
        labels.append(EndLabel(sector_label(sector, lang), float(x.iloc[-1]),
                               float(rows["share_percent"].iloc[-1]), colour))
    axes.set_xlim(-0.6, platforms + 0.6)
    axes.xaxis.set_major_locator(FixedLocator(list(range(platforms + 1))))
    axes.xaxis.set_major_formatter(FixedFormatter([str(i) for i in range(platforms + 1)]))
    axes.set_xlabel(words("platform_count_axis", lang), fontsize=points(SIZES.tick))
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
            "sector_label": sector_label(str(row["sector"]), lang), "platform": platform,
            "year": int(row["year"]), "weighted_percent": 100 * estimate.share,
            "weighted_low_percent": 100 * estimate.low,
            "weighted_high_percent": 100 * estimate.high,
            "unweighted_percent": 100 * float(row["share"]), "n": int(row["n"]),
            "n_effective": float(row["n_effective"]), "synthetic": bool(row["synthetic"]),
        })
    return pd.DataFrame.from_records(records).sort_values(["sector", "year"],
                                                          ignore_index=True)


def _weighting_title(data: pd.DataFrame, platform: str, lang: str) -> str:
    change = data["weighted_percent"] - data["unweighted_percent"]
    largest = number(change.abs().max(), lang, 1)
    thing = platform_noun(platform, lang)
    if (change < 0).all():
        verb_en, verb_fr = "lowers", "abaisse"
    elif (change > 0).all():
        verb_en, verb_fr = "raises", "relève"
    else:
        if lang == "en":
            return f"Weighting moves the share using {thing} by up to {largest} points"
        return f"La pondération déplace la part utilisant {thing} jusqu’à {largest} points"
    if lang == "en":
        return (f"Weighting {verb_en} the share using {thing} in every year for both sectors, "
                f"by up to {largest} points")
    return (f"La pondération {verb_fr} la part utilisant {thing} chaque année dans les deux "
            f"secteurs, jusqu’à {largest} points")


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
            f"{sector_label(sector, lang)} {percent(last['weighted_percent'] / 100, lang, 0)}",
            float(last["year"]), float(last["weighted_percent"]), colour,
            detail=f"{words('unweighted', lang)}{_colon(lang)}"
                   f"{percent(last['unweighted_percent'] / 100, lang, 0)}"))
    highs = data["weighted_high_percent"].tolist() + data["unweighted_percent"].tolist()
    percent_axis(axes, lang, percent_top(highs, headroom=4))
    year_axis(axes, years)
    return labels


def _colon(lang: str) -> str:
    return ": " if lang == "en" else "\u202f: "
