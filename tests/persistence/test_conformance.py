"""The contract every identifiable persistence backend must meet.

Only the public, backend-neutral API is used here: declarative filters (FilterParams or
dicts), SortParams, field-name projections. Callables are memory-only conveniences and
are tested in test_memory_persistence.py. The limits every backend enforces alike (ids,
values, filter values, paging numbers) are the suite's second part,
test_conformance_limits.py, on the same backends.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from dummies import Dummy

from wirework.data import AnyValueMap, DataPage, FilterParams, PagingParams, SortField, SortParams
from wirework.errors import ConflictError, InvalidStateError, WireworkError
from wirework.persistence import IIdentifiablePersistence

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def seed(persistence: Any, count: int = 5) -> list[Dummy]:
    """Items 1..count: key k1..kN, content even/odd, count = i."""
    return [
        persistence.create(None, Dummy(str(i), f"k{i}", "even" if i % 2 == 0 else "odd", i))
        for i in range(1, count + 1)
    ]


def ids(items: list[Any]) -> list[Any]:
    return [item["id"] if isinstance(item, dict) else item.id for item in items]


# -- shape --------------------------------------------------------------------------------
def test_backend_satisfies_the_protocol(persistence: Any) -> None:
    assert isinstance(persistence, IIdentifiablePersistence)
    assert persistence.is_open()


# -- create ------------------------------------------------------------------------------
def test_create_stores_and_returns_a_copy(persistence: Any) -> None:
    item = Dummy("1", "k1", "content 1")
    created = persistence.create(None, item)
    assert created == item
    assert created is not item
    assert persistence.get_one_by_id(None, "1") == Dummy("1", "k1", "content 1")


def test_create_generates_an_id_on_the_stored_item_not_the_callers(persistence: Any) -> None:
    item = Dummy(None, "k", "c")
    created = persistence.create(None, item)
    assert HEX32.match(created.id)
    assert item.id is None
    assert persistence.get_one_by_id(None, created.id) == created


def test_create_with_an_existing_id_is_a_conflict(persistence: Any) -> None:
    persistence.create(None, Dummy("1", "first"))
    conflict = r"cannot create an item with id '1': that id already exists"
    with pytest.raises(ConflictError, match=conflict):
        persistence.create(None, Dummy("1", "second"))
    assert persistence.get_one_by_id(None, "1").key == "first"
    assert persistence.get_count_by_filter(None, None) == 1


def test_dict_items_round_trip_as_dicts(make_persistence: Callable[..., Any]) -> None:
    persistence = make_persistence(item_type=dict)
    created = persistence.create(None, {"key": "k", "content": "c"})
    assert isinstance(created, dict)
    assert HEX32.match(created["id"])
    again = persistence.get_one_by_id(None, created["id"])
    assert again == {"id": created["id"], "key": "k", "content": "c"}
    assert isinstance(again, dict)


# -- copies ------------------------------------------------------------------------------
def test_mutating_the_created_input_does_not_change_stored_data(persistence: Any) -> None:
    item = Dummy("1", "k1", "before")
    persistence.create(None, item)
    item.content = "mutated"
    assert persistence.get_one_by_id(None, "1").content == "before"


def test_mutating_returned_items_does_not_change_stored_data(persistence: Any) -> None:
    created = persistence.create(None, Dummy("1", "k1", "before"))
    created.content = "from create"
    got = persistence.get_one_by_id(None, "1")
    got.content = "from get"
    page = persistence.get_page_by_filter(None, None, None)
    page.data[0].content = "from page"
    listed = persistence.get_list_by_filter(None, None)
    listed[0].content = "from list"
    by_ids = persistence.get_list_by_ids(None, ["1"])
    by_ids[0].content = "from ids"
    assert persistence.get_one_by_id(None, "1").content == "before"


def test_mutating_update_input_or_results_does_not_change_stored_data(persistence: Any) -> None:
    persistence.create(None, Dummy("1", "k1", "before"))
    item = Dummy("1", "k1", "updated")
    updated = persistence.update(None, item)
    item.content = "input mutated"
    updated.content = "result mutated"
    partial = persistence.update_partially(None, "1", {"count": 7})
    partial.content = "partial result mutated"
    stored = persistence.get_one_by_id(None, "1")
    assert (stored.content, stored.count) == ("updated", 7)


def test_mutating_dict_items_does_not_change_stored_data(
    make_persistence: Callable[..., Any],
) -> None:
    persistence = make_persistence(item_type=dict)
    item = {"id": "1", "tags": "a"}
    created = persistence.create(None, item)
    item["tags"] = "input"
    created["tags"] = "output"
    persistence.get_one_by_id(None, "1")["tags"] = "read"
    assert persistence.get_one_by_id(None, "1") == {"id": "1", "tags": "a"}


# -- set / update / update_partially -----------------------------------------------------
def test_set_creates_when_missing_and_replaces_when_present(persistence: Any) -> None:
    persistence.set(None, Dummy("1", "k1", "v1"))
    persistence.set(None, Dummy("1", "k1", "v2"))
    assert persistence.get_one_by_id(None, "1").content == "v2"
    assert persistence.get_count_by_filter(None, None) == 1


def test_set_generates_an_id_when_missing(persistence: Any) -> None:
    item = Dummy(None, "k")
    stored = persistence.set(None, item)
    assert HEX32.match(stored.id)
    assert item.id is None
    assert persistence.get_one_by_id(None, stored.id) == stored


def test_update_replaces_the_item(persistence: Any) -> None:
    seed(persistence, 2)
    updated = persistence.update(None, Dummy("2", "k2", "new content 2", 20))
    assert updated == Dummy("2", "k2", "new content 2", 20)
    assert persistence.get_one_by_id(None, "2") == updated
    assert persistence.get_one_by_id(None, "1").content == "odd"


def test_update_of_a_missing_id_returns_none_and_creates_nothing(persistence: Any) -> None:
    assert persistence.update(None, Dummy("404", "k")) is None
    assert persistence.update(None, Dummy(None, "k")) is None
    assert persistence.get_count_by_filter(None, None) == 0


def test_update_partially_changes_only_the_given_fields(persistence: Any) -> None:
    seed(persistence, 2)
    changes = AnyValueMap.from_tuples("content", "partial")
    updated = persistence.update_partially(None, "2", changes)
    assert updated == Dummy("2", "k2", "partial", 2)
    assert persistence.get_one_by_id(None, "2") == Dummy("2", "k2", "partial", 2)
    persistence.update_partially(None, "2", {"count": 99})
    assert persistence.get_one_by_id(None, "2") == Dummy("2", "k2", "partial", 99)


def test_update_partially_adds_new_fields_to_dict_items(
    make_persistence: Callable[..., Any],
) -> None:
    persistence = make_persistence(item_type=dict)
    persistence.create(None, {"id": "1", "a": 1})
    assert persistence.update_partially(None, "1", {"b": 2}) == {"id": "1", "a": 1, "b": 2}
    assert persistence.get_one_by_id(None, "1") == {"id": "1", "a": 1, "b": 2}


def test_update_partially_of_a_missing_id_returns_none(persistence: Any) -> None:
    assert persistence.update_partially(None, "404", {"content": "x"}) is None
    assert persistence.get_count_by_filter(None, None) == 0


def test_update_partially_cannot_change_the_id(persistence: Any) -> None:
    seed(persistence, 1)
    message = r"update_partially cannot change an item's id \('1' to '2'\)"
    with pytest.raises(WireworkError, match=message):
        persistence.update_partially(None, "1", {"id": "2", "content": "x"})
    assert persistence.get_one_by_id(None, "1").content == "odd"
    same = persistence.update_partially(None, "1", {"id": "1", "content": "same id"})
    assert same.content == "same id"


# -- deletes -----------------------------------------------------------------------------
def test_delete_by_id_returns_the_deleted_item(persistence: Any) -> None:
    seed(persistence, 2)
    assert persistence.delete_by_id(None, "1") == Dummy("1", "k1", "odd", 1)
    assert persistence.get_one_by_id(None, "1") is None
    assert persistence.delete_by_id(None, "1") is None
    assert ids(persistence.get_list_by_filter(None, None)) == ["2"]


def test_delete_by_ids_ignores_unknown_ids(persistence: Any) -> None:
    seed(persistence, 4)
    persistence.delete_by_ids(None, ["1", "3", "404", "3"])
    assert ids(persistence.get_list_by_filter(None, None)) == ["2", "4"]


def test_delete_by_filter(persistence: Any) -> None:
    seed(persistence, 5)
    persistence.delete_by_filter(None, FilterParams.from_tuples("content", "odd"))
    assert ids(persistence.get_list_by_filter(None, None)) == ["2", "4"]
    persistence.delete_by_filter(None, {"key": "k4"})
    assert ids(persistence.get_list_by_filter(None, None)) == ["2"]
    persistence.delete_by_filter(None, {"key": "nothing"})
    assert ids(persistence.get_list_by_filter(None, None)) == ["2"]


def test_delete_by_filter_none_deletes_everything(persistence: Any) -> None:
    seed(persistence, 3)
    persistence.delete_by_filter(None, None)
    assert persistence.get_count_by_filter(None, None) == 0


def test_clear(persistence: Any) -> None:
    seed(persistence, 3)
    persistence.clear(None)
    assert persistence.get_list_by_filter(None, None) == []
    persistence.create(None, Dummy("1"))
    assert persistence.get_count_by_filter(None, None) == 1


# -- reads by id -------------------------------------------------------------------------
def test_get_one_by_id_of_a_missing_id_is_none(persistence: Any) -> None:
    seed(persistence, 1)
    assert persistence.get_one_by_id(None, "404") is None


def test_get_list_by_ids_follows_the_order_given(persistence: Any) -> None:
    seed(persistence, 4)
    got = persistence.get_list_by_ids(None, ["3", "404", "1", "3"])
    assert ids(got) == ["3", "1"]
    assert persistence.get_list_by_ids(None, []) == []


# -- filters -----------------------------------------------------------------------------
def test_filter_by_field_equality(persistence: Any) -> None:
    seed(persistence, 5)
    page = persistence.get_page_by_filter(None, FilterParams.from_tuples("key", "k2"), None)
    assert ids(page.data) == ["2"]
    assert ids(persistence.get_list_by_filter(None, {"content": "odd"})) == ["1", "3", "5"]


def test_filter_fields_are_anded(persistence: Any) -> None:
    seed(persistence, 5)
    assert ids(persistence.get_list_by_filter(None, {"content": "odd", "count": 3})) == ["3"]
    assert persistence.get_list_by_filter(None, {"content": "odd", "count": 2}) == []


def test_filter_values_compare_natively(persistence: Any) -> None:
    seed(persistence, 3)
    assert ids(persistence.get_list_by_filter(None, {"count": 2})) == ["2"]
    assert persistence.get_list_by_filter(None, {"count": "2"}) == []


def test_filter_list_value_matches_any_member(persistence: Any) -> None:
    seed(persistence, 5)
    assert ids(persistence.get_list_by_filter(None, {"id": ["4", "1", "404"]})) == ["1", "4"]
    assert persistence.get_list_by_filter(None, {"id": []}) == []


def test_filter_none_value_puts_no_constraint(persistence: Any) -> None:
    seed(persistence, 3)
    params = FilterParams.from_tuples("key", None, "content", "odd")
    assert ids(persistence.get_list_by_filter(None, params)) == ["1", "3"]
    assert persistence.get_count_by_filter(None, {"key": None}) == 3


def test_filter_on_a_field_items_lack_matches_nothing(persistence: Any) -> None:
    seed(persistence, 3)
    assert persistence.get_list_by_filter(None, {"no_such_field": "x"}) == []


def test_filter_on_nested_fields(make_persistence: Callable[..., Any]) -> None:
    persistence = make_persistence(item_type=dict)
    persistence.create(None, {"id": "1", "address": {"city": "Oslo"}})
    persistence.create(None, {"id": "2", "address": {"city": "Rome"}})
    persistence.create(None, {"id": "3", "address": None})
    assert ids(persistence.get_list_by_filter(None, {"address.city": "Rome"})) == ["2"]


def test_count_by_filter(persistence: Any) -> None:
    seed(persistence, 5)
    assert persistence.get_count_by_filter(None, None) == 5
    assert persistence.get_count_by_filter(None, {"content": "even"}) == 2
    assert persistence.get_count_by_filter(None, {"content": "none"}) == 0


# -- paging ------------------------------------------------------------------------------
def test_page_without_paging_returns_everything_up_to_the_cap(persistence: Any) -> None:
    seed(persistence, 5)
    page = persistence.get_page_by_filter(None, None, None)
    assert isinstance(page, DataPage)
    assert ids(page.data) == ["1", "2", "3", "4", "5"]
    assert page.total is None


def test_page_skip_and_take(persistence: Any) -> None:
    seed(persistence, 5)
    page = persistence.get_page_by_filter(None, None, PagingParams(1, 2))
    assert ids(page.data) == ["2", "3"]
    assert page.total is None


def test_page_total_only_when_asked(persistence: Any) -> None:
    seed(persistence, 5)
    with_total = persistence.get_page_by_filter(None, {"content": "odd"}, PagingParams(0, 1, True))
    assert (ids(with_total.data), with_total.total) == (["1"], 3)
    without = persistence.get_page_by_filter(None, {"content": "odd"}, PagingParams(0, 1, False))
    assert without.total is None


def test_page_take_is_capped_by_max_page_size(make_persistence: Callable[..., Any]) -> None:
    persistence = make_persistence({"options": {"max_page_size": 3}})
    seed(persistence, 5)
    capped = persistence.get_page_by_filter(None, None, PagingParams(0, 10))
    assert ids(capped.data) == ["1", "2", "3"]
    assert len(persistence.get_page_by_filter(None, None, None).data) == 3
    page = persistence.get_page_by_filter(None, None, PagingParams(3, None, True))
    assert (ids(page.data), page.total) == (["4", "5"], 5)
    assert len(persistence.get_list_by_filter(None, None)) == 5


def test_page_default_max_page_size_is_100(persistence: Any) -> None:
    for i in range(105):
        persistence.create(None, Dummy(f"{i:03}"))
    page = persistence.get_page_by_filter(None, None, PagingParams(total=True))
    assert (len(page.data), page.total) == (100, 105)


def test_page_negative_take_returns_nothing_but_can_count(persistence: Any) -> None:
    seed(persistence, 5)
    page = persistence.get_page_by_filter(None, None, PagingParams(0, -1, True))
    assert (page.data, page.total) == ([], 5)


@pytest.mark.parametrize(
    ("paging", "expected"),
    [
        (PagingParams(10, 5), []),
        (PagingParams(5, 5), []),
        (PagingParams(4, 5), ["5"]),
        (PagingParams(-3, 2), ["1", "2"]),
        (PagingParams(0, 0), ["1", "2", "3", "4", "5"]),
        ({"skip": "1", "take": "1"}, ["2"]),
    ],
)
def test_page_edges(persistence: Any, paging: Any, expected: list[str]) -> None:
    seed(persistence, 5)
    assert ids(persistence.get_page_by_filter(None, None, paging).data) == expected


def test_page_of_an_empty_store(persistence: Any) -> None:
    page = persistence.get_page_by_filter(None, None, PagingParams(0, 10, True))
    assert (page.data, page.total) == ([], 0)


# -- order and sort ----------------------------------------------------------------------
def test_unsorted_results_keep_creation_order_and_updates_keep_position(persistence: Any) -> None:
    for key in ("c", "a", "b"):
        persistence.create(None, Dummy(key, key))
    persistence.update(None, Dummy("c", "c", "changed"))
    persistence.set(None, Dummy("a", "a", "set"))
    assert ids(persistence.get_list_by_filter(None, None)) == ["c", "a", "b"]


def test_sort_ascending_and_descending(persistence: Any) -> None:
    for i, count in enumerate([3, 1, 2]):
        persistence.create(None, Dummy(str(i), count=count))
    ascending = persistence.get_list_by_filter(None, None, SortParams(SortField("count")))
    assert [d.count for d in ascending] == [1, 2, 3]
    descending = persistence.get_page_by_filter(
        None, None, None, SortParams(SortField("count", ascending=False))
    )
    assert [d.count for d in descending.data] == [3, 2, 1]


def test_sort_by_several_fields(persistence: Any) -> None:
    rows = [("1", "b", 1), ("2", "a", 2), ("3", "b", 3), ("4", "a", 1)]
    for id_, key, count in rows:
        persistence.create(None, Dummy(id_, key, count=count))
    order = SortParams(SortField("key"), SortField("count", ascending=False))
    assert ids(persistence.get_list_by_filter(None, None, order)) == ["2", "4", "3", "1"]


def test_sort_applies_before_paging(persistence: Any) -> None:
    for i, count in enumerate([5, 3, 9, 1, 7]):
        persistence.create(None, Dummy(str(i), count=count))
    page = persistence.get_page_by_filter(
        None, None, PagingParams(1, 2, True), SortParams(SortField("count", ascending=False))
    )
    assert ([d.count for d in page.data], page.total) == ([7, 5], 5)


def test_sort_puts_missing_values_first_ascending_and_last_descending(
    make_persistence: Callable[..., Any],
) -> None:
    persistence = make_persistence(item_type=dict)
    persistence.create(None, {"id": "a", "rank": 2})
    persistence.create(None, {"id": "b"})
    persistence.create(None, {"id": "c", "rank": 1})
    persistence.create(None, {"id": "d", "rank": None})
    ascending = persistence.get_list_by_filter(None, None, SortParams("rank"))
    assert ids(ascending) == ["b", "d", "c", "a"]
    descending = persistence.get_list_by_filter(None, None, SortParams("-rank"))
    assert ids(descending) == ["a", "c", "b", "d"]


def test_sort_accepts_a_single_sort_field(persistence: Any) -> None:
    for i, count in enumerate([2, 1]):
        persistence.create(None, Dummy(str(i), count=count))
    assert ids(persistence.get_list_by_filter(None, None, SortField("count"))) == ["1", "0"]


# -- select ------------------------------------------------------------------------------
def test_select_projects_named_fields(persistence: Any) -> None:
    seed(persistence, 3)
    page = persistence.get_page_by_filter(
        None, {"content": "odd"}, PagingParams(total=True), None, ["id", "key"]
    )
    assert page.data == [{"id": "1", "key": "k1"}, {"id": "3", "key": "k3"}]
    assert page.total == 2
    listed = persistence.get_list_by_filter(None, None, SortParams("-count"), "id, count")
    assert listed == [{"id": "3", "count": 3}, {"id": "2", "count": 2}, {"id": "1", "count": 1}]


def test_select_omits_fields_an_item_lacks(make_persistence: Callable[..., Any]) -> None:
    persistence = make_persistence(item_type=dict)
    persistence.create(None, {"id": "1", "name": "n"})
    persistence.create(None, {"id": "2"})
    assert persistence.get_list_by_filter(None, None, None, ["id", "name"]) == [
        {"id": "1", "name": "n"},
        {"id": "2"},
    ]


# -- random ------------------------------------------------------------------------------
def test_get_one_random_picks_only_matches_and_all_of_them(persistence: Any) -> None:
    seed(persistence, 6)
    seen = Counter(persistence.get_one_random(None, {"content": "even"}).id for _ in range(300))
    assert set(seen) == {"2", "4", "6"}
    assert min(seen.values()) > 50  # uniform: 100 each expected


def test_get_one_random_with_no_match_is_none(persistence: Any) -> None:
    assert persistence.get_one_random(None, None) is None
    seed(persistence, 2)
    assert persistence.get_one_random(None, {"key": "none"}) is None
    assert persistence.get_one_random(None, None).id in {"1", "2"}


# -- lifecycle ---------------------------------------------------------------------------
CALLS: dict[str, Callable[[Any], Any]] = {
    "create": lambda p: p.create(None, Dummy("x")),
    "set": lambda p: p.set(None, Dummy("x")),
    "update": lambda p: p.update(None, Dummy("x")),
    "update_partially": lambda p: p.update_partially(None, "x", {"key": "k"}),
    "delete_by_id": lambda p: p.delete_by_id(None, "x"),
    "delete_by_ids": lambda p: p.delete_by_ids(None, ["x"]),
    "delete_by_filter": lambda p: p.delete_by_filter(None, {"key": "k"}),
    "get_one_by_id": lambda p: p.get_one_by_id(None, "x"),
    "get_list_by_ids": lambda p: p.get_list_by_ids(None, ["x"]),
    "get_page_by_filter": lambda p: p.get_page_by_filter(None, None, None),
    "get_list_by_filter": lambda p: p.get_list_by_filter(None, None),
    "get_count_by_filter": lambda p: p.get_count_by_filter(None, None),
    "get_one_random": lambda p: p.get_one_random(None, None),
    "clear": lambda p: p.clear(None),
}


@pytest.mark.parametrize("operation", list(CALLS))
def test_operations_on_a_closed_persistence_fail_clearly(persistence: Any, operation: str) -> None:
    persistence.close(None)
    assert not persistence.is_open()
    message = rf"cannot {operation}\(\): the persistence is not open"
    with pytest.raises(InvalidStateError, match=message):
        CALLS[operation](persistence)


def test_open_and_close_are_idempotent(persistence: Any) -> None:
    seed(persistence, 1)
    persistence.open(None)
    assert persistence.get_count_by_filter(None, None) == 1
    persistence.close(None)
    persistence.close(None)
    assert not persistence.is_open()
