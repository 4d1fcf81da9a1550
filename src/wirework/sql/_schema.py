"""Config schema pieces every SQL component shares (imported when a config is checked).

The key-value stores, the entity stores and the persistences declare their configs
from these, so a table name, a SQLite location and a PostgreSQL connection are
refused by the same rule, in the same words, whichever component reads them, and
before anything opens.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from wirework.config.schema._models import (
    ComponentConfig,
    ConnectOptions,
    Credential,
    PostgresConnection,
    Rule,
    refusal,
)
from wirework.sql._names import IDENTIFIER, check_table
from wirework.sql._settings import DEFAULT_POOL_SIZE, sqlite_path


def _table(name: str) -> str:
    return check_table(name, "SQL component")


def _sqlite_location(location: str) -> str:
    sqlite_path(location, "SQLite component")  # refuses another backend's URI
    return location


Table = Annotated[str, Rule(_table, pattern=f"^{IDENTIFIER.pattern}$")]
"""An ``options.table``: the one table-name rule of :func:`wirework.sql.check_table`."""

SqliteLocation = Annotated[str, Rule(_sqlite_location)]
"""A SQLite file path or ``sqlite:`` URI."""


class SqliteConnection(ComponentConfig):
    """SQLite's ``connection.*``: a path in ``database``, or a ``sqlite:`` URI; one of them."""

    database: SqliteLocation | None = Field(
        None,
        min_length=1,
        description="the database file (default ./data/wirework.db); :memory: for a private "
        "in-memory database",
    )
    uri: SqliteLocation | None = Field(
        None, description="sqlite:///relative.db or sqlite:////absolute.db (or a file path)"
    )

    @model_validator(mode="after")
    def _names_one_file(self) -> Any:
        if self.database and self.uri:
            raise refusal(
                "connection.database and connection.uri both name the SQLite file: give one"
            )
        return self


class PoolOptions(ConnectOptions):
    """The ``options.*`` of a component that connects through a pool."""

    max_pool_size: int = Field(DEFAULT_POOL_SIZE, ge=1, description="connections kept open at most")


class PostgresConfig(ComponentConfig):
    """What every PostgreSQL component reads: where the server is and who connects."""

    connection: PostgresConnection = PostgresConnection()
    credential: Credential = Credential()

    @model_validator(mode="after")
    def _names_a_database(self) -> Any:
        """Without a database, libpq would quietly pick the one named like the user."""
        if not self.connection.uri and self.connection.database is None:
            raise refusal(
                "connection.database is required for PostgreSQL",
                hint="set connection.database, or give a connection.uri",
            )
        return self
