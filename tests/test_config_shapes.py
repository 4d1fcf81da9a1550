"""The shape of a config file: what it must look like, and what a near miss is told."""

from pathlib import Path

import pytest
import yaml

from wirework.config import ConfigParams, load_config, parse_config
from wirework.errors import ConfigError


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "svc.yml")
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "svc.yml: no components: the file is empty (or holds only comments)"),
        ("# only a comment\n\n", "svc.yml: no components: the file is empty"),
        ("---\n", "svc.yml:2: no components: the document is empty"),
        ("~\n", "svc.yml:1: no components: the document is empty"),
        ("[]\n", "svc.yml:1: no components: the top level is an empty list"),
        ("{}\n", "svc.yml:1: no components: the top level is an empty map"),
    ],
)
def test_a_config_without_components_is_an_error(text: str, expected: str) -> None:
    message = error_of(text)
    assert message.startswith(expected)
    assert "- descriptor: group:type:kind:name:version" in message


@pytest.mark.parametrize(
    ("value", "got"),
    [("[a, b]", "a list"), ("{a: b}", "a map"), ("12", "int '12'"), ("", "nothing")],
)
def test_descriptor_must_be_a_string(value: str, got: str) -> None:
    message = error_of(f"- level: info\n  descriptor: {value}\n")
    assert message == (
        f"svc.yml:2: 'descriptor:' must be a string 'group:type:kind:name:version', got {got}"
    )


def test_type_must_be_a_string() -> None:
    message = error_of("- type: [a, b]\n")
    assert message == "svc.yml:1: 'type:' must be a string 'package.module:Class', got a list"


@pytest.mark.parametrize(("value", "got"), [('"x"', "str 'x'"), ("[x]", "a list"), ("3", "int")])
def test_dependencies_must_be_a_map(value: str, got: str) -> None:
    message = error_of(f"- descriptor: a:b:c:d:1.0\n  level: info\n  dependencies: {value}\n")
    assert message.startswith("a:b:c:d:1.0 (svc.yml:3): 'dependencies:' must be a map")
    assert got in message


def test_dependencies_map_or_empty_is_accepted() -> None:
    specs = parse_config(
        "- descriptor: a:b:c:d:1.0\n  dependencies:\n"
        "- descriptor: a:b:c:e:1.0\n  dependencies: {'0': a:b:c:d:1.0}\n",
        "svc.yml",
    )
    assert specs[1].config["dependencies.0"] == "a:b:c:d:1.0"


def test_forgotten_dash_at_the_top_reads_as_a_map() -> None:
    message = error_of("descriptor: pip-services:logger:console:default:1.0\nlevel: info\n")
    assert message.startswith(
        "svc.yml:1: 'descriptor:' at the top level: the file reads as one map, "
        "not a list of entries"
    )
    assert "did you forget the '- ' before the entry?" in message


def test_forgotten_dash_after_an_entry_is_a_yaml_error_with_the_hint() -> None:
    message = error_of("- descriptor: a:b:c:d:1.0\n  level: info\ndescriptor: x:y:z:w:1.0\n")
    assert message.startswith("svc.yml:3: invalid YAML")
    assert "did you forget the '- ' before this entry?" in message


def test_forgotten_dash_inside_an_entry_is_a_duplicate_descriptor() -> None:
    message = error_of("- descriptor: a:b:c:d:1.0\n  level: info\n  descriptor: x:y:z:w:1.0\n")
    assert message.startswith(
        "a:b:c:d:1.0 (svc.yml:3): duplicate key 'descriptor' at lines 1 and 3"
    )
    assert "did you forget the '- ' before a second entry?" in message


def test_top_level_map_of_scalars_says_entries_are_expected() -> None:
    message = error_of("logger: pip-services:logger:console:default:1.0\n")
    assert message.startswith(
        "svc.yml:1: top-level key 'logger' holds 'pip-services:logger:console:default:1.0', "
        "not a component entry"
    )
    assert "did you forget the '- '" in message
    secret = error_of("password: hunter2\n")
    assert secret.startswith("svc.yml:1: top-level key 'password' holds a value (not shown")
    assert "hunter2" not in secret


def test_duplicate_keys_at_any_depth_name_both_lines() -> None:
    message = error_of(
        "- descriptor: a:b:c:d:1.0\n"
        "  options:\n"
        "    nested:\n"
        "      timeout: 1\n"
        "      retries: 2\n"
        "      timeout: 3\n"
    )
    assert message.startswith(
        "a:b:c:d:1.0 (svc.yml:6): duplicate key 'options.nested.timeout' at lines 4 and 6"
    )
    assert error_of("- {descriptor: a:b:c:d:1.0, level: a, level: b}\n").startswith(
        "a:b:c:d:1.0 (svc.yml:1): duplicate key 'level' at lines 1 and 1"
    )


