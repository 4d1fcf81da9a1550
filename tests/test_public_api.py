"""wirework's public face: what each package lists in ``__all__`` exists and is documented,
and everything else is visibly private.

A name is documented when its definition carries a docstring: a class or function
its own, a constant or type alias the string right below its assignment (where
Sphinx and editors look). Definitions are found by reading the source with ``ast``
and following imports (``TYPE_CHECKING`` ones included, which is how a package hands
out a name it imports lazily), so a name re-exported from a module is judged where it
is written.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import wirework

SOURCE = Path(wirework.__file__).parent

# Names handed out from another library, documented there.
FOREIGN = {
    ("wirework.di", "Provide"): "dependency_injector.wiring",
    ("wirework.di", "Provider"): "dependency_injector.wiring",
    ("wirework.di", "inject"): "dependency_injector.wiring",
}


def module_name(path: Path) -> str:
    parts = ["wirework", *path.relative_to(SOURCE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str) -> Path:
    base = SOURCE.joinpath(*name.split(".")[1:])
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def is_private(name: str) -> bool:
    return any(part.startswith("_") for part in name.split(".")[1:])


def public_modules() -> list[str]:
    """Every module a user may import: the packages, and ``wirework.errors``."""
    names = sorted(module_name(p) for p in SOURCE.rglob("*.py"))
    return [
        n
        for n in names
        if not is_private(n) and (module_path(n).name == "__init__.py" or n == "wirework.errors")
    ]


def bodies(tree: ast.Module) -> list[list[ast.stmt]]:
    """The module's top level and the blocks under its top-level ``if``/``try``."""
    found = [tree.body]
    for node in tree.body:
        if isinstance(node, ast.If | ast.Try):
            found += [node.body, node.orelse]
    return found


def definition(module: str, name: str) -> tuple[str, list[ast.stmt], int] | str:
    """Where ``name`` of ``module`` is written: ``(module, block, index)``, or the name
    of the other library it comes from."""
    tree = ast.parse(module_path(module).read_text(encoding="utf-8"))
    for body in bodies(tree):
        for index, node in enumerate(body):
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
                return module, body, index
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return module, body, index
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        source = node.module or ""
                        if not source.startswith("wirework"):
                            return source
                        return definition(source, alias.name)
    raise AssertionError(f"{module}.{name}: no definition found")


def docstring(body: list[ast.stmt], index: int) -> str | None:
    node = body[index]
    if isinstance(node, ast.ClassDef | ast.FunctionDef):
        return ast.get_docstring(node)
    after = body[index + 1] if index + 1 < len(body) else None
    if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
        return str(after.value.value)
    return None


PUBLIC = [
    (module, name)
    for module in public_modules()
    for name in importlib.import_module(module).__all__
]


def test_the_public_modules_are_the_packages() -> None:
    assert "wirework" in public_modules()
    assert "wirework.state.entity" in public_modules()
    assert "wirework.errors" in public_modules()
    assert not [m for m in public_modules() if m.rsplit(".", 1)[-1].startswith("_")]


@pytest.mark.parametrize("module", public_modules())
def test_every_public_module_lists_its_names(module: str) -> None:
    loaded = importlib.import_module(module)
    assert loaded.__doc__, f"{module} has no docstring"
    names = loaded.__all__
    assert len(set(names)) == len(names), f"{module}.__all__ repeats a name"
    missing = [name for name in names if name not in dir(loaded)]
    assert not missing, f"{module}.__all__ names what dir() does not show: {missing}"


@pytest.mark.parametrize(
    ("module", "name"),
    [(module, name) for module, name in PUBLIC],
)
def test_every_public_name_resolves_and_is_documented(module: str, name: str) -> None:
    value = getattr(importlib.import_module(module), name)  # lazy names import here
    assert value is not None
    found = definition(module, name)
    if isinstance(found, str):
        assert FOREIGN.get((module, name)) == found, f"{module}.{name} comes from {found}"
        return
    where, body, index = found
    assert docstring(body, index), f"{module}.{name} (written in {where}) has no docstring"


def test_the_top_level_hands_out_the_same_objects_as_the_packages() -> None:
    for name in wirework.__all__:
        value = getattr(wirework, name)
        home = getattr(value, "__module__", "")
        if home.startswith("wirework.") and not isinstance(value, str):
            package = ".".join(p for p in home.split(".") if not p.startswith("_"))
            while package != "wirework" and name not in getattr(
                importlib.import_module(package), "__all__", ()
            ):
                package = package.rpartition(".")[0]
            assert getattr(importlib.import_module(package), name) is value, name


def test_plumbing_modules_are_private_and_list_nothing() -> None:
    wrong = []
    for path in sorted(SOURCE.rglob("*.py")):
        name = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lists = any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for node in tree.body
        )
        if is_private(name) and lists:
            wrong.append(f"{name} is private but has __all__")
        if not is_private(name) and name not in public_modules():
            wrong.append(f"{name} is neither a package, wirework.errors, nor private")
    assert not wrong, "\n".join(wrong)


def test_the_readme_lists_every_public_package_with_its_names() -> None:
    """The README's API table says exactly what each package's ``__all__`` holds."""
    text = (SOURCE.parents[1] / "README.md").read_text(encoding="utf-8")
    table = text.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    listed: dict[str, set[str]] = {}
    for row in re.findall(r"^\| `(wirework[\w.]*)`[^|]* \| (.*) \|$", table, flags=re.M):
        listed.setdefault(row[0], set()).update(re.findall(r"`(\w+)`", row[1]))
    assert listed == {m: set(importlib.import_module(m).__all__) for m in public_modules()}
