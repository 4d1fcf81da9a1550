"""The key-value state store on SQLite: ``pip-services:state-store:sqlite:*:1.0``.

Config (Pip.Services has no SQLite store, so one key was chosen, the one its
SQL connections use for the database):

* ``connection.database``: the database file, default ``./data/wirework.db``; its
  directory is created on open. ``:memory:`` gives a private in-memory database.
  A ``connection.uri`` of the form ``sqlite:///relative.db`` / ``sqlite:////abs.db``
  is accepted too (the entity stores take such a URI);
* ``options.table`` (default ``wirework_state``), ``options.timeout`` (ms, expiry),
  ``options.connect_timeout`` (ms; also how long a write waits for another
  process's lock), ``options.retries`` (attempts to open).

One connection per store, shared by its threads under a lock: SQLite writes one at a
time anyway, and a second connection would only add lock waits. WAL journal mode
lets readers in other processes proceed during a write; ``synchronous=NORMAL``
(WAL's usual pairing) keeps the file consistent on any crash and may lose only the
last commits on a power failure. Every write is a single autocommit statement or a
``BEGIN IMMEDIATE`` transaction, so the busy timeout, not an error, handles another
process holding the lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote

from wirework.config import ConfigParams
from wirework.config.connection import ConnectionSettings
from wirework.config.schema import SchemaRef
from wirework.config.secrets import redact_uri
from wirework.config.uri import scheme_of
from wirework.errors import BackendError, ConfigError
from wirework.lifecycle.retry import retry
from wirework.state.sql import DbSession, Row, Session, SqlEngine, SqlStateStore

__all__ = ["DEFAULT_DATABASE", "SqliteEngine", "SqliteStateStore", "sqlite_path"]

T = TypeVar("T")

DEFAULT_DATABASE = "./data/wirework.db"
_CHUNK = 500  # keys per IN (...): well under SQLite's 32,766 variables


def sqlite_path(location: str | None, component: str) -> str:
    """The file for a ``connection.database`` path or a ``sqlite:`` URI (``None``: default)."""
    if not location:
        return DEFAULT_DATABASE
    if location.startswith("sqlite:"):
        rest = location[len("sqlite:") :]
        if not rest.startswith("//"):
            raise ConfigError(
                f"a SQLite URI is sqlite:///relative/path.db or sqlite:////absolute/path.db, "
                f"got {redact_uri(location)!r}",
                component=component,
            )
        path = unquote(rest[2:].split("?", 1)[0])
        path = path[1:] if path.startswith("/") else path  # the third slash ends the host
        return path if path not in ("", ":memory:") else ":memory:"
    if "://" in location:
        raise ConfigError(  # named by its scheme only: the rest may hold a password
            "the SQLite store takes a file path or a sqlite:/// URI, "
            f"got scheme {scheme_of(location)!r}; use the store for that backend instead",
            component=component,
        )
    return location


class SqliteEngine(SqlEngine):
    """One SQLite connection, serialized by a lock."""

    name = "SQLite"
    table_suffix = " WITHOUT ROWID"  # the primary key is the table: one B-tree lookup
    # One row holding the highest version a deleted row had, raised by a trigger in
    # the deleting statement. A new row takes one above it, so above every version
    # its key had before; a row written again takes its own plus one. A save of a
    # live key so writes no second page. SQLite runs one writer at a time, so a
    # statement reading the counter cannot race one raising it.
    next_version = '(SELECT n + 1 FROM "{name}$version")'
    bumped_version = "{t}.version + 1"
    version_counter = (
        'CREATE TABLE IF NOT EXISTS "{name}$version" (n INTEGER NOT NULL)',
        'INSERT INTO "{name}$version" (n) SELECT 0 '
        'WHERE NOT EXISTS (SELECT 1 FROM "{name}$version")',
        'CREATE TRIGGER IF NOT EXISTS "{name}$deleted" AFTER DELETE ON {t} '
        'BEGIN UPDATE "{name}$version" SET n = max(n, OLD.version); END',
    )

    def __init__(
        self,
        path: str,
        *,
        busy_timeout: float,
        retries: int,
        owner: str,
        closed_error: Callable[[str], Exception],
    ) -> None:
        super().__init__(owner, closed_error)
        self.path = path
        self._busy_timeout = busy_timeout
        self._retries = retries
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return self.path

    def open(self) -> None:
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = retry(self._connect, retries=self._retries, retry_on=(sqlite3.OperationalError,))
        except (OSError, sqlite3.Error) as exc:
            raise BackendError(
                f"cannot open SQLite database at {self.path}: {type(exc).__name__}: {exc}",
                component=self.owner,
            ) from exc
        with self._lock:
            self._conn = conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout,
            isolation_level=None,  # autocommit: transactions only where we BEGIN them
            check_same_thread=False,
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def one(self, op: str, sql: str, params: Sequence[Any], *, write: bool = False) -> Row | None:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise self.closed_error(op)
            try:
                cursor = conn.execute(sql, params)
                if not write:
                    row: Row | None = cursor.fetchone()
                    return row
                rows = cursor.fetchall()  # a RETURNING statement completes only when drained
            except sqlite3.Error as exc:
                raise self.failed(op, exc) from exc
            return rows[0] if rows else None

    def all(self, op: str, sql: str, params: Sequence[Any]) -> list[Row]:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise self.closed_error(op)
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self.failed(op, exc) from exc

    def run(self, op: str, sql: str, params: Sequence[Any]) -> int:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise self.closed_error(op)
            try:
                return conn.execute(sql, params).rowcount
            except sqlite3.Error as exc:
                raise self.failed(op, exc) from exc

    def use(self, op: str, work: Callable[[Session], T], *, transaction: bool) -> T:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise self.closed_error(op)
            try:
                if transaction:
                    conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-way
                try:
                    result = work(DbSession(conn))
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                if transaction:
                    conn.execute("COMMIT")
                return result
            except sqlite3.Error as exc:
                raise self.failed(op, exc) from exc

    def any_of(self, column: str, keys: Sequence[str]) -> list[tuple[str, list[Any]]]:
        chunks = []
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start : start + _CHUNK])
            chunks.append((f"{column} IN ({','.join('?' * len(chunk))})", chunk))
        return chunks


def sqlite_engine(
    location: str | None,
    config: ConfigParams,
    owner: str,
    closed_error: Callable[[str], Exception],
) -> SqliteEngine:
    """The engine for a file path or ``sqlite:`` URI and the connect options in ``config``."""
    settings = ConnectionSettings.from_config(config)
    return SqliteEngine(
        sqlite_path(location, owner),
        busy_timeout=settings.connect_timeout,
        retries=settings.retries,
        owner=owner,
        closed_error=closed_error,
    )


class SqliteStateStore(SqlStateStore):
    """Key-value state in a SQLite table; ``pip-services:state-store:sqlite:*:1.0``."""

    config_schema: ClassVar[SchemaRef] = "wirework.state.schema:SqliteStateStoreConfig"

    def _new_engine(self, config: ConfigParams) -> SqlEngine:
        location = config.get_as_nullable_string(
            "connection.database"
        ) or config.get_as_nullable_string("connection.uri")
        return sqlite_engine(location, config, type(self).__name__, self._closed_error)
