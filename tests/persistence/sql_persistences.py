"""SQLite and PostgreSQL rows for the persistence conformance table, and their cleanup.

SQLite gets a file in the test's scratch directory. PostgreSQL gets a table of its
own, named per test, which ``drop_postgres_tables`` (autouse, after the persistences
are closed) drops, so tests never see each other's rows and leave nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import POSTGRES_URI, require
from wirework.config import ConfigParams
from wirework.persistence.sql import IdentifiablePostgresPersistence, IdentifiableSqlitePersistence

_tables_to_drop: list[str] = []


def unique_table() -> str:
    """A table name no other test uses, remembered for ``drop_postgres_tables``."""
    table = f"wirework_test_{uuid.uuid4().hex[:12]}"
    _tables_to_drop.append(table)
    return table


def drop_tables(uri: str, tables: list[str]) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as connection:
        for table in tables:
            connection.execute(f'DROP TABLE IF EXISTS "{table}"')


@pytest.fixture(autouse=True)
def drop_postgres_tables() -> Iterator[None]:
    yield
    if _tables_to_drop:
        tables = list(_tables_to_drop)
        _tables_to_drop.clear()
        drop_tables(POSTGRES_URI, tables)


def sqlite_backend(scratch: Path, config: ConfigParams, item_type: type) -> Any:
    persistence: IdentifiableSqlitePersistence[Any] = IdentifiableSqlitePersistence(
        "items", item_type=item_type
    )
    persistence.configure(config.set_defaults({"connection.database": str(scratch / "db.sqlite")}))
    return persistence


def postgres_backend(scratch: Path, config: ConfigParams, item_type: type) -> Any:
    uri = require(POSTGRES_URI, "PostgreSQL")
    persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence(
        unique_table(), item_type=item_type
    )
    persistence.configure(config.set_defaults({"connection.uri": uri}))
    return persistence
