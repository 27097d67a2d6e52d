"""The Dask engine: the same computation on a cluster (`dask.distributed`).

Dask cannot compute a median or a lag exactly across partitions without
bringing each group's rows together, so it does just that: a shuffle by
account puts every snapshot of an account in one partition, and each partition
then runs the pandas definition (`account_metrics.account_year_sums`) on whole
accounts. The results are the pandas engine's exactly, computed by as many
workers as the cluster has. The account list (`accounts`) needs no shuffle: a
grouped count and minimum, combined across partitions.

The workers read the Parquet parts themselves, so the dataset must be at the
same path on every worker (a shared file system), and every worker needs
`adoption` installed in the same version as the client (it runs its functions).

    with dask_client("tcp://scheduler:8786") as client:       # a running cluster
        summarise("archive/", engine="dask", client=client)
    with dask_client(local_workers=2) as client:               # this machine
        ...
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

import pandas as pd

from adoption.snapshots.engines.common import ACCOUNT_COLUMNS, Source, tidy_accounts
from adoption.snapshots.snapshot_table import DTYPES, conform

SUM_INPUT = ["platform", "account_id", "handle", "sector", "snapshot_at", "created_at",
             "followers", "posts"]
ACCOUNT = ["platform", "account_id"]
PARTITION_BYTES = "32MiB"  # of Parquet row groups: about 200,000 snapshots, 0.5 GB in pandas


@contextlib.contextmanager
def dask_client(address: str | None = None, *, local_workers: int | None = None
                ) -> Iterator[object]:
    """A dask.distributed Client on the scheduler at `address` (tcp://HOST:PORT), or on
    a local cluster of `local_workers` processes (one thread each, loopback only),
    closed on exit."""
    # Deferred: Dask only when this runs.
    from dask.distributed import Client, LocalCluster

    if address:
        with Client(address) as client:
            yield client
        return
    # Its log (shuffles starting and ending, at WARNING) is the cluster's business:
    # only errors reach the user's terminal.
    with LocalCluster(n_workers=local_workers or 2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def dask_deprecations_silenced() -> Iterator[None]:
    """Dask's Parquet reader uses pandas calls that pandas 3.1 deprecates; the warning
    is Dask's to fix, and would otherwise reach users by the dozen."""
    # Deferred: pandas only when this runs.
    from pandas.errors import Pandas4Warning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=Pandas4Warning, module=r"dask\.")
        yield


def typed(part: pd.DataFrame) -> pd.DataFrame:
    """A partition in the snapshot table's dtypes (Dask may read strings as pyarrow's)."""
    return part.astype({c: DTYPES[c] for c in part.columns})


def partition_sums(part: pd.DataFrame) -> pd.DataFrame:
    """`account_year_sums` of the whole accounts in one (shuffled) partition."""
    # Deferred: it loads statsmodels and scipy; only when this runs.
    from adoption.snapshots.account_metrics import SUM_DTYPES, account_year_sums

    sums = account_year_sums(typed(part))
    return sums[list(SUM_DTYPES)].astype(SUM_DTYPES)


class DaskEngine:
    """Dask on a dataset's parts (or on a DataFrame split in partitions)."""

    name = "dask"

    def __init__(self, source: Source, *, client: object = None):
        self.source = source
        self.client = client
        if source.frame is None and not source.parts:
            raise ValueError(f"{source.label}: no snapshots to read")

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """The client belongs to the caller, who closes it."""

    def _frame(self, columns: list[str]):
        # Deferred: Dask only when this runs.
        import dask.dataframe as dd

        if self.source.frame is not None:
            frame = self.source.frame[columns]
            return dd.from_pandas(frame, npartitions=max(2, len(frame) // 1_000_000))
        # Partitions of about PARTITION_BYTES, whatever the size of the part files, so
        # that a worker never holds a whole month of a large archive at once (the
        # shuffle keeps the same number of partitions).
        return dd.read_parquet([str(p) for p in self.source.parts], columns=columns,
                               dataset={"partitioning": None}, split_row_groups="adaptive",
                               blocksize=PARTITION_BYTES)

    def _compute(self, collection) -> pd.DataFrame:
        with dask_deprecations_silenced():
            if self.client is not None:
                return self.client.compute(collection, sync=True)
            return collection.compute()

    def accounts(self, provenance: bool = False) -> pd.DataFrame:
        """`provenance` is not available here (messages then name no line)."""
        with dask_deprecations_silenced():
            frame = self._frame([*ACCOUNT_COLUMNS, "snapshot_at"])
            grouped = frame.groupby(ACCOUNT_COLUMNS, dropna=False)["snapshot_at"]
            counted = grouped.agg(["count", "min"])
        accounts = self._compute(counted)
        accounts = accounts.rename(columns={"count": "rows", "min": "first_seen"})
        return tidy_accounts(accounts.reset_index())

    def year_sums(self) -> pd.DataFrame:

        with dask_deprecations_silenced():
            frame = self._frame(SUM_INPUT)
            by_account = frame.shuffle(on=ACCOUNT, npartitions=frame.npartitions)
            meta = partition_sums(conform(pd.DataFrame())[SUM_INPUT])
            sums = by_account.map_partitions(partition_sums, meta=meta)
        return self._compute(sums)
