"""The shared value rules: JSON text and the memory stores' frozen form must agree."""

from __future__ import annotations

import enum
import json
import sys
from collections import OrderedDict
from typing import Any

import pytest

from wirework.data._values import MAX_DEPTH, canonical, check_key, decode, encode, freeze, thaw
from wirework.errors import (
    InvalidArgumentError,
    InvalidKeyError,
    UnstorableValueError,
    WireworkError,
)


class _Mood(enum.StrEnum):
    CALM = "calm"


VALUES: list[Any] = [
    "",
    "plain",
    "ünïcode 🎉",
    "nul\x00inside",
    0,
    -(2**70),
    3.25,
    -0.0,
    True,
    [],
    {},
    {"a": [1, {"b": None}], "c": {"d": [True, 2.5, "x"]}},
    [[[[]]]],
    OrderedDict([("z", 1), ("a", _Mood.CALM)]),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_json_text_and_frozen_form_give_back_the_same_thing(value: Any) -> None:
    from_json = decode(encode(value, "k"))
    from_memory = thaw(freeze(value, "k"))
    assert from_json == from_memory == canonical(value, "k")
    assert type(from_json) is type(from_memory)


def test_encode_writes_compact_utf8_json() -> None:
    assert encode({"k": ["ü", 1.5, None]}, "k") == '{"k":["ü",1.5,null]}'
    assert json.loads(encode("a\x00b", "k")) == "a\x00b"


def test_canonical_turns_subclasses_into_plain_types() -> None:
    plain = canonical(OrderedDict([("m", _Mood.CALM)]), "k")
    assert type(plain) is dict
    assert type(plain["m"]) is str


BAD: list[tuple[Any, str]] = [
    (b"x", "value is a bytes"),
    ({"a": (1,)}, "value['a'] is a tuple"),
    ([1, float("-inf")], "value[1] is -inf"),
    ({None: 1}, "value has a NoneType key None"),
]


@pytest.mark.parametrize(("value", "problem"), BAD, ids=repr)
def test_every_path_refuses_with_the_same_message(value: Any, problem: str) -> None:
    messages = set()
    for attempt in (canonical, encode, freeze):
        with pytest.raises(UnstorableValueError) as info:
            attempt(value, "key")
        messages.add(str(info.value))
    assert len(messages) == 1
    (message,) = messages
    assert message.startswith(f"cannot store the value of 'key': {problem}")


def test_the_label_can_name_something_other_than_a_value() -> None:
    with pytest.raises(UnstorableValueError, match=r"^cannot store the context of entity 'e1'"):
        freeze({"x": b""}, "e1", "the context of entity")


def test_errors_belong_to_the_wirework_hierarchy_and_to_value_error() -> None:
    for error in (InvalidKeyError, UnstorableValueError, InvalidArgumentError):
        assert issubclass(error, WireworkError)
        assert issubclass(error, ValueError)


def test_nesting_exactly_at_the_limit_is_accepted() -> None:
    value: list[Any] = []
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    assert thaw(freeze(value, "k")) == value
    with pytest.raises(UnstorableValueError, match=r"nested more than 256 levels"):
        freeze([value], "k")


@pytest.mark.parametrize("attempt", [canonical, encode, freeze])
def test_a_caller_already_deep_in_its_stack_gets_a_clean_error(attempt: Any) -> None:
    value: list[Any] = []
    for _ in range(MAX_DEPTH - 1):
        value = [value]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # as if the caller were already 800 frames deep
    try:
        with pytest.raises(UnstorableValueError, match=r"value is nested too deeply"):
            attempt(value, "k")
    finally:
        sys.setrecursionlimit(limit)


def test_check_key_returns_a_plain_str() -> None:
    key = check_key(_Mood.CALM)
    assert type(key) is str
    assert key == "calm"
    assert check_key("ключ") == "ключ"


def test_check_key_can_name_what_it_checks() -> None:
    with pytest.raises(InvalidKeyError, match=r"^entity id must be a str, got None$"):
        check_key(None, "entity id")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (10**5000, r"^state key must be a str, got an integer of about 5,001 digits$"),
        (b"x" * 10**6, r"^state key must be a str, got bytes b'x+\.\.\.x+'$"),
        ("\x00" * 10**6, r"^state key '[\\x0]+\.\.\.[\\x0]+' contains a NUL character"),
    ],
    ids=["huge int", "huge bytes", "huge str"],
)
def test_a_huge_key_is_shown_shortened_in_its_error(key: Any, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message) as info:
        check_key(key)
    assert len(str(info.value)) < 200


class _Lying(str):
    """A str that hides its NUL and its length from the checks, as a hostile caller might."""

    def __contains__(self, item: object) -> bool:
        return False

    def __len__(self) -> int:
        return 1

    def isascii(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("text", "message"),
    [("a\x00b", r"contains a NUL character"), ("k" * 2000, r"is 2,000 bytes long in UTF-8")],
)
def test_a_str_subclass_cannot_talk_its_way_past_the_key_checks(text: str, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        check_key(_Lying(text))
