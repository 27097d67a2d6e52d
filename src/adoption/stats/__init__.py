"""Statistics for honest comparisons of nonprofits and businesses.

Public interface (see CONTRACT.md): `wilson_interval`, `difference_interval`,
`compare_sectors` and the comparison table's columns. The rest is documented here
and in each module:

    intervals   one share: Wilson score interval, finite-population correction,
                survey weights (Kish effective n)
    difference  two shares: Newcombe's hybrid interval for the gap, relative risk,
                odds ratio, tests of equal shares
    compare     the adoption table, year by year: compare_sectors, year_over_year,
                robust_to_nonresponse (worst-case bounds), not_comparable figures
    trend       did the gap widen or narrow? (logistic model, sector x year)
    claim       "nonprofits led for N years running": which years the data support,
                in an English or French sentence
    reaching    the years between which a series passed 50%, from its own figures
    logistic    logistic adoption curves, their ceiling checked (bootstrap for the 50% year)

Every function raises `ValueError` naming the argument for bad input, and
`NotEstimable` (a ValueError with a `reason`) when the data are too thin.
"""

from adoption.stats._checks import NotEstimable
from adoption.stats.claim import ClaimCheck, Unsupported, check_claim, longest_run
from adoption.stats.compare import (
    COMPARISON_COLUMNS,
    DETAIL_COLUMNS,
    DIRECTIONS,
    LEADERS,
    YEAR_OVER_YEAR_COLUMNS,
    ShareEstimate,
    compare_sectors,
    difference_of,
    estimate_share,
    holm_adjust,
    robust_to_nonresponse,
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
from adoption.stats.intervals import (
    fpc_effective_n,
    kish_effective_n,
    weighted_share,
    wilson_interval,
)
from adoption.stats.logistic import DIFFUSION_COLUMNS, DiffusionFit, diffusion_table, fit_diffusion
from adoption.stats.reaching import Crossing, crossing, crossings
from adoption.stats.trend import GapTrend, gap_trend

# The comparison table's `leader` for a figure that cannot be set against another
# (a self-selected sample): named here as the contract names it.
not_comparable = "not_comparable"

__all__ = [
    "COMPARISON_COLUMNS",
    "DETAIL_COLUMNS",
    "DIFFUSION_COLUMNS",
    "DIRECTIONS",
    "LEADERS",
    "YEAR_OVER_YEAR_COLUMNS",
    "ClaimCheck",
    "Crossing",
    "DiffusionFit",
    "GapTrend",
    "NotEstimable",
    "ShareEstimate",
    "ShareTest",
    "Unsupported",
    "check_claim",
    "combine_share_intervals",
    "compare_sectors",
    "crossing",
    "crossings",
    "difference_interval",
    "difference_of",
    "diffusion_table",
    "equal_shares_test",
    "estimate_share",
    "fit_diffusion",
    "fpc_effective_n",
    "gap_trend",
    "holm_adjust",
    "kish_effective_n",
    "known_share_test",
    "longest_run",
    "not_comparable",
    "odds_ratio",
    "relative_risk",
    "robust_to_nonresponse",
    "weighted_share",
    "wilson_interval",
    "year_over_year",
]
