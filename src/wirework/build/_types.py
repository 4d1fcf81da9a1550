"""Importing a class named in config: ``package.module:Class`` or ``Class,package.module``.

The second form is Pip.Services'; both are accepted so its configs run. Whatever goes
wrong while importing (not only ``ImportError``: a module may raise anything at import
time) becomes a ``CreateError`` that keeps the real cause (Pip.Services swallows it),
so the container reports it beside every other problem of the config instead of
stopping at the first traceback.
"""

from __future__ import annotations

import importlib
import sys
from functools import lru_cache

from wirework.errors import CreateError, closest

_FORMS = "expected 'package.module:Class' or 'Class,package.module'"
_WHERE = (
    "'type:' modules are imported from the Python path: the wirework command adds the "
    "working directory, or the directory given by --app-dir; a program of your own "
    "imports from its sys.path (e.g. the directory of the script it runs)"
)


def split_type(spec: str) -> tuple[str, str]:
    """``(module, qualname)`` from either accepted form."""
    text = spec.strip()
    if ":" in text:
        module, _, name = text.partition(":")
    elif "," in text:
        name, _, module = text.partition(",")
    else:
        raise CreateError(f"type {spec!r} is malformed: {_FORMS}")
    module, name = module.strip(), name.strip()
    if not module or not name:
        raise CreateError(f"type {spec!r} is malformed: module and class are both required")
    if module.startswith("."):
        raise CreateError(
            f"type {spec!r} names a relative module {module!r}",
            hint="write the module's full dotted path from the app directory, "
            "e.g. 'myapp.components:Thing'",
        )
    for part, what in ((module, "module"), (name, "class")):
        if not all(word.isidentifier() for word in part.split(".")):
            raise CreateError(f"type {spec!r} is malformed: {part!r} is not a dotted {what} name")
    return module, name


def load_type(spec: str) -> type:
    """Import and return the class ``spec`` names.

    A config names the same few classes in many entries: the parse of ``spec`` is kept,
    and a module already imported is taken from ``sys.modules`` (what
    ``import_module`` returns for it, without its machinery); the class is still read
    from the module every time, so a replaced attribute is seen.
    """
    module_name, name = _split(spec)
    module: object = sys.modules.get(module_name)
    if module is None:
        module = _import(module_name, spec)
    target: object = module
    for part in name.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            near = closest(part, [n for n in dir(target) if not n.startswith("_")])
            where = getattr(module, "__file__", None)
            raise CreateError(
                f"module {module_name!r}{f' ({where})' if where else ''} has no {name!r} "
                f"(type {spec!r})",
                hint=f"did you mean {near[0]!r}?" if near else None,
            ) from exc
    if not isinstance(target, type):
        raise CreateError(f"type {spec!r} names {type(target).__name__}, not a class")
    return target


_split = lru_cache(maxsize=1024)(split_type)  # raises, uncached, for a malformed spec


def _import(module_name: str, spec: str) -> object:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing and not (module_name == missing or module_name.startswith(missing + ".")):
            raise CreateError(
                f"module {module_name!r} (type {spec!r}) imports {missing!r}, "
                f"which is not installed: {exc}",
                hint=f"install the distribution that provides {missing!r} in this environment",
            ) from exc
        raise CreateError(
            f"cannot import module {module_name!r} for type {spec!r}: {exc}",
            hint=_package_of(missing) + _WHERE,
        ) from exc
    except ImportError as exc:
        raise CreateError(f"cannot import module {module_name!r} for type {spec!r}: {exc}") from exc
    except (Exception, SystemExit) as exc:  # module code runs on import; any failure is its own
        raise CreateError(
            f"importing module {module_name!r} for type {spec!r} raised {type(exc).__name__}: {exc}"
        ) from exc


def _package_of(missing: str) -> str:
    """Where the package holding a missing submodule came from (it may not be the app's)."""
    parent = missing.rpartition(".")[0]
    origin = getattr(sys.modules.get(parent), "__file__", None) if parent else None
    return f"{parent!r} is the package at {origin}, which has no {missing!r}; " if origin else ""
