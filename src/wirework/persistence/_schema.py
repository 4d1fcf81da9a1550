"""Config schemas of the persistences (imported when a config is checked, not before).

Persistences are declared by ``type:`` (or a subclass): a subclass that reads more keys
declares a model extending its parent's. ``options.table`` is not required here,
because a subclass may name its table in code; ``configure`` refuses an SQL
persistence that has none from either, before anything opens.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from wirework.config.schema._models import ComponentConfig, ConnectOptions, Rule
from wirework.data._documents import INT64_MAX
from wirework.persistence._rules import DEFAULT_MAX_PAGE_SIZE, check_path
from wirework.sql._schema import PoolOptions, PostgresConfig, SqliteConnection, Table


class PagingOptions(ComponentConfig):
    max_page_size: int = Field(
        DEFAULT_MAX_PAGE_SIZE,
        ge=1,
        le=INT64_MAX,  # SQL's LIMIT takes a 64-bit integer
        description="the most items one page returns",
    )


class SqlOptions(PagingOptions, ConnectOptions):
    table: Table | None = Field(None, description="the table of the items (required)")


class PostgresOptions(SqlOptions, PoolOptions):
    pass


class MemoryPersistenceConfig(ComponentConfig):
    """``MemoryPersistence``, ``IdentifiableMemoryPersistence``."""

    options: PagingOptions = PagingOptions()


class FilePersistenceConfig(MemoryPersistenceConfig):
    """``FilePersistence``: the memory persistence, kept in one JSON file."""

    path: Annotated[str, Rule(check_path)] | None = Field(
        None, description="the JSON file of the items (required; its directory must exist)"
    )


class SqlitePersistenceConfig(ComponentConfig):
    """``IdentifiableSqlitePersistence``."""

    connection: SqliteConnection = SqliteConnection()
    options: SqlOptions = SqlOptions()


class PostgresPersistenceConfig(PostgresConfig):
    """``IdentifiablePostgresPersistence``."""

    options: PostgresOptions = PostgresOptions()
