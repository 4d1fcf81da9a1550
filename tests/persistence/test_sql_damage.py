"""SQL rows that cannot be read back cost only themselves.

Rows written by another program, an older version or a hand (a type nobody declared,
damaged JSON, nesting deeper than ``json.loads`` follows) are planted with the raw
driver. Listings leave them out and log each once; a read by id names the row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy
from recording import Recorder
from sql_persistences import postgres_backend, sqlite_backend

from servers import POSTGRES_URI
from wirework.config import ConfigParams
from wirework.data import PagingParams
from wirework.errors import UnreadableItemError
from wirework.log import LogLevel
from wirework.refer import References

DEEP = "[" * 5000 + "]" * 5000


def plant_sqlite(store: Any, rows: list[tuple[str, str]]) -> None:
    with sqlite3.connect(store.path) as connection:
        connection.executemany("INSERT INTO items (id, doc) VALUES (?, ?)", rows)


def plant_postgres(store: Any, rows: list[tuple[str, str]]) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URI, autocommit=True) as connection:
        for key, doc in rows:
            connection.execute(
                f'INSERT INTO "{store._table}" (id, doc) VALUES (%s, %s::jsonb)', (key, doc)
            )


BACKENDS = {
    "sqlite": (sqlite_backend, plant_sqlite),
    "postgres": (postgres_backend, plant_postgres),
}

# Rows each database can hold; SQLite's TEXT column also holds damaged JSON.
BAD_ROWS = {
    "sqlite": [
        ("deep", DEEP),
        ("torn", '{"id": "torn", "key": '),
        ("number", "5"),
        ("typed", '{"id": "typed", "__type__": "os:system"}'),
    ],
    "postgres": [
        ("deep", DEEP),
        ("number", "5"),
        ("typed", '{"id": "typed", "__type__": "os:system"}'),
    ],
}


@pytest.fixture(params=list(BACKENDS))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Recorder, list]]:
    """A Dummy persistence holding good rows "1" and "2" and the backend's bad rows."""
    build, plant = BACKENDS[request.param]
    store = build(tmp_path, ConfigParams(), Dummy)
    recorder = Recorder(LogLevel.INFO)
    store.set_references(References.from_tuples("test:logger:recorder:default:1.0", recorder))
    store.open(None)
    store.create(None, Dummy("1", "k"))
    bad = BAD_ROWS[request.param]
    plant(store, bad)
    store.create(None, Dummy("2", "k"))
    yield store, recorder, [key for key, _ in bad]
    store.close(None)


def test_listings_leave_bad_rows_out_and_log_each_once(damaged: Any) -> None:
    store, recorder, bad = damaged
    good = [Dummy("1", "k"), Dummy("2", "k")]
    for _ in range(3):
        assert store.get_list_by_filter(None, None) == good
        assert store.get_page_by_filter("c9", None, PagingParams(0, 10, True)).data == good
        assert store.get_list_by_filter(None, {"key": "k"}) == good
        assert store.get_list_by_ids(None, ["2", *bad, "1"]) == good[::-1]
    assert store.get_count_by_filter(None, None) == 2 + len(bad)
    assert len(recorder.lines) == len(bad)
    for key, line in zip(bad, recorder.lines, strict=True):
        assert f"the item with id '{key}' in table" in line
        assert "cannot be read, so reads leave it out" in line


def test_a_filter_over_bad_rows_costs_only_them_in_every_read(damaged: Any) -> None:
    """SQLite's JSON functions fail a whole statement on text that is not JSON: the
    statement runs again guarded, in a page (two statements on one connection) too."""
    store, _, bad = damaged
    good = [Dummy("1", "k"), Dummy("2", "k")]
    page = store.get_page_by_filter(None, {"key": "k"}, PagingParams(0, 10, True), "-id")
    assert (page.data, page.total) == (good[::-1], 2)
    assert store.get_count_by_filter(None, {"key": ["k", "x"]}) == 2
    assert store.get_one_random(None, {"key": "k"}) in good
    store.delete_by_filter(None, {"key": "k"})
    assert store.get_count_by_filter(None, None) == len(bad)


def test_a_bad_row_read_by_id_is_named(damaged: Any) -> None:
    store, _, bad = damaged
    for key in bad:
        with pytest.raises(UnreadableItemError, match=rf"the item with id '{key}' in table"):
            store.get_one_by_id(None, key)
        with pytest.raises(UnreadableItemError, match=rf"the item with id '{key}'"):
            store.update_partially(None, key, {"key": "x"})


def test_a_bad_row_can_be_replaced_or_deleted(damaged: Any) -> None:
    store, _, bad = damaged
    first, *rest = bad
    store.set(None, Dummy(first, "repaired"))
    assert store.get_one_by_id(None, first) == Dummy(first, "repaired")
    second = rest[0]
    with pytest.raises(UnreadableItemError, match=rf"'{second}' in .* was deleted, but cannot"):
        store.delete_by_id(None, second)
    assert store.delete_by_id(None, second) is None
    store.delete_by_ids(None, rest[1:])
    assert [item.id for item in store.get_list_by_filter(None, None)] == ["1", first, "2"]


def test_reports_start_again_after_a_reopen(damaged: Any) -> None:
    store, recorder, bad = damaged
    store.get_list_by_filter(None, None)
    store.close(None)
    store.open(None)
    store.get_list_by_filter(None, None)
    assert len(recorder.lines) == 2 * len(bad)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Callable[..., Any]:
    def make(**declared: Any) -> Any:
        from wirework.persistence.sql import IdentifiableSqlitePersistence

        store: Any = IdentifiableSqlitePersistence("items", path=tmp_path / "db.sqlite", **declared)
        store.open(None)
        return store

    return make


def test_a_marker_is_a_registry_lookup_in_sql_too(sqlite_file: Callable[..., Any]) -> None:
    store = sqlite_file(item_types={"dummy": Dummy})
    plant_sqlite(store, [("d", '{"id": "d", "__type__": "dummy"}'), ("x", '{"__type__": "x:Y"}')])
    assert store.get_list_by_filter(None, None) == [Dummy("d")]
    with pytest.raises(UnreadableItemError, match="names type 'x:Y'"):
        store.get_one_by_id(None, "x")
    store.close(None)
