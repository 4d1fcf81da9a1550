"""Every built-in declares its keys; third-party components declare theirs, or keep today's
behaviour; the container validates each entry once, before configure."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schema_components
from pydantic import BaseModel
from schema_components import WidgetConfig

from wirework.build import load_type
from wirework.config import ConfigParams, parse_config
from wirework.config.schema import hand_over, schema_of, take_back
from wirework.container import BUILT_INS, BuildError, Container
from wirework.container._defaults import BY_TYPE_ONLY
from wirework.container._engine import unwind

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    schema_components.CONFIGURED.clear()
    yield
    schema_components.CONFIGURED.clear()


def built(text: str, tmp_path: Path) -> Container:
    container = Container()
    container.config = parse_config(textwrap.dedent(text), str(tmp_path / "svc.yml"))
    return container


def refused(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildError) as info:
        built(text, tmp_path).check()
    return [str(problem) for problem in info.value.problems]


# -- every built-in has a schema, and it is strict ------------------------------------------
ALL_BUILT_INS = sorted({*BUILT_INS.values(), *BY_TYPE_ONLY})


@pytest.mark.parametrize("path", ALL_BUILT_INS)
def test_every_built_in_declares_a_strict_schema(path: str) -> None:
    model = schema_of(load_type(path))
    assert model is not None
    assert issubclass(model, BaseModel)
    assert model.model_config.get("extra") == "forbid"
    assert model.model_config.get("strict") is True


# A valid entry per built-in (body under its descriptor or type), and what it must set.
GOOD: list[tuple[str, str, Callable[[Any], bool]]] = [
    (
        "descriptor: pip-services:context-info:default:default:1.0",
        "name: svc\n  description: d\n  properties: {team: a}",
        lambda c: c.name == "svc" and c.properties == {"team": "a"},
    ),
    (
        "descriptor: pip-services:context-info:default:default:1.0",
        "info:\n    name: old-style",
        lambda c: c.name == "old-style",
    ),
    (
        "descriptor: pip-services:logger:console:default:1.0",
        "level: debug\n  source: me",
        lambda c: c.level == 5 and c.source == "me",
    ),
    ("descriptor: pip-services:logger:null:default:1.0", "level: 0", lambda c: c.level == 0),
    (
        "descriptor: pip-services:logger:composite:default:1.0",
        "level: WARN",
        lambda c: c.level == 3,
    ),
    (
        "descriptor: pip-services:logger:stdlib:default:1.0",
        "level: trace\n  logger: app.audit",
        lambda c: c._name == "app.audit",
    ),
    (
        "descriptor: pip-services:state-store:memory:default:1.0",
        "options: {timeout: 250}\n  connection: {uri: ''}",
        lambda c: c._timeout == 0.25,
    ),
    (
        "descriptor: pip-services:state-store:null:default:1.0",
        "options: {timeout: 250}",
        lambda c: c is not None,
    ),
    (
        "descriptor: pip-services:state-store:sqlite:default:1.0",
        "connection: {database: ':memory:'}\n  options: {table: kv, timeout: 5, retries: 0}",
        lambda c: c._table == "kv" and c._timeout == 0.005,
    ),
    (
        "descriptor: pip-services:state-store:redis:default:1.0",
        "connection: {host: cache, port: 6380, database: 2}\n"
        "  credential: {username: u, password: p}\n"
        "  options: {key_prefix: 'app:', max_connections: 7, connect_timeout: 100}",
        lambda c: c._prefix == "app:" and c._link.address == "cache:6380",
    ),
    (
        "descriptor: pip-services:state-store:postgres:default:1.0",
        "connection: {uri: 'postgresql://u:p@db:5433/app'}\n"
        "  options: {table: kv, max_pool_size: 2}",
        lambda c: c._table == "kv" and c._where == "db:5433/app",
    ),
    (
        "descriptor: wirework:entity-store:memory:default:1.0",
        "connection: {uri: 'memory://x'}",
        lambda c: c.connection_string == "memory://x",
    ),
    (
        "descriptor: wirework:entity-store:sqlite:default:1.0",
        "connection: {uri: 'sqlite:///:memory:'}\n  options: {table: ents}",
        lambda c: c._table == "ents",
    ),
    (
        "descriptor: wirework:entity-store:redis:default:1.0",
        "options: {key_prefix: 'e:'}",
        lambda c: c._prefix == "e:",
    ),
    (
        "descriptor: wirework:entity-store:postgres:default:1.0",
        "connection: {host: db, database: app}\n  credential: {user: u, pass: p}\n"
        "  options: {table: ents}",
        lambda c: c._table == "ents",
    ),
    (
        "type: wirework.persistence:IdentifiableMemoryPersistence",
        "options: {max_page_size: 7}",
        lambda c: c._max_page_size == 7,
    ),
    (
        "type: wirework.persistence:MemoryPersistence",
        "options: {max_page_size: 3}",
        lambda c: c._max_page_size == 3,
    ),
    (
        "type: wirework.persistence:FilePersistence",
        "path: ./items.json\n  options: {max_page_size: 3}",
        lambda c: str(c.persister.path) == "items.json",
    ),
    (
        "type: wirework.persistence.sql:IdentifiableSqlitePersistence",
        "connection: {database: ':memory:'}\n  options: {table: items, max_page_size: 5}",
        lambda c: c._table == "items" and c._max_page_size == 5,
    ),
    (
        "type: wirework.persistence.sql:IdentifiablePostgresPersistence",
        "connection: {host: db, port: 5433, database: app}\n  options: {table: items}",
        lambda c: c._table == "items" and "PostgreSQL at db:5433/app" in repr(c),
    ),
]


@pytest.mark.parametrize(("head", "body", "configured"), GOOD)
def test_a_valid_entry_is_accepted_and_reaches_the_component(
    head: str, body: str, configured: Callable[[Any], bool], tmp_path: Path
) -> None:
    container = built(f"- {head}\n  {body}\n", tmp_path)
    container.check()  # no error
    component = _created(container)
    assert configured(component)


def _created(container: Container) -> Any:
    """Build once more to get at the component (check does not keep its plan)."""
    plan = container._build()
    try:
        return plan.order[-1].component
    finally:
        failures, interrupt = unwind(None, [], plan.order)
        assert not failures
        assert interrupt is None


@pytest.mark.parametrize(("head", "body", "configured"), GOOD)
def test_every_built_in_refuses_an_unknown_key(
    head: str, body: str, configured: Callable[[Any], bool], tmp_path: Path
) -> None:
    found = refused(f"- {head}\n  {body}\n  bogus_key: 1\n", tmp_path)
    assert any("unknown key bogus_key" in problem for problem in found), found


# -- third-party components ---------------------------------------------------------------
def test_a_component_without_schema_keeps_its_own_keys(tmp_path: Path) -> None:
    container = built(
        "- type: schema_components:Plain\n  anything: 1\n  options: {whatever: true}\n",
        tmp_path,
    )
    component = _created(container)
    assert component.config["options.whatever"] is True


def test_a_component_without_schema_still_gets_its_entry_keys_checked(tmp_path: Path) -> None:
    [problem] = refused("- type: schema_components:Plain\n  alias: [x]\n", tmp_path)
    assert "svc.yml:2): alias: expected text, got ['x'] (a list)" in problem


@pytest.mark.parametrize("name", ["Widget", "LazyWidget"])
def test_a_declared_schema_is_checked_and_configure_gets_the_model(
    name: str, tmp_path: Path
) -> None:
    container = built(f"- type: schema_components:{name}\n  options: {{interval: 5}}\n", tmp_path)
    _created(container)
    [(config, model)] = schema_components.CONFIGURED
    assert type(config) is ConfigParams  # Pip.Services' signature: the entry's own config
    assert config["options.interval"] == 5
    assert model.options.interval == 5
    assert "mode" not in model.options.model_fields_set  # what the config left to defaults


def test_the_model_is_handed_over_only_for_its_own_config() -> None:
    widget = schema_components.Widget()
    other = ConfigParams({"options.interval": 7})
    handed = hand_over(ConfigParams({"options.interval": 5}), WidgetConfig())
    try:
        widget.configure(other)  # another config: validated, not taken from the container
    finally:
        take_back(handed)
    [(_, model)] = schema_components.CONFIGURED
    assert model.options.interval == 7


def test_configure_is_not_called_when_the_schema_refuses(tmp_path: Path) -> None:
    [problem] = refused("- type: schema_components:Widget\n  options: {interval: 1.5}\n", tmp_path)
    assert "options.interval: expected a whole number of milliseconds >= 0" in problem
    assert schema_components.CONFIGURED == []


def test_an_entry_is_validated_once(tmp_path: Path) -> None:
    schema_components.VALIDATED.clear()
    component = _created(built("- type: schema_components:Counted\n  size: 3\n", tmp_path))
    assert component.size == 3
    assert schema_components.VALIDATED == [{"size": 3}]  # by the container, not again


def test_a_direct_configure_validates_once() -> None:
    schema_components.VALIDATED.clear()
    component = schema_components.Counted()
    component.configure(ConfigParams({"size": 4}))
    assert component.size == 4
    assert schema_components.VALIDATED == [{"size": 4}]


def test_a_subclass_schema_must_extend_its_parents(tmp_path: Path) -> None:
    [problem] = refused("- type: schema_components:Forgetful\n", tmp_path)
    assert "schema_components.Forgetful.config_schema (Unrelated) must extend " in problem
    assert "MemoryPersistenceConfig" in problem


def test_a_subclass_schema_extending_its_parents_accepts_both(tmp_path: Path) -> None:
    container = built(
        "- type: schema_components:ColouredPersistence\n"
        "  colour: blue\n  options: {max_page_size: 4}\n",
        tmp_path,
    )
    assert _created(container)._max_page_size == 4


def test_a_schema_path_that_does_not_resolve_names_the_class(tmp_path: Path) -> None:
    [problem] = refused("- type: schema_components:Misnamed\n", tmp_path)
    assert "schema_components.Misnamed.config_schema cannot be loaded" in problem
    assert "svc.yml:1" in problem


# -- drivers --------------------------------------------------------------------------------
def test_a_missing_driver_is_reported_with_the_extra_to_install(tmp_path: Path) -> None:
    [problem] = refused("- type: schema_components:NeedsDriver\n", tmp_path)
    assert "svc.yml:1): needs the XYZ driver (module 'no_such_driver_xyz')" in problem
    assert "hint: pip install 'acme[xyz]'" in problem


@pytest.mark.parametrize(
    ("hidden", "descriptor", "extra"),
    [
        ("redis", "pip-services:state-store:redis:default:1.0", "wirework[redis]"),
        ("redis", "wirework:entity-store:redis:default:1.0", "wirework[redis]"),
        ("psycopg", "pip-services:state-store:postgres:default:1.0", "wirework[postgres]"),
        ("psycopg", "wirework:entity-store:postgres:default:1.0", "wirework[postgres]"),
    ],
)
def test_check_refuses_a_backend_whose_driver_is_not_installed(
    hidden: str, descriptor: str, extra: str, tmp_path: Path
) -> None:
    config = tmp_path / "svc.yml"
    config.write_text(f"- descriptor: {descriptor}\n")
    code = (
        f"import sys; sys.modules[{hidden!r}] = None\n"  # as if it were not installed
        "from wirework.cli import main\n"
        f"raise SystemExit(main(['check', '-c', {str(config)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{descriptor} ({config}:1): needs " in result.stderr
    assert f"(module '{hidden}'), which cannot be imported" in result.stderr
    assert f"hint: pip install '{extra}'" in result.stderr


# -- import cost ----------------------------------------------------------------------------
def test_importing_the_container_does_not_import_pydantic() -> None:
    code = (
        "import sys, wirework.container, wirework.log, wirework.state, wirework.persistence\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'pydantic_core', 'annotated_types')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
