"""The entity-state store on SQLite: ``wirework:entity-store:sqlite:*:1.0``.

``SqliteEntityStore("sqlite:///data/orders.db")`` (relative) or
``"sqlite:////var/lib/app/orders.db"`` (absolute); a plain file path works too, and
``None`` means ``./data/wirework.db``. The directory is created on connect. As a
component, ``connection.uri`` or ``connection.database`` names the file (one of
them, as every SQLite component reads them), ``options.table`` the table
(``wirework_entity_state``) and ``options.connect_timeout`` how long a write waits
for another process's lock. The connection policy is
:class:`wirework.sql.SqliteEngine`'s.
"""

from __future__ import annotations

from typing import ClassVar

from wirework.build._drivers import SQLITE, Driver
from wirework.config.schema import SchemaRef
from wirework.sql import EngineKind, SqliteEngine
from wirework.state.entity._sql_store import SqlEntityStore


class SqliteEntityStore(SqlEntityStore):
    """Entity state in a SQLite file; every protocol of the memory store, async included."""

    engine_kind: ClassVar[EngineKind] = SqliteEngine
    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:SqliteEntityStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (SQLITE,)
