from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from wirework.data import AnyValueMap
from wirework.errors import UnreadableItemError, WireworkError
from wirework.persistence import TYPE_KEY
from wirework.persistence._codec import ItemCodec
from wirework.persistence._items import item_state


class Mixed:
    __slots__ = ("__dict__", "id")

    def __init__(self) -> None:
        self.id = "1"
        self.extra = 2


@dataclass(slots=True)
class Slotted:
    id: str
    size: int = 0


class Guarded:
    """Its __setattr__ refuses new fields, so it cannot be rebuilt by assigning __dict__."""

    def __init__(self, id: str) -> None:  # noqa: A002
        object.__setattr__(self, "id", id)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{name} is read-only")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Guarded) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


def test_state_covers_slots_and_dict() -> None:
    assert item_state(Mixed()) == {"id": "1", "extra": 2}


def test_an_object_without_fields_is_refused() -> None:
    with pytest.raises(WireworkError, match=r"cannot store a object item: it has no fields"):
        item_state(object())


def test_a_dict_subclass_is_stored_as_a_dict_in_a_dict_persistence() -> None:
    codec: ItemCodec[Any] = ItemCodec()
    document = codec.encode(AnyValueMap({"id": "1"}))
    assert document == {"id": "1"}
    assert type(codec.decode(document)) is dict


def test_a_declared_dict_subclass_keeps_its_class() -> None:
    codec: ItemCodec[Any] = ItemCodec(item_types={"map": AnyValueMap})
    document = codec.encode(AnyValueMap({"id": "1"}))
    assert document == {"id": "1", TYPE_KEY: "map"}
    restored = codec.decode(document)
    assert type(restored) is AnyValueMap
    assert restored == {"id": "1"}


@pytest.mark.parametrize("item", [Slotted("1", 3), Guarded("1")], ids=["slots", "setattr"])
def test_classes_that_need_their_fields_set_one_by_one(item: Any) -> None:
    codec: ItemCodec[Any] = ItemCodec(type(item))
    restored = codec.decode(codec.encode(item))
    assert type(restored) is type(item)
    assert restored == item


def test_a_field_a_slotted_class_cannot_take_makes_the_document_unreadable() -> None:
    codec: ItemCodec[Any] = ItemCodec(Slotted)
    with pytest.raises(UnreadableItemError, match=r"cannot restore it as .*Slotted: .*extra"):
        codec.decode({"id": "1", "extra": 2})


def test_the_type_key_is_reserved_under_a_class_item_type() -> None:
    codec: ItemCodec[Any] = ItemCodec(Mixed)
    item = Mixed()
    item.__type__ = "x"  # type: ignore[attr-defined]
    with pytest.raises(WireworkError, match=r"field named '__type__'"):
        codec.encode(item)
