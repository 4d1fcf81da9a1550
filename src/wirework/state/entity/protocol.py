"""The entity-state contract, split by capability as in pystator, but one meaning for all.

pystator's protocols were right and its backends disagreed about them: context passed
in metadata was dropped by one backend, ``expected_version=0`` raised in one and was
ignored in another, ``list_entities`` had three signatures, and ``delete_entity`` and
batching existed only in some. Here each protocol states its semantics once, and the
shared conformance suite holds every backend to them:

* an entity's version is 0 while it does not exist; every write to it (state,
  context or both) gives it a version it never had, not even before a delete, and
  raises its version while it lives (versions come from one counter per store, so
  they are not consecutive; see ``IVersionedStateStore``). ``expected_version=0``
  means "create only if absent"; a mismatch raises
  :class:`wirework.errors.ConcurrencyError`;
* ``metadata={"context": {...}}`` on a state write stores that context, like
  ``set_context``; other metadata keys are merged into the entity's metadata;
* ``list_entities`` returns entity ids sorted ascending, then paged;
* contexts and metadata follow the key-value stores' JSON value rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from wirework.errors import WireworkError

__all__ = [
    "AsyncContextPersistStore",
    "AsyncStateStore",
    "AsyncVersionedStateStore",
    "BatchStateStore",
    "ContextPersistStore",
    "DeletableStateStore",
    "QueryableStateStore",
    "StateStore",
    "UnknownEntityError",
    "VersionedStateStore",
]


class UnknownEntityError(WireworkError, LookupError):
    """An operation needs an existing entity and there is none with that id."""


@runtime_checkable
class StateStore(Protocol):
    def get_state(self, entity_id: str) -> str | None: ...

    def set_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...

    def get_context(self, entity_id: str) -> dict[str, Any]: ...


@runtime_checkable
class ContextPersistStore(Protocol):
    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None: ...


@runtime_checkable
class AsyncStateStore(Protocol):
    async def aget_state(self, entity_id: str) -> str | None: ...

    async def aset_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...

    async def aget_context(self, entity_id: str) -> dict[str, Any]: ...


@runtime_checkable
class AsyncContextPersistStore(Protocol):
    async def aset_context(self, entity_id: str, context: Mapping[str, Any]) -> None: ...


@runtime_checkable
class VersionedStateStore(Protocol):
    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]: ...

    def set_state_versioned(
        self,
        entity_id: str,
        state: str,
        *,
        expected_version: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> int: ...


@runtime_checkable
class AsyncVersionedStateStore(Protocol):
    """The async versioned pair pystator's orchestrator looked for and no store had."""

    async def aget_state_versioned(self, entity_id: str) -> tuple[str | None, int]: ...

    async def aset_state_versioned(
        self,
        entity_id: str,
        state: str,
        *,
        expected_version: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> int: ...


@runtime_checkable
class BatchStateStore(Protocol):
    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]: ...

    def set_states_batch(
        self, updates: Mapping[str, str], *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...


@runtime_checkable
class QueryableStateStore(Protocol):
    def list_entities(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[str]: ...

    def count_by_state(self) -> dict[str, int]: ...


@runtime_checkable
class DeletableStateStore(Protocol):
    def delete_entity(self, entity_id: str) -> bool: ...
