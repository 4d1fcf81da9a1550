"""The key-value state store on PostgreSQL: ``pip-services:state-store:postgres:*:1.0``.

Config, Pip.Services' keys: ``connection.uri`` or ``connection.host`` /
``port`` (5432) / ``database``, ``credential.username`` / ``password``,
``options.connect_timeout`` (ms), ``options.retries`` (attempts to connect on open),
``options.max_pool_size`` (5), ``options.table`` (``wirework_state``) and
``options.timeout`` (ms, expiry). psycopg 3 (extra ``postgres``) is imported on open.

Connections are a small pool of autocommit connections, so each statement is one
round trip and threads do not queue behind one socket. A connection the server
killed is found before use: an idle connection has nothing to read, so a readable
socket means the server sent its farewell (or closed it), and the connection is
replaced without sending anything on it. A read that still meets a lost connection
is retried once on a fresh one; a write is not (it may have been applied) and fails
once with :class:`~wirework.errors.BackendError`, and the next call gets a new
connection. Messages name ``host:port/database``, never the password.
"""

from __future__ import annotations

import math
import select
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from wirework.build.drivers import PSYCOPG, Driver
from wirework.config import ConfigParams
from wirework.config.connection import ConnectionSettings
from wirework.config.schema import SchemaRef
from wirework.config.secrets import redact
from wirework.errors import BackendError
from wirework.lifecycle.retry import retry
from wirework.state.sql import DbSession, Row, Session, SqlEngine, SqlStateStore

if TYPE_CHECKING:
    import psycopg

__all__ = ["DEFAULT_POOL_SIZE", "PostgresEngine", "PostgresStateStore", "postgres_engine"]

T = TypeVar("T")

DEFAULT_POOL_SIZE = 5  # options.max_pool_size: connections kept open at most

_ONE, _ALL, _COUNT = 0, 1, 2


class _Pooled:
    """A pooled connection and a zero-wait check of its socket."""

    __slots__ = ("_poll", "conn")

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        fd = conn.pgconn.socket
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
            self._poll: Callable[[int], list[Any]] = poller.poll
        else:  # pragma: no cover - Windows
            self._poll = lambda timeout: select.select([fd], [], [], timeout)[0]

    def usable(self) -> bool:
        """False when the server has spoken on an idle connection: it is closing it."""
        return not self._poll(0)


