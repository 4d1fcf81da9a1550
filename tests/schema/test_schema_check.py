"""Checking entries against their schemas: messages, lines, hints, hostile values."""

from __future__ import annotations

import math
import textwrap
import traceback
from pathlib import Path
from typing import Any

import pytest

from wirework.cli import main
from wirework.config import ConfigParams, parse_config
from wirework.container import BuildError, Container
from wirework.errors import ConfigError, ConfigProblems
from wirework.state import MemoryStateStore

MEMORY = "pip-services:state-store:memory:default:1.0"
CONSOLE = "pip-services:logger:console:default:1.0"
REDIS = "pip-services:state-store:redis:default:1.0"


def problems(text: str) -> list[str]:
    """Every problem ``check`` reports for the config ``text`` (read as ``svc.yml``)."""
    container = Container()
    container.config = parse_config(textwrap.dedent(text), "svc.yml")
    with pytest.raises(BuildError) as info:
        container.check()
    return [str(problem) for problem in info.value.problems]


def accepted(text: str) -> Container:
    container = Container()
    container.config = parse_config(textwrap.dedent(text), "svc.yml")
    container.check()
    return container


# -- unknown keys, at every level, with the nearest known key ---------------------------------
@pytest.mark.parametrize(
    ("text", "key", "line", "suggestion"),
    [
        (f"- descriptor: {CONSOLE}\n  levle: debug\n", "levle", 2, "level"),
        (f"- descriptor: {MEMORY}\n  optoins:\n    timeout: 5\n", "optoins", 2, "options"),
        (
            f"- descriptor: {MEMORY}\n  options:\n    timout: 60000\n",
            "options.timout",
            3,
            "options.timeout",
        ),
        (
            f"- descriptor: {REDIS}\n  credential:\n    pasword: x\n",
            "credential.pasword",
            3,
            "credential.password",
        ),
        (f"- descriptor: {MEMORY}\n  dependecies: {{a: b}}\n", "dependecies", 2, "dependencies"),
        (f"- descriptor: {MEMORY}\n  timeout: 5\n", "timeout", 2, "options.timeout"),
    ],
)
def test_an_unknown_key_names_its_line_and_the_key_meant(
    text: str, key: str, line: int, suggestion: str
) -> None:
    [problem] = problems(text)
    assert problem.startswith("pip-services:")
    assert f"(svc.yml:{line}): unknown key {key}\n" in problem + "\n"
    assert f"hint: did you mean {suggestion}?" in problem


def test_a_key_with_no_near_miss_lists_what_the_section_accepts() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    zzz: 1\n")
    assert "unknown key options.zzz" in problem
    assert "hint: keys accepted in options: timeout" in problem


# -- wrong types: key, expected type with its unit, the value -------------------------------
@pytest.mark.parametrize(
    ("value", "shown", "hint"),
    [
        ("true", "true (a boolean)", "never as numbers"),
        ("1.5", "1.5 (a number)", "whole numbers only"),
        ('"1.9"', "'1.9' (text)", "write it without quotes"),
        ("[1]", "[1] (a list)", None),
        ("{a: 1}", "{'a': 1} (a map)", None),
        (".inf", "inf (a number)", "whole numbers only"),
        ("-1", "-1 (a whole number)", None),
        ("soon", "'soon' (text)", None),
    ],
)
def test_a_timeout_of_the_wrong_type_is_refused_naming_the_unit(
    value: str, shown: str, hint: str | None
) -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    timeout: {value}\n")
    assert (
        f"{MEMORY} (svc.yml:3): options.timeout: expected a whole number of milliseconds "
        f"from 0 to 1,000,000,000,000, got {shown}"
    ) in problem
    if hint is not None:
        assert hint in problem


@pytest.mark.parametrize("word", ["off", "no", "false", "Off"])
def test_level_off_explains_the_yaml_boolean_and_the_fix(word: str) -> None:
    [problem] = problems(f"- descriptor: {CONSOLE}\n  level: {word}\n")
    assert f"{CONSOLE} (svc.yml:2): level: log level is the boolean false" in problem
    assert "YAML reads unquoted off, no, false" in problem
    assert 'hint: quote it (level: "off")' in problem


def test_a_quoted_off_turns_logging_off() -> None:
    container = accepted(f"- descriptor: {CONSOLE}\n  level: 'off'\n")
    container.open()
    try:
        [logger] = container.references.get_optional(CONSOLE)
        assert logger.level == 0
    finally:
        container.close()


def test_a_value_meant_as_text_suggests_quoting_it() -> None:
    [problem] = problems(f"- descriptor: {REDIS}\n  options:\n    key_prefix: 12\n")
    assert "options.key_prefix: expected text, got 12 (a whole number)" in problem
    assert "hint: quote it to keep it text" in problem


def test_a_section_given_a_scalar_is_refused() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options: 5\n")
    assert "(svc.yml:2): options: expected a map, got 5 (a whole number)" in problem


# -- secrets ---------------------------------------------------------------------------------
def test_a_secret_value_is_never_shown() -> None:
    found = problems(
        f"""\
        - descriptor: {REDIS}
          connection:
            uri: postgresql://app:hunter2@db/app
          credential:
            password: [hunter3]
            pass: 4
        """
    )
    text = "\n".join(found)
    assert "hunter2" not in text
    assert "hunter3" not in text
    assert "4 (" not in text
    assert "connection.uri: must start with redis://, rediss:// or unix://, got scheme" in text
    assert "credential.password: expected text, got a value that is not shown (secret)" in text
    assert "credential.pass: expected text, got a value that is not shown (secret)" in text


