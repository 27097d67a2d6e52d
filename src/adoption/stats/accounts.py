"""Statistics of account snapshots: medians, their differences, and the test between sectors.

Account metrics (posts per day, follower growth) are skewed: a few accounts post
hundreds of times a day. So sectors are compared by their medians, each with a
seeded percentile bootstrap interval, and by the difference of the two medians
with its own bootstrap interval (each sector resampled on its own: the samples are
independent). A difference is clear when that interval excludes zero, the same
rule as every other gap in the project. The Mann-Whitney U test, which asks
whether one sector's accounts tend to have higher values, is kept for analysts
(`mann_whitney`), with Holm's adjustment across years.

Every bootstrap draws from a seeded stream named after its group, so the same data
and seed give the same intervals whatever else is computed.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from scipy.stats import bootstrap, mannwhitneyu

from adoption.stats._checks import check_confidence

BOOTSTRAP_BATCH_VALUES = 8_000_000  # resampled values held at once: 64 MB


def stream(seed: int, *parts: object) -> np.random.Generator:
    """A random stream for one group, named by `parts` (stable across runs and tables:
    Python's hash() changes between runs, crc32 does not)."""
    code = zlib.crc32("|".join(str(part) for part in parts).encode())
    return np.random.default_rng([int(seed), code])


def median_interval(values: np.ndarray, confidence: float, n_resamples: int,
                    rng: np.random.Generator) -> tuple[float, float, float]:
    """The median and its percentile bootstrap interval (NaN bounds below 2 values)."""
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    median = float(np.median(values))
    if len(values) < 2:
        return median, math.nan, math.nan
    if np.all(values == values[0]):
        return median, median, median  # every resample has this median
    # Resamples are drawn in batches so memory stays bounded for large groups; the
    # batch size does not change the draws, hence not the interval.
    batch = max(1, min(n_resamples, BOOTSTRAP_BATCH_VALUES // len(values)))
    result = bootstrap((values,), median_of_rows, n_resamples=n_resamples,
                       confidence_level=check_confidence(confidence), method="percentile",
                       vectorized=True, rng=rng, batch=batch)
    return median, float(result.confidence_interval.low), float(result.confidence_interval.high)


def median_difference(first: np.ndarray, second: np.ndarray, confidence: float,
                      n_resamples: int, rng: np.random.Generator
                      ) -> tuple[float, float, float]:
    """median(first) - median(second) with a percentile bootstrap interval, each sample
    resampled independently; NaN when a sample has fewer than 2 values."""
    if len(first) == 0 or len(second) == 0:
        return math.nan, math.nan, math.nan
    difference = float(np.median(first) - np.median(second))
    if len(first) < 2 or len(second) < 2:
        return difference, math.nan, math.nan
    if np.all(first == first[0]) and np.all(second == second[0]):
        return difference, difference, difference
    batch = max(1, min(n_resamples, BOOTSTRAP_BATCH_VALUES // (len(first) + len(second))))
    result = bootstrap((first, second), _median_gap, n_resamples=n_resamples,
                       confidence_level=check_confidence(confidence), method="percentile",
                       vectorized=True, paired=False, rng=rng, batch=batch)
    return (difference, float(result.confidence_interval.low),
            float(result.confidence_interval.high))


def mann_whitney(first: np.ndarray, second: np.ndarray) -> tuple[float, float, float]:
    """(U, two-sided p-value, superiority): superiority is U / (n1 n2), the chance that a
    random value of `first` is the higher (ties count half); NaN for an empty sample."""
    if len(first) == 0 or len(second) == 0:
        return math.nan, math.nan, math.nan
    test = mannwhitneyu(first, second, alternative="two-sided", method="auto")
    return (float(test.statistic), float(test.pvalue),
            float(test.statistic) / (len(first) * len(second)))


def median_of_rows(resamples: np.ndarray, axis: int) -> np.ndarray:
    """`np.median` of each resample, bit for bit, in half the time: one partition in
    place (the resamples are scipy's temporary copy), the two middle values of an
    even count averaged as `np.median` does, (lower + upper) / 2. No value is NaN
    (missing values are dropped before), so no NaN check is needed."""
    rows = np.moveaxis(resamples, axis, -1)
    middle = rows.shape[-1] // 2
    rows.partition(middle, axis=-1)
    upper = rows[..., middle]
    if rows.shape[-1] % 2:
        return upper.copy()
    return (rows[..., :middle].max(axis=-1) + upper) / 2


def _median_gap(first: np.ndarray, second: np.ndarray, axis: int) -> np.ndarray:
    return median_of_rows(first, axis) - median_of_rows(second, axis)
