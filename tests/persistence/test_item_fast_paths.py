"""The write path's fast paths agree with the general ones they stand in for.

``plain_fields`` says yes only where ``_is_plain`` and ``_within_limits`` both would;
the copiers of ``SimpleNamespace`` and ``__slots__`` classes make what ``copy.copy``
makes; the compiled state of a ``__slots__`` class is ``item_state``; and ``create``
refuses through its fast path exactly what the general path refuses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirework.data._documents import _within_limits, plain_fields
from wirework.data._values import _is_plain
from wirework.errors import WireworkError
from wirework.persistence import IdentifiableMemoryPersistence
from wirework.persistence._items import check_item, item_state, shallow_copy

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.binary(max_size=4),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=6,
)
documents = st.dictionaries(st.one_of(st.text(max_size=6), st.integers()), values, max_size=5)


@given(documents)
def test_plain_fields_says_yes_only_where_both_general_checks_do(fields: dict[Any, Any]) -> None:
    if plain_fields(fields):
        assert _is_plain(fields, 0)
        assert _within_limits(fields)


@given(st.dictionaries(st.text(alphabet="abc_", max_size=5), st.text(alphabet="xyz ", max_size=5)))
def test_plain_fields_says_yes_to_ascii_text(fields: dict[str, str]) -> None:
    assert plain_fields(fields)


class Slots:
    __slots__ = ("__hidden", "content", "id")

    def __init__(self, id: Any, content: Any) -> None:  # noqa: A002
        self.id = id
        self.content = content
        self.__hidden = "h"

    def hidden(self) -> str:
        return self.__hidden


class MoreSlots(Slots):
    __slots__ = ("extra",)


def _slot_values(item: Any) -> dict[str, Any]:
    names = ("_Slots__hidden", "content", "id", "extra")
    return {name: getattr(item, name) for name in names if hasattr(item, name)}


@pytest.mark.parametrize(
    "item",
    [
        Slots("1", "c"),
        MoreSlots("2", "d"),
        Slots.__new__(Slots),  # nothing set
    ],
    ids=["slots", "inherited slots", "unset slots"],
)
def test_a_slots_copy_is_what_copy_copy_makes(item: Any) -> None:
    ours, theirs = shallow_copy(item), copy.copy(item)
    assert type(ours) is type(theirs) is type(item)
    assert ours is not item
    assert _slot_values(ours) == _slot_values(theirs) == _slot_values(item)


def test_a_partly_set_slots_item_copies_and_checks_like_the_general_path() -> None:
    item = MoreSlots("3", "e")  # extra is not set
    assert _slot_values(shallow_copy(item)) == _slot_values(copy.copy(item))
    check_item(item, "3", "test")  # the compiled state falls back to item_state
    assert item_state(item) == {"id": "3", "content": "e"}  # private slot unmangled: skipped


def test_a_simple_namespace_copy_is_what_copy_copy_makes() -> None:
    item = SimpleNamespace(id="1", content=["a"])
    vars(item)[1] = "a key that is not a name"
    ours = shallow_copy(item)
    assert ours == copy.copy(item)
    assert ours is not item
    assert ours.content is item.content  # shallow


@dataclass
class Data:
    id: Any
    content: Any


SHAPES = [
    lambda i, c: {"id": i, "content": c},
    Data,
    lambda i, c: SimpleNamespace(id=i, content=c),
    Slots,
]
REFUSED = [
    ("1", "nul\x00inside"),
    ("1", float("nan")),
    ("1", 2**64),
    ("1", object()),
    ("1", {"nested": "\x00"}),
    (True, "c"),
    (1.5, "c"),
    ("x" * 2000, "c"),
]


@pytest.mark.parametrize("make", SHAPES, ids=["dict", "dataclass", "namespace", "slots"])
@pytest.mark.parametrize(("item_id", "content"), REFUSED)
def test_create_refuses_what_the_rules_refuse_whatever_the_shape(
    make: Any, item_id: Any, content: Any
) -> None:
    store: IdentifiableMemoryPersistence[Any] = IdentifiableMemoryPersistence()
    store.open(None)
    with pytest.raises(WireworkError):
        store.create(None, make(item_id, content))
    assert store.get_count_by_filter(None, None) == 0


@pytest.mark.parametrize("make", SHAPES, ids=["dict", "dataclass", "namespace", "slots"])
def test_create_stores_a_copy_and_returns_another(make: Any) -> None:
    store: IdentifiableMemoryPersistence[Any] = IdentifiableMemoryPersistence()
    store.open(None)
    item = make("1", "c é")  # non-ASCII text takes the general check, and passes
    created = store.create(None, item)
    stored = store.get_one_by_id(None, "1")
    assert created is not item
    assert stored is not created
    assert item_state(created) == item_state(item) == item_state(stored)
