"""Where the project's files live, so no module spells out a relative path twice."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
BUNDLED_PUBLISHED = DATA_DIR / "published" / "adoption.csv"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def project_path(path: str | Path | None) -> Path | None:
    """A notebook parameter's path, read from the project root when relative.

    Notebooks run with the project root as working folder in a build and with
    `notebooks/` in JupyterLab; resolving here makes both read the same file.
    None stays None (a loader's "use the bundled data").
    """
    if path is None:
        return None
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path
