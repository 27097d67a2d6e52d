"""The pandas engine: the whole table in memory, the definitions of `activity` as they are.

The reference the other engines are tested against, and the right choice for
the tables of one study.
"""

from __future__ import annotations

import pandas as pd

from adoption.snapshots.engines.common import ACCOUNT_COLUMNS, Source, tidy_accounts
from adoption.snapshots.snapshot_table import DTYPES, conform


def read_parts(parts: tuple, columns: list[str] | None = None) -> pd.DataFrame:
    """Parquet parts as one snapshot table (hive folder names are not read as columns:
    every part holds all its columns)."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.dataset as ds


    if not parts:
        frame = conform(pd.DataFrame())
        return frame if columns is None else frame[columns]
    table = ds.dataset([str(p) for p in parts], format="parquet",
                       partitioning=None).to_table(columns=columns)
    frame = table.to_pandas()
    return frame.astype({c: DTYPES[c] for c in frame.columns})


def accounts_of(table: pd.DataFrame, provenance: bool = False) -> pd.DataFrame:
    """Each distinct (platform, account_id, handle, sector): rows, first_seen; with
    `provenance`, the source_file and source_line of its first snapshot."""
    grouped = table.groupby(ACCOUNT_COLUMNS, dropna=False, sort=False)["snapshot_at"]
    accounts = grouped.agg(rows="size", first_seen="min").reset_index()
    if provenance:
        first = (table.sort_values("snapshot_at", kind="stable")
                 .drop_duplicates(ACCOUNT_COLUMNS)[[*ACCOUNT_COLUMNS, "source_file",
                                                   "source_line"]])
        accounts = accounts.merge(first, on=ACCOUNT_COLUMNS, how="left")
    return tidy_accounts(accounts)


class PandasEngine:
    """Reads everything into memory once; fine for up to a few million rows."""

    name = "pandas"

    def __init__(self, source: Source):
        self.source = source
        self._table: pd.DataFrame | None = None

    def __enter__(self) -> PandasEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._table = None

    def table(self) -> pd.DataFrame:
        if self._table is None:
            self._table = (self.source.frame if self.source.frame is not None
                           else read_parts(self.source.parts))
        return self._table

    def accounts(self, provenance: bool = False) -> pd.DataFrame:
        return accounts_of(self.table(), provenance)

    def year_sums(self) -> pd.DataFrame:
        # Deferred: it loads statsmodels and scipy; only when this runs.
        from adoption.snapshots.account_metrics import account_year_sums

        return account_year_sums(self.table())
