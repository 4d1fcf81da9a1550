"""PostgreSQL identifiable persistence: psycopg 3, a small pool, recovery from lost links.

The connection policy (the pool, killed connections replaced, a call run again on a
new connection when that is safe, secrets kept out of messages, psycopg imported on
open) is :class:`wirework.sql.PostgresEngine`'s, the same as the PostgreSQL state
stores'. Documents are ``jsonb``.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from wirework.build._drivers import PSYCOPG, Driver
from wirework.config.schema import SchemaRef
from wirework.persistence.sql._store import IdentifiableSqlPersistence
from wirework.sql import EngineKind, PostgresEngine

T = TypeVar("T")


class IdentifiablePostgresPersistence(IdentifiableSqlPersistence[T]):
    """Items as ``jsonb`` documents in a PostgreSQL table.

    Config: ``connection.uri`` or ``connection.host``/``port`` (5432)/``database``
    (one of them names the database), ``credential.username``/``password``,
    ``options.table``, ``options.max_page_size``, ``options.max_pool_size`` (default
    10), ``options.connect_timeout`` (ms, default 5000: connecting, and waiting for a
    free pooled connection), ``options.retries`` (connection attempts on open after
    the first, with backoff; default 3). Explicit keys override the URI's parts.
    """

    engine_kind: ClassVar[EngineKind] = PostgresEngine
    config_schema: ClassVar[SchemaRef] = "wirework.persistence._schema:PostgresPersistenceConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (PSYCOPG,)
