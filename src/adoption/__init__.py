"""adoption: do nonprofits adopt social media faster than businesses?

The data flow, one module per stage:

    readers, schema      files -> cells with line numbers -> typed, checked columns
    published, survey    the two kinds of adoption data, validated
    snapshots            account activity snapshots (archived API output), validated
    table                both adoption inputs -> the adoption table
    stats                intervals, sector comparisons, trends, the claim check
    charts               citable charts in the house style
    present              the tables and sentences notebooks show, in English or French
    report               notebooks -> papermill -> nbconvert -> reports/
    synth                the labelled synthetic data sets

The functions users call most are importable from here. They import their
stage on first use, so `import adoption` (and the command line) start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    import pandas as pd

__all__ = ["__version__", "load_published", "load_snapshots", "load_survey", "load_table"]


def __getattr__(name: str) -> str:
    """`adoption.__version__`, read from the installed package on first use: loading
    importlib.metadata and searching the installed packages takes 60 ms, which every
    command and every import worker would otherwise pay before its work."""
    if name != "__version__":
        raise AttributeError(f"module 'adoption' has no attribute {name!r}")
    # Deferred: importlib.metadata only when the version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("adoption")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found


def load_published(path: str | Path | None = None, *, sheet: str | int | None = None,
                   columns: Mapping[str, str] | None = None,
                   metadata: str | Path | None = None) -> pd.DataFrame:
    """The published figures (bundled by default), validated. See `adoption.published`;
    `metadata` as `load_survey` takes it."""
    if path is None:
        # Deferred: `import adoption` stays light; this loads on first use.
        from adoption.published import load_published as load

        return load(sheet=sheet, columns=columns)
    # Deferred: `import adoption` stays light; this loads on first use.
    from adoption.validate import load_data

    return load_data(path, "published", sheet=sheet, columns=columns, metadata=metadata)[1]


def load_survey(path: str | Path | None = None, *, sheet: str | int | None = None,
                columns: Mapping[str, str] | None = None,
                metadata: str | Path | None = None) -> pd.DataFrame:
    """Respondent-level survey data (the bundled synthetic survey by default), validated.
    See `adoption.survey`.

    sheet: a workbook's sheet, by name or number from 1. columns: more header
    names, {the file's header: the survey's column}, e.g. {"org": "org_id"}.
    metadata: a Frictionless Data Package describing the file (default: the
    datapackage.json beside it, if any; see `adoption.datapackage`)."""
    # Deferred: `import adoption` stays light; this loads on first use.
    from adoption.paths import BUNDLED_SURVEY
    from adoption.validate import load_data

    return load_data(BUNDLED_SURVEY if path is None else path, "survey", sheet=sheet,
                     columns=columns, metadata=metadata)[1]


def load_snapshots(paths: Iterable[str | Path], **options: object) -> pd.DataFrame:
    """The snapshot table from archived account data. See `adoption.snapshots`."""
    # Deferred: `import adoption` stays light; this loads on first use.
    from adoption.snapshots import load_snapshots as load

    return load(paths, **options)


def load_table(path: str | Path | None = None, *, sheet: str | int | None = None,
               columns: Mapping[str, str] | None = None,
               metadata: str | Path | None = None) -> pd.DataFrame:
    """The adoption table from published figures (bundled by default) or a survey file;
    `sheet`, `columns` and `metadata` as `load_survey` takes them."""
    # Deferred: `import adoption` stays light; this loads on first use.
    from adoption.table import load_table as load

    return load(path, sheet=sheet, columns=columns, metadata=metadata)
