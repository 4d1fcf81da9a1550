"""The conformance suite, part two: the limits every backend enforces alike.

Memory, file, SQLite and PostgreSQL refuse the same ids, item values, filter values and
paging numbers, with the same error, before touching storage; and what they accept
they give back equal, of the same type, after a close and reopen. The README's
persistence section states these limits; each has a test here.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from typing import Any

import pytest

from wirework.data import PagingParams, SortParams
from wirework.data._documents import MAX_ID_BYTES
from wirework.data._values import MAX_DEPTH
from wirework.errors import (
    ConflictError,
    InvalidArgumentError,
    InvalidKeyError,
    UnstorableValueError,
    WireworkError,
)


@pytest.fixture
def store(make_persistence: Callable[..., Any]) -> Any:
    return make_persistence(item_type=dict)


def reopened(persistence: Any) -> Any:
    """The same persistence after a close and an open: the file is read again."""
    persistence.close(None)
    persistence.open(None)
    return persistence


def ids(items: list[Any]) -> list[Any]:
    return [item["id"] for item in items]


# -- ids -----------------------------------------------------------------------------------
def test_int_and_str_ids_with_the_same_text_name_one_item(store: Any) -> None:
    store.create(None, {"id": 1, "n": "int"})
    with pytest.raises(ConflictError, match="that id already exists"):
        store.create(None, {"id": "1", "n": "str"})
    assert store.get_one_by_id(None, "1") == {"id": 1, "n": "int"}
    assert store.get_list_by_ids(None, [1, "1"]) == [{"id": 1, "n": "int"}]
    store.set(None, {"id": "1", "n": "set by str"})
    assert store.get_one_by_id(None, 1) == {"id": "1", "n": "set by str"}
    assert store.update_partially(None, 1, {"id": "1", "m": 2})["m"] == 2
    assert store.delete_by_id(None, 1) == {"id": "1", "n": "set by str", "m": 2}
    assert store.get_count_by_filter(None, None) == 0


BAD_IDS: dict[str, tuple[Any, str]] = {
    "bool": (True, r"id must be a str or an int, got bool True"),
    "float": (1.0, r"id must be a str or an int, got float 1.0"),
    "list": (["a"], r"id must be a str or an int, got list \['a'\]"),
    "NUL": ("a\x00b", r"contains a NUL character"),
    "surrogate": ("a\ud800", r"is not valid UTF-8"),
    "too long": ("x" * (MAX_ID_BYTES + 1), rf"the limit is {MAX_ID_BYTES:,} bytes"),
    "too long in UTF-8": ("é" * (MAX_ID_BYTES // 2 + 1), rf"is {MAX_ID_BYTES + 2:,} bytes long"),
    "beyond 64 bits": (2**63, r"id 9223372036854775808 does not fit in 64 bits"),
}


@pytest.mark.parametrize("name", list(BAD_IDS))
def test_an_id_no_backend_could_key_is_refused_everywhere_alike(store: Any, name: str) -> None:
    bad, message = BAD_IDS[name]
    store.create(None, {"id": "ok"})
    calls: list[Callable[[], Any]] = [
        lambda: store.create(None, {"id": bad}),
        lambda: store.set(None, {"id": bad}),
        lambda: store.update(None, {"id": bad}),
        lambda: store.update_partially(None, bad, {"x": 1}),
        lambda: store.update_partially(None, "ok", {"id": bad}),
        lambda: store.get_one_by_id(None, bad),
        lambda: store.get_list_by_ids(None, ["ok", bad]),
        lambda: store.delete_by_id(None, bad),
        lambda: store.delete_by_ids(None, ["ok", bad]),
    ]
    for call in calls:
        with pytest.raises(InvalidKeyError, match=message):
            call()
    assert ids(store.get_list_by_filter(None, None)) == ["ok"]


def test_the_longest_ids_are_accepted(store: Any) -> None:
    longest = ["x" * MAX_ID_BYTES, "é" * (MAX_ID_BYTES // 2), -(2**63), 2**63 - 1, ""]
    for item_id in longest:
        store.create(None, {"id": item_id})
    reopened(store)
    assert [store.get_one_by_id(None, item_id)["id"] for item_id in longest] == longest


def test_none_is_no_id(store: Any) -> None:
    assert store.get_one_by_id(None, None) is None
    assert store.delete_by_id(None, None) is None
    assert store.update_partially(None, None, {"x": 1}) is None
    assert store.get_list_by_ids(None, [None]) == []


# -- values ----------------------------------------------------------------------------------
class Color(enum.IntEnum):
    RED = 1


class Label(enum.StrEnum):
    HOT = "hot"


EXACT_VALUES: dict[str, Any] = {
    "floats from 1e16 up": [1e16, 1.5e16, 1e300, -1.7976931348623157e308, 123456789012345678.0],
    "small floats": [5e-324, 1e-7, 0.1, -0.0, 2.5],
    "64-bit ints": [-(2**63), 2**63 - 1, 2**53 + 1, 0],
    "strings": ["", "é", "\U0001f600", "line\nbreak", "tab\t", "quote\"'", "back\\slash"],
    "nesting": [{"a": [{"b": None}]}, [], {}, [[[]]]],
    "bools and null": [True, False, None],
}


@pytest.mark.parametrize("name", list(EXACT_VALUES))
def test_accepted_values_come_back_equal_and_of_the_same_type(store: Any, name: str) -> None:
    values = EXACT_VALUES[name]
    store.create(None, {"id": "1", "values": values, "one": values[0]})
    again = reopened(store).get_one_by_id(None, "1")
    assert again == {"id": "1", "values": values, "one": values[0]}
    assert [type(value) for value in again["values"]] == [type(value) for value in values]


def test_json_type_subclasses_come_back_as_their_plain_values(store: Any) -> None:
    store.create(None, {"id": "1", "color": Color.RED, "label": Label.HOT})
    again = reopened(store).get_one_by_id(None, "1")
    assert again == {"id": "1", "color": 1, "label": "hot"}


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


BAD_VALUES: dict[str, tuple[Any, str]] = {
    "tuple": ((1, 2), r"value\['v'\] is a tuple, which a backend would give back as a list"),
    "int key": ({1: "a"}, r"value\['v'\] has an int key 1; JSON object keys must be str"),
    "NaN": (float("nan"), r"value\['v'\] is nan, which JSON cannot represent"),
    "infinity": (float("inf"), r"value\['v'\] is inf, which JSON cannot represent"),
    "NUL in a value": (["a\x00"], r"value\['v'\]\[0\] contains a NUL character"),
    "NUL in a key": ({"a\x00": 1}, r"value\['v'\] has a key 'a\\x00' with a NUL character"),
    "surrogate": ("\udc80", r"value\['v'\] is not valid UTF-8"),
    "beyond 64 bits": (2**63, r"value\['v'\] is an integer beyond 64 bits"),
    "a set": ({1}, r"value\['v'\] is a set, which is not a JSON type"),
    "an object": (object(), r"value\['v'\] is an object, which is not a JSON type"),
    "too deep": (deep(MAX_DEPTH), rf"value\['v'\](\[0\])+ is nested more than {MAX_DEPTH} levels"),
}


@pytest.mark.parametrize("name", list(BAD_VALUES))
def test_a_value_no_backend_could_give_back_is_refused_everywhere_alike(
    store: Any, name: str
) -> None:
    bad, message = BAD_VALUES[name]
    store.create(None, {"id": "1", "v": "kept"})
    prefix = r"cannot store the item with id '(1|2)': "
    calls: list[Callable[[], Any]] = [
        lambda: store.create(None, {"id": "2", "v": bad}),
        lambda: store.set(None, {"id": "1", "v": bad}),
        lambda: store.update(None, {"id": "1", "v": bad}),
        lambda: store.update_partially(None, "1", {"v": bad}),
    ]
    for call in calls:
        with pytest.raises(UnstorableValueError, match=prefix + message):
            call()
    assert reopened(store).get_list_by_filter(None, None) == [{"id": "1", "v": "kept"}]


def test_the_deepest_accepted_value_round_trips(store: Any) -> None:
    store.create(None, {"id": "1", "v": deep(MAX_DEPTH - 1)})
    assert reopened(store).get_one_by_id(None, "1") == {"id": "1", "v": deep(MAX_DEPTH - 1)}


# -- filters -------------------------------------------------------------------------------
FLAGS = [("t", True), ("f", False), ("one", 1), ("one.0", 1.0), ("zero", 0), ("s", "1")]


@pytest.mark.parametrize(
    ("expected", "matches"),
    [
        (True, ["t"]),
        (False, ["f"]),
        (1, ["one", "one.0"]),
        (1.0, ["one", "one.0"]),
        (0, ["zero"]),
        ("1", ["s"]),
        ([True, 0], ["t", "zero"]),
        ([1, "1"], ["one", "one.0", "s"]),
        ([False, None], ["f", "null"]),
    ],
    ids=repr,
)
def test_booleans_match_only_booleans_and_numbers_match_by_value(
    store: Any, expected: Any, matches: list[str]
) -> None:
    for item_id, flag in [*FLAGS, ("null", None)]:
        store.create(None, {"id": item_id, "flag": flag})
    store.create(None, {"id": "missing"})
    assert ids(store.get_list_by_filter(None, {"flag": expected})) == matches
    assert store.get_count_by_filter(None, {"flag": expected}) == len(matches)


def test_big_floats_match_exactly(store: Any) -> None:
    after = math.nextafter(1e300, math.inf)
    values = [("f16", 1e16), ("i16", 10**16), ("f300", 1e300), ("f300b", after)]
    for item_id, value in values:
        store.create(None, {"id": item_id, "x": value})
    assert ids(store.get_list_by_filter(None, {"x": 1e16})) == ["f16", "i16"]
    assert ids(store.get_list_by_filter(None, {"x": 10**16})) == ["f16", "i16"]
    assert ids(store.get_list_by_filter(None, {"x": 1e300})) == ["f300"]
    assert ids(store.get_list_by_filter(None, {"x": [2.0, after]})) == ["f300b"]
    assert ids(store.get_list_by_filter(None, None, SortParams("-x"))) == [
        "f300b",
        "f300",
        "f16",
        "i16",
    ]


BAD_FILTERS: dict[str, tuple[Any, str]] = {
    "beyond 64 bits": ({"x": 10**40}, r"cannot filter 'x' on 1000.*: the value is an integer"),
    "NaN": ({"x": float("nan")}, r"cannot filter 'x' on nan: the value is nan"),
    "infinity": ({"x": [1, float("-inf")]}, r"cannot filter 'x' on -inf: the value is -inf"),
    "NUL": ({"x": "a\x00"}, r"cannot filter 'x' on 'a\\x00': the value contains a NUL"),
    "surrogate": ({"x": "\ud800"}, r"the value is not valid UTF-8"),
    "a dict": ({"x": {"a": 1}}, r"cannot filter 'x' on \{'a': 1\}: the value is a dict"),
    "nested list": ({"x": [[1]]}, r"cannot filter 'x' on \[1\]: the value is a list"),
    "an object": ({"x": object()}, r"the value is an object, which is not a JSON type"),
    "empty field part": ({"a..b": 1}, r"field name 'a..b' has an empty part"),
    "quote in field": ({'a"b': 1}, r"field name 'a\"b' contains '\"'"),
    "NUL in field": ({"a\x00": 1}, r"field name 'a\\x00' contains a NUL character"),
}


@pytest.mark.parametrize("name", list(BAD_FILTERS))
def test_a_filter_no_backend_could_run_is_refused_everywhere_alike(store: Any, name: str) -> None:
    bad, message = BAD_FILTERS[name]
    store.create(None, {"id": "1", "x": 1})
    calls: list[Callable[[], Any]] = [
        lambda: store.get_list_by_filter(None, bad),
        lambda: store.get_page_by_filter(None, bad, None),
        lambda: store.get_count_by_filter(None, bad),
        lambda: store.get_one_random(None, bad),
        lambda: store.delete_by_filter(None, bad),
    ]
    for call in calls:
        with pytest.raises(InvalidArgumentError, match=message):
            call()
    assert store.get_count_by_filter(None, None) == 1


@pytest.mark.parametrize("field", ['a"b', "a..b", "a\x00"])
def test_a_sort_field_no_backend_could_address_is_refused(store: Any, field: str) -> None:
    with pytest.raises(InvalidArgumentError, match="field name"):
        store.get_list_by_filter(None, None, SortParams(field))


def test_a_dotted_path_enters_only_objects(store: Any) -> None:
    store.create(None, {"id": "1", "count": 5, "tags": ["a"], "name": "x"})
    assert store.get_list_by_filter(None, {"count.real": 5}) == []
    assert store.get_list_by_filter(None, {"tags.0": "a"}) == []
    assert store.get_list_by_filter(None, {"name.upper": "X"}) == []


# -- paging ----------------------------------------------------------------------------------
def test_paging_at_the_64_bit_limits(store: Any) -> None:
    for i in range(3):
        store.create(None, {"id": str(i)})
    last = 2**63 - 1
    far = store.get_page_by_filter(None, None, PagingParams(last, 2, True))
    assert (far.data, far.total) == ([], 3)
    wide = store.get_page_by_filter(None, None, PagingParams(1, last))
    assert ids(wide.data) == ["1", "2"]
    lowest = store.get_page_by_filter(None, None, PagingParams(-(2**63), -(2**63)))
    assert lowest.data == []


@pytest.mark.parametrize(
    "paging",
    [{"skip": 2**63}, {"take": "1e400"}, {"skip": "abc"}, {"take": float("nan")}],
    ids=repr,
)
def test_paging_beyond_64_bits_is_refused_everywhere_alike(store: Any, paging: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"paging (skip|take) must be a whole number"):
        store.get_page_by_filter(None, None, paging)


def test_a_refusal_names_the_backend(store: Any) -> None:
    with pytest.raises(WireworkError) as info:
        store.create(None, {"id": True})
    assert type(store).__name__ in str(info.value)


def test_sorting_values_of_one_kind_agrees_everywhere(store: Any) -> None:
    rows = [("t", True), ("n", None), ("f", False), ("m", "missing"), ("t2", True)]
    for item_id, flag in rows:
        store.create(None, {"id": item_id} if flag == "missing" else {"id": item_id, "b": flag})
    assert ids(store.get_list_by_filter(None, None, SortParams("b"))) == ["n", "m", "f", "t", "t2"]
    assert ids(store.get_list_by_filter(None, None, SortParams("-b"))) == ["t", "t2", "f", "n", "m"]


# -- arguments of the wrong shape ------------------------------------------------------------
@pytest.mark.parametrize("ids_argument", ["12", b"12", 5, None], ids=repr)
def test_ids_must_be_a_collection_of_ids(store: Any, ids_argument: Any) -> None:
    store.create(None, {"id": "1"})
    store.create(None, {"id": "2"})
    for call in (store.get_list_by_ids, store.delete_by_ids):
        with pytest.raises(InvalidArgumentError, match=r"ids must be a list, tuple or set of ids"):
            call(None, ids_argument)
    assert store.get_count_by_filter(None, None) == 2


@pytest.mark.parametrize("data", [[("a", 1)], "ab", 5], ids=repr)
def test_partial_update_data_must_be_a_mapping(store: Any, data: Any) -> None:
    store.create(None, {"id": "1", "a": 0})
    with pytest.raises(InvalidArgumentError, match=r"update_partially needs a mapping of fields"):
        store.update_partially(None, "1", data)
    assert store.get_one_by_id(None, "1") == {"id": "1", "a": 0}
