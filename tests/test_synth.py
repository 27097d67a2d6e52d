"""`adoption synth`: same seed, same bytes; labelled synthetic; the committed files current."""

from __future__ import annotations

import pandas as pd
import pytest

from adoption.cli import main
from adoption.paths import SYNTHETIC_DIR
from adoption.synthetic import SURVEY_FILE


@pytest.fixture(scope="module")
def seed_2009(tmp_path_factory):
    """`adoption synth --seed 2009` written twice, into a/ and b/ (each run takes seconds:
    the tests below share these two)."""
    folder = tmp_path_factory.mktemp("synth")
    for run in ("a", "b"):
        assert main(["synth", "--out", str(folder / run), "--seed", "2009"]) == 0
    return folder


def test_same_seed_same_bytes_and_committed_files_are_current(seed_2009):
    written = sorted(p.name for p in (seed_2009 / "a").iterdir())
    assert written == sorted(p.name for p in (seed_2009 / "b").iterdir())
    for name in written:
        assert (seed_2009 / "a" / name).read_bytes() == (seed_2009 / "b" / name).read_bytes()
        # `make synth` regenerates the committed data with seed 2009
        assert (seed_2009 / "a" / name).read_bytes() == (SYNTHETIC_DIR / name).read_bytes(), name


def test_another_seed_gives_other_data(seed_2009, tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--seed", "1"]) == 0
    assert (tmp_path / SURVEY_FILE).read_bytes() != (seed_2009 / "a" / SURVEY_FILE).read_bytes()


def test_every_synthetic_file_says_synthetic_in_name_and_content(seed_2009):
    for path in (seed_2009 / "a").iterdir():
        assert "synthetic" in path.name
        assert "synthetic" in path.read_bytes()[:4096].decode("utf-8", "replace").lower()


def test_synthetic_survey_shape():
    survey = pd.read_csv(SYNTHETIC_DIR / SURVEY_FILE)
    per_wave = survey.groupby(["year", "sector"]).size()
    assert set(survey["year"]) == set(range(2007, 2013))
    assert set(survey["sector"]) == {"nonprofit", "business"}
    assert (per_wave >= 200).all()  # several hundred organisations per wave
    assert survey["weight"].gt(0).all()
    assert set(survey["size_band"]) == {"small", "medium", "large"}
    assert survey["org_name"].str.startswith("Synthetic ").all()
