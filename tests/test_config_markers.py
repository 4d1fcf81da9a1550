"""``${...}`` markers: the supported forms work, every other marker-like form is an error."""

import pytest

from wirework.config import parse_config
from wirework.errors import ConfigError

ENTRY = "- descriptor: a:b:c:d:1.0\n"


def load_one(body: str) -> dict[str, object]:
    return dict(parse_config(ENTRY + body, "svc.yml")[0].config)


def problem_text(body: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(ENTRY + body, "svc.yml")
    return str(info.value)


@pytest.mark.parametrize(
    ("value", "line_of_message"),
    [
        ("${1A}", "(svc.yml:2): malformed marker '${1A}': a variable name starts with a letter"),
        ("${A", "(svc.yml:2): unterminated marker '${A': '}' is missing"),
        ("x ${} y", "(svc.yml:2): empty marker '${}'"),
        ("${A B}", "(svc.yml:2): malformed marker '${A B}'"),
        ("${A-x}", "(svc.yml:2): malformed marker '${A-x}'"),
        ("${A:-${B}}", "(svc.yml:2): nested marker in '${A:-${B}'"),
    ],
)
def test_malformed_markers_name_their_line(value: str, line_of_message: str) -> None:
    text = problem_text(f"  v: {value}\n")
    assert line_of_message in text
    assert "write ${NAME} or ${NAME:-default}" in text or "nested" in text


def test_dependency_injector_form_hints_the_wirework_form() -> None:
    text = problem_text("  uri: ${STATE_URI:redis://localhost}\n")
    assert (
        "(svc.yml:2): '${STATE_URI:redis://localhost}' is the dependency-injector form; "
        "wirework reads ${STATE_URI:-redis://localhost}"
    ) in text


def test_bare_dollar_variable_hints_the_marker_and_the_literal() -> None:
    text = problem_text("  v: http://$HOST/x\n")
    assert "(svc.yml:2): '$HOST' is not a marker wirework reads" in text
    assert "write ${HOST} or ${HOST:-default} (or $$HOST for a literal '$')" in text


def test_pip_services_form_is_an_error_quoted_or_inside_text() -> None:
    text = problem_text("  a: '{{STATE_URI}}'\n  b: redis://{{ HOST }}:6379\n")
    assert "(svc.yml:2): '{{STATE_URI}}' is the Pip.Services form" in text
    assert "write ${STATE_URI} or ${STATE_URI:-default}" in text
    assert "(svc.yml:3): '{{ HOST }}' is the Pip.Services form" in text


def test_unquoted_pip_services_form_is_a_yaml_map_and_gets_the_same_hint() -> None:
    text = problem_text("  uri: {{STATE_URI}}\n")
    assert "svc.yml:2:" in text
    assert "{{STATE_URI}} is the Pip.Services form; wirework reads ${STATE_URI}" in text


def test_every_marker_problem_and_missing_variable_is_reported_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("UNSET_ONE", raising=False)
    monkeypatch.delenv("UNSET_TWO", raising=False)
    text = problem_text(
        "  a: ${1A}\n"
        "  b: ${UNSET_ONE}\n"
        "- descriptor: a:b:c:e:1.0\n"
        "  c: $VAR\n"
        "  d: ${UNSET_TWO:?ask ops}\n"
    )
    assert text.startswith("svc.yml: 4 problems with ${...} markers:")
    for expected in (
        "(svc.yml:2): malformed marker",
        "(svc.yml:3): variable ${UNSET_ONE} is not set",
        "(svc.yml:5): '$VAR' is not a marker",
        "(svc.yml:6): variable ${UNSET_TWO} is not set: ask ops",
    ):
        assert expected in text
    assert "-p NAME=VALUE" in text


def test_double_dollar_is_a_literal_dollar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAR", "not used")
    config = load_one("  a: $$VAR\n  b: pa$$$$word\n  c: cost $5\n  d: '$$'\n  e: a$\n")
    assert config["a"] == "$VAR"
    assert config["b"] == "pa$$word"
    assert config["c"] == "cost $5"  # '$' before a digit is not a variable
    assert config["d"] == "$"
    assert config["e"] == "a$"


def test_secret_values_are_not_quoted_in_marker_errors() -> None:
    text = problem_text(
        "  credential:\n    password: pa$sword\n  connection:\n    uri: redis://u:x$yz@h:6379\n"
    )
    assert "(svc.yml:3): a '$' or '{{' in a secret value (not shown)" in text
    assert "(svc.yml:5): a '$' or '{{' in a secret value (not shown)" in text
    assert "sword" not in text
    assert "yz" not in text


def test_env_values_take_scalar_typing_only(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "V_INT": ("42", 42),
        "V_HEX": ("0x1A", 26),
        "V_FLOAT": ("1.5", 1.5),
        "V_BOOL": ("yes", True),
        "V_NULL": ("~", None),
        "V_LIST": ("[1, 2]", "[1, 2]"),
        "V_MAP": ("{a: 1}", "{a: 1}"),
        "V_BRACKETS": ("[" * 2000, "[" * 2000),
        "V_DATE": ("2001-12-14", "2001-12-14"),
        "V_TEXT": ("debug\n  injected: true", "debug\n  injected: true"),
    }
    body = ""
    for name, (raw, _) in values.items():
        monkeypatch.setenv(name, raw)
        body += f"  {name.lower()}: ${{{name}}}\n"
    config = load_one(body)
    for name, (_, expected) in values.items():
        assert config[name.lower()] == expected, name
        assert type(config[name.lower()]) is type(expected), name


def test_quoted_or_embedded_markers_stay_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8080")
    config = load_one("  a: '${PORT}'\n  b: port ${PORT}\n")
    assert config == {"descriptor": "a:b:c:d:1.0", "a": "8080", "b": "port 8080"}


def test_huge_integer_from_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUGE", "9" * 5000)
    text = problem_text("  n: ${HUGE}\n")
    assert "(svc.yml:2): the value of ${HUGE} is an integer" in text
    assert "more than 1,000 digits" in text


def test_default_and_required_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNSET_X", raising=False)
    monkeypatch.setenv("EMPTY_X", "")
    config = load_one("  a: ${UNSET_X:-7}\n  b: ${EMPTY_X:-fallback}\n  c: ${EMPTY_X}\n")
    assert config["a"] == 7
    assert config["b"] == "fallback"
    assert config["c"] == ""
