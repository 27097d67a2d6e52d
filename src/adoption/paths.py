"""Where the project's files live, so no module spells out a relative path twice."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
BUNDLED_PUBLISHED = DATA_DIR / "published" / "adoption.csv"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def project_path(path: str | Path | None) -> Path | None:
    """A notebook parameter's path, absolute.

    A relative path is read from the working folder: in a report build that is the
    folder of the `reports.toml` (the build runs every notebook there), so a config's
    paths mean the same in the config and in the notebook. The one exception is a
    notebook opened in JupyterLab from this project's own `notebooks/` folder
    (`make lab`), whose working folder is `notebooks/`: its defaults name files from
    the project root, and are read from there. None stays None (a loader's "use the
    bundled data").
    """
    if path is None:
        return None
    path = Path(path)
    if path.is_absolute():
        return path
    here = Path.cwd().resolve()
    return (PROJECT_ROOT if here == NOTEBOOKS_DIR else here) / path
