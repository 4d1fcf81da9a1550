from __future__ import annotations

from typing import Any

import pytest

from wirework.data import AnyValueMap


def test_getters_convert_without_changing_values() -> None:
    values = AnyValueMap.from_tuples(
        "int", "12", "float", "1.5", "flag", "yes", "off", 0, "text", True, "none", None
    )
    assert values["int"] == "12"
    assert values.get_as_integer("int") == 12
    assert values.get_as_long("float") == 1
    assert values.get_as_float("float") == 1.5
    assert values.get_as_double("int") == 12.0
    assert values.get_as_boolean("flag") is True
    assert values.get_as_boolean("off") is False
    assert values.get_as_string("text") == "true"
    assert values.get_as_nullable_string("none") is None
    assert values.get_as_string("missing") == ""


def test_defaults_apply_when_missing_or_unconvertible() -> None:
    values = AnyValueMap({"bad": "abc"})
    assert values.get_as_integer_with_default("bad", 7) == 7
    assert values.get_as_integer("missing") == 0
    assert values.get_as_nullable_integer("bad") is None
    assert values.get_as_float_with_default("bad", 2.5) == 2.5
    assert values.get_as_boolean_with_default("bad", True) is True
    assert values.get_as_nullable_boolean("bad") is None
    assert values.get_as_string_with_default("missing", "d") == "d"


def test_maps_and_arrays() -> None:
    values = AnyValueMap({"map": {"a": 1}, "list": (1, 2), "one": 3, "none": None})
    nested = values.get_as_map("map")
    assert isinstance(nested, AnyValueMap)
    assert nested.get_as_integer("a") == 1
    assert values.get_as_map("one") == {}
    assert values.get_as_array("list") == [1, 2]
    assert values.get_as_array("one") == [3]
    assert values.get_as_array("none") == []
    assert values.get_as_object() == {"map": {"a": 1}, "list": (1, 2), "one": 3, "none": None}
    values.set_as_object("new", 1)
    assert values.get_as_object("new") == 1


def test_from_value_and_maps() -> None:
    class Thing:
        def __init__(self) -> None:
            self.a = 1
            self._hidden = 2

    assert AnyValueMap.from_value(Thing()) == {"a": 1}
    assert AnyValueMap.from_value({1: "x"}) == {"1": "x"}
    assert AnyValueMap.from_value(None) == {}
    assert AnyValueMap.from_maps({"a": 1, "b": 1}, None, {"b": 2}) == {"a": 1, "b": 2}


@pytest.mark.parametrize("value", [5, "text"])
def test_from_value_of_a_scalar_is_explained(value: Any) -> None:
    with pytest.raises(ValueError, match=r"AnyValueMap.from_value needs a mapping or an object"):
        AnyValueMap.from_value(value)
