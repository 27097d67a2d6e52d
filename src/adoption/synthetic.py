"""`adoption synth`: illustrative synthetic data, labelled as such everywhere.

The published figures are aggregates; the respondent-level view (size bands,
weights, platforms per organisation) needs rows. No real respondent-level data
can be shared, so we draw a synthetic survey whose population rates follow the
published series: nonprofits follow the UMass Dartmouth charities, businesses
the Inc. 500 (both telephone surveys), on the four platforms both report
(blog, Twitter, Facebook, LinkedIn). Where a series has no figure for a year, a
logistic trend through its figures fills it (slope held between 0.3 and 2.0
logits a year); such extrapolated years are the least grounded part.

How the survey is drawn (a stratified design, so weights matter):
- a synthetic population of 2,000 organisations per sector, 60 % small,
  30 % medium, 10 % large; larger organisations adopt more (logit +0.9 for
  large, -0.6 for small) and each organisation has its own propensity;
- each year's intercept is solved so the population rate equals the target;
  an organisation adopts when its fixed uniform draw falls under its
  probability, so adoption mostly persists from one wave to the next;
- each wave samples 120 small, 100 medium and 80 large organisations per
  sector (large ones over-represented), weight = stratum size / sample size,
  and 3 % of answers are left empty ("don't know").

Unweighted shares are therefore biased towards large organisations; weighted
shares recover the population rates. Same seed, same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, logit

from adoption.files import write_text
from adoption.published import load_published
from adoption.snapshots.synthetic_archive import write_synthetic_archive

SURVEY_FILE = "survey_synthetic.csv"
SERIES = "synthetic-survey"
YEARS = range(2007, 2013)
# Platforms on which both anchor series publish figures.
PLATFORMS = ("blog", "twitter", "facebook", "linkedin")
ANCHORS = {"nonprofit": "umassd-charities", "business": "umassd-inc500"}
POPULATION_PER_SECTOR = 2000
BANDS = {  # share of the population, logit shift, sampled per wave
    "small": (0.6, -0.6, 120),
    "medium": (0.3, 0.0, 100),
    "large": (0.1, 0.9, 80),
}
ORG_SPREAD = 0.6
MISSING_ANSWER = 0.03
# Trend slopes (logit per year) are kept within this range: adoption grows, and
# two noisy figures must not extrapolate to a collapse or a jump.
SLOPE_RANGE = (0.3, 2.0)


def write_synthetic(out_dir: str | Path, seed: int = 2009) -> list[Path]:
    """Write every synthetic data set into `out_dir`; return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_survey(out_dir / SURVEY_FILE, seed)]

    written += write_synthetic_archive(out_dir, seed)
    return written


def write_survey(path: Path, seed: int) -> Path:
    survey = synthetic_survey(seed)
    text = survey.to_csv(index=False, lineterminator="\n", float_format="%.4f")
    _write_atomically(path, text)
    return path


def synthetic_survey(seed: int) -> pd.DataFrame:
    """The synthetic respondent rows, one per organisation per wave."""
    rng = np.random.default_rng(seed)
    targets = target_rates()
    waves = []
    for sector in ANCHORS:
        population = _population(sector, rng)
        answers = _adoption(population, targets[sector], rng)
        waves.append(_sample_waves(population, answers, rng))
    survey = pd.concat(waves, ignore_index=True)
    return survey.sort_values(["year", "sector", "org_id"], ignore_index=True)


def target_rates() -> dict[str, pd.DataFrame]:
    """Population rate per sector: a (year x platform) frame of fractions."""
    figures = load_published()
    targets = {}
    for sector, series in ANCHORS.items():
        rows = figures[figures["series"] == series]
        targets[sector] = pd.DataFrame(
            {platform: _filled_series(rows[rows["platform"] == platform]) for platform in
             PLATFORMS}, index=list(YEARS))
    return targets


def _filled_series(rows: pd.DataFrame) -> pd.Series:
    """Published shares where they exist; a logistic trend through them elsewhere."""
    known = rows.set_index("year")["share"].clip(0.02, 0.98)
    slope = np.polyfit(known.index, logit(known.to_numpy()), 1)[0]
    slope = float(np.clip(slope, *SLOPE_RANGE))
    intercept = np.mean(logit(known.to_numpy()) - slope * known.index.to_numpy())
    trend = pd.Series(expit(intercept + slope * np.array(YEARS)), index=list(YEARS))
    return known.reindex(list(YEARS)).fillna(trend).clip(0.02, 0.98)


def _population(sector: str, rng: np.random.Generator) -> pd.DataFrame:
    shares = [share for share, _, _ in BANDS.values()]
    bands = rng.choice(list(BANDS), size=POPULATION_PER_SECTOR, p=shares)
    prefix = "NP" if sector == "nonprofit" else "BU"
    numbers = np.arange(1, POPULATION_PER_SECTOR + 1)
    return pd.DataFrame({
        "org_id": [f"SYN-{prefix}-{i:04d}" for i in numbers],
        "org_name": [f"Synthetic {sector} {i:04d}" for i in numbers],
        "sector": sector,
        "size_band": bands,
        "propensity": np.array([BANDS[b][1] for b in bands]) + rng.normal(
            0, ORG_SPREAD, POPULATION_PER_SECTOR),
    })


def _adoption(population: pd.DataFrame, targets: pd.DataFrame,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per platform, a (year x organisation) array of True where the organisation uses it."""
    uses = {}
    for platform in PLATFORMS:
        threshold = rng.uniform(size=len(population))
        years = []
        for year in YEARS:
            shift = _intercept_for(population["propensity"].to_numpy(),
                                   targets.loc[year, platform])
            years.append(threshold < expit(shift + population["propensity"].to_numpy()))
        uses[platform] = np.array(years)
    return uses


def _intercept_for(propensity: np.ndarray, target: float) -> float:
    """The logit shift that makes the population's mean probability equal `target`."""
    return brentq(lambda shift: expit(shift + propensity).mean() - target, -20, 20)


def _sample_waves(population: pd.DataFrame, uses: dict[str, np.ndarray],
                  rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for wave, year in enumerate(YEARS):
        for band, (_, _, sampled) in BANDS.items():
            members = np.flatnonzero(population["size_band"].to_numpy() == band)
            chosen = np.sort(rng.choice(members, size=sampled, replace=False))
            sample = population.iloc[chosen].drop(columns="propensity").copy()
            sample["year"] = year
            sample["weight"] = len(members) / sampled
            sample["population_size"] = POPULATION_PER_SECTOR
            for platform in PLATFORMS:
                answer = np.where(uses[platform][wave, chosen], "yes", "no").astype(object)
                answer[rng.uniform(size=sampled) < MISSING_ANSWER] = ""
                sample[f"uses_{platform}"] = answer
            rows.append(sample)
    waves = pd.concat(rows, ignore_index=True)
    waves.insert(0, "series", SERIES)
    waves["synthetic"] = "yes"
    columns = ["series", "org_id", "org_name", "sector", "year", "size_band", "weight",
               "population_size", *[f"uses_{p}" for p in PLATFORMS], "synthetic"]
    return waves[columns]


def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: a failure never leaves half a file."""
    write_text(path, text)
