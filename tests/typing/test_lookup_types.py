"""What a type checker sees come back from lookups: ``make test`` runs mypy (strict) over
this file, so a lookup that stops returning its declared type fails the build. pytest
runs it too, so each line also holds at run time.

A line ending in ``# type: ignore[...]`` asserts that mypy refuses it: mypy is run with
``warn_unused_ignores``, so the build fails if it ever accepts such a line.
"""

from __future__ import annotations

from typing import Any, assert_type

import pytest

from wirework.di import Bridge
from wirework.errors import ReferenceTypeError
from wirework.log import ConsoleLogger, ILogger
from wirework.refer import DependencyResolver, IReferences, References, ReferencesView
from wirework.state import IStateStore, MemoryStateStore

STORE = "pip-services:state-store:memory:default:1.0"


def looked_up_through(references: IReferences) -> None:
    """What a component sees in ``set_references``: the protocol's overloads."""
    assert_type(references.get_one_required(STORE), Any)
    assert_type(references.get_one_required(STORE, as_=IStateStore), IStateStore)
    assert_type(references.get_one_optional(STORE, as_=IStateStore), IStateStore | None)
    assert_type(references.get_optional(STORE, as_=IStateStore), list[IStateStore])
    assert_type(references.get_required(STORE, as_=MemoryStateStore), list[MemoryStateStore])


def test_lookups_return_the_declared_type() -> None:
    memory = MemoryStateStore()
    memory.open(None)
    refs = References.from_tuples(STORE, memory)
    looked_up_through(refs)
    store = refs.get_one_required(STORE, as_=IStateStore)
    assert_type(store, IStateStore)
    store.save(None, "k", 1)  # a method of the protocol: no cast, no Any
    assert store.load(None, "k") == 1
    assert_type(refs.get_one_optional(STORE, as_=MemoryStateStore), MemoryStateStore | None)
    view = ReferencesView(refs, object(), "owner", None)
    looked_up_through(view)
    assert_type(view.get_one_required(STORE, as_=IStateStore), IStateStore)
    resolver = DependencyResolver.from_tuples("store", STORE)
    resolver.set_references(refs)
    assert_type(resolver.get_one_required("store", as_=IStateStore), IStateStore)
    assert_type(resolver.get_one_optional("store", as_=IStateStore), IStateStore | None)
    assert_type(resolver.get_required("store", as_=IStateStore), list[IStateStore])


def test_a_wrong_declared_type_is_refused_by_mypy_and_at_run_time() -> None:
    refs = References.from_tuples(STORE, MemoryStateStore())
    with pytest.raises(ReferenceTypeError):
        refs.get_one_required(STORE, as_=ConsoleLogger)
    wrong: ILogger = refs.get_one_required(STORE, as_=IStateStore)  # type: ignore[assignment]
    assert isinstance(wrong, IStateStore)


def bridged(di: Bridge) -> None:
    assert_type(di.get(STORE), Any)
    assert_type(di.get(STORE, as_=IStateStore), IStateStore)
