"""The scale benchmark runs (on a tiny archive), and its yardstick query computes what
`summarise` computes: otherwise the ratios it prints would compare different work."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from adoption.snapshots import summarise

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "snapshots_scale.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("snapshots_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["snapshots_scale"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small_run(benchmark, tmp_path_factory):
    """A 10k-row run of the whole benchmark (400 daily harvests: two calendar years),
    its data kept for the checks below."""
    data = tmp_path_factory.mktemp("benchmark")
    results = benchmark.benchmark([10_000], ["duckdb"], data, resamples=50, n_days=400)
    return data / "10k", results


def test_benchmark_measures_imports_query_and_summary(benchmark, small_run):
    _, results = small_run
    assert [r["step"] for r in results] == [
        "plain DuckDB conversion", "import --dataset", "import -o",
        "plain DuckDB conversion, sorted as -o",
        "plain DuckDB conversion, one more day", "import one more day, new dataset",
        "import one more day --dataset", "plain DuckDB query", "summary"]
    rows = 10_000 // 400 * 400  # 25 accounts, 400 days
    assert [r["rows_read"] for r in results[:7]] == [rows, rows, rows, rows, 25, 25, 25]
    assert results[3]["plain_seconds"] == results[0]["seconds"]
    assert results[6]["plain_seconds"] == results[4]["seconds"]  # the day's own yardstick
    assert results[1]["input_mb"] > 0
    for measure in results:
        assert measure["seconds"] > 0 and 50 < measure["peak_mb"] < 3000
    for measure in results[:7]:  # the import's workers' CPU included, when it has any
        assert measure["cpu_seconds"] > 0
    assert results[1]["ratios"] == [results[1]["seconds"] / results[0]["seconds"]]
    assert results[1]["cpu_ratios"] == [results[1]["cpu_seconds"] / results[0]["cpu_seconds"]]
    assert "| 10k | summary | duckdb |" in benchmark.table(results)
    printed = benchmark.import_table(results)
    assert "| 10k | import -o |" in printed
    o_against_sorted = results[2]["seconds"] / results[3]["seconds"]
    assert printed.endswith("import -o against the plain conversion sorted as -o: "
                            f"10k {o_against_sorted:.2f} x")


# Seconds and CPU seconds of each step in rounds 0, 1, 2, for a benchmark without
# child processes: the figures below are worked out by hand from these.
FAKE_ROUNDS = {
    "plain DuckDB conversion": [(2.0, 4.0), (4.0, 8.0), (3.0, 5.0)],
    "import --dataset": [(5.0, 10.0), (6.0, 20.0), (9.0, 10.0)],
    "import -o": [(5.0, 12.0), (12.0, 20.0), (6.0, 15.0)],
    "plain DuckDB conversion, sorted as -o": [(2.5, 5.0), (4.0, 8.0), (4.0, 6.0)],
}


def test_imports_are_timed_in_rounds_and_compared_round_by_round(
        benchmark, monkeypatch, tmp_path):
    """Each round runs the four steps starting one step further; a step's ratio is the
    median of its rounds' own ratios (each round's step over that round's plain
    conversion), not a ratio of two medians; the same for CPU time."""
    ran = []

    def fake_step(step, folder, dataset):
        seconds, cpu = FAKE_ROUNDS[step][sum(1 for done in ran if done == step)]
        ran.append(step)
        return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": 100.0 + len(ran),
                "rows_read": 1_000, "input_mb": 1.0}

    monkeypatch.setattr(benchmark, "_import_step", fake_step)
    plain, dataset, o, ordered = benchmark.ROUND_STEPS
    results = benchmark.measure_imports(tmp_path, tmp_path / "dataset", rounds=3)
    assert ran == [plain, dataset, o, ordered, dataset, o, ordered, plain,
                   o, ordered, plain, dataset]
    by_step = {r["step"]: r for r in results}
    # --dataset: ratios 5/2, 6/4, 9/3 = 2.5, 1.5, 3, median 2.5 (the ratio of the
    # median times, 6/3, would be 2); CPU 10/4, 20/8, 10/5 = 2.5, 2.5, 2, median 2.5
    # (not 10/5).
    imported = by_step[dataset]
    assert imported["ratios"] == [2.5, 1.5, 3.0] and imported["seconds"] == 6.0
    assert imported["cpu_ratios"] == [2.5, 2.5, 2.0] and imported["cpu_seconds"] == 10.0
    assert imported["plain_seconds"] == 3.0
    assert imported["peak_mb"] == 100.0 + 12  # the largest of its rounds' peaks
    for measure in results:
        measure["rows"] = 1_000_000
    printed = benchmark.import_table(results)
    assert ("| 1M | import --dataset | 6.00 | 167 | 112 | 2.50 | 2.50, 1.50, 3.00 | 10.00 "
            "| 2.50 |") in printed
    # -o against the sorted conversion, round by round: 5/2.5, 12/4, 6/4 = 2, 3, 1.5.
    assert printed.endswith("import -o against the plain conversion sorted as -o: 1M 2.00 x")


def test_plain_conversion_writes_what_the_import_reads(benchmark, tmp_path):
    """The yardstick converts the same snapshots (the import also checks, numbers lines,
    keeps repeated reads once and partitions): the same ids, times and counters."""
    from adoption.snapshots import load_snapshots

    files = benchmark.write_jsonl_archive(600, tmp_path, n_days=3)
    benchmark.step_plain_conversion(tmp_path, tmp_path / "plain.parquet", benchmark.ARCHIVE)
    plain = pd.read_parquet(tmp_path / "plain.parquet")
    ours = load_snapshots(files)
    columns = ["account_id", "handle", "snapshot_at", "created_at", "followers", "following",
               "posts", "listed", "synthetic"]
    key = ["account_id", "snapshot_at"]
    plain = plain[columns].sort_values(key).reset_index(drop=True)
    ours = ours[columns].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(plain, ours, check_dtype=False)


def test_sorted_conversion_writes_the_rows_in_the_order_of_import_o(benchmark, tmp_path):
    """The yardstick of `-o` does its sort: the same rows, in the same order."""
    from adoption.snapshots import import_to_file

    files = benchmark.write_jsonl_archive(600, tmp_path, n_days=3)
    benchmark.step_plain_conversion(tmp_path, tmp_path / "sorted.parquet", benchmark.ARCHIVE,
                                    sort=True)
    import_to_file(files, tmp_path / "ours.parquet")
    columns = ["platform", "account_id", "snapshot_at", "followers", "posts"]
    plain = pd.read_parquet(tmp_path / "sorted.parquet")[columns]
    ours = pd.read_parquet(tmp_path / "ours.parquet")[columns]
    pd.testing.assert_frame_equal(plain, ours, check_dtype=False)


def test_plain_query_computes_the_same_medians(benchmark, small_run):
    folder, _ = small_run
    plain = benchmark.plain_query(folder / "dataset", folder / "sectors.csv")
    ours = summarise(folder / "dataset", n_resamples=50).summary
    medians = ours.pivot_table(index=["platform", "year", "sector"], columns="metric",
                               values="value", aggfunc="first")
    plain = plain.set_index(["platform", "year", "sector"])
    assert len(plain) == len(medians) == 4  # 2 years x 2 sectors
    for metric in ("followers", "followers_per_30d", "posts_per_day", "dormant"):
        pd.testing.assert_series_equal(plain[metric].astype(float),
                                       medians[metric].astype(float),
                                       check_names=False, check_index_type=False, rtol=1e-12)


def test_sizes_read_as_people_write_them(benchmark):
    assert [benchmark.parse_size(s) for s in ("10k", "1M", "2.5M", "300")] == [
        10_000, 1_000_000, 2_500_000, 300]
