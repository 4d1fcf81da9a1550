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
    "HealthCheckable",
    "Openable",
    "Reconfigurable",
    "Referenceable",
    "Unreferenceable",
    "capabilities",
]


@runtime_checkable
class Configurable(Protocol):
    """Takes its settings from its config entry; called once, before anything is wired."""

    def configure(self, config: ConfigParams) -> None: ...


@runtime_checkable
class Reconfigurable(Protocol):
    """A component whose ``configure`` may be called again while it is open.

    As Pip.Services' ``IReconfigurable``: a marker on top of ``configure``. A hot
    reload configures such a component in place, restarting nothing; any other
    component whose entry changed is closed, recreated and opened again. The marker
    is the class attribute ``reconfigurable = True``, because every configurable
    component has ``configure`` and only its author knows whether a second call is safe.
    """

    reconfigurable: bool

    def configure(self, config: ConfigParams) -> None: ...


@runtime_checkable
class HealthCheckable(Protocol):
    """A component that can tell whether it still works (a ping, a ``SELECT 1``).

    ``check_health`` returns when healthy and raises when not; its message is what a
    probe reports. It may be ``async def``. The container calls it only on open
    components, under a time bound (``health_timeout``).
    """

    def check_health(self, correlation_id: str | None) -> Any: ...


@runtime_checkable
class Referenceable(Protocol):
    """Looks up what it needs; the container orders it after whatever it looked up."""

    def set_references(self, references: IReferences) -> None: ...


@runtime_checkable
class Unreferenceable(Protocol):
    """Lets go of what it looked up; called after close, in reverse wiring order."""

    def unset_references(self) -> None: ...


@runtime_checkable
class Openable(Protocol):
    """Holds a resource between ``open`` and ``close`` (a connection, a file, a thread).

    Either method may be ``async def``; the container awaits it, or runs a plain one in
    a worker thread when it runs on an event loop.
    """

    def is_open(self) -> bool: ...
    def open(self, correlation_id: str | None) -> None: ...
    def close(self, correlation_id: str | None) -> None: ...


@runtime_checkable
class Executable(Protocol):
    """Does one piece of work on request, as Pip.Services' ``IExecutable``."""

    def execute(self, correlation_id: str | None, args: Any) -> Any: ...


@runtime_checkable
class Cleanable(Protocol):
    """Can drop everything it holds (a store's ``clear``), e.g. between tests."""

    def clear(self, correlation_id: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which lifecycle methods a class has, worked out once per class."""

    configurable: bool
    referenceable: bool
    unreferenceable: bool
    openable: bool
    factory: bool
    reconfigurable: bool
    health_checkable: bool


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
        reconfigurable=has("configure") and getattr(cls, "reconfigurable", False) is True,
        health_checkable=has("check_health"),
    )


def capabilities(component: Any) -> Capabilities:
    """Which lifecycle steps apply to ``component`` (cached per class)."""
    cls: Any = type(component)
    return _of_class(cls)
