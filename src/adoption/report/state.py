"""What the last builds produced: `reports/.build/state.json`.

Per report: the content hash it was built from, when, in how long, its data
files with their hashes, its chart entries, and the last failure if the most
recent attempt failed. The index and the incremental check both read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from adoption.files import write_text

STATE_DIR = ".build"
STATE_FILE = "state.json"


@dataclass
class BuildState:
    out_dir: Path
    reports: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        path = out_dir / STATE_DIR / STATE_FILE
        try:
            reports = json.loads(path.read_text(encoding="utf-8"))["reports"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
            reports = {}  # no usable state: everything is rebuilt
        return cls(out_dir, reports)

    def save(self) -> None:
        write_json_atomically(self.out_dir / STATE_DIR / STATE_FILE, {"reports": self.reports})

    def is_current(self, name: str, digest: str) -> bool:
        """Built from exactly these inputs, and every file it made is still there."""
        record = self.reports.get(name)
        if not record or record.get("digest") != digest or record.get("failure"):
            return False
        return all((self.out_dir / path).is_file() for path in self.files_of(name))

    def files_of(self, name: str) -> list[str]:
        """The published files of a report, relative to the output folder."""
        record = self.reports.get(name, {})
        files = [record["html"], record["executed"]] if "html" in record else []
        for chart in record.get("charts", []):
            files += [f"charts/{file}" for file in chart.get("files", {}).values()]
        return files

    def chart_owner(self, chart_name: str) -> str | None:
        for report, record in self.reports.items():
            if any(chart.get("name") == chart_name for chart in record.get("charts", [])):
                return report
        return None


def write_json_atomically(path: Path, document: object) -> None:
    write_text(path, json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
