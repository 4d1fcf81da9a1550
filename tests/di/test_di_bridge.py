"""The bridge: components as providers of a DynamicContainer, names, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import containers, providers
from di_components import Persistence, Plain, Store
from di_support import MakeContainer

from wirework.container import Container
from wirework.descriptor import Descriptor
from wirework.di import Bridge, WireworkContainer, bridge
from wirework.errors import ConfigError, InvalidStateError, MissingReferenceError


def test_providers_are_the_open_components(basic: Container) -> None:
    di = bridge(basic)
    refs = basic.references
    assert isinstance(di.container, containers.DynamicContainer)
    assert isinstance(di.container, WireworkContainer)
    store = refs.get_one_required("myapp:state-store:memory:default:1.0")
    assert isinstance(store, Store)
    assert store.opened
    assert di.container.state_store_memory_default() is store
    assert di.container.providers["items"]() is refs.get_one_required("*:persistence:*:*:1.0")
    assert isinstance(di.container.providers["plain"](), Plain)
    assert [e.label for e in di.entries] == [
        "myapp:state-store:memory:default:1.0",
        "myapp:persistence:memory:items:1.0",
        "di_components:Plain",
    ]


def test_names_follow_the_rule(basic: Container) -> None:
    assert bridge(basic).names() == {
        "state_store_memory_default": "myapp:state-store:memory:default:1.0",
        "state_store_memory_default_config": "myapp:state-store:memory:default:1.0",
        "items": "myapp:persistence:memory:items:1.0",
        "items_config": "myapp:persistence:memory:items:1.0",
        "plain": "di_components:Plain",
        "plain_config": "di_components:Plain",
    }


def test_derived_names_sanitize_wildcards_and_camel_case(make_container: MakeContainer) -> None:
    container = make_container(
        """
        - descriptor: "my.app:state-store:in_memory:*:2.0"
          type: di_components:Store
        - type: di_components:Persistence
        """
    )
    assert set(bridge(container).names()) == {
        "state_store_in_memory_any",
        "state_store_in_memory_any_config",
        "persistence",
        "persistence_config",
    }


def test_bridge_is_cached_while_open_and_rebuilt_after_reopen(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text("- type: di_components:Store\n", encoding="utf-8")
    container = Container.from_file(config)
    with container:
        first = bridge(container)
        assert bridge(container) is first
    with container:
        second = bridge(container)
        assert second is not first
        assert second.get("store") is container.references.get_one_required(Store)


def test_a_reload_that_restarts_components_gives_a_new_bridge(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text("- type: di_components:Store\n  options:\n    n: 1\n", encoding="utf-8")
    container = Container.from_file(config)
    with container:
        before = bridge(container)
        old = before.get("store")
        config.write_text("- type: di_components:Store\n  options:\n    n: 2\n", encoding="utf-8")
        container.reload()
        after = bridge(container)
        assert after is not before
        assert after.get("store") is container.references.get_one_required(Store)
        assert after.get("store") is not old
        assert bridge(container) is after  # cached again until the next change


def test_bridge_of_a_closed_container_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text("- type: di_components:Store\n", encoding="utf-8")
    with pytest.raises(InvalidStateError, match="wirework.di needs an open container") as info:
        bridge(Container.from_file(config))
    assert "container.open()" in str(info.value)


def test_lookup_by_pattern_alias_and_class(basic: Container) -> None:
    di = bridge(basic)
    store = basic.references.get_one_required("*:state-store:*:*:*")
    assert di.get("*:state-store:*:*:1.0") is store
    assert di.get(Descriptor.from_string("myapp:state-store:memory:default:1.0")) is store
    assert di.get("state_store_memory_default") is store
    assert di.get(Plain) is basic.references.get_one_required(Plain)
    assert di.provider("items") is di.container.items
    assert di.match("*:*:*:*:*") == list(reversed(di.entries[:2]))


def test_newest_match_wins_like_references(make_container: MakeContainer) -> None:
    container = make_container(
        """
        - descriptor: a:state-store:memory:one:1.0
          type: di_components:Store
        - descriptor: b:state-store:memory:two:1.0
          type: di_components:Store
        """
    )
    di = bridge(container)
    newest = container.references.get_one_required("*:state-store:*:*:1.0")
    assert di.get("*:state-store:*:*:1.0") is newest
    assert di.entry("*:state-store:*:*:1.0").label == "b:state-store:memory:two:1.0"


def test_missing_lookups_name_the_closest(basic: Container) -> None:
    di = bridge(basic)
    with pytest.raises(MissingReferenceError) as info:
        di.provider("*:state-stor:*:*:1.0")
    message = str(info.value)
    assert "cannot locate reference *:state-stor:*:*:1.0" in message
    assert "did you mean myapp:state-store:memory:default:1.0?" in message
    with pytest.raises(MissingReferenceError, match="did you mean items\\?"):
        di.provider("itms")


def test_explicit_alias_must_be_an_identifier(make_container: MakeContainer) -> None:
    with pytest.raises(ConfigError) as info:
        bridge(
            make_container(
                """
                - descriptor: a:store:memory:x:1.0
                  type: di_components:Store
                  alias: my-store
                """
            )
        )
    message = str(info.value)
    assert "a:store:memory:x:1.0 (" in message
    assert ".yml:2)" in message
    assert "alias: 'my-store' must be a Python identifier" in message


@pytest.mark.parametrize(
    ("alias", "reason"),
    [
        ("_hidden", "must not start with '_'"),
        ("store_config", "must not end in '_config'"),
        ("providers", "would shadow an attribute of the dependency-injector container"),
        ("wire", "would shadow an attribute of the dependency-injector container"),
        ("locate", "would shadow an attribute of the dependency-injector container"),
    ],
)
def test_explicit_alias_rules(make_container: MakeContainer, alias: str, reason: str) -> None:
    container = make_container(f"- type: di_components:Store\n  alias: {alias}\n")
    with pytest.raises(ConfigError, match=f"alias: '{alias}' {reason}"):
        bridge(container)


def test_duplicate_explicit_aliases_are_an_error(make_container: MakeContainer) -> None:
    container = make_container(
        """
        - descriptor: a:store:memory:x:1.0
          type: di_components:Store
          alias: store
        - descriptor: a:store:memory:y:1.0
          type: di_components:Persistence
          alias: store
        """
    )
    with pytest.raises(ConfigError) as info:
        bridge(container)
    message = str(info.value)
    assert "alias 'store' is given to several components" in message
    assert "a:store:memory:x:1.0 (" in message
    assert "a:store:memory:y:1.0 (" in message
    assert "aliases must be unique" in message


def test_ambiguous_derived_name_is_withheld(make_container: MakeContainer) -> None:
    container = make_container(
        """
        - descriptor: one:persistence:memory:default:1.0
          type: di_components:Persistence
        - descriptor: two:persistence:memory:default:1.0
          type: di_components:Persistence
        - descriptor: three:state-store:memory:default:1.0
          type: di_components:Store
        """
    )
    di = bridge(container)
    assert "persistence_memory_default" not in di.names()
    assert "persistence_memory_default" not in di.container.providers
    assert [e.alias for e in di.entries] == [None, None, "state_store_memory_default"]
    with pytest.raises(ConfigError) as info:
        di.provider("persistence_memory_default")
    message = str(info.value)
    assert "the derived name 'persistence_memory_default' is ambiguous" in message
    assert "one:persistence:memory:default:1.0" in message
    assert "two:persistence:memory:default:1.0" in message
    # still reachable by descriptor
    assert di.entry("one:*:*:*:*").label == "one:persistence:memory:default:1.0"


def test_explicit_alias_wins_over_a_derived_name(make_container: MakeContainer) -> None:
    container = make_container(
        """
        - descriptor: a:persistence:memory:default:1.0
          type: di_components:Persistence
        - type: di_components:Store
          alias: persistence_memory_default
        """
    )
    di = bridge(container)
    assert isinstance(di.get("persistence_memory_default"), Store)
    assert [e.alias for e in di.entries] == [None, "persistence_memory_default"]
    assert isinstance(di.get("a:persistence:*:*:*"), Persistence)


def test_entry_records_locator_and_source(basic: Container) -> None:
    entry = bridge(basic).entry("items")
    assert [e.index for e in bridge(basic).entries] == [0, 1, 2]
    assert entry.locator == Descriptor.from_string("myapp:persistence:memory:items:1.0")
    assert entry.source.endswith(".yml:10")
    assert isinstance(entry.provider, providers.Object)
    assert entry.where() == f"myapp:persistence:memory:items:1.0 ({entry.source})"


def test_repr(basic: Container) -> None:
    assert repr(bridge(basic)) == "<wirework.di.Bridge of 3 components>"
    assert isinstance(bridge(basic), Bridge)


def test_declared_context_info_is_the_entry_not_the_default(
    make_container: MakeContainer,
) -> None:
    container = make_container(
        """
        - descriptor: pip-services:context-info:default:default:1.0
          name: shop
        - type: di_components:Store
        """
    )
    di = bridge(container)
    assert di.get("context_info_default_default") is container.info
    assert container.info.name == "shop"
    assert [e.index for e in di.entries] == [0, 1]
