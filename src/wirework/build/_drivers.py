"""The drivers backends import when they open, declared so ``check`` can look for them.

A backend names its driver in ``drivers`` (a class attribute); the container asks
:meth:`Driver.available` while building, which finds the module without importing it,
so ``wirework check`` refuses a Redis store without redis-py exactly as ``run`` would,
and says which extra to install. The backend imports the driver with :meth:`Driver.load`
when it opens, so the message is the same on both paths.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType

from wirework.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Driver:
    """A module a backend needs at ``open``, and how to get it."""

    module: str  # what to find: the import name
    name: str  # what people call it
    install: str  # how to get it

    def available(self) -> bool:
        """Whether the module can be imported, found without importing it."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):  # a parent package that fails, or __spec__ None
            return False

    def missing(self, component: str | None = None, source: str | None = None) -> ConfigError:
        return ConfigError(
            f"needs {self.name} (module {self.module!r}), which cannot be imported",
            component=component,
            source=source,
            hint=self.install,
        )

    def load(self, component: str | None = None) -> ModuleType:
        """The imported module, or the same error the build step gives."""
        try:
            return importlib.import_module(self.module)
        except ImportError as exc:
            raise self.missing(component) from exc


REDIS = Driver("redis", "redis-py", "pip install 'wirework[redis]'")
PSYCOPG = Driver("psycopg", "psycopg 3", "pip install 'wirework[postgres]'")
SQLITE = Driver(
    "_sqlite3",
    "the SQLite support of Python's standard library",
    "use a Python built with SQLite (its sqlite3 module needs the _sqlite3 extension)",
)
