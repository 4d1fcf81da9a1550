"""The Redis state stores' one way to the server: a pool, Lua scripts, clear errors.

Both Redis stores (key-value and entity) need the same four things, kept here once:

* a connection pool built from :class:`ConnectionSettings`, so ``connection.uri`` or
  host/port, ``credential.*`` and ``options.connect_timeout`` mean what they mean for
  every backend. redis-py is imported only when a store opens (the ``redis`` extra);
* ``open`` with bounded retries and backoff (a server still starting must not kill
  the service), and ``close`` that disconnects every pooled connection;
* scripts run by EVALSHA and loaded on open (the Lua is in ``_redis_scripts``). A
  server restarted or ``SCRIPT FLUSH``-ed meanwhile answers NOSCRIPT; the script is
  then loaded again and the call repeated. That is safe because a NOSCRIPT call never
  ran;
* driver errors turned into :class:`BackendError` naming ``host:port`` and the
  operation, never the password. Commands are sent on a connection taken from the
  pool here, not through redis-py's client, so a failure is known to come before
  the command left (Redis unreachable: nothing happened) or after (the reply was
  lost: a write may or may not have been applied, and the error says so). Nothing
  is retried: a versioned write sent twice would bump the version twice or fail
  its own check. The pool reconnects by itself on the next call, so a store
  recovers once Redis is back without being reopened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, NoReturn
from urllib.parse import urlsplit

from wirework.build._drivers import REDIS
from wirework.config import ConfigParams
from wirework.config._connection import ConnectionSettings
from wirework.config._secrets import redact
from wirework.config._uri import scheme_of
from wirework.data._values import check_key
from wirework.errors import BackendError, ConfigError, InvalidStateError
from wirework.lifecycle._retry import retry

DEFAULT_PORT = 6379
STATE_PREFIX = "wirework:state:"
"""Where the key-value store's keys go when ``options.key_prefix`` names no place."""
ENTITY_PREFIX = "wirework:entity:"
"""Where the entity store's keys go when ``options.key_prefix`` names no place."""
DEFAULT_MAX_CONNECTIONS = 100
_POOL_EXHAUSTED = ("No connection available.",)  # BlockingConnectionPool's timeout error
_SCHEMES = ("redis://", "rediss://", "unix://")
_SCAN_BATCH = 1000
_GLOB_SPECIALS = str.maketrans({c: "\\" + c for c in "*?[]\\"})


@dataclass(frozen=True, slots=True)
class Script:
    """A Lua script and its SHA1, computed locally so EVALSHA needs no round trip first.

    ``writes``: the script changes what callers see, so a lost reply leaves its caller
    not knowing whether it was applied (housekeeping such as removing an expired
    entry does not count).
    """

    source: str
    writes: bool = False
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest())


class _Refused(Exception):
    """Wraps an error that retrying cannot fix (a wrong password), so ``retry`` stops."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def link_for(config: ConfigParams, component: str, scripts: Sequence[Script]) -> RedisLink:
    """An unopened link for a store's config; a bad key is a :class:`ConfigError` now."""
    return RedisLink(
        redis_settings(config, component),
        component,
        scripts,
        # the pool's size (default 100, redis-py's), checked by the store's config schema
        max_connections=config.get_as_integer_with_default(
            "options.max_connections", DEFAULT_MAX_CONNECTIONS
        ),
    )


def redis_settings(config: ConfigParams, component: str) -> ConnectionSettings:
    """The connection settings of a Redis store, checked now rather than at ``open``."""
    try:
        settings = ConnectionSettings.from_config(config, default_port=DEFAULT_PORT)
    except ConfigError as exc:
        raise ConfigError(exc.message, component=component) from None
    check_uri(settings.uri, component)
    if settings.database is not None and not settings.database.isdigit():
        raise ConfigError(
            f"connection.database must be a Redis database number, got {settings.database!r}",
            component=component,
        )
    return settings


def check_uri(uri: str | None, component: str) -> None:
    """Refuse a URI that is not Redis's, naming only its scheme (it may hold a password)."""
    if uri is not None and not uri.startswith(_SCHEMES):
        raise ConfigError(
            "connection.uri must start with redis://, rediss:// or unix://, "
            f"got scheme {scheme_of(uri)!r}",
            component=component,
        )


def check_prefix(prefix: Any, component: str | None = None) -> str:
    """``options.key_prefix`` of a Redis store: a non-empty key, since the store's keys
    are found (and cleared) by it. Also the rule of the stores' config schemas."""
    if not isinstance(prefix, str) or not prefix:
        raise ConfigError(
            "options.key_prefix must be a non-empty string: the store's keys are found "
            f"(and cleared) by it, got {prefix!r}",
            component=component,
        )
    return check_key(prefix, "options.key_prefix")


