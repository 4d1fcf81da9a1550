"""Importing a class named in config: ``package.module:Class`` or ``Class,package.module``.

The second form is the reference system's; both are accepted so its configs run.
Import failures keep their real cause (the reference system swallows it).
"""

from __future__ import annotations

import importlib

from wirework.errors import CreateError, closest

__all__ = ["load_type", "split_type"]


def split_type(spec: str) -> tuple[str, str]:
    """``(module, qualname)`` from either accepted form."""
    text = spec.strip()
    if ":" in text:
        module, _, name = text.partition(":")
    elif "," in text:
        name, _, module = text.partition(",")
    else:
        raise CreateError(
            f"type {spec!r} is malformed: expected 'package.module:Class' or 'Class,package.module'"
        )
    module, name = module.strip(), name.strip()
    if not module or not name:
        raise CreateError(f"type {spec!r} is malformed: module and class are both required")
    return module, name


def load_type(spec: str) -> type:
    """Import and return the class ``spec`` names."""
    module_name, name = split_type(spec)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise CreateError(f"cannot import module {module_name!r} for type {spec!r}: {exc}") from exc
    target: object = module
    for part in name.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            near = closest(part, [n for n in dir(target) if not n.startswith("_")])
            raise CreateError(
                f"module {module_name!r} has no {name!r} (type {spec!r})",
                hint=f"did you mean {near[0]!r}?" if near else None,
            ) from exc
    if not isinstance(target, type):
        raise CreateError(f"type {spec!r} names {type(target).__name__}, not a class")
    return target
