"""Where the project's files live, so no module spells out a relative path twice.

The notebooks and the bundled data ship inside the package, so that an installed copy
(`pip install .`, not editable) finds them wherever it runs. In a source checkout,
`src/adoption/notebooks` and `src/adoption/data` are links to the project's own
`notebooks/` and `data/` folders (which `make lab`, the README and reports.toml name);
an installed copy holds the files themselves.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
NOTEBOOKS_DIR = (PACKAGE_DIR / "notebooks").resolve()
DATA_DIR = (PACKAGE_DIR / "data").resolve()
# The source checkout's root (where reports.toml is); in an installed copy, the package.
PROJECT_ROOT = NOTEBOOKS_DIR.parent
BUNDLED_PUBLISHED = DATA_DIR / "published" / "adoption.csv"
SYNTHETIC_DIR = DATA_DIR / "synthetic"
BUNDLED_SURVEY = SYNTHETIC_DIR / "survey_synthetic.csv"
BUNDLED_SNAPSHOTS = SYNTHETIC_DIR / "snapshots_synthetic.csv"
BUNDLED_SECTOR_MAP = SYNTHETIC_DIR / "snapshots_synthetic_sector_map.csv"


def project_path(path: str | Path | None) -> Path | None:
    """A notebook parameter's path, absolute.

    A relative path is read from the working folder: in a report build that is the
    folder of the `reports.toml` (the build runs every notebook there), or for
    `adoption report --data`, the folder it was run from; so a path means the same in
    the config, on the command line and in the notebook. The one exception is a
    notebook opened in JupyterLab from this project's own `notebooks/` folder
    (`make lab`), whose working folder is `notebooks/`: its paths name files from the
    project root, and are read from there. None stays None (a loader's "use the
    bundled data").
    """
    if path is None:
        return None
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    here = Path.cwd().resolve()
    return (PROJECT_ROOT if here == NOTEBOOKS_DIR else here) / path


def packaged_notebook(name: str) -> Path | None:
    """One of the notebooks shipped in the package, by its name with or without
    `.ipynb` (`adoption_yoy`); None if there is no such notebook."""
    if not name or "/" in name or "\\" in name:
        return None
    path = NOTEBOOKS_DIR / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    return path if path.is_file() else None


def packaged_notebooks() -> list[Path]:
    """Every notebook shipped in the package, by name."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
