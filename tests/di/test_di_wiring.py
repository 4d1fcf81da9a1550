"""Wiring: markers by descriptor pattern and by alias; unresolvable markers fail at wire()."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dependency_injector import providers
from dependency_injector.wiring import Provide
from di_components import Persistence, Store
from di_support import MakeContainer, MakeModule

from wirework.container import Container
from wirework.di import Bridge, ByDescriptor, bridge
from wirework.errors import ConfigError

HANDLERS = """
from wirework.di import ByDescriptor, Provide, Provider, inject

STORE = ByDescriptor("*:state-store:*:*:1.0")

@inject
def by_pattern(store=Provide[STORE]):
    return store

@inject
def by_alias(items=Provide["items"]):
    return items

@inject
def both(key, store=Provide[STORE], items=Provide["items"]):
    return key, store, items

@inject
def the_provider(provider=Provider[STORE]):
    return provider

class Handler:
    @inject
    def handle(self, store=Provide[STORE]):
        return store

    @staticmethod
    @inject
    def static(items=Provide["items"]):
        return items
"""


@pytest.fixture
def di(basic: Container) -> Iterator[Bridge]:
    wired = bridge(basic)
    try:
        yield wired
    finally:
        wired.unwire()


def test_marker_is_sugar_for_self_with_a_modifier() -> None:
    marker = Provide[ByDescriptor("*:state-store:*:*:1.0")]
    assert marker.provider == "__self__"
    assert repr(marker.modifier) == "ByDescriptor('*:state-store:*:*:1.0')"
    assert repr(ByDescriptor("a:b:c:d:1.0").option("options.x")) == (
        "ByDescriptor('a:b:c:d:1.0', option='options.x')"
    )
    assert ByDescriptor("a:b:c:d:1.0") == ByDescriptor("a:b:c:d:1.0")


def test_wired_by_pattern_and_alias(basic: Container, di: Bridge, make_module: MakeModule) -> None:
    module = make_module(HANDLERS)
    store = basic.references.get_one_required("*:state-store:*:*:1.0")
    items = basic.references.get_one_required("*:persistence:*:*:1.0")
    assert isinstance(store, Store)
    assert isinstance(items, Persistence)
    di.wire(modules=[module])
    assert module.by_pattern() is store
    assert module.by_alias() is items
    assert module.both("k") == ("k", store, items)
    assert module.both("k", store="mine") == ("k", "mine", items)  # explicit argument wins
    assert module.Handler().handle() is store
    assert module.Handler.static() is items
    assert isinstance(module.the_provider(), providers.Object)
    assert module.the_provider()() is store


def test_unwire_restores_the_markers(di: Bridge, make_module: MakeModule) -> None:
    module = make_module(HANDLERS)
    di.wire(modules=[module])
    assert di.wired_modules == [module]
    di.unwire()
    assert repr(module.by_alias()) == "Provide['items']"
    assert di.wired_modules == []


def test_wire_accepts_module_names(di: Bridge, make_module: MakeModule) -> None:
    module = make_module(HANDLERS)
    di.wire(modules=[module.__name__])
    assert isinstance(module.by_pattern(), Store)


def test_wire_walks_packages(di: Bridge) -> None:
    import json

    di.wire(packages=[json])  # a package without markers: every submodule is visited
    assert "json.decoder" in {m.__name__ for m in di.wired_modules}


def test_unresolvable_markers_fail_at_wire_time(di: Bridge, make_module: MakeModule) -> None:
    module = make_module(
        """
        from wirework.di import ByDescriptor, Provide, inject

        @inject
        def good(items=Provide["items"]):
            return items

        @inject
        def show(key, store=Provide[ByDescriptor("*:state-stor:*:*:1.0")]):
            return store

        @inject
        def listing(repo=Provide["itms"]):
            return repo
        """
    )
    with pytest.raises(ConfigError) as info:
        di.wire(modules=[module])
    message = str(info.value)
    name = module.__name__
    assert message.startswith("2 unresolvable markers in wired modules:")
    assert (
        f"  - {name}.show(store=Provide[ByDescriptor('*:state-stor:*:*:1.0')]): "
        "no component matches *:state-stor:*:*:1.0; "
        "did you mean myapp:state-store:memory:default:1.0?"
    ) in message
    assert (
        f"  - {name}.listing(repo=Provide['itms']): no provider named 'itms'; did you mean items?"
        in (message)
    )
    assert "hint: provider names: items, items_config, plain," in message
    # nothing was patched: even the resolvable function still holds its marker
    assert repr(module.good()) == "Provide['items']"
    assert di.wired_modules == []


def test_raw_descriptor_marker_points_to_by_descriptor(di: Bridge, make_module: MakeModule) -> None:
    module = make_module(
        """
        from wirework.di import Provide, inject

        @inject
        def raw(store=Provide["myapp:state-store:memory:default:1.0"]):
            return store
        """
    )
    with pytest.raises(ConfigError) as info:
        di.wire(modules=[module])
    message = str(info.value)
    assert "'myapp:state-store:memory:default:1.0' is not a provider name" in message
    assert "splits marker ids on '.'" in message
    assert "use Provide[ByDescriptor('myapp:state-store:memory:default:1.0')]" in message
    assert "or Provide['state_store_memory_default']" in message


def test_ambiguous_alias_marker_explains_itself(
    make_container: MakeContainer, make_module: MakeModule
) -> None:
    container = make_container(
        """
        - descriptor: one:persistence:memory:default:1.0
          type: di_components:Persistence
        - descriptor: two:persistence:memory:default:1.0
          type: di_components:Persistence
        """
    )
    module = make_module(
        """
        from wirework.di import Provide, inject

        @inject
        def f(p=Provide["persistence_memory_default"]):
            return p
        """
    )
    with pytest.raises(
        ConfigError, match="the derived name 'persistence_memory_default' is ambiguous"
    ):
        bridge(container).wire(modules=[module])


def test_class_attribute_and_module_attribute_markers_are_checked(
    di: Bridge, make_module: MakeModule
) -> None:
    module = make_module(
        """
        from wirework.di import Provide

        STORE = Provide["stor"]

        class Service:
            items = Provide["itemz"]
        """
    )
    with pytest.raises(ConfigError) as info:
        di.wire(modules=[module])
    message = str(info.value)
    assert f"{module.__name__}.STORE = Provide['stor']: no provider named 'stor'" in message
    assert (
        f"{module.__name__}.Service.items = Provide['itemz']: no provider named 'itemz'" in message
    )


def test_marker_hidden_in_a_closure_still_fails_the_wire(
    di: Bridge, make_module: MakeModule
) -> None:
    module = make_module(
        """
        from wirework.di import ByDescriptor, Provide, inject

        def make():
            @inject
            def hidden(store=Provide[ByDescriptor("*:nothing:*:*:1.0")]):
                return store
            return hidden

        ROUTES = {"hidden": make()}
        """
    )
    with pytest.raises(ConfigError) as info:
        di.wire(modules=[module])
    message = str(info.value)
    assert f"while wiring {module.__name__}: no component matches *:nothing:*:*:1.0" in message
    assert (
        repr(module.ROUTES["hidden"]()) == "Provide['__self__', ByDescriptor('*:nothing:*:*:1.0')]"
    )


def test_markers_of_other_containers_are_left_alone(di: Bridge, make_module: MakeModule) -> None:
    from dependency_injector import containers

    other = containers.DynamicContainer()
    other.thing = providers.Object("other")
    module = make_module(
        """
        from wirework.di import Provide, inject

        @inject
        def f(thing=Provide[OTHER.thing]):
            return thing
        """,
        OTHER=other,
    )
    di.wire(modules=[module])  # a provider object owned by another container: not ours
    other.wire(modules=[module])
    try:
        assert module.f() == "other"
    finally:
        other.unwire()


def test_malformed_pattern_fails_where_the_marker_is_written() -> None:
    with pytest.raises(ConfigError, match="descriptor '\\*:state-store' is malformed"):
        ByDescriptor("*:state-store")
    with pytest.raises(ConfigError, match="ByDescriptor needs a 'group:type:kind:name:version'"):
        ByDescriptor(42)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="ByDescriptor option must be a dotted key"):
        ByDescriptor("a:b:c:d:1.0", option="")


def test_plain_container_wiring_leaves_by_descriptor_unresolved(make_module: MakeModule) -> None:
    from dependency_injector import containers

    module = make_module(
        """
        from wirework.di import ByDescriptor, Provide, inject

        @inject
        def f(store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
            return store
        """
    )
    plain = containers.DynamicContainer()
    plain.wire(modules=[module])
    try:
        assert repr(module.f()).startswith("Provide['__self__'")
    finally:
        plain.unwire()
