"""Where an SQL component's data is, read from its config once for every SQL component.

The key-value stores, the entity stores and the persistences read the same keys the
same way (:class:`~wirework.config._connection.ConnectionSettings` underneath):

* SQLite: ``connection.database`` (a file path, ``:memory:``) or ``connection.uri``
  (``sqlite:///relative.db``, ``sqlite:////absolute.db``), one of them;
  ``options.connect_timeout`` is how long a write waits for another process's lock;
* PostgreSQL: ``connection.uri`` (a URL or a libpq string) and/or ``connection.host``
  / ``port`` (5432) / ``database`` (explicit keys override the URI's parts),
  ``credential.username`` / ``password``, ``options.connect_timeout``,
  ``options.max_pool_size``;
* both: ``options.retries``, connection attempts after the first on open.

Reading does no I/O and imports no driver: a malformed config is refused at
``configure``, not at ``open``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from wirework.config import ConfigParams
from wirework.config._connection import ConnectionSettings
from wirework.config._secrets import redact_uri
from wirework.config._uri import scheme_of
from wirework.data._values import shown_value
from wirework.errors import ConfigError

DEFAULT_DATABASE = "./data/wirework.db"
"""The SQLite file of every SQL component that names none."""

MAX_PATH = 4096
"""The longest SQLite file path taken (Linux's ``PATH_MAX``)."""

DEFAULT_POOL_SIZE = 10
"""``options.max_pool_size``: PostgreSQL connections one component keeps open at most."""


@dataclass(frozen=True, slots=True)
class SqliteTarget:
    """A SQLite database file and how long to wait for it."""

    path: str = DEFAULT_DATABASE
    busy_timeout: float = 5.0
    retries: int = 3
    secrets: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def location(self) -> str:
        return self.path

    @property
    def where(self) -> str:
        return f"SQLite database {self.path}"


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    """A PostgreSQL database: the connection string and parameters for libpq."""

    uri: str = field(default="", repr=False)
    params: dict[str, Any] = field(default_factory=dict, repr=False)
    location: str = "127.0.0.1:5432"
    names_database: bool = False
    retries: int = 3
    pool_size: int = DEFAULT_POOL_SIZE
    wait: float = 5.0
    secrets: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def where(self) -> str:
        return f"PostgreSQL at {self.location}"


def sqlite_target(config: ConfigParams, component: str) -> SqliteTarget:
    """The SQLite database ``config`` names (the default file when it names none)."""
    database = config.get_as_nullable_string("connection.database") or None
    uri = config.get_as_nullable_string("connection.uri") or None
    if database is not None and uri is not None:
        raise ConfigError(
            "connection.database and connection.uri both name the SQLite file: give one",
            component=component,
        )
    settings = ConnectionSettings.from_config(config)
    return SqliteTarget(
        path=sqlite_path(database or uri, component),
        busy_timeout=settings.connect_timeout,
        retries=settings.retries,
        secrets=settings.secrets,
    )


def sqlite_path(location: str | None, component: str) -> str:
    """The file for a path or a ``sqlite:`` URI (``None``: :data:`DEFAULT_DATABASE`)."""
    if not location:
        return DEFAULT_DATABASE
    if location.startswith("sqlite:"):
        location = _sqlite_uri_path(location, component)
    elif "://" in location:
        raise ConfigError(  # named by its scheme only: the rest may hold a password
            "a SQLite database is a file path or a sqlite:/// URI, "
            f"got scheme {scheme_of(location)!r}; use the component for that backend instead",
            component=component,
        )
    if not location.strip() or "\x00" in location or len(location) > MAX_PATH:
        raise ConfigError(
            f"a SQLite database must be a file path (at most {MAX_PATH:,} characters, "
            f"no NUL), got {shown_value(location)}",
            component=component,
        )
    return location


def _sqlite_uri_path(uri: str, component: str) -> str:
    """``sqlite:///relative.db`` -> ``relative.db``, ``sqlite:////abs.db`` -> ``/abs.db``,
    ``sqlite://`` -> ``:memory:``. A host is refused (SQLite has none), and so is a query
    or fragment: ignoring ``?mode=ro`` would open for writing a file meant to be read."""
    rest = uri[len("sqlite:") :]
    host, _, path = rest[2:].partition("/")
    if not rest.startswith("//") or host or "?" in path or "#" in path:
        raise ConfigError(
            "a SQLite URI is sqlite:///relative/path.db or sqlite:////absolute/path.db "
            f"(no host, no query), got {shown_value(redact_uri(uri))}",
            component=component,
        )
    return unquote(path) or ":memory:"


def postgres_target(config: ConfigParams, component: str) -> PostgresTarget:
    """The PostgreSQL database ``config`` names, with libpq's parameters for it."""
    settings = ConnectionSettings.from_config(config, default_port=5432)
    params: dict[str, Any] = {"connect_timeout": max(1, math.ceil(settings.connect_timeout))}
    if settings.uri is None or config.get("connection.host") is not None:
        params["host"] = settings.host
    if settings.uri is None or config.get("connection.port") is not None:
        params["port"] = settings.port
    for name, value in (
        ("dbname", settings.database),
        ("user", settings.username),
        ("password", settings.password),
    ):
        if value is not None:
            params[name] = value
    pool_size = config.get_as_integer_with_default("options.max_pool_size", DEFAULT_POOL_SIZE)
    return PostgresTarget(
        uri=settings.uri or "",
        params=params,
        location=settings.location,
        names_database=settings.uri is not None or settings.database is not None,
        retries=settings.retries,
        pool_size=pool_size,
        wait=settings.connect_timeout,
        secrets=settings.secrets,
    )
