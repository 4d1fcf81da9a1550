"""Helper types for the wirework.di tests (importable, unlike conftest)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from wirework.container import Container

MakeContainer = Callable[[str], Container]


class MakeModule(Protocol):
    def __call__(self, source: str, **namespace: Any) -> ModuleType: ...
