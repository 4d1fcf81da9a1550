"""``wirework schema``: a JSON Schema that the repository's own configs pass and typos fail."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from wirework.build import Factory
from wirework.cli import main
from wirework.config.schema._document import descriptor_pattern
from wirework.descriptor import Descriptor

ROOT = Path(__file__).parents[2]
HERE = Path(__file__).parent
REPOSITORY_CONFIGS = sorted([ROOT / "config" / "config.yml", *ROOT.glob("examples/**/*.yml")])


def printed_schema(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["schema", *args]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


@pytest.fixture
def validate(capsys: pytest.CaptureFixture[str]) -> Callable[[str], list[str]]:
    """``validate(yaml_text)``: the schema's complaints about a config, as written."""
    validator = jsonschema.Draft7Validator(printed_schema(capsys))

    def run(text: str) -> list[str]:
        document = yaml.safe_load(text)
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(document)
        ]

    return run


@pytest.mark.parametrize("path", REPOSITORY_CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_repositorys_configs_pass(path: Path, validate: Callable[[str], list[str]]) -> None:
    assert validate(path.read_text(encoding="utf-8")) == []


def test_the_repository_has_configs_to_check() -> None:
    assert len(REPOSITORY_CONFIGS) >= 4


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ("- descriptor: pip-services:logger:console:default:1.0\n  levle: info\n", "0"),
        (
            "- descriptor: pip-services:state-store:memory:x:1.0\n  options: {timout: 5}\n",
            "0/options",
        ),
        (
            "- descriptor: pip-services:state-store:redis:x:1.0\n  credential: {pasword: x}\n",
            "0/credential",
        ),
        ("- type: wirework.persistence.sql:IdentifiableSqlitePersistence\n  optoins: {}\n", "0"),
        ("- type: IdentifiableMemoryPersistence,wirework.persistence\n  path: x\n", "0"),
        ("x:\n  descriptor: pip-services:context-info:default:default:1.0\n  nmae: svc\n", "x"),
    ],
)
def test_a_misspelled_key_is_rejected(
    entry: str, where: str, validate: Callable[[str], list[str]]
) -> None:
    [error] = validate(entry)
    assert error.startswith(f"{where}: Additional properties are not allowed")


@pytest.mark.parametrize(
    "entry",
    [
        "- descriptor: pip-services:state-store:memory:x:1.0\n  options: {timeout: true}\n",
        "- descriptor: pip-services:state-store:memory:x:1.0\n  options: {timeout: '1.9'}\n",
        "- descriptor: pip-services:logger:console:default:1.0\n  level: off\n",
        "- descriptor: pip-services:logger:console:default:1.0\n  level: loud\n",
        "- descriptor: pip-services:state-store:redis:x:1.0\n  connection: {uri: 'http://x'}\n",
        "- descriptor: pip-services:state-store:postgres:x:1.0\n  options: {table: 'a-b'}\n",
        "- descriptor: wirework:entity-store:memory:x:1.0\n  connection: {uri: 'sqlite:///x'}\n",
        "- {descriptor: 'pip-services:state-store:memory:x:1.0', dependencies: x}\n",
        "- options: {timeout: 1}\n",  # neither descriptor nor type
    ],
)
def test_a_wrong_value_is_rejected(entry: str, validate: Callable[[str], list[str]]) -> None:
    assert validate(entry) != []


def test_markers_are_accepted_wherever_a_value_goes(validate: Callable[[str], list[str]]) -> None:
    text = (
        "- descriptor: pip-services:state-store:${BACKEND:-memory}:default:1.0\n"
        "  anything: here\n"  # the kind is unknown before interpolation: left open
        "- descriptor: pip-services:state-store:memory:x:1.0\n"
        "  options: {timeout: '${TIMEOUT:-1000}'}\n"
        "- descriptor: pip-services:logger:console:default:1.0\n"
        "  level: ${LOG_LEVEL}\n"
    )
    assert validate(text) == []


def test_a_config_without_a_schema_entry_is_open(validate: Callable[[str], list[str]]) -> None:
    assert validate("- type: myapp.things:Thing\n  colour: red\n  options: {x: 1}\n") == []


