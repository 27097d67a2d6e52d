"""The DuckDB engine: the metrics in SQL, on the Parquet parts, out of core.

DuckDB reads only the columns a query needs, runs on every core, and spills to
disk beyond its memory limit, so a dataset much larger than memory is
summarised on a laptop. `YEAR_SUMS_SQL` is `account_metrics.account_year_sums`
written in SQL, line for line:

- sort by account and time, `groupby(...).shift()`: `lag(...) OVER (PARTITION BY
  platform, account_id ORDER BY snapshot_at)`;
- `epoch_us(snapshot_at)`: `epoch_us(snapshot_at)`, whole microseconds;
- `.tail(1)` of each account-year (the last snapshot's levels):
  `arg_max({...}, snapshot_at)`, the whole last row as a struct, nulls included;
- `count` of elapsed times: `count(elapsed_us)`;
- `sum` of integers (missing skipped, 0 when none): `coalesce(sum(...), 0)`,
  exact (128-bit), cast back to 64-bit;
- `first` known previous followers: `arg_min(previous_followers, snapshot_at)
  FILTER (WHERE previous_followers IS NOT NULL)`.

Only integers and timestamps come out; the floating-point steps are pandas',
shared by every engine (`account_metrics.account_years_from_sums`). Times are read in
UTC (`SET TimeZone = 'UTC'`), so `year(snapshot_at)` is the UTC year, as in pandas.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from adoption.snapshots.engines.common import Source, tidy_accounts

YEAR_SUMS_SQL = """
WITH timed AS (
    SELECT platform, account_id, handle, sector, snapshot_at, created_at, followers, posts,
           year(snapshot_at)::INTEGER AS year, epoch_us(snapshot_at) AS at_us
    FROM snapshots
),
steps AS (
    SELECT *,
        at_us - lag(at_us) OVER account AS elapsed_us,
        lag(followers) OVER account AS previous_followers,
        followers - lag(followers) OVER account AS follower_change,
        posts - lag(posts) OVER account AS new_posts
    FROM timed
    WINDOW account AS (PARTITION BY platform, account_id ORDER BY snapshot_at)
),
sums AS (
    SELECT platform, account_id, year,
        arg_max({'sector': sector, 'handle': handle, 'snapshot_at': snapshot_at,
                 'followers': followers, 'posts': posts, 'created_at': created_at},
                snapshot_at) AS last,
        count(elapsed_us) AS intervals,
        CAST(coalesce(sum(elapsed_us), 0) AS BIGINT) AS elapsed_us,
        arg_min(previous_followers, snapshot_at)
            FILTER (WHERE previous_followers IS NOT NULL) AS followers_start,
        CAST(coalesce(sum(follower_change), 0) AS BIGINT) AS follower_change,
        CAST(coalesce(sum(elapsed_us) FILTER (WHERE follower_change IS NOT NULL), 0)
             AS BIGINT) AS follower_us,
        CAST(coalesce(sum(new_posts), 0) AS BIGINT) AS new_posts,
        CAST(coalesce(sum(elapsed_us) FILTER (WHERE new_posts IS NOT NULL), 0) AS BIGINT)
            AS posts_us
    FROM steps
    GROUP BY platform, account_id, year
)
SELECT platform, account_id, year, last.sector AS sector, last.handle AS handle,
       last.snapshot_at AS last_snapshot, last.followers AS followers,
       last.posts AS posts, last.created_at AS created_at,
       intervals, elapsed_us, followers_start, follower_change, follower_us,
       new_posts, posts_us
FROM sums
"""

ACCOUNTS_SQL = """
SELECT platform, account_id, handle, sector, count(*) AS rows,
       min(snapshot_at) AS first_seen
       {provenance}
FROM snapshots
GROUP BY platform, account_id, handle, sector
"""
FIRST_READ_SQL = """,
       arg_min({'file': source_file, 'line': source_line}, snapshot_at).file AS source_file,
       arg_min({'file': source_file, 'line': source_line}, snapshot_at).line AS source_line"""


@contextlib.contextmanager
def connect(*, threads: int | None = None, memory_limit: str | None = None,
            temp_directory: str | Path | None = None) -> Iterator[object]:
    """A DuckDB connection in UTC; `memory_limit` (e.g. '2GB') bounds what it holds
    before spilling to `temp_directory`."""
    # Deferred: DuckDB only when this runs.
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")  # our output is ours to print
        # Results are sorted where order matters; not keeping the input order saves memory.
        con.execute("SET preserve_insertion_order = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute("SET memory_limit = $limit", {"limit": memory_limit})
        if temp_directory:
            con.execute("SET temp_directory = $folder", {"folder": str(temp_directory)})
        yield con
    finally:
        con.close()


def to_pandas(result: object) -> pd.DataFrame:
    """A query's result as a DataFrame in pandas' nullable dtypes, by way of Arrow
    (DuckDB's own conversion warns under pandas 3.1 for time zone columns)."""
    # Deferred: pyarrow only when this runs.
    import pyarrow as pa

    nullable = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype(),
                pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype(),
                pa.large_string(): pd.StringDtype(), pa.string_view(): pd.StringDtype()}
    return result.to_arrow_table().to_pandas(types_mapper=nullable.get)


def parquet_source(parts: tuple[Path, ...] | list[Path]) -> str:
    """The SQL reading these part files (their folder names are not columns)."""
    paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parts)
    return f"read_parquet([{paths}], hive_partitioning = false)"


class DuckDBEngine:
    """DuckDB on a dataset's parts (or on a DataFrame, for tests and small inputs)."""

    name = "duckdb"

    def __init__(self, source: Source | list[Path], *, threads: int | None = None,
                 memory_limit: str | None = None, temp_directory: str | Path | None = None):
        self.source = Source.of(source)
        self._connection = connect(threads=threads, memory_limit=memory_limit,
                                   temp_directory=temp_directory)
        self.con = self._connection.__enter__()
        if self.source.frame is not None:
            self.con.register("snapshot_frame", self.source.frame)
            self.con.execute("CREATE VIEW snapshots AS SELECT * FROM snapshot_frame")
        elif self.source.parts:
            self.con.execute(
                f"CREATE VIEW snapshots AS SELECT * FROM {parquet_source(self.source.parts)}")
        else:
            raise ValueError(f"{self.source.label}: no snapshots to read")

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def accounts(self, provenance: bool = False) -> pd.DataFrame:
        query = ACCOUNTS_SQL.format(provenance=FIRST_READ_SQL if provenance else "")
        return tidy_accounts(to_pandas(self.con.sql(query)))

    def year_sums(self) -> pd.DataFrame:
        return to_pandas(self.con.sql(YEAR_SUMS_SQL))
