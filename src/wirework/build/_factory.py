"""Factories: descriptor in, new component out.

A ``Factory`` is a table of registrations; ``CompositeFactory`` stacks several, the
last added winning, so an application can replace a built-in. Lookups are indexed,
because a config of a thousand entries asks a thousand questions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

from wirework.build._types import load_type
from wirework.descriptor import WILDCARD, Descriptor
from wirework.errors import CreateError

CreateFn = Callable[[Descriptor], Any]


@runtime_checkable
class IFactory(Protocol):
    """Anything that can say whether it creates a locator, and create it."""

    def can_create(self, locator: Descriptor) -> Descriptor | None: ...
    def create(self, locator: Descriptor) -> Any: ...


class Factory:
    """Registrations of ``locator -> create function``; the first match wins.

    Registrations are indexed by their (group, type), so finding the one for a
    descriptor looks at the few that could match, not at every registration.
    """

    def __init__(self) -> None:
        self._registrations: list[tuple[Descriptor, CreateFn]] = []
        self._types: dict[int, type | str] = {}  # position -> the class it creates, if known
        self._by_group_type: dict[tuple[str, str], list[int]] = {}
        self._loose: list[int] = []  # registrations with a wildcard group or type
        self._lock = threading.Lock()

    def register(self, locator: Descriptor | str, create: CreateFn) -> None:
        """``create(locator)`` builds a new component for a matching locator."""
        self._add(locator, create, None)

    def register_as_type(self, locator: Descriptor | str, cls: type | str) -> None:
        """Register a class (or ``"module:Class"``, imported on first use)."""
        if isinstance(cls, str):
            path = cls
            self._add(locator, lambda _: load_type(path)(), cls)
        else:
            klass = cls
            self._add(locator, lambda _: klass(), cls)

    def _add(self, locator: Descriptor | str, create: CreateFn, cls: type | str | None) -> None:
        key = locator if isinstance(locator, Descriptor) else Descriptor.from_string(locator)
        with self._lock:
            position = len(self._registrations)
            self._registrations.append((key, create))
            if cls is not None:
                self._types[position] = cls
            if WILDCARD in (key.group, key.type):
                self._loose.append(position)
            else:
                self._by_group_type.setdefault((key.group, key.type), []).append(position)

    def registered_types(self) -> list[tuple[Descriptor, type | str | None]]:
        """Each registration with the class it creates (``"module:Class"`` not imported;
        ``None`` for a create function), in the order they are tried: for config schemas."""
        return [
            (locator, self._types.get(position))
            for position, (locator, _) in enumerate(self._registrations)
        ]

    def registered(self) -> list[Descriptor]:
        return [locator for locator, _ in self._registrations]

    def _find(self, locator: Descriptor) -> tuple[Descriptor, CreateFn] | None:
        if WILDCARD in (locator.group, locator.type):
            positions: Iterable[int] = range(len(self._registrations))
        else:
            exact = self._by_group_type.get((locator.group, locator.type), [])
            positions = sorted(exact + self._loose) if self._loose else exact
        for position in positions:
            registered = self._registrations[position]
            if registered[0].match(locator):
                return registered
        return None

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

    @property
    def factories(self) -> list[IFactory]:
        return list(self._factories)

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

    def find(self, locator: Descriptor) -> tuple[IFactory, Descriptor] | None:
        """The factory that creates ``locator`` (the most recently added is asked first)
        and the registered locator that serves it: one question for a caller that
        needs both, where ``can_create`` then ``create`` would ask every factory twice."""
        for factory in reversed(self._factories):
            found = factory.can_create(locator)
            if found is not None:
                return factory, found
        return None

    def can_create(self, locator: Descriptor) -> Descriptor | None:
        found = self.find(locator)
        return None if found is None else found[1]

    def create(self, locator: Descriptor) -> Any:
        found = self.find(locator)
        if found is None:
            raise CreateError(f"no factory can create {locator}")
        return found[0].create(locator)