class PostgresEngine(SqlEngine):
    """A bounded pool of autocommit psycopg connections."""

    name = "PostgreSQL"
    placeholder = "%s"
    collate = ' COLLATE "C"'  # byte order whatever the database's locale, like Python's sort
    # A sequence: no row lock, so writers of different keys never wait for each other.
    # Created once, starting above the table's versions (a table written before it
    # existed), and dropped with the table.
    next_version = "nextval('\"{name}$version\"')"
    bumped_version = next_version
    version_counter = (
        "DO $$ BEGIN "
        "IF to_regclass('\"{name}$version\"') IS NULL THEN "
        'CREATE SEQUENCE "{name}$version" OWNED BY {t}.version; '
        "PERFORM setval('\"{name}$version\"', max(version)) FROM {t} HAVING max(version) > 0; "
        "END IF; END $$",
    )

    def __init__(
        self,
        conninfo: str,
        options: dict[str, Any],
        *,
        where: str,
        secrets: frozenset[str],
        retries: int,
        pool_size: int,
        wait: float,
        owner: str,
        closed_error: Callable[[str], Exception],
    ) -> None:
        super().__init__(owner, closed_error)
        self._conninfo = conninfo
        self._options = options
        self._where = where
        self._secrets = secrets
        self._retries = retries
        self._size = pool_size
        self._wait = wait
        self._idle: list[_Pooled] = []
        self._count = 0  # connections in the pool or in use
        self._waiting = 0  # threads waiting for a connection
        self._open = False
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._pg: Any = None

    @property
    def where(self) -> str:
        return self._where

    # -- connections ------------------------------------------------------------------
    def open(self) -> None:
        self._pg = pg = PSYCOPG.load(self.owner)
        try:
            first = retry(self._connect, retries=self._retries, retry_on=(pg.OperationalError,))
        except pg.Error as exc:
            attempts = self._retries + 1
            raise self._unreachable(exc, f" after {attempts} attempts") from None
        with self._lock:
            self._open = True
            self._count += 1
            self._idle.append(first)

    def close(self) -> None:
        with self._lock:
            self._open = False
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._freed.notify_all()  # waiters see the pool closed
        for item in idle:  # connections in use are closed when given back
            item.conn.close()

    def _connect(self) -> _Pooled:
        return _Pooled(self._pg.connect(self._conninfo, autocommit=True, **self._options))

    def _unreachable(self, exc: BaseException, attempts: str = "") -> BackendError:
        reason = redact(f"{type(exc).__name__}: {exc}", self._secrets, one_line=True)
        return BackendError(
            f"cannot connect to PostgreSQL at {self._where}{attempts}: {reason}",
            component=self.owner,
        )

    def _take(self, op: str) -> _Pooled:
        """An idle connection that is still alive, or a new one while under the size."""
        lock = self._lock
        while True:
            with lock:
                if not self._open:
                    raise self.closed_error(op)
                if self._idle:
                    item: _Pooled | None = self._idle.pop()
                elif self._count < self._size:
                    self._count += 1
                    item = None
                else:
                    self._wait_for_one(op)
                    continue
            if item is None:
                return self._new(op)
            if item.usable():  # checked outside the lock: a syscall
                return item
            self._give(item, False)  # killed while idle: replace it, nothing was sent

    def _wait_for_one(self, op: str) -> None:
        self._waiting += 1
        try:
            if not self._freed.wait(self._wait):
                raise BackendError(
                    f"{op}() waited {self._wait:g}s for one of the {self._size} connections "
                    f"to PostgreSQL at {self._where}; raise options.max_pool_size",
                    component=self.owner,
                )
        finally:
            self._waiting -= 1

    def _new(self, op: str) -> _Pooled:
        """A new connection for a slot already counted; the slot is freed if it fails."""
        try:
            return self._connect()
        except BaseException as exc:
            with self._lock:
                self._count -= 1
                if self._waiting:
                    self._freed.notify()
            if isinstance(exc, self._pg.Error):
                raise self._unreachable(exc) from None
            raise

    def _give(self, item: _Pooled, keep: bool) -> None:
        conn = item.conn
        keep = keep and conn.pgconn.transaction_status == 0  # idle, not in a transaction
        with self._lock:
            if keep and self._open:
                self._idle.append(item)
            else:
                keep = False
                self._count -= 1
            if self._waiting:
                self._freed.notify()
        if not keep:
            conn.close()

    # -- statements -------------------------------------------------------------------
    def one(self, op: str, sql: str, params: Sequence[Any], *, write: bool = False) -> Row | None:
        result: Row | None = self._call(op, sql, params, _ONE, not write)
        return result

    def all(self, op: str, sql: str, params: Sequence[Any]) -> list[Row]:
        result: list[Row] = self._call(op, sql, params, _ALL, True)
        return result

    def run(self, op: str, sql: str, params: Sequence[Any]) -> int:
        result: int = self._call(op, sql, params, _COUNT, False)
        return result

    def _call(self, op: str, sql: str, params: Sequence[Any], mode: int, retry_lost: bool) -> Any:
        item = self._take(op)
        try:
            cursor = item.conn.execute(sql, params)
            result = (
                cursor.fetchone()
                if mode == _ONE
                else cursor.fetchall()
                if mode == _ALL
                else cursor.rowcount
            )
        except BaseException as exc:
            lost = item.conn.broken or item.conn.closed
            self._give(item, isinstance(exc, Exception) and not lost)
            if not isinstance(exc, self._pg.Error):
                raise
            if lost and retry_lost:  # a read: nothing to undo, try once on a new connection
                return self._call(op, sql, params, mode, False)
            raise self._failed(op, exc, lost) from exc
        self._give(item, True)
        return result

    def use(self, op: str, work: Callable[[Session], T], *, transaction: bool) -> T:
        item = self._take(op)
        conn = item.conn
        try:
            if transaction:
                with conn.transaction():
                    result = work(DbSession(conn))
            else:
                result = work(DbSession(conn))
        except BaseException as exc:  # the transaction, if any, is rolled back by now
            lost = conn.broken or conn.closed
            self._give(item, isinstance(exc, Exception) and not lost)
            if isinstance(exc, self._pg.Error):
                raise self._failed(op, exc, lost) from exc
            raise
        self._give(item, True)
        return result

    def _failed(self, op: str, exc: BaseException, lost: bool) -> BackendError:
        error = self.failed(op, exc, self._secrets)
        if lost:
            error = BackendError(
                error.message + " (the connection was lost; the next call uses a new one)",
                component=self.owner,
            )
        return error

    def any_of(self, column: str, keys: Sequence[str]) -> list[tuple[str, list[Any]]]:
        return [(f"{column} = ANY(%s)", [list(keys)])]

    def ensure_schema(self, statements: Sequence[str], table: str) -> None:
        """The DDL under an advisory lock: concurrent ``CREATE ... IF NOT EXISTS`` can fail."""

        def create(session: Session) -> None:
            session.one("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"wirework:{table}",))
            for statement in statements:
                session.run(statement, ())

        self.use("open", create, transaction=True)


def postgres_engine(
    config: ConfigParams, owner: str, closed_error: Callable[[str], Exception]
) -> PostgresEngine:
    """The engine for a component's ``connection.*``, ``credential.*`` and ``options.*``."""
    settings = ConnectionSettings.from_config(config, default_port=5432)
    pool_size = config.get_as_integer_with_default(
        "options.max_pool_size", DEFAULT_POOL_SIZE
    )  # checked by the store's config schema
    options: dict[str, Any] = {"connect_timeout": max(1, math.ceil(settings.connect_timeout))}
    if settings.uri is None or config.get("connection.host") is not None:
        options["host"] = settings.host
    if settings.uri is None or config.get("connection.port") is not None:
        options["port"] = settings.port
    for name, value in (
        ("dbname", settings.database),
        ("user", settings.username),
        ("password", settings.password),
    ):
        if value is not None:
            options[name] = value
    return PostgresEngine(
        settings.uri or "",
        options,
        where=settings.location,
        secrets=settings.secrets,
        retries=settings.retries,
        pool_size=pool_size,
        wait=settings.connect_timeout,
        owner=owner,
        closed_error=closed_error,
    )


class PostgresStateStore(SqlStateStore):
    """Key-value state in a PostgreSQL table; ``pip-services:state-store:postgres:*:1.0``."""

    config_schema: ClassVar[SchemaRef] = "wirework.state.schema:PostgresStateStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (PSYCOPG,)

    def _new_engine(self, config: ConfigParams) -> SqlEngine:
        return postgres_engine(config, type(self).__name__, self._closed_error)
