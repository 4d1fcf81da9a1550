"""Property tests for ``ConfigParams``: random values through every getter, section
and constructor. Nothing escapes but wirework's own errors, and each documented
result holds (bounded in time and memory: hypothesis keeps each example small, the
deep and cyclic cases are built by hand).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirework.config import ConfigParams
from wirework.config._params import flatten, to_boolean, to_float, to_integer
from wirework.errors import ConfigError

settings.register_profile("wirework", max_examples=200, deadline=None)
settings.load_profile("wirework")

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.binary(max_size=20)
    | st.sampled_from(["1e400", "-1e400", "nan", "inf", " 12 ", "1.7", "0x10", "9" * 5000])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
names = st.text(alphabet=st.characters(blacklist_characters=".;="), min_size=1, max_size=8)
dotted_keys = st.lists(names, min_size=1, max_size=4).map(".".join)
params = st.dictionaries(st.text(max_size=12), values, max_size=8).map(ConfigParams)

GETTERS: list[tuple[str, tuple[Any, ...], type | tuple[type, ...]]] = [
    ("get_as_nullable_string", (), (str, type(None))),
    ("get_as_string", (), str),
    ("get_as_string_with_default", ("d",), str),
    ("get_as_nullable_integer", (), (int, type(None))),
    ("get_as_integer", (), int),
    ("get_as_integer_with_default", (7,), int),
    ("get_as_nullable_long", (), (int, type(None))),
    ("get_as_long", (), int),
    ("get_as_long_with_default", (7,), int),
    ("get_as_nullable_float", (), (float, type(None))),
    ("get_as_float", (), float),
    ("get_as_float_with_default", (2.5,), float),
    ("get_as_nullable_double", (), (float, type(None))),
    ("get_as_double", (), float),
    ("get_as_double_with_default", (2.5,), float),
    ("get_as_nullable_boolean", (), (bool, type(None))),
    ("get_as_boolean", (), bool),
    ("get_as_boolean_with_default", (True,), bool),
]


@given(values)
def test_every_getter_returns_its_type_for_any_value(value: Any) -> None:
    config = ConfigParams({"k": value})
    for name, extra, returns in GETTERS:
        result = getattr(config, name)("k", *extra)
        assert isinstance(result, returns), (name, value, result)
        assert not isinstance(result, bool) or "boolean" in name  # True is not an int here


@given(values)
def test_conversions_are_the_documented_ones(value: Any) -> None:
    number = to_integer(value)
    if isinstance(value, bool):
        assert number == int(value)
    elif isinstance(value, int):
        assert number == value  # exactly, however large
    elif isinstance(value, float):
        assert number == (int(value) if math.isfinite(value) else None)
    real = to_float(value)
    assert real is None or isinstance(real, float)
    flag = to_boolean(value)
    assert flag is None or isinstance(flag, bool)


@given(st.integers(min_value=-(10**300), max_value=10**300))
def test_an_integer_written_as_text_reads_back_exactly(number: int) -> None:
    config = ConfigParams({"k": f" {number} "})
    assert config.get_as_integer("k") == number
    assert config.get_as_nullable_float("k") == float(number)


@pytest.mark.parametrize("text", ["1e400", "-1e400", "inf", "-inf", "nan", "9" * 5000, "0x10"])
def test_a_number_no_int_can_hold_is_no_integer(text: str) -> None:
    config = ConfigParams({"k": text, "f": float(text) if "x" not in text else 0.0})
    assert config.get_as_nullable_integer("k") is None
    assert config.get_as_integer_with_default("k", 5) == 5
    if "x" not in text and not math.isfinite(config["f"]):
        assert config.get_as_nullable_integer("f") is None


def test_a_float_too_large_is_no_float() -> None:
    assert ConfigParams({"k": 10**400}).get_as_nullable_float("k") is None
    assert ConfigParams({"k": 10**400}).get_as_float_with_default("k", 1.5) == 1.5


# -- sections ---------------------------------------------------------------------------------
@given(params)
def test_sections_partition_the_dotted_keys(config: ConfigParams) -> None:
    names = config.get_section_names()
    assert len(names) == len(set(names))
    rebuilt = {
        f"{name}.{key}": value for name in names for key, value in config.get_section(name).items()
    }
    assert rebuilt == {key: value for key, value in config.items() if "." in key}


@given(params, names)
def test_add_section_then_get_section_gives_it_back(config: ConfigParams, name: str) -> None:
    section = ConfigParams({key: 1 for key in config})
    target = ConfigParams()
    target.add_section(name, section)
    assert target.get_section(name) == section


# -- from_string, from_tuples, from_value, to_nested -------------------------------------------
@given(st.text())
def test_from_string_reads_any_text(text: str) -> None:
    config = ConfigParams.from_string(text)
    assert all(isinstance(value, str | None) for value in config.values())


@given(st.dictionaries(names, st.text(alphabet=st.characters(blacklist_characters=";"))))
def test_from_string_round_trips_what_it_can_express(pairs: dict[str, str]) -> None:
    pairs = {key.strip(): value for key, value in pairs.items() if key.strip()}
    text = ";".join(f"{key}={value}" for key, value in pairs.items())
    assert ConfigParams.from_string(text) == pairs


@given(st.lists(st.tuples(st.text(max_size=8), values), max_size=6))
def test_from_tuples_takes_any_pairs(pairs: list[tuple[str, Any]]) -> None:
    config = ConfigParams.from_tuples(*(item for pair in pairs for item in pair))
    for key, value in pairs:
        if not isinstance(value, dict | list) or not value:
            assert key in config or any(k.startswith(f"{key}.") for k in config)


@given(st.lists(st.integers(), min_size=1, max_size=7).filter(lambda items: len(items) % 2))
def test_from_tuples_with_an_odd_count_is_a_config_error(items: list[int]) -> None:
    with pytest.raises(ConfigError, match="key/value pairs"):
        ConfigParams.from_tuples(*items)


clashing_keys = st.lists(st.sampled_from("abc"), min_size=1, max_size=3).map(".".join)


@given(st.dictionaries(dotted_keys | clashing_keys, scalars, max_size=8))
def test_to_nested_round_trips_or_names_the_clash(flat: dict[str, Any]) -> None:
    config = ConfigParams(flat)
    clash = any(other.startswith(key + ".") for key in flat for other in flat)
    if clash:
        with pytest.raises(ConfigError, match="both a value and a section"):
            config.to_nested()
    else:
        assert ConfigParams.from_value(config.to_nested()) == {
            key: value for key, value in flat.items()
        }


def test_deep_and_cyclic_values_are_refused_or_flattened_without_recursion() -> None:
    deep: dict[str, Any] = {"leaf": 1}
    for _ in range(5_000):  # far past the interpreter's recursion limit
        deep = {"x": deep}
    flat = ConfigParams.from_value(deep)
    assert list(flat.values()) == [1]
    assert len(next(iter(flat))) == 2 * 5_000 + 4

    cyclic: dict[str, Any] = {"a": 1}
    cyclic["self"] = cyclic
    with pytest.raises(ConfigError, match="contains itself"):
        ConfigParams.from_value(cyclic)
    looped: list[Any] = []
    looped.append([looped])
    with pytest.raises(ConfigError, match="contains itself"):
        flatten(looped, "options")
    shared = {"v": 1}
    assert flatten({"a": shared, "b": [shared, shared]}) == {"a.v": 1, "b.0.v": 1, "b.1.v": 1}
