"""Did the gap between nonprofits and businesses widen or narrow over the years?

A year-by-year table answers "who led in 2009"; the claim "nonprofits adopt
faster" is about the trend. We fit one logistic model to both sectors' figures:

    logit P(adopt) = b0 + b1 * nonprofit + b2 * year + b3 * nonprofit * year

b3 is the yearly change in the log odds ratio between the sectors: above 0 the
nonprofits' odds grow faster. Readers think in percentage points, so we also
translate the model into the yearly change of the gap in points, averaged over
the years shown (an average marginal effect), with a delta-method interval.

Model details (each a decision, stated here so a reader can check it):

* statsmodels GLM, Binomial family, logit link. The response is the share and
  `var_weights` is n (the Kish effective n for weighted rows), which is the same
  likelihood as successes/failures counts but allows the fractional counts that
  weights and rounded published percentages give.
* A census enters with its population size as n when its n is not printed, and
  with its own count where the source gives one: the model treats each year's
  figure as one draw of an adoption process (the "superpopulation" view), which is
  what a trend is about.
* Figures a later report cites without saying how they were measured
  (`as_cited`) are left out, as are self-selected ones (no population to model),
  unless `include_as_cited=True`. A change of method inside the years fitted is
  kept, and named in `notes`.
* A trend needs at least three years both sectors cover: with two, the "trend" is
  one step, which the year-by-year comparison already shows.
* Published figures vary more from year to year than binomial sampling allows
  (different questions, changing lists of companies). When Pearson's chi-square
  over its degrees of freedom exceeds 1, the fit is quasi-binomial: standard
  errors scaled by that dispersion and t intervals on the residual degrees of
  freedom (McCullagh P, Nelder JA (1989), Generalized Linear Models, 2nd ed.,
  section 4.5).
* Rows of sampled series whose n was not published cannot be weighted and are
  left out; so are years outside the span both sectors cover (a gap is only
  observed where both are measured, and comparing a 2007-2010 nonprofit slope
  with a 2007-2018 business slope would not be a change of the gap). `dropped`
  lists every row left out and why.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from scipy.special import expit
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.numdiff import approx_fprime
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from adoption.stats._checks import NotEstimable, check_confidence
from adoption.stats.compare import estimate_share, method_change, series_rows
from adoption.text import Message, Series, message

MIN_COMMON_YEARS = 3

# Parameter positions in the design matrix built by `_design`.
INTERCEPT, NONPROFIT, YEAR, INTERACTION = range(4)
# A log-odds coefficient this large (odds ratio e^30) only comes from separation.
MAX_LOG_ODDS = 30.0


@dataclass(frozen=True)
class GapTrend:
    """The fitted trend of the nonprofit-business gap on one platform.

    Log-odds scale: `interaction` (b3, the yearly change of the log odds ratio)
    with its interval and p-value. Percentage-point scale: `gap_points_per_year`,
    the yearly change of the gap (nonprofit minus business share) in points,
    averaged over the years shown, with its interval; `mean_gap_points`, the
    average fitted gap, says who is ahead. `verdict` reads the points scale,
    `verdict_log_odds` the model scale: "widened", "narrowed" or "no clear change"
    (the interval includes 0). They can differ near 0% or 100%, where a growing
    odds ratio can mean a shrinking gap in points. `dropped` lists figures left
    out and why; `notes` what a reader of the result should know; `model` is the
    statsmodels result, for `model.summary()`.
    """

    platform: str
    nonprofit: tuple[str, ...]
    business: tuple[str, ...]
    years: tuple[int, ...]
    confidence: float
    interaction: float
    interaction_low: float
    interaction_high: float
    interaction_p_value: float
    gap_points_per_year: float
    gap_points_per_year_low: float
    gap_points_per_year_high: float
    mean_gap_points: float
    dispersion: float
    verdict: str
    verdict_log_odds: str
    dropped: tuple[Message, ...]
    notes: tuple[Message, ...]
    model: object = field(repr=False, compare=False)


def gap_trend(
    table: pd.DataFrame,
    platform: str,
    nonprofit: str | Sequence[str],
    business: str | Sequence[str],
    confidence: float = 0.95,
    *,
    include_as_cited: bool = False,
) -> GapTrend:
    """Fit the sector x year logistic model (module docstring) and say whether the gap moved.

    `nonprofit` and `business` name one series each, or several (pooled within
    their sector). Raises `NotEstimable` (a ValueError) when the sectors share fewer
    than three years with a usable figure, or the fit fails (e.g. every share is 0% or
    100%).
    """
    confidence = check_confidence(confidence)
    nonprofit_names = _names(nonprofit)
    business_names = _names(business)
    points, dropped, changes = _points(table, platform, nonprofit_names, business_names,
                                       include_as_cited)
    years = tuple(sorted(set(points["year"])))
    center = (min(years) + max(years)) / 2  # centring keeps the intercept interpretable
    result = _fit(points, center)
    alpha = 1 - confidence
    low, high = result.conf_int(alpha=alpha)[INTERACTION]
    grid = np.array(years, dtype=float) - center
    slope, slope_low, slope_high = _gap_slope_points(result, grid, alpha)
    mean_gap = 100 * float(np.mean(_fitted_gap(result.params, grid)))
    mean_log_odds_gap = result.params[NONPROFIT] + result.params[INTERACTION] * grid.mean()
    return GapTrend(
        platform=platform,
        nonprofit=nonprofit_names,
        business=business_names,
        years=years,
        confidence=confidence,
        interaction=float(result.params[INTERACTION]),
        interaction_low=float(low),
        interaction_high=float(high),
        interaction_p_value=float(result.pvalues[INTERACTION]),
        gap_points_per_year=slope,
        gap_points_per_year_low=slope_low,
        gap_points_per_year_high=slope_high,
        mean_gap_points=mean_gap,
        dispersion=float(result.scale),
        verdict=_verdict(mean_gap, slope_low, slope_high),
        verdict_log_odds=_verdict(float(mean_log_odds_gap), float(low), float(high)),
        dropped=dropped,
        notes=(*changes, *_notes(result, synthetic=bool(points["synthetic"].any()))),
        model=result,
    )


def _names(series: str | Sequence[str]) -> tuple[str, ...]:
    names = (series,) if isinstance(series, str) else tuple(series)
    if not names:
        raise ValueError("each sector needs at least one series name")
    return names


def _points(
    table: pd.DataFrame, platform: str, nonprofit: tuple[str, ...], business: tuple[str, ...],
    include_as_cited: bool,
) -> tuple[pd.DataFrame, tuple[Message, ...], tuple[Message, ...]]:
    """One row per usable figure (share, weight n, sector indicator, year); the figures
    left out and why; the changes of method within each series."""
    records, dropped, changes = [], [], []
    for names, role in ((nonprofit, "nonprofit"), (business, "business")):
        for name in names:
            rows = series_rows(table, platform, name, role=role)
            for year, row in rows.items():
                named = {"series": Series(name, "short_label"), "year": int(year)}
                estimate = estimate_share(row, include_as_cited=include_as_cited)
                if estimate.design == "self_selected":
                    raise NotEstimable(message("reason.self_selected", **named))
                if estimate.design == "unknown":
                    dropped.append(message("reason.series_year_as_cited", **named))
                    continue
                share, n = _share_and_weight(row, estimate)
                if math.isnan(n):
                    dropped.append(message("reason.series_year_no_n", **named))
                    continue
                records.append({"series": name, "share": share, "n": n,
                                "nonprofit": role == "nonprofit", "year": year,
                                "synthetic": bool(row.get("synthetic", False)), "row": row})
    points = pd.DataFrame.from_records(
        records, columns=["series", "share", "n", "nonprofit", "year", "synthetic", "row"]
    )
    points, outside = _within_common_span(points)
    dropped.extend(outside)
    common = points["year"].nunique()
    if common < MIN_COMMON_YEARS:
        raise NotEstimable(message("reason.trend_too_few_years", count=int(common),
                                   platform=platform))
    for _, series_points in points.sort_values("year").groupby("series", sort=True):
        waves = series_points["row"].tolist()
        changes += [change for before, after in itertools.pairwise(waves)
                    if (change := method_change(before, after)) is not None]
    return points.drop(columns="row"), tuple(dropped), tuple(changes)


def _within_common_span(points: pd.DataFrame) -> tuple[pd.DataFrame, list[Message]]:
    """Keep the years from the later of the two first years to the earlier of the last."""
    spans = points.groupby("nonprofit")["year"].agg(["min", "max"])
    if len(spans) < 2:
        return points, []
    first, last = spans["min"].max(), spans["max"].min()
    inside = points["year"].between(first, last)
    note = [message("reason.outside_common_years", series=Series(row.series, "short_label"),
                    year=int(row.year), first=int(first), last=int(last))
            for row in points[~inside].itertuples()]
    return points[inside], note


def _share_and_weight(row: pd.Series, estimate) -> tuple[float, float]:
    """The share and weight the model fits: a census by its population size."""
    n = estimate.n
    if math.isnan(n) and estimate.exact and not pd.isna(row["population_size"]):
        n = float(row["population_size"])
    return estimate.share, n


def _design(points: pd.DataFrame, center: float) -> np.ndarray:
    nonprofit = points["nonprofit"].to_numpy(dtype=float)
    year = points["year"].to_numpy(dtype=float) - center
    return np.column_stack([np.ones_like(year), nonprofit, year, nonprofit * year])


def _fit(points: pd.DataFrame, center: float):
    model = GLM(
        points["share"].to_numpy(dtype=float),
        _design(points, center),
        family=families.Binomial(),
        var_weights=points["n"].to_numpy(dtype=float),
    )
    with warnings.catch_warnings():
        # statsmodels flags a saturated model (as many figures as parameters) as
        # "perfect prediction"; real separation is caught by the checks below.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            result = model.fit()
            dispersion = result.pearson_chi2 / result.df_resid if result.df_resid > 0 else 1.0
            if dispersion > 1:  # quasi-binomial: see the module docstring
                result = model.fit(scale=dispersion, use_t=True)
        except (ConvergenceWarning, np.linalg.LinAlgError) as error:
            raise NotEstimable(message("reason.trend_not_fitted", error=str(error))) from None
    _check_identified(result)
    return result


def _check_identified(result) -> None:
    """Refuse fits whose estimates run off to infinity (shares of 0% or 100% separate them)."""
    fitted = np.asarray(result.fittedvalues)
    if (
        not np.isfinite(result.bse).all()
        or (np.abs(result.params) > MAX_LOG_ODDS).any()
        or ((fitted < 1e-9) | (fitted > 1 - 1e-9)).any()
    ):
        raise NotEstimable(message("reason.trend_not_identified"))


def _notes(result, synthetic: bool) -> tuple[Message, ...]:
    notes = [message("reason.synthetic_data")] if synthetic else []
    if result.df_resid == 0:
        notes.append(message("reason.saturated_model"))
    elif result.use_t:
        notes.append(message("reason.overdispersed", scale=float(result.scale)))
    return tuple(notes)


def _fitted_gap(params: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Fitted nonprofit share minus business share at each (centred) year of the grid."""
    b0, b1, b2, b3 = params
    return expit(b0 + b1 + (b2 + b3) * grid) - expit(b0 + b2 * grid)


