"""Benchmark: peak memory of loading a large survey CSV, against the file's size.

    .venv/bin/python benchmarks/survey_memory.py                # a ~200 MB survey
    .venv/bin/python benchmarks/survey_memory.py --size-mb 20   # a quicker check
    .venv/bin/python benchmarks/survey_memory.py --data benchmarks/.data   # keep the file

It writes a survey in the layout of the synthetic one (`data/synthetic/`: 13
columns, about 105 bytes a row; 100,000 organisations answering wave after
wave), then runs each step in a child process of its own, so that its peak
memory (`ru_maxrss`) is its own:

- floor: Python with pandas and `adoption.survey` imported, nothing read;
- pandas read_csv: `pd.read_csv(file)` with pandas' own types, the yardstick
  (what holding the file in a DataFrame costs, with no checks);
- load_survey: `adoption.load_survey(file)`, every check and type;
- load_table: `adoption.load_table(file)`, the survey aggregated into the
  adoption table (what `adoption compare --data FILE` does).

It prints, per step, seconds, peak RSS in MB, the peak as a multiple of the
file size, and the same above the floor. The target: survey loading within a
few times the file size.

This process imports neither pandas nor numpy, and writes the survey in a
child too: on Linux a child's `ru_maxrss` starts from its parent's size when
it was started, so a large parent would inflate every figure.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORGANISATIONS = 100_000  # each answers every wave: rows = organisations x waves
FIRST_WAVE = 2000
CHUNK_ROWS = 200_000
BYTES_PER_ROW = 105  # measured on the layout below, to aim at the size asked for
PLATFORMS = ("blog", "twitter", "facebook", "linkedin")
STEPS = ("floor", "pandas read_csv", "load_survey", "load_table")


def write_survey(path: Path, size_mb: float, seed: int = 2009) -> int:
    """A valid survey CSV of about `size_mb` MB; returns its number of rows."""
    import numpy as np
    import pandas as pd

    rows = max(1, int(size_mb * 1e6 / BYTES_PER_ROW))
    waves = -(-rows // ORGANISATIONS)
    if FIRST_WAVE + waves > 2100:
        raise SystemExit(f"{size_mb} MB needs more waves than the years up to 2100")
    rng = np.random.default_rng(seed)
    organisations = np.arange(ORGANISATIONS)
    sectors = np.where(organisations % 2 == 0, "nonprofit", "business")
    bands = rng.choice(["small", "medium", "large"], size=ORGANISATIONS, p=[0.6, 0.3, 0.1])
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, CHUNK_ROWS):
            index = np.arange(start, min(rows, start + CHUNK_ROWS))
            org = index % ORGANISATIONS
            frame = pd.DataFrame({
                "series": "benchmark-survey",
                "org_id": [f"BENCH-{o:06d}" for o in org],
                "org_name": [f"Benchmark organisation {o:06d}" for o in org],
                "sector": sectors[org],
                "year": FIRST_WAVE + index // ORGANISATIONS,
                "size_band": bands[org],
                "weight": np.round(rng.uniform(1, 20, len(index)), 4),
                "population_size": 1_000_000,
                **{f"uses_{p}": rng.choice(["yes", "no", ""], size=len(index),
                                           p=[0.45, 0.52, 0.03]) for p in PLATFORMS},
                "synthetic": "yes",
            })
            frame.to_csv(out, index=False, header=start == 0, lineterminator="\n")
    return rows


# --- the measured steps, each in a child process ---

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_step(step: str, path: Path) -> dict:
    import pandas as pd

    import adoption
    import adoption.survey

    start = time.perf_counter()
    if step == "pandas read_csv":
        rows = len(pd.read_csv(path))
    elif step == "load_survey":
        rows = len(adoption.load_survey(path))
    elif step == "load_table":
        rows = len(adoption.load_table(path))
    else:
        rows = 0
    return {"step": step, "seconds": time.perf_counter() - start, "peak_mb": peak_mb(),
            "rows": rows, "pandas": pd.__version__}


def in_child(step: str, path: Path, *options: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--step", step, str(path), *options],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"step {step!r} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def benchmark(size_mb: float, data: Path) -> list[dict]:
    path = data / f"survey-{size_mb:g}mb.csv"
    if not path.exists():
        print(f"writing {path} ...", file=sys.stderr)
        in_child("write", path, "--size-mb", str(size_mb))
    file_mb = path.stat().st_size / 2**20
    results = [in_child(step, path) for step in STEPS]
    floor = results[0]["peak_mb"]
    for result in results:
        result["file_mb"] = file_mb
        result["x_file"] = result["peak_mb"] / file_mb
        result["x_file_above_floor"] = (result["peak_mb"] - floor) / file_mb
    return results


def table(results: list[dict]) -> str:
    lines = [f"file: {results[0]['file_mb']:.0f} MB; Python {platform.python_version()}, "
             f"pandas {results[0]['pandas']}, {platform.machine()}",
             "",
             "| step | rows | seconds | peak RSS MB | x file | x file above floor |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['step']} | {r['rows']:,} | {r['seconds']:.1f} | "
                     f"{r['peak_mb']:.0f} | {r['x_file']:.2f} | "
                     f"{r['x_file_above_floor']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200, help="survey size (default 200)")
    parser.add_argument("--data", type=Path, help="keep the generated survey in this folder")
    parser.add_argument("--step", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step and args.step[0] == "write":
        print(json.dumps({"rows": write_survey(Path(args.step[1]), args.size_mb)}))
        return
    if args.step:
        print(json.dumps(run_step(args.step[0], Path(args.step[1]))))
        return
    if args.data:
        args.data.mkdir(parents=True, exist_ok=True)
        print(table(benchmark(args.size_mb, args.data)))
        return
    with tempfile.TemporaryDirectory() as folder:
        print(table(benchmark(args.size_mb, Path(folder))))


if __name__ == "__main__":
    main()
