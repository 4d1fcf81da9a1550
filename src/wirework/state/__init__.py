"""State stores: key-value (Pip.Services' ``IStateStore``) here, entity state in
:mod:`wirework.state.entity`; memory first, then SQLite, Redis and PostgreSQL.

Every backend of a family passes the same conformance suite, so a configuration can
swap memory for SQLite, Redis or PostgreSQL without the code noticing. The SQL and
Redis stores are imported when first named (their engines are not needed by a
service that keeps its state in memory); none imports its driver before it opens.
"""

from typing import TYPE_CHECKING

from wirework._lazy import lazy_names
from wirework.state._clock import Clock, ManualClock
from wirework.state._memory import MemoryStateStore
from wirework.state._null import NullStateStore
from wirework.state._protocol import IStateStore, IVersionedStateStore, StateValue

if TYPE_CHECKING:
    from wirework.state._postgres import PostgresStateStore
    from wirework.state._redis import RedisStateStore
    from wirework.state._sqlite import SqliteStateStore

__all__ = [
    "Clock",
    "IStateStore",
    "IVersionedStateStore",
    "ManualClock",
    "MemoryStateStore",
    "NullStateStore",
    "PostgresStateStore",
    "RedisStateStore",
    "SqliteStateStore",
    "StateValue",
]

__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "PostgresStateStore": "wirework.state._postgres",
        "RedisStateStore": "wirework.state._redis",
        "SqliteStateStore": "wirework.state._sqlite",
    },
)
