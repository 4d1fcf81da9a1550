"""PostgreSQL: its dialect, and its sync driver over psycopg 3 with a small pool.

psycopg is imported on open. Connections run in autocommit: a single statement is
its own transaction and one round trip; a script that must be atomic runs in an
explicit transaction. Opening makes the first connection with bounded retries, so a
server that is still starting does not fail the service at once; later connections
are made on demand, with one attempt each, so no call hangs on a dead server.

A connection the server killed is replaced, not reopened by hand: the pool drops idle
connections that died (see ``_pool``). A statement that fails because its connection
went away is run again once on a new connection when that is safe: when the caller
says running it twice does no harm, or when the server said it ended the session
(SQLSTATE class 57P) and so never ran it. Otherwise the error says the write may or
may not have been applied.

Messages name ``host:port/database``; the password lives only in the connection
string, which is never printed, and a driver's text is shown with the config's
secrets and the connection string masked.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from wirework.build._drivers import PSYCOPG
from wirework.errors import BackendError, ConfigError
from wirework.lifecycle._retry import retry as retrying
from wirework.sql._base import COUNT, ONE, DbSession, Row, Script, play
from wirework.sql._dialect import Dialect, Fragment
from wirework.sql._documents import dumps, exact_floats, lenient_loads
from wirework.sql._engine import EngineBase
from wirework.sql._errors import DuplicateKeyError, reason, statement_failed, unreachable
from wirework.sql._names import derived_name
from wirework.sql._pool import ConnectionPool
from wirework.sql._settings import PostgresTarget, postgres_target

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

_APPLICATION_NAME = "wirework"
_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE, read as pgconn's plain int on every call


class PostgresDialect(Dialect):
    """``jsonb`` documents: ``->`` steps with text keys, typed ``jsonb`` comparisons."""

    name = "PostgreSQL"
    placeholder = "%s"
    key_type = 'TEXT COLLATE "C"'  # byte order whatever the database's locale
    document_type = "JSONB"
    document_param = "%s::jsonb"
    serial_key = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    lock_row = " FOR UPDATE"
    false = "FALSE"

    # A sequence: no row lock, so writers of different keys never wait for each other.
    # Created once, starting above the table's versions (a table written before it
    # existed), and dropped with the table.
    def next_version(self, table: str) -> str:
        return f"nextval('{self.quote(derived_name(table, 'version'))}')"

    def bumped_version(self, table: str) -> str:
        return self.next_version(table)

    def version_counter(self, table: str) -> tuple[str, ...]:
        t, sequence = self.quote(table), self.quote(derived_name(table, "version"))
        return (
            "DO $$ BEGIN "
            f"IF to_regclass('{sequence}') IS NULL THEN "
            f"CREATE SEQUENCE {sequence} OWNED BY {t}.version; "
            f"PERFORM setval('{sequence}', max(version)) FROM {t} HAVING max(version) > 0; "
            "END IF; END $$",
        )

    def keys_match(self, column: str) -> str:
        return f"{column} = ANY(?)"

    def keys_param(self, keys: list[str]) -> Any:
        return keys

    def parser(self) -> Callable[[Any], Any] | None:
        return None  # psycopg parses jsonb itself, with lenient_loads (set per connection)

    def document_text(self, text: str) -> str:
        return exact_floats(text)

    def json_equals(self, path: list[str], value: Any) -> Fragment:
        at, params = _jsonb_value(path)
        return f"({at}) = %s::jsonb", [*params, exact_floats(dumps(value))]

    def json_any_of(self, path: list[str], values: list[Any]) -> Fragment:
        at, params = _jsonb_value(path)
        texts = [exact_floats(dumps(value)) for value in values]
        return f"({at}) = ANY(%s::jsonb[])", [*params, texts]

    def json_sort_key(self, path: list[str], ascending: bool) -> Fragment:
        at, params = _jsonb_value(path)
        order = "ASC NULLS FIRST" if ascending else "DESC NULLS LAST"
        # Strings first by code point; then jsonb's own order for numbers and booleans,
        # with JSON null turned into SQL NULL so it sorts with missing values.
        text = f"(CASE WHEN jsonb_typeof({at}) = 'string' THEN ({at}) #>> '{{}}' END)"
        sql = f"{text} COLLATE \"C\" {order}, NULLIF({at}, 'null'::jsonb) {order}"
        return sql, params * 3


def _jsonb_value(steps: Sequence[str]) -> Fragment:
    # ``-> text`` reads an object key and never an array index, as memory does.
    return "doc" + " -> %s::text" * len(steps), list(steps)


POSTGRES = PostgresDialect()
"""PostgreSQL's dialect: what the PostgreSQL engine gives its components."""


