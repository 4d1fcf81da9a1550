"""What both SQL backends share beyond the conformance suite: refusals that name the
fix, table-name checks, and agreement with memory on data the suite does not hold."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy
from sql_persistences import _tables_to_drop, postgres_backend, sqlite_backend

from wirework.config import ConfigParams
from wirework.data import SortParams
from wirework.errors import ConfigError, WireworkError
from wirework.persistence import IdentifiableMemoryPersistence
from wirework.persistence.sql import IdentifiablePostgresPersistence, IdentifiableSqlitePersistence

SQL_BACKENDS = {"sqlite": sqlite_backend, "postgres": postgres_backend}


@pytest.fixture(params=list(SQL_BACKENDS))
def make_sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make_sql(config=None, item_type=Dummy)`` -> an open SQL persistence."""
    made: list[Any] = []

    def make(config: dict[str, Any] | None = None, item_type: type | None = Dummy) -> Any:
        factory = SQL_BACKENDS[request.param]
        persistence = factory(tmp_path, ConfigParams.from_value(config or {}), item_type)
        persistence.open(None)
        made.append(persistence)
        return persistence

    yield make
    for persistence in made:
        persistence.close(None)


def ids(items: list[Any]) -> list[Any]:
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


# -- refusals that name the fix ----------------------------------------------------------
def test_a_callable_filter_is_refused_with_the_fix(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql()
    with pytest.raises(WireworkError, match="cannot run a callable filter") as info:
        persistence.get_list_by_filter(None, lambda item: True)
    assert "pass a FilterParams or dict of field values" in str(info.value)
    for call in (
        lambda: persistence.get_page_by_filter(None, lambda item: True, None),
        lambda: persistence.get_count_by_filter(None, lambda item: True),
        lambda: persistence.delete_by_filter(None, lambda item: True),
        lambda: persistence.get_one_random(None, lambda item: True),
    ):
        with pytest.raises(WireworkError, match="cannot run a callable filter"):
            call()


def test_a_sort_key_function_is_refused_with_the_fix(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql()
    with pytest.raises(WireworkError, match="cannot sort with a key function") as info:
        persistence.get_list_by_filter(None, None, lambda item: item.count)
    assert "SortParams('name', '-created')" in str(info.value)


def test_a_callable_select_runs_on_the_fetched_items(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql()
    persistence.create(None, Dummy("1", "k1"))
    assert persistence.get_list_by_filter(None, None, None, lambda item: item.key) == ["k1"]


@pytest.mark.parametrize("value", [{"city": "Oslo"}, object(), float("nan"), [{"a": 1}]], ids=repr)
def test_filter_values_sql_cannot_compare_are_refused(
    make_sql: Callable[..., Any], value: Any
) -> None:
    persistence = make_sql()
    with pytest.raises(WireworkError, match="cannot filter 'address' on"):
        persistence.get_list_by_filter(None, {"address": value})


def test_an_empty_field_name_is_refused(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql()
    with pytest.raises(WireworkError, match="field name 'a..b' has an empty part"):
        persistence.get_list_by_filter(None, {"a..b": 1})


def test_ids_must_be_str_or_int(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql(item_type=dict)
    assert persistence.create(None, {"id": 7, "n": 1}) == {"id": 7, "n": 1}
    assert persistence.get_one_by_id(None, 7) == {"id": 7, "n": 1}
    with pytest.raises(WireworkError, match="id must be a str or an int, got float 1.5"):
        persistence.create(None, {"id": 1.5})


# -- table names -------------------------------------------------------------------------
@pytest.mark.parametrize("table", ["items; DROP TABLE x", "1items", "", "my-items", "t" * 64])
@pytest.mark.parametrize("cls", [IdentifiableSqlitePersistence, IdentifiablePostgresPersistence])
def test_a_table_name_must_be_an_sql_identifier(cls: type, table: str) -> None:
    message = "options.table must be an SQL identifier"
    with pytest.raises(ConfigError, match=message):
        cls().configure(ConfigParams.from_value({"options": {"table": table}}))
    with pytest.raises(ConfigError, match=message):
        cls(table)


def test_the_longest_table_name_is_taken(make_sql: Callable[..., Any]) -> None:
    table = "t" * 54 + uuid.uuid4().hex[:9]  # 63 characters, the limit
    _tables_to_drop.append(table)
    persistence = make_sql({"options": {"table": table}})
    persistence.create(None, Dummy("1", "k"))
    assert persistence.get_one_by_id(None, "1") == Dummy("1", "k")
    assert f"table='{table}'" in repr(persistence)


def test_opening_without_a_table_says_which_key_to_set(tmp_path: Path) -> None:
    persistence: IdentifiableSqlitePersistence[Any] = IdentifiableSqlitePersistence(
        path=tmp_path / "x.sqlite"
    )
    with pytest.raises(ConfigError, match="options.table is required"):
        persistence.open(None)
    with pytest.raises(ConfigError, match="options.table is required"):
        persistence.configure(ConfigParams())  # refused before open, as `check` refuses it


# -- items -------------------------------------------------------------------------------
def test_items_are_dicts_without_an_item_type(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql(item_type=None)
    persistence.create(None, {"id": "2", "plain": True})
    assert persistence.get_one_by_id(None, "2") == {"id": "2", "plain": True}
    with pytest.raises(WireworkError, match="stores dict items, not Dummy"):
        persistence.create(None, Dummy("1", "k", "c", 3))


def test_unstorable_fields_are_refused_before_any_write(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql(item_type=dict)
    with pytest.raises(WireworkError, match="item fields must be JSON values"):
        persistence.create(None, {"id": "1", "when": object()})
    assert persistence.get_count_by_filter(None, None) == 0


def test_writes_from_many_threads_all_land(make_sql: Callable[..., Any]) -> None:
    persistence = make_sql()

    def write(thread: int) -> None:
        for i in range(25):
            persistence.create(None, Dummy(f"{thread}-{i}", count=i))
            persistence.update_partially(None, f"{thread}-{i}", {"key": "done"})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert persistence.get_count_by_filter(None, {"key": "done"}) == 200


# -- agreement with memory ---------------------------------------------------------------
ROWS: list[dict[str, Any]] = [
    {"id": "a", "n": 2, "s": "B", "flag": True, "tags": ["x"], "at": {"city": "Oslo"}},
    {"id": "b", "n": 2.0, "s": "a", "flag": False, "at": {"city": "Rome", "zip": 1}},
    {"id": "c", "n": "2", "s": "é", "flag": None, "at": None},
    {"id": "d", "s": "Z", "tags": [], "at": {"city": None}},
    {"id": "e", "n": 10, "s": "b", "at": {"city": "oslo"}, "dot.key": 1},
    {"id": "f", "n": -1.5, "s": None, "tags": ["x", "y"]},
    {"id": "g", "n": None, "s": "", "at": {}},
]

FILTERS: list[dict[str, Any]] = [
    {"n": 2},
    {"n": 2.0},
    {"n": "2"},
    {"n": [2, "2"]},
    {"n": [None]},
    {"n": [None, -1.5]},
    {"s": [None, ""]},
    {"flag": False},
    {"s": ["a", "b", "nope"]},
    {"s": "B"},
    {"at.city": "Oslo"},
    {"at.city": ["Rome", None]},
    {"at.zip": 1},
    {"tags.0": "x"},
    {"tags": "x"},
    {"dot.key": 1},
    {"id": ("a", "f"), "n": -1.5},
]

SORTS = ["n", "-n", "s", "-s", "at.city", "-at.city"]


@pytest.fixture
def both(make_sql: Callable[..., Any]) -> tuple[Any, Any]:
    memory: IdentifiableMemoryPersistence[Any] = IdentifiableMemoryPersistence()
    memory.open(None)
    sql = make_sql(item_type=dict)
    for row in ROWS:
        memory.create(None, dict(row))
        sql.create(None, dict(row))
    return memory, sql


@pytest.mark.parametrize("query", FILTERS, ids=repr)
def test_filters_match_what_memory_matches(both: tuple[Any, Any], query: dict[str, Any]) -> None:
    memory, sql = both
    expected = ids(memory.get_list_by_filter(None, query))
    assert ids(sql.get_list_by_filter(None, query)) == expected
    assert sql.get_count_by_filter(None, query) == len(expected)


@pytest.mark.parametrize("field", SORTS)
def test_sorts_order_like_memory(both: tuple[Any, Any], field: str) -> None:
    memory, sql = both
    # Memory refuses to order values of different types: leave out the string "2".
    query = {"id": ["a", "b", "d", "e", "f", "g"]} if field.lstrip("-") == "n" else None
    expected = ids(memory.get_list_by_filter(None, query, SortParams(field)))
    assert ids(sql.get_list_by_filter(None, query, SortParams(field))) == expected


def test_update_partially_sets_fields_like_memory(both: tuple[Any, Any]) -> None:
    memory, sql = both
    changes = {"at": {"city": "Bergen"}, "flag": None, "new": [1, {"x": 2}]}
    assert sql.update_partially(None, "a", changes) == memory.update_partially(None, "a", changes)
    assert sql.get_one_by_id(None, "a") == memory.get_one_by_id(None, "a")


# -- imports -----------------------------------------------------------------------------
def test_importing_the_sql_package_imports_no_driver() -> None:
    code = (
        "import sys, wirework.persistence, wirework.persistence.sql; "
        "print('psycopg' in sys.modules, 'sqlite3' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
