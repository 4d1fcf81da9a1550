"""What a component can do, as structural protocols.

A component is any object with the right methods: nothing has to inherit from a
wirework class. ``capabilities`` answers the question once per class, because
``isinstance`` against a runtime protocol is far too slow to ask per component when a
service has thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable

from wirework.config import ConfigParams
from wirework.refer import IReferences

__all__ = [
    "Capabilities",
    "Cleanable",
    "Configurable",
    "Executable",
    "Openable",
    "Referenceable",
    "Unreferenceable",
    "capabilities",
]


@runtime_checkable
class Configurable(Protocol):
    def configure(self, config: ConfigParams) -> None: ...


@runtime_checkable
class Referenceable(Protocol):
    def set_references(self, references: IReferences) -> None: ...


@runtime_checkable
class Unreferenceable(Protocol):
    def unset_references(self) -> None: ...


@runtime_checkable
class Openable(Protocol):
    def is_open(self) -> bool: ...
    def open(self, correlation_id: str | None) -> None: ...
    def close(self, correlation_id: str | None) -> None: ...


@runtime_checkable
class Executable(Protocol):
    def execute(self, correlation_id: str | None, args: Any) -> Any: ...


@runtime_checkable
class Cleanable(Protocol):
    def clear(self, correlation_id: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class Capabilities:
    configurable: bool
    referenceable: bool
    unreferenceable: bool
    openable: bool
    factory: bool


@cache
def _of_class(cls: type) -> Capabilities:
    def has(*names: str) -> bool:
        return all(callable(getattr(cls, name, None)) for name in names)

    return Capabilities(
        configurable=has("configure"),
        referenceable=has("set_references"),
        unreferenceable=has("unset_references"),
        openable=has("open", "close"),
        factory=has("can_create", "create"),
    )


def capabilities(component: Any) -> Capabilities:
    """Which lifecycle steps apply to ``component`` (cached per class)."""
    cls: Any = type(component)
    return _of_class(cls)
