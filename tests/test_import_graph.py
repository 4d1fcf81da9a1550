"""No wirework module reaches itself through imports: the packages stay layered.

A circle held apart by ``TYPE_CHECKING`` or by an import inside a function still
ties its modules together (none can be read, moved or tested without the others), so
every import counts here: at the top, under ``if TYPE_CHECKING:`` and inside
functions. The graph is read from the source with ``ast``; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import wirework

SOURCE = Path(wirework.__file__).parent


def module_files() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = ["wirework", *path.relative_to(SOURCE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(module: str, path: Path, modules: set[str]) -> Iterator[tuple[str, str]]:
    """``(target module, name)`` for each import of a wirework module in ``path``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            if base not in modules:
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in modules else base), alias.name


def import_graph() -> dict[str, dict[str, set[str]]]:
    """module -> imported module -> the names taken from it."""
    files = module_files()
    graph: dict[str, dict[str, set[str]]] = {module: {} for module in files}
    for module, path in files.items():
        for target, name in imported(module, path, set(files)):
            if target != module:
                graph[module].setdefault(target, set()).add(name)
    return graph


def circles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def describe(group: list[str], graph: dict[str, dict[str, set[str]]]) -> str:
    edges = [
        f"    {module} -> {target}: {', '.join(sorted(graph[module][target]))}"
        for module in group
        for target in sorted(graph[module])
        if target in group
    ]
    return "\n".join([f"  circle of {len(group)} modules:", *edges])


def test_no_module_imports_itself_through_others() -> None:
    graph = import_graph()
    found = circles(graph)
    assert not found, "import circles:\n" + "\n".join(describe(g, graph) for g in found)


def test_the_walk_sees_every_kind_of_import() -> None:
    """A circle made of the imports the test must count is found (guards the walker)."""
    graph = {
        "a": {"b": {"B"}},  # a top-level import
        "b": {"c": {"C"}},  # one under TYPE_CHECKING
        "c": {"a": {"A"}},  # one inside a function
        "d": {"a": {"A"}},
    }
    assert circles(graph) == [["a", "b", "c"]]
    source = SOURCE / "di" / "_bridge.py"
    names = {name for _, name in imported("wirework.di._bridge", source, set(module_files()))}
    assert {"unresolved", "Container"} <= names  # a deferred import and a TYPE_CHECKING one
