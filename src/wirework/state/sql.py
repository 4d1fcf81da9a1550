"""The key-value state store on SQL, shared by SQLite and PostgreSQL.

A store is the memory store's semantics (see :mod:`wirework.state.memory`) written as
single statements, so that every guarantee holds across processes, not only threads:

* a versioned save is one conditional statement (``INSERT ... ON CONFLICT`` for
  "create if absent", ``UPDATE ... WHERE version = ?`` otherwise). The database
  decides who wins; the current version is read only after a miss, to build the
  :class:`~wirework.errors.ConcurrencyError`. There is no read-then-write;
* expiry is an ``expires_at`` column (``NULL`` = never) in the store's clock seconds,
  compared with ``now`` passed as a parameter, so tests can drive a ``ManualClock``
  and processes sharing a table agree (production uses ``time.time``). Expired rows
  are absent to every read and write, and a bounded ``DELETE`` on the indexed column
  removes them at most every :data:`PURGE_EVERY` seconds: never a scan per call;
* values are the :func:`~wirework.data.values.encode` JSON text in a ``TEXT`` column
  (PostgreSQL's ``jsonb`` refuses ``\\u0000``, which is a valid value here);
* a version never comes back to a key: a row written again gets a higher version
  (``{bump}`` in the statements) and a new row one its key never had (``{next}``),
  from a counter kept beside the table and used in the same statement. A key
  deleted, expired or purged leaves no row behind, yet a writer holding its old
  version always meets a conflict (no ABA).

What differs between databases (placeholders, ``= ANY(?)`` vs ``IN (...)``, the
version counter, how connections are held and replaced) lives in a
:class:`SqlEngine` subclass; the SQL text is written once, with ``?`` placeholders,
``{t}`` for the quoted table, ``{next}`` and ``{bump}`` for versions.
"""

from __future__ import annotations

import math
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Protocol, TypeVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.config.secrets import redact
from wirework.data.values import (
    MAX_KEY_BYTES,
    check_key,
    check_ttl,
    check_version,
    decode,
    encode,
)
from wirework.errors import BackendError, ConcurrencyError, ConfigError, InvalidStateError
from wirework.refer import IReferences
from wirework.state.clock import Clock
from wirework.state.protocol import StateValue, bulk_pairs

if TYPE_CHECKING:
    from wirework.state.schema import SqliteKvOptions

__all__ = [
    "PURGE_BATCH",
    "PURGE_EVERY",
    "DbSession",
    "Row",
    "Session",
    "SqlEngine",
    "SqlStateStore",
    "check_table",
]

T = TypeVar("T")
Row = tuple[Any, ...]

PURGE_EVERY = 10.0
"""Seconds (of the store's clock) between two purges of expired rows."""
PURGE_BATCH = 1000
"""Expired rows removed by one purge at most, so no call pays for a backlog at once."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,47}")  # + "_expires_at" stays <= 63 chars
_ALIVE = "(expires_at IS NULL OR expires_at > ?)"


def check_table(name: Any, component: str, what: str = "options.table") -> str:
    """``name`` when it is a plain SQL identifier (it is quoted, never interpolated raw)."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ConfigError(
            f"{what} must be an SQL identifier (a letter or _, then letters, digits "
            f"or _, at most 48 characters), got {name!r}",
            component=component,
        )
    return name


