"""Do a report's parameters suit its notebook? Checked before anything runs.

papermill reads a notebook's `parameters` cell (`papermill.inspect_notebook`):
each parameter's name, its type annotation if it has one, and its default as
written. A report may only set parameters the notebook declares, and each value
must be of the kind the notebook expects: the annotated type when there is one
(`years: list[int] = [2007, 2010]`, `series: "Union[str, list]" = ...`),
otherwise the kind of its default (a default of `"blog"` wants text, `[2007,
2010]` a list of whole numbers, `0.95` a number; `None` or an expression
accepts anything). Without this, a whole number given for a text parameter
fails deep in the notebook (`'int' object has no attribute 'replace'`).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

from adoption.report.config import KINDS, PLURALS, describe, kind_of

# Annotation names -> the kind of TOML value they accept (see `config.kind_of`).
ANNOTATION_KINDS = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true/false",
    "list": "a list", "List": "a list", "tuple": "a list", "Tuple": "a list",
    "Sequence": "a list", "dict": "a table", "Dict": "a table", "Mapping": "a table",
}
ANY = None  # an expected kind that accepts every value
KIND_ORDER = [name for _, name in KINDS]


@dataclass(frozen=True)
class Expected:
    """The kinds of value a parameter accepts, and for lists, the kind of their items."""

    kinds: frozenset[str]
    items: str | None = None
    example: str | None = None  # the notebook's default, as TOML

    def accepts(self, value: object) -> bool:
        if not any(_fits(value, kind) for kind in self.kinds):
            return False
        if self.items and isinstance(value, list):
            return all(_fits(item, self.items) for item in value)
        return True

    def __str__(self) -> str:
        words = []
        for kind in sorted(self.kinds, key=KIND_ORDER.index):
            if kind == "a list" and self.items:
                words.append(f"a list of {PLURALS.get(self.items, self.items)}")
            else:
                words.append(kind)
        return " or ".join(words)


def parameter_problems(parameters: dict[str, object], declared: dict[str, dict],
                       notebook: str) -> dict[str, str]:
    """What is wrong with each parameter (by name), as 'what (expected ...)'."""
    problems = {}
    names = ", ".join(f"'{name}'" for name in sorted(declared)) or "no parameters"
    for name, value in parameters.items():
        if name not in declared:
            problems[name] = f"'{name}' is not a parameter of {notebook}, which declares {names}"
            continue
        expected = expected_of(declared[name])
        if expected is not ANY and not expected.accepts(value):
            example = f", e.g. {name} = {expected.example}" if expected.example else ""
            problems[name] = (f"parameter '{name}' is {describe(value)} (expected {expected}, "
                              f"as {notebook} declares it{example})")
    return problems


def expected_of(parameter: dict) -> Expected | None:
    """What a declared parameter accepts, from its annotation or else its default;
    None when anything goes (no annotation we can read, a default of None or an
    expression)."""
    annotation = parameter.get("inferred_type_name") or "None"
    try:
        default = ast.literal_eval(parameter.get("default") or "None")
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        default = None
    example = _as_toml(default)
    if annotation != "None":
        kinds = _annotation_kinds(annotation)
        if kinds is None:
            return ANY
        return Expected(frozenset(kinds[0]), kinds[1], example)
    if default is None:
        return ANY
    items = {kind_of(item) for item in default} if isinstance(default, list | tuple) else set()
    return Expected(frozenset({kind_of(default)}), items.pop() if len(items) == 1 else None,
                    example)


def _annotation_kinds(annotation: str) -> tuple[set[str], str | None] | None:
    """The kinds an annotation such as `list[int]`, `Optional[str]` or
    `Union[str, list]` accepts, and the item kind of its list; None if unknown."""
    try:
        tree = ast.parse(annotation.strip("'\""), mode="eval").body
    except SyntaxError:
        return None
    kinds: set[str] = set()
    items: list[str | None] = []

    def visit(node: ast.expr) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return visit(node.left) and visit(node.right)
        if isinstance(node, ast.Constant) and node.value is None:
            return True  # Optional: TOML has no None to give
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if node.value.id in ("Union", "Optional"):
                return all(visit(part) for part in inner)
            if ANNOTATION_KINDS.get(node.value.id) == "a list" and len(inner) == 1:
                item = inner[0]
                items.append(ANNOTATION_KINDS.get(item.id) if isinstance(item, ast.Name)
                             else None)
            return visit(node.value)
        if isinstance(node, ast.Name) and node.id in ANNOTATION_KINDS:
            kinds.add(ANNOTATION_KINDS[node.id])
            return True
        return False  # Any, a class of the notebook's own, ...: not checked

    if not visit(tree) or not kinds:
        return None
    return kinds, items[0] if len(items) == 1 else None


def _fits(value: object, kind: str) -> bool:
    found = kind_of(value)
    return found == kind or (kind == "a number" and found == "a whole number")


def _as_toml(default: object) -> str | None:
    """The default, written as it would be in reports.toml (JSON's scalars and lists
    are TOML's); None for what TOML cannot say or a long value."""
    if default is None or isinstance(default, dict):
        return None
    try:
        text = json.dumps(list(default) if isinstance(default, tuple) else default,
                          ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return text if len(text) <= 60 else None
