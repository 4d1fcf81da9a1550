"""One reader of SQL connection settings for every SQL component: what it takes and
what it refuses, without I/O and without a secret in any message."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from wirework.config import ConfigParams
from wirework.errors import ConfigError
from wirework.persistence.sql import IdentifiablePostgresPersistence, IdentifiableSqlitePersistence
from wirework.sql import PostgresEngine, SqliteEngine, sqlite_path
from wirework.state import PostgresStateStore, SqliteStateStore
from wirework.state.entity import PostgresEntityStore, SqliteEntityStore

SECRET = "hunter2-Secret"
SQLITE_COMPONENTS = [
    SqliteStateStore,
    SqliteEntityStore,
    lambda: IdentifiableSqlitePersistence("items"),
]
POSTGRES_COMPONENTS = [
    PostgresStateStore,
    PostgresEntityStore,
    lambda: IdentifiablePostgresPersistence("items"),
]


def engine(cls: Any, config: dict[str, Any]) -> Any:
    return cls.from_config(ConfigParams(config), "C", lambda op: AssertionError(op))


# -- SQLite ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "uri",
    [
        f"sqlite://app:{SECRET}@db/x.db",  # a host: SQLite has none
        "sqlite:///x.db?mode=ro",  # a query would be ignored, opening read-write
        "sqlite:///x.db#part",
        "sqlite:x.db",
        f"sqlite:app:{SECRET}@db/app",
    ],
)
@pytest.mark.parametrize("make", SQLITE_COMPONENTS)
def test_a_sqlite_uri_that_means_more_than_a_file_is_refused_by_every_component(
    make: Any, uri: str
) -> None:
    with pytest.raises(ConfigError, match=r"a SQLite URI is sqlite:///relative/path.db") as info:
        make().configure(ConfigParams({"connection.uri": uri}))
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("make", SQLITE_COMPONENTS)
def test_a_file_is_named_by_a_database_or_a_uri_not_both(make: Any) -> None:
    config = ConfigParams({"connection.database": "a.db", "connection.uri": "sqlite:///b.db"})
    with pytest.raises(ConfigError, match=r"connection.database and connection.uri both name"):
        make().configure(config)


def test_both_keys_are_refused_by_the_reader_too() -> None:
    with pytest.raises(ConfigError, match=r"^C: connection.database and connection.uri both"):
        engine(SqliteEngine, {"connection.database": "a.db", "connection.uri": "sqlite:///b"})


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({}, "./data/wirework.db"),
        ({"connection.uri": ""}, "./data/wirework.db"),  # ${STATE_URI:-}: unset
        ({"connection.database": "x.db"}, "x.db"),
        ({"connection.uri": "sqlite:////var/x.db"}, "/var/x.db"),
    ],
)
def test_where_a_sqlite_engine_looks(config: dict[str, Any], path: str) -> None:
    found = engine(SqliteEngine, config)
    assert (found.location, found.where) == (path, f"SQLite database {path}")


@pytest.mark.parametrize("path", ["a" * 4097, " ", "a\x00b"])
def test_a_path_no_file_system_takes_is_refused_shortened(path: str) -> None:
    with pytest.raises(ConfigError, match=r"a SQLite database must be a file path") as info:
        sqlite_path(path, "C")
    assert len(str(info.value)) < 300


# -- PostgreSQL --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "where"),
    [
        ({"connection.uri": "postgresql://u@db:5433/app"}, "db:5433/app"),
        ({"connection.uri": "host=db port=5433 dbname=app"}, "db:5433/app"),
        ({"connection.host": "db", "connection.database": "app"}, "db:5432/app"),
        (
            {"connection.uri": "postgresql://u@db:5433/app", "connection.host": "other"},
            "other:5433/app",
        ),
    ],
)
def test_where_a_postgres_engine_looks(config: dict[str, Any], where: str) -> None:
    assert engine(PostgresEngine, config).where == f"PostgreSQL at {where}"


@pytest.mark.parametrize("make", POSTGRES_COMPONENTS)
def test_every_postgres_component_needs_a_database(make: Any) -> None:
    """Without one, libpq would quietly pick the database named like the user."""
    with pytest.raises(ConfigError, match=r"connection.database is required for PostgreSQL"):
        make().configure(ConfigParams({"connection.host": "db"}))
    unconfigured = make()
    with pytest.raises(ConfigError, match=r"connection.database is required for PostgreSQL"):
        unconfigured.open(None)  # refused before any connection is tried
    assert unconfigured.is_open() is False


@pytest.mark.parametrize("make", POSTGRES_COMPONENTS)
def test_a_password_is_in_no_repr(make: Any) -> None:
    component = make()
    component.configure(
        ConfigParams(
            {
                "connection.uri": f"postgresql://app:{SECRET}@db:5433/app?password={SECRET}",
                "credential.password": SECRET,
            }
        )
    )
    assert SECRET not in repr(component)
    assert "db:5433/app" in repr(component)


def test_reading_a_config_imports_no_driver() -> None:
    code = (
        "import sys\n"
        "from wirework.config import ConfigParams\n"
        "from wirework.state import PostgresStateStore, SqliteStateStore\n"
        "PostgresStateStore().configure(ConfigParams({'connection.uri': 'postgresql://db/x'}))\n"
        "SqliteStateStore().configure(ConfigParams({'connection.uri': 'sqlite:///x.db'}))\n"
        "print('psycopg' in sys.modules, 'sqlite3' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
