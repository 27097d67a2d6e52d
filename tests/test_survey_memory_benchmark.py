"""The survey memory benchmark runs (on a tiny survey), and the survey it writes is
valid: otherwise its figures would measure a loader stopping at the first problems."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd

import adoption

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "survey_memory.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("survey_memory", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["survey_memory"] = module
    spec.loader.exec_module(module)
    return module


def test_the_generated_survey_is_valid_and_near_its_size(tmp_path):
    benchmark = load_benchmark()
    path = tmp_path / "survey.csv"
    rows = benchmark.write_survey(path, size_mb=0.5)
    assert abs(path.stat().st_size / 0.5e6 - 1) < 0.1
    survey = adoption.load_survey(path)
    assert len(survey) == rows
    assert set(survey["sector"]) == {"nonprofit", "business"}


def test_the_benchmark_measures_every_step(tmp_path):
    benchmark = load_benchmark()
    results = benchmark.benchmark(0.2, tmp_path)
    assert [r["step"] for r in results] == list(benchmark.STEPS)
    assert results[0]["rows"] == 0
    assert results[1]["rows"] == results[2]["rows"] == len(pd.read_csv(
        tmp_path / "survey-0.2mb.csv"))
    assert all(r["peak_mb"] > 0 for r in results)
    assert "| load_survey |" in benchmark.table(results)
