"""The null store keeps nothing but refuses exactly what a real store refuses."""

from __future__ import annotations

import pytest

from wirework.errors import (
    ConcurrencyError,
    InvalidArgumentError,
    InvalidKeyError,
    UnstorableValueError,
)
from wirework.state import IStateStore, IVersionedStateStore, NullStateStore, StateValue


def test_writes_are_accepted_and_forgotten() -> None:
    store = NullStateStore()
    assert store.save("c", "k", {"a": 1}) == {"a": 1}
    store.save_bulk("c", {"k": 1, "gone": None})
    assert store.load("c", "k") is None
    assert store.load_versioned("c", "k") == (None, 0)
    assert store.load_bulk("c", ["k", "x"]) == [StateValue("k", None), StateValue("x", None)]
    assert store.delete("c", "k") is None


def test_it_satisfies_both_protocols() -> None:
    assert isinstance(NullStateStore(), IStateStore)
    assert isinstance(NullStateStore(), IVersionedStateStore)


def test_bad_keys_and_values_get_the_shared_errors() -> None:
    store = NullStateStore()
    with pytest.raises(InvalidKeyError, match=r"^state key must be a str, got None$"):
        store.load("c", None)  # type: ignore[arg-type]
    with pytest.raises(UnstorableValueError, match=r"value of 'k': value is a tuple"):
        store.save("c", "k", (1, 2))
    with pytest.raises(UnstorableValueError, match=r"value of 'b': value is a bytes"):
        store.save_bulk("c", [StateValue("a", 1), StateValue("b", b"x")])
    with pytest.raises(InvalidKeyError, match=r"state key must be a str, got int 3"):
        store.save_bulk("c", {3: None})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"ttl must be a whole number .*got -1"):
        store.save("c", "k", 1, ttl=-1)
    with pytest.raises(InvalidArgumentError, match=r"ttl must be a whole number .*got 'x'"):
        store.save_bulk("c", {}, ttl="x")  # type: ignore[arg-type]


def test_every_key_is_absent_for_versioning() -> None:
    store = NullStateStore()
    assert store.save("c", "k", 1, expected_version=0) == 1
    conflict = r"^version conflict on 'k': expected version 2, found 0$"
    with pytest.raises(ConcurrencyError, match=conflict):
        store.save("c", "k", 1, expected_version=2)
    with pytest.raises(ConcurrencyError, match=r"expected version 1, found 0"):
        store.delete("c", "k", expected_version=1)
    with pytest.raises(InvalidArgumentError, match=r"expected_version must be .*got -3"):
        store.delete("c", "k", expected_version=-3)
