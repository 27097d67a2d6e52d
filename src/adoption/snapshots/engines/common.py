"""What every engine shares: the source it reads, the engine interface, and the
tidy shapes of its answers (see `adoption.snapshots.engines`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

ENGINES = ("pandas", "duckdb", "dask")
ACCOUNT_COLUMNS = ["platform", "account_id", "handle", "sector"]
ACCOUNTS_DTYPES = {"platform": "string", "account_id": "string", "handle": "string",
                   "sector": "string", "rows": "int64", "first_seen": "datetime64[us, UTC]"}


@dataclass(frozen=True)
class Source:
    """A snapshot table to compute on: Parquet parts (a dataset's), or a DataFrame
    already in memory. `label` names it in messages."""

    parts: tuple[Path, ...] = ()
    frame: pd.DataFrame | None = None
    label: str = "the snapshots"

    @classmethod
    def of(cls, data: Source | pd.DataFrame | Sequence[str | Path]) -> Source:
        if isinstance(data, Source):
            return data
        if isinstance(data, pd.DataFrame):
            return cls(frame=data)
        return cls(parts=tuple(Path(p).resolve() for p in data))


class Engine(Protocol):
    name: str

    def accounts(self, provenance: bool = False) -> pd.DataFrame: ...

    def year_sums(self) -> pd.DataFrame: ...

    def close(self) -> None: ...


def tidy_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """An engine's accounts in one order and dtypes (provenance columns kept)."""
    extra = [c for c in accounts.columns if c not in ACCOUNTS_DTYPES]
    tidy = accounts[[*ACCOUNTS_DTYPES, *extra]].astype(ACCOUNTS_DTYPES)
    return tidy.sort_values(ACCOUNT_COLUMNS, ignore_index=True)


def tidy_sums(sums: pd.DataFrame) -> pd.DataFrame:
    """An engine's year sums in one order and dtypes, to compare engines."""
    # Deferred: it loads statsmodels and scipy; only when this runs.
    from adoption.snapshots.account_metrics import ACCOUNT_YEAR, SUM_DTYPES

    return (sums[list(SUM_DTYPES)].astype(SUM_DTYPES)
            .sort_values(ACCOUNT_YEAR, ignore_index=True))
