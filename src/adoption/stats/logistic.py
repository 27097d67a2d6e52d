"""Diffusion speed: in which year did a series reach 50% adoption?

"Nonprofits adopt faster" can mean they got there earlier, not only that their
share was higher in a given year. Innovations typically spread along an S-shaped
(logistic) curve (Rogers EM (2003), Diffusion of Innovations, 5th ed., ch. 7;
Griliches Z (1957), Hybrid corn, Econometrica 25:501-522), so per series we fit

    logit P(adopt in year t) = a + b * (t - t0)

and report the year the curve crosses 50%, t0 - a / b, with a bootstrap interval.

Decisions:

* The fit is a statsmodels GLM (Binomial, logit link) with the share as response
  and n as `var_weights` (the Kish effective n for weighted rows; the population
  size for a census whose n is not printed). Sampled figures without n are left
  out, as the fit cannot weigh them.
* Published yearly figures scatter more than binomial sampling allows (question
  wording, list turnover). The dispersion phi = Pearson chi-square / residual df
  (at least 1) measures by how much.
* Bootstrap: parametric, at each point a share is redrawn as Binomial(m, p) / m
  around the observed share p, with m = n / phi, so each point varies as much as
  the fit says the data do. A census is redrawn too (m = N / phi): it is exact
  about that year's list, but the 50% year belongs to the fitted curve (the
  adoption process), and treating census points as exact would give a Fortune
  500 curve a zero-width interval it has not earned. The interval is the
  percentile interval of the refitted 50% years.
* The curve rises to 100%. Figures that level off below it (the largest charities
  blogging: 34%, 57%, 65%, 64%) do not follow it, and its 50% year would be
  nonsense. So we also fit the curve with its ceiling K estimated,
  P = K / (1 + exp(-(a + b t))), by maximum likelihood, and refuse when it fits
  clearly better (a likelihood-ratio test at the 5% level, scaled by the
  dispersion) with a ceiling below 90%, saying where the figures level off.
* We refuse, with a reason, rather than return nonsense: fewer than 4 years; a
  fit that does not converge; a curve that does not rise; figures that level off;
  a 50% year, or an interval bound, more than `max_extrapolation` years (default 10)
  beyond the years observed; too many bootstrap refits failing.
* The 50% year of a curve is a model's answer. Where it lies outside the years a
  series covers it is an extrapolation, and `adoption.findings` says so; the year a
  series was observed to pass 50% is `adoption.stats.reaching`'s.
* Figures cited second-hand (`as_cited`, method unknown) are left out of the fit.
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as scipy_stats
from scipy.special import expit
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning
from statsmodels.tools.tools import add_constant

from adoption.stats._checks import (
    NotEstimable,
    as_float_array,
    check_confidence,
    check_same_shape,
    check_share,
)
from adoption.stats.compare import series_and_sectors, series_rows
from adoption.text import Message, message, render

MIN_YEARS = 4
# A fitted ceiling below this, when the ceiling model fits clearly better, means the
# figures level off: no curve rising to 100% describes them.
LEVELS_OFF_BELOW = 0.9
DIFFUSION_COLUMNS = [
    "series", "sector", "platform", "first_year", "last_year", "n_points", "estimable",
    "midpoint_year", "midpoint_low", "midpoint_high", "growth_rate", "dispersion", "reason",
    "synthetic",
]


@dataclass(frozen=True)
class DiffusionFit:
    """A logistic diffusion curve and its 50% year, or the reason there is none.

    `midpoint_year` is the (fractional) year the fitted curve crosses 50%, with
    its bootstrap interval `midpoint_low`-`midpoint_high`; `growth_rate` is b,
    the yearly change in log odds. When `estimable` is False these are NaN and
    `reason` says why.
    """

    estimable: bool
    reason: Message | None
    years: tuple[int, ...]
    midpoint_year: float = math.nan
    midpoint_low: float = math.nan
    midpoint_high: float = math.nan
    growth_rate: float = math.nan
    dispersion: float = math.nan
    n_boot: int = 0
    failed_boot: int = 0


def fit_diffusion(
    years: Sequence[float],
    shares: Sequence[float],
    n: Sequence[float],
    *,
    confidence: float = 0.95,
    n_boot: int = 1000,
    rng: int | np.random.Generator | None = 0,
    max_extrapolation: float = 10.0,
) -> DiffusionFit:
    """Fit the logistic curve to one series' (year, share, n) points (module docstring).

    `rng` seeds the bootstrap: an int seed or a numpy Generator; the default seed
    0 makes a report rebuild identically. Returns a `DiffusionFit`; a refusal is a
    fit with `estimable=False` and a `reason`, never an exception (bad arguments
    still raise ValueError).
    """
    year = as_float_array(years, "years")
    share = check_share(shares, "shares")
    size = as_float_array(n, "n")
    check_same_shape([year, share, size], ["years", "shares", "n"])
    if (size <= 0).any():
        raise ValueError("n must be positive for every point")
    confidence = check_confidence(confidence)
    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be at least 1, got {n_boot!r}")
    generator = np.random.default_rng(rng)
    observed = tuple(int(y) for y in sorted(set(year.tolist())))
    try:
        return _fit_and_bootstrap(
            year, share, size, confidence, int(n_boot), generator, float(max_extrapolation)
        )
    except NotEstimable as refusal:
        return DiffusionFit(estimable=False, reason=refusal.message, years=observed)


def diffusion_table(
    table: pd.DataFrame,
    platform: str,
    series: str | Sequence[str] | None = None,
    *,
    confidence: float = 0.95,
    n_boot: int = 1000,
    rng: int | np.random.Generator | None = 0,
    max_extrapolation: float = 10.0,
    lang: str = "en",
) -> pd.DataFrame:
    """The 50% year of every series on `platform` (or those named), one row per series and sector.

    Columns `DIFFUSION_COLUMNS`; `reason` explains every row that is not
    estimable, including points left out for a missing sample size, in `lang`
    ("en" or "fr"). Each series
    gets its own random stream, seeded from `rng` and the series' name, so
    adding or removing a series does not change the others' intervals.
    """
    pairs = series_and_sectors(table, platform, series)
    streams = _series_streams(rng, pairs)
    records = []
    for (name, sector), stream in zip(pairs, streams, strict=True):
        rows = series_rows(table, platform, name, sector=sector)
        points, dropped = _usable_points(rows)
        fit = fit_diffusion(
            points["year"], points["share"], points["n"], confidence=confidence,
            n_boot=n_boot, rng=stream, max_extrapolation=max_extrapolation,
        ) if len(points) else DiffusionFit(False, message("reason.no_known_n"), ())
        reason = render([fit.reason, *dropped], lang)
        records.append({
            "series": name,
            "sector": sector,
            "platform": platform,
            "first_year": min(rows),
            "last_year": max(rows),
            "n_points": len(points),
            "estimable": fit.estimable,
            "midpoint_year": fit.midpoint_year,
            "midpoint_low": fit.midpoint_low,
            "midpoint_high": fit.midpoint_high,
            "growth_rate": fit.growth_rate,
            "dispersion": fit.dispersion,
            "reason": reason,
            "synthetic": any(bool(row.get("synthetic", False)) for row in rows.values()),
        })
    result = pd.DataFrame.from_records(records, columns=DIFFUSION_COLUMNS)
    result["reason"] = result["reason"].astype("string")
    return result


def _series_streams(
    rng: int | np.random.Generator | None, pairs: list[tuple[str, str]]
) -> list[np.random.Generator]:
    if isinstance(rng, np.random.Generator):
        root = int(rng.integers(2**63))
    elif rng is None:
        root = int(np.random.SeedSequence().entropy)
    else:
        root = int(rng)
    # crc32, not hash(): Python's string hashes change from one run to the next.
    return [np.random.default_rng([root, zlib.crc32(f"{name}|{sector}".encode())])
            for name, sector in pairs]


def _usable_points(rows: dict[int, pd.Series]) -> tuple[pd.DataFrame, list[Message]]:
    records, dropped = [], []
    for year, row in sorted(rows.items()):
        weighted = not pd.isna(row["share_weighted"])
        share = row["share_weighted"] if weighted else row["share"]
        n = row["n_effective"] if weighted else row["n"]
        if str(row.get("certainty", "")) == "as_cited":
            dropped.append(message("reason.year_left_out_as_cited", year=int(year)))
            continue
        if pd.isna(n) and str(row["design"]) == "census":
            n = row["population_size"]
        if pd.isna(n):
            dropped.append(message("reason.year_left_out_no_n", year=int(year)))
            continue
        records.append({"year": year, "share": float(share), "n": float(n)})
    return pd.DataFrame.from_records(records, columns=["year", "share", "n"]), dropped


def _fit_and_bootstrap(
    year: np.ndarray,
    share: np.ndarray,
    size: np.ndarray,
    confidence: float,
    n_boot: int,
    generator: np.random.Generator,
    max_extrapolation: float,
) -> DiffusionFit:
    observed = tuple(int(y) for y in sorted(set(year.tolist())))
    if len(observed) < MIN_YEARS:
        raise NotEstimable(message("reason.too_few_years", count=len(observed),
                                   needed=MIN_YEARS))
    center = float(np.mean(observed))
    sane = (observed[0] - max_extrapolation, observed[-1] + max_extrapolation)
    params = _fit_logistic(year - center, share, size)
    if params is None:
        raise NotEstimable(message("reason.curve_not_converged"))
    midpoint = _midpoint(params, center)
    if params[1] <= 0:
        raise NotEstimable(message("reason.no_rise"))
    dispersion = _dispersion(params, year - center, share, size)
    ceiling = levelling_off(year - center, share, size, params)
    if ceiling is not None:
        raise NotEstimable(message("reason.levels_off", ceiling=ceiling))
    if not sane[0] <= midpoint <= sane[1]:
        raise NotEstimable(message("reason.midpoint_far", year=round(midpoint),
                                   limit=max_extrapolation, first=observed[0],
                                   last=observed[-1]))
    midpoints, failed = _bootstrap(
        year - center, share, size / dispersion, params, n_boot, generator
    )
    midpoints = midpoints + center
    alpha = 1 - confidence
    if failed > alpha / 2 * n_boot:
        raise NotEstimable(message("reason.bootstrap_failed", failed=int(failed),
                                   resamples=n_boot))
    finite = np.where(np.isnan(midpoints), np.inf, midpoints)  # failed fits: unbounded
    low, high = np.quantile(finite, [alpha / 2, 1 - alpha / 2])
    if not (sane[0] <= low and high <= sane[1]):
        raise NotEstimable(message("reason.interval_unbounded", level=confidence,
                                   low=float(low), high=float(high), limit=max_extrapolation))
    return DiffusionFit(
        estimable=True,
        reason=None,
        years=observed,
        midpoint_year=float(midpoint),
        midpoint_low=float(low),
        midpoint_high=float(high),
        growth_rate=float(params[1]),
        dispersion=dispersion,
        n_boot=n_boot,
        failed_boot=failed,
    )



def _fit_logistic(
    time: np.ndarray, share: np.ndarray, weight: np.ndarray, start: np.ndarray | None = None
) -> np.ndarray | None:
    """(a, b) of logit P = a + b * time, or None when the fit fails or runs off to infinity."""
    model = GLM(share, add_constant(time, has_constant="add"),
                   family=families.Binomial(), var_weights=weight)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            params = model.fit(start_params=start).params
        except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return None
    if not np.isfinite(params).all() or np.abs(params).max() > 30:
        return None
    return np.asarray(params)


def levelling_off(time: np.ndarray, share: np.ndarray, n: np.ndarray, params: np.ndarray,
                  level: float = 0.05) -> float | None:
    """The ceiling the figures level off at, or None when a curve rising to 100% fits.

    Fits P = K expit(a + b t) by maximum likelihood (binomial, n as weights) and
    compares it with the curve whose K is 1 (`params`): the drop in deviance, divided
    by the larger model's dispersion (at least 1), against chi-square with one degree
    of freedom (McCullagh and Nelder 1989, section 4.5). Returns K when the ceiling
    model fits better at `level` and K is below `LEVELS_OFF_BELOW`.
    """
    def deviance(theta: np.ndarray) -> float:
        ceiling = expit(theta[2])
        fitted = np.clip(ceiling * expit(theta[0] + theta[1] * time), 1e-12, 1 - 1e-12)
        return float(-2 * np.sum(n * (share * np.log(fitted)
                                      + (1 - share) * np.log(1 - fitted))))

    start = np.array([params[0], params[1], 6.0])  # K = expit(6) = 0.998: the 100% curve
    with np.errstate(all="ignore"):
        fit = optimize.minimize(deviance, start, method="Nelder-Mead",
                                options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
    ceiling = float(expit(fit.x[2]))
    fitted = ceiling * expit(fit.x[0] + fit.x[1] * time)
    residual_df = len(share) - 3
    pearson = float(np.sum(n * (share - fitted) ** 2 / (fitted * (1 - fitted))))
    dispersion = max(1.0, pearson / residual_df) if residual_df > 0 else 1.0
    no_ceiling = np.array([params[0], params[1], 30.0])  # K = 1 - 1e-13
    improvement = (deviance(no_ceiling) - fit.fun) / dispersion
    if ceiling < LEVELS_OFF_BELOW and scipy_stats.chi2.sf(improvement, 1) < level:
        return ceiling
    return None


def _midpoint(params: np.ndarray, center: float) -> float:
    intercept, slope = params
    return center - intercept / slope if slope != 0 else math.nan


def _dispersion(params: np.ndarray, time: np.ndarray, share: np.ndarray, n: np.ndarray) -> float:
    """Pearson chi-square over residual df, at least 1 (see the module docstring)."""
    fitted = 1 / (1 + np.exp(-(params[0] + params[1] * time)))
    pearson = np.sum(n * (share - fitted) ** 2 / (fitted * (1 - fitted)))
    return max(1.0, float(pearson / (len(share) - 2)))


def _bootstrap(
    time: np.ndarray,
    share: np.ndarray,
    trials: np.ndarray,
    params: np.ndarray,
    n_boot: int,
    generator: np.random.Generator,
) -> tuple[np.ndarray, int]:
    """Refitted 50% years (relative to the centre) of `n_boot` resamples; NaN where none."""
    m = np.maximum(np.rint(trials), 1).astype(int)
    resampled = generator.binomial(m, share, size=(n_boot, len(share))) / m
    fitted = fit_logistic_batch(time, resampled, m.astype(float), start=params)
    rising = np.isfinite(fitted).all(axis=1) & (fitted[:, 1] > 0)
    midpoints = np.full(n_boot, np.nan)
    midpoints[rising] = -fitted[rising, 0] / fitted[rising, 1]
    return midpoints, int(n_boot - rising.sum())


def fit_logistic_batch(
    time: np.ndarray, shares: np.ndarray, weight: np.ndarray, start: np.ndarray,
    max_iterations: int = 100, tolerance: float = 1e-10,
) -> np.ndarray:
    """(a, b) of logit P = a + b * time for each row of `shares`, all rows at once.

    The same model as `_fit_logistic` (binomial, `weight` as variance weights),
    fitted by iteratively reweighted least squares on every bootstrap resample
    together: with two parameters each step is a 2 x 2 solve, so numpy does a
    thousand fits in the time statsmodels takes for a few. Rows that do not
    converge, or whose estimates run off to infinity (|a| or |b| above 30, as in
    `_fit_logistic`), come back as NaN.
    """
    beta = np.tile(np.asarray(start, dtype=float), (len(shares), 1))
    converged = np.zeros(len(shares), dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(max_iterations):
            eta = beta[:, :1] + beta[:, 1:] * time
            mu = expit(eta)
            variance = mu * (1 - mu)
            w = weight * variance
            z = eta + (shares - mu) / variance
            s0, s1, s2 = w.sum(1), (w * time).sum(1), (w * time**2).sum(1)
            r0, r1 = (w * z).sum(1), (w * time * z).sum(1)
            det = s0 * s2 - s1**2
            new = np.column_stack([(s2 * r0 - s1 * r1) / det, (s0 * r1 - s1 * r0) / det])
            step = np.abs(new - beta).max(axis=1)
            beta = np.where(converged[:, None], beta, new)
            converged |= step < tolerance
            if converged.all():
                break
    usable = converged & np.isfinite(beta).all(axis=1) & (np.abs(beta).max(axis=1) <= 30)
    beta[~usable] = np.nan
    return beta