class Session(Protocol):
    """One connection, inside a transaction or in autocommit mode."""

    def one(self, sql: str, params: Sequence[Any]) -> Row | None: ...

    def all(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    def run(self, sql: str, params: Sequence[Any]) -> int: ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class DbSession:
    """A :class:`Session` over any DB-API connection whose ``execute`` returns a cursor."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = self._conn.execute(sql, params).fetchall()  # all: a RETURNING must finish
        return rows[0] if rows else None

    def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        rows: list[Row] = self._conn.execute(sql, params).fetchall()
        return rows

    def run(self, sql: str, params: Sequence[Any]) -> int:
        count: int = self._conn.execute(sql, params).rowcount
        return count

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.cursor().executemany(sql, rows)


class SqlEngine(ABC):
    """How one database is reached: connections, statements, transactions, dialect.

    ``op`` names the public operation for error messages. ``closed_error(op)`` is the
    owner's "not open" error, raised when a call races with ``close()``.
    """

    name: ClassVar[str]
    placeholder: ClassVar[str] = "?"
    collate: ClassVar[str] = ""  # appended to key columns: byte order, like Python's sort
    table_suffix: ClassVar[str] = ""
    next_version: ClassVar[str]
    """SQL for a new row's version in table ``{name}``: never one its key had in
    earlier rows, deleted, expired or purged."""
    bumped_version: ClassVar[str]
    """SQL for the version of a row of ``{t}`` written again: above its current one."""
    version_counter: ClassVar[tuple[str, ...]]
    """Idempotent DDL creating the counter behind them, once the table exists. Its
    objects are named ``{name}$...``: a store's table name never holds ``$`` (see
    :func:`check_table`), so they cannot be another store's table."""

    def __init__(self, owner: str, closed_error: Callable[[str], Exception]) -> None:
        self.owner = owner
        self.closed_error = closed_error

    @property
    @abstractmethod
    def where(self) -> str:
        """Where the data is, for messages and logs: ``host:port/db`` or a file path."""

    @abstractmethod
    def open(self) -> None:
        """Connect, with bounded retries; :class:`BackendError` naming :attr:`where`."""

    @abstractmethod
    def close(self) -> None:
        """Release every connection."""

    @abstractmethod
    def one(self, op: str, sql: str, params: Sequence[Any], *, write: bool = False) -> Row | None:
        """The first row of one statement (``write``: never retried on a lost connection)."""

    @abstractmethod
    def all(self, op: str, sql: str, params: Sequence[Any]) -> list[Row]: ...

    @abstractmethod
    def run(self, op: str, sql: str, params: Sequence[Any]) -> int:
        """Execute one write statement; its row count."""

    @abstractmethod
    def use(self, op: str, work: Callable[[Session], T], *, transaction: bool) -> T:
        """``work`` on one connection, in one transaction if asked (rolled back if it raises)."""

    @abstractmethod
    def any_of(self, column: str, keys: Sequence[str]) -> list[tuple[str, list[Any]]]:
        """``(condition, params)`` chunks matching ``column`` against ``keys``."""

    def ensure_schema(self, statements: Sequence[str], table: str) -> None:
        """Run idempotent DDL (``CREATE ... IF NOT EXISTS``) in one transaction."""

        def create(session: Session) -> None:
            for statement in statements:
                session.run(statement, ())

        self.use("open", create, transaction=True)

    def sql(self, template: str, table: str) -> str:
        """``template`` for ``table``: ``{t}`` quoted table, ``{name}`` bare name, ``?``,
        ``{next}`` / ``{bump}`` the version of a new row / of a row written again."""
        quoted = f'"{table}"'
        text = template.format(
            t=quoted,
            name=table,
            c=self.collate,
            suffix=self.table_suffix,
            next=self.next_version.format(name=table),
            bump=self.bumped_version.format(name=table, t=quoted),
        )
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    def schema(self, table: str, statements: Sequence[str]) -> list[str]:
        """The DDL templates ``statements`` and then the version counter, for ``table``."""
        return [self.sql(statement, table) for statement in (*statements, *self.version_counter)]

    def failed(self, op: str, exc: BaseException, secrets: Iterable[str] = ()) -> BackendError:
        """The error for a statement the database refused or a connection that broke."""
        reason = redact(f"{type(exc).__name__}: {exc}", secrets, one_line=True)
        return BackendError(
            f"{op}() failed on {self.name} at {self.where}: {reason}", component=self.owner
        )


class _KvSql:
    """Every key-value statement, built once per table and dialect."""

    def __init__(self, engine: SqlEngine, table: str) -> None:
        q = engine.sql
        self.schema = engine.schema(
            table,
            [
                "CREATE TABLE IF NOT EXISTS {t} (key TEXT{c} PRIMARY KEY, value TEXT NOT NULL, "
                "version BIGINT NOT NULL, expires_at DOUBLE PRECISION){suffix}",
                'CREATE INDEX IF NOT EXISTS "{name}_expires_at" ON {t} (expires_at) '
                "WHERE expires_at IS NOT NULL",
            ],
        )
        self.load = q("SELECT value FROM {t} WHERE key = ? AND " + _ALIVE, table)
        self.load_versioned = q("SELECT value, version FROM {t} WHERE key = ? AND " + _ALIVE, table)
        self.version = q("SELECT version FROM {t} WHERE key = ? AND " + _ALIVE, table)
        self.bulk_head = q("SELECT key, value FROM {t} WHERE ", table)
        self.bulk_tail = q(" AND " + _ALIVE, table)
        # {bump} is evaluated once the row is locked, so a key's versions only grow.
        insert = "INSERT INTO {t} (key, value, version, expires_at) VALUES (?, ?, {next}, ?) "
        self.upsert = q(
            insert + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "expires_at = excluded.expires_at, version = {bump}",
            table,
        )
        self.create = q(
            insert + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = {bump}, "
            "expires_at = excluded.expires_at WHERE {t}.expires_at <= ?",
            table,
        )
        self.update = q(
            "UPDATE {t} SET value = ?, version = {bump}, expires_at = ? "
            "WHERE key = ? AND version = ? AND " + _ALIVE,
            table,
        )
        self.delete = q("DELETE FROM {t} WHERE key = ? RETURNING value, expires_at", table)
        self.delete_bulk = q("DELETE FROM {t} WHERE key = ?", table)
        self.delete_if = q(
            "DELETE FROM {t} WHERE key = ? AND version = ? AND " + _ALIVE + " RETURNING value",
            table,
        )
        # The outer condition is checked again on a row updated meanwhile (PostgreSQL
        # re-evaluates it), so a purge never removes a row that was just saved again.
        self.purge = q(
            "DELETE FROM {t} WHERE key IN (SELECT key FROM {t} WHERE expires_at <= ? "
            f"LIMIT {PURGE_BATCH}) AND expires_at <= ?",
            table,
        )
        self.clear = q("DELETE FROM {t}", table)


