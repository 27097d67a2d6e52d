"""A snapshot archive too large for memory: a partitioned Parquet dataset.

    DIR/
      _adoption_dataset.json                          the manifest (the source of truth)
      platform=twitter/month=2014-01/part-<import>-<n>.parquet
      platform=twitter/month=2014-02/part-<import>-<n>.parquet
      sector_maps/<sha256>.csv                        the sector map given last
      accounts/<import>.parquet                       its accounts (account_lists)

Every part file holds rows of the snapshot table, all its columns, for one
platform and one calendar month (UTC) of `snapshot_at`: any part can be read
alone, and the layout is the usual "hive" one that DuckDB, Dask, Spark or
Polars understand. Because the key (platform, account, snapshot time) lies in
one partition, two reads of one snapshot can only meet in the same partition:
the checks an import makes on the dataset only scan the partitions it touches.

The manifest lists the imports (each file's name, SHA-256 and rows; the parts
it added), the stored sector map and the account list kept for checking it.
Readers read only the parts it lists, so a part written by an import that did
not finish is never read.

Writing it: `adoption.snapshots.importer` (`import_snapshots`, behind
`adoption snapshots import --dataset DIR`). Reading it: `SnapshotDataset`
below, `load_snapshots(DIR)` for a dataset that fits in memory, and
`adoption.snapshots.summarise(DIR)` for any size.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np
import pandas as pd

from adoption.files import write_atomically
from adoption.problems import fail
from adoption.snapshots.snapshot_table import DTYPES, conform, sort_table

if TYPE_CHECKING:
    import pyarrow as pa


MANIFEST_NAME = "_adoption_dataset.json"
FORMAT_NAME = "adoption snapshot dataset"
FORMAT_VERSION = 1
MAX_OPEN_PARTS = 32  # part files open for writing at once, during one import


@functools.cache
def arrow_schema():
    """The Parquet schema of every part: the snapshot table's columns and dtypes."""
    # Deferred: pyarrow only when this runs.
    import pyarrow as pa

    return pa.Schema.from_pandas(conform(pd.DataFrame()), preserve_index=False)



# --- the manifest ---

@dataclass
class Manifest:
    """What the dataset holds: its imports (files, hashes, parts) and its sector map."""

    imports: list[dict] = field(default_factory=list)
    sector_map: dict | None = None
    accounts: dict | None = None  # the account list kept: {'path', 'through'} (account_lists)

    @classmethod
    def read(cls, root: Path) -> Manifest:
        path = root / MANIFEST_NAME
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise fail(path, f"is not a readable dataset manifest ({error})",
                       expected="the JSON file written by adoption snapshots import") from None
        if data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
            raise fail(path, f"is not an {FORMAT_NAME} of version {FORMAT_VERSION}",
                       expected="a dataset written by this version of adoption")
        return cls(data.get("imports", []), data.get("sector_map"), data.get("accounts"))

    def write(self, root: Path) -> None:
        text = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION,
                           "layout": "platform=PLATFORM/month=YYYY-MM/part-IMPORT-N.parquet",
                           "columns": DTYPES, "imports": self.imports,
                           "sector_map": self.sector_map, "accounts": self.accounts},
                          indent=1, ensure_ascii=False)
        write_atomically(root / MANIFEST_NAME,
                         lambda aside: aside.write_text(text + "\n", encoding="utf-8"))

    def parts(self) -> list[dict]:
        """Every committed part: {'path' (relative to the dataset), 'partition', 'rows'}."""
        return [part for entry in self.imports for part in entry["parts"]]

    def known_files(self) -> dict[str, dict]:
        """sha256 -> the imported file's record (name, import id, time)."""
        return {f["sha256"]: {**f, "import": entry["id"], "at": entry["at"]}
                for entry in self.imports for f in entry["files"]}


