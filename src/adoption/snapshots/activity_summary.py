"""Activity metrics and sector summaries of an archive of any size: `summarise`.

    from adoption.snapshots import summarise
    result = summarise("archive/")                 # a dataset: DuckDB, out of core
    result = summarise(["harvest.jsonl"], sector_map="sectors.csv")   # files: pandas
    result.summary          # per platform, year, sector: medians (bootstrap), dormant share
    result.comparisons      # nonprofit vs business: Mann-Whitney, Holm-adjusted
    result.account_years    # one row per account and year, the unit of both
    result.unmapped_note()  # the sentence to show beside any comparison

The engine (pandas, DuckDB or Dask, `adoption.snapshots.engines`) reduces the
snapshots to account-years; the statistics then run in pandas on those, the
same code whatever the engine, so every engine gives the same table.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.snapshots.account_metrics import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    MEDIAN_METRICS,
    account_years_from_sums,
    comparison_from_years,
    summary_from_years,
)
from adoption.snapshots.dataset import SnapshotDataset
from adoption.snapshots.engines import Source, make_engine
from adoption.snapshots.load import load_snapshots
from adoption.snapshots.sectors import (
    account_sectors,
    assign_sectors,
    empty_assignment,
    note_from_counts,
    read_sector_map,
    unmapped_counts,
)


@dataclass
class ActivitySummary:
    """What `summarise` found; see the module's docstring."""

    engine: str
    account_years: pd.DataFrame
    summary: pd.DataFrame
    comparisons: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)  # unmapped, accounts, rows
    seconds: dict[str, float] = field(default_factory=dict)  # time of each step

    def unmapped_note(self, language: str = "en") -> str | None:
        """Accounts left out of the comparisons as `unknown`, in words (or None)."""
        return note_from_counts(self.counts["unmapped"], self.counts["accounts"],
                                self.counts["rows"], language)


def summarise(
    source: str | Path | Sequence[str | Path] | pd.DataFrame | SnapshotDataset,
    *,
    engine: str = "auto",
    client: object = None,
    sector_map: str | Path | pd.DataFrame | None = None,
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    metrics: Sequence[str] = MEDIAN_METRICS,
    threads: int | None = None,
    memory_limit: str | None = None,
    **load_options: object,
) -> ActivitySummary:
    """Account-years, sector summaries and comparisons of a snapshot archive.

    source: a dataset folder (or `SnapshotDataset`), snapshot files in any format
        `load_snapshots` reads (with its options, e.g. `snapshot_at=`), or the
        snapshot table as a DataFrame.
    engine: 'pandas', 'duckdb' or 'dask'; 'auto' is DuckDB for a dataset, Dask when
        a `client` is given, pandas otherwise (files are read into memory anyway).
    client: a dask.distributed Client (see `engines.in_dask.dask_client`).
    sector_map: overrides the map stored in a dataset; for files, as in
        `load_snapshots`. Accounts it does not name stay `unknown` and are left out.
    threads, memory_limit: DuckDB's settings (default: every core, DuckDB's limit).
    """
    clock = _Clock()
    data, stored_map = _source(source, load_options)
    chosen = _engine_name(engine, data, client)
    chosen_map = sector_map if sector_map is not None else stored_map
    if chosen_map is not None and not isinstance(chosen_map, pd.DataFrame):
        chosen_map = read_sector_map(chosen_map)
    with make_engine(chosen, data, client=client, threads=threads,
                     memory_limit=memory_limit) as running:
        accounts = running.accounts(provenance=chosen_map is not None)
        clock.lap("accounts")
        sums = running.year_sums()
        clock.lap("account_years")
    assignment = (empty_assignment() if chosen_map is None
                  else account_sectors(accounts, chosen_map, source=data.label))
    years = account_years_from_sums(assign_sectors(sums, assignment))
    summary = summary_from_years(years, metrics=metrics, confidence=confidence,
                                 n_resamples=n_resamples, seed=seed)
    clock.lap("summary")
    comparisons = pd.concat([comparison_from_years(years, metric) for metric in metrics],
                            ignore_index=True)
    clock.lap("comparisons")
    return ActivitySummary(chosen, years, summary, comparisons,
                           unmapped_counts(accounts, assignment), clock.laps)


def _source(source: object, load_options: dict) -> tuple[Source, Path | None]:
    """The engine's input and the dataset's stored sector map (if any)."""
    if isinstance(source, pd.DataFrame):
        return Source(frame=source, label="the snapshot table"), None
    if isinstance(source, str | Path) and SnapshotDataset.is_dataset(source):
        source = SnapshotDataset(source)
    if isinstance(source, SnapshotDataset):
        parts = tuple(source.part_paths())
        if not parts:
            raise ValueError(f"{source.path}: the dataset holds no snapshots yet")
        return Source(parts=parts, label=str(source.path)), source.sector_map_path()
    files = [source] if isinstance(source, str | Path) else list(source)
    table = load_snapshots(files, **load_options)  # type: ignore[arg-type]
    return Source(frame=table, label=", ".join(str(f) for f in files)), None


def _engine_name(engine: str, data: Source, client: object) -> str:
    if engine != "auto":
        if client is not None and engine != "dask":
            raise ValueError(f"a Dask cluster was given, but the engine is {engine!r}: "
                             "use engine='dask' (or 'auto')")
        return engine
    if client is not None:
        return "dask"
    return "duckdb" if data.parts else "pandas"


class _Clock:
    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.start
        self.start = now
