"""Each component's config entry as a strict providers.Configuration."""

from __future__ import annotations

import pytest
from dependency_injector import errors, providers
from di_support import MakeModule

from wirework.container import Container
from wirework.di import bridge


def test_configuration_per_component(basic: Container) -> None:
    di = bridge(basic)
    config = di.configuration("*:state-store:*:*:1.0")
    assert isinstance(config, providers.Configuration)
    assert config.options.max_size() == 10
    assert config.options.nested.flag() is True
    assert config.options.max_size.as_(str)() == "10"
    assert config() == {
        "options": {"max_size": 10, "nested": {"flag": True}},
        "credential": {"password": "hunter2"},
    }  # descriptor, type and alias are not options
    assert di.configuration("items").options.max_page_size() == 50
    assert di.configuration("plain")() == {}
    assert di.container.items_config is di.configuration("items")


def test_configuration_is_strict_and_names_the_component(basic: Container) -> None:
    config = bridge(basic).configuration("items")
    with pytest.raises(errors.Error) as info:
        config.options.timeout()
    assert str(info.value) == (
        'Undefined configuration option "myapp:persistence:memory:items:1.0.options.timeout"'
    )


def test_configuration_repr_shows_no_values(basic: Container) -> None:
    config = bridge(basic).configuration("*:state-store:*:*:1.0")
    assert "hunter2" not in repr(config)
    assert "hunter2" not in str(config)


def test_options_are_injectable_both_ways(basic: Container, make_module: MakeModule) -> None:
    module = make_module(
        """
        from wirework.di import ByDescriptor, Provide, inject

        @inject
        def sizes(
            by_name=Provide["items_config.options.max_page_size"],
            by_pattern=Provide[ByDescriptor("*:persistence:*:*:1.0").option("options.max_page_size")],
            section=Provide["state_store_memory_default_config.options"],
        ):
            return by_name, by_pattern, section
        """
    )
    di = bridge(basic)
    di.wire(modules=[module])
    try:
        assert module.sizes() == (50, 50, {"max_size": 10, "nested": {"flag": True}})
        with di.configuration("items").options.max_page_size.override(5):
            assert module.sizes()[:2] == (5, 5)
        assert module.sizes()[:2] == (50, 50)
    finally:
        di.unwire()


def test_unknown_options_fail_at_wire_time(basic: Container, make_module: MakeModule) -> None:
    module = make_module(
        """
        from dependency_injector.wiring import as_
        from wirework.di import ByDescriptor, Provide, inject

        @inject
        def by_name(size=Provide["items_config.options.max_page_sise"]):
            return size

        @inject
        def by_pattern(size=Provide[ByDescriptor("*:persistence:*:*:1.0").option("options.page")]):
            return size

        @inject
        def typed(size=Provide["items_config.options.max_page_size", as_(dict)]):
            return size
        """
    )
    with pytest.raises(Exception) as info:  # noqa: PT011 - the message is what matters
        bridge(basic).wire(modules=[module])
    message = str(info.value)
    name = module.__name__
    assert message.startswith("3 unresolvable markers")
    assert (
        f"{name}.by_name(size=Provide['items_config.options.max_page_sise']): Error: "
        'Undefined configuration option "myapp:persistence:memory:items:1.0.options.max_page_sise"'
    ) in message
    assert (
        f"{name}.by_pattern(size=Provide[ByDescriptor('*:persistence:*:*:1.0', "
        "option='options.page')]): myapp:persistence:memory:items:1.0 ("
    ) in message
    assert "has no option 'options.page'; did you mean options.max_page_size?" in message
    assert f"{name}.typed(size=Provide['items_config.options.max_page_size', " in message
    assert "TypeError: 'int' object is not iterable" in message
