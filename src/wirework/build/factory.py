"""Factories: descriptor in, new component out.

A ``Factory`` is a table of registrations; ``CompositeFactory`` stacks several, the
last added winning, so an application can replace a built-in. Lookups are memoized
per descriptor because a config of a thousand entries asks the same few questions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from wirework.build.types import load_type
from wirework.descriptor import Descriptor
from wirework.errors import CreateError

__all__ = ["CompositeFactory", "Factory", "IFactory"]

CreateFn = Callable[[Descriptor], Any]


@runtime_checkable
class IFactory(Protocol):
    """Anything that can say whether it creates a locator, and create it."""

    def can_create(self, locator: Descriptor) -> Descriptor | None: ...
    def create(self, locator: Descriptor) -> Any: ...


class Factory:
    """Registrations of ``locator -> create function``; the first match wins."""

    def __init__(self) -> None:
        self._registrations: list[tuple[Descriptor, CreateFn]] = []
        self._memo: dict[Descriptor, tuple[Descriptor, CreateFn] | None] = {}
        self._lock = threading.Lock()

    def register(self, locator: Descriptor | str, create: CreateFn) -> None:
        """``create(locator)`` builds a new component for a matching locator."""
        key = locator if isinstance(locator, Descriptor) else Descriptor.from_string(locator)
        with self._lock:
            self._registrations.append((key, create))
            self._memo.clear()

    def register_as_type(self, locator: Descriptor | str, cls: type | str) -> None:
        """Register a class (or ``"module:Class"``, imported on first use)."""
        if isinstance(cls, str):
            path = cls
            self.register(locator, lambda _: load_type(path)())
        else:
            klass = cls
            self.register(locator, lambda _: klass())

    def registered(self) -> list[Descriptor]:
        return [locator for locator, _ in self._registrations]

    def _find(self, locator: Descriptor) -> tuple[Descriptor, CreateFn] | None:
        try:
            return self._memo[locator]
        except KeyError:
            pass
        with self._lock:
            found = next(((r, fn) for r, fn in self._registrations if r.match(locator)), None)
            self._memo[locator] = found
        return found

    def can_create(self, locator: Descriptor) -> Descriptor | None:
        """The registered locator that would serve ``locator``, or ``None``."""
        found = self._find(locator)
        return found[0] if found else None

    def create(self, locator: Descriptor) -> Any:
        found = self._find(locator)
        if found is None:
            raise CreateError(f"no factory registration matches {locator}")
        return found[1](locator)


class CompositeFactory:
    """Several factories as one; the most recently added is asked first."""

    def __init__(self, *factories: IFactory) -> None:
        self._factories: list[IFactory] = list(factories)

    def add(self, factory: IFactory) -> None:
        self._factories.append(factory)

    def remove(self, factory: IFactory) -> None:
        self._factories.remove(factory)

    def registered(self) -> list[Descriptor]:
        """Everything the member factories advertise (for did-you-mean hints)."""
        out: list[Descriptor] = []
        for factory in self._factories:
            out.extend(getattr(factory, "registered", list)())
        return out

    def can_create(self, locator: Descriptor) -> Descriptor | None:
        for factory in reversed(self._factories):
            found = factory.can_create(locator)
            if found is not None:
                return found
        return None

    def create(self, locator: Descriptor) -> Any:
        for factory in reversed(self._factories):
            if factory.can_create(locator) is not None:
                return factory.create(locator)
        raise CreateError(f"no factory can create {locator}")
