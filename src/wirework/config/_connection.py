"""Where a backend connects, read the Pip.Services way, and named without secrets.

Every backend reads ``connection.uri`` (a URL, or a libpq ``key=value`` string) or
``connection.host``/``port``/``database``, ``credential.username``/``password`` (or
``user``/``pass``) and ``options.connect_timeout`` (ms) / ``options.retries``. One
resolver keeps those keys uniform across backends. ``address`` and ``location`` give
messages a ``host:port[/database]`` that never carries a secret, and ``secrets`` lists
the config's secrets so a backend can mask them in a driver's error text.

A malformed URL is refused here with wirework's own words and nothing of the URL but
its redacted form: a URL parser's message would quote the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from wirework.config._params import ConfigParams, to_integer
from wirework.config._secrets import redact_uri, secret_values
from wirework.config._uri import check_url, conninfo, is_url
from wirework.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """A backend's connection, credentials and connect policy."""

    uri: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    retries: int = 3
    secrets: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_config(
        cls, config: ConfigParams, *, default_port: int | None = None
    ) -> ConnectionSettings:
        connection = config.get_section("connection")
        credential = config.get_section("credential")
        uri = connection.get_as_nullable_string("uri") or None  # "" from ${VAR:-} = unset
        host = connection.get_as_nullable_string("host")
        port = connection.get_as_nullable_integer("port")
        database = connection.get_as_nullable_string("database")
        if uri is not None:
            uri_host, uri_port = _host_and_port(uri)
            host = host or uri_host
            port = port or uri_port
        if connection.get("port") is not None and port is None:
            raise ConfigError(f"connection.port must be an integer, got {connection['port']!r}")
        timeout_ms = config.get_as_integer_with_default("options.connect_timeout", 5000)
        retries = config.get_as_integer_with_default("options.retries", 3)
        if timeout_ms <= 0 or retries < 0:
            raise ConfigError(
                "options.connect_timeout must be > 0 ms and options.retries >= 0, "
                f"got {timeout_ms} and {retries}"
            )
        return cls(
            uri=uri,
            host=host or "127.0.0.1",
            port=port or default_port,
            database=database,
            username=credential.get_as_nullable_string("username")
            or credential.get_as_nullable_string("user"),
            password=credential.get_as_nullable_string("password")
            or credential.get_as_nullable_string("pass"),
            connect_timeout=timeout_ms / 1000,
            retries=retries,
            secrets=secret_values(config),
        )

    @property
    def address(self) -> str:
        """``host:port`` for messages: safe to print, never holds a secret."""
        return f"{self.host}:{self.port}" if self.port else self.host

    @property
    def location(self) -> str:
        """``host:port/database`` for messages (the database from the URI when not set)."""
        database = self.database or _database_in(self.uri)
        return self.address + (f"/{database}" if database else "")


def _host_and_port(uri: str) -> tuple[str | None, int | None]:
    if is_url(uri):
        try:
            parts = check_url(uri)
        except ValueError as exc:
            # The cause is dropped on purpose: urllib's message quotes the password.
            raise ConfigError(f"connection.uri {redact_uri(uri)!r} is not valid: {exc}") from None
        return parts.hostname, parts.port
    pairs = conninfo(uri)
    return pairs.get("host") or pairs.get("hostaddr"), to_integer(pairs.get("port"))


def _database_in(uri: str | None) -> str | None:
    if uri is None:
        return None
    if is_url(uri):
        try:
            return unquote(urlsplit(uri).path.lstrip("/")) or None
        except ValueError:
            return None
    return conninfo(uri).get("dbname") or None
