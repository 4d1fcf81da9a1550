from __future__ import annotations

from typing import Any

import pytest

from wirework.data import AnyValueMap
from wirework.errors import WireworkError
from wirework.persistence import TYPE_KEY, ItemCodec
from wirework.persistence.codec import item_state


class Mixed:
    __slots__ = ("__dict__", "id")

    def __init__(self) -> None:
        self.id = "1"
        self.extra = 2


def test_state_covers_slots_and_dict() -> None:
    assert item_state(Mixed()) == {"id": "1", "extra": 2}


def test_an_object_without_fields_is_refused() -> None:
    with pytest.raises(WireworkError, match=r"cannot store a object item: it has no fields"):
        item_state(object())


def test_dict_subclasses_keep_their_class() -> None:
    codec: ItemCodec[Any] = ItemCodec()
    document = codec.encode(AnyValueMap({"id": "1"}))
    assert document == {"id": "1", TYPE_KEY: "wirework.data.any_value_map:AnyValueMap"}
    restored = codec.decode(document)
    assert type(restored) is AnyValueMap
    assert restored == {"id": "1"}


def test_decoding_does_not_mutate_the_document() -> None:
    codec: ItemCodec[Any] = ItemCodec()
    document = {"id": "1", TYPE_KEY: "builtins:dict"}
    assert codec.decode(document) == {"id": "1"}
    assert TYPE_KEY in document
