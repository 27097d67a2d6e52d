"""An executed notebook -> one self-contained HTML page for readers.

nbconvert's lab look, with our template (`templates/adoption`): no code cells,
no prompts, images inline, and no script, style or font fetched from any other
host. Prose cells tagged `lang-en` or `lang-fr` appear only in reports of that
language, so one notebook tells its story in English and in French.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from adoption.report.policy import content_security_policy
from adoption.text import say

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("en", "fr")
# Cells every report leaves out, whatever its language.
HIDDEN_TAGS = {"remove-in-report"}

LABEL_KEYS = ("index_label", "code_label", "data_label")


def notebook_html(notebook: nbformat.NotebookNode, title: str, language: str,
                  links: dict[str, object]) -> str:
    """The report page. `links`: index_href, notebook_href, data (file, sha256), version."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["title"] = title
    labels = {key: say(f"report.{key}", language) for key in LABEL_KEYS}
    resources = {"adoption": {**labels, **links, "csp": content_security_policy()}}
    body, _ = _exporter(language).from_notebook_node(notebook, resources=resources)
    return body


@cache
def _exporter(language: str) -> HTMLExporter:
    """One exporter per language and process: it compiles its templates once."""
    exporter = HTMLExporter(
        template_name="adoption",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.language_code = language
    other_languages = {f"lang-{code}" for code in LANGUAGES if code != language}
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS | other_languages), enabled=True)
    return exporter
