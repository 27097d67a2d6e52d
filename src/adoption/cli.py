"""The `adoption` command. Argument parsing only: each command calls into its stage.

Exit codes (the contract): 0 success, 1 bad input or a failed build (a clear
message, never a traceback), 2 wrong usage (argparse's own).
Heavy libraries are imported inside the commands, so `--help` and a build
with nothing to do answer at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from adoption.arguments import confidence_level, positive_int
from adoption.paths import packaged_notebooks
from adoption.problems import DataError, Problem
from adoption.report.config import checked_base_url
from adoption.report.lock import DEFAULT_WAIT, BuildBusy
from adoption.snapshots.commands import register

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2
# Problem lines printed at most; the rest are counted ("... and 999,800 more problems").
# Every command prints problems through `print_problems`.
MAX_PRINTED_PROBLEMS = 200


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except DataError as error:
        print_problems(error.problems, sys.stderr)
        print(f"{counted(error.problems)}; nothing was written", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as error:
        if os.environ.get("ADOPTION_DEBUG"):
            raise
        print(f"adoption: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        # The interrupted notebook client leaves asyncio tasks behind; their errors are
        # the interruption itself, not something to report as a traceback at exit.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print("adoption: interrupted", file=sys.stderr)
        return 130


def print_problems(problems: Sequence[Problem], stream=None) -> None:
    """One line per problem, at most MAX_PRINTED_PROBLEMS, then a count of the rest:
    a million bad rows must not print a million lines."""
    stream = stream or sys.stdout
    for found in problems[:MAX_PRINTED_PROBLEMS]:
        print(found, file=stream)
    rest = problems[MAX_PRINTED_PROBLEMS:]
    if rest:
        print(f"... and {counted(rest, more=True)}", file=stream)


def counted(problems: Sequence[Problem], more: bool = False) -> str:
    """'3 problems', '1 problem and 2 warnings', 'no problems and 1 warning'; with
    `more`, '10 more problems', '3 more warnings'."""
    warnings = sum(p.is_warning for p in problems)
    errors = len(problems) - warnings
    extra = "more " if more else ""
    parts = [_plural(errors, f"{extra}problem")] if errors or not more else []
    if warnings:
        parts.append(_plural(warnings, f"{extra}warning"))
    return " and ".join(parts)


def _plural(count: int, noun: str) -> str:
    if count == 0:
        return f"no {noun}s"
    return f"{count:,} {noun}{'s' if count != 1 else ''}"


class ShowVersion(argparse.Action):
    """`--version`: argparse's own, but the version is read only when asked for
    (`adoption.__version__`, which the other commands need not wait for)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 **options: object) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *arguments: object) -> None:
        # Deferred: the version is read (from the installed package) only when asked.
        import adoption

        print(f"adoption {adoption.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adoption",
        description="Do nonprofits adopt social media faster than businesses? "
                    "Load, check and compare adoption data; build the reports.")
    parser.add_argument("--version", action=ShowVersion)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_validate(commands)
    _add_compare(commands)
    _add_report(commands)
    _add_synth(commands)
    _add_snapshots(commands)
    _add_lab(commands)
    return parser


