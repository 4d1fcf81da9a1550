"""Build-time overrides: the stand-in is what every component is wired to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wirework.config import ConfigParams
from wirework.container import BuildError, Container, Replacement
from wirework.descriptor import Descriptor
from wirework.refer import IReferences
from wirework.state import MemoryStateStore

STORE = "pip-services:state-store:memory:default:1.0"
CONFIG = f"""\
- descriptor: {STORE}
  options:
    timeout: 60000
- type: test_overrides:Keeper
  descriptor: myapp:keeper:default:default:1.0
"""


class Keeper:
    """Takes its store once, in set_references, and keeps it: the common pattern."""

    def set_references(self, references: IReferences) -> None:
        self.store = references.get_one_required("*:state-store:*:*:1.0")


class FakeStore:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.configured_with: ConfigParams | None = None

    def configure(self, config: ConfigParams) -> None:
        self.calls.append("configure")
        self.configured_with = config

    def set_references(self, references: IReferences) -> None:
        self.calls.append("set_references")

    def is_open(self) -> bool:
        return "open" in self.calls and "close" not in self.calls

    def open(self, correlation_id: str | None) -> None:
        self.calls.append("open")

    def close(self, correlation_id: str | None) -> None:
        self.calls.append("close")

    def load(self, correlation_id: str | None, key: str) -> Any:
        return f"fake:{key}"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def no_real_store(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: MemoryStateStore) -> None:
        raise AssertionError("the real store was created")

    monkeypatch.setattr(MemoryStateStore, "__init__", refuse)


@pytest.mark.usefixtures("no_real_store")
def test_a_component_that_keeps_its_store_gets_the_stand_in(config: Path) -> None:
    fake = FakeStore()
    with Container.from_file(config, overrides={"*:state-store:*:default:1.0": fake}) as c:
        keeper = c.references.get_one_required("myapp:keeper:*:*:1.0")
        assert keeper.store is fake
        assert c.references.get_one_required(Descriptor.from_string(STORE)) is fake
        assert c.references.get_optional("*:state-store:*:*:*") == [fake]
        assert [n.component for n in c.open_order].index(fake) == 0  # before its user
    assert fake.calls == ["configure", "set_references", "open", "close"]


def test_the_stand_in_is_not_given_the_real_entrys_options(config: Path) -> None:
    fake = FakeStore()
    with Container.from_file(config, overrides={STORE: fake}):
        pass
    assert fake.configured_with == ConfigParams({"descriptor": STORE})


def test_the_entrys_options_only_when_asked(config: Path) -> None:
    fake = FakeStore()
    with Container.from_file(config, overrides={STORE: Replacement(fake, with_config=True)}):
        pass
    assert fake.configured_with is not None
    assert fake.configured_with["options.timeout"] == 60000


def test_a_plain_object_takes_only_the_steps_it_has(config: Path) -> None:
    class Bare:
        def load(self, correlation_id: str | None, key: str) -> str:
            return "bare"

    bare = Bare()
    with Container.from_file(config, overrides={STORE: bare}) as c:
        assert c.references.get_one_required("myapp:keeper:*:*:1.0").store is bare


def test_one_stand_in_for_several_entries_runs_its_lifecycle_once(tmp_path: Path) -> None:
    path = tmp_path / "two.yml"
    path.write_text(
        "- descriptor: pip-services:state-store:memory:a:1.0\n"
        "- descriptor: pip-services:state-store:memory:b:1.0\n",
        encoding="utf-8",
    )
    fake = FakeStore()
    with Container.from_file(path, overrides={"*:state-store:*:*:*": fake}) as c:
        assert c.references.get_one_required("*:state-store:*:a:*") is fake
        assert c.references.get_one_required("*:state-store:*:b:*") is fake
    assert fake.calls == ["configure", "set_references", "open", "close"]


def test_a_type_entry_is_replaced_by_its_class(config: Path) -> None:
    fake = Keeper()
    with Container.from_file(config, overrides={Keeper: fake}) as c:
        assert c.references.get_one_required("myapp:keeper:*:*:1.0") is fake
        assert fake.store is c.references.get_one_required(STORE)


def test_a_locator_matching_nothing_fails_with_the_near_miss(config: Path) -> None:
    container = Container.from_file(
        config, overrides={"pip-services:state-store:memroy:default:1.0": FakeStore()}
    )
    with pytest.raises(BuildError) as caught:
        container.open()
    message = str(caught.value)
    assert "override pip-services:state-store:memroy:default:1.0 matches no entry" in message
    assert f"did you mean {STORE}?" in message
    assert not container.is_open()


def test_a_malformed_locator_is_a_build_problem(config: Path) -> None:
    with pytest.raises(BuildError, match="override 'state-store': descriptor 'state-store'"):
        Container.from_file(config, overrides={"state-store": FakeStore()}).open()


def test_the_command_takes_overrides_from_a_python_caller(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wirework.cli import main

    assert main(["graph", "-c", str(config)], overrides={STORE: FakeStore()}) == 0
    assert "(overridden by FakeStore)" in capsys.readouterr().out
    assert main(["check", "-c", str(config)], overrides={"x:y:z:w:1.0": FakeStore()}) == 1
    assert "override x:y:z:w:1.0 matches no entry" in capsys.readouterr().err


@pytest.mark.usefixtures("no_real_store")
def test_under_the_fixture_the_keeper_sees_the_fake(wirework_container: Any, config: Path) -> None:
    fake = FakeStore()
    container = wirework_container(config, overrides={"*:state-store:*:default:1.0": fake})
    assert container.references.get_one_required("myapp:keeper:*:*:1.0").store is fake
    assert fake.calls == ["configure", "set_references", "open"]


def test_under_the_fixture_a_typo_fails_with_the_hint(
    wirework_container: Any, config: Path
) -> None:
    with pytest.raises(BuildError, match=f"did you mean {STORE}"):
        wirework_container(config, overrides={"pip-services:state-stor:*:default:1.0": FakeStore()})


REDIS_ENTRY = """\
- descriptor: pip-services:state-store:redis:default:1.0
  connection: {uri: 'http://not-redis'}
  options: {timout: 5, max_connections: 0}
"""


def test_an_overridden_entry_is_not_checked_against_the_real_components_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real component is never created: its keys, and its driver, do not matter."""
    from wirework.build._drivers import Driver

    monkeypatch.setattr(Driver, "available", lambda self: False)  # as if redis-py were missing
    path = tmp_path / "redis.yml"
    path.write_text(REDIS_ENTRY, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        Container.from_file(path).check()  # without the override, all four are refused
    message = str(caught.value)
    assert "unknown key options.timout" in message
    assert "options.max_connections: expected a whole number >= 1, got 0" in message
    assert "connection.uri: must start with redis://" in message
    assert "needs redis-py (module 'redis'), which cannot be imported" in message

    fake = FakeStore()
    with Container.from_file(path, overrides={"*:state-store:redis:*:*": fake}):
        pass
    assert fake.calls == ["configure", "set_references", "open", "close"]


def test_an_overridden_entry_still_has_the_containers_keys_checked(tmp_path: Path) -> None:
    path = tmp_path / "alias.yml"
    path.write_text(f"- descriptor: {STORE}\n  alias: [store]\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        Container.from_file(path, overrides={STORE: FakeStore()}).check()
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{STORE} ({path}:2): alias: expected text, got ['store']")
