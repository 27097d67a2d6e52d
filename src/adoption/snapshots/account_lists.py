"""The dataset's accounts, kept beside its parts: what a sector map is checked against.

A sector map is checked against every account of a dataset at every import
that has one (`importer._check_sectors`, the rules of
`sectors.account_sectors`). What the check needs of the rows is one line per
distinct (platform, account_id, handle, sector): its rows, its first snapshot
and the file and line of that first read (`engines.in_duckdb.ACCOUNTS_SQL`).
Read from every row, that took most of a daily import and grew with the
dataset: 0.85 s of a 1.1 s import of one day's harvest into 10M rows.

So the check keeps what it found: the *account list*, `accounts/<import>.parquet`,
named in the manifest with the last import it covers. The next check reads the
list, and the rows only of the imports since (this one's, for a daily import),
and writes the list again with them. Its size is the number of accounts and
handles, whatever the number of rows or imports. Merging gives what the query
gives on all the rows at once: rows add up, the first snapshot is the earliest,
and the first read is the one of that snapshot.

An import without any sector map writes no list; the next check reads the
imports the list does not cover. A dataset imported before lists existed has
none, and a list deleted or damaged by hand is done without: the next check
reads every row, once, and keeps the list again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from adoption.snapshots.engines.common import tidy_accounts
from adoption.snapshots.engines.in_duckdb import (
    ACCOUNTS_SQL,
    FIRST_READ_SQL,
    parquet_source,
    to_pandas,
)

ACCOUNTS_FOLDER = "accounts"
LIST_COLUMNS = ("platform", "account_id", "handle", "sector", "rows", "first_seen",
                "source_file", "source_line")

# The accounts of the rows of the view `snapshots`.
ROWS_SQL = ACCOUNTS_SQL.format(provenance=FIRST_READ_SQL)

# The accounts of the view `account_sources` (a list, and accounts of rows),
# merged: ROWS_SQL's columns, in a stable order.
MERGED_SQL = """
SELECT platform, account_id, handle, sector, sum(rows)::BIGINT AS rows,
       min(first_seen) AS first_seen,
       arg_min({'file': source_file, 'line': source_line}, first_seen).file AS source_file,
       arg_min({'file': source_file, 'line': source_line}, first_seen).line AS source_line
FROM account_sources
GROUP BY platform, account_id, handle, sector
ORDER BY platform, account_id, handle, sector
"""


def list_path(import_id: str) -> str:
    """The list written by an import, relative to the dataset (or to its staging folder)."""
    return f"{ACCOUNTS_FOLDER}/{import_id}.parquet"


@dataclass
class AccountSources:
    """Where the dataset's accounts are to be found: a list (or none), and the parts
    whose rows it does not cover (those of later imports, and this one's)."""

    account_list: Path | None = None
    parts: list[Path] = field(default_factory=list)

    @classmethod
    def of(cls, root: Path, imports: list[dict], kept: dict | None) -> AccountSources:
        """The dataset at `root`, whose manifest lists `imports` and keeps the list
        `kept` ({'path', 'through': the id of the last import it covers}). A list
        that is gone or unreadable is done without: the rows are read instead."""
        ids = [entry["id"] for entry in imports]
        covered = 0
        if kept and kept["through"] in ids and _readable(root / kept["path"]):
            covered = ids.index(kept["through"]) + 1
        return cls(root / kept["path"] if covered else None,
                   [root / part["path"] for entry in imports[covered:]
                    for part in entry["parts"]])

    def __bool__(self) -> bool:
        return self.account_list is not None or bool(self.parts)


def _readable(account_list: Path) -> bool:
    """Whether the list is there, with the columns a list has (a list is only ever
    a copy of what the parts hold, so one deleted or damaged by hand is no error)."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.parquet as pq

    try:
        names = set(pq.read_schema(account_list).names)
    except (OSError, ValueError):  # gone, or not Parquet (pyarrow's errors are these)
        return False
    return names == set(LIST_COLUMNS)


def dataset_accounts(con, sources: AccountSources, new_list: Path) -> pd.DataFrame:
    """Every account of `sources`, as `DuckDBEngine.accounts(provenance=True)` gives
    them. When some parts are not covered by the list, the list is written again
    with them, to `new_list` (the caller keeps it); otherwise it is read as it is."""
    if not sources.parts:
        return _read(con, sources.account_list)
    queries = []
    if sources.account_list is not None:
        queries.append(f"SELECT * FROM {parquet_source([sources.account_list])}")
    con.execute("CREATE OR REPLACE TEMP VIEW snapshots AS "
                f"SELECT * FROM {parquet_source(sources.parts)}")
    queries.append(ROWS_SQL)
    con.execute("CREATE OR REPLACE TEMP VIEW account_sources AS "
                + " UNION ALL BY NAME ".join(f"({query})" for query in queries))
    new_list.parent.mkdir(parents=True, exist_ok=True)
    quoted = str(new_list).replace("'", "''")
    con.execute(f"COPY ({MERGED_SQL}) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)")
    return _read(con, new_list)


def _read(con, account_list: Path | None) -> pd.DataFrame:
    return tidy_accounts(to_pandas(con.sql(f"SELECT * FROM {parquet_source([account_list])}")))
