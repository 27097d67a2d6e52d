"""How long the report build takes, against what it cannot go below.

    .venv/bin/python benchmarks/report_build.py [--config reports.toml] [--jobs N]

Prints, in one run, for the default report set:

- the full build with `--jobs 1`, and with the default (`--jobs` = cores);
- the same default build with kernels started the usual way (ADOPTION_FORK_KERNELS=0)
  rather than forked from the build's kernel server, for comparison;
- a no-op rebuild (nothing changed), through the real `adoption report` command;
- the floor: starting one kernel per report that imports pandas, matplotlib,
  scipy and statsmodels, then stopping it, one after the other;
- what the build's kernel manager spends on each report's kernel: starting it
  (forked from a kernel server, and the usual way), running one cell, stopping
  it; the median and the fastest of `--kernels` (default 15) in a row. On a
  machine other people use, the fastest is the steadiest figure.

Targets: the parallel build within 1.5x of the floor divided by the cores; the
no-op rebuild under 1 s. Builds go to temporary folders; `reports/` is untouched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from adoption.paths import PROJECT_ROOT
from adoption.report.config import load_config
from adoption.report.kernel_server import SWITCH_VARIABLE

FLOOR_IMPORTS = "import pandas, matplotlib, scipy, statsmodels.api"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "reports.toml")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--kernels", type=int, default=15,
                        help="kernels started, one after the other, to time each kind")
    parser.add_argument("--kernels-only", action="store_true",
                        help="time the kernels only (not the builds nor the floor)")
    args = parser.parse_args()
    if args.kernels_only:
        print_kernel_starts(args.kernels)
        return
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
    print_kernel_starts(args.kernels)


def print_kernel_starts(count: int) -> None:
    for fork in ("1", "0"):
        times = sorted(kernel_starts(count, fork))
        kind = "forked" if fork == "1" else "usual"
        print(f"{f'kernel, {kind} (start+cell+stop)':<34}{statistics.median(times):8.3f} s"
              f"   (fastest {times[0]:.3f} s, {count} kernels)")


def kernel_starts(count: int, fork: str) -> list[float]:
    """Seconds to start a report kernel as the build does, run one cell, stop it."""
    import asyncio

    from adoption.report.execute import kernel_environment
    from adoption.report.kernel_manager import PreloadedKernelManager
    from adoption.report.kernel_server import kernel_server

    os.environ[SWITCH_VARIABLE] = fork
    environment = kernel_environment()

    async def one() -> float:
        started = time.perf_counter()
        manager = PreloadedKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=str(PROJECT_ROOT), env=environment)
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=120)
        await client.execute_interactive("1 + 1", timeout=60, output_hook=lambda _: None)
        client.stop_channels()
        await manager.shutdown_kernel(now=True)
        return time.perf_counter() - started

    with kernel_server(environment):
        asyncio.run(one())  # the first waits for the server's imports: not counted
        return [asyncio.run(one()) for _ in range(count)]


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
