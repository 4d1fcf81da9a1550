"""The entity-state store on SQLite: ``wirework:entity-store:sqlite:*:1.0``.

``SQLiteStateStore("sqlite:///data/orders.db")`` (relative) or
``"sqlite:////var/lib/app/orders.db"`` (absolute); a plain file path works too, and
``None`` means ``./data/wirework.db``. The directory is created on connect. As a
component, ``connection.uri`` (or ``connection.database``, the key-value store's
key) names the file, ``options.table`` the table (``wirework_entity_state``) and
``options.connect_timeout`` how long a write waits for another process's lock.
The connection policy is :class:`wirework.state.sqlite.SqliteEngine`'s.
"""

from __future__ import annotations

from typing import ClassVar

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef
from wirework.state.entity.sql import SqlEntityStore
from wirework.state.sql import SqlEngine
from wirework.state.sqlite import sqlite_engine

__all__ = ["SQLiteStateStore"]


class SQLiteStateStore(SqlEntityStore):
    """Entity state in a SQLite file; every protocol of the memory store, async included."""

    config_schema: ClassVar[SchemaRef] = "wirework.state.schema:SqliteEntityStoreConfig"

    def _new_engine(self, config: ConfigParams) -> SqlEngine:
        location = config.get_as_nullable_string("connection.uri") or config.get_as_nullable_string(
            "connection.database"
        )
        return sqlite_engine(location, config, type(self).__name__, self._closed_error)
