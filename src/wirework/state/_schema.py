"""Config schemas of the state stores, key-value and entity (imported when a config is checked).

Each model lists exactly the keys its store's ``configure`` reads. The rules a key
already had in code (a Redis key prefix; the SQL components' table name, SQLite
location and PostgreSQL database, from :mod:`wirework.sql._schema`) are reused through
:class:`~wirework.config.schema._models.Rule`, so the schema refuses what the store
refuses, in its words, before anything opens. The memory stores accept an
empty or ``memory://`` ``connection.uri``, so one entry can switch backends by a
variable (``config/config.yml`` does) and a real server's URI given to them is an error.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wirework.config.schema._models import (
    HIDDEN,
    ComponentConfig,
    ConnectOptions,
    Credential,
    HostPort,
    Rule,
    milliseconds,
    uri_schemes,
)
from wirework.data._values import MAX_TTL
from wirework.sql._schema import PoolOptions, PostgresConfig, SqliteConnection, Table
from wirework.state._redis_link import (
    DEFAULT_MAX_CONNECTIONS,
    ENTITY_PREFIX,
    STATE_PREFIX,
    check_prefix,
)
from wirework.state._sql_core import DEFAULT_TABLE as KV_TABLE
from wirework.state.entity._sql_core import DEFAULT_TABLE as ENTITY_TABLE


# -- connection sections ----------------------------------------------------------------
class MemoryConnection(ComponentConfig):
    """A memory store has no server: ``uri`` may only be empty or ``memory://``."""

    uri: Annotated[str, HIDDEN, uri_schemes("memory")] | None = Field(
        None, description="empty or memory://...: accepted so one entry can switch backends"
    )


class RedisConnection(HostPort):
    """Redis's ``connection.*``: a ``redis://`` URI, or host/port (6379)/database number."""

    uri: Annotated[str, HIDDEN, uri_schemes("redis", "rediss", "unix")] | None = Field(
        None, description="redis://[user:password@]host:6379/0, rediss:// or unix://; never printed"
    )
    database: int | None = Field(None, ge=0, description="the Redis database number (default 0)")


# -- options sections -------------------------------------------------------------------
class ExpiryOptions(ComponentConfig):
    timeout: int = milliseconds(
        0, "an entry not saved again within it expires; 0 = never", most=MAX_TTL
    )


class RedisOptions(ConnectOptions):
    max_connections: int = Field(
        DEFAULT_MAX_CONNECTIONS, ge=1, description="pool size; more callers at once wait"
    )


class SqlKvOptions(ExpiryOptions, ConnectOptions):
    table: Table = Field(KV_TABLE, description="the table of the entries")


class PostgresKvOptions(SqlKvOptions, PoolOptions):
    pass


class RedisKvOptions(ExpiryOptions, RedisOptions):
    key_prefix: Annotated[str, Rule(check_prefix)] = Field(
        STATE_PREFIX, description="every key of the store starts with it"
    )


class SqlEntityOptions(ConnectOptions):
    table: Table = Field(ENTITY_TABLE, description="the table of the entities")


class PostgresEntityOptions(SqlEntityOptions, PoolOptions):
    pass


class RedisEntityOptions(RedisOptions):
    key_prefix: Annotated[str, Rule(check_prefix)] = Field(
        ENTITY_PREFIX, description="every key of the store starts with it"
    )


# -- key-value stores ---------------------------------------------------------------------
class MemoryStateStoreConfig(ComponentConfig):
    """``pip-services:state-store:memory:*:1.0``."""

    options: ExpiryOptions = ExpiryOptions()
    connection: MemoryConnection = MemoryConnection()


class NullStateStoreConfig(MemoryStateStoreConfig):
    """``pip-services:state-store:null:*:1.0``: the memory store's keys, ignored, so a
    config can switch between the two by a variable."""


class SqliteStateStoreConfig(ComponentConfig):
    """``pip-services:state-store:sqlite:*:1.0``."""

    connection: SqliteConnection = SqliteConnection()
    options: SqlKvOptions = SqlKvOptions()


class RedisStateStoreConfig(ComponentConfig):
    """``pip-services:state-store:redis:*:1.0``."""

    connection: RedisConnection = RedisConnection()
    credential: Credential = Credential()
    options: RedisKvOptions = RedisKvOptions()


class PostgresStateStoreConfig(PostgresConfig):
    """``pip-services:state-store:postgres:*:1.0``."""

    options: PostgresKvOptions = PostgresKvOptions()


# -- entity stores --------------------------------------------------------------------------
class MemoryEntityStoreConfig(ComponentConfig):
    """``wirework:entity-store:memory:*:1.0``."""

    connection: MemoryConnection = MemoryConnection()


class SqliteEntityStoreConfig(ComponentConfig):
    """``wirework:entity-store:sqlite:*:1.0``."""

    connection: SqliteConnection = SqliteConnection()
    options: SqlEntityOptions = SqlEntityOptions()


class RedisEntityStoreConfig(ComponentConfig):
    """``wirework:entity-store:redis:*:1.0``."""

    connection: RedisConnection = RedisConnection()
    credential: Credential = Credential()
    options: RedisEntityOptions = RedisEntityOptions()


class PostgresEntityStoreConfig(PostgresConfig):
    """``wirework:entity-store:postgres:*:1.0``."""

    options: PostgresEntityOptions = PostgresEntityOptions()
