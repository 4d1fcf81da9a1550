"""The entity-state contract (``EntityStore`` and its capabilities), split as in pystator,
but with one meaning for all.

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


@runtime_checkable
class EntityStore(Protocol):
    """Each entity's state and context (pystator's ``StateStore``).

    Not the key-value ``IStateStore``: an entity store keeps a named state per
    entity id, with a context and a version beside it.
    """

    def get_state(self, entity_id: str) -> str | None: ...

    def set_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...

    def get_context(self, entity_id: str) -> dict[str, Any]: ...


@runtime_checkable
class ContextEntityStore(Protocol):
    """Replaces an entity's context on its own (pystator's ``ContextPersistStore``)."""

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None: ...


@runtime_checkable
class AsyncEntityStore(Protocol):
    """:class:`EntityStore` awaited (pystator's ``AsyncStateStore``)."""

    async def aget_state(self, entity_id: str) -> str | None: ...

    async def aset_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...

    async def aget_context(self, entity_id: str) -> dict[str, Any]: ...


@runtime_checkable
class AsyncContextEntityStore(Protocol):
    """``set_context`` awaited (pystator's ``AsyncContextPersistStore``)."""

    async def aset_context(self, entity_id: str, context: Mapping[str, Any]) -> None: ...


@runtime_checkable
class VersionedEntityStore(Protocol):
    """Reads and writes with the entity's version, for optimistic concurrency."""

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
class AsyncVersionedEntityStore(Protocol):
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
class BatchEntityStore(Protocol):
    """Reads and writes many entities in one call; a batch write is all or nothing."""

    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]: ...

    def set_states_batch(
        self, updates: Mapping[str, str], *, metadata: Mapping[str, Any] | None = None
    ) -> None: ...


@runtime_checkable
class QueryableEntityStore(Protocol):
    """Lists entity ids (by state, ascending, paged) and counts entities per state."""

    def list_entities(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[str]: ...

    def count_by_state(self) -> dict[str, int]: ...


@runtime_checkable
class DeletableEntityStore(Protocol):
    """Removes an entity: its state, context and metadata."""

    def delete_entity(self, entity_id: str) -> bool: ...