def _gap_slope(params: np.ndarray, grid: np.ndarray) -> float:
    """d(gap)/d(year), averaged over the grid: the average marginal effect on the gap."""
    b0, b1, b2, b3 = params
    p_nonprofit = expit(b0 + b1 + (b2 + b3) * grid)
    p_business = expit(b0 + b2 * grid)
    slopes = p_nonprofit * (1 - p_nonprofit) * (b2 + b3) - p_business * (1 - p_business) * b2
    return float(np.mean(slopes))


def _gap_slope_points(result, grid: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """The average yearly change of the gap in points, with a delta-method interval."""
    params = np.asarray(result.params)
    slope = _gap_slope(params, grid)
    gradient = approx_fprime(params, lambda p: _gap_slope(p, grid), centered=True)
    se = float(np.sqrt(gradient @ np.asarray(result.cov_params()) @ gradient))
    if result.use_t:
        quantile = scipy_stats.t.ppf(1 - alpha / 2, result.df_resid)
    else:
        quantile = scipy_stats.norm.ppf(1 - alpha / 2)
    return 100 * slope, float(100 * (slope - quantile * se)), float(100 * (slope + quantile * se))


def _verdict(gap: float, low: float, high: float) -> str:
    """'widened' if the gap moved away from 0, 'narrowed' if toward it, else 'no clear change'."""
    if low <= 0 <= high or gap == 0:
        return "no clear change"
    moving_up = low > 0
    return "widened" if moving_up == (gap > 0) else "narrowed"
