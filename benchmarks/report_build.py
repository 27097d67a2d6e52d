"""How long the report build takes, against what it cannot go below.

    .venv/bin/python benchmarks/report_build.py [--config reports.toml] [--jobs N]

Prints, in one run, for the default report set:

- the full build with `--jobs 1`, and with the default (`--jobs` = cores);
- the same default build with kernels started the usual way (ADOPTION_FORK_KERNELS=0)
  rather than forked from the build's kernel server, for comparison;
- a no-op rebuild (nothing changed), through the real `adoption report` command;
- the floor: starting one kernel per report that imports pandas, matplotlib,
  seaborn, scipy and statsmodels, then stopping it, one after the other.

Targets: the parallel build within 1.5x of the floor divided by the cores; the
no-op rebuild under 1 s. Builds go to temporary folders; `reports/` is untouched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from adoption.paths import PROJECT_ROOT
from adoption.report.config import load_config
from adoption.report.kernel_server import SWITCH_VARIABLE

FLOOR_IMPORTS = "import pandas, matplotlib, seaborn, scipy, statsmodels.api"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "reports.toml")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    reports = len(load_config(args.config).reports)
    cores = os.cpu_count() or 1
    print(f"{reports} reports, {cores} cores, default --jobs {args.jobs}")

    with tempfile.TemporaryDirectory() as serial, tempfile.TemporaryDirectory() as parallel, \
            tempfile.TemporaryDirectory() as usual:
        one_job = timed_build(args.config, Path(serial), jobs=1)
        default_jobs = timed_build(args.config, Path(parallel), jobs=args.jobs)
        no_op = timed_build(args.config, Path(parallel), jobs=args.jobs)
        not_forked = timed_build(args.config, Path(usual), jobs=args.jobs,
                                 environment={SWITCH_VARIABLE: "0"})
    floor = kernel_floor(reports)

    ideal = floor / min(cores, args.jobs)
    print()
    print(f"{'full build, --jobs 1':<34}{one_job:8.1f} s")
    print(f"{f'full build, --jobs {args.jobs}':<34}{default_jobs:8.1f} s")
    print(f"{'no-op rebuild':<34}{no_op:8.2f} s   (target < 1 s)")
    print(f"{'default, kernels not forked':<34}{not_forked:8.1f} s")
    print(f"{'floor: one kernel per report':<34}{floor:8.1f} s   ({floor / reports:.2f} s each)")
    print(f"{'floor / cores':<34}{ideal:8.1f} s")
    print(f"{'parallel build / (floor / cores)':<34}{default_jobs / ideal:8.2f} x "
          "(target <= 1.5)")
    print(f"{'speed-up, --jobs 1 / default':<34}{one_job / default_jobs:8.2f} x")


def timed_build(config: Path, out: Path, jobs: int,
                environment: dict[str, str] | None = None) -> float:
    """Wall time of `adoption report`, as a user runs it (a new process each time)."""
    command = [sys.executable, "-m", "adoption", "report", "--config", str(config),
               "--out", str(out), "--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, **(environment or {})})
    return time.perf_counter() - started


def kernel_floor(reports: int) -> float:
    """Start a python3 kernel, import the scientific stack in it, stop it; `reports` times."""
    started = time.perf_counter()
    for _ in range(reports):
        manager, client = start_new_kernel(kernel_name="python3")
        try:
            reply = client.execute_interactive(FLOOR_IMPORTS, timeout=120)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the floor's imports failed: {reply['content']}")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
