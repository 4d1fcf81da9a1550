"""PostgreSQL identifiable persistence: psycopg 3, a small pool, recovery from lost links.

psycopg is imported when the persistence connects, so ``import wirework.persistence``
works without the ``postgres`` extra. Connections run in autocommit. A single
statement is its own transaction and costs one round trip, and the one operation
that needs several statements (``update_partially``) opens an explicit transaction.

A connection the server killed is replaced, not reopened by hand. The pool drops
idle connections that died (see ``pool``). A statement that fails because its
connection went away is run again once on a new connection when that is safe:
reads and idempotent writes always, ``create`` and ``delete_by_id`` only when the
server said it ended the session (SQLSTATE class 57P) and so never ran them.
Otherwise the error says the write may or may not have been applied.

Messages name ``host:port/database``; the password lives only in the connection
string, which is never printed, logged or part of ``repr``, and a driver's text is
shown only with the config's secrets masked.
"""

from __future__ import annotations

import contextlib
import importlib
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from wirework.build.drivers import PSYCOPG, Driver
from wirework.config import ConfigParams
from wirework.config.connection import ConnectionSettings
from wirework.config.schema import SchemaRef
from wirework.config.secrets import redact
from wirework.errors import BackendError, ConfigError
from wirework.lifecycle.retry import retry
from wirework.persistence.codec import ItemTypes
from wirework.persistence.sql.core import DuplicateKeyError, IdentifiableSqlPersistence, Session
from wirework.persistence.sql.dialect import POSTGRES, lenient_loads
from wirework.persistence.sql.pool import ConnectionPool

if TYPE_CHECKING:
    import psycopg

