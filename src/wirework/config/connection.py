"""Where a backend connects, read the reference system's way, and named without secrets.

Every backend reads ``connection.uri`` or ``connection.host``/``port``/``database``,
``credential.username``/``password`` and ``options.connect_timeout`` (ms) /
``options.retries``. One resolver keeps those keys uniform across backends, and
``address`` gives error messages a ``host:port`` that never carries the password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wirework.config.params import ConfigParams
from wirework.errors import ConfigError

__all__ = ["ConnectionSettings"]


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
            try:
                parts = urlsplit(uri)
                host = host or parts.hostname
                port = port or parts.port
            except ValueError as exc:
                raise ConfigError(f"connection.uri is not a valid URI: {exc}") from exc
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
        )

    @property
    def address(self) -> str:
        """``host:port`` for messages: safe to print, never holds a secret."""
        return f"{self.host}:{self.port}" if self.port else self.host
