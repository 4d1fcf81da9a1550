from wirework.config import ConfigParams


def test_from_value_flattens_and_keeps_native_types() -> None:
    params = ConfigParams.from_value(
        {"level": "info", "options": {"timeout": 60000, "enabled": True, "tags": ["a", "b"]}}
    )
    assert params["options.timeout"] == 60000
    assert params["options.enabled"] is True
    assert params["options.tags.1"] == "b"


def test_typed_getters_convert() -> None:
    params = ConfigParams.from_tuples("a", "12", "b", " 5 ", "c", "1.7", "d", "yes", "e", "x")
    assert params.get_as_integer("a") == 12
    assert params.get_as_integer("b") == 5
    assert params.get_as_integer("c") == 1
    assert params.get_as_float("c") == 1.7
    assert params.get_as_boolean("d") is True
    assert params.get_as_nullable_integer("e") is None
    assert params.get_as_integer("missing") == 0
    assert params.get_as_integer_with_default("e", 7) == 7
    assert params.get_as_long_with_default("missing", 9) == 9
    assert params.get_as_nullable_boolean("e") is None
    assert params.get_as_boolean_with_default("missing", True) is True
    assert params.get_as_float_with_default("missing", 2.5) == 2.5


def test_strings() -> None:
    params = ConfigParams.from_value({"flag": True, "n": 3, "none": None})
    assert params.get_as_string("flag") == "true"
    assert params.get_as_string("n") == "3"
    assert params.get_as_nullable_string("none") is None
    assert params.get_as_string("missing") == ""
    assert params.get_as_string_with_default("missing", "dflt") == "dflt"


def test_sections() -> None:
    params = ConfigParams.from_value(
        {"descriptor": "a:b:c:d:e", "connection": {"host": "h", "port": 5}, "conn": 1}
    )
    assert params.get_section_names() == ["descriptor", "connection", "conn"]
    assert params.get_section("connection") == {"host": "h", "port": 5}
    assert params.get_section("conn") == {}
    assert params.get_section("missing") == {}


def test_from_string_override_and_defaults() -> None:
    params = ConfigParams.from_string("a=1;b=x=y;c;;d=")
    assert params == {"a": "1", "b": "x=y", "c": None, "d": ""}
    assert params.override({"a": "2"})["a"] == "2"
    assert params.set_defaults({"a": "2", "z": "9"}) == {**params, "z": "9"}
    assert params["a"] == "1"


def test_repr_hides_secrets() -> None:
    params = ConfigParams.from_value({"credential": {"username": "u", "password": "hunter2"}})
    assert "hunter2" not in repr(params)
    assert "u" in repr(params)


def test_to_nested_round_trip() -> None:
    nested = {"options": {"a": 1, "b": {"c": 2}}}
    assert ConfigParams.from_value(nested).to_nested() == nested
