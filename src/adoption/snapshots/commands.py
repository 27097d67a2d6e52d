"""`adoption snapshots import` and `adoption snapshots summary`.

    adoption snapshots import FILE... -o OUT.parquet [--sector-map CSV]
        [--snapshot-at TIME] [--server DOMAIN] [--skip-bad-lines]
        [--batch-rows N] [--max-document-mb MB] [--progress | --no-progress]
    adoption snapshots import FILE... --dataset DIR      (or -o DIR/) [same options]
    adoption snapshots summary SOURCE... [--engine auto|pandas|duckdb|dask]
        [--cluster tcp://HOST:PORT | --local-cluster N] [--sector-map CSV]
        [--out FILE] [--account-years FILE] [--comparisons FILE] [--format ...]

`-o OUT.parquet` (or .csv) writes one table file (`adoption.snapshots.to_file`).
`--dataset DIR`, or `-o` naming a folder (`DIR/`, or one that exists), appends
the files to a partitioned Parquet dataset instead (`adoption.snapshots.dataset`).
Both stream the files in bounded memory. `summary` computes the activity metrics and
sector summaries on a dataset (DuckDB by default) or on files (pandas).

Exit 0 when done (warnings, if any, on stderr), 1 on bad input (raised as
DataError for the top-level command to print; nothing is written), 2 on wrong
usage. Outputs are built aside and moved into place, so a failed run leaves
an existing file, or dataset, untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from adoption.arguments import confidence_level, positive_int
from adoption.files import write_atomically
from adoption.problems import fail
from adoption.snapshots.jsonfile import DEFAULT_MAX_DOCUMENT_MB
from adoption.snapshots.notices import warnings_shown
from adoption.snapshots.workers import Worker, start_ahead, stop_unused

EPILOG = """\
formats, told apart by their content (not their names):
  the snapshot table's own layout  CSV or Parquet (see the codebook)
  Twitter API v1.1                 user objects, arrays of them, cursor pages
  Twitter API v2 / twarc2          response pages, JSON or JSONL (.gz too); users in
                                   data or includes.users; __twarc.retrieved_at is
                                   the snapshot time
  Mastodon                         Account entities, single or a list
  Bluesky                          getProfile / getProfiles responses

Only public counters and profile fields are kept; never post text.
Files without a retrieval time (all but twarc) need --snapshot-at.

Files are streamed in bounded memory: JSON Lines a line at a time (none longer
than --max-document-mb, 64 MB by default, decompressed), Parquet by row groups.

a dataset (--dataset DIR, or -o DIR/) grows with each import: files are
streamed into platform=P/month=YYYY-MM/ Parquet parts; a file already imported
(same SHA-256, whatever its name) is skipped; old parts are never rewritten.
Summarise it with: adoption snapshots summary DIR
"""

SUMMARY_EPILOG = """\
engines (--engine): the same results, computed where the data fit
  duckdb   out of core on this machine: the default for a dataset
  pandas   in memory: the default for files (read whole anyway)
  dask     on a dask.distributed cluster: --cluster tcp://HOST:PORT (the
           dataset at the same path on every worker, adoption installed there),
           or --local-cluster N worker processes on this machine

