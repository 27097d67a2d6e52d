"""Two builds from the same inputs give byte-identical files, in separate processes.

Separate Python processes (with different hash seeds) rule out anything that only
holds within one process: object ids, dict or set order, caches, random state.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BUILD = """
import sys
from adoption import load_survey, load_table
from adoption.charts import adoption_curves, diffusion_chart, save_chart
from adoption.charts import survey_by_size
from adoption.paths import SYNTHETIC_DIR

out = sys.argv[1]
table = load_table()
survey = load_survey(SYNTHETIC_DIR / "survey_synthetic.csv")
for chart in (
    adoption_curves(table, "blog", "umassd-charities", "umassd-fortune500", lang="fr"),
    diffusion_chart(table, "blog", "umassd-charities", "umassd-fortune500"),
    survey_by_size(survey, "blog", lang="fr"),
):
    save_chart(chart, out)
"""


def _start(folder: Path, hash_seed: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "MPLBACKEND": "Agg"}
    return subprocess.Popen([sys.executable, "-c", BUILD, str(folder)], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _files(folder: Path, process: subprocess.Popen) -> dict[str, bytes]:
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes], Path]:
    root = tmp_path_factory.mktemp("determinism")
    first, second = root / "first", root / "second"
    processes = _start(first, "1"), _start(second, "2")  # run side by side: same result
    return _files(first, processes[0]), _files(second, processes[1]), root


def test_two_builds_in_two_processes_are_byte_identical(builds):
    first, second, _ = builds
    assert sorted(first) == sorted(second)
    assert {name.rsplit(".", 1)[-1] for name in first} == {"png", "svg", "csv", "html",
                                                             "json", "js"}
    # Three charts of five files, the manifest, and the script the chart pages load.
    assert len(first) == 3 * 5 + 2
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_files_carry_no_date_version_or_path(builds):
    import matplotlib

    files, _, root = builds
    for name, data in files.items():
        if name.endswith((".svg", ".json", ".csv", ".html")):
            text = data.decode("utf-8")
            assert "Matplotlib v" not in text and matplotlib.__version__ not in text, name
            assert "<dc:date>" not in text and str(root) not in text, name
        if name.endswith(".png"):
            assert b"Software" not in data and b"matplotlib" not in data.lower(), name
            assert b"tIME" not in data, name


def test_png_has_matplotlibs_own_pixels_and_the_charts_metadata():
    """The PNG writer keeps every pixel matplotlib draws (a card has no transparency)
    and the title, description, credit and source as text chunks."""
    import io

    import numpy as np
    from PIL import Image

    from adoption import load_table
    from adoption.charts import adoption_curves
    from adoption.charts.layout import render
    from adoption.charts.style import CARD, LARGE, house_style

    chart = adoption_curves(load_table(), "blog", "umassd-charities", "umassd-fortune500",
                            lang="fr")
    with house_style():
        figure = render(chart.page(), chart.draw)
        for size, ours in ((CARD, chart.png()), (LARGE, chart.files()["png_large"])):
            theirs = io.BytesIO()
            figure.savefig(theirs, format="png", dpi=size.dpi)
            expected = np.asarray(Image.open(theirs))
            with Image.open(io.BytesIO(ours)) as image:
                assert image.mode == "RGB" and image.size == (size.width, size.height)
                assert (expected[..., 3] == 255).all()
                assert (np.asarray(image) == expected[..., :3]).all()
                assert image.text["Title"] == chart.title  # French, not Latin-1 only
                assert image.text["Source"] == chart.source_line
                assert "Software" not in image.text  # no matplotlib version inside


def test_measured_text_widths_are_matplotlibs():
    from adoption.charts.layout import font, new_figure, text_width

    _, renderer = new_figure()
    for text in ("Fortune 500", "Organismes de bienfaisance : 65 %", "Fortune 500"):
        for bold in (False, True):
            expected, _, _ = renderer.get_text_width_height_descent(text, font(18, bold),
                                                                    ismath=False)
            assert text_width(renderer, text, 18, bold) == expected
