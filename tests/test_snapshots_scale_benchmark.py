"""The scale benchmark runs (on a tiny archive), and its yardstick query computes what
`summarise` computes: otherwise the ratios it prints would compare different work."""

from __future__ import annotations

import importlib.util
import statistics
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
    """A 10k-row run of the whole benchmark (400 daily harvests: two calendar years;
    the imports timed in two rounds), its data kept for the checks below."""
    data = tmp_path_factory.mktemp("benchmark")
    results = benchmark.benchmark([10_000], ["duckdb"], data, resamples=50, n_days=400,
                                  rounds=2)
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
    assert results[6]["plain_seconds"] == results[4]["seconds"]  # the day's own yardstick
    assert results[1]["input_mb"] > 0
    for measure in results:
        assert measure["seconds"] > 0 and 50 < measure["peak_mb"] < 3000
    assert "| 10k | summary | duckdb |" in benchmark.table(results)
    printed = benchmark.import_table(results)
    assert "| 10k | import -o |" in printed
    o_rounds, sorted_rounds = results[2]["round_seconds"], results[3]["round_seconds"]
    o_against_sorted = statistics.median([o_rounds[0] / sorted_rounds[0],
                                          o_rounds[1] / sorted_rounds[1]])
    assert printed.endswith("import -o against the plain conversion sorted as -o: "
                            f"10k {o_against_sorted:.2f} x")


def test_imports_are_timed_in_rounds_and_compared_round_by_round(benchmark, small_run):
    """Each of the archive's four steps ran twice; a ratio is the median of each round's
    step over that round's plain conversion, not a ratio of two medians; the same for
    the CPU time used (the import's workers included)."""
    _, results = small_run
    plain = results[0]["round_seconds"]
    assert len(plain) == 2
    for measure in results[:4]:
        both = measure["round_seconds"]
        assert len(both) == 2 and measure["seconds"] == pytest.approx((both[0] + both[1]) / 2)
        assert measure["plain_seconds"] == pytest.approx((plain[0] + plain[1]) / 2)
        assert measure["ratios"] == pytest.approx([both[0] / plain[0], both[1] / plain[1]])
        cpu, plain_cpu = measure["round_cpu_seconds"], results[0]["round_cpu_seconds"]
        assert min(cpu) > 0
        assert measure["cpu_ratios"] == pytest.approx([cpu[0] / plain_cpu[0],
                                                       cpu[1] / plain_cpu[1]])
        ratio = (both[0] / plain[0] + both[1] / plain[1]) / 2
        cpu_ratio = (cpu[0] / plain_cpu[0] + cpu[1] / plain_cpu[1]) / 2
        assert (f"| {ratio:.2f} | {both[0] / plain[0]:.2f}, {both[1] / plain[1]:.2f} "
                f"| {(cpu[0] + cpu[1]) / 2:.2f} | {cpu_ratio:.2f} |"
                in benchmark.import_table([measure]))


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