class SqlStateStore(ABC):
    """Key-value state in an SQL table; see the module docstring for the design.

    Config: ``options.timeout`` ms (0 = never expire), ``options.table``, plus the
    engine's connection keys (see the subclass). ``clock`` returns seconds; the
    default wall time makes ``expires_at`` meaningful to every process.
    """

    default_table: ClassVar[str] = "wirework_state"

    def __init__(self, *, timeout: int = 0, clock: Clock = time.time) -> None:
        self._timeout = check_ttl(timeout, "timeout") / 1000.0
        self._clock = clock
        self._table = self.default_table
        self._config = ConfigParams()
        self._engine: SqlEngine | None = None
        self._next_purge = -math.inf
        self._lock = threading.Lock()  # open/close only; calls go straight to the engine
        self._logger: Any = None
        self._prepare(self._config, self._table)

    @abstractmethod
    def _new_engine(self, config: ConfigParams) -> SqlEngine:
        """An unopened engine for ``config``: cheap, no I/O, no driver import."""

    # -- component lifecycle ----------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        """Everything is checked before anything is set: a refused config changes nothing."""
        options = cast("SqliteKvOptions", validated(self, config).options)
        given = options.model_fields_set
        table = options.table if "table" in given else self._table
        self._prepare(config, table)  # refuses a malformed connection config now, not at open
        if "timeout" in given:
            self._timeout = options.timeout / 1000.0
        self._table, self._config = table, config

    def _prepare(self, config: ConfigParams, table: str) -> None:
        """Where the data is and the statements for it: they depend on config, not on I/O."""
        engine = self._new_engine(config)
        self._where, self._kv = engine.where, _KvSql(engine, table)

    def set_references(self, references: IReferences) -> None:
        self._logger = references.get_one_optional("*:logger:*:*:1.0")

    def is_open(self) -> bool:
        return self._engine is not None

    def open(self, correlation_id: str | None) -> None:
        with self._lock:
            if self._engine is not None:
                return
            engine = self._new_engine(self._config)
            engine.open()
            try:
                engine.ensure_schema(self._kv.schema, self._table)
            except BaseException:
                engine.close()
                raise
            self._next_purge = -math.inf  # purge on the first call
            self._engine = engine
        if self._logger is not None:
            self._logger.debug(
                correlation_id,
                "Opened %s state store at %s (table %s)",
                engine.name,
                engine.where,
                self._table,
            )

    def close(self, correlation_id: str | None) -> None:
        with self._lock:
            engine, self._engine = self._engine, None
            if engine is None:
                return
            engine.close()
        if self._logger is not None:
            self._logger.debug(correlation_id, "Closed %s state store", engine.name)

    def clear(self, correlation_id: str | None) -> None:
        """Remove every entry (the container's ``Cleanable`` step)."""
        engine = self._engine or self._not_open("clear")
        engine.run("clear", self._kv.clear, ())

    # -- reads --------------------------------------------------------------------------
    def load(self, correlation_id: str | None, key: str) -> Any:
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        engine = self._engine
        if engine is None:
            self._not_open("load")
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        row = engine.one("load", self._kv.load, (key, now))
        return None if row is None else decode(row[0])

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]:
        key = check_key(key)
        engine = self._engine or self._not_open("load_versioned")
        now = self._now(engine)
        row = engine.one("load_versioned", self._kv.load_versioned, (key, now))
        return (None, 0) if row is None else (decode(row[0]), row[1])

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]:
        """Every key in order, ``None`` for the missing; one query per few hundred keys."""
        checked = [check_key(key) for key in keys]
        engine = self._engine or self._not_open("load_bulk")
        if not checked:
            return []
        now = self._now(engine)
        sql = self._kv
        found: dict[str, str] = {}
        for condition, params in engine.any_of("key", list(dict.fromkeys(checked))):
            params.append(now)
            for key, text in engine.all(
                "load_bulk", sql.bulk_head + condition + sql.bulk_tail, params
            ):
                found[key] = text
        return [
            StateValue(key, None if (text := found.get(key)) is None else decode(text))
            for key in checked
        ]

    # -- writes -------------------------------------------------------------------------
    def save(
        self,
        correlation_id: str | None,
        key: str,
        value: Any,
        *,
        ttl: int | None = None,
        expected_version: int | None = None,
    ) -> Any:
        """Store ``value`` (``None`` deletes) and return it; see ``IVersionedStateStore``."""
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        if value is None:
            self.delete(correlation_id, key, expected_version=expected_version)
            return None
        text = encode(value, key)
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        engine = self._engine
        if engine is None:
            self._not_open("save")
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        expires = now + lifetime if lifetime else None
        sql = self._kv
        if expected_version is None:
            engine.run("save", sql.upsert, (key, text, expires))
        elif expected_version == 0:
            while not engine.run("save", sql.create, (key, text, expires, now)):
                self._conflict(engine, "save", key, 0, now)
        else:
            params = (text, expires, key, expected_version, now)
            while not engine.run("save", sql.update, params):
                self._conflict(engine, "save", key, expected_version, now)
        return value

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None:
        """Save many keys in one transaction (``None`` deletes); all are validated first."""
        pairs: list[tuple[str, str | None]] = []
        for raw_key, value in bulk_pairs(values):
            key = check_key(raw_key)
            pairs.append((key, None if value is None else encode(value, key)))
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        engine = self._engine or self._not_open("save_bulk")
        if not pairs:
            return
        now = self._now(engine)
        expires = now + lifetime if lifetime else None
        sql = self._kv
        # Runs of saves and of deletes, in the caller's order: a key saved twice in one
        # call is bumped twice, exactly as two calls would.
        runs: list[tuple[str, list[tuple[Any, ...]]]] = []
        for key, text in pairs:
            statement = sql.delete_bulk if text is None else sql.upsert
            params = (key,) if text is None else (key, text, expires)
            if runs and runs[-1][0] is statement:
                runs[-1][1].append(params)
            else:
                runs.append((statement, [params]))

        def write(session: Session) -> None:
            for statement, rows in runs:
                session.many(statement, rows)

        engine.use("save_bulk", write, transaction=True)

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any:
        """Remove ``key`` and return its value (``None`` when it was absent)."""
        key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        engine = self._engine or self._not_open("delete")
        now = self._now(engine)
        sql = self._kv
        if expected_version is None:
            row = engine.one("delete", sql.delete, (key,), write=True)
            if row is None or (row[1] is not None and row[1] <= now):
                return None  # absent, or expired (and now purged along the way)
            return decode(row[0])
        if expected_version == 0:  # "delete only if absent": nothing to delete
            actual = self._version(engine, "delete", key, now)
            if actual:
                raise ConcurrencyError(key, 0, actual)
            return None
        while True:
            row = engine.one("delete", sql.delete_if, (key, expected_version, now), write=True)
            if row is not None:
                return decode(row[0])
            self._conflict(engine, "delete", key, expected_version, now)

    # -- internals ------------------------------------------------------------------------
    def _now(self, engine: SqlEngine) -> float:
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        return now

    def _purge(self, engine: SqlEngine, now: float) -> None:
        """Remove up to ``PURGE_BATCH`` expired rows; again on the next call if more are due.

        Housekeeping only (reads already skip expired rows), so a failure is logged and
        left to the next purge rather than failing the caller's operation.
        """
        self._next_purge = now + PURGE_EVERY
        try:
            removed = engine.run("purge", self._kv.purge, (now, now))
        except BackendError as exc:
            if self._logger is not None:
                self._logger.warn(None, "Purging expired state failed: %s", exc)
            return
        if removed >= PURGE_BATCH:
            self._next_purge = now

    def _version(self, engine: SqlEngine, op: str, key: str, now: float) -> int:
        row = engine.one(op, self._kv.version, (key, now))
        return 0 if row is None else int(row[0])

    def _conflict(self, engine: SqlEngine, op: str, key: str, expected: int, now: float) -> None:
        """After a conditional write missed: raise, unless the key is back at ``expected``.

        Versions never repeat, so only ``expected`` 0 can come back: a create that met
        a row which was deleted before this read. The caller then tries again.
        """
        actual = self._version(engine, op, key, now)
        if actual != expected:
            raise ConcurrencyError(key, expected, actual)

    def _not_open(self, operation: str) -> NoReturn:
        raise self._closed_error(operation)

    def _closed_error(self, operation: str) -> InvalidStateError:
        return InvalidStateError(
            f"the store is not open: call open() before {operation}()",
            component=type(self).__name__,
        )

    def __repr__(self) -> str:
        state = "open" if self._engine is not None else "closed"
        return f"{type(self).__name__}({self._where!r}, table={self._table!r}, {state})"
