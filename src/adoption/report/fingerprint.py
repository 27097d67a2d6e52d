"""Content hashes that decide whether a report must be rebuilt.

A report is up to date when nothing it depends on has changed: its notebook,
its parameters and title, the data files it reads, the library code and the
metadata beside the data, and the versions of the packages that draw and
compute. Modification times are not used: a fresh clone has new times and the
same content.

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

from adoption.paths import DATA_DIR
from adoption.report.config import BuildConfig, ReportSpec

LIBRARY_DIR = Path(__file__).resolve().parents[1]
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
    """One hash of the library's code and templates, the data's metadata files, and the
    versions of the packages that compute and draw."""
    digest = hashlib.sha256()
    files = [p for p in LIBRARY_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += sorted(DATA_DIR.rglob("*.toml"))
    for path in sorted(files):
        digest.update(str(path.relative_to(LIBRARY_DIR.parents[1])).encode())
        digest.update(file_sha256(path).encode())
    digest.update(sys.version.encode())
    for package in PACKAGES:
        digest.update(f"{package}={_version(package)}".encode())
    return digest.hexdigest()


def data_inputs(spec: ReportSpec, config: BuildConfig) -> list[dict[str, str]]:
    """The report's data files with their SHA-256 (or 'missing')."""
    inputs = []
    for path in spec.data_files(config.root):
        sha = file_sha256(path) if path.is_file() else "missing"
        inputs.append({"file": relative(path, config.root), "sha256": sha})
    return inputs


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