class SnapshotDataset:
    """A snapshot dataset folder (see the module's docstring). Cheap to create: it
    reads the manifest when asked."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"SnapshotDataset({str(self.path)!r})"

    @staticmethod
    def is_dataset(path: str | Path) -> bool:
        """True for a folder holding a dataset manifest."""
        return (Path(path) / MANIFEST_NAME).is_file()

    def manifest(self) -> Manifest:
        return Manifest.read(self.path)

    def part_paths(self) -> list[Path]:
        """The committed part files, absolute, in import order."""
        return [(self.path / part["path"]).resolve() for part in self.manifest().parts()]

    def rows(self) -> int:
        return sum(part["rows"] for part in self.manifest().parts())

    def partitions(self) -> list[str]:
        """'platform=twitter/month=2014-01', ... in order."""
        return sorted({part["partition"] for part in self.manifest().parts()})

    def imported_files(self) -> pd.DataFrame:
        """One row per imported file: name, sha256, bytes, rows read, import id and time."""
        known = self.manifest().known_files().values()
        columns = ["name", "sha256", "bytes", "rows", "import", "at"]
        return pd.DataFrame([{c: f.get(c) for c in columns} for f in known], columns=columns)

    def sector_map_path(self) -> Path | None:
        stored = self.manifest().sector_map
        return None if stored is None else self.path / stored["path"]

    def to_pandas(self) -> pd.DataFrame:
        """Every row, as the snapshot table (sector map not applied): for datasets that
        fit in memory. Larger ones: `adoption.snapshots.summarise`."""
        parts = self.part_paths()
        if not parts:
            return conform(pd.DataFrame())
        # Deferred: pyarrow only when this runs.
        import pyarrow.dataset as ds

        table = ds.dataset([str(p) for p in parts], format="parquet",
                           partitioning=None).to_table()
        return sort_table(conform(table.to_pandas()))


# --- writing parts ---

@dataclass
class StagedPart:
    """A part file written by an import: its partition folder, name and rows."""

    partition: str
    name: str
    rows: int = 0

    @property
    def relative(self) -> str:
        return f"{self.partition}/{self.name}"



class PartitionWriter:
    """Batches of snapshot rows -> Parquet parts, one per platform and month.

    Rows wait in memory, per partition, until `flush_rows` of them are waiting
    (whatever their partitions); then each partition's rows become one row group
    of its part. So memory holds at most `flush_rows` rows besides the batch
    being read, whatever the size of the files, and a harvest of a few thousand
    rows a file still makes row groups of `flush_rows` rows, not one per file.
    At most `max_open` parts are open at once: the least recently used is closed
    and its partition gets a new part if more rows come. Parts are numbered from
    `first_part`, in the order they are opened: the order rows were read (see
    `repeats`), also when several writers share an import.
    """

    def __init__(self, folder: Path, import_id: str, max_open: int = MAX_OPEN_PARTS, *,
                 flush_rows: int = 50_000, first_part: int = 1):
        self.folder = folder
        self.import_id = import_id
        self.max_open = max_open
        self.flush_rows = flush_rows
        self.first_part = first_part
        self.schema = arrow_schema()
        self._open: OrderedDict[str, tuple[StagedPart, object]] = OrderedDict()
        self._parts: list[StagedPart] = []
        self._waiting: dict[str, list[pa.Table]] = {}
        self._waiting_rows = 0

    def write(self, batch: pa.Table | pd.DataFrame) -> None:
        """Rows of the table (Arrow in `arrow_schema()`, or pandas in `conform`'s dtypes)."""
        # Deferred: pyarrow only when this runs.
        import pyarrow as pa

        table = (batch if isinstance(batch, pa.Table)
                 else pa.Table.from_pandas(batch, schema=self.schema, preserve_index=False))
        if not table.num_rows:
            return
        if self._waiting_rows + table.num_rows > self.flush_rows:
            self._flush()
        for name, positions in partition_positions(table).items():
            whole = len(positions) == table.num_rows
            rows = table if whole else table.take(pa.array(positions))
            self._waiting.setdefault(name, []).append(rows)
            self._waiting_rows += rows.num_rows

    def _flush(self) -> None:
        # Deferred: pyarrow only when this runs.
        import pyarrow as pa

        for name, tables in self._waiting.items():
            part, writer = self._writer(name)
            rows = pa.concat_tables(tables)
            writer.write_table(rows, row_group_size=max(rows.num_rows, 1))
            part.rows += rows.num_rows
        self._waiting.clear()
        self._waiting_rows = 0

    def _writer(self, partition: str) -> tuple[StagedPart, object]:
        # Deferred: pyarrow only when this runs.
        import pyarrow.parquet as pq

        if partition in self._open:
            self._open.move_to_end(partition)
            return self._open[partition]
        if len(self._open) >= self.max_open:
            _, (_, oldest) = self._open.popitem(last=False)
            oldest.close()
        number = self.first_part + len(self._parts)
        part = StagedPart(partition, f"part-{self.import_id}-{number:05d}.parquet")
        path = self.folder / part.relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._parts.append(part)
        self._open[partition] = (part, pq.ParquetWriter(path, self.schema, compression="zstd"))
        return self._open[partition]

    def close(self) -> list[StagedPart]:
        self._flush()
        for _, writer in self._open.values():
            writer.close()
        self._open.clear()
        return [part for part in self._parts if part.rows]


def partition_positions(batch: pa.Table) -> dict[str, np.ndarray]:
    """'platform=twitter/month=2014-01' -> the positions of its rows in the batch."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.compute as pc

    when = batch["snapshot_at"]
    one = _one_partition(batch)
    if one is not None:  # a harvest file: one platform, one month
        return {one: np.arange(batch.num_rows)}
    platforms = batch["platform"].combine_chunks().dictionary_encode()
    names = platforms.dictionary.to_pylist()
    months = (pc.multiply(pc.year(when), 12).to_numpy(zero_copy_only=False)
              + pc.month(when).to_numpy(zero_copy_only=False) - 1)
    keys = platforms.indices.to_numpy(zero_copy_only=False) * 1_000_000 + months
    if (keys == keys[0]).all():  # a harvest file: one platform, one month
        groups = {keys[0]: np.arange(len(keys))}
    else:
        order = np.argsort(keys, kind="stable")
        starts = np.flatnonzero(np.diff(keys[order], prepend=-1))
        groups = dict(zip(keys[order][starts], np.split(order, starts[1:]), strict=True))
    return {partition_name(names[key // 1_000_000], *divmod(int(key % 1_000_000), 12)):
            positions for key, positions in groups.items()}


def _one_partition(batch: pa.Table) -> str | None:
    """The partition of every row of the batch, when they share one; else None.
    Asked of the smallest and largest values (cheaper than every row's month)."""
    # Deferred: pyarrow only when this runs.
    import pyarrow.compute as pc

    when = batch["snapshot_at"]
    if not batch.num_rows or when.null_count or batch["platform"].null_count:
        return None
    platforms = pc.min_max(batch["platform"])
    times = pc.min_max(when.cast("int64"))  # microseconds since 1970, UTC
    platform = platforms["min"].as_py()
    if platform != platforms["max"].as_py():
        return None
    first, last = (_EPOCH + datetime.timedelta(microseconds=times[end].as_py())
                   for end in ("min", "max"))
    if (first.year, first.month) != (last.year, last.month):
        return None
    return partition_name(platform, first.year, first.month - 1)


_EPOCH = datetime.datetime(1970, 1, 1)


def partition_name(platform: str, year: int, month0: int) -> str:
    """Hive-style, with the platform escaped as in a URL (it names a folder).
    `month0` counts from 0 (January)."""
    return f"platform={quote(platform, safe='')}/month={year:04d}-{month0 + 1:02d}"
