"""The entity-state store on PostgreSQL: ``wirework:entity-store:postgres:*:1.0``.

``PostgresEntityStore("postgresql://user:secret@db:5432/app")``. As a component it
reads the key-value store's keys: ``connection.uri`` or ``connection.host`` /
``port`` / ``database``, ``credential.username`` / ``password``,
``options.connect_timeout`` (ms), ``options.retries``, ``options.max_pool_size`` and
``options.table`` (``wirework_entity_state``). The connection policy (pool, killed
connections replaced, secrets kept out of messages) is
:class:`wirework.sql.PostgresEngine`'s; psycopg is imported on connect.
"""

from __future__ import annotations

from typing import ClassVar

from wirework.build._drivers import PSYCOPG, Driver
from wirework.config.schema import SchemaRef
from wirework.sql import EngineKind, PostgresEngine
from wirework.state.entity._sql_store import SqlEntityStore


class PostgresEntityStore(SqlEntityStore):
    """Entity state in a PostgreSQL table; every protocol of the memory store, async included."""

    engine_kind: ClassVar[EngineKind] = PostgresEngine
    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:PostgresEntityStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (PSYCOPG,)
