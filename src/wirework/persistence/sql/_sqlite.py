"""SQLite identifiable persistence: the standard library's driver, one file, one connection.

The connection policy (one connection under a lock, WAL, ``BEGIN IMMEDIATE`` for the
read-change-write of ``update_partially``, ``sqlite3`` imported on open) is
:class:`wirework.sql.SqliteEngine`'s, the same as the SQLite state stores'.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from wirework.build._drivers import SQLITE, Driver
from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef
from wirework.persistence._codec import ItemTypes
from wirework.persistence.sql._store import IdentifiableSqlPersistence
from wirework.sql import DEFAULT_DATABASE, EngineKind, SqliteEngine, sqlite_path

T = TypeVar("T")


class IdentifiableSqlitePersistence(IdentifiableSqlPersistence[T]):
    """Items as JSON documents in an SQLite table.

    Config: ``connection.database`` (the file path, default ``./data/wirework.db``;
    ``:memory:`` for a private in-memory database) or ``connection.uri``
    (``sqlite:///relative.db``, ``sqlite:////absolute.db``), ``options.table``,
    ``options.max_page_size``, ``options.connect_timeout`` (ms, default 5000: how
    long to wait for a lock), ``options.retries`` (opening). ``path`` is the file
    when the config names none.
    """

    engine_kind: ClassVar[EngineKind] = SqliteEngine
    config_schema: ClassVar[SchemaRef] = "wirework.persistence._schema:SqlitePersistenceConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (SQLITE,)

    def __init__(
        self,
        table: str | None = None,
        *,
        path: str | Path | None = None,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        self._default_path = DEFAULT_DATABASE
        if path is not None:
            self._default_path = sqlite_path(str(path), type(self).__name__)
        super().__init__(table, item_type=item_type, item_types=item_types)

    @property
    def path(self) -> str:
        """The database file (``:memory:`` for a private in-memory database)."""
        return self._prepared.location

    def _engine_config(self, config: ConfigParams) -> ConfigParams:
        if config.get("connection.database") or config.get("connection.uri"):
            return config
        return ConfigParams({**config, "connection.database": self._default_path})
