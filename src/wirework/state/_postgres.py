"""The key-value state store on PostgreSQL: ``pip-services:state-store:postgres:*:1.0``.

Config, Pip.Services' keys: ``connection.uri`` or ``connection.host`` /
``port`` (5432) / ``database`` (one of them names the database),
``credential.username`` / ``password``, ``options.connect_timeout`` (ms),
``options.retries`` (attempts to connect on open), ``options.max_pool_size`` (10),
``options.table`` (``wirework_state``) and ``options.timeout`` (ms, expiry). psycopg 3
(extra ``postgres``) is imported on open.

The connection policy (a small pool of autocommit connections, killed connections
replaced, a read retried once on a lost connection, secrets kept out of messages) is
:class:`wirework.sql.PostgresEngine`'s.
"""

from __future__ import annotations

from typing import ClassVar

from wirework.build._drivers import PSYCOPG, Driver
from wirework.config.schema import SchemaRef
from wirework.sql import EngineKind, PostgresEngine
from wirework.state._sql_store import SqlStateStore


class PostgresStateStore(SqlStateStore):
    """Key-value state in a PostgreSQL table; ``pip-services:state-store:postgres:*:1.0``."""

    engine_kind: ClassVar[EngineKind] = PostgresEngine
    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:PostgresStateStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (PSYCOPG,)