def test_a_dotted_key_colliding_with_a_nested_one_is_a_duplicate() -> None:
    message = error_of(
        "- descriptor: a:b:c:d:1.0\n  options.timeout: 1\n  options:\n    timeout: 2\n"
    )
    assert "duplicate key 'options.timeout' at lines 2 and 4" in message


def test_duplicate_entry_names_in_a_top_level_map() -> None:
    message = error_of(
        "store:\n  descriptor: a:b:c:d:1.0\nlogger:\n  type: x:Y\nstore:\n  type: x:Z\n"
    )
    assert message.startswith("svc.yml:5: duplicate entry name 'store' at lines 1 and 5")


def test_merges_keep_working_and_explicit_keys_win() -> None:
    text = (
        "- descriptor: a:b:c:d:1.0\n"
        "  defaults: &defaults {timeout: 5, retries: 2, nested: {a: 1}}\n"
        "  options:\n"
        "    <<: *defaults\n"
        "    timeout: 6\n"
        "- <<: [*defaults, {retries: 9, extra: 1}]\n"
        "  descriptor: a:b:c:e:1.0\n"
        "- &entry\n"
        "  descriptor: a:b:c:f:1.0\n"
        "  shared: &shared [1, {x: 2}]\n"
        "  again: *shared\n"
    )
    specs = parse_config(text, "svc.yml")
    expected = [ConfigParams.from_value(entry) for entry in yaml.safe_load(text)]
    assert [specs[0].config, specs[2].config] == [expected[0], expected[2]]
    assert specs[0].config["options.timeout"] == 6
    assert specs[2].config["again.1.x"] == 2
    # The merge-key spec: "keys in mapping nodes earlier in the sequence override keys
    # specified in later mapping nodes" (PyYAML 6 decides by the key string's identity).
    assert specs[1].config == {
        "timeout": 5,
        "retries": 2,
        "nested.a": 1,
        "extra": 1,
        "descriptor": "a:b:c:e:1.0",
    }


def test_merge_of_a_scalar_is_an_error_with_its_line() -> None:
    message = error_of("- descriptor: a:b:c:d:1.0\n  options:\n    <<: 5\n")
    assert message.startswith("svc.yml:3: '<<' merges a map or a list of maps")


def test_non_utf8_file_says_where_the_bad_byte_is(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_bytes(b"- descriptor: a:b:c:d:1.0\n  name: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(
        f"{path}:2: the file is not UTF-8: byte 0xe9 at line 2, column 12 is not valid UTF-8"
    )
    assert isinstance(info.value.__cause__, UnicodeDecodeError)


def test_utf16_file_is_refused_and_utf8_bom_is_accepted(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.yml"
    utf16.write_text("- descriptor: a:b:c:d:1.0\n", encoding="utf-16")
    with pytest.raises(ConfigError, match=r"utf16\.yml:1: the file is not UTF-8: byte 0xff"):
        load_config(utf16)
    bom = tmp_path / "bom.yml"
    bom.write_text("- descriptor: a:b:c:d:1.0\n", encoding="utf-8-sig")
    assert load_config(bom)[0].config["descriptor"] == "a:b:c:d:1.0"


def test_control_characters_and_surrogates_name_their_line() -> None:
    assert error_of("- descriptor: a:b:c:d:1.0\n  x: a\x00b\n").startswith(
        "svc.yml:2: invalid YAML: character '\\x00' is not allowed"
    )
    assert error_of("- descriptor: a:b:c:d:1.0\n  x: \ud800\n").startswith(
        "svc.yml:2: the text is not valid Unicode"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2001-13-45", "svc.yml:2: invalid timestamp value '2001-13-45': month must be in 1..12"),
        ("!!int ''", "svc.yml:2: invalid int value ''"),
        ("!!float abc", "svc.yml:2: invalid float value 'abc'"),
        ("9" * 1001, "svc.yml:2: invalid int value '999"),
        ("0x" + "f" * 900, "svc.yml:2: invalid int value '0xfff"),
    ],
)
def test_bad_scalars_are_config_errors_with_their_line(value: str, message: str) -> None:
    assert error_of(f"- descriptor: a:b:c:d:1.0\n  x: {value}\n").startswith(message)


def test_bad_scalar_in_a_secret_key_is_not_quoted() -> None:
    text = error_of("- descriptor: a:b:c:d:1.0\n  credential:\n    password: !!int s3cr3t\n")
    assert text.startswith("svc.yml:3: invalid int value (not shown: the key holds a secret)")
    assert "s3cr3t" not in text