class PostgresEngine(EngineBase[PostgresTarget]):
    """A bounded pool of autocommit psycopg connections (see the module's doc)."""

    dialect = POSTGRES
    read_target = staticmethod(postgres_target)

    def __init__(
        self, target: PostgresTarget, *, component: str, closed_error: Callable[[str], Exception]
    ) -> None:
        super().__init__(target, component=component, closed_error=closed_error)
        self._secrets = target.secrets
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._driver: Any = None
        self._conninfo = ""

    # -- connections --------------------------------------------------------------------
    def open(self) -> None:
        target = self._target
        if not target.names_database:  # libpq would quietly pick the one named like the user
            raise ConfigError(
                "connection.database is required for PostgreSQL",
                component=self._component,
                hint="set connection.database, or give a connection.uri",
            )
        self._driver = driver = PSYCOPG.load(self._component)
        self._conninfo = self._make_conninfo(driver)
        self._secrets = target.secrets | {self._conninfo}
        try:
            first = retrying(
                self._connect, retries=target.retries, retry_on=(driver.OperationalError,)
            )
        except driver.Error as exc:
            raise unreachable(
                self.where, exc, self._secrets, self._component, attempts=target.retries + 1
            ) from None  # the cause is dropped: the driver's text quotes the conninfo
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self._connect_once,
            size=target.pool_size,
            wait=target.wait,
            reusable=_reusable,
            discard=self._discard,
            where=self.where,
            component=self._component,
        )
        pool.add(first)
        self._pool = pool

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _make_conninfo(self, driver: Any) -> str:
        target = self._target
        try:
            conninfo: str = driver.conninfo.make_conninfo(target.uri, **target.params)
            if "application_name" not in driver.conninfo.conninfo_to_dict(conninfo):
                conninfo = driver.conninfo.make_conninfo(
                    conninfo, application_name=_APPLICATION_NAME
                )
        except driver.Error as exc:
            # The cause is dropped on purpose: the driver's text quotes the connection string.
            raise ConfigError(
                f"connection.uri is not a valid PostgreSQL URI: {reason(exc, target.secrets)}",
                component=self._component,
            ) from None
        return conninfo

    def _connect(self) -> psycopg.Connection[Any]:
        driver = self._driver
        conn: psycopg.Connection[Any] = driver.connect(self._conninfo, autocommit=True)
        # One row too deep for json.loads must not fail the whole result it is in.
        driver.types.json.set_json_loads(lenient_loads, conn)
        return conn

    def _connect_once(self) -> psycopg.Connection[Any]:
        try:
            return self._connect()
        except self._driver.Error as exc:
            raise unreachable(self.where, exc, self._secrets, self._component, attempts=1) from None

    def _discard(self, conn: psycopg.Connection[Any]) -> None:
        with contextlib.suppress(self._driver.Error, OSError):
            conn.close()

    # -- statements ---------------------------------------------------------------------
    def one(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> Row | None:
        row: Row | None = self._attempt(op, retry, _one, sql, params)
        return row

    def all(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> list[Row]:
        rows: list[Row] = self._attempt(op, retry, _all, sql, params)
        return rows

    def count(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = False) -> int:
        count: int = self._attempt(op, retry, _count, sql, params)
        return count

    def play(
        self,
        op: str,
        script: Callable[[], Script[T]],
        *,
        transaction: bool = False,
        retry: bool = False,
    ) -> T:
        result: T = self._attempt(op, retry, _play, script, transaction)
        return result

    def _attempt(
        self, op: str, retry: bool, work: Callable[..., Any], first: Any, second: Any
    ) -> Any:
        """``work(connection, first, second)`` on a pooled connection; once more on a new
        one if the first was lost and that is safe (see the module's doc)."""
        for attempt in (0, 1):
            pool = self._pool
            if pool is None or (item := pool.acquire()) is None:
                raise self._closed_error(op)
            try:
                result = work(item.conn, first, second)
            except BaseException as exc:  # a transaction, if any, is rolled back by now
                pool.release(item)  # the pool closes a lost connection
                if not self._again(op, exc, item.conn, attempt, retry):
                    raise
                continue
            pool.release(item)
            return result
        raise AssertionError("unreachable: the second attempt returns or raises")

    def ensure_schema(self, statements: Sequence[str], table: str) -> None:
        """The DDL under an advisory lock: concurrent ``CREATE ... IF NOT EXISTS`` can fail."""

        def create() -> Script[None]:
            yield ONE, "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"wirework:{table}",)
            for statement in statements:
                yield COUNT, statement, ()

        self.play("open", create, transaction=True, retry=True)

    def ping(self, op: str) -> None:
        """``SELECT 1`` on a pooled connection, all within ``connect_timeout``: the pool
        drops an idle connection that died and makes a new one within it. libpq has no
        timeout for a reply, and a server that takes the query and never answers (frozen,
        or behind a dead link) would hold the ping forever; so the socket is shut when
        the time is up, the call fails, and the pool drops that connection."""
        wait = self._target.wait

        def select_one(conn: psycopg.Connection[Any], _: Any, __: Any) -> None:
            fired = threading.Event()
            deadline = threading.Timer(wait, _shut, (conn.fileno(), fired))
            deadline.start()
            try:
                conn.execute("SELECT 1").fetchall()
            except self._driver.Error as exc:
                if not fired.is_set():
                    raise
                raise BackendError(
                    f"{op}() on {self.where}: no answer within {wait:g} s",
                    component=self._component,
                    hint="the server is overloaded or the network to it is down",
                ) from exc
            finally:
                deadline.cancel()
                deadline.join()  # never shut a socket after this call gave it back

        self._attempt(op, True, select_one, None, None)

    def _again(self, op: str, exc: BaseException, conn: Any, attempt: int, retry: bool) -> bool:
        """Whether to run the call again after ``exc``; raises wirework's error if not
        (``False`` leaves anything but a driver error to be re-raised as itself)."""
        driver = self._driver
        if not isinstance(exc, driver.Error):
            return False
        if isinstance(exc, driver.errors.UniqueViolation):
            raise DuplicateKeyError(
                f"{op}() on {self.where}: the key is already stored ({reason(exc, self._secrets)})",
                component=self._component,
            ) from exc
        lost = bool(conn.broken or conn.closed)
        never_ran = (exc.sqlstate or "").startswith("57P")
        if lost and attempt == 0 and (retry or never_ran):
            return True
        raise statement_failed(
            op, self.where, exc, self._secrets, self._component, lost=lost
        ) from exc


def _one(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]) -> Row | None:
    return conn.execute(sql, params).fetchone()


def _all(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]) -> list[Row]:
    return conn.execute(sql, params).fetchall()


def _count(conn: psycopg.Connection[Any], sql: str, params: Sequence[Any]) -> int:
    return conn.execute(sql, params).rowcount


def _play(conn: psycopg.Connection[Any], script: Callable[[], Script[T]], transaction: bool) -> T:
    if not transaction:
        return play(DbSession(conn), script())
    with conn.transaction():
        return play(DbSession(conn), script())


def _shut(fd: int, fired: threading.Event) -> None:
    """End a connection's socket under a call blocked on it (its reply is overdue)."""
    fired.set()
    with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
        sock.shutdown(socket.SHUT_RDWR)


def _reusable(conn: psycopg.Connection[Any]) -> bool:
    """Alive, and idle: not left inside a transaction by an interrupted call (a closed
    or broken connection's status is UNKNOWN, never IDLE)."""
    return bool(conn.pgconn.transaction_status == _IDLE)
