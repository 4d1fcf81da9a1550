"""SQLite: its dialect, and its sync driver over the standard library's ``sqlite3``.

One connection per component, shared by its threads under a lock: SQLite writes one
at a time anyway, and a second connection would only add lock waits. WAL journal
mode lets readers in other processes proceed during a write; ``synchronous=NORMAL``
(WAL's usual pairing) keeps the file consistent on any crash and may lose only the
last commits on a power failure. Every write is one autocommit statement or a
``BEGIN IMMEDIATE`` transaction (the write lock taken first, so no other process
slips in between a read and a write), so the busy timeout, not an error, handles
another process holding the lock. ``sqlite3`` is imported on open.

Documents are ``TEXT`` read with ``json_extract``; a row whose text is not JSON makes
SQLite's JSON functions fail the whole statement, which changed nothing, so it is run
again with :meth:`SqliteDialect.guarded`, which reads such a row as having no fields:
one damaged row then costs a filter only itself, and the guard's second parse per row
is paid only when needed.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from wirework.build._drivers import SQLITE as SQLITE_DRIVER
from wirework.errors import BackendError
from wirework.lifecycle._retry import retry as retrying
from wirework.sql._base import ALL, COUNT, Row, Script, play
from wirework.sql._dialect import Dialect, Fragment
from wirework.sql._documents import dumps, json_path, lenient_loads
from wirework.sql._engine import EngineBase
from wirework.sql._errors import DuplicateKeyError, reason, statement_failed
from wirework.sql._names import derived_name
from wirework.sql._settings import SqliteTarget, sqlite_target

if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")

_LEAST_VERSION = (3, 35)  # RETURNING; json_each, NULLS FIRST and partial indexes are older
_MEMORY = ":memory:"
_MALFORMED = "malformed JSON"
_DUPLICATE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_DOCUMENT_ARGUMENTS = "(doc, ?)"
_GUARDED_ARGUMENTS = "(CASE WHEN json_valid(doc) THEN doc END, ?)"
_TEXT = "= 'text'"
_NUMBER = "IN ('integer', 'real')"


class SqliteDialect(Dialect):
    """``json_extract`` over ``TEXT`` documents; ``json_each`` for lists of any length."""

    name = "SQLite"
    placeholder = "?"
    key_type = "TEXT"  # BINARY collation: byte order already
    keyed_table = " WITHOUT ROWID"  # the primary key is the table: one B-tree lookup
    document_type = "TEXT"
    document_param = "?"
    serial_key = "INTEGER PRIMARY KEY"  # the rowid: a new row gets max + 1

    # One row holding the highest version a deleted row had, raised by a trigger in
    # the deleting statement. A new row takes one above it, so above every version
    # its key had before; a row written again takes its own plus one, so a save of a
    # live key writes no second page. SQLite runs one writer at a time, so a
    # statement reading the counter cannot race one raising it.
    def next_version(self, table: str) -> str:
        return f"(SELECT n + 1 FROM {self.quote(derived_name(table, 'version'))})"

    def bumped_version(self, table: str) -> str:
        return f"{self.quote(table)}.version + 1"

    def version_counter(self, table: str) -> tuple[str, ...]:
        t, counter = self.quote(table), self.quote(derived_name(table, "version"))
        trigger = self.quote(derived_name(table, "deleted"))
        return (
            f"CREATE TABLE IF NOT EXISTS {counter} (n INTEGER NOT NULL)",
            f"INSERT INTO {counter} (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {counter})",
            f"CREATE TRIGGER IF NOT EXISTS {trigger} AFTER DELETE ON {t} "
            f"BEGIN UPDATE {counter} SET n = max(n, OLD.version); END",
        )

    def keys_match(self, column: str) -> str:
        # One JSON parameter instead of "IN (?, ?, ...)": no limit on the number of keys.
        return f"{column} IN (SELECT value FROM json_each(?))"

    def keys_param(self, keys: list[str]) -> Any:
        return dumps(keys)

    def parser(self) -> Callable[[Any], Any] | None:
        return lenient_loads

    def guarded(self, sql: str) -> str:
        """``sql`` with every JSON function reading a row whose text is not valid JSON
        as NULL, instead of failing the statement."""
        return sql.replace(_DOCUMENT_ARGUMENTS, _GUARDED_ARGUMENTS)

    # json_extract gives objects and arrays as JSON text and true/false as 1/0, so the
    # JSON type is tested beside the value: only a string equals a string, only a
    # number a number, and a boolean is matched by its type alone.
    def json_equals(self, path: list[str], value: Any) -> Fragment:
        at = json_path(path)
        if type(value) is bool:
            return "json_type(doc, ?) = ?", [at, "true" if value else "false"]
        kinds = _TEXT if type(value) is str else _NUMBER
        return f"(json_type(doc, ?) {kinds} AND json_extract(doc, ?) = ?)", [at, at, value]

    def json_any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at = json_path(path)
        strings = [value for value in values if type(value) is str]
        numbers = [value for value in values if type(value) in (int, float)]
        flags = sorted({"true" if value else "false" for value in values if type(value) is bool})
        terms: list[str] = []
        params: list[Any] = []
        for kinds, group in ((_TEXT, strings), (_NUMBER, numbers)):
            if group:
                terms.append(
                    f"(json_type(doc, ?) {kinds} AND "
                    f"json_extract(doc, ?) IN (SELECT value FROM json_each(?)))"
                )
                params += [at, at, dumps(group)]
        if None in values:
            flags.append("null")
        if flags:
            terms.append("json_type(doc, ?) IN (SELECT value FROM json_each(?))")
            params += [at, dumps(flags)]
        return f"({' OR '.join(terms)})", params

    def json_sort_key(self, path: list[str], ascending: bool) -> Fragment:
        order = "ASC NULLS FIRST" if ascending else "DESC NULLS LAST"
        return f"json_extract(doc, ?) {order}", [json_path(path)]


SQLITE = SqliteDialect()
"""SQLite's dialect: what the SQLite engine gives its components."""


