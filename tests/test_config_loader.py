from pathlib import Path

import pytest

from wirework.config import load_config, parse_config
from wirework.descriptor import Descriptor
from wirework.errors import ConfigError

CONFIG = """\
# a comment with ${NOT_A_VARIABLE}
- descriptor: pip-services:logger:console:default:1.0
  level: info

- descriptor: pip-services:state-store:${STATE_BACKEND:-memory}:default:1.0
  options: { timeout: 60000 }
- type: myapp.things:Thing
  port: ${PORT:-8080}
  quoted: "${PORT:-8080}"
  url: http://${HOST:-localhost}:${PORT:-8080}/x
"""


def test_entries_keep_their_line_and_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STATE_BACKEND", raising=False)
    specs = parse_config(CONFIG, "svc.yml")
    assert [s.source for s in specs] == ["svc.yml:2", "svc.yml:5", "svc.yml:7"]
    assert specs[0].descriptor == Descriptor.from_string("pip-services:logger:console:default:1.0")
    assert specs[0].config["level"] == "info"
    assert specs[1].descriptor is not None
    assert specs[1].descriptor.kind == "memory"
    assert specs[1].config.get_as_integer("options.timeout") == 60000
    assert specs[2].type == "myapp.things:Thing"
    assert specs[2].label == "myapp.things:Thing"


def test_lone_marker_takes_yaml_typing_unless_quoted() -> None:
    spec = parse_config(CONFIG, "svc.yml")[2]
    assert spec.config["port"] == 8080
    assert spec.config["quoted"] == "8080"
    assert spec.config["url"] == "http://localhost:8080/x"


def test_parameters_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATE_BACKEND", "redis")
    monkeypatch.setenv("PORT", "1")
    specs = parse_config(CONFIG, "svc.yml", {"PORT": 9090})
    assert specs[1].descriptor is not None
    assert specs[1].descriptor.kind == "redis"
    assert specs[2].config["port"] == 9090


def test_value_cannot_inject_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEVEL", "debug\n  injected: true")
    spec = parse_config("- descriptor: a:b:c:d:1.0\n  level: ${LEVEL}\n", "x.yml")[0]
    assert spec.config["level"] == "debug\n  injected: true"
    assert "injected" not in spec.config


def test_all_missing_variables_are_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DB_URL", "API_KEY"):
        monkeypatch.delenv(name, raising=False)
    text = (
        "- descriptor: a:b:c:d:1.0\n"
        "  url: ${DB_URL}\n"
        "- descriptor: a:b:c:e:1.0\n"
        "  key: ${API_KEY:?ask the ops team}\n"
    )
    with pytest.raises(ConfigError) as info:
        parse_config(text, "svc.yml")
    message = str(info.value)
    assert "2 missing variables" in message
    assert "(svc.yml:2): variable ${DB_URL} is not set" in message
    assert "(svc.yml:4): variable ${API_KEY} is not set: ask the ops team" in message
    assert "-p NAME=VALUE" in message


def test_escaped_dollar_and_empty_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X", raising=False)
    spec = parse_config("- descriptor: a:b:c:d:1.0\n  v: $${X}\n  w: ${X:-}\n", "x.yml")[0]
    assert spec.config["v"] == "${X}"
    assert spec.config["w"] == ""


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigError, match=r"x\.yml:3: invalid YAML") as info:
        parse_config("- descriptor: a:b:c:d:1.0\n  level: info\n   bad: [\n", "x.yml")
    assert isinstance(info.value.__cause__, Exception)


def test_entry_without_descriptor_suggests_the_typo() -> None:
    with pytest.raises(ConfigError, match="neither 'descriptor:' nor 'type:'") as info:
        parse_config("- descriptr: a:b:c:d:1.0\n", "x.yml")
    assert "x.yml:1" in str(info.value)
    assert "'descriptr'" in str(info.value)


def test_malformed_descriptor_names_the_line() -> None:
    with pytest.raises(ConfigError, match=r"x\.yml:2: descriptor 'a:b:c' is malformed"):
        parse_config("- descriptor: a:b:c:d:1.0\n- descriptor: a:b:c\n", "x.yml")


def test_top_level_must_be_a_list_or_map() -> None:
    with pytest.raises(ConfigError, match="top level must be a list"):
        parse_config("just a string\n", "x.yml")
    with pytest.raises(ConfigError, match="must be a map"):
        parse_config("- 12\n", "x.yml")


def test_top_level_map() -> None:
    specs = parse_config("logger:\n  descriptor: a:logger:c:d:1.0\n", "x.yml")
    assert specs[0].source == "x.yml:2"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yml")


def test_load_config_from_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("- descriptor: a:b:c:d:1.0\n")
    assert load_config(path)[0].source == f"{path}:1"


TRICKY = """\
- descriptor: a:b:c:d:1.0
  octal: 0123
  underscored: 1_000
  hex: 0x1A
  sexagesimal: 190:20:30
  negative: -5
  zero: 0
  yes_word: yes
  tilde: ~
  exp: 1.5e3
  date: 2001-12-14
  set: !!set {x}
  nested: [1, {n: 2}]
  anchor: &A {p: 1}
  merged: {<<: *A, r: 2}
  quoted: "123"
"""


def test_values_are_exactly_what_safe_load_gives() -> None:
    import yaml

    from wirework.config import ConfigParams

    expected = ConfigParams.from_value(yaml.safe_load(TRICKY)[0])
    assert parse_config(TRICKY, "x.yml")[0].config == expected


def test_unsafe_tags_are_refused_with_the_line() -> None:
    text = "- descriptor: a:b:c:d:1.0\n  x: !!python/object/apply:os.system ['echo hi']\n"
    with pytest.raises(ConfigError, match=r"x\.yml:2: invalid YAML") as info:
        parse_config(text, "x.yml")
    assert "python/object/apply" in str(info.value)


def test_every_key_knows_its_own_line() -> None:
    text = (
        "- descriptor: a:b:c:d:1.0\n"
        "  options:\n"
        "    timeout: 5\n"
        "    list:\n"
        "      - x\n"
        "      - y\n"
        "  level: info\n"
    )
    spec = parse_config(text, "svc.yml")[0]
    assert spec.source_of("options") == "svc.yml:2"
    assert spec.source_of("options.timeout") == "svc.yml:3"
    assert spec.source_of("options.list.1") == "svc.yml:6"
    assert spec.source_of("level") == "svc.yml:7"
    assert spec.source_of("options.timeout.deeper") == "svc.yml:3"
    assert spec.source_of("nowhere") == "svc.yml:1"
