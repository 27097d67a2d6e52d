"""Where a set of account snapshots comes from, in words a chart's source line can print.

Published figures take their sources from the series metadata; an account archive
is not a series of published figures, and an analyst's own twarc harvest has no
entry there. So the source is read from the snapshot table's own provenance: the
archive's file names (`source_file`, never its folder: a path would leak into the
files and break determinism), the kind of archive they are (table file, twarc2
JSON Lines, platform API JSON, from `source_pointer`) and the `synthetic` column.
An analyst who knows better ("twarc2 search of the Forbes 200 accounts") says so
with `source=`.

`Archive` has the methods of a chart's sources (`adoption.charts.sources.Sources`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd

from adoption.text import say
from adoption.text.formats import clauses, year_span

MANY_FILES = 3  # more files than this are summarised as "N files, first to last"


@dataclass(frozen=True)
class ArchiveFile:
    """One file the snapshots were read from: its name (no folder), kind and size."""

    name: str
    kind: str  # "table", "twarc2" or "api"
    rows: int
    accounts: int
    years: tuple[int, ...]


@dataclass(frozen=True)
class Archive:
    """The provenance of some snapshots (the rows of one platform)."""

    platform: str
    files: tuple[ArchiveFile, ...]
    synthetic: bool
    years: tuple[int, ...]
    accounts: int
    override: Mapping[str, str] | None = None

    @classmethod
    def of(cls, rows: pd.DataFrame, source: str | Mapping[str, str] | None = None) -> Archive:
        if "source_file" in rows.columns:
            files = rows["source_file"].astype("string").fillna("")
        else:  # a table built in a notebook, not read from files
            files = pd.Series("", index=rows.index, dtype="string")
        pointers = (rows["source_pointer"].astype("string") if "source_pointer" in rows.columns
                    else pd.Series(pd.NA, index=rows.index, dtype="string"))
        described = []
        for path, group in rows.groupby(files.to_numpy(), sort=True):
            described.append(ArchiveFile(
                name=file_name(str(path)),
                kind=file_kind(str(path), pointers.loc[group.index]),
                rows=len(group),
                accounts=int(group["account_id"].nunique()),
                years=tuple(sorted({int(y) for y in group["snapshot_at"].dt.year})),
            ))
        override = {"en": source, "fr": source} if isinstance(source, str) else source
        return cls(
            platform=str(rows["platform"].iloc[0]),
            files=tuple(described),
            synthetic=bool(rows["synthetic"].astype(bool).any()),
            years=tuple(sorted({int(y) for y in rows["snapshot_at"].dt.year})),
            accounts=int(rows["account_id"].nunique()),
            override=override,
        )

    @property
    def span(self) -> str:
        return year_span(self.years)

    @property
    def file_names(self) -> str:
        """For the CSV: every file, in full, separated by ";"."""
        return ";".join(f.name for f in self.files)

    def data_text(self, lang: str) -> str:
        """"synthetic Twitter account archive snapshots_synthetic.csv (...), 2009–2014"."""
        return f"{self.describe(self.files, lang)}, {self.span}"

    def describe(self, files: Sequence[ArchiveFile], lang: str) -> str:
        """What `files` are, with their names: "twarc2 archive a.jsonl, b.jsonl"."""
        if self.override is not None:
            return self.override[lang]
        if self.synthetic:
            text = say("archive.synthetic", lang, platform=self.platform,
                       files=listed([f.name for f in files], lang))
            return " ".join(part for part in text.split(" ") if part)  # no file named: no gap
        by_kind: dict[str, list[str]] = {}
        for file in files:
            by_kind.setdefault(file.kind, []).append(file.name)
        return clauses([say(f"archive.kind.{kind}", lang, platform=self.platform,
                               files=listed(names, lang)).strip()
                           for kind, names in by_kind.items()], lang)

    def source_line(self, lang: str) -> str:
        return say("chart.source", lang, text=self.data_text(lang))

    def source_note(self, lang: str) -> str:
        """The manifest's source note: the source line, then every file (with its number of
        snapshots when there are several) and the totals."""
        files = [say("archive.file_rows", lang, name=f.name, rows=f.rows) for f in self.files]
        read = say("archive.read", lang, files=files if len(files) > 1 else [self.files[0].name],
                   rows=sum(f.rows for f in self.files), accounts=self.accounts)
        return f"{self.source_line(lang)}. {read}"

    def notes(self, lang: str) -> list[str]:
        return []

    def entries(self, lang: str) -> list[dict]:
        """One entry per file, in the manifest's `sources` (label and publisher, as the
        charts page lists them)."""
        return [{
            "label": file.name,
            "publisher": self.describe([file], lang),
            "file": file.name,
            "rows": file.rows,
            "accounts": file.accounts,
            "years": list(file.years),
            "synthetic": self.synthetic,
            "urls": [],
        } for file in self.files]


def file_name(path: str) -> str:
    """The file's name without its folder, whichever system wrote the path."""
    if not path:
        return ""
    return PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name


def file_kind(path: str, pointers: pd.Series) -> str:
    """What kind of archive a file is, from what the import recorded: table files keep
    no JSON pointer; twarc2 writes JSON Lines of API v2 pages (users under `data` or
    `includes/users`); other JSON is a platform's API output."""
    known = pointers.dropna()
    if known.empty:
        return "table"
    name = path.lower()
    v2_pages = known.str.contains("/data|/includes/users", regex=True).all()
    if v2_pages and (name.endswith(".jsonl") or name.endswith(".jsonl.gz")):
        return "twarc2"
    return "api"


def listed(names: Sequence[str], lang: str) -> str:
    """A few file names in full; many as "48 files, a.jsonl to z.jsonl"."""
    names = [n for n in names if n]
    if len(names) <= MANY_FILES:
        return say("archive.names", lang, names=names)
    return say("archive.many_files", lang, count=len(names), first=names[0], last=names[-1])