class SqliteEngine(EngineBase[SqliteTarget]):
    """One SQLite connection, serialized by a lock (see the module's doc)."""

    dialect = SQLITE
    read_target = staticmethod(sqlite_target)

    def __init__(
        self, target: SqliteTarget, *, component: str, closed_error: Callable[[str], Exception]
    ) -> None:
        super().__init__(target, component=component, closed_error=closed_error)
        self._conn: sqlite3.Connection | _Closed = _CLOSED
        self._driver: Any = None
        self._file: _FileIdentity | None = None  # None: in memory
        self._lock = threading.Lock()

    def open(self) -> None:
        SQLITE_DRIVER.load(self._component)  # the usual error when Python lacks SQLite
        driver: Any = importlib.import_module("sqlite3")
        if driver.sqlite_version_info < _LEAST_VERSION:
            raise BackendError(
                f"SQLite {driver.sqlite_version} is too old: wirework needs "
                f"{'.'.join(map(str, _LEAST_VERSION))} or later",
                component=self._component,
            )
        target = self._target
        try:
            if target.path != _MEMORY:
                Path(target.path).parent.mkdir(parents=True, exist_ok=True)
            conn = retrying(
                lambda: _connect(driver, target),
                retries=target.retries,
                retry_on=(driver.OperationalError,),
            )
        except (OSError, driver.Error) as exc:
            raise BackendError(
                f"cannot open {target.where}: {reason(exc, target.secrets)}",
                component=self._component,
            ) from exc
        file = None if target.path == _MEMORY else _identify(os.path.abspath(target.path))
        with self._lock:
            self._driver, self._conn, self._file = driver, conn, file

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, _CLOSED
        conn.close()

    def ping(self, op: str) -> None:
        """The file's header read on the connection, then the file still the one opened:
        SQLite goes on answering from a file deleted or replaced under it, and whatever
        is written from then on is lost with the last handle. The wait for the
        connection is bounded by the busy timeout, as a wait for a lock is."""
        wait = self._target.busy_timeout
        if not self._lock.acquire(timeout=wait):
            raise BackendError(
                f"{op}() on {self.where}: the connection stayed busy for {wait:g} s",
                component=self._component,
                hint="a statement runs that long: look for slow statements",
            )
        try:
            conn, file = self._conn, self._file
            if isinstance(conn, _Closed):
                raise self._closed_error(op)
            try:
                conn.execute("PRAGMA schema_version").fetchall()
            except self._driver.Error as exc:
                raise self._failed(op, exc) from exc
        finally:
            self._lock.release()
        if file is not None and _identify(file[0]) != file:
            raise BackendError(
                f"{op}() on {self.where}: the file was removed or replaced while open",
                component=self._component,
                hint="what is written now is lost when the store closes: restore the file "
                "(and its directory), then restart the service",
            )

    # -- statements ---------------------------------------------------------------------
    # The usual path of each is one call into the driver under the lock: a read costs
    # a few microseconds here, so what wraps it must cost far less. A closed engine's
    # connection is a stand-in that raises, so no check is paid on the usual path.
    def one(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> Row | None:
        with self._lock:
            try:
                rows: list[Row] = self._conn.execute(sql, params).fetchall()
            except Exception as exc:
                rows = self._recover(op, sql, params, ALL, exc)
        return rows[0] if rows else None

    def all(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> list[Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except Exception as exc:
                rows: list[Row] = self._recover(op, sql, params, ALL, exc)
                return rows

    def count(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = False) -> int:
        with self._lock:
            try:
                return self._conn.execute(sql, params).rowcount
            except Exception as exc:
                count: int = self._recover(op, sql, params, COUNT, exc)
                return count

    def _recover(self, op: str, sql: str, params: Sequence[Any], mode: int, exc: Exception) -> Any:
        """Under the lock, after ``exc``: the reply of the statement run again guarded
        (a stored document was not JSON), or wirework's error."""
        if isinstance(exc, _NotOpen):
            raise self._closed_error(op) from None
        driver = self._driver
        if not isinstance(exc, driver.Error):
            raise exc
        try:
            return _guarded(driver, self._conn, sql, params, mode, exc)
        except driver.Error as again:
            raise self._failed(op, again) from again

    def play(
        self,
        op: str,
        script: Callable[[], Script[T]],
        *,
        transaction: bool = False,
        retry: bool = False,
    ) -> T:
        with self._lock:
            conn = self._conn
            if isinstance(conn, _Closed):
                raise self._closed_error(op)
            driver = self._driver
            try:
                if transaction:
                    conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-way
                try:
                    result = play(_Session(driver, conn), script())
                except BaseException:
                    if conn.in_transaction:  # a failed rollback must not hide the cause
                        with contextlib.suppress(driver.Error):
                            conn.execute("ROLLBACK")
                    raise
                if transaction:
                    conn.execute("COMMIT")
                return result
            except driver.Error as exc:
                raise self._failed(op, exc) from exc

    def ensure_schema(self, statements: Sequence[str], table: str) -> None:
        """The DDL in one transaction: the write lock keeps other processes out."""
        self.play("open", lambda: _ddl(statements), transaction=True)

    def _failed(self, op: str, exc: Exception) -> Exception:
        if getattr(exc, "sqlite_errorname", None) in _DUPLICATE:
            return DuplicateKeyError(
                f"{op}() on {self.where}: the key is already stored "
                f"({reason(exc, self._target.secrets)})",
                component=self._component,
            )
        return statement_failed(
            op, self.where, exc, self._target.secrets, self._component, lost=False
        )


class _NotOpen(Exception):
    """Raised by the stand-in connection of a closed engine."""


class _Closed:
    """The connection of an engine that is not open: every use raises :class:`_NotOpen`."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise _NotOpen

    def close(self) -> None:
        """Nothing to release."""


_CLOSED = _Closed()


class _Session:
    """A connection inside :meth:`SqliteEngine.play`, damaged documents guarded."""

    __slots__ = ("_conn", "_driver")

    def __init__(self, driver: Any, conn: Any) -> None:
        self._driver, self._conn = driver, conn

    def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows: list[Row] = _send(self._driver, self._conn, sql, params, ALL)
        return rows[0] if rows else None

    def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        rows: list[Row] = _send(self._driver, self._conn, sql, params, ALL)
        return rows

    def count(self, sql: str, params: Sequence[Any]) -> int:
        count: int = _send(self._driver, self._conn, sql, params, COUNT)
        return count

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.executemany(sql, rows)


def _send(driver: Any, conn: Any, sql: str, params: Sequence[Any], mode: int) -> Any:
    """One statement's reply; run again guarded if a stored document is not JSON."""
    try:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if mode != COUNT else cursor.rowcount
    except driver.Error as exc:
        return _guarded(driver, conn, sql, params, mode, exc)


def _guarded(
    driver: Any, conn: Any, sql: str, params: Sequence[Any], mode: int, failure: Exception
) -> Any:
    """After ``failure``: the statement again, guarded, if it met a document that is not
    JSON (it changed nothing: SQLite failed it as a whole); ``failure`` otherwise."""
    if not isinstance(failure, driver.OperationalError) or str(failure) != _MALFORMED:
        raise failure
    cursor = conn.execute(SQLITE.guarded(sql), params)
    return cursor.fetchall() if mode != COUNT else cursor.rowcount


def _ddl(statements: Sequence[str]) -> Script[None]:
    for statement in statements:
        yield COUNT, statement, ()


_FileIdentity = tuple[str, int, int]
"""An absolute path and the device and inode of the file there (``-1, -1``: none)."""


def _identify(path: str) -> _FileIdentity:
    try:
        found = os.stat(path)
    except OSError:
        return path, -1, -1
    return path, found.st_dev, found.st_ino


def _connect(driver: Any, target: SqliteTarget) -> sqlite3.Connection:
    conn: sqlite3.Connection = driver.connect(
        target.path,
        timeout=target.busy_timeout,
        isolation_level=None,  # autocommit: transactions only where the engine BEGINs them
        check_same_thread=False,
    )
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    except BaseException:
        conn.close()
        raise
    return conn