def redis_address(settings: ConnectionSettings) -> str:
    """Where the server is, for messages: ``host:port`` or a socket path, never a secret."""
    if settings.uri is not None and settings.uri.startswith("unix://"):
        return urlsplit(settings.uri).path
    return settings.address


class RedisLink:
    """A redis-py pool plus the scripts a store runs on it, with errors that name the server."""

    def __init__(
        self,
        settings: ConnectionSettings,
        component: str,
        scripts: Sequence[Script],
        *,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self._settings = settings
        self._max_connections = max_connections
        self._component = component
        self._scripts = {script.sha: script for script in scripts}
        self._driver: ModuleType | None = None
        self._pool: Any = None

    @property
    def address(self) -> str:
        return redis_address(self._settings)

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    def __repr__(self) -> str:
        return f"RedisLink({self.address!r}, open={self.is_open})"

    # -- lifecycle --------------------------------------------------------------------
    def open(self) -> None:
        """Connect, check the server answers and load the scripts, retrying with backoff."""
        if self._pool is not None:
            return
        driver = REDIS.load(self._component)
        pool = driver.BlockingConnectionPool(**self._pool_options(driver))
        client = driver.Redis(connection_pool=pool)
        attempts = 0

        def handshake() -> None:
            nonlocal attempts
            attempts += 1
            try:
                client.ping()
                for script in self._scripts.values():
                    client.script_load(script.source)
            except (driver.AuthenticationError, driver.exceptions.AuthorizationError) as exc:
                raise _Refused(exc) from exc

        try:
            retry(
                handshake,
                retries=self._settings.retries,
                retry_on=(driver.ConnectionError, driver.TimeoutError),
            )
        except (_Refused, driver.RedisError) as exc:
            pool.disconnect()
            cause = exc.cause if isinstance(exc, _Refused) else exc
            tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
            raise BackendError(
                f"cannot connect to Redis at {self.address} ({tries}): "
                f"{redact(str(cause), self._settings.secrets, one_line=True)}",
                component=self._component,
                hint="check that Redis runs there and the credentials are right",
            ) from cause
        self._driver, self._pool = driver, pool

    def close(self) -> None:
        """Disconnect every connection of the pool, idle or in use."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.disconnect()

    def _pool_options(self, driver: ModuleType) -> dict[str, Any]:
        settings = self._settings
        options: dict[str, Any] = {}
        if settings.uri is not None:
            try:
                options = driver.connection.parse_url(settings.uri)
            except ValueError as exc:  # not chained: its text might quote the URI
                reason = redact(str(exc), settings.secrets, one_line=True)
                raise ConfigError(
                    f"connection.uri is not a valid Redis URI: {reason}", component=self._component
                ) from None
        if settings.uri is None or not settings.uri.startswith("unix://"):
            options["host"] = settings.host
            options["port"] = settings.port or DEFAULT_PORT
        if settings.database is not None:
            options["db"] = int(settings.database)
        if settings.username:
            options["username"] = settings.username
        if settings.password:
            options["password"] = settings.password
        options.setdefault("socket_connect_timeout", settings.connect_timeout)
        options.setdefault("socket_timeout", settings.connect_timeout)
        # A burst of more threads than connections waits for one (up to the timeout)
        # instead of failing at once, as redis-py's default pool would.
        options.setdefault("max_connections", self._max_connections)
        options.setdefault("timeout", settings.connect_timeout)
        options["retry"] = driver.retry.Retry(driver.backoff.NoBackoff(), 0)
        return options

    # -- commands -----------------------------------------------------------------------
    def run(self, operation: str, script: Script, numkeys: int, *args: Any) -> Any:
        """One script call: ``EVALSHA sha numkeys *args``."""
        return self.run_many(operation, script, [(numkeys, args)])[0]

    def run_many(
        self, operation: str, script: Script, calls: Sequence[tuple[int, Sequence[Any]]]
    ) -> list[Any]:
        """Several calls of one script, ``(numkeys, args)`` each, in one round trip."""
        commands = [("EVALSHA", script.sha, numkeys, *args) for numkeys, args in calls]
        return self.pipeline(operation, commands, writes=script.writes)

    def command(self, operation: str, *args: Any, writes: bool = False) -> Any:
        """One plain command, with the same error handling as scripts."""
        return self.pipeline(operation, [args], writes=writes)[0]

    def pipeline(
        self, operation: str, commands: Sequence[tuple[Any, ...]], *, writes: bool = False
    ) -> list[Any]:
        """Send ``commands`` in one round trip (no MULTI); their replies, in order.

        Commands that failed with NOSCRIPT did not run; they are sent again once the
        scripts are loaded. Any other failure is raised after the batch. ``writes``:
        the commands change what callers see (see :class:`Script`).
        """
        replies = self._send(operation, commands, writes)
        missing = [i for i, reply in enumerate(replies) if self._is_noscript(reply)]
        if missing:
            self._load_scripts(operation)
            again = self._send(operation, [commands[i] for i in missing], writes)
            for index, reply in zip(missing, again, strict=True):
                replies[index] = reply
        for reply in replies:
            if isinstance(reply, Exception):
                self._fail(operation, reply)
        return replies

    def ping(self, operation: str) -> None:
        """One PING, bounded by the socket timeouts; a :class:`BackendError` when Redis
        does not answer. The pool drops the connection that failed, so a ping once
        Redis is back succeeds on the same link."""
        self.command(operation, "PING")

    def delete_prefixed(self, operation: str, prefix: str, *, keep: str | None = None) -> int:
        """Remove every key starting with ``prefix`` but ``keep`` (SCAN, then UNLINK in batches)."""
        if not prefix:
            raise InvalidStateError(
                "refusing to delete every key of the database: the key prefix is empty",
                component=self._component,
            )
        kept = None if keep is None else keep.encode("utf-8")
        deleted = 0
        for batch in self._scan(operation, prefix.translate(_GLOB_SPECIALS) + "*"):
            doomed = [key for key in batch if key != kept]
            if doomed:
                deleted += int(self.command(operation, "UNLINK", *doomed, writes=True))
        return deleted

    def _scan(self, operation: str, pattern: str) -> Iterator[list[bytes]]:
        cursor: Any = 0
        while True:
            cursor, keys = self.command(  # part of a write: earlier batches may be gone
                operation, "SCAN", cursor, "MATCH", pattern, "COUNT", _SCAN_BATCH, writes=True
            )
            if keys:
                yield list(keys)
            if int(cursor) == 0:
                return

    # -- the wire and its failures ---------------------------------------------------
    def _send(self, operation: str, commands: Sequence[tuple[Any, ...]], writes: bool) -> list[Any]:
        """One round trip on one pooled connection: each command's reply, an error reply
        as its exception. A failure to connect means nothing was sent; any later one
        may have come after the commands ran."""
        pool = self._require_pool()
        driver: Any = self._driver
        try:
            conn = pool.get_connection()  # connects, or reconnects a connection gone stale
        except Exception as exc:
            self._fail(operation, exc)
        try:
            conn.send_packed_command(conn.pack_commands(commands))
            replies: list[Any] = []
            for _ in commands:
                try:
                    replies.append(conn.read_response())
                except driver.ResponseError as reply:  # an error reply: the link is fine
                    replies.append(reply)
            return replies
        except BaseException as exc:
            conn.disconnect()  # a reply may be left unread: never hand this one out again
            if isinstance(exc, Exception):
                self._fail(operation, exc, sent=writes)
            raise
        finally:
            pool.release(conn)

    def _load_scripts(self, operation: str) -> None:
        source = [("SCRIPT", "LOAD", script.source) for script in self._scripts.values()]
        for reply in self._send(operation, source, False):
            if isinstance(reply, Exception):
                self._fail(operation, reply)

    def _is_noscript(self, reply: Any) -> bool:
        return self._driver is not None and isinstance(reply, self._driver.exceptions.NoScriptError)

    def _fail(self, operation: str, exc: Exception, *, sent: bool = False) -> NoReturn:
        """Raise the :class:`BackendError` for a driver error (``sent``: a write left
        before it failed); any other error is a bug, not the server's, and goes as is."""
        driver = self._driver
        if driver is None or not isinstance(exc, driver.RedisError):
            raise exc
        if isinstance(exc, driver.ConnectionError) and exc.args == _POOL_EXHAUSTED:
            problem = (
                f"{operation}() on Redis at {self.address} waited in vain for a free "
                f"connection: all {self._max_connections} were busy"
            )
            hint = "raise options.max_connections, or make fewer calls at once"
        elif isinstance(exc, (driver.ConnectionError, driver.TimeoutError)) and sent:
            problem = (
                f"lost the reply of Redis at {self.address} to {operation}(): "
                f"the write may or may not have been applied: {exc}"
            )
            hint = (
                "the store reconnects by itself on the next call; read it back before "
                "trying again (a versioned write sent twice meets its own new version)"
            )
        elif isinstance(exc, (driver.ConnectionError, driver.TimeoutError)):
            problem = f"Redis at {self.address} is unreachable: {operation}() failed: {exc}"
            hint = "the store reconnects by itself on the next call once Redis is back"
        else:
            problem = f"Redis at {self.address} refused {operation}(): {exc}"
            hint = None
        problem = redact(problem, self._settings.secrets, one_line=True)
        raise BackendError(problem, component=self._component, hint=hint) from exc

    def _require_pool(self) -> Any:
        pool = self._pool
        if pool is None:
            raise InvalidStateError(
                "the store was closed while a call was running", component=self._component
            )
        return pool