def test_a_wrongly_typed_key_named_like_a_secret_hides_its_value_too() -> None:
    # Not declared secret by the schema, but named like one: still hidden.
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    token: hunter2\n")
    assert "hunter2" not in problem


# -- every problem of the file at once, in file order ---------------------------------------
def test_every_problem_of_the_file_is_reported_at_once_in_line_order() -> None:
    found = problems(
        f"""\
        - descriptor: {CONSOLE}
          level: loud
          sorce: x
        - descriptor: {MEMORY}
          options:
            timeout: true
        - descriptor: {REDIS}
          connection:
            port: "6379"
          options:
            max_connections: 0
        """
    )
    assert [p.split("): ", 1)[0].rsplit(":", 1)[1] for p in found] == ["2", "3", "6", "9", "11"]
    assert "unknown log level 'loud'" in found[0]
    assert "did you mean source?" in found[1]


# -- what a null means, lists, clashing keys --------------------------------------------------
def test_a_null_value_means_not_given() -> None:
    container = accepted(f"- descriptor: {MEMORY}\n  options:\n    timeout:\n  connection:\n")
    container.open()
    try:
        [store] = container.references.get_optional(MEMORY)
        assert store._timeout == 0  # the default: never expire
    finally:
        container.close()


def test_lists_are_rebuilt_from_their_index_keys() -> None:
    container = accepted(
        """\
        - descriptor: pip-services:context-info:default:default:1.0
          properties:
            tags: [a, b]
            nested: [{x: 1}, {y: [2, 3]}]
        """
    )
    container.open()
    try:
        info = container.info
        assert info.properties == {"tags": ["a", "b"], "nested": [{"x": 1}, {"y": [2, 3]}]}
    finally:
        container.close()


def test_a_key_given_as_value_and_section_is_refused() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options: 5\n  options.timeout: 1\n")
    assert "options is given both as a value and as a section of keys" in problem


# -- hostile values ---------------------------------------------------------------------------
def test_a_huge_value_is_clipped_in_the_message() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    timeout: {'9' * 5000}x\n")
    assert len(problem) < 400


def test_a_deep_value_is_refused_without_recursing_through_it() -> None:
    deep = "[" * 60 + "]" * 60  # deeper than the schema's 32 levels, within the loader's 100
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    timeout: {deep}\n")
    assert "(svc.yml:3): options.timeout.0.0" in problem  # the list, flattened to index keys
    assert "is nested more than 32 levels deep" in problem
    assert len(problem) < 400


def test_a_value_a_few_levels_deep_is_refused_as_a_value() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    timeout: [[[1]]]\n")
    assert (
        "options.timeout: expected a whole number of milliseconds from 0 to 1,000,000,000,000, "
        "got [[[...]]] (a" in problem
    )


def test_a_key_nested_too_deep_is_refused_not_recursed_through() -> None:
    deep = ".".join(["a"] * 3000)
    with pytest.raises(ConfigProblems, match="is nested more than 32 levels deep"):
        MemoryStateStore().configure(ConfigParams({f"options.{deep}.0": 1}))


def test_a_huge_unknown_key_is_clipped_in_the_message() -> None:
    with pytest.raises(ConfigProblems) as info:
        MemoryStateStore().configure(ConfigParams({"options." + "x" * 100_000: 1}))
    assert len(str(info.value)) < 300


def test_a_control_character_in_a_key_is_shown_escaped() -> None:
    with pytest.raises(ConfigProblems, match=r"unknown key op\\ntions"):
        MemoryStateStore().configure(ConfigParams({"op\ntions": 1}))


def test_a_non_ascii_key_is_reported_as_written() -> None:
    [problem] = problems(f"- descriptor: {MEMORY}\n  options:\n    tïmeout: 5\n")
    assert "unknown key options.tïmeout" in problem
    assert "did you mean options.timeout?" in problem


# -- direct use: configure without a container shares the same checks ----------------------
@pytest.mark.parametrize("bad", [True, 1.5, "1.9", [1], {"a": 1}, math.inf])
def test_configure_called_directly_refuses_coercion(bad: Any) -> None:
    with pytest.raises(ConfigProblems) as info:
        MemoryStateStore().configure(ConfigParams({"options.timeout": bad}))
    assert str(info.value).startswith("1 problem in the config of MemoryStateStore:\n")
    [problem] = info.value.problems
    assert isinstance(problem, ConfigError)
    assert (
        "options.timeout: expected a whole number of milliseconds from 0 to 1,000,000,000,000"
        in str(problem)
    )


def test_configure_called_directly_ignores_the_containers_keys() -> None:
    store = MemoryStateStore()
    store.configure(ConfigParams({"descriptor": MEMORY, "alias": "store", "options.timeout": 5}))
    assert store._timeout == 0.005


def test_a_secret_stays_out_of_the_debug_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "svc.yml"
    config.write_text(f"- descriptor: {REDIS}\n  credential:\n    password: 987654321\n")
    assert main(["check", "-c", str(config), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "credential.password: expected text" in err
    assert "987654321" not in err


def test_a_secret_stays_out_of_a_direct_configures_traceback() -> None:
    from wirework.state import RedisStateStore

    secret = 987654321
    with pytest.raises(ConfigProblems) as info:
        RedisStateStore().configure(ConfigParams({"credential.password": secret}))
    shown = traceback.TracebackException.from_exception(info.value)  # what a traceback prints
    messages = []
    while shown is not None:
        messages.append("".join(shown.format_exception_only()))
        shown = shown.__cause__ or (None if shown.__suppress_context__ else shown.__context__)
    assert "credential.password: expected text" in messages[0]
    assert not any(str(secret) in message for message in messages)
