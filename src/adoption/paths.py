"""Where the project's files live, so no module spells out a relative path twice."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
BUNDLED_PUBLISHED = DATA_DIR / "published" / "adoption.csv"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
