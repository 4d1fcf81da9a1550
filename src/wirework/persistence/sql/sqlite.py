"""SQLite identifiable persistence: the stdlib driver, one file, one connection.

SQLite allows one writer at a time whatever we do, so one connection shared by all
threads (``check_same_thread=False``) behind a lock costs nothing. A connection per
thread would only add writers that wait for each other. ``sqlite3`` is imported when
the persistence connects, as every driver is.

The file is created on open, with its directory, and runs in WAL mode, so readers in
other processes (another component on the same file, a backup) do not block writers.
``options.connect_timeout`` is how long a statement waits for another process's lock.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from wirework.build.drivers import SQLITE as SQLITE_DRIVER
from wirework.build.drivers import Driver
from wirework.config import ConfigParams
from wirework.config.connection import ConnectionSettings
from wirework.config.schema import SchemaRef
from wirework.errors import BackendError, ConfigError
from wirework.lifecycle.retry import retry
from wirework.persistence.codec import ItemTypes
from wirework.persistence.sql.core import DuplicateKeyError, IdentifiableSqlPersistence, Session
from wirework.persistence.sql.dialect import SQLITE

if TYPE_CHECKING:
    import sqlite3

__all__ = ["DEFAULT_SQLITE_PATH", "IdentifiableSqlitePersistence"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_SQLITE_PATH = "./data/wirework.db"  # as the SQLite state store: one file by default
_MEMORY = ":memory:"
_LEAST_VERSION = (3, 35)  # RETURNING; NULLS FIRST and json_extract are older


class IdentifiableSqlitePersistence(IdentifiableSqlPersistence[T]):
    """Items as JSON documents in an SQLite table.

    Config: ``connection.database`` (the file path, default ``./data/wirework.db``;
    ``:memory:`` for a private in-memory database), ``options.table``,
    ``options.max_page_size``, ``options.connect_timeout`` (ms, default 5000: how long
    to wait for a lock), ``options.retries`` (opening).
    """

    dialect = SQLITE
    config_schema: ClassVar[SchemaRef] = "wirework.persistence.schema:SqlitePersistenceConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (SQLITE_DRIVER,)

    def __init__(
        self,
        table: str | None = None,
        *,
        path: str | Path | None = None,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        super().__init__(table, item_type=item_type, item_types=item_types)
        self._path = self._checked_path(str(path)) if path is not None else DEFAULT_SQLITE_PATH
        self._timeout = 5.0
        self._retries = 3
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._driver: Any = None

    @property
    def path(self) -> str:
        return self._path

    def _location(self) -> str:
        return f"SQLite database {self._path}"

    def _configure_connection(self, config: ConfigParams, checked: Any) -> None:
        settings = ConnectionSettings.from_config(config)  # no uri: the schema refuses one
        if settings.database is not None:
            self._path = self._checked_path(settings.database)
        self._timeout = settings.connect_timeout
        self._retries = settings.retries

    def _checked_path(self, path: str) -> str:
        if not path.strip() or "\x00" in path:
            raise ConfigError(
                f"connection.database must be a file path, got {path!r}",
                component=self._component,
            )
        return path

    def _connect(self) -> None:
        sqlite = importlib.import_module("sqlite3")
        if sqlite.sqlite_version_info < _LEAST_VERSION:
            raise BackendError(
                f"SQLite {sqlite.sqlite_version} is too old: this persistence needs "
                f"{'.'.join(map(str, _LEAST_VERSION))} or later",
                component=self._component,
            )
        in_memory = self._path == _MEMORY
        try:
            if not in_memory:
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            connection = retry(
                lambda: sqlite.connect(
                    self._path,
                    timeout=self._timeout,
                    check_same_thread=False,
                    isolation_level=None,  # autocommit; transactions are explicit
                ),
                retries=self._retries,
                retry_on=(sqlite.OperationalError,),
            )
            if not in_memory:
                connection.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite.Error) as exc:
            raise BackendError(
                f"cannot open {self._location()}: {exc}", component=self._component
            ) from exc
        with self._lock:
            self._driver = sqlite
            self._connection = connection

    def _disconnect(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()

    def _run(
        self,
        operation: str,
        work: Callable[[Session], R],
        *,
        retryable: bool,
        transaction: bool = False,
    ) -> R:
        sqlite = self._driver
        with self._lock:
            connection = self._connection
            if connection is None:
                raise self._not_open(operation)
            try:
                if not transaction:
                    try:
                        return work(connection)
                    except sqlite.OperationalError as exc:
                        if not _damaged_json(exc):
                            raise
                        return work(_GuardedSession(connection))
                # IMMEDIATE takes the write lock first: no other process can slip in
                # between the read and the write.
                connection.execute("BEGIN IMMEDIATE")
                try:
                    result = work(connection)
                except BaseException:
                    # A failed rollback must not hide the error that caused it.
                    with contextlib.suppress(sqlite.Error):
                        connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                return result
            except sqlite.Error as exc:
                raise self._failure(operation, exc) from exc

    # The two single-statement paths, without a closure per call: a by-id read costs
    # only a few microseconds here, so the wrapper around it has to cost less.
    def _query(self, operation: str, sql: str, params: Any, *, retryable: bool = True) -> list[Any]:
        with self._lock:
            connection = self._connection
            if connection is None:
                raise self._not_open(operation)
            try:
                try:
                    rows: list[Any] = connection.execute(sql, params).fetchall()
                except self._driver.OperationalError as exc:
                    if not _damaged_json(exc):
                        raise
                    rows = connection.execute(SQLITE.guarded(sql), params).fetchall()
            except self._driver.Error as exc:
                raise self._failure(operation, exc) from exc
        return rows

    def _execute(self, operation: str, sql: str, params: Any, *, retryable: bool) -> int:
        with self._lock:
            connection = self._connection
            if connection is None:
                raise self._not_open(operation)
            try:
                try:
                    count: int = connection.execute(sql, params).rowcount
                except self._driver.OperationalError as exc:
                    if not _damaged_json(exc):
                        raise
                    count = connection.execute(SQLITE.guarded(sql), params).rowcount
            except self._driver.Error as exc:
                raise self._failure(operation, exc) from exc
        return count

    def _failure(self, operation: str, exc: Exception) -> Exception:
        if isinstance(exc, self._driver.IntegrityError):
            return DuplicateKeyError(f"{operation}(): {exc}", component=self._component)
        return BackendError(
            f"{operation}() on {self._location()} failed: {exc}", component=self._component
        )


def _damaged_json(exc: Exception) -> bool:
    """SQLite's JSON functions met a row whose text is not JSON (or nests too deeply).

    The statement failed as a whole and changed nothing, so it is run again with
    ``SQLITE.guarded``, which reads such a row as having no fields: one damaged row then
    costs a filter only itself, and the guard's parse per row is paid only when needed.
    """
    return str(exc) == "malformed JSON"


class _GuardedSession:
    """A connection whose statements read a damaged document as one without fields."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, sql: Any, params: Any = (), /) -> Any:
        return self._connection.execute(SQLITE.guarded(sql), params)
