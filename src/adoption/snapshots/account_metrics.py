"""What accounts do between snapshots, and how sectors compare, year by year.

Every metric is defined here once, as plain vectorised pandas on the snapshot
table sorted by account and time (groupby + shift, no loop over rows), so that
the same definitions can be written in SQL for DuckDB or in Dask and compared.

Per account, between two consecutive snapshots (`account_intervals`):

| column | definition |
|---|---|
| `days` | (snapshot_at - previous snapshot_at) in days |
| `follower_change` | followers - previous followers |
| `followers_per_30d` | follower_change / days * 30 |
| `growth_per_30d` | follower_change / previous followers / days * 30 (missing when previous is 0) |
| `new_posts` | posts - previous posts: a net count, since deleted posts lower it |
| `posts_per_day` | new_posts / days |
| `dormant` | new_posts <= 0: no net new post between the two snapshots |
| `account_age_days` | snapshot_at - created_at, in days |
| `renamed` | the handle differs from the previous snapshot's (accounts are followed by id) |

A counter missing at either end leaves the metrics that need it missing.

Per account and calendar year (`account_years`), the unit of the sector
comparisons, so that each account counts once a year however often it was
read: followers and account age at the account's last snapshot of the year;
`followers_per_30d`, `growth_per_30d` and `posts_per_day` over the intervals
that end in the year (sums of changes over sums of days with the counter known);
`dormant` when those intervals hold no net new post.

Per sector and year (`sector_year_summary`): medians with seeded percentile
bootstrap intervals, and the share of dormant accounts with its Wilson
interval. `median_differences` gives the difference of two sectors' medians with
its bootstrap interval (the charts' verdicts); `compare_activity` the Mann-Whitney
U test between two sectors, Holm-adjusted across years. The statistics themselves
are `adoption.stats.accounts`'. Accounts of unknown sector are left out (see
`sectors.unmapped_note`).

How the work is split so that every engine gives the same numbers
(`adoption.snapshots.engines`): an engine (pandas here, DuckDB SQL, Dask)
computes only `account_year_sums`, exact integers per account and year (counts,
sums of counters and of elapsed microseconds, the last snapshot's levels).
`account_years_from_sums` then turns them into days and rates with the same
floating-point operations whatever the engine, and the summaries run on the
account-years (one row per account and year, small even for a huge archive).
Elapsed times are summed as whole microseconds, never as fractional days,
because a floating-point sum depends on the order of its terms.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from adoption.snapshots.snapshot_table import UNKNOWN
from adoption.stats.accounts import mann_whitney, median_difference, median_interval, stream
from adoption.stats.compare import holm_adjust
from adoption.stats.intervals import wilson_interval

ACCOUNT = ["platform", "account_id"]
ACCOUNT_YEAR = ["platform", "account_id", "year"]
MEDIAN_METRICS = ("followers", "followers_per_30d", "posts_per_day")
DEFAULT_SEED = 2009
DEFAULT_RESAMPLES = 2000
US_PER_DAY = 86_400_000_000


def epoch_us(times: pd.Series) -> pd.Series:
    """Microseconds since 1970 as nullable integers: the exact time unit every engine
    shares (DuckDB's `epoch_us`)."""
    micros = pd.array(times.array.as_unit("us").asi8, dtype="Int64")
    return pd.Series(micros, index=times.index).mask(times.isna().to_numpy())


def days_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """(later - earlier) in days, from whole microseconds (NaN where either is missing)."""
    elapsed = epoch_us(later) - epoch_us(earlier)
    return (elapsed / US_PER_DAY).astype("float64")


def account_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """One row per account per pair of consecutive snapshots, with the metrics above.

    `year` is the year of the later snapshot, the one the interval is counted in.
    """
    ordered = table.sort_values([*ACCOUNT, "snapshot_at"], kind="stable")
    previous = ordered.groupby(ACCOUNT, sort=False)[
        ["snapshot_at", "followers", "posts", "handle"]].shift()
    has_previous = previous["snapshot_at"].notna().to_numpy()
    now, before = ordered[has_previous], previous[has_previous]
    days = days_between(now["snapshot_at"], before["snapshot_at"])
    follower_change = now["followers"] - before["followers"]
    new_posts = now["posts"] - before["posts"]
    intervals = pd.DataFrame({
        "platform": now["platform"],
        "account_id": now["account_id"],
        "sector": now["sector"],
        "handle": now["handle"],
        "start": before["snapshot_at"],
        "end": now["snapshot_at"],
        "year": now["snapshot_at"].dt.year,
        "days": days,
        "followers_start": before["followers"],
        "followers_end": now["followers"],
        "follower_change": follower_change,
        "followers_per_30d": follower_change / days * 30,
        "growth_per_30d": (follower_change / before["followers"] / days * 30).mask(
            before["followers"] == 0),
        "posts_start": before["posts"],
        "posts_end": now["posts"],
        "new_posts": new_posts,
        "posts_per_day": new_posts / days,
        "dormant": new_posts <= 0,
        "account_age_days": days_between(now["snapshot_at"], now["created_at"]),
        "renamed": (now["handle"] != before["handle"]).astype("boolean"),
    })
    return intervals.reset_index(drop=True)


def account_years(table: pd.DataFrame) -> pd.DataFrame:
    """One row per account and calendar year in which it was seen (definitions above)."""
    return account_years_from_sums(account_year_sums(table))


# What an engine returns for each account and year: exact values only.
SUM_DTYPES: dict[str, str] = {
    "platform": "string",
    "account_id": "string",
    "year": "int32",
    "sector": "string",  # at the last snapshot of the year
    "handle": "string",  # idem
    "last_snapshot": "datetime64[us, UTC]",
    "followers": "Int64",  # idem
    "posts": "Int64",  # idem
    "created_at": "datetime64[us, UTC]",  # idem
    "intervals": "Int64",  # intervals ending in the year
    "elapsed_us": "Int64",  # their summed length
    "followers_start": "Int64",  # followers at the start of the first with a count
    "follower_change": "Int64",  # summed over those with both counts known
    "follower_us": "Int64",  # the summed length of those
    "new_posts": "Int64",  # summed over those with both counts known
    "posts_us": "Int64",  # the summed length of those
}


def account_year_sums(table: pd.DataFrame) -> pd.DataFrame:
    """The engine's share of `account_years`, in pandas: per account and year, the
    last snapshot's levels and exact sums over the intervals ending in the year.

    The DuckDB and Dask engines compute the same columns (`SUM_DTYPES`).
    """
    steps = _steps(table)
    sums = steps.groupby(ACCOUNT_YEAR, sort=False).agg(
        intervals=("elapsed_us", "count"),
        elapsed_us=("elapsed_us", "sum"),
        followers_start=("previous_followers", "first"),  # the first known one
        follower_change=("follower_change", "sum"),
        follower_us=("follower_us", "sum"),
        new_posts=("new_posts", "sum"),
        posts_us=("posts_us", "sum"),
    )
    last = steps.groupby(ACCOUNT_YEAR, sort=False).tail(1).set_index(ACCOUNT_YEAR)
    levels = last[["sector", "handle", "snapshot_at", "followers", "posts", "created_at"]]
    levels = levels.rename(columns={"snapshot_at": "last_snapshot"})
    return levels.join(sums).reset_index()


def _steps(table: pd.DataFrame) -> pd.DataFrame:
    """Each snapshot with the change since the account's previous one (NA for its first)."""
    ordered = table.sort_values([*ACCOUNT, "snapshot_at"], kind="stable")
    steps = ordered[[*ACCOUNT, "sector", "handle", "snapshot_at", "created_at", "followers",
                     "posts"]].assign(year=ordered["snapshot_at"].dt.year,
                                      at_us=epoch_us(ordered["snapshot_at"]))
    previous = steps.groupby(ACCOUNT, sort=False)[["at_us", "followers", "posts"]].shift()
    elapsed = steps["at_us"] - previous["at_us"]
    follower_change = steps["followers"] - previous["followers"]
    new_posts = steps["posts"] - previous["posts"]
    return steps.assign(
        elapsed_us=elapsed,
        previous_followers=previous["followers"],
        follower_change=follower_change,
        follower_us=elapsed.where(follower_change.notna()),
        new_posts=new_posts,
        posts_us=elapsed.where(new_posts.notna()),
    )


def account_years_from_sums(sums: pd.DataFrame) -> pd.DataFrame:
    """Days and rates from an engine's `account_year_sums`: the one place where the
    floating-point arithmetic of the account-years happens, for every engine.

    A sum over no interval is 0 (as pandas sums); the `*_us` sums say which are known.
    """
    sums = sums.astype(SUM_DTYPES)
    followers_known = sums["follower_us"].fillna(0) > 0
    posts_known = sums["posts_us"].fillna(0) > 0
    follower_change = sums["follower_change"].where(followers_known)
    new_posts = sums["new_posts"].where(posts_known)
    per_30_days = 30 / (sums["follower_us"] / US_PER_DAY).where(followers_known)
    years = pd.DataFrame({
        **{name: sums[name] for name in ACCOUNT_YEAR},
        "sector": sums["sector"],
        "handle": sums["handle"],
        "last_snapshot": sums["last_snapshot"],
        "followers": sums["followers"],
        "posts": sums["posts"],
        "account_age_days": days_between(sums["last_snapshot"], sums["created_at"]),
        # A year holding only the account's first snapshot has no interval to measure.
        "intervals": sums["intervals"].fillna(0),
        "days": (sums["elapsed_us"].fillna(0) / US_PER_DAY).astype("float64"),
        "followers_start": sums["followers_start"],
        "follower_change": follower_change,
        "new_posts": new_posts,
        "followers_per_30d": follower_change * per_30_days,
        "growth_per_30d": (follower_change / sums["followers_start"] * per_30_days).mask(
            sums["followers_start"] == 0),
        "posts_per_day": new_posts / (sums["posts_us"] / US_PER_DAY).where(posts_known),
        "dormant": (new_posts <= 0).astype("boolean").where(posts_known),
    })
    return years.sort_values(ACCOUNT_YEAR, ignore_index=True)


def sector_year_summary(
    table: pd.DataFrame,
    *,
    metrics: Sequence[str] = MEDIAN_METRICS,
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Per platform, year and sector: medians of `metrics` over account-years with
    seeded percentile bootstrap intervals, and the share of dormant accounts with
    its Wilson interval. Accounts of unknown sector are left out.

    Tidy: one row per platform, year, sector and metric, with columns
    `statistic` (median or share), `n` (accounts with a value), `value`, `low`,
    `high`, `dormant` (the count, for the share), `confidence` and `method`.
    The same table and seed give the same intervals, whatever else is in it.
    """
    return summary_from_years(account_years(table), metrics=metrics, confidence=confidence,
                              n_resamples=n_resamples, seed=seed)


def summary_from_years(
    years: pd.DataFrame,
    *,
    metrics: Sequence[str] = MEDIAN_METRICS,
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """`sector_year_summary` from account-years already computed (by any engine)."""
    years = _known_sectors(years)
    medians = _median_rows(years, metrics, confidence, n_resamples, seed)
    summary = pd.concat([medians, _dormant_rows(years, confidence)], ignore_index=True)
    return summary.sort_values(["platform", "year", "sector", "metric"],
                               ignore_index=True)


def _known_sectors(years: pd.DataFrame) -> pd.DataFrame:
    return years[(years["sector"] != UNKNOWN).to_numpy()]


def _median_rows(years: pd.DataFrame, metrics: Sequence[str], confidence: float,
                 n_resamples: int, seed: int) -> pd.DataFrame:
    """A row per group and metric. Each group's bootstrap has its own seeded stream,
    so they run on every core (numpy releases the GIL) with the same result as one
    after the other."""
    groups = []
    for metric in metrics:
        for (platform, year, sector), group in years.groupby(["platform", "year", "sector"]):
            values = group[metric].astype("Float64").dropna().to_numpy(dtype=float)
            rng = stream(seed, int(year), platform, sector, metric)
            groups.append(({"platform": platform, "year": year, "sector": sector,
                            "metric": metric}, values, rng))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        intervals = pool.map(lambda g: median_interval(g[1], confidence, n_resamples, g[2]),
                             groups)
        rows = [{**name, "statistic": "median", "n": len(values), "value": value,
                 "low": low, "high": high}
                for (name, values, _), (value, low, high) in zip(groups, intervals,
                                                                  strict=True)]
    frame = pd.DataFrame(rows, columns=["platform", "year", "sector", "metric", "statistic",
                                        "n", "value", "low", "high"])
    frame["dormant"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")  # counts: shares only
    frame["confidence"] = confidence
    frame["method"] = f"percentile bootstrap, {n_resamples} resamples, seed {seed}"
    return frame


def _dormant_rows(years: pd.DataFrame, confidence: float) -> pd.DataFrame:
    known = years[years["dormant"].notna().to_numpy()]
    counts = (known.assign(dormant=known["dormant"].astype(int))
              .groupby(["platform", "year", "sector"], as_index=False)
              .agg(n=("dormant", "size"), dormant=("dormant", "sum")))
    low, high = wilson_interval(counts["dormant"].to_numpy(dtype=float),
                                counts["n"].to_numpy(dtype=float), confidence)
    counts = counts.astype({"dormant": "Int64"})
    return counts.assign(metric="dormant", statistic="share",
                         value=counts["dormant"] / counts["n"], low=low, high=high,
                         confidence=confidence, method="Wilson score interval")


def compare_activity(
    table: pd.DataFrame,
    metric: str = "posts_per_day",
    *,
    first: str = "nonprofit",
    second: str = "business",
) -> pd.DataFrame:
    """Mann-Whitney U test of `metric` between two sectors' account-years, per platform
    and year, with Holm-adjusted p-values across the years of each platform.

    `superiority` is U / (n_first * n_second): the chance that a random account of
    the first sector has the higher value (ties count half); 0.5 means no lean.
    """
    return comparison_from_years(account_years(table), metric, first=first, second=second)


def comparison_from_years(
    years: pd.DataFrame,
    metric: str = "posts_per_day",
    *,
    first: str = "nonprofit",
    second: str = "business",
) -> pd.DataFrame:
    """`compare_activity` from account-years already computed (by any engine)."""
    rows = []
    for (platform, year), group in years.groupby(["platform", "year"]):
        x = _values(group, first, metric)
        y = _values(group, second, metric)
        u, p_value, superiority = mann_whitney(x, y)
        rows.append({"platform": platform, "year": year, "metric": metric, "first": first,
                     "second": second, "n_first": len(x), "n_second": len(y),
                     "median_first": np.median(x) if len(x) else np.nan,
                     "median_second": np.median(y) if len(y) else np.nan,
                     "u_statistic": u, "p_value": p_value, "superiority": superiority})
    comparison = pd.DataFrame(rows)
    comparison["p_adjusted"] = _holm_by_platform(comparison)
    comparison["method"] = "Mann-Whitney U, two-sided; Holm across years"
    return comparison


def median_differences(
    table: pd.DataFrame,
    metric: str = "posts_per_day",
    *,
    first: str = "nonprofit",
    second: str = "business",
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Per platform and year: the two sectors' medians of `metric` over account-years and
    their difference (first minus second) with a seeded percentile bootstrap interval."""
    return differences_from_years(account_years(table), metric, first=first, second=second,
                                  confidence=confidence, n_resamples=n_resamples, seed=seed)


def differences_from_years(
    years: pd.DataFrame,
    metric: str = "posts_per_day",
    *,
    first: str = "nonprofit",
    second: str = "business",
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """`median_differences` from account-years already computed (by any engine)."""
    rows = []
    for (platform, year), group in years.groupby(["platform", "year"]):
        x = _values(group, first, metric)
        y = _values(group, second, metric)
        rng = stream(seed, int(year), platform, first, second, metric, "difference")
        difference, low, high = median_difference(x, y, confidence, n_resamples, rng)
        rows.append({"platform": platform, "year": int(year), "metric": metric,
                     "first": first, "second": second, "n_first": len(x), "n_second": len(y),
                     "median_first": float(np.median(x)) if len(x) else np.nan,
                     "median_second": float(np.median(y)) if len(y) else np.nan,
                     "difference": difference, "low": low, "high": high})
    differences = pd.DataFrame(rows)
    differences["confidence"] = confidence
    differences["method"] = (f"difference of medians, percentile bootstrap, {n_resamples} "
                             f"resamples, seed {seed}")
    return differences


def _values(group: pd.DataFrame, sector: str, metric: str) -> np.ndarray:
    chosen = group.loc[(group["sector"] == sector).to_numpy(), metric]
    return chosen.astype("Float64").dropna().to_numpy(dtype=float)


def _holm_by_platform(comparison: pd.DataFrame) -> pd.Series:
    adjusted = pd.Series(np.nan, index=comparison.index)
    if comparison.empty:
        return adjusted
    for _, group in comparison.groupby("platform"):
        tested = group["p_value"].dropna()
        if len(tested):
            adjusted[tested.index] = holm_adjust(tested.to_numpy())
    return adjusted
