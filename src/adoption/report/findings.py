"""The headline a report's notebook displayed, for its card on the index.

`present.key_findings` displays the box at the top of a report with its headline (the
first finding without its details) in the display's metadata (`KEY`); this reads it
back from the executed notebook as plain JSON, so the build's main process loads no
notebook library.
"""

from __future__ import annotations

import json
from pathlib import Path

KEY = "adoption_key_findings"


def key_findings(executed: Path) -> list[str]:
    """The headline of the first key-findings box of an executed notebook, as a list of
    one sentence, or []."""
    try:
        notebook = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            metadata = output.get("metadata", {})
            found = metadata.get(KEY) or metadata.get("text/html", {}).get(KEY)
            if isinstance(found, list) and all(isinstance(text, str) for text in found):
                return found
    return []
