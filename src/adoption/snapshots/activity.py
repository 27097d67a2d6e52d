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
interval. `compare_activity` adds the Mann-Whitney U test between two sectors,
Holm-adjusted across years. Accounts of unknown sector are left out of both
(see `sectors.unmapped_note`).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from adoption.snapshots.table import UNKNOWN

ACCOUNT = ["platform", "account_id"]
ACCOUNT_YEAR = ["platform", "account_id", "year"]
MEDIAN_METRICS = ("followers", "followers_per_30d", "posts_per_day")
DEFAULT_SEED = 2009
DEFAULT_RESAMPLES = 2000
DAY = pd.Timedelta(days=1)


def account_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """One row per account per pair of consecutive snapshots, with the metrics above.

    `year` is the year of the later snapshot, the one the interval is counted in.
    """
    ordered = table.sort_values([*ACCOUNT, "snapshot_at"], kind="stable")
    previous = ordered.groupby(ACCOUNT, sort=False)[
        ["snapshot_at", "followers", "posts", "handle"]].shift()
    has_previous = previous["snapshot_at"].notna().to_numpy()
    now, before = ordered[has_previous], previous[has_previous]
    days = (now["snapshot_at"] - before["snapshot_at"]) / DAY
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
        "account_age_days": (now["snapshot_at"] - now["created_at"]) / DAY,
        "renamed": (now["handle"] != before["handle"]).astype("boolean"),
    })
    return intervals.reset_index(drop=True)


def account_years(table: pd.DataFrame) -> pd.DataFrame:
    """One row per account and calendar year in which it was seen (definitions above)."""
    seen = table.assign(year=table["snapshot_at"].dt.year).sort_values(
        [*ACCOUNT, "snapshot_at"], kind="stable")
    last = seen.groupby(ACCOUNT_YEAR, sort=False).tail(1)
    levels = pd.DataFrame({
        **{name: last[name] for name in ACCOUNT_YEAR},
        "sector": last["sector"],
        "handle": last["handle"],
        "last_snapshot": last["snapshot_at"],
        "followers": last["followers"],
        "posts": last["posts"],
        "account_age_days": (last["snapshot_at"] - last["created_at"]) / DAY,
    })
    years = levels.merge(_yearly_rates(account_intervals(table)), on=ACCOUNT_YEAR, how="left")
    # A year holding only the account's first snapshot has no interval to measure.
    years["intervals"] = years["intervals"].fillna(0).astype("Int64")
    years["days"] = years["days"].fillna(0.0)
    return years.reset_index(drop=True)


def _yearly_rates(intervals: pd.DataFrame) -> pd.DataFrame:
    """Changes and rates over the intervals ending in each year, per account."""
    known = intervals.assign(
        follower_days=intervals["days"].where(intervals["follower_change"].notna()),
        posts_days=intervals["days"].where(intervals["new_posts"].notna()),
    )
    sums = known.groupby(ACCOUNT_YEAR, sort=False).agg(
        intervals=("days", "size"),
        days=("days", "sum"),
        followers_start=("followers_start", "first"),
        follower_change=("follower_change", "sum"),
        follower_days=("follower_days", "sum"),
        new_posts=("new_posts", "sum"),
        posts_days=("posts_days", "sum"),
    )
    followers_known = sums["follower_days"] > 0
    posts_known = sums["posts_days"] > 0
    sums["follower_change"] = sums["follower_change"].where(followers_known)
    sums["new_posts"] = sums["new_posts"].where(posts_known)
    per_30_days = 30 / sums["follower_days"].where(followers_known)
    sums["followers_per_30d"] = sums["follower_change"] * per_30_days
    sums["growth_per_30d"] = (sums["follower_change"] / sums["followers_start"]
                              * per_30_days).mask(sums["followers_start"] == 0)
    sums["posts_per_day"] = sums["new_posts"] / sums["posts_days"].where(posts_known)
    sums["dormant"] = (sums["new_posts"] <= 0).astype("boolean").where(posts_known)
    return sums.drop(columns=["follower_days", "posts_days"]).reset_index()


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
    years = _known_sectors(account_years(table))
    medians = [_median_rows(years, metric, confidence, n_resamples, seed) for metric in metrics]
    summary = pd.concat([*medians, _dormant_rows(years, confidence)], ignore_index=True)
    return summary.sort_values(["platform", "year", "sector", "metric"],
                               ignore_index=True)


