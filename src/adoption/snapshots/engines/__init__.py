"""Where the activity metrics are computed: pandas, DuckDB or Dask, with equal results.

An engine answers two questions about a snapshot table, however large it is:

    accounts()    each distinct (platform, account_id, handle, sector) with its number
                  of rows and first snapshot: what a sector map is matched against,
                  and what the unmapped note counts
    year_sums()   `account_metrics.account_year_sums`: exact integers per account and year,
                  with the sector and levels of the year's last snapshot

Everything after that (the sector map's assignment, which is per account and
so applies to account-years as it would to every row; days and rates; medians,
bootstrap intervals, tests) runs in pandas on their answers
(`adoption.snapshots.activity_summary`), which are small (one row per account and
year). So the engines share one definition of every floating-point step and
cannot drift apart; what each engine does is exact.

- `pandas` reads the whole table into memory and runs `account_metrics.account_year_sums`,
  the definition itself: for small inputs (the default for files).
- `duckdb` reads the Parquet parts out of core and runs the same definition
  written in SQL (`in_duckdb.YEAR_SUMS_SQL`): for datasets on one machine (the
  default for a dataset).
- `dask` reads the parts by partition, shuffles them so each account's rows are
  together, then runs the pandas definition on each partition: for datasets
  beyond one machine (`dask.distributed`).
"""

from __future__ import annotations

from adoption.snapshots.engines.common import (
    ACCOUNT_COLUMNS,
    ACCOUNTS_DTYPES,
    ENGINES,
    Engine,
    Source,
    tidy_accounts,
    tidy_sums,
)
from adoption.snapshots.engines.in_dask import DaskEngine
from adoption.snapshots.engines.in_duckdb import DuckDBEngine
from adoption.snapshots.engines.in_pandas import PandasEngine

__all__ = ["ACCOUNTS_DTYPES", "ACCOUNT_COLUMNS", "ENGINES", "Engine", "Source", "make_engine",
           "tidy_accounts", "tidy_sums"]


def make_engine(name: str, source: Source, *, client: object = None, threads: int | None = None,
                memory_limit: str | None = None) -> Engine:
    """The engine called `name` on `source`. `client`: a dask.distributed Client
    (Dask only); `threads`, `memory_limit` (e.g. '2GB'): DuckDB's settings. Each engine
    is imported when asked for: DuckDB and Dask are heavy, and most runs use one."""
    if name == "pandas":
        return PandasEngine(source)
    if name == "duckdb":
        return DuckDBEngine(source, threads=threads, memory_limit=memory_limit)
    if name == "dask":
        return DaskEngine(source, client=client)
    raise ValueError(f"engine {name!r}: expected one of {', '.join(ENGINES)}")
