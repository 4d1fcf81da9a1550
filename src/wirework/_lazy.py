"""Names a package hands out without importing their modules until first asked for.

A package's face lists what users import, but some of those names live in modules
that cost more than the package itself (the SQL and Redis backends, the pydantic
models of config schemas, the container for ``import wirework``). A face declares
them here, name -> module, and gets the module ``__getattr__`` and ``__dir__`` of
PEP 562: the module is imported on the first access and the value kept in the
package, so later accesses are plain attribute reads.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, whose ``names`` map a public
    name to the module that defines it."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names})

    return __getattr__, __dir__
