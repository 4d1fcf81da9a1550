"""Lookups with ``as_=`` return what was asked for, or fail at the lookup naming both.

The static half (that a type checker sees ``IStateStore`` come back) is
``tests/typing/test_lookup_types.py``, which mypy checks in ``make test``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pytest

from wirework.build import Factory
from wirework.config import ConfigParams
from wirework.container import BuildError, Container
from wirework.di import bridge
from wirework.errors import InvalidArgumentError, ReferenceTypeError
from wirework.log import ConsoleLogger, ILogger, NullLogger
from wirework.refer import DependencyResolver, IReferences, References
from wirework.state import IStateStore, MemoryStateStore, NullStateStore

STORE = "pip-services:state-store:memory:default:1.0"
LOGGER = "pip-services:logger:console:default:1.0"


@pytest.fixture
def refs() -> References:
    return References.from_tuples(STORE, MemoryStateStore(), LOGGER, ConsoleLogger())


def test_a_conforming_component_comes_back_as_it_is(refs: References) -> None:
    store = refs.get_one_required(STORE)
    assert refs.get_one_required(STORE, as_=IStateStore) is store
    assert refs.get_one_required("*:state-store:*:*:1.0", as_=MemoryStateStore) is store
    assert refs.get_one_optional("*:state-store:*:*:1.0", as_=IStateStore) is store
    assert refs.get_optional("*:*:*:*:1.0", as_=object) == refs.get_optional("*:*:*:*:1.0")
    assert refs.get_required("*:logger:*:*:1.0", as_=ILogger) == [refs.get_one_required(LOGGER)]


def test_a_protocol_mismatch_names_the_locator_what_was_found_and_what_it_lacks(
    refs: References,
) -> None:
    with pytest.raises(ReferenceTypeError) as info:
        refs.get_one_required("*:logger:*:*:1.0", as_=IStateStore)
    assert str(info.value) == (
        f"reference *:logger:*:*:1.0 is a ConsoleLogger ({LOGGER}), not an IStateStore\n"
        "  hint: it has no delete, load, load_bulk, save"
    )
    assert isinstance(info.value, TypeError)
    assert info.value.expected is IStateStore
    assert info.value.found is refs.get_one_required(LOGGER)


def test_a_class_mismatch_has_no_member_hint(refs: References) -> None:
    with pytest.raises(
        ReferenceTypeError, match=r"is a MemoryStateStore .*, not a NullStateStore$"
    ):
        refs.get_one_required(STORE, as_=NullStateStore)


def test_every_answer_of_a_list_lookup_is_checked(refs: References) -> None:
    with pytest.raises(ReferenceTypeError, match=r"^reference \*:\*:\*:\*:1.0 is a "):
        refs.get_optional("*:*:*:*:1.0", as_=IStateStore)
    with pytest.raises(ReferenceTypeError):
        refs.get_required("*:*:*:*:1.0", as_=ILogger)


def test_nothing_found_is_none_or_the_missing_error_whatever_as_says(refs: References) -> None:
    assert refs.get_one_optional("*:nothing:*:*:1.0", as_=IStateStore) is None
    assert refs.get_optional("*:nothing:*:*:1.0", as_=IStateStore) == []


class NotCheckable(Protocol):
    def load(self) -> Any: ...


@pytest.mark.parametrize(
    ("as_", "words"),
    [
        (NotCheckable, "as_=NotCheckable is a protocol without @runtime_checkable"),
        (lambda: None, "as_ takes a class or a runtime-checkable protocol, got <function"),
        ("IStateStore", "as_ takes a class or a runtime-checkable protocol, got 'IStateStore'"),
    ],
)
def test_an_uncheckable_type_is_refused_by_name(refs: References, as_: Any, words: str) -> None:
    with pytest.raises(InvalidArgumentError, match="^" + words.replace("(", r"\(")):
        refs.get_one_required(STORE, as_=as_)


class Greeter:
    """Takes its store typed, as the README's greeter would."""

    def set_references(self, references: IReferences) -> None:
        self.store = references.get_one_required("*:logger:*:*:1.0", as_=IStateStore)


def test_a_component_s_lookup_names_the_component_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text(f"- descriptor: {LOGGER}\n- descriptor: myapp:greeter:default:default:1.0\n")
    container = Container.from_file(path)
    factory = Factory()
    factory.register_as_type("myapp:greeter:*:*:1.0", Greeter)
    container.add_factory(factory)
    with pytest.raises(BuildError) as info:
        container.check()
    [problem] = info.value.problems
    assert isinstance(problem, ReferenceTypeError)
    assert str(problem) == (
        f"myapp:greeter:default:default:1.0 ({path}:2): reference *:logger:*:*:1.0 is a "
        f"ConsoleLogger ({LOGGER}), not an IStateStore\n"
        "  hint: it has no delete, load, load_bulk, save"
    )


def test_a_named_dependency_is_checked_and_names_its_config_key(refs: References) -> None:
    resolver = DependencyResolver(ConfigParams({"dependencies.store": "*:logger:*:*:1.0"}), refs)
    assert resolver.get_one_required("store", as_=ILogger) is refs.get_one_required(LOGGER)
    assert resolver.get_optional("store", as_=ConsoleLogger) == [refs.get_one_required(LOGGER)]
    with pytest.raises(ReferenceTypeError) as info:
        resolver.get_one_required("store", as_=IStateStore)
    assert info.value.config_key == "dependencies.store"


def test_the_bridge_checks_what_a_wired_function_would_get(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text(f"- descriptor: {STORE}\n")
    with Container.from_file(path) as container:
        di = bridge(container)
        store = di.get("*:state-store:*:*:1.0", as_=IStateStore)
        assert isinstance(store, MemoryStateStore)
        with (
            di.override("*:state-store:*:*:1.0", NullLogger()),
            pytest.raises(ReferenceTypeError, match="is a NullLogger .*, not an IStateStore"),
        ):
            di.get("*:state-store:*:*:1.0", as_=IStateStore)
