"""The README's stage table, enforced: each stage imports only from the stages before it,
no module imports itself back through others, and charts only draw.

Imports are read from the source (`ast`), at module level and inside functions alike;
those under `if TYPE_CHECKING:` are for type checkers only and do not count. The
package itself (`adoption/__init__.py`, the public facade that loads its names on
first use) is left out: every module imports it implicitly.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SOURCE / "adoption"

# The stages, first to last (README, "What is where"). A module may import its own
# stage and the ones before it, never a later one.
STAGES: list[tuple[str, list[str]]] = [
    ("foundations", ["adoption.lazy", "adoption.paths", "adoption.problems", "adoption.arguments",
                     "adoption.escaping", "adoption.files", "adoption.text"]),
    ("read", ["adoption.readers"]),
    ("check", ["adoption.labels", "adoption.schema", "adoption.rounding"]),
    ("describe", ["adoption.codebook", "adoption.datapackage", "adoption.metadata"]),
    ("load", ["adoption.published", "adoption.corrections", "adoption.survey",
              "adoption.validate", "adoption.snapshots"]),
    ("aggregate", ["adoption.table", "adoption.synthetic"]),
    ("infer", ["adoption.stats"]),
    ("conclude", ["adoption.findings"]),
    ("draw", ["adoption.charts"]),
    ("show", ["adoption.present", "adoption.about"]),
    ("build", ["adoption.report", "adoption.cli", "adoption.__main__",
               "adoption.snapshots.commands"]),
]
# Later stages a stage reaches into on purpose, each with its reason.
ALLOWED = {
    # The snapshot stage computes account activity with the statistics of stats/.
    ("adoption.snapshots", "adoption.stats"),
    # A snapshot archive's provenance and notes are words: the findings layer's catalog.
    ("adoption.snapshots", "adoption.findings"),
    # validate reads files of every kind, tables included (load_table's checks).
    ("adoption.validate", "adoption.table"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module of ours that `import name` loads (a name imported from a module is
    that module)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports_of(module: str) -> set[str]:
    """The modules of ours that `module` imports, anywhere in its code."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target not in (module, "adoption"):
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES if module != "adoption"}


def _stage(module: str) -> int:
    best, rank = -1, None
    for position, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), position
    if rank is None:
        raise AssertionError(f"{module} is in no stage of tests/test_architecture.py")
    return rank


def _prefix(module: str) -> str:
    return max((p for _, prefixes in STAGES for p in prefixes
                if module == p or module.startswith(p + ".")), key=len)


def test_every_module_belongs_to_a_stage():
    for module in GRAPH:
        _stage(module)


def test_no_stage_imports_a_later_one():
    backwards = sorted(
        f"{module} ({STAGES[_stage(module)][0]}) imports {target} "
        f"({STAGES[_stage(target)][0]})"
        for module, targets in GRAPH.items() for target in targets
        if _stage(target) > _stage(module)
        and (_prefix(module), _prefix(target)) not in ALLOWED)
    assert not backwards, "\n".join(backwards)


def test_no_import_cycle():
    cycles = _cycles(GRAPH)
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("adoption.charts")))
def test_charts_only_draw(module):
    """Every test and interval a chart shows comes from stats/: no chart module computes
    one itself."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not imported & {"scipy", "statsmodels"}, module


def test_the_cycle_finder_finds_a_cycle():
    """The check itself can fail: a made-up graph with a loop is caught."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _uncommented_local_imports(path: Path) -> list[str]:
    """Imports inside functions with no comment on their line or just above their group."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for function in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or "#" in lines[node.lineno - 1]:
                continue
            above = node.lineno - 2
            while above >= 0 and lines[above].strip().startswith(("import ", "from ")):
                above -= 1
            if above < 0 or not lines[above].strip().startswith("#"):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}: "
                             f"{lines[node.lineno - 1].strip()}")
    return found


def test_every_import_inside_a_function_says_why():
    """An import is deferred only on purpose (a heavy library, a light `import adoption`),
    and a comment says so; everything else is imported at the top of its module."""
    missing = [line for path in sorted(PACKAGE.rglob("*.py"))
               for line in _uncommented_local_imports(path)]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("package", sorted(
    _module_name(path.parent) for path in PACKAGE.rglob("__init__.py")))
def test_no_public_name_is_also_a_module_name(package):
    """`from adoption.charts import account_charts` must give the function even once the
    module of the same name is loaded (which sets the package attribute to the module)."""
    import importlib
    import pkgutil

    loaded = importlib.import_module(package)
    modules = {info.name for info in pkgutil.iter_modules(loaded.__path__)}
    assert not set(getattr(loaded, "__all__", [])) & modules
