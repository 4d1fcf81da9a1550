"""What code may rely on from a key-value state store, as structural protocols.

``IStateStore`` is Pip.Services' contract (its four methods), so code written
against it runs on any store, including ones that implement only those four.
``IVersionedStateStore`` is the full wirework contract that every wirework backend
implements and the conformance suite checks: per-item TTL, bulk save and optimistic
concurrency. Both are protocols, so a third-party store needs no wirework base class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from wirework.errors import InvalidArgumentError


@dataclass(frozen=True, slots=True)
class StateValue:
    """A key with its loaded value (``None`` when the key is missing)."""

    key: str
    value: Any


@runtime_checkable
class IStateStore(Protocol):
    """Pip.Services' contract: load, bulk load, save (``None`` deletes) and delete."""

    def load(self, correlation_id: str | None, key: str) -> Any: ...

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]: ...

    def save(self, correlation_id: str | None, key: str, value: Any) -> Any: ...

    def delete(self, correlation_id: str | None, key: str) -> Any: ...


@runtime_checkable
class IVersionedStateStore(IStateStore, Protocol):
    """The full contract: versions, per-item TTL and bulk save on top of Pip.Services'.

    A key's version is 0 while it is absent (never saved, deleted or expired). Every
    save gives it a version it never had, not even before a delete or an expiry, so
    a writer holding a stale version gets a ``ConcurrencyError`` whatever happened to
    the key meanwhile (no ABA). While a key lives, each save raises its version; one
    created again usually starts above its old ones too (on PostgreSQL a creation
    racing another may start lower, with a number never used for it). Versions come
    from one counter per store, so they are not consecutive: read the new one with
    ``load_versioned``. ``expected_version=0`` means "create only if absent".
    """

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]: ...

    def save(
        self,
        correlation_id: str | None,
        key: str,
        value: Any,
        *,
        ttl: int | None = None,
        expected_version: int | None = None,
    ) -> Any: ...

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any: ...

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None: ...


def bulk_pairs(values: Mapping[str, Any] | Iterable[StateValue]) -> Iterable[tuple[Any, Any]]:
    """The ``(key, value)`` pairs of a ``save_bulk`` argument: a mapping or ``StateValue`` items."""
    if isinstance(values, Mapping):
        yield from values.items()
        return
    for item in values:
        if not isinstance(item, StateValue):
            raise InvalidArgumentError(
                "save_bulk takes a mapping of key -> value or an iterable of StateValue, "
                f"got an item {item!r} of type {type(item).__name__}"
            )
        yield item.key, item.value
