"""Data strings never become markup, links that run code, or spreadsheet formulas.

Every text that comes from a data file (a study's name, a publisher, a note, a
source address, a label from a user's metadata) may hold anything its author
typed, by accident or on purpose. Three places could turn such a text into
something that runs:

* **HTML and SVG**: pages are built with Jinja's autoescaping and matplotlib's own
  escaping; `web_url` decides whether an address may become a link at all.
* **Markdown**: `markdown_text` escapes what Markdown would read as a link, an
  image, emphasis or raw HTML, for the few texts that are written as Markdown.
* **CSV opened in a spreadsheet**: a cell beginning with `=`, `+`, `-`, `@`, a tab
  or a carriage return is read as a formula by Excel, LibreOffice and Google
  Sheets. `spreadsheet_text` prefixes such a cell with an apostrophe, as OWASP's
  guidance on CSV injection recommends; numbers are never changed.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import pandas as pd

WEB_SCHEMES = ("http", "https")
# OWASP, "CSV Injection": cells starting with these are formulas to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Inline Markdown: emphasis, code, links and images, tables, strike-through. "-", "+",
# "#" and parentheses mean something only at a line's start or after a "]": the text
# escaped here never starts a line, and its "]" are escaped.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]!|~])")


def web_url(text: object) -> str | None:
    """`text` as an address a page may link to, or None.

    Only http and https addresses with a host qualify, after trimming spaces and
    control characters and ignoring case ("JaVaScRiPt:", " javascript:",
    "vbscript:", "data:" are refused). The address is returned trimmed, otherwise
    as written.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        # Only cells that are not text (NaN, pd.NA) need pandas; the build's main
        # process, which reads chart manifests, never loads it.
        import pandas as pd

        if pd.isna(text):
            return None
    address = "".join(char for char in str(text) if char.isprintable()).strip()
    try:
        parts = urlsplit(address)
    except ValueError:
        return None
    if parts.scheme.casefold() not in WEB_SCHEMES or not parts.netloc:
        return None
    return address


def host(url: str) -> str:
    """The host part of a web address, for link texts: "www.umassd.edu"."""
    return urlsplit(url).hostname or url


def markdown_text(text: object) -> str:
    """`text` escaped for Markdown: read as the words it is, never as markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(str(text), quote=False))


def spreadsheet_text(value: object) -> object:
    """A CSV cell that no spreadsheet will run: text starting like a formula gets a
    leading apostrophe; everything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are `spreadsheet_text`; numeric columns untouched."""
    # Deferred: pandas only when this runs.
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(spreadsheet_text, na_action="ignore")
    return safe


_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "\u202f": r"\,", "\u00a0": "~", "\u2013": "--", "\u2014": "---",
}


def bibtex_escape(text: str) -> str:
    """`text` for a BibTeX field: LaTeX's special characters escaped, French spaces and
    dashes as LaTeX writes them."""
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text)
