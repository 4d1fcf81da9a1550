from __future__ import annotations

import pytest

from wirework.data import AnyValueMap, FilterParams


def test_from_tuples_keeps_native_values() -> None:
    params = FilterParams.from_tuples("count", 5, "ids", ["a", "b"], "name", None)
    assert isinstance(params, FilterParams)
    assert params == {"count": 5, "ids": ["a", "b"], "name": None}
    assert params.get_as_nullable_string("count") == "5"
    assert params.get_as_integer("count") == 5
    assert params.get_as_nullable_string("name") is None
    assert params.get_as_array("ids") == ["a", "b"]


def test_from_tuples_needs_pairs() -> None:
    message = r"FilterParams.from_tuples needs key/value pairs, got 3 items"
    with pytest.raises(ValueError, match=message):
        FilterParams.from_tuples("a", 1, "b")


def test_from_string() -> None:
    params = FilterParams.from_string("key=k1; done=true;;bare")
    assert params == {"key": "k1", "done": "true", "bare": None}
    assert params.get_as_boolean("done") is True
    assert FilterParams.from_string(None) == {}


def test_from_value() -> None:
    assert FilterParams.from_value({"a": 1}) == {"a": 1}
    assert isinstance(FilterParams.from_value(None), FilterParams)
    assert isinstance(FilterParams.from_value(FilterParams()), AnyValueMap)
