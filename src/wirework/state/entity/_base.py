"""What every entity store does the same way, written once.

Each backend owns its reads and one write primitive, ``_write_states`` (validate
everything, then write all or nothing, honouring an expected version). The single,
versioned and batch writes are that primitive with different arguments, and the
async protocol is the sync one run off the event loop; keeping those here means the
backends cannot drift apart on them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from wirework.data._values import check_key, check_version, encode
from wirework.errors import InvalidArgumentError, UnstorableValueError
from wirework.state.entity._client import EntityStoreClient

T = TypeVar("T")


class EntityStoreBase(EntityStoreClient):
    """``EntityStoreClient`` plus the writes and async methods shared by all backends."""

    def _write_states(
        self,
        updates: Mapping[str, str],
        metadata: Mapping[str, Any] | None,
        expected_version: int | None,
        operation: str,
    ) -> list[int]:
        raise NotImplementedError(f"{type(self).__name__} must implement _write_states()")

    async def _offload(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking call in a worker thread (the memory store overrides this)."""
        return await asyncio.to_thread(call, *args, **kwargs)

    # -- writes -------------------------------------------------------------------
    def set_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None:
        self._write_states({entity_id: state}, metadata, None, "set_state")

    def set_state_versioned(
        self,
        entity_id: str,
        state: str,
        *,
        expected_version: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> int:
        """Write ``state`` if the entity is at ``expected_version``; return the new version."""
        if expected_version is not None:
            check_version(expected_version)
        versions = self._write_states(
            {entity_id: state}, metadata, expected_version, "set_state_versioned"
        )
        return versions[0]

    def set_states_batch(
        self, updates: Mapping[str, str], *, metadata: Mapping[str, Any] | None = None
    ) -> None:
        """Write every state, all or nothing: everything is validated before anything."""
        self._write_states(updates, metadata, None, "set_states_batch")

    # -- async --------------------------------------------------------------------
    async def aget_state(self, entity_id: str) -> str | None:
        return await self._offload(self.get_state, entity_id)

    async def aset_state(
        self, entity_id: str, state: str, *, metadata: Mapping[str, Any] | None = None
    ) -> None:
        await self._offload(self.set_state, entity_id, state, metadata=metadata)

    async def aget_context(self, entity_id: str) -> dict[str, Any]:
        return await self._offload(self.get_context, entity_id)

    async def aset_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        await self._offload(self.set_context, entity_id, context)

    async def aget_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        return await self._offload(self.get_state_versioned, entity_id)

    async def aset_state_versioned(
        self,
        entity_id: str,
        state: str,
        *,
        expected_version: int | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> int:
        return await self._offload(
            self.set_state_versioned,
            entity_id,
            state,
            expected_version=expected_version,
            metadata=metadata,
        )

    # -- provided by each backend -------------------------------------------------
    def get_state(self, entity_id: str) -> str | None:
        raise NotImplementedError

    def get_context(self, entity_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        raise NotImplementedError


def check_state(state: Any) -> str:
    """A state is a non-empty key-like string, on every backend."""
    checked = check_key(state, "state")
    if not checked:
        raise InvalidArgumentError("state must be a non-empty str, got ''")
    return checked


def check_updates(updates: Any, operation: str) -> list[tuple[str, str]]:
    """``(entity id, state)`` pairs of a write, all validated before anything is written."""
    if not isinstance(updates, Mapping):
        raise InvalidArgumentError(
            f"{operation} takes a mapping of entity id -> state, got {type(updates).__name__}"
        )
    return [(check_key(eid, "entity id"), check_state(state)) for eid, state in updates.items()]


def encode_context(entity_id: str, context: Any) -> str:
    """A context as stored text: a dict with str keys, refused alike by every backend."""
    if not isinstance(context, Mapping):
        raise UnstorableValueError(
            f"cannot store the context of entity {entity_id!r}: a context must be a dict "
            f"with str keys, got {type(context).__name__}"
        )
    return encode(dict(context), entity_id, "the context of entity")
