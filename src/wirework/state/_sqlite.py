"""The key-value state store on SQLite: ``pip-services:state-store:sqlite:*:1.0``.

Config (Pip.Services has no SQLite store, so one key was chosen, the one its
SQL connections use for the database):

* ``connection.database``: the database file, default ``./data/wirework.db``; its
  directory is created on open. ``:memory:`` gives a private in-memory database.
  Or ``connection.uri``, ``sqlite:///relative.db`` / ``sqlite:////abs.db``, as every
  SQLite component takes it;
* ``options.table`` (default ``wirework_state``), ``options.timeout`` (ms, expiry),
  ``options.connect_timeout`` (ms; also how long a write waits for another
  process's lock), ``options.retries`` (attempts to open).

The connection policy (one connection under a lock, WAL) is
:class:`wirework.sql.SqliteEngine`'s.
"""

from __future__ import annotations

from typing import ClassVar

from wirework.build._drivers import SQLITE, Driver
from wirework.config.schema import SchemaRef
from wirework.sql import EngineKind, SqliteEngine
from wirework.state._sql_store import SqlStateStore


class SqliteStateStore(SqlStateStore):
    """Key-value state in a SQLite table; ``pip-services:state-store:sqlite:*:1.0``."""

    engine_kind: ClassVar[EngineKind] = SqliteEngine
    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:SqliteStateStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (SQLITE,)
