"""Entity-state stores (pystator's protocols): the state, context and version of each entity."""

from wirework.state.entity.client import EntityStoreClient
from wirework.state.entity.memory import MemoryEntityStore
from wirework.state.entity.protocol import (
    AsyncContextEntityStore,
    AsyncEntityStore,
    AsyncVersionedEntityStore,
    BatchEntityStore,
    ContextEntityStore,
    DeletableEntityStore,
    EntityStore,
    QueryableEntityStore,
    VersionedEntityStore,
)

__all__ = [
    "AsyncContextEntityStore",
    "AsyncEntityStore",
    "AsyncVersionedEntityStore",
    "BatchEntityStore",
    "ContextEntityStore",
    "DeletableEntityStore",
    "EntityStore",
    "EntityStoreClient",
    "MemoryEntityStore",
    "QueryableEntityStore",
    "VersionedEntityStore",
]