The summary (one row per platform, year, sector and metric: medians with
bootstrap intervals, the dormant share with its Wilson interval) goes to
stdout or --out; accounts of unknown sector are left out, and a note says how
many.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `snapshots` command group (with `import`) to the `adoption` command."""
    group = subparsers.add_parser(
        "snapshots", help="account activity snapshots: import archived API output",
        description="Account activity snapshots: public counters of accounts "
                    "(followers, following, posts, listed) archived over time.")
    group.set_defaults(run=_group_usage(group), func=_group_usage(group))
    commands = group.add_subparsers(title="commands", metavar="COMMAND")
    command = commands.add_parser(
        "import", help="normalise archived account data into the snapshot table",
        description="Read archived account data (any mix of formats) and write the "
                    "snapshot table, one row per account per snapshot time: to one file "
                    "(-o OUT.parquet), or appended to a partitioned dataset of any size "
                    "(--dataset DIR).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="archived files: JSON, JSONL (gzip too), CSV or Parquet")
    target = command.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--out", metavar="OUT.parquet",
                        help="the table to write: Parquet, or CSV if the name ends in .csv; "
                             "a folder (DIR/) means --dataset DIR")
    target.add_argument("--dataset", type=Path, metavar="DIR",
                        help="a partitioned Parquet dataset to create or extend, for "
                             "archives of any size")
    command.add_argument("--sector-map", type=Path, metavar="CSV",
                         help="CSV of platform, handle or account_id, sector, org_name: "
                              "who is a nonprofit, who a business (unlisted: unknown)")
    command.add_argument("--snapshot-at", type=_time_argument, metavar="TIME",
                         help="when the data were retrieved (UTC unless the time says "
                              "otherwise), for files that do not say, e.g. 2023-09-20T14:00Z")
    command.add_argument("--server", metavar="DOMAIN",
                         help="the Mastodon server the data came from, for its local "
                              "accounts (default: the host of each account's profile url)")
    command.add_argument("--skip-bad-lines", action="store_true",
                         help="keep the good lines of a JSONL file with bad (e.g. cut-short) "
                              "lines; the bad ones are reported as warnings")
    command.add_argument("--batch-rows", type=positive_int, default=None, metavar="N",
                         help="rows held in memory at once (default 50000)")
    command.add_argument("--max-document-mb", type=positive_number, default=None,
                         metavar="MB",
                         help="the longest JSONL line, or JSON file read whole, accepted "
                              "(decompressed; default 64)")
    command.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="a progress bar on stderr (default: on a terminal only)")
    command.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                         help="processes reading files at once (default: the number of "
                              "cores, for an archive of more than 16 MB)")
    command.set_defaults(run=run_import, func=run_import)
    _register_summary(commands)


def _register_summary(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "summary", help="activity metrics and sector summaries of a dataset or files",
        description="Compute the account-years (activity per account and year) and, per "
                    "platform, year and sector, the median activity with bootstrap "
                    "intervals and the share of dormant accounts.",
        epilog=SUMMARY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("sources", nargs="+", type=Path, metavar="SOURCE",
                         help="a dataset folder, or snapshot files in any format import reads")
    command.add_argument("--engine", choices=("auto", "pandas", "duckdb", "dask"),
                         default="auto", help="where to compute (default: duckdb for a "
                                              "dataset, pandas for files, dask with a cluster)")
    cluster = command.add_mutually_exclusive_group()
    cluster.add_argument("--cluster", metavar="tcp://HOST:PORT",
                         help="the scheduler of a running dask.distributed cluster")
    cluster.add_argument("--local-cluster", type=positive_int, metavar="N",
                         help="start a Dask cluster of N worker processes on this machine")
    command.add_argument("--sector-map", type=Path, metavar="CSV",
                         help="the sector map (default: the one stored in the dataset)")
    command.add_argument("--snapshot-at", type=_time_argument, metavar="TIME",
                         help="for files without a retrieval time, as in import")
    command.add_argument("--confidence", type=confidence_level, default=0.95, metavar="LEVEL",
                         help="of the intervals (default 0.95)")
    command.add_argument("--resamples", type=positive_int, default=2000, metavar="N",
                         help="bootstrap resamples for the median intervals (default 2000)")
    command.add_argument("--seed", type=int, default=2009, help="the bootstrap's seed")
    command.add_argument("--memory-limit", metavar="SIZE",
                         help="DuckDB: memory to use before spilling to disk, e.g. 2GB")
    command.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown",
                         help="how the summary is printed")
    command.add_argument("--out", type=Path, metavar="FILE",
                         help="write the summary there instead (.csv, .parquet or .json)")
    command.add_argument("--account-years", type=Path, metavar="FILE",
                         help="also write the account-years (.csv, .parquet or .json)")
    command.add_argument("--comparisons", type=Path, metavar="FILE",
                         help="also write the nonprofit-business comparisons (Mann-Whitney)")
    command.set_defaults(run=run_summary, func=run_summary)


def _group_usage(group: argparse.ArgumentParser):
    def usage(args: argparse.Namespace) -> int:
        group.print_help(sys.stderr)
        return 2
    return usage


def _time_argument(text: str):
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.snapshots.load import parse_time

    try:
        return parse_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive_number(text: str) -> float:
    """An argparse type: a number greater than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not greater than 0")
    return value


def run_import(args: argparse.Namespace) -> int:
    """Import the files and write the table. Raises DataError on bad input."""
    dataset = _dataset_target(args)
    out = Path(args.out) if dataset is None else None
    if out is not None and not out.parent.is_dir():
        raise fail(out, f"folder {str(out.parent)!r} does not exist",
                   expected="an output path in an existing folder")
    # Started before this process loads pandas and pyarrow, so that the workers
    # load theirs at the same time (`workers`); the import ends those it does not
    # need, and this, should it fail before.
    started = start_ahead(args.files, args.jobs)
    try:
        if dataset is not None:
            return _run_dataset_import(args, dataset, started)
        return _run_file_import(args, out, started)
    finally:
        stop_unused(started)


