"""Shared test helpers: where things are, and small file writers."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Real archived API output, kept outside the project (see ../shared/samples/README.md).
SAMPLES_DIR = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture
def write_text(tmp_path: Path):
    """Write `text` to tmp_path/name (UTF-8 unless told) and return the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write
