"""Entity-state stores (pystator's protocols): the state, context and version of each
entity, on memory, SQLite, Redis and PostgreSQL.

Not the key-value stores of :mod:`wirework.state`: those hold a value per key
(``IStateStore``); these hold a named state per entity id, with a context beside it
(``EntityStore`` and its capabilities). The SQL and Redis stores are imported when
first named.
"""

from typing import TYPE_CHECKING

from wirework._lazy import lazy_names
from wirework.state.entity._client import EntityStoreClient
from wirework.state.entity._memory import MemoryEntityStore
from wirework.state.entity._protocol import (
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

if TYPE_CHECKING:
    from wirework.state.entity._postgres import PostgresEntityStore
    from wirework.state.entity._redis import RedisEntityStore
    from wirework.state.entity._sqlite import SqliteEntityStore

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
    "PostgresEntityStore",
    "QueryableEntityStore",
    "RedisEntityStore",
    "SqliteEntityStore",
    "VersionedEntityStore",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "PostgresEntityStore": "wirework.state.entity._postgres",
        "RedisEntityStore": "wirework.state.entity._redis",
        "SqliteEntityStore": "wirework.state.entity._sqlite",
    },
)