def test_an_entry_point_factory_is_covered(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema_components

    factory = Factory()
    factory.register_as_type("acme:widget:default:*:1.0", schema_components.Widget)
    factory.register_as_type("acme:widget-lazy:default:*:1.0", "schema_components:LazyWidget")
    factory.register("acme:opaque:default:*:1.0", lambda _: object())
    monkeypatch.setattr("wirework.cli._schema.discover_factories", lambda: [factory])
    validator = jsonschema.Draft7Validator(printed_schema(capsys))

    def errors(text: str) -> list[str]:
        return [e.message for e in validator.iter_errors(yaml.safe_load(text))]

    assert errors("- descriptor: acme:widget:default:w1:1.0\n  options: {interval: 5}\n") == []
    assert errors("- descriptor: acme:widget:default:w1:1.0\n  options: {intervall: 5}\n")
    assert errors("- descriptor: acme:widget-lazy:default:w1:1.0\n  options: {mode: 1}\n")
    assert errors("- descriptor: acme:opaque:default:o:1.0\n  whatever: 1\n") == []


def test_a_later_factory_wins_as_it_does_in_the_container(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema_components

    factory = Factory()  # replaces the console logger with a widget
    factory.register_as_type("pip-services:logger:console:*:1.0", schema_components.Widget)
    monkeypatch.setattr("wirework.cli._schema.discover_factories", lambda: [factory])
    validator = jsonschema.Draft7Validator(printed_schema(capsys))
    widget = "- descriptor: pip-services:logger:console:default:1.0\n  options: {interval: 5}\n"
    logger = "- descriptor: pip-services:logger:console:default:1.0\n  level: info\n"
    assert list(validator.iter_errors(yaml.safe_load(widget))) == []
    assert list(validator.iter_errors(yaml.safe_load(logger))) != []


def test_a_config_adds_the_classes_its_type_entries_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "svc.yml"
    config.write_text("- type: schema_components:Widget\n")
    validator = jsonschema.Draft7Validator(
        printed_schema(capsys, "-c", str(config), "--app-dir", str(HERE))
    )
    good = yaml.safe_load("- type: schema_components:Widget\n  options: {interval: 5}\n")
    bad = yaml.safe_load("- type: schema_components:Widget\n  options: {interval: x}\n")
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors(bad)) != []


def test_an_unimportable_type_is_left_open_with_a_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "svc.yml"
    config.write_text("- type: no_such_module_xyz:Thing\n")
    assert main(["schema", "-c", str(config)]) == 0
    captured = capsys.readouterr()
    assert "no_such_module_xyz:Thing is left open in the schema" in captured.err
    json.loads(captured.out)


def test_a_config_that_cannot_be_read_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["schema", "-c", str(tmp_path / "missing.yml")]) == 1
    assert "config file not found" in capsys.readouterr().err


# -- descriptor patterns and regexes editors can run ----------------------------------------
def test_a_descriptor_pattern_takes_the_fields_and_wildcards() -> None:
    pattern = re.compile(
        descriptor_pattern(Descriptor("pip-services", "logger", "console", "*", "1.0"))
    )
    assert pattern.match("pip-services:logger:console:default:1.0")
    assert pattern.match("pip-services:logger:*:x:1.0")  # a config may write * in any field
    assert not pattern.match("pip-services:logger:null:default:1.0")
    assert not pattern.match("pip-services:logger:console:default:1x0")  # the dot is literal
    assert not pattern.match("pip-services:logger:console:a:b:1.0")


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_every_pattern_uses_only_escapes_ecmascript_accepts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    patterns = _patterns(printed_schema(capsys))
    assert len(patterns) > 10
    for pattern in patterns:  # in unicode mode only syntax characters may be escaped
        for escaped in re.findall(r"\\(.)", pattern):
            assert escaped in "\\^$.|?*+()[]{}/dDwWsS", (pattern, escaped)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_pattern_compiles_in_javascript(capsys: pytest.CaptureFixture[str]) -> None:
    patterns = sorted(set(_patterns(printed_schema(capsys))))
    script = "for (const p of JSON.parse(process.argv[1])) new RegExp(p, 'u');"
    subprocess.run(["node", "-e", script, json.dumps(patterns)], check=True, timeout=60)
