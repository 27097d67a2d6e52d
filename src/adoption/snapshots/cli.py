"""`adoption snapshots import`: archived account data -> one snapshot table file.

    adoption snapshots import FILE... -o OUT.parquet [--sector-map CSV]
        [--snapshot-at TIME] [--server DOMAIN] [--skip-bad-lines]

Exit 0 when written (warnings, if any, on stderr), 1 on bad input (raised as
DataError for the top-level command to print; nothing is written), 2 on wrong
usage. The output is built aside and moved into place, so a failed run leaves
an existing file untouched.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from adoption.problems import fail

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
                    "snapshot table, one row per account per snapshot time.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="archived files: JSON, JSONL (gzip too), CSV or Parquet")
    command.add_argument("-o", "--out", type=Path, required=True, metavar="OUT.parquet",
                         help="the table to write: Parquet, or CSV if the name ends in .csv")
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
    command.set_defaults(run=run_import, func=run_import)


def _group_usage(group: argparse.ArgumentParser):
    def usage(args: argparse.Namespace) -> int:
        group.print_help(sys.stderr)
        return 2
    return usage


def _time_argument(text: str):
    from adoption.snapshots.load import parse_time

    try:
        return parse_time(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_import(args: argparse.Namespace) -> int:
    """Import the files and write the table. Raises DataError on bad input."""
    from adoption.snapshots.load import load_snapshots
    from adoption.snapshots.table import SnapshotWarning, write_table

    out: Path = args.out
    if not out.parent.is_dir():
        raise fail(out, f"folder {str(out.parent)!r} does not exist",
                   expected="an output path in an existing folder")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SnapshotWarning)
        try:
            table = load_snapshots(args.files, snapshot_at=args.snapshot_at,
                                   sector_map=args.sector_map,
                                   skip_bad_lines=args.skip_bad_lines, server=args.server)
        finally:  # warnings matter even when the import then fails
            _show_warnings(caught)
    write_table(table, out)
    print(summary(table, out, len(args.files)))
    return 0


def _show_warnings(caught: list[warnings.WarningMessage]) -> None:
    """SnapshotWarnings as problem lines on stderr; any other warning as usual."""
    from adoption.snapshots.table import SnapshotWarning

    notices = [w for w in caught if issubclass(w.category, SnapshotWarning)]
    for other in caught:
        if not issubclass(other.category, SnapshotWarning):
            warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    for notice in notices:
        print(notice.message, file=sys.stderr)
    if notices:
        print(f"{len(notices)} warning{'s' if len(notices) != 1 else ''}", file=sys.stderr)


def summary(table, out: Path, files: int) -> str:
    """One line on what was written: rows, accounts per platform, unknown sectors."""
    accounts = table[["platform", "account_id"]].drop_duplicates()
    per_platform = ", ".join(f"{platform} {count}" for platform, count
                             in accounts["platform"].value_counts().sort_index().items())
    unknown = table.loc[table["sector"] == "unknown", "account_id"].nunique()
    return (f"wrote {out}: {len(table)} snapshots of {len(accounts)} accounts ({per_platform}) "
            f"from {files} file{'s' if files != 1 else ''}; {unknown} accounts without a "
            "sector (unknown)")