def _run_file_import(args: argparse.Namespace, out: Path, started: list[Worker] | None
                     ) -> int:
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.snapshots.to_file import import_to_file

    with warnings_shown():
        written = import_to_file(args.files, out, **_import_options(args), started=started)
    for skipped in written.skipped:
        print(f"{skipped.path}: skipped, {skipped.reason}", file=sys.stderr)
    print(written.describe())
    return 0


def _import_options(args: argparse.Namespace) -> dict:
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.snapshots.stream import DEFAULT_BATCH_ROWS

    return {"snapshot_at": args.snapshot_at, "sector_map": args.sector_map,
            "skip_bad_lines": args.skip_bad_lines, "server": args.server,
            "batch_rows": args.batch_rows or DEFAULT_BATCH_ROWS,
            "max_document_mb": args.max_document_mb or DEFAULT_MAX_DOCUMENT_MB,
            "progress": args.progress, "workers": args.jobs}


def _dataset_target(args: argparse.Namespace) -> Path | None:
    """The dataset folder asked for: --dataset DIR, or -o naming a folder (DIR/ or an
    existing folder); None for a single table file."""
    if args.dataset is not None:
        return args.dataset
    out = str(args.out)
    if out.endswith(("/", os.sep)) or Path(out).is_dir():
        return Path(out)
    return None


def _run_dataset_import(args: argparse.Namespace, dataset: Path,
                        started: list[Worker] | None) -> int:
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.snapshots.importer import import_snapshots

    with warnings_shown():
        report = import_snapshots(args.files, dataset, **_import_options(args),
                                  started=started)
    for skipped in report.skipped:
        print(f"{skipped.path}: skipped, {skipped.reason}", file=sys.stderr)
    print(report.describe())
    return 0


def run_summary(args: argparse.Namespace) -> int:
    """Summarise a dataset or files; print or write the tables. Raises DataError on
    bad input."""
    # Deferred: it loads statsmodels and scipy; only when this runs.
    from adoption.snapshots.activity_summary import summarise
    from adoption.snapshots.engines.in_dask import dask_client

    for path in (args.out, args.account_years, args.comparisons):
        if path is not None and not path.parent.is_dir():
            raise fail(path, f"folder {str(path.parent)!r} does not exist",
                       expected="an output path in an existing folder")
    sources = args.sources[0] if len(args.sources) == 1 else args.sources
    options = {} if args.snapshot_at is None else {"snapshot_at": args.snapshot_at}
    wants_cluster = args.cluster is not None or args.local_cluster is not None
    with warnings_shown(), (dask_client(args.cluster, local_workers=args.local_cluster)
                            if wants_cluster else contextlib.nullcontext()) as client:
        result = summarise(sources, engine=args.engine, client=client,
                           sector_map=args.sector_map, confidence=args.confidence,
                           n_resamples=args.resamples, seed=args.seed,
                           memory_limit=args.memory_limit, **options)
    _write_outputs(args, result)
    note = result.unmapped_note()
    if note:
        print(note, file=sys.stderr)
    seconds = sum(result.seconds.values())
    print(f"{len(result.account_years)} account-years, engine {result.engine}, "
          f"{seconds:.1f} s", file=sys.stderr)
    return 0


def _write_outputs(args: argparse.Namespace, result) -> None:

    tables = [(args.out, result.summary), (args.account_years, result.account_years),
              (args.comparisons, result.comparisons)]
    for path, table in tables:
        if path is not None:
            write_atomically(path, lambda aside, t=table, p=path: _write_frame(t, aside,
                                                                               p.suffix))
    if args.out is None:
        sys.stdout.write(_formatted(result.summary, args.format))


def _write_frame(table, path: Path, suffix: str) -> None:
    suffix = suffix.lower()
    if suffix == ".parquet":
        table.to_parquet(path, index=False)
    elif suffix == ".json":
        path.write_text(table.to_json(orient="records", indent=1, date_format="iso") + "\n")
    else:
        table.to_csv(path, index=False, lineterminator="\n")


def _formatted(table, form: str) -> str:
    if form == "csv":
        return table.to_csv(index=False, lineterminator="\n")
    if form == "json":
        return table.to_json(orient="records", indent=1) + "\n"
    shown = table[["platform", "year", "sector", "metric", "n", "value", "low", "high"]]
    return shown.to_markdown(index=False, floatfmt=".4g") + "\n"