def _add_validate(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "validate", help="check data files and list every problem",
        description="Check data files. Prints one line per problem as "
                    "FILE:LINE: column 'NAME': what is wrong (what was expected), warnings "
                    "as FILE:LINE: column 'NAME': warning: ..., at most "
                    f"{MAX_PRINTED_PROBLEMS} lines and a count of the rest, then the "
                    "count of problems and warnings. Exit 1 if any problem; warnings "
                    "alone exit 0.")
    command.add_argument("files", nargs="+", type=Path, metavar="FILE")
    command.add_argument("--kind", choices=("published", "survey", "snapshots"),
                         help="the kind of data (default: told from the columns)")
    command.add_argument("--sheet", metavar="NAME|NUMBER",
                         help="the sheet of a workbook to read, by name or by number from 1 "
                              "(default: the first)")
    command.set_defaults(run=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.validate import check_files

    problems = check_files(args.files, args.kind, sheet=args.sheet)
    print_problems(problems)
    files = len(args.files)
    noun = "file" if files == 1 else "files"
    print(f"{counted(problems)} in {files} {noun}")
    return EXIT_BAD_INPUT if any(not p.is_warning for p in problems) else EXIT_OK


def _add_compare(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "compare", help="year-by-year comparison of a nonprofit and a business series",
        description="Print the year-by-year comparison table of nonprofits against "
                    "businesses on one platform, with intervals and Holm-adjusted p-values.")
    command.add_argument("--platform", required=True, help="e.g. blog, twitter, facebook")
    command.add_argument("--nonprofit", required=True, metavar="SERIES",
                         help="the nonprofit series, e.g. umassd-charities")
    command.add_argument("--business", required=True, metavar="SERIES",
                         help="the business series, e.g. umassd-fortune500")
    command.add_argument("--data", type=Path, metavar="FILE",
                         help="published figures or survey file (default: the bundled "
                              "published figures)")
    command.add_argument("--confidence", type=confidence_level, default=0.95)
    command.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown")
    command.set_defaults(run=_run_compare)


def _run_compare(args: argparse.Namespace) -> int:
    # Deferred: it loads statsmodels and scipy; only when this runs.
    from adoption.stats import compare_sectors
    from adoption.table import load_table

    table = load_table(args.data)
    comparison = compare_sectors(table, args.platform, args.nonprofit, args.business,
                                 confidence=args.confidence)
    if args.format == "csv":
        sys.stdout.write(comparison.to_csv(index=False))
    elif args.format == "json":
        sys.stdout.write(comparison.to_json(orient="records", indent=2) + "\n")
    else:
        sys.stdout.write(comparison.to_markdown(index=False, floatfmt=".4f") + "\n")
    return EXIT_OK


def _add_report(commands: argparse._SubParsersAction) -> None:

    command = commands.add_parser(
        "report", help="run the notebooks and build the HTML reports",
        description="Run the configured notebooks with papermill and write HTML reports, "
                    "charts and an index. Reports whose inputs have not changed are skipped. "
                    "With --data, build the standard reports for your own files instead, "
                    "with no config: a survey gives the comparison of its nonprofits "
                    "against its businesses on each platform and the survey explorer; "
                    "published-style figures, the comparison of their series; account "
                    "snapshots (with --sector-map), the account-activity report. A "
                    "datapackage.json beside a file (Frictionless Data Package) gives "
                    "titles, sources, licences and labels.")
    command.add_argument("--config", type=Path, default=None,
                         help="the reports.toml listing the reports (default: reports.toml "
                              "in the working folder); its paths are read from its folder")
    command.add_argument("--data", type=Path, nargs="+", metavar="FILE",
                         help="your own data files: surveys, published-style figures or "
                              "account snapshots (read from the working folder)")
    command.add_argument("--sector-map", type=Path, metavar="CSV",
                         help="with --data: which accounts are nonprofits and which "
                              "businesses (platform, handle or account_id, sector, org_name)")
    command.add_argument("--snapshot-at", metavar="TIME",
                         help="with --data: when the account archive was retrieved, for "
                              "files that do not say (all but twarc), e.g. 2021-10-23T19:36Z")
    command.add_argument("--platform", action="append", default=[], metavar="P",
                         help="with --data: report on this platform only (repeatable; "
                              "default: every platform the files allow)")
    command.add_argument("--language", action="append", choices=("en", "fr"), default=[],
                         help="with --data: the reports' language (repeatable; default en)")
    command.add_argument("--metadata", type=Path, metavar="datapackage.json",
                         help="with --data: the Frictionless Data Package describing the "
                              "files (default: the datapackage.json beside each, if any)")
    command.add_argument("--out", type=Path, default=Path("reports"))
    command.add_argument("--jobs", type=positive_int, default=None,
                         help="reports built at once (default: the number of cores)")
    command.add_argument("--only", action="append", default=[], metavar="NAME",
                         help="build only this report (repeatable)")
    command.add_argument("--force", action="store_true", help="rebuild even if up to date")
    command.add_argument("--base-url", type=base_url, metavar="URL",
                         help="where the reports folder is published, for citations and "
                              "embed snippets (default: [build] base_url in the config, "
                              "else the ADOPTION_BASE_URL environment variable)")
    command.add_argument("--wait", type=seconds, default=DEFAULT_WAIT, metavar="SECONDS",
                         help="when another build is writing into the same folder, wait "
                              "this long for it to finish, then build what is still out of "
                              f"date (default: {DEFAULT_WAIT:g}; 0: refuse at once)")
    command.set_defaults(run=_run_report, parser=command)


def base_url(text: str) -> str:
    """An argparse type: an http or https address (a "/" is added at its end)."""
    url, _ = checked_base_url(text)
    if url is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http or https address")
    return url


def seconds(text: str) -> float:
    """An argparse type: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not 0 or more seconds")
    return value


DATA_OPTIONS = ("sector_map", "snapshot_at", "platform", "language", "metadata")


def _run_report(args: argparse.Namespace) -> int:
    # Deferred: it loads Babel; only when this runs.
    from adoption.report.build import build_reports

    given = [f"--{name.replace('_', '-')}" for name in DATA_OPTIONS if getattr(args, name)]
    if args.data and args.config is not None:
        args.parser.error("--config and --data: give one or the other")
    if given and not args.data:
        args.parser.error(f"{', '.join(given)}: only with --data FILE...")
    config = _own_data_config(args) if args.data else args.config or Path("reports.toml")
    try:
        outcome = build_reports(config, args.out, jobs=args.jobs, only=args.only,
                                force=args.force, wait=args.wait, base_url=args.base_url)
    except BuildBusy as busy:
        print(f"adoption: {busy}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK if outcome.ok else EXIT_BAD_INPUT


def _own_data_config(args: argparse.Namespace):
    """`--data`: the config of the standard reports for the user's files (DataError,
    printed as `adoption validate` prints, when a file is bad)."""
    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.report.own_data import OwnData, own_data_config

    if args.snapshot_at is not None:
        # Deferred: it loads pandas and pyarrow; only when this runs.
        from adoption.snapshots.load import parse_time

        parse_time(args.snapshot_at, "--snapshot-at")  # ValueError: exit 1 with its message
    return own_data_config(OwnData(
        files=args.data, sector_map=args.sector_map, snapshot_at=args.snapshot_at,
        platforms=list(dict.fromkeys(args.platform)),
        languages=list(dict.fromkeys(args.language)) or ["en"], metadata=args.metadata))


def _add_synth(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "synth", help="write the illustrative synthetic data sets",
        description="Write the synthetic (invented, illustrative) survey and account "
                    "archive. The same seed gives the same bytes.")
    command.add_argument("--out", type=Path, required=True, metavar="DIR")
    command.add_argument("--seed", type=int, default=2009)
    command.set_defaults(run=_run_synth)


def _run_synth(args: argparse.Namespace) -> int:
    # Deferred: it loads scipy and pandas; only when this runs.
    from adoption.synthetic import write_synthetic

    for path in write_synthetic(args.out, args.seed):
        print(path)
    return EXIT_OK


def _add_lab(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "lab", help="open the notebooks in JupyterLab, in your own folder",
        description="Copy the notebooks shipped with adoption into FOLDER (a notebook "
                    "already there is kept as it is) and open JupyterLab there. In a "
                    "notebook's first cell, set data_file to your own file: relative "
                    "paths are read from FOLDER. (In a clone of the project, `make lab` "
                    "opens the project's notebooks/ instead.)")
    command.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="FOLDER",
                         help="where the notebooks go and JupyterLab opens (default: the "
                              "working folder)")
    command.add_argument("--copy-only", action="store_true",
                         help="copy the notebooks, do not start JupyterLab")
    command.set_defaults(run=_run_lab)


def _run_lab(args: argparse.Namespace) -> int:

    args.folder.mkdir(parents=True, exist_ok=True)
    for notebook in packaged_notebooks():
        target = args.folder / notebook.name
        if target.exists():
            print(f"kept {target} (already there)")
        else:
            shutil.copyfile(notebook, target)
            print(f"copied {target}")
    if args.copy_only:
        return EXIT_OK
    environment = {**os.environ, "JUPYTER_PREFER_ENV_PATH": "1"}
    environment.pop("MPLBACKEND", None)  # charts inline in the notebooks
    command = [sys.executable, "-m", "jupyterlab", str(args.folder)]
    if hasattr(os, "getuid") and os.getuid() == 0:  # containers often run as root
        command.append("--allow-root")
    return subprocess.run(command, env=environment, check=False).returncode


def _add_snapshots(commands: argparse._SubParsersAction) -> None:

    register(commands)


if __name__ == "__main__":
    raise SystemExit(main())
