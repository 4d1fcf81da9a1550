"""override(): swaps what wired functions and References lookups return, then restores."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from dependency_injector import providers
from di_components import Fake, Plain, Store
from di_support import MakeContainer, MakeModule

from wirework.container import Container
from wirework.di import Bridge, bridge
from wirework.errors import ConfigError, MissingReferenceError
from wirework.refer import References

STORE = "*:state-store:*:*:1.0"
HANDLERS = """
from wirework.di import ByDescriptor, Provide, inject

@inject
def read(key, store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
    return store.load(None, key)

@inject
def items(items=Provide["items"]):
    return items
"""


@pytest.fixture
def di(basic: Container) -> Iterator[Bridge]:
    wired = bridge(basic)
    try:
        yield wired
    finally:
        wired.unwire()


def snapshot(refs: References) -> list[tuple[Any, int]]:
    return [(k, id(c)) for k, c in zip(refs.get_all_locators(), refs.get_all(), strict=True)]


def overridden(di: Bridge) -> list[tuple[Any, ...]]:
    return [e.provider.overridden for e in di.entries]


def test_override_reaches_wired_functions_and_references(
    basic: Container, di: Bridge, make_module: MakeModule
) -> None:
    module = make_module(HANDLERS)
    di.wire(modules=[module])
    refs = basic.references
    store = refs.get_one_required(STORE)
    assert isinstance(store, Store)
    store.save(None, "k", "real")
    before = snapshot(refs)
    fake = Fake()
    with di.override(STORE, fake) as given:
        assert given is fake
        assert module.read("k") == "fake:k"
        assert refs.get_one_required("myapp:state-store:memory:default:1.0") is fake
        assert refs.get_one_required(STORE) is fake
        assert refs.get_optional(STORE) == [fake, store]
        assert di.get("state_store_memory_default") is fake
        assert di.container.state_store_memory_default() is fake
        assert refs.get_one_required("*:persistence:*:*:*") is not fake  # others untouched
    assert module.read("k") == "real"
    assert refs.get_one_required(STORE) is store
    assert snapshot(refs) == before
    assert overridden(di) == [(), (), ()]


def test_override_restores_when_the_block_raises(basic: Container, di: Bridge) -> None:
    before = snapshot(basic.references)
    with pytest.raises(RuntimeError, match="boom"), di.override(STORE, Fake()):
        raise RuntimeError("boom")
    assert snapshot(basic.references) == before
    assert overridden(di) == [(), (), ()]


def test_override_applies_at_once_and_reset_is_idempotent(basic: Container, di: Bridge) -> None:
    before = snapshot(basic.references)
    active = di.override("items", Fake("items"))
    assert di.get("items").name == "items"
    assert active.active
    assert repr(active) == "<Override items (1 components, active)>"
    active.reset()
    active.reset()
    assert not active.active
    assert snapshot(basic.references) == before
    assert isinstance(di.get("items"), Store)


def test_nested_overrides_unwind_in_order(basic: Container, di: Bridge) -> None:
    refs = basic.references
    store = refs.get_one_required(STORE)
    with di.override(STORE, Fake("outer")):
        with di.override(STORE, Fake("inner")):
            assert di.get(STORE).name == "inner"
            assert refs.get_one_required(STORE).name == "inner"
        assert di.get(STORE).name == "outer"
        assert refs.get_one_required(STORE).name == "outer"
    assert di.get(STORE) is store
    assert refs.get_one_required(STORE) is store


def test_overrides_ended_out_of_order_restore_exactly(basic: Container, di: Bridge) -> None:
    refs = basic.references
    before = snapshot(refs)
    first = di.override(STORE, Fake("first"))
    second = di.override(STORE, Fake("second"))
    first.reset()  # not the top one
    assert di.get(STORE).name == "second"
    assert refs.get_one_required(STORE).name == "second"
    second.reset()
    assert snapshot(refs) == before
    assert overridden(di) == [(), (), ()]


def test_a_later_registration_survives_the_reset(basic: Container, di: Bridge) -> None:
    refs = basic.references
    fake, later = Fake("override"), Fake("later")
    with di.override(STORE, fake):
        refs.put("other:state-store:memory:late:1.0", later)
        refs.put("myapp:state-store:memory:default:1.0", Fake("same-key"))
    assert refs.get_one_required("other:state-store:*:*:*") is later
    assert refs.get_one_required("myapp:state-store:memory:default:1.0").name == "same-key"
    assert fake not in refs.get_all()
    locators = [str(k) for k in refs.get_all_locators()]
    assert locators[-2:] == [
        "other:state-store:memory:late:1.0",
        "myapp:state-store:memory:default:1.0",
    ]


def test_dependency_injector_overrides_made_meanwhile_are_kept(di: Bridge) -> None:
    provider = di.provider(STORE)
    ours = di.override(STORE, Fake("ours"))
    theirs = providers.Object(Fake("theirs"))
    provider.override(theirs)
    ours.reset()
    assert provider.overridden == (theirs,)
    assert di.get(STORE).name == "theirs"
    provider.reset_last_overriding()


def test_override_by_class_and_pattern_covering_several(
    make_container: MakeContainer,
) -> None:
    container = make_container(
        """
        - descriptor: a:state-store:memory:one:1.0
          type: di_components:Store
        - descriptor: b:state-store:memory:two:1.0
          type: di_components:Store
        - type: di_components:Plain
        """
    )
    di = bridge(container)
    refs = container.references
    fake = Fake()
    with di.override("*:state-store:memory:*:*", fake) as active:
        assert active is fake
        assert di.get("a:*:*:*:*") is fake
        assert di.get("b:*:*:*:*") is fake
        assert refs.get_one_required("a:state-store:memory:one:1.0") is fake
        assert refs.get_one_required("b:state-store:memory:two:1.0") is fake
    with di.override(Plain, fake):
        assert refs.get_one_required(Plain) is fake
        assert di.get("plain") is fake
    assert isinstance(refs.get_one_required(Plain), Plain)
    assert isinstance(di.get("a:*:*:*:*"), Store)


def test_concurrent_overrides_restore_exactly(basic: Container, di: Bridge) -> None:
    refs = basic.references
    before = snapshot(refs)
    store = refs.get_one_required(STORE)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(200):
                fake = Fake(f"{n}-{i}")
                with di.override(STORE if n % 2 else "items", fake):
                    assert di.get(STORE if n % 2 else "items") is not None
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert snapshot(refs) == before
    assert overridden(di) == [(), (), ()]
    assert di.get(STORE) is store


def test_override_errors_name_the_problem(basic: Container, di: Bridge) -> None:
    with pytest.raises(MissingReferenceError) as info:
        di.override("*:state-stor:*:*:1.0", Fake())
    assert "cannot locate reference *:state-stor:*:*:1.0" in str(info.value)
    assert "did you mean myapp:state-store:memory:default:1.0?" in str(info.value)
    with pytest.raises(ConfigError, match=r"override\('\*:state-store:\*:\*:1.0', None\)"):
        di.override(STORE, None)
    with pytest.raises(ConfigError, match="takes the replacement object itself, not a provider"):
        di.override(STORE, providers.Object(Fake()))
    assert overridden(di) == [(), (), ()]
