"""Entity-state stores (pystator's protocols): the state, context and version of each entity."""

from wirework.state.entity.client import StateStoreClient
from wirework.state.entity.memory import MemoryEntityStore
from wirework.state.entity.protocol import (
    AsyncContextPersistStore,
    AsyncStateStore,
    AsyncVersionedStateStore,
    BatchStateStore,
    ContextPersistStore,
    DeletableStateStore,
    QueryableStateStore,
    StateStore,
    UnknownEntityError,
    VersionedStateStore,
)

__all__ = [
    "AsyncContextPersistStore",
    "AsyncStateStore",
    "AsyncVersionedStateStore",
    "BatchStateStore",
    "ContextPersistStore",
    "DeletableStateStore",
    "MemoryEntityStore",
    "QueryableStateStore",
    "StateStore",
    "StateStoreClient",
    "UnknownEntityError",
    "VersionedStateStore",
]
