"""Statistics for honest comparisons of nonprofits and businesses.

Public interface (see CONTRACT.md): `wilson_interval`, `difference_interval`,
`compare_sectors` and the comparison table's columns. The rest is documented here
and in each module:

    intervals   one share: Wilson score interval, finite-population correction,
                survey weights (Kish effective n)
    difference  two shares: Newcombe's hybrid interval for the gap, relative risk,
                odds ratio, tests of equal shares
    compare     the adoption table, year by year: compare_sectors, year_over_year
    trend       did the gap widen or narrow? (logistic model, sector x year)
    claim       "nonprofits led for N years running": which years the data support,
                in an English or French sentence
    diffusion   the year each series reached 50% (logistic curve, bootstrap)

Every function raises `ValueError` naming the argument for bad input, and
`NotEstimable` (a ValueError with a `reason`) when the data are too thin.
"""

from adoption.stats._checks import NotEstimable
from adoption.stats.claim import ClaimCheck, Unsupported, check_claim, longest_run
from adoption.stats.compare import (
    COMPARISON_COLUMNS,
    DETAIL_COLUMNS,
    YEAR_OVER_YEAR_COLUMNS,
    ShareEstimate,
    compare_sectors,
    estimate_share,
    holm_adjust,
    year_over_year,
)
from adoption.stats.difference import (
    ShareTest,
    combine_share_intervals,
    difference_interval,
    equal_shares_test,
    known_share_test,
    odds_ratio,
    relative_risk,
)
from adoption.stats.diffusion import DIFFUSION_COLUMNS, DiffusionFit, diffusion_table, fit_diffusion
from adoption.stats.intervals import (
    fpc_effective_n,
    kish_effective_n,
    weighted_share,
    wilson_interval,
)
from adoption.stats.trend import GapTrend, gap_trend
from adoption.stats.wording import format_number, format_percent

__all__ = [
    "COMPARISON_COLUMNS",
    "DETAIL_COLUMNS",
    "DIFFUSION_COLUMNS",
    "YEAR_OVER_YEAR_COLUMNS",
    "ClaimCheck",
    "DiffusionFit",
    "GapTrend",
    "NotEstimable",
    "ShareEstimate",
    "ShareTest",
    "Unsupported",
    "check_claim",
    "combine_share_intervals",
    "compare_sectors",
    "difference_interval",
    "diffusion_table",
    "equal_shares_test",
    "estimate_share",
    "fit_diffusion",
    "format_number",
    "format_percent",
    "fpc_effective_n",
    "gap_trend",
    "holm_adjust",
    "kish_effective_n",
    "known_share_test",
    "longest_run",
    "odds_ratio",
    "relative_risk",
    "weighted_share",
    "wilson_interval",
    "year_over_year",
]
