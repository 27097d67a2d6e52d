"""Content hashes that decide whether a report must be rebuilt.

A report is up to date when nothing it depends on has changed: its notebook,
its parameters and title, the data files it reads (those its parameters name and
the files their loaders read beside them: corrections, French notes, the Data
Package), the library code, templates and bundled data, and the versions of the
packages that draw and compute. Modification times are not used: a fresh clone has
new times and the same content.

Kept free of heavy imports: a build with nothing to do must answer in about
a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from adoption.paths import DATA_DIR, NOTEBOOKS_DIR
from adoption.report.config import BuildConfig, ReportSpec

LIBRARY_DIR = Path(__file__).resolve().parents[1]
# Files a loader reads beside a data file NAME.EXT (see adoption.corrections,
# adoption.published, adoption.datapackage).
SIDECARS = ("{stem}.corrections.csv", "{stem}.fr.csv", "{stem}.studies.fr.csv",
            "datapackage.json")
# Packages whose version can change a number or a pixel in a report.
PACKAGES = ("adoption", "pandas", "numpy", "scipy", "statsmodels", "matplotlib",
            "papermill", "nbconvert", "nbclient", "ipykernel", "pyarrow")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_digest() -> str:
    """One hash of the library's code and templates, the bundled data (which a notebook
    reads when a parameter leaves the data to its default) with their metadata, and the
    versions of the packages that compute and draw. The packaged notebooks are not in
    it: each report hashes its own."""
    digest = hashlib.sha256()
    code = [p for p in LIBRARY_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            and not p.resolve().is_relative_to(NOTEBOOKS_DIR)
            and not p.resolve().is_relative_to(DATA_DIR)]
    files = [(path.relative_to(LIBRARY_DIR).as_posix(), path) for path in code]
    files += [(f"data/{path.relative_to(DATA_DIR).as_posix()}", path)
              for path in DATA_DIR.rglob("*") if path.is_file() and path.suffix != ".md"]
    for name, path in sorted(files):
        digest.update(name.encode())
        digest.update(file_sha256(path).encode())
    digest.update(sys.version.encode())
    for package in PACKAGES:
        digest.update(f"{package}={_version(package)}".encode())
    return digest.hexdigest()


def data_inputs(spec: ReportSpec, config: BuildConfig) -> list[dict[str, str]]:
    """The report's data files with their SHA-256 (or 'missing'), and after each, the
    files read with it that are there (`SIDECARS`)."""
    inputs = []
    seen: set[Path] = set()
    for path in spec.data_files(config.root):
        for read in [path, *sidecars(path)]:
            if read.resolve() in seen:
                continue
            seen.add(read.resolve())
            sha = file_sha256(read) if read.is_file() else "missing"
            inputs.append({"file": relative(read, config.root), "sha256": sha})
    return inputs


def sidecars(path: Path) -> list[Path]:
    """The files beside `path` that its loader reads too, where they exist."""
    stem = path.name.split(".")[0] if path.suffix in (".gz", ".bz2", ".xz") else path.stem
    found = [path.with_name(pattern.format(stem=stem)) for pattern in SIDECARS]
    return [side for side in found if side != path and side.is_file()]


def shown_notebook(notebook: Path, root: Path) -> str:
    """A report's notebook as the index names it: from the config's folder, or by its
    name alone when it is one of the package's own and lies outside that folder."""
    shown = relative(notebook, root)
    packaged = notebook.resolve().is_relative_to(NOTEBOOKS_DIR)
    return notebook.name if packaged and shown.startswith("../") else shown


def report_digest(spec: ReportSpec, config: BuildConfig, library: str) -> str:
    description = {
        "notebook": file_sha256(spec.notebook),
        "title": spec.title,
        "parameters": spec.parameters,
        "data": data_inputs(spec, config),
        "cell_timeout": config.cell_timeout,
        "library": library,
        # The page links to its versions in the other languages.
        "translations": sorted(other.name for other in config.translations(spec)),
    }
    text = json.dumps(description, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def relative(path: Path, root: Path) -> str:
    """`path` relative to the config's folder (`../` included when it lies outside),
    as the index shows it: never the build machine's absolute path."""
    try:
        return Path(os.path.relpath(path.resolve(), root)).as_posix()
    except ValueError:  # another drive (Windows): the name is all we can show
        return path.name
