"""Writing a chart's files and its manifest entry, and combining manifests.

`save_chart(chart, out_dir)` writes, into `out_dir`:

    NAME.png         the 1200x628 social card
    NAME-large.png   the same chart at 2400x1256
    NAME.svg         vector, real text, <title> and <desc> for screen readers
    NAME.csv         exactly the plotted numbers, with their sources (`tables.py`)
    NAME.html        the interactive chart, drawn from the CSV's table (`interactive.py`)
    vendor/…js       the rendering library the pages load, once for all charts
                     (`vendor.py`); written when missing or different
    manifest.json    this chart's entry upserted (other charts' entries kept)

`manifest.json` (UTF-8, sorted keys, indent 2, trailing newline):

    {"manifest_version": 1, "charts": [ENTRY, ...]}   entries sorted by "name"

In Python a manifest is its list of entries: `read_manifest` returns it,
`write_manifest` and `merge_manifests` take lists (or the file's dict).

Each ENTRY has `ENTRY_KEYS` (see `Chart.manifest_entry`), plus `sha256` of each file,
so a reader can check that a file is the one the build made. `embed` holds what a
blogger needs to embed the interactive page: `html` (the `<iframe>` snippet, naming the
page's file), `height` (its default height in pixels), `note` (how it behaves on narrow
screens, in the chart's language) and `script` (the shared script, relative to the
charts folder, to host beside the pages). No date, path or
version is written, so two builds from the same inputs give the same manifest.

A report build runs each notebook in its own process with its own `out_dir`,
then combines the manifests with `merge_manifests` and `write_manifest`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from adoption.charts import vendor
from adoption.files import locked, write_bytes

if TYPE_CHECKING:
    from adoption.charts.chart import Chart

MANIFEST_NAME = "manifest.json"
# Held while a manifest is read, updated and written back, so that two notebooks saving
# charts into one folder at once keep each other's entries. Kept in the system's
# temporary folder, named from the charts folder's path: a folder of charts holds only
# what is published.
LOCKS_DIR = Path(tempfile.gettempdir()) / "adoption-locks"
MANIFEST_VERSION = 1
ENTRY_KEYS = (
    "name", "kind", "lang", "title", "subtitle", "alt_text", "notes", "source_note",
    "source_line", "credit", "license", "citation", "bibtex", "synthetic", "sources",
    "claims", "files", "embed", "sizes", "sha256",
)
FILE_KINDS = ("png", "png_large", "svg", "csv", "html")


class ManifestError(ValueError):
    """A manifest file that cannot be read, or two entries that contradict each other."""


def save_chart(chart: Chart, out_dir: str | Path) -> dict:
    """Write the chart's PNGs, SVG, CSV and interactive page into `out_dir`, with the
    script the page loads, and upsert its manifest entry.

    Returns the entry. Every file is written atomically (a reader never sees half a
    file), and the manifest update is locked against another process saving into the
    same folder.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    contents = chart.files()
    entry = chart.manifest_entry()
    for kind, data in contents.items():
        write_bytes(folder / entry["files"][kind], data)
    entry["sha256"] = {kind: hashlib.sha256(data).hexdigest() for kind, data in contents.items()}
    upsert_manifest(folder / MANIFEST_NAME, [entry])
    return entry


def write_shared_files(folder: str | Path) -> None:
    """Put the script every interactive page loads into `folder/vendor/`, unless the same
    bytes are already there. `save_chart` and `write_manifest` call it, so a folder with a
    manifest has the script its pages need (a report build writes its manifest last)."""
    target = Path(folder) / vendor.SCRIPT_PATH
    script = vendor.script()
    if target.is_file() and target.stat().st_size == len(script) \
            and target.read_bytes() == script:
        return
    write_bytes(target, script)


def read_manifest(path: str | Path) -> list[dict]:
    """The chart entries of the manifest at `path`, checked, sorted by name; an empty list if
    the file does not exist."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: not a readable JSON manifest ({error})") from None
    return entries_of(manifest, str(path))


def entries_of(manifest: object, where: str = "manifest") -> list[dict]:
    """The entries of a manifest (the file's dict, or already a list of entries), checked:
    ManifestError naming the first problem (version, structure, missing keys)."""
    if isinstance(manifest, dict):
        if manifest.get("manifest_version") != MANIFEST_VERSION:
            raise ManifestError(f"{where}: manifest_version {manifest.get('manifest_version')!r}"
                                f", expected {MANIFEST_VERSION}")
        manifest = manifest.get("charts")
    if not isinstance(manifest, list):
        raise ManifestError(f"{where}: expected {{\"manifest_version\": {MANIFEST_VERSION}, "
                            "\"charts\": [...]}} or a list of chart entries")
    for position, entry in enumerate(manifest):
        missing = [key for key in ENTRY_KEYS if not isinstance(entry, dict) or key not in entry]
        if missing:
            name = entry.get("name", f"#{position}") if isinstance(entry, dict) else position
            raise ManifestError(f"{where}: chart {name} lacks {', '.join(missing)}")
    return sorted(manifest, key=lambda entry: entry["name"])


def merge_manifests(manifests: Iterable[str | Path | list | dict]) -> list[dict]:
    """The entries of all of `manifests` (paths, or loaded manifests or entry lists), sorted.

    The same chart saved by two reports with identical entries appears once; the
    same name with different content is a ManifestError naming the chart, since one
    file name would then stand for two charts.
    """
    by_name: dict[str, dict] = {}
    origin: dict[str, str] = {}
    for position, item in enumerate(manifests):
        where = str(item) if isinstance(item, str | Path) else f"manifest #{position}"
        entries = read_manifest(item) if isinstance(item, str | Path) else entries_of(item, where)
        for entry in entries:
            name = entry["name"]
            if name in by_name and by_name[name] != entry:
                raise ManifestError(
                    f"chart {name!r} differs between {origin[name]} and {where}: two reports "
                    "made different charts under one file name"
                )
            by_name[name] = entry
            origin.setdefault(name, where)
    return sorted(by_name.values(), key=lambda entry: entry["name"])


def write_manifest(path: str | Path, entries: Iterable[dict] | dict) -> None:
    """Write `entries` (or a manifest dict) as the manifest file: sorted, indented UTF-8 JSON
    with sorted keys and a trailing newline, atomically."""
    checked = entries_of(entries if isinstance(entries, dict) else list(entries), str(path))
    text = json.dumps(_manifest(checked), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    write_bytes(Path(path), text.encode("utf-8"))
    if any("html" in entry["files"] for entry in checked):
        write_shared_files(Path(path).parent)


def upsert_manifest(path: str | Path, entries: Iterable[dict]) -> list[dict]:
    """Add or replace `entries` (by name) in the manifest at `path`; returns all entries."""
    path = Path(path)
    with locked(_lock_file(path.parent)):
        by_name = {entry["name"]: entry for entry in read_manifest(path)}
        by_name.update({entry["name"]: entry for entry in entries})
        merged = sorted(by_name.values(), key=lambda entry: entry["name"])
        write_manifest(path, merged)
    return merged


def _lock_file(folder: Path) -> Path:
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:24]
    return LOCKS_DIR / f"manifest-{digest}.lock"


def _manifest(entries: Iterable[dict]) -> dict:
    return {"manifest_version": MANIFEST_VERSION,
            "charts": sorted(entries, key=lambda entry: entry["name"])}


__all__ = [
    "ENTRY_KEYS", "FILE_KINDS", "MANIFEST_NAME", "ManifestError", "entries_of",
    "merge_manifests", "read_manifest", "save_chart", "upsert_manifest", "write_manifest",
    "write_shared_files",
]