def _known_sectors(years: pd.DataFrame) -> pd.DataFrame:
    return years[(years["sector"] != UNKNOWN).to_numpy()]


def _median_rows(years: pd.DataFrame, metric: str, confidence: float, n_resamples: int,
                 seed: int) -> pd.DataFrame:
    rows = []
    for (platform, year, sector), group in years.groupby(["platform", "year", "sector"]):
        values = group[metric].astype("Float64").dropna().to_numpy(dtype=float)
        rng = np.random.default_rng([seed, int(year), _code(platform, sector, metric)])
        value, low, high = median_interval(values, confidence, n_resamples, rng)
        rows.append({"platform": platform, "year": year, "sector": sector, "metric": metric,
                     "statistic": "median", "n": len(values), "value": value, "low": low,
                     "high": high})
    frame = pd.DataFrame(rows)
    frame["dormant"] = pd.NA
    frame["confidence"] = confidence
    frame["method"] = f"percentile bootstrap, {n_resamples} resamples, seed {seed}"
    return frame


def median_interval(values: np.ndarray, confidence: float, n_resamples: int,
                    rng: np.random.Generator) -> tuple[float, float, float]:
    """The median and its percentile bootstrap interval (NaN bounds below 2 values)."""
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    median = float(np.median(values))
    if len(values) < 2:
        return median, np.nan, np.nan
    if np.all(values == values[0]):
        return median, median, median  # every resample has this median
    from scipy.stats import bootstrap

    result = bootstrap((values,), np.median, n_resamples=n_resamples,
                       confidence_level=confidence, method="percentile", vectorized=True,
                       rng=rng)
    return median, float(result.confidence_interval.low), float(result.confidence_interval.high)


def _code(*parts: object) -> int:
    """A stable number for a group's name, so its random stream does not depend on
    which other groups are in the table (Python's hash() changes between runs)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def _dormant_rows(years: pd.DataFrame, confidence: float) -> pd.DataFrame:
    from adoption.stats import wilson_interval

    known = years[years["dormant"].notna().to_numpy()]
    counts = (known.assign(dormant=known["dormant"].astype(int))
              .groupby(["platform", "year", "sector"], as_index=False)
              .agg(n=("dormant", "size"), dormant=("dormant", "sum")))
    low, high = wilson_interval(counts["dormant"].to_numpy(dtype=float),
                                counts["n"].to_numpy(dtype=float), confidence)
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
    from scipy.stats import mannwhitneyu

    years = account_years(table)
    rows = []
    for (platform, year), group in years.groupby(["platform", "year"]):
        x = _values(group, first, metric)
        y = _values(group, second, metric)
        row = {"platform": platform, "year": year, "metric": metric, "first": first,
               "second": second, "n_first": len(x), "n_second": len(y),
               "median_first": np.median(x) if len(x) else np.nan,
               "median_second": np.median(y) if len(y) else np.nan,
               "u_statistic": np.nan, "p_value": np.nan, "superiority": np.nan}
        if len(x) and len(y):
            test = mannwhitneyu(x, y, alternative="two-sided", method="auto")
            row.update(u_statistic=float(test.statistic), p_value=float(test.pvalue),
                       superiority=float(test.statistic) / (len(x) * len(y)))
        rows.append(row)
    comparison = pd.DataFrame(rows)
    comparison["p_adjusted"] = _holm_by_platform(comparison)
    comparison["method"] = "Mann-Whitney U, two-sided; Holm across years"
    return comparison


def _values(group: pd.DataFrame, sector: str, metric: str) -> np.ndarray:
    chosen = group.loc[(group["sector"] == sector).to_numpy(), metric]
    return chosen.astype("Float64").dropna().to_numpy(dtype=float)


def _holm_by_platform(comparison: pd.DataFrame) -> pd.Series:
    from statsmodels.stats.multitest import multipletests

    adjusted = pd.Series(np.nan, index=comparison.index)
    if comparison.empty:
        return adjusted
    for _, group in comparison.groupby("platform"):
        tested = group["p_value"].dropna()
        if len(tested):
            adjusted[tested.index] = multipletests(tested.to_numpy(), method="holm")[1]
    return adjusted
