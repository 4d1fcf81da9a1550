"""The key-value contract every backend must meet, memory included (Dapr-style).

Backend-neutral: it only uses the public ``IVersionedStateStore`` API, the fixtures in
``conftest.py`` and the injected clock. Each block pins down a place where the
Pip.Services implementation or one backend went wrong.
"""

from __future__ import annotations

import enum
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pytest
from edge_values import LONGEST_KEYS, PAST_LIMIT

from wirework.data._values import MAX_TTL, MAX_VERSION
from wirework.errors import (
    ConcurrencyError,
    ConfigError,
    InvalidArgumentError,
    InvalidKeyError,
    InvalidStateError,
    UnstorableValueError,
)
from wirework.state import IStateStore, IVersionedStateStore, ManualClock, StateValue

Store = IVersionedStateStore
CID = "test"


def same_json(a: Any, b: Any) -> bool:
    """Equal *and* of the same JSON types all the way down (``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)


# -- Pip.Services' semantics --------------------------------------------------------------


def test_load_of_a_missing_key_is_none(kv_store: Store) -> None:
    assert kv_store.load(CID, "missing") is None


def test_save_returns_the_value_and_load_gives_it_back(kv_store: Store) -> None:
    assert kv_store.save(CID, "k", "ABC") == "ABC"
    assert kv_store.load(CID, "k") == "ABC"


def test_save_overwrites(kv_store: Store) -> None:
    kv_store.save(CID, "k", "one")
    kv_store.save(CID, "k", "two")
    assert kv_store.load(CID, "k") == "two"


def test_saving_none_deletes(kv_store: Store) -> None:
    kv_store.save(CID, "k", {"a": 1})
    assert kv_store.save(CID, "k", None) is None
    assert kv_store.load(CID, "k") is None
    assert kv_store.load_versioned(CID, "k") == (None, 0)


def test_saving_none_for_a_key_never_saved_is_not_an_error(kv_store: Store) -> None:
    assert kv_store.save(CID, "never-saved", None) is None
    assert kv_store.load(CID, "never-saved") is None


def test_delete_returns_the_removed_value(kv_store: Store) -> None:
    kv_store.save(CID, "k", [1, 2])
    assert kv_store.delete(CID, "k") == [1, 2]
    assert kv_store.load(CID, "k") is None
    assert kv_store.delete(CID, "k") is None


def test_delete_of_a_key_never_saved_returns_none(kv_store: Store) -> None:
    assert kv_store.delete(CID, "never-saved") is None


def test_keys_are_independent(kv_store: Store) -> None:
    kv_store.save(CID, "a", 1)
    kv_store.save(CID, "b", 2)
    kv_store.delete(CID, "a")
    assert kv_store.load(CID, "b") == 2


def test_load_gives_an_equal_copy_never_the_saved_object(kv_store: Store) -> None:
    saved: dict[str, Any] = {"items": [1, 2], "meta": {"n": 1}}
    kv_store.save(CID, "k", saved)
    saved["items"].append(3)  # the caller keeps mutating its own object
    first = kv_store.load(CID, "k")
    assert first == {"items": [1, 2], "meta": {"n": 1}}
    assert first is not saved
    first["meta"]["n"] = 99  # ... and mutates what it loaded
    second = kv_store.load(CID, "k")
    assert second == {"items": [1, 2], "meta": {"n": 1}}
    assert second is not first


def test_a_list_appearing_twice_loads_as_two_lists(kv_store: Store) -> None:
    shared = [1]
    kv_store.save(CID, "k", {"a": shared, "b": shared})
    loaded = kv_store.load(CID, "k")
    loaded["a"].append(2)
    assert loaded["b"] == [1]


# -- keys ---------------------------------------------------------------------------------

_KEY_CALLS: dict[str, Callable[[Store, Any], Any]] = {
    "load": lambda s, k: s.load(CID, k),
    "load_versioned": lambda s, k: s.load_versioned(CID, k),
    "load_bulk": lambda s, k: s.load_bulk(CID, ["ok", k]),
    "save": lambda s, k: s.save(CID, k, "v"),
    "save(None)": lambda s, k: s.save(CID, k, None),
    "save_bulk": lambda s, k: s.save_bulk(CID, {"ok": 1, k: 2}),
    "delete": lambda s, k: s.delete(CID, k),
}


@pytest.mark.parametrize("operation", list(_KEY_CALLS))
def test_a_none_key_is_a_clear_error(kv_store: Store, operation: str) -> None:
    with pytest.raises(InvalidKeyError, match=r"^state key must be a str, got None$"):
        _KEY_CALLS[operation](kv_store, None)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (42, r"state key must be a str, got int 42"),
        (b"k", r"state key must be a str, got bytes b'k'"),
        ("a\x00b", r"state key 'a\\x00b' contains a NUL character"),
        ("\ud800", r"state key '\\ud800' is not valid UTF-8"),
    ],
)
def test_keys_no_backend_can_store_are_refused(kv_store: Store, key: Any, message: str) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        kv_store.save(CID, key, "v")
    with pytest.raises(InvalidKeyError, match=message):
        kv_store.load(CID, key)


def test_a_failed_bulk_call_on_a_bad_key_writes_nothing(kv_store: Store) -> None:
    with pytest.raises(InvalidKeyError):
        kv_store.save_bulk(CID, {"ok": 1, None: 2})  # type: ignore[arg-type]
    assert kv_store.load(CID, "ok") is None


@pytest.mark.parametrize("key", ["", " ", "ключ", "键/with:separators", "emoji-🎉", "x" * 500])
def test_unusual_but_valid_keys_work(kv_store: Store, key: str) -> None:
    kv_store.save(CID, key, "v")
    assert kv_store.load(CID, key) == "v"
    assert kv_store.load_bulk(CID, [key]) == [StateValue(key, "v")]
    assert kv_store.delete(CID, key) == "v"


@pytest.mark.parametrize("name", list(LONGEST_KEYS))
def test_a_key_at_the_length_limit_works_everywhere(kv_store: Store, name: str) -> None:
    key = LONGEST_KEYS[name]
    kv_store.save(CID, key, "v", expected_version=0)
    kv_store.save_bulk(CID, {key: "w"})
    assert kv_store.load(CID, key) == "w"
    assert kv_store.load_bulk(CID, [key]) == [StateValue(key, "w")]
    assert kv_store.load_versioned(CID, key)[0] == "w"
    assert kv_store.delete(CID, key) == "w"


@pytest.mark.parametrize("name", list(LONGEST_KEYS))
@pytest.mark.parametrize("operation", list(_KEY_CALLS))
def test_a_key_one_byte_past_the_limit_is_refused(
    kv_store: Store, name: str, operation: str
) -> None:
    """PostgreSQL failed with an index error past ~2.7 kB while the others stored it."""
    key = LONGEST_KEYS[name] + "k"
    with pytest.raises(InvalidKeyError, match=r"^state key '.{20,}\.\.\..*'" + PAST_LIMIT):
        _KEY_CALLS[operation](kv_store, key)
    assert kv_store.load(CID, "ok") is None


# -- values -------------------------------------------------------------------------------

ROUND_TRIP = {
    "empty string": "",
    "unicode": "naïve 日本語 🎉 ∑",
    "nul and control chars": "a\x00b\n\t\x1f",
    "quotes and backslashes": "\"'\\",
    "zero": 0,
    "negative": -7,
    "beyond 64 bits": 2**100,
    "float": 1.5,
    "negative zero": -0.0,
    "tiny float": 5e-324,
    "true": True,
    "false": False,
    "empty list": [],
    "empty dict": {},
    "none inside containers": {"a": None, "b": [None]},
    "nested json": {
        "order": {"id": 7, "lines": [{"sku": "A-1", "qty": 2, "price": 9.99}]},
        "tags": ["x", "ü", ""],
        "flags": {"paid": False, "gift": True},
        "ключ": {"deep": {"er": {"est": [[[]]]}}},
    },
}


@pytest.mark.parametrize("name", list(ROUND_TRIP))
def test_json_values_round_trip_with_their_types(kv_store: Store, name: str) -> None:
    value = ROUND_TRIP[name]
    kv_store.save(CID, "k", value)
    assert same_json(kv_store.load(CID, "k"), value)
    assert same_json(kv_store.load_bulk(CID, ["k"])[0].value, value)
    assert same_json(kv_store.load_versioned(CID, "k")[0], value)


class _Color(enum.StrEnum):
    RED = "red"


class _Size(enum.IntEnum):
    LARGE = 3


def test_subclasses_of_json_types_come_back_as_the_plain_type(kv_store: Store) -> None:
    kv_store.save(CID, "k", OrderedDict([("c", _Color.RED), ("s", _Size.LARGE)]))
    kv_store.save(CID, "s", _Color.RED)
    assert same_json(kv_store.load(CID, "k"), {"c": "red", "s": 3})
    assert same_json(kv_store.load(CID, "s"), "red")


def _circular() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


UNSTORABLE = {
    "bytes": (b"raw", r"value is a bytes, which is not a JSON type"),
    "tuple": ((1, 2), r"value is a tuple, which a backend would give back as a list"),
    "set in a list": ({"a": [{1}]}, r"value\['a'\]\[0\] is a set"),
    "int key": ({1: "a"}, r"value has an int key 1; JSON object keys must be str"),
    "nan": (float("nan"), r"value is nan, which JSON cannot represent"),
    "infinity in a dict": ({"x": float("inf")}, r"value\['x'\] is inf, which JSON cannot"),
    "object": (object(), r"value is an object, which is not a JSON type"),
    "lone surrogate": (["\udc80"], r"value\[0\] is not valid UTF-8"),
    "lone surrogate in a key": ({"\ud800": 1}, r"value has a key '\\ud800' that is not valid"),
    "circular": (_circular(), r"contains itself \(a circular reference\)"),
    "too deep": (_deep(300), r"is nested more than 256 levels deep"),
    "huge int": (10**5000, r"value is an integer with more than 4300 digits"),
}


@pytest.mark.parametrize("name", list(UNSTORABLE))
def test_values_no_backend_can_store_are_refused_the_same_way(kv_store: Store, name: str) -> None:
    value, message = UNSTORABLE[name]
    kv_store.save(CID, "k", "before")
    before = kv_store.load_versioned(CID, "k")
    with pytest.raises(UnstorableValueError, match=r"^cannot store the value of 'k': ") as info:
        kv_store.save(CID, "k", value)
    assert info.match(message)
    assert "a state value must be JSON" in str(info.value)
    assert kv_store.load_versioned(CID, "k") == before


def test_save_bulk_validates_every_value_before_writing_any(kv_store: Store) -> None:
    with pytest.raises(UnstorableValueError, match=r"cannot store the value of 'b'"):
        kv_store.save_bulk(CID, {"a": 1, "b": b"raw", "c": 3})
    assert kv_store.load_bulk(CID, ["a", "b", "c"]) == [
        StateValue("a", None),
        StateValue("b", None),
        StateValue("c", None),
    ]


# -- bulk ---------------------------------------------------------------------------------


def test_load_bulk_answers_every_key_in_order_with_none_for_missing(kv_store: Store) -> None:
    kv_store.save(CID, "a", 1)
    kv_store.save(CID, "c", {"x": [3]})
    assert kv_store.load_bulk(CID, ["c", "missing", "a", "c"]) == [
        StateValue("c", {"x": [3]}),
        StateValue("missing", None),
        StateValue("a", 1),
        StateValue("c", {"x": [3]}),
    ]
    assert kv_store.load_bulk(CID, []) == []


def test_save_bulk_writes_deletes_and_bumps_versions(kv_store: Store) -> None:
    kv_store.save(CID, "gone", "x")
    kv_store.save(CID, "b", "old")
    old = kv_store.load_versioned(CID, "b")[1]
    kv_store.save_bulk(CID, {"a": 1, "b": "new", "gone": None, "never": None})
    assert kv_store.load_bulk(CID, ["a", "b", "gone", "never"]) == [
        StateValue("a", 1),
        StateValue("b", "new"),
        StateValue("gone", None),
        StateValue("never", None),
    ]
    assert kv_store.load_versioned(CID, "a")[1] > 0
    assert kv_store.load_versioned(CID, "b")[1] > old


def test_save_bulk_accepts_what_load_bulk_returns(kv_store: Store) -> None:
    kv_store.save_bulk(CID, [StateValue("a", [1]), StateValue("b", "two")])
    copied = kv_store.load_bulk(CID, ["a", "b"])
    kv_store.save_bulk(CID, [StateValue("copy-" + item.key, item.value) for item in copied])
    assert kv_store.load(CID, "copy-a") == [1]
    assert kv_store.load(CID, "copy-b") == "two"


def test_save_bulk_refuses_items_that_are_not_state_values(kv_store: Store) -> None:
    with pytest.raises(InvalidArgumentError, match=r"mapping of key -> value or an iterable"):
        kv_store.save_bulk(CID, [("a", 1)])  # type: ignore[list-item]


# -- versions and optimistic concurrency ----------------------------------------------------


def version(store: Store, key: str) -> int:
    return store.load_versioned(CID, key)[1]


def test_every_save_gives_a_higher_version(kv_store: Store) -> None:
    assert kv_store.load_versioned(CID, "k") == (None, 0)
    seen = []
    for value in ("a", "b", "c"):
        kv_store.save(CID, "k", value)
        seen.append(kv_store.load_versioned(CID, "k"))
    kv_store.save_bulk(CID, {"k": "d"})
    seen.append(kv_store.load_versioned(CID, "k"))
    assert [value for value, _ in seen] == ["a", "b", "c", "d"]
    versions = [number for _, number in seen]
    assert 0 < versions[0] < versions[1] < versions[2] < versions[3]


# Every way a key can disappear. After each, the key is created again and a writer
# still holding the version it had must get a conflict (issue: versions restarted
# at 1, so a stale writer overwrote the new record: the ABA problem).
_DISAPPEARANCES: dict[str, Callable[[Any, ManualClock], Any]] = {
    "delete": lambda s, c: s.delete(CID, "k"),
    "conditional delete": lambda s, c: s.delete(CID, "k", expected_version=version(s, "k")),
    "save None": lambda s, c: s.save(CID, "k", None),
    "save_bulk None": lambda s, c: s.save_bulk(CID, {"k": None}),
    "clear": lambda s, c: s.clear(CID),
    "expiry": lambda s, c: (c.advance_ms(101), s.load(CID, "k")),
    "expiry, purged": lambda s, c: (c.advance(3600), [s.load(CID, f"x{i}") for i in range(40)]),
}


@pytest.mark.parametrize("how", list(_DISAPPEARANCES))
@pytest.mark.parametrize("times", [1, 3])
def test_a_version_is_never_given_twice_to_a_key(
    kv_store: Store, clock: ManualClock, how: str, times: int
) -> None:
    stale = []
    for _ in range(times):  # the old version must not come back after many rounds either
        kv_store.save(CID, "k", "old", ttl=100)
        stale.append(version(kv_store, "k"))
        _DISAPPEARANCES[how](kv_store, clock)
        assert kv_store.load_versioned(CID, "k") == (None, 0)
    kv_store.save(CID, "k", "new", expected_version=0)
    current = version(kv_store, "k")
    assert current > max(stale)
    for old in stale:
        with pytest.raises(ConcurrencyError, match=rf"expected version {old}, found {current}$"):
            kv_store.save(CID, "k", "stale write", expected_version=old)
        with pytest.raises(ConcurrencyError, match=rf"expected version {old}, found {current}$"):
            kv_store.delete(CID, "k", expected_version=old)
    assert kv_store.load_versioned(CID, "k") == ("new", current)


def test_versions_survive_close_and_reopen(kv_store: Any) -> None:
    kv_store.save(CID, "k", "old")
    stale = version(kv_store, "k")
    kv_store.delete(CID, "k")
    kv_store.close(CID)
    kv_store.open(CID)
    kv_store.save(CID, "k", "new")
    assert version(kv_store, "k") > stale


def test_a_save_at_the_expected_version_succeeds(kv_store: Store) -> None:
    kv_store.save(CID, "k", "a")
    first = version(kv_store, "k")
    assert kv_store.save(CID, "k", "b", expected_version=first) == "b"
    assert kv_store.load(CID, "k") == "b"
    assert version(kv_store, "k") > first


def test_a_stale_save_raises_and_changes_nothing(kv_store: Store) -> None:
    kv_store.save(CID, "k", "a")
    first = version(kv_store, "k")
    kv_store.save(CID, "k", "b")
    second = version(kv_store, "k")
    with pytest.raises(ConcurrencyError) as info:
        kv_store.save(CID, "k", "c", expected_version=first)
    assert (info.value.key, info.value.expected, info.value.actual) == ("k", first, second)
    assert str(info.value) == (f"version conflict on 'k': expected version {first}, found {second}")
    assert kv_store.load_versioned(CID, "k") == ("b", second)


def test_expected_version_zero_creates_only_if_absent(kv_store: Store) -> None:
    assert kv_store.save(CID, "k", "first", expected_version=0) == "first"
    created = version(kv_store, "k")
    assert created > 0
    with pytest.raises(ConcurrencyError, match=rf"expected version 0, found {created}$"):
        kv_store.save(CID, "k", "second", expected_version=0)
    assert kv_store.load_versioned(CID, "k") == ("first", created)


def test_a_save_expecting_a_version_of_a_missing_key_raises(kv_store: Store) -> None:
    with pytest.raises(ConcurrencyError, match=r"expected version 3, found 0"):
        kv_store.save(CID, "k", "v", expected_version=3)
    assert kv_store.load(CID, "k") is None


def test_conditional_delete(kv_store: Store) -> None:
    kv_store.save(CID, "k", "a")
    current = version(kv_store, "k")
    with pytest.raises(
        ConcurrencyError, match=rf"expected version {current + 1}, found {current}$"
    ):
        kv_store.delete(CID, "k", expected_version=current + 1)
    with pytest.raises(
        ConcurrencyError, match=rf"expected version {current + 5}, found {current}$"
    ):
        kv_store.save(CID, "k", None, expected_version=current + 5)
    with pytest.raises(ConcurrencyError, match=rf"expected version 0, found {current}$"):
        kv_store.delete(CID, "k", expected_version=0)
    assert kv_store.load(CID, "k") == "a"
    assert kv_store.delete(CID, "k", expected_version=current) == "a"
    assert kv_store.load_versioned(CID, "k") == (None, 0)


def test_the_largest_expected_version_is_an_ordinary_conflict(kv_store: Store) -> None:
    kv_store.save(CID, "k", "v")
    with pytest.raises(ConcurrencyError, match=rf"expected version {MAX_VERSION}, found"):
        kv_store.save(CID, "k", "w", expected_version=MAX_VERSION)
    with pytest.raises(ConcurrencyError, match=rf"expected version {MAX_VERSION}, found"):
        kv_store.delete(CID, "k", expected_version=MAX_VERSION)
    assert kv_store.load(CID, "k") == "v"


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (-1, "-1"),
        (1.0, "1.0"),
        ("1", "'1'"),
        (True, "True"),
        (MAX_VERSION + 1, str(MAX_VERSION + 1)),
        (2**63, "9223372036854775808"),
        (2**64, "an integer of about 20 digits"),
        (10**400, "an integer of about 401 digits"),
    ],
)
def test_a_malformed_expected_version_is_refused(kv_store: Store, bad: Any, shown: str) -> None:
    kv_store.save(CID, "k", "before")
    message = (
        r"^expected_version must be a whole number from 0 to 9,007,199,254,740,991 "
        rf"\(0 = create only if absent\), got {shown}$"
    )
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.save(CID, "k", "v", expected_version=bad)
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.save(CID, "k", None, expected_version=bad)
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.delete(CID, "k", expected_version=bad)
    assert kv_store.load(CID, "k") == "before"


def _run_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(i)`` in ``count`` threads at once, switching threads as often as possible."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # a lost update then shows up in nearly every run
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    if errors:
        raise errors[0]


def test_only_one_of_racing_creators_wins(kv_store: Store) -> None:
    winners: list[int] = []
    conflicts: list[tuple[int, int]] = []

    def create(index: int) -> None:
        try:
            kv_store.save(CID, "lock", index, expected_version=0)
            winners.append(index)
        except ConcurrencyError as exc:
            conflicts.append((exc.expected, exc.actual))

    _run_threads(16, create)
    assert len(winners) == 1
    created = version(kv_store, "lock")
    assert conflicts == [(0, created)] * 15
    assert kv_store.load_versioned(CID, "lock") == (winners[0], created)


def test_compare_and_set_increments_from_threads_lose_nothing(kv_store: Store) -> None:
    threads, increments = 8, 40
    kv_store.save(CID, "counter", 0)

    def increment(_: int) -> None:
        done = 0
        while done < increments:
            value, version = kv_store.load_versioned(CID, "counter")
            try:
                kv_store.save(CID, "counter", value + 1, expected_version=version)
            except ConcurrencyError:
                continue
            done += 1

    _run_threads(threads, increment)
    total = threads * increments
    value, final = kv_store.load_versioned(CID, "counter")
    assert value == total
    assert final >= total + 1  # one new version per save at least


def test_unconditional_saves_from_threads_keep_versions_exact(kv_store: Store) -> None:
    threads, saves = 8, 100

    def hammer(index: int) -> None:
        for n in range(saves):
            kv_store.save(CID, "hot", [index, n])
            kv_store.save(CID, f"own-{index}-{n}", n)

    _run_threads(threads, hammer)
    assert version(kv_store, "hot") >= threads * saves  # a new, higher version per save
    keys = [f"own-{i}-{n}" for i in range(threads) for n in range(saves)]
    assert [item.value for item in kv_store.load_bulk(CID, keys)] == list(range(saves)) * threads


# -- expiry, driven by the injected clock -------------------------------------------------------


def test_an_entry_not_updated_within_the_timeout_is_gone(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=1000)
    store.save(CID, "k", "v")
    clock.advance_ms(999)
    assert store.load(CID, "k") == "v"
    clock.advance_ms(2)
    assert store.load(CID, "k") is None
    assert store.load_versioned(CID, "k") == (None, 0)
    assert store.load_bulk(CID, ["k"]) == [StateValue("k", None)]
    assert store.delete(CID, "k") is None


def test_saving_again_restarts_the_timeout_and_loading_does_not(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=1000)
    store.save(CID, "saved", 1)
    store.save(CID, "loaded", 1)
    clock.advance_ms(600)
    store.save(CID, "saved", 2)
    assert store.load(CID, "loaded") == 1
    clock.advance_ms(600)
    assert store.load(CID, "saved") == 2
    assert store.load(CID, "loaded") is None
    clock.advance_ms(401)
    assert store.load(CID, "saved") is None


def test_an_expired_key_is_absent_for_versioning(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=1000)
    store.save(CID, "k", "a")
    store.save(CID, "k", "b")
    last = version(store, "k")
    clock.advance_ms(1001)
    with pytest.raises(ConcurrencyError, match=rf"expected version {last}, found 0$"):
        store.save(CID, "k", "c", expected_version=last)
    store.save(CID, "k", "c", expected_version=0)
    assert store.load_versioned(CID, "k") == ("c", version(store, "k"))
    assert version(store, "k") > last


def test_timeout_zero_means_never_expire(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=0)
    store.save(CID, "k", "v")
    clock.advance(10 * 365 * 86400)
    assert store.load(CID, "k") == "v"


def test_per_item_ttl_overrides_the_timeout(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=10_000)
    store.save(CID, "short", 1, ttl=100)
    store.save(CID, "forever", 2, ttl=0)
    store.save(CID, "default", 3)
    clock.advance_ms(101)
    assert store.load_bulk(CID, ["short", "forever", "default"]) == [
        StateValue("short", None),
        StateValue("forever", 2),
        StateValue("default", 3),
    ]
    clock.advance_ms(10_000)
    assert store.load(CID, "forever") == 2
    assert store.load(CID, "default") is None


def test_ttl_works_without_a_store_timeout(kv_store: Store, clock: ManualClock) -> None:
    kv_store.save(CID, "k", "v", ttl=50)
    kv_store.save_bulk(CID, {"b1": 1, "b2": 2}, ttl=50)
    kv_store.save(CID, "stays", "v")
    clock.advance_ms(51)
    assert [item.value for item in kv_store.load_bulk(CID, ["k", "b1", "b2", "stays"])] == [
        None,
        None,
        None,
        "v",
    ]


def test_saving_with_a_ttl_then_without_one_removes_the_ttl(
    kv_store: Store, clock: ManualClock
) -> None:
    kv_store.save(CID, "k", "v", ttl=50)
    kv_store.save(CID, "k", "w")
    clock.advance_ms(51)
    assert kv_store.load(CID, "k") == "w"


def test_many_entries_expiring_at_once_break_nothing(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=100)
    store.save_bulk(CID, {f"k{i}": i for i in range(200)})
    clock.advance_ms(101)  # Pip.Services' store raised "dictionary changed size" from here on
    assert store.load(CID, "k0") is None
    assert store.save(CID, "fresh", 1) == 1
    assert store.delete(CID, "k1") is None
    assert all(item.value is None for item in store.load_bulk(CID, [f"k{i}" for i in range(200)]))
    assert store.load(CID, "fresh") == 1


def test_the_longest_ttl_is_kept_until_it_ends(kv_store: Store, clock: ManualClock) -> None:
    kv_store.save(CID, "k", "v", ttl=MAX_TTL)
    kv_store.save_bulk(CID, {"b": 1}, ttl=MAX_TTL)
    clock.advance_ms(MAX_TTL - 1)
    assert [item.value for item in kv_store.load_bulk(CID, ["k", "b"])] == ["v", 1]
    clock.advance_ms(2)
    assert [item.value for item in kv_store.load_bulk(CID, ["k", "b"])] == [None, None]


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (-1, "-1"),
        (1.5, "1.5"),
        ("100", "'100'"),
        (True, "True"),
        (float("inf"), "inf"),
        (MAX_TTL + 1, "1000000000001"),
        (10**17, "100000000000000000"),  # Redis refused it after writing the value
        (10**400, "an integer of about 401 digits"),  # an OverflowError
    ],
)
def test_a_malformed_ttl_is_refused_and_writes_nothing(
    kv_store: Store, bad: Any, shown: str
) -> None:
    kv_store.save(CID, "k", "before")
    before = kv_store.load_versioned(CID, "k")
    message = (
        r"^ttl must be a whole number of milliseconds from 0 to 1,000,000,000,000 "
        rf"\(0 = never expire\), got {shown}$"
    )
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.save(CID, "k", "v", ttl=bad)
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.save(CID, "k", "v", ttl=bad, expected_version=before[1])
    with pytest.raises(InvalidArgumentError, match=message):
        kv_store.save_bulk(CID, {"k": "v", "new": 1}, ttl=bad)
    assert kv_store.load_versioned(CID, "k") == before
    assert kv_store.load(CID, "new") is None
    kv_store.save(CID, "k", "retried", expected_version=before[1])  # no conflict: nothing moved
    assert kv_store.load(CID, "k") == "retried"


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ("soon", "'soon' (text)"),
        (-5, "-5 (a whole number)"),
        ("1e", "'1e' (text)"),
        (True, "true (a boolean)"),  # read as 1 ms by a lenient integer getter
        ("true", "'true' (text)"),
        (1.5, "1.5 (a number)"),  # read as 1 ms
        ("1.9", "'1.9' (text)"),  # read as 1 ms
        (float("inf"), "inf (a number)"),  # an OverflowError
        ("inf", "'inf' (text)"),
        ("1e400", "'1e400' (text)"),
        (float("nan"), "nan (a number)"),
        (MAX_TTL + 1, "1000000000001 (a whole number)"),
        ([1000], "[1000] (a list)"),
        ({"a": 1}, "{'a': 1} (a map)"),
    ],
)
def test_a_malformed_timeout_option_is_a_config_error(
    new_kv_store: Callable[..., Store], bad: Any, shown: str
) -> None:
    message = (
        r"options.timeout: expected a whole number of milliseconds from 0 to 1,000,000,000,000, "
        rf"got {re.escape(shown)}"
    )
    with pytest.raises(ConfigError, match=message):
        new_kv_store(options_timeout=bad)


@pytest.mark.parametrize(
    ("timeout", "fix"),
    [
        ("1000", "write it without quotes"),
        (" 1000 ", "write it without quotes"),
        ("1e3", "write it without quotes"),
        (1000.0, "whole numbers only"),
    ],
)
def test_a_timeout_given_as_text_or_a_float_is_refused_with_the_fix(
    new_kv_store: Callable[..., Store], timeout: Any, fix: str
) -> None:
    # An unquoted ${TIMEOUT} marker yields a number; a quoted one is text, as in YAML.
    with pytest.raises(ConfigError, match=fix):
        new_kv_store(options_timeout=timeout)


def test_the_longest_timeout_option_is_accepted(
    open_kv_store: Callable[..., Store], clock: ManualClock
) -> None:
    store = open_kv_store(options_timeout=MAX_TTL)
    store.save(CID, "k", "v")
    clock.advance_ms(MAX_TTL - 1)
    assert store.load(CID, "k") == "v"
    clock.advance_ms(2)
    assert store.load(CID, "k") is None


# -- lifecycle --------------------------------------------------------------------------------

_ALL_CALLS: dict[str, Callable[[Store], Any]] = {
    "load": lambda s: s.load(CID, "k"),
    "load_versioned": lambda s: s.load_versioned(CID, "k"),
    "load_bulk": lambda s: s.load_bulk(CID, ["k"]),
    "save": lambda s: s.save(CID, "k", "v"),
    "save_bulk": lambda s: s.save_bulk(CID, {"k": "v"}),
    "delete": lambda s: s.delete(CID, "k"),
}


@pytest.mark.parametrize("operation", list(_ALL_CALLS))
def test_use_after_close_is_a_clear_error(kv_store: Store, operation: str) -> None:
    kv_store.save(CID, "k", "v")
    kv_store.close(CID)  # type: ignore[attr-defined]
    with pytest.raises(InvalidStateError, match=rf"not open: call open\(\) before {operation}\(\)"):
        _ALL_CALLS[operation](kv_store)


@pytest.mark.parametrize("operation", list(_ALL_CALLS))
def test_use_before_open_is_a_clear_error(
    new_kv_store: Callable[..., Store], operation: str
) -> None:
    store = new_kv_store()
    with pytest.raises(InvalidStateError, match=rf"not open: call open\(\) before {operation}\(\)"):
        _ALL_CALLS[operation](store)


def test_open_and_close_are_idempotent_and_reported(new_kv_store: Callable[..., Any]) -> None:
    store = new_kv_store()
    assert store.is_open() is False
    store.open(CID)
    store.open(CID)
    assert store.is_open() is True
    store.close(CID)
    store.close(CID)
    assert store.is_open() is False


def test_data_survives_close_and_reopen(kv_store: Any) -> None:
    kv_store.save(CID, "k", {"kept": True})
    saved = kv_store.load_versioned(CID, "k")
    kv_store.close(CID)
    kv_store.open(CID)
    assert kv_store.load_versioned(CID, "k") == saved


def test_the_store_satisfies_both_protocols(kv_store: Store) -> None:
    assert isinstance(kv_store, IStateStore)
    assert isinstance(kv_store, IVersionedStateStore)
