"""The adoption table a build's reports read, published beside them as a Data Package.

`reports/data/adoption.csv` holds the rows of every published-figures or survey file
the reports name (their `*_file` parameters), and `reports/data/datapackage.json`
describes it (a Frictionless Tabular Data Package: each column's type, unit and
meaning from `adoption.codebook`, the licence and the publishers), so a journalist can
re-plot everything the charts show.

Loading the table takes pandas, which the build's main process never loads: the
package is written by `python -m adoption.report.data_package OUT FILE...`, run only when
the files it is made from (or adoption's version) have changed since the last build.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import TextIO

from adoption import __version__
from adoption.codebook import FIELDS, FRACTION_DECIMALS
from adoption.escaping import spreadsheet_safe
from adoption.files import write_text
from adoption.problems import DataError
from adoption.report.config import BuildConfig

DATA_DIR = "data"
TABLE_FILE = "adoption.csv"
PACKAGE_FILE = "datapackage.json"
DIGEST_FILE = f"{DATA_DIR}/.made-from.sha256"  # what the published package was made from
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def publish_dataset(config: BuildConfig, out: Path, stream: TextIO) -> None:
    """Write `out/data/` unless it is already made from these files. A failure is told on
    `stream` and leaves the reports, and any package published before, as they are."""
    files = sorted({path.resolve() for spec in config.reports
                    for path in spec.data_files(config.root) if path.is_file()})
    if not files:
        return
    digest = _digest(files)
    marker = out / DIGEST_FILE
    written = [out / DATA_DIR / TABLE_FILE, out / DATA_DIR / PACKAGE_FILE]
    if marker.is_file() and marker.read_text() == digest and all(p.is_file() for p in written):
        return
    run = subprocess.run([sys.executable, "-m", "adoption.report.data_package", str(out),
                          *map(str, files)], capture_output=True, text=True)
    if run.returncode != 0:
        why = (run.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"adoption: the adoption table was not published in {DATA_DIR}/: {why}",
              file=stream)
        return
    if all(path.is_file() for path in written):  # some files hold no adoption figures
        write_text(marker, digest)


def _digest(files: list[Path]) -> str:
    hasher = hashlib.sha256(__version__.encode())
    for path in files:
        hasher.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


def write_dataset(out: Path, files: list[Path]) -> None:
    """The table of `files` (those holding published figures or survey answers) and its
    package, each written whole or not at all."""
    # Deferred: pandas only when this runs.
    import pandas as pd

    # Deferred: it loads pandas and pyarrow; only when this runs.
    from adoption.table import COLUMNS, KEY, load_table
    from adoption.validate import detect_kind

    tables = []
    with warnings.catch_warnings():  # validate tells them; the reports show them
        warnings.simplefilter("ignore")
        for path in files:
            try:  # a sector map or an archive holds no adoption figures: left out
                if detect_kind(path) in ("published", "survey"):
                    tables.append(load_table(path))
            except (DataError, ValueError):
                continue
    if not tables:
        return
    table = pd.concat(tables)
    table = table.astype({"series": str, "platform": str, "sector": str, "design": str,
                          "certainty": str}).sort_values(KEY).drop_duplicates(KEY)
    for column in ("share", "share_weighted", "n_effective"):
        table[column] = table[column].round(FRACTION_DECIMALS)
    csv = spreadsheet_safe(table[COLUMNS]).to_csv(index=False, lineterminator="\n")
    folder = out / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / TABLE_FILE, csv)
    package = {
        "profile": "tabular-data-package",
        "name": "adoption",
        "title": "Adoption of social media by nonprofits and businesses",
        "description": "Each row: the share of a population of organisations using a "
                       "platform in a year, with its sample size, design and source.",
        "version": __version__,
        "licenses": [LICENSE],
        "sources": [{"title": publisher} for publisher in
                    sorted(table["publisher"].dropna().astype(str).unique())],
        "resources": [{
            "name": "adoption", "path": TABLE_FILE, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": FIELDS, "primaryKey": KEY, "missingValues": [""]},
        }],
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    write_text(folder / PACKAGE_FILE, text)


if __name__ == "__main__":
    write_dataset(Path(sys.argv[1]), [Path(name) for name in sys.argv[2:]])