__all__ = ["DEFAULT_MAX_POOL_SIZE", "IdentifiablePostgresPersistence"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_MAX_POOL_SIZE = 10
_APPLICATION_NAME = "wirework"


class IdentifiablePostgresPersistence(IdentifiableSqlPersistence[T]):
    """Items as ``jsonb`` documents in a PostgreSQL table.

    Config: ``connection.uri`` or ``connection.host``/``port`` (5432)/``database``,
    ``credential.username``/``password``, ``options.table``,
    ``options.max_page_size``, ``options.max_pool_size`` (default 10),
    ``options.connect_timeout`` (ms, default 5000: connecting, and waiting for a
    free pooled connection), ``options.retries`` (connection attempts after the
    first, with backoff; default 3). Explicit keys override the URI's parts.
    """

    dialect = POSTGRES
    config_schema: ClassVar[SchemaRef] = "wirework.persistence.schema:PostgresPersistenceConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (PSYCOPG,)

    def __init__(
        self,
        table: str | None = None,
        *,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        super().__init__(table, item_type=item_type, item_types=item_types)
        self._settings = ConnectionSettings(port=5432)
        self._explicit: set[str] = set()
        self._pool_size = DEFAULT_MAX_POOL_SIZE
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._conninfo = ""
        self._driver: Any = None
        self._idle_status = 0

    def _location(self) -> str:
        return f"PostgreSQL at {self._settings.location}"

    def _configure_connection(self, config: ConfigParams, checked: Any) -> None:
        options = checked.options  # the schema also requires a database or a URI
        if "max_pool_size" in options.model_fields_set:
            self._pool_size = options.max_pool_size
        self._settings = ConnectionSettings.from_config(config, default_port=5432)
        self._explicit = {
            key for key in ("host", "port", "database") if config.get(f"connection.{key}")
        }

    def _require_database(self, settings: ConnectionSettings) -> None:
        # Without one, libpq would quietly pick the database named like the user.
        if settings.uri is None and settings.database is None:
            raise ConfigError(
                "connection.database is required for PostgreSQL",
                component=self._component,
                hint="set connection.database, or give a connection.uri",
            )

    # -- connections ---------------------------------------------------------------------
    def _connect(self) -> None:
        self._require_database(self._settings)
        driver = PSYCOPG.load(self._component)
        self._driver = driver
        self._idle_status = int(driver.pq.TransactionStatus.IDLE)
        self._conninfo = self._build_conninfo(driver)
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self._new_connection,
            size=self._pool_size,
            timeout=self._settings.connect_timeout,
            reusable=self._reusable,
            discard=_discard,
            where=self._location(),
        )
        try:
            pool.release(pool.acquire())  # fail now, naming host:port, not on first use
        except BaseException:
            pool.close()
            raise
        self._pool = pool

    def _disconnect(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _build_conninfo(self, driver: Any) -> str:
        settings, explicit = self._settings, self._explicit
        params: dict[str, Any] = {}
        if settings.uri is None or "host" in explicit:
            params["host"] = settings.host
        if settings.uri is None or "port" in explicit:
            params["port"] = settings.port
        if settings.database is not None and (settings.uri is None or "database" in explicit):
            params["dbname"] = settings.database
        if settings.username is not None:
            params["user"] = settings.username
        if settings.password is not None:
            params["password"] = settings.password
        params["connect_timeout"] = max(1, math.ceil(settings.connect_timeout))
        try:
            conninfo: str = driver.conninfo.make_conninfo(settings.uri or "", **params)
            if "application_name" not in driver.conninfo.conninfo_to_dict(conninfo):
                conninfo = driver.conninfo.make_conninfo(
                    conninfo, application_name=_APPLICATION_NAME
                )
        except driver.Error as exc:
            # The cause is dropped on purpose: the driver's text quotes the connection string.
            raise ConfigError(
                f"connection.uri is not a valid PostgreSQL URI: {self._scrub(str(exc))}",
                component=self._component,
            ) from None
        return conninfo

    def _new_connection(self) -> psycopg.Connection[Any]:
        driver = self._driver
        try:
            connection: psycopg.Connection[Any] = retry(
                lambda: driver.connect(self._conninfo, autocommit=True),
                retries=self._settings.retries,
                retry_on=(driver.OperationalError,),
            )
        except driver.Error as exc:
            attempts = self._settings.retries + 1
            raise BackendError(
                f"cannot connect to {self._location()} ({attempts} attempt"
                f"{'s' if attempts > 1 else ''}): {self._scrub(str(exc))}",
                component=self._component,
                hint="check that the server runs there and accepts this user",
            ) from exc
        # One row too deep for json.loads must not fail the whole result it is in.
        driver.types.json.set_json_loads(lenient_loads, connection)
        return connection

    def _scrub(self, text: str) -> str:
        """Driver text without the config's secrets or the connection string, on one line."""
        return redact(text, {*self._settings.secrets, self._conninfo}, one_line=True)

    # -- statements ----------------------------------------------------------------------
    def _run(
        self,
        operation: str,
        work: Callable[[Session], R],
        *,
        retryable: bool,
        transaction: bool = False,
    ) -> R:
        driver, pool = self._driver, self._pool
        if pool is None:
            raise self._not_open(operation)
        for attempt in range(2):
            connection = pool.acquire()
            try:
                if transaction:
                    with connection.transaction():
                        return work(connection)
                return work(connection)
            except driver.errors.UniqueViolation as exc:
                raise DuplicateKeyError(
                    f"{operation}(): {exc.diag.message_primary}", component=self._component
                ) from exc
            except driver.Error as exc:
                lost = connection.broken or connection.closed
                never_ran = (exc.sqlstate or "").startswith("57P")
                if lost and attempt == 0 and (retryable or never_ran):
                    continue  # the pool closes the lost connection on release
                raise self._failure(operation, exc, lost) from exc
            finally:
                pool.release(connection)
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _reusable(self, connection: psycopg.Connection[Any]) -> bool:
        """Alive, and idle: not left inside a transaction by an interrupted call."""
        if connection.closed or connection.broken:
            return False
        # pgconn's plain int, not connection.info's enum: this runs on every call.
        return bool(connection.pgconn.transaction_status == self._idle_status)

    def _failure(self, operation: str, exc: Any, lost: bool) -> BackendError:
        detail = self._scrub(str(exc))
        if lost:
            return BackendError(
                f"lost the connection to {self._location()} during {operation}(): {detail}",
                component=self._component,
                hint="the next call reconnects; a write may or may not have been applied",
            )
        return BackendError(
            f"{operation}() on {self._location()} failed: {detail}", component=self._component
        )


def _discard(connection: Any) -> None:
    driver = importlib.import_module("psycopg")
    with contextlib.suppress(driver.Error, OSError):
        connection.close()
