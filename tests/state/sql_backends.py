"""Factories for the SQL state stores in the conformance suites, and shared test helpers.

Each factory gives the store a table of its own (a unique name), so tests never see
each other's rows, and drops it on exit. SQLite files live in a temporary directory
removed on exit; PostgreSQL tests skip (or fail under CI) when no server answers.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from servers import POSTGRES_URI, require
from wirework.config import ConfigParams
from wirework.errors import ConcurrencyError
from wirework.state import ManualClock, PostgresStateStore, SqliteStateStore
from wirework.state.entity import PostgresEntityStore, SqliteEntityStore


def unique_table(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def drop_table(uri: str, table: str) -> None:
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')


def postgres_uri() -> str:
    return require(POSTGRES_URI, "PostgreSQL")


@contextmanager
def make_sqlite_kv(clock: ManualClock, config: ConfigParams) -> Iterator[SqliteStateStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStateStore(clock=clock)
        store.configure(
            ConfigParams(
                {**config, "connection.database": f"{folder}/state.db", "options.table": "kv"}
            )
        )
        try:
            yield store
        finally:
            store.close(None)


@contextmanager
def make_postgres_kv(clock: ManualClock, config: ConfigParams) -> Iterator[PostgresStateStore]:
    uri = postgres_uri()
    table = unique_table("kv")
    store = PostgresStateStore(clock=clock)
    try:
        store.configure(ConfigParams({**config, "connection.uri": uri, "options.table": table}))
        yield store
    finally:
        store.close(None)
        drop_table(uri, table)


@contextmanager
def make_sqlite_entity() -> Iterator[SqliteEntityStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteEntityStore(f"sqlite:///{folder}/entities.db", table="entities")
        try:
            yield store
        finally:
            store.disconnect()


@contextmanager
def make_postgres_entity() -> Iterator[PostgresEntityStore]:
    uri = postgres_uri()
    table = unique_table("entity")
    store = PostgresEntityStore(uri, table=table)
    try:
        yield store
    finally:
        store.disconnect()
        drop_table(uri, table)


def increment(store: Any, key: str, times: int) -> int:
    """``times`` compare-and-set increments of ``key``, retried on conflict; the conflicts."""
    conflicts = 0
    done = 0
    while done < times:
        value, version = store.load_versioned(None, key)
        try:
            store.save(None, key, value + 1, expected_version=version)
        except ConcurrencyError:
            conflicts += 1
            continue
        done += 1
    return conflicts


def increment_in_process(kind: str, config: dict[str, Any], key: str, times: int) -> int:
    """A worker process: its own store on the shared table, ``times`` increments."""
    store: Any = PostgresStateStore() if kind == "postgres" else SqliteStateStore()
    store.configure(ConfigParams(config))
    store.open(None)
    try:
        return increment(store, key, times)
    finally:
        store.close(None)


def each_of_two_neighbour_tables(open_store: Callable[[str], Any], table: str) -> list[Any]:
    """Stores on ``table`` and ``table + "_version"`` each save, delete and save key "k"
    again; what each then holds. (Their version counters must not be each other.)"""
    stores = [open_store(name) for name in (table, table + "_version")]
    try:
        for index, store in enumerate(stores):
            store.save(None, "k", index)
            store.delete(None, "k")
            store.save(None, "k", index)
        return [store.load(None, "k") for store in stores]
    finally:
        for store in stores:
            store.close(None)


LONG_TABLES = ("t" * 62 + "a", "t" * 62 + "b")
"""Two tables of the longest name, alike but for the last character."""


def versions_on_long_tables(open_store: Callable[[str], Any]) -> list[int]:
    """On each of :data:`LONG_TABLES`: "k" saved, deleted and saved again on the first,
    saved once on the second; the versions each then holds. Their counters, named
    from the table, must stay apart and within the identifier limit."""
    first, second = (open_store(name) for name in LONG_TABLES)
    try:
        first.save(None, "k", 1)
        first.delete(None, "k")
        first.save(None, "k", 2)
        second.save(None, "k", 3)
        return [first.load_versioned(None, "k")[1], second.load_versioned(None, "k")[1]]
    finally:
        first.close(None)
        second.close(None)
