"""Benchmark: snapshot archives of 1M and 10M rows (100M with --huge), on every engine.

    .venv/bin/python benchmarks/snapshots_scale.py                  # 1M and 10M rows
    .venv/bin/python benchmarks/snapshots_scale.py --huge           # and 100M
    .venv/bin/python benchmarks/snapshots_scale.py --sizes 10k --engines duckdb  # a check

For each size it writes a synthetic archive like a research group's: daily
`twarc2 users` harvests of the same accounts (100 per page, gzip JSON Lines,
two years), and a sector map. Then, each in a child process of its own so that
its peak memory is its own:

- plain DuckDB conversion: `read_json` of the JSONL files, writing the table's
  columns to one Parquet file, nothing else: the import's yardstick;
- import: `adoption snapshots import FILES --dataset DIR --sector-map CSV`, and
  the same with `-o OUT.parquet` (timed for the 1M and 10M archives; the 100M
  one is written straight into the dataset, since parsing 100M JSON objects is
  the import's cost measured at 10M, x10), and the plain conversion sorted as
  `-o` sorts; these four are timed in `--rounds` rounds (3), in turn, and
  compared round by round (medians shown);
- one more day: the next day's harvest imported into that dataset (its stored
  sector map applies), as a research group does every day, against the plain
  conversion of that one file and its import into a new dataset;
- summary: `summarise(dataset, engine=...)` for each engine: account-years,
  medians with 2,000-resample bootstrap intervals, dormant shares, tests;
- plain DuckDB: one hand-written SQL query doing the same aggregation (the
  account-years and the medians per sector and year, no intervals), the yardstick.

It prints two tables. The imports: seconds, rows a second, peak RSS (the
child's `ru_maxrss`, plus its largest worker's times the number of workers:
an upper bound), the ratio to the plain conversion (each round's, and their
median), and the CPU time used and its ratio; target: at most 2 x, with a
peak that does not grow with the archive. The summaries: seconds, peak
RSS (for Dask, the client plus the largest worker times the number of
workers, an upper bound), the ratio to the plain query, and how each cost
grows from one size to the next (10 = linear for 10 times the rows). The
targets (2 cores): 10M rows summarised within 1.5 x the plain query, under
3 GB; linear growth or better.

Generated data go to a temporary folder, deleted at the end, or to --data DIR
(kept, and reused by the next run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

DAYS = 730  # daily harvests, 2013 and 2014 (--days)
FIRST_DAY = pd.Timestamp("2013-01-01T12:00:00Z")
PAGE = 100
SECTORS = np.array(["nonprofit", "business", "unknown"])
SECTOR_SHARES = [0.45, 0.45, 0.10]  # unknown: caught in the harvest, not in the sector map
SEED = 2013
ENGINES = ("duckdb", "pandas", "dask")
MAX_JSONL_ROWS = 20_000_000  # beyond, the archive is written straight into the dataset
MAX_PANDAS_ROWS = 20_000_000  # pandas holds about 800 bytes a row
DASK_WORKERS = 2


# --- the synthetic archive ---

def parse_size(text: str) -> int:
    """'10k', '1M', '100M' or a plain number of rows."""
    units = {"k": 1_000, "m": 1_000_000}
    text = text.strip().lower()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def label(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1_000}k"


class Accounts:
    """Invented accounts and their counters, moved on one day at a time."""

    def __init__(self, count: int, n_days: int = DAYS, seed: int = SEED):
        rng = np.random.default_rng(seed)
        self.n_days = n_days
        self.rng = rng
        self.count = count
        self.sector = rng.choice(SECTORS, size=count, p=SECTOR_SHARES)
        business = self.sector == "business"
        self.followers = rng.lognormal(np.log(np.where(business, 3000, 1500)), 1.4).astype(int)
        self.gain = self.followers * rng.uniform(0.0005, 0.003, count)
        self.following = rng.lognormal(np.log(300), 1.0, count).astype(int)
        self.posts = rng.integers(0, 5000, count)
        self.posting = rng.lognormal(np.log(np.where(business, 1.0, 0.8)), 0.9)
        self.dormant_from = np.where(rng.random(count) < 0.15, rng.integers(0, n_days, count),
                                     n_days)
        created = FIRST_DAY - pd.to_timedelta(rng.uniform(30, 6 * 365, count), unit="D")
        self.created = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        self.ids = [str(19_000_000_000 + i) for i in range(count)]

    def next_day(self, day: int) -> None:
        self.followers += self.rng.poisson(self.gain)
        self.followers -= self.rng.binomial(self.followers, 0.0004)
        active = day < self.dormant_from
        self.posts += self.rng.poisson(self.posting * active)

    def sector_map(self, path: Path) -> None:
        known = self.sector != "unknown"
        pd.DataFrame({"platform": "twitter", "account_id": np.array(self.ids)[known],
                      "sector": self.sector[known],
                      "org_name": [f"Synthetic benchmark {i}" for i in np.flatnonzero(known)]}
                     ).to_csv(path, index=False)


def days(accounts: Accounts) -> Iterator[tuple[int, pd.Timestamp]]:
    for day in range(accounts.n_days):
        accounts.next_day(day)
        yield day, FIRST_DAY + pd.Timedelta(days=day)


def write_jsonl_archive(rows: int, folder: Path, n_days: int = DAYS) -> list[Path]:
    """One gzip JSONL harvest per day, as `twarc2 users` writes them, and the next
    day's (`next-day-*.jsonl.gz`: not part of the archive, imported after it)."""
    accounts = Accounts(max(1, rows // n_days), n_days)
    accounts.sector_map(folder / "sectors.csv")
    prefixes = [f'{{"id":"{i}","username":"synthetic_bench_{n}","name":"Synthetic benchmark '
                f'{n}","created_at":"{c}","public_metrics":{{"followers_count":'
                for n, (i, c) in enumerate(zip(accounts.ids, accounts.created, strict=True))]
    files = []
    accounts.n_days += 1  # the next day, written apart
    for day, when in days(accounts):
        users = [f'{p}{f},"following_count":{g},"tweet_count":{t},"listed_count":0}}}}'
                 for p, f, g, t in zip(prefixes, accounts.followers.tolist(),
                                       accounts.following.tolist(), accounts.posts.tolist(),
                                       strict=True)]
        path = folder / f"{'next-day' if day == n_days else 'harvest'}-{when:%Y-%m-%d}.jsonl.gz"
        with gzip.open(path, "wt", compresslevel=1) as out:
            for start in range(0, len(users), PAGE):
                retrieved = (when + pd.Timedelta(seconds=7 * start // PAGE)).isoformat()
                out.write('{"data":[' + ",".join(users[start:start + PAGE])
                          + '],"__twarc":{"version":"synthetic benchmark","retrieved_at":"'
                          + retrieved + '","synthetic":true}}\n')
        if day < n_days:
            files.append(path)
    return files


def write_dataset_directly(rows: int, folder: Path, dataset: Path, n_days: int = DAYS
                           ) -> None:
    """The same archive written straight into a dataset (for 100M rows)."""
    from adoption.snapshots.dataset import Manifest, PartitionWriter
    from adoption.snapshots.snapshot_table import conform

    accounts = Accounts(max(1, rows // n_days), n_days)
    accounts.sector_map(folder / "sectors.csv")
    writer = PartitionWriter(dataset, "benchmark")
    dataset.mkdir(parents=True)
    for _day, when in days(accounts):
        page = np.arange(accounts.count) // PAGE
        writer.write(conform(pd.DataFrame({
            "platform": "twitter", "account_id": accounts.ids,
            "handle": [f"synthetic_bench_{n}" for n in range(accounts.count)],
            "snapshot_at": when + pd.to_timedelta(7 * page, unit="s"),
            "created_at": pd.to_datetime(accounts.created, utc=True),
            "followers": accounts.followers, "following": accounts.following,
            "posts": accounts.posts, "listed": 0, "synthetic": True,
            "source_file": f"harvest-{when:%Y-%m-%d}.jsonl.gz", "source_line": page + 1})))
    parts = writer.close()
    Manifest(imports=[{"id": "benchmark", "at": pd.Timestamp.now(tz="UTC").isoformat(),
                       "files": [], "options": {},
                       "parts": [{"path": p.relative, "partition": p.partition,
                                  "rows": p.rows} for p in parts]}]).write(dataset)


# --- the plain DuckDB query: the yardstick ---

PLAIN_SQL = """
WITH snapshots AS (
    SELECT d.platform, d.account_id, coalesce(m.sector, d.sector) AS sector,
           d.snapshot_at, year(d.snapshot_at) AS year, d.followers, d.posts
    FROM read_parquet({parts}, hive_partitioning = false) d
    LEFT JOIN read_csv('{sector_map}', all_varchar = true) m USING (platform, account_id)
),
steps AS (
    SELECT *,
        epoch_us(snapshot_at) - lag(epoch_us(snapshot_at)) OVER account AS elapsed_us,
        followers - lag(followers) OVER account AS follower_change,
        posts - lag(posts) OVER account AS new_posts,
        row_number() OVER (PARTITION BY platform, account_id, year
                           ORDER BY snapshot_at DESC) AS from_last
    FROM snapshots
    WINDOW account AS (PARTITION BY platform, account_id ORDER BY snapshot_at)
),
account_years AS (
    SELECT platform, account_id, year,
        any_value(sector) FILTER (WHERE from_last = 1) AS sector,
        any_value(followers) FILTER (WHERE from_last = 1) AS followers,
        sum(follower_change) * (30 / (sum(elapsed_us) FILTER (
            WHERE follower_change IS NOT NULL) / 86400000000)) AS followers_per_30d,
        sum(new_posts) / (sum(elapsed_us) FILTER (
            WHERE new_posts IS NOT NULL) / 86400000000) AS posts_per_day,
        sum(new_posts) <= 0 AS dormant
    FROM steps GROUP BY ALL
)
SELECT platform, year, sector, count(*) AS account_years,
       median(followers) AS followers, median(followers_per_30d) AS followers_per_30d,
       median(posts_per_day) AS posts_per_day, avg(dormant::INTEGER) AS dormant
FROM account_years WHERE sector <> 'unknown'
GROUP BY ALL ORDER BY ALL
"""


def plain_query(dataset: Path, sector_map: Path, memory_limit: str | None = None
                ) -> pd.DataFrame:
    """Medians per platform, year and sector in one DuckDB query, nothing else."""
    import duckdb

    from adoption.snapshots import SnapshotDataset

    parts = "[" + ", ".join(f"'{p}'" for p in SnapshotDataset(dataset).part_paths()) + "]"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit:
        con.execute("SET memory_limit = $limit", {"limit": memory_limit})
    try:
        return con.sql(PLAIN_SQL.format(parts=parts, sector_map=sector_map)).to_df()
    finally:
        con.close()


# --- the measured steps, each in a child process ---

def peak_mb(*, children: int = 0) -> float:
    """This process's peak RSS in MB, plus `children` times its largest child's."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children * child) / 1024  # Linux reports kilobytes


def cpu_seconds() -> float:
    """CPU time used so far by this process (all its threads) and its children that
    have ended: the work done, which other programs on the machine slow down far less
    than they slow down the time it takes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def step_import(folder: Path, target: Path, to_file: bool, pattern: str) -> dict:
    """`adoption snapshots import` as the command runs it, into a dataset or one file,
    with the sector map (unless the dataset has it stored already)."""
    from adoption.cli import main
    from adoption.snapshots import SnapshotDataset

    files = sorted(folder.glob(pattern))
    where = ["-o", str(target)] if to_file else ["--dataset", str(target)]
    stored = not to_file and SnapshotDataset.is_dataset(target)
    given = [] if stored else ["--sector-map", str(folder / "sectors.csv")]
    start, cpu = time.perf_counter(), cpu_seconds()
    code = main(["snapshots", "import", *map(str, files), *where, *given, "--no-progress"])
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"adoption snapshots import exited {code}")
    return {"seconds": seconds, "cpu_seconds": cpu_seconds() - cpu,  # its workers' included
            "peak_mb": peak_mb(children=max(1, (os.cpu_count() or 1) - 1)),
            "rows_read": _rows_read(target, to_file, files),
            "input_mb": sum(f.stat().st_size for f in files) / 1e6}


def _rows_read(target: Path, to_file: bool, files: list[Path]) -> int:
    import pyarrow.parquet as pq

    from adoption.snapshots import SnapshotDataset

    names = {str(f) for f in files}
    return pq.ParquetFile(target).metadata.num_rows if to_file else sum(
        f["rows"] for f in SnapshotDataset(target).imported_files().to_dict("records")
        if f["name"] in names)


# The yardstick of the import: DuckDB's JSON reader writing the same columns to
# Parquet, and nothing else (no check, no line numbers, no repeated reads or
# conflicts, no sector map, no partitions).
PLAIN_CONVERSION_SQL = """
COPY (
    SELECT 'twitter' AS platform, u.id AS account_id, u.username AS handle, u.name AS name,
           'unknown' AS sector, NULL::VARCHAR AS org_id, NULL::VARCHAR AS org_name,
           __twarc.retrieved_at::TIMESTAMPTZ AS snapshot_at,
           u.created_at::TIMESTAMPTZ AS created_at,
           u.public_metrics.followers_count AS followers,
           u.public_metrics.following_count AS following,
           u.public_metrics.tweet_count AS posts, u.public_metrics.listed_count AS listed,
           u.verified AS verified, coalesce(__twarc.synthetic, false) AS synthetic,
           filename AS source_file
    FROM (SELECT unnest(data) AS u, __twarc, filename
          FROM read_json({files}, format = 'newline_delimited', filename = true,
                         columns = {{data: 'STRUCT(id VARCHAR, username VARCHAR,
                             name VARCHAR, created_at VARCHAR, verified BOOLEAN,
                             public_metrics STRUCT(followers_count BIGINT,
                             following_count BIGINT, tweet_count BIGINT,
                             listed_count BIGINT))[]',
                             __twarc: 'STRUCT(retrieved_at VARCHAR, synthetic BOOLEAN)'}}))
) TO '{out}' (FORMAT parquet, COMPRESSION zstd)
"""

# The yardstick of `-o`, which also sorts: the same conversion writing the rows in
# the order `-o` writes them, with the memory the import's DuckDB is given (past it,
# both spill to disk).
SORTED_CONVERSION_SQL = PLAIN_CONVERSION_SQL.replace(
    "\n) TO '{out}'", "\n    ORDER BY platform, account_id, snapshot_at\n) TO '{out}'")


def step_plain_conversion(folder: Path, out: Path, pattern: str, sort: bool = False
                          ) -> dict:
    """The plain conversion (`sort`: sorted as `-o` sorts, in its memory)."""
    import duckdb

    from adoption.snapshots.repeats import IMPORT_MEMORY_LIMIT

    files = sorted(folder.glob(pattern))
    listed = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    start, cpu = time.perf_counter(), cpu_seconds()
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        if sort:
            con.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
            con.execute(f"SET temp_directory = '{out.parent / 'plain-spill'}'")
        sql = SORTED_CONVERSION_SQL if sort else PLAIN_CONVERSION_SQL
        con.execute(sql.format(files=listed, out=out))
        rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
    finally:
        con.close()
    return {"seconds": time.perf_counter() - start, "cpu_seconds": cpu_seconds() - cpu,
            "peak_mb": peak_mb(), "rows_read": rows,
            "input_mb": sum(f.stat().st_size for f in files) / 1e6}


def step_summary(dataset: Path, engine: str, resamples: int, memory_limit: str | None
                 ) -> dict:
    from adoption.snapshots import summarise

    if engine != "dask":
        start = time.perf_counter()
        result = summarise(dataset, engine=engine, n_resamples=resamples,
                           memory_limit=memory_limit)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "peak_mb": peak_mb(), **_parts(result)}
    from adoption.snapshots.engines.in_dask import dask_client

    with dask_client(local_workers=DASK_WORKERS) as client:
        start = time.perf_counter()  # the cluster's start-up is not the computation's
        result = summarise(dataset, client=client, n_resamples=resamples)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(children=DASK_WORKERS), **_parts(result)}


def _parts(result) -> dict:
    return {"engine_seconds": result.seconds["accounts"] + result.seconds["account_years"],
            "stats_seconds": result.seconds["summary"] + result.seconds["comparisons"],
            "account_years": len(result.account_years)}


def step_plain(dataset: Path, sector_map: Path, memory_limit: str | None) -> dict:
    start = time.perf_counter()
    result = plain_query(dataset, sector_map, memory_limit)
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "groups": len(result)}


def run_child(*arguments: str) -> dict:
    """Run one step in a fresh Python; its last stdout line is its JSON result."""
    done = subprocess.run([sys.executable, __file__, "--step", *arguments],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no message"
        print(done.stderr[-3000:], file=sys.stderr)
        raise StepFailed(last)
    return json.loads(done.stdout.strip().splitlines()[-1])


class StepFailed(RuntimeError):
    """A measured step that did not finish (its error's last line): a result too."""


# --- the whole run ---

IMPORT_STEPS = ("plain DuckDB conversion", "import --dataset", "import -o",
                "plain DuckDB conversion, sorted as -o",
                "plain DuckDB conversion, one more day", "import one more day, new dataset",
                "import one more day --dataset")
DAY_STEPS = IMPORT_STEPS[4:]
ARCHIVE = "harvest-*.jsonl.gz"
NEXT_DAY = "next-day-*.jsonl.gz"


def prepare(rows: int, root: Path, n_days: int = DAYS, rounds: int = 1
            ) -> tuple[Path, Path, list[dict]]:
    """The archive of `rows` rows under root (reused if there), its dataset, and the
    imports' measures (none when the dataset was written directly)."""
    folder = root / label(rows)
    dataset = folder / "dataset"
    done = folder / "measure.json"
    if done.exists():
        return folder, dataset, json.loads(done.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    measures = []
    if rows > MAX_JSONL_ROWS:
        write_dataset_directly(rows, folder, dataset, n_days)
    else:
        write_jsonl_archive(rows, folder, n_days)
        print(f"  {label(rows)}: archive written in {time.perf_counter() - start:.0f} s",
              file=sys.stderr)
        measures = [{"rows": rows, **measure}
                    for measure in measure_imports(folder, dataset, rounds)]
        measures += one_more_day(rows, folder, dataset)
        for leftover in [*folder.glob(ARCHIVE), *folder.glob(NEXT_DAY),
                         folder / "plain.parquet", folder / "table.parquet"]:
            leftover.unlink()  # the dataset is what the summaries read
    done.write_text(json.dumps(measures))
    return folder, dataset, measures


ROUND_STEPS = IMPORT_STEPS[:4]  # the archive's conversions and imports, timed in rounds


def measure_imports(folder: Path, dataset: Path, rounds: int) -> list[dict]:
    """The archive's plain conversions and imports (`ROUND_STEPS`), `rounds` times.

    Each round runs the four steps one after the other, starting one step further
    each round, so that no step always runs first or last; an import always starts
    from no dataset. A step's figures are the median of its seconds and the
    largest of its peaks; its ratio to the plain conversion is the median of the
    rounds' own ratios (`ratios`: each round's step against that round's plain
    conversion), which a busy spell of the machine shifts less than a ratio of
    two steps timed minutes apart."""
    timed: dict[str, list[dict]] = {step: [] for step in ROUND_STEPS}
    for number in range(rounds):
        for step in ROUND_STEPS[number % 4:] + ROUND_STEPS[:number % 4]:
            timed[step].append(_import_step(step, folder, dataset))
    plain = timed[ROUND_STEPS[0]]
    results = []
    for step, measures in timed.items():
        seconds = [measure["seconds"] for measure in measures]
        results.append({
            "step": step, "seconds": float(np.median(seconds)),
            "cpu_seconds": float(np.median([measure["cpu_seconds"] for measure in measures])),
            "peak_mb": max(measure["peak_mb"] for measure in measures),
            "rows_read": measures[-1]["rows_read"], "input_mb": measures[-1]["input_mb"],
            "plain_seconds": float(np.median([measure["seconds"] for measure in plain])),
            "round_seconds": seconds,
            "round_cpu_seconds": [measure["cpu_seconds"] for measure in measures],
            "ratios": _ratios(measures, plain, "seconds"),
            "cpu_ratios": _ratios(measures, plain, "cpu_seconds"),
        })
    return results


def _ratios(measures: list[dict], yardsticks: list[dict], key: str) -> list[float]:
    """Round by round, a step's `key` over its yardstick's."""
    return [mine[key] / yardstick[key] for mine, yardstick in zip(measures, yardsticks,
                                                                 strict=True)]


def _import_step(step: str, folder: Path, dataset: Path) -> dict:
    """One of `ROUND_STEPS`, in a child process (the dataset import into a new `dataset`,
    which stays for the summaries)."""
    if step == ROUND_STEPS[0]:
        return run_child("plain_conversion", str(folder), str(folder / "plain.parquet"),
                         ARCHIVE)
    if step == ROUND_STEPS[1]:
        shutil.rmtree(dataset, ignore_errors=True)
        return run_child("import", str(folder), str(dataset), "dataset", ARCHIVE)
    if step == ROUND_STEPS[2]:
        return run_child("import", str(folder), str(folder / "table.parquet"), "file",
                         ARCHIVE)
    return run_child("plain_conversion", str(folder), str(folder / "plain.parquet"), ARCHIVE,
                     "sorted")


def one_more_day(rows: int, folder: Path, dataset: Path) -> list[dict]:
    """The next day's harvest imported into the dataset, against its plain conversion
    and its import into a new dataset: what a daily import costs beyond the day's own
    rows (nothing, if it does not grow with the dataset)."""
    plain = run_child("plain_conversion", str(folder), str(folder / "plain.parquet"),
                      NEXT_DAY)
    alone = run_child("import", str(folder), str(folder / "day-dataset"), "dataset", NEXT_DAY)
    shutil.rmtree(folder / "day-dataset")
    day = run_child("import", str(folder), str(dataset), "dataset", NEXT_DAY)
    return [{"rows": rows, "step": step, **measure, "plain_seconds": plain["seconds"],
             "cpu_ratios": _ratios([measure], [plain], "cpu_seconds")}
            for step, measure in zip(DAY_STEPS, [plain, alone, day], strict=True)]


def machine() -> str:
    import dask
    import duckdb
    import pyarrow

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GB RAM, {platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}, pandas "
            f"{pd.__version__}, DuckDB {duckdb.__version__}, Dask {dask.__version__}, "
            f"pyarrow {pyarrow.__version__}")


def benchmark(sizes: list[int], engines: list[str], root: Path, resamples: int,
              n_days: int = DAYS, memory_limit: str | None = None,
              summaries: bool = True, rounds: int = 1) -> list[dict]:
    """Every step for every size; `memory_limit` caps DuckDB (ours and the plain query).
    `summaries=False`: the imports only. `rounds`: how many times the archive's
    conversions and imports are timed (`measure_imports`)."""
    results = []
    limit = memory_limit or ""
    for rows in sizes:
        folder, dataset, imported = prepare(rows, root, n_days, rounds)
        results += imported
        if not summaries:
            continue
        plain = run_child("plain", str(dataset), str(folder / "sectors.csv"), limit)
        results.append({"rows": rows, "step": "plain DuckDB query", "engine": "duckdb",
                        **plain, "plain_seconds": plain["seconds"]})
        for engine in engines:
            if engine == "pandas" and rows > MAX_PANDAS_ROWS:
                print(f"  {label(rows)}: pandas skipped (it would need about "
                      f"{rows * 800 // 10**9} GB)", file=sys.stderr)
                continue
            try:
                measure = run_child("summary", str(dataset), engine, str(resamples), limit)
            except StepFailed as failure:
                results.append({"rows": rows, "step": "summary", "engine": engine,
                                "failed": str(failure)})
                continue
            results.append({"rows": rows, "step": "summary", "engine": engine, **measure,
                            "plain_seconds": plain["seconds"]})
        print(f"  {label(rows)}: done", file=sys.stderr)
    return results


def import_table(results: list[dict]) -> str:
    """The imports against the plain conversion, as a Markdown table: the median of
    the rounds' ratios, and each round's when there were several; the same for the
    CPU time used."""
    lines = ["| rows | step | seconds | rows a second | peak RSS MB | x plain conversion "
             "| x plain, each round | CPU seconds | x plain: CPU |",
             "|---:|---|---:|---:|---:|---:|---|---:|---:|"]
    for r in results:
        if r["step"] in IMPORT_STEPS:
            ratios = r.get("ratios", [r["seconds"] / r["plain_seconds"]])
            each = ", ".join(f"{ratio:.2f}" for ratio in ratios) if len(ratios) > 1 else ""
            cpu = f"{r['cpu_seconds']:.2f}" if "cpu_seconds" in r else ""
            cpu_ratio = f"{np.median(r['cpu_ratios']):.2f}" if "cpu_ratios" in r else ""
            lines.append(f"| {label(r['rows'])} | {r['step']} | {r['seconds']:.2f} "
                         f"| {r['rows_read'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} "
                         f"| {np.median(ratios):.2f} | {each} | {cpu} | {cpu_ratio} |")
    # `-o` sorts what the plain conversion does not: against the conversion that does,
    # round by round.
    sorted_plain = {r["rows"]: r for r in results if r["step"] == IMPORT_STEPS[3]}
    against = ", ".join(
        f"{label(r['rows'])} {_paired_median(r, sorted_plain[r['rows']]):.2f} x"
        for r in results if r["step"] == IMPORT_STEPS[2] and r["rows"] in sorted_plain)
    if against:
        lines += ["", f"import -o against the plain conversion sorted as -o: {against}"]
    return "\n".join(lines)


def _paired_median(mine: dict, yardstick: dict) -> float:
    """The median over rounds of `mine`'s seconds over `yardstick`'s in the same round."""
    pairs = zip(mine.get("round_seconds", [mine["seconds"]]),
                yardstick.get("round_seconds", [yardstick["seconds"]]), strict=True)
    return float(np.median([a / b for a, b in pairs]))


def table(results: list[dict]) -> str:
    """The figures as a Markdown table. 'engine' is the engine's part of a summary
    (the account-years: the aggregation the plain query does); 'statistics' the
    bootstrap intervals, tests and their libraries' loading, which it does not do."""
    results = [r for r in results if r["step"] not in IMPORT_STEPS]
    lines = ["| rows | step | engine | seconds | engine / statistics s | peak RSS MB "
             "| x plain: whole | x plain: engine part | growth vs previous size |",
             "|---:|---|---|---:|---|---:|---:|---:|---:|"]
    previous: dict[tuple[str, str], dict] = {}
    for r in results:
        if "failed" in r:
            lines.append(f"| {label(r['rows'])} | {r['step']} | {r['engine']} | failed: "
                         f"{r['failed'][:120]} | | | | | |")
            continue
        plain = r.get("plain_seconds")
        split = (f"{r['engine_seconds']:.1f} / {r['stats_seconds']:.1f}"
                 if "engine_seconds" in r else "")
        whole = f"{r['seconds'] / plain:.2f}" if plain else ""
        engine_part = (f"{r['engine_seconds'] / plain:.2f}"
                       if plain and "engine_seconds" in r else "")
        key = (r["step"], r["engine"])
        growth = (f"x{r['seconds'] / previous[key]['seconds']:.1f} for "
                  f"x{r['rows'] / previous[key]['rows']:.0f} rows" if key in previous else "")
        bound = "<= " if r["engine"] == "dask" else ""
        lines.append(f"| {label(r['rows'])} | {r['step']} | {r['engine']} | {r['seconds']:.1f} "
                     f"| {split} | {bound}{r['peak_mb']:.0f} | {whole} | {engine_part} "
                     f"| {growth} |")
        previous[key] = r
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1M", "10M"],
                        help="rows per archive, e.g. 10k 1M 10M (default: 1M 10M)")
    parser.add_argument("--huge", action="store_true", help="also 100M rows (about 1 hour)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--imports-only", action="store_true",
                        help="measure the imports against the plain conversion, no summary")
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--memory-limit", metavar="SIZE",
                        help="cap DuckDB's memory, ours and the plain query's, e.g. 2GB "
                             "(default: DuckDB's own, 80%% of RAM)")
    parser.add_argument("--days", type=int, default=DAYS,
                        help=f"daily harvests from 2013-01-01 (default {DAYS})")
    parser.add_argument("--rounds", type=int, default=3,
                        help="time the archive's conversions and imports this many times, "
                             "in turn; medians are shown (default 3)")
    parser.add_argument("--data", type=Path, help="keep the generated data here (reused)")
    parser.add_argument("--results", type=Path, help="also write the figures as JSON")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # a child's work
    args = parser.parse_args(argv)
    if args.step:
        return _child(args.step)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, not {args.rounds}")
    sizes = [parse_size(s) for s in args.sizes] + ([100_000_000] if args.huge else [])
    root = args.data or Path(tempfile.mkdtemp(prefix="adoption-benchmark-"))
    try:
        results = benchmark(sizes, args.engines, root, args.resamples, args.days,
                            args.memory_limit, summaries=not args.imports_only,
                            rounds=args.rounds)
    finally:
        if args.data is None:
            shutil.rmtree(root, ignore_errors=True)
    print(f"machine: {machine()}\n")
    print(import_table(results))
    if not args.imports_only:
        print()
        print(table(results))
    if args.results:
        args.results.write_text(json.dumps({"machine": machine(), "results": results},
                                           indent=1))
    return 0


def _child(step: list[str]) -> int:
    name, *arguments = step
    if name == "import":
        result = step_import(Path(arguments[0]), Path(arguments[1]), arguments[2] == "file",
                             arguments[3])
    elif name == "plain_conversion":
        result = step_plain_conversion(Path(arguments[0]), Path(arguments[1]), arguments[2],
                                       sort=arguments[3:] == ["sorted"])
    elif name == "summary":
        result = step_summary(Path(arguments[0]), arguments[1], int(arguments[2]),
                              arguments[3] or None)
    else:
        result = step_plain(Path(arguments[0]), Path(arguments[1]), arguments[2] or None)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
