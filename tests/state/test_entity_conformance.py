"""The entity-state contract every backend must meet, memory included.

The numbered pystator divergences between its memory and SQL stores are each pinned
down here, so a new backend cannot reintroduce them.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from edge_values import LONGEST_KEYS, PAST_LIMIT

from wirework.data._values import MAX_PAGE_INDEX, MAX_VERSION
from wirework.errors import (
    ConcurrencyError,
    InvalidArgumentError,
    InvalidKeyError,
    InvalidStateError,
    UnknownEntityError,
    UnstorableValueError,
)
from wirework.state.entity import (
    AsyncContextEntityStore,
    AsyncEntityStore,
    AsyncVersionedEntityStore,
    BatchEntityStore,
    ContextEntityStore,
    DeletableEntityStore,
    EntityStore,
    QueryableEntityStore,
    VersionedEntityStore,
)

# -- state and context --------------------------------------------------------------------


def test_an_unknown_entity_has_no_state_and_an_empty_context(entity_store: Any) -> None:
    assert entity_store.get_state("nobody") is None
    assert entity_store.get_context("nobody") == {}


def test_set_state_then_get_state(entity_store: Any) -> None:
    assert entity_store.set_state("order-1", "pending") is None
    assert entity_store.get_state("order-1") == "pending"
    entity_store.set_state("order-1", "paid")
    assert entity_store.get_state("order-1") == "paid"


def test_context_given_in_metadata_is_persisted(entity_store: Any) -> None:
    """pystator divergence 1: memory dropped it, SQLite kept it."""
    entity_store.set_state("o", "pending", metadata={"context": {"qty": 1, "items": ["a"]}})
    assert entity_store.get_context("o") == {"qty": 1, "items": ["a"]}


def test_a_state_write_without_context_keeps_the_context(entity_store: Any) -> None:
    entity_store.set_state("o", "pending", metadata={"context": {"qty": 1}})
    entity_store.set_state("o", "paid")
    entity_store.set_state("o", "shipped", metadata={"actor": "system"})
    assert entity_store.get_context("o") == {"qty": 1}


def test_set_context_replaces_the_context(entity_store: Any) -> None:
    entity_store.set_state("o", "pending", metadata={"context": {"a": 1}})
    entity_store.set_context("o", {"b": [2, {"c": "ü"}]})
    assert entity_store.get_context("o") == {"b": [2, {"c": "ü"}]}
    assert entity_store.get_state("o") == "pending"


def test_contexts_are_copies_both_ways(entity_store: Any) -> None:
    context: dict[str, Any] = {"items": [1]}
    entity_store.set_state("o", "s")
    entity_store.set_context("o", context)
    context["items"].append(2)
    loaded = entity_store.get_context("o")
    loaded["items"].append(3)
    assert entity_store.get_context("o") == {"items": [1]}


def test_set_context_on_an_unknown_entity_is_a_clear_error(entity_store: Any) -> None:
    with pytest.raises(UnknownEntityError, match=r"entity 'ghost' does not exist: .*set_state\(\)"):
        entity_store.set_context("ghost", {"a": 1})
    assert entity_store.get_state("ghost") is None


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ([1, 2], r"the context of entity 'o': a context must be a dict with str keys, got list"),
        ({"raw": b"x"}, r"the context of entity 'o': value\['raw'\] is a bytes"),
        ({1: "x"}, r"the context of entity 'o': value has an int key 1"),
    ],
)
def test_a_context_no_backend_can_store_is_refused(
    entity_store: Any, context: Any, message: str
) -> None:
    entity_store.set_state("o", "s", metadata={"context": {"kept": True}})
    before = entity_store.get_state_versioned("o")
    with pytest.raises(UnstorableValueError, match=message):
        entity_store.set_context("o", context)
    with pytest.raises(UnstorableValueError, match=message):
        entity_store.set_state("o", "t", metadata={"context": context})
    assert entity_store.get_state_versioned("o") == before
    assert entity_store.get_context("o") == {"kept": True}


def test_metadata_that_is_not_a_dict_is_refused(entity_store: Any) -> None:
    message = r"metadata of entity 'o': metadata must be a dict"
    with pytest.raises(UnstorableValueError, match=message):
        entity_store.set_state("o", "s", metadata=["context"])
    with pytest.raises(UnstorableValueError, match=r"the metadata of entity 'o': value\['at'\]"):
        entity_store.set_state("o", "s", metadata={"at": {1, 2}})
    assert entity_store.get_state("o") is None


@pytest.mark.parametrize(
    ("entity_id", "state", "error", "message"),
    [
        (None, "s", InvalidKeyError, r"^entity id must be a str, got None$"),
        (7, "s", InvalidKeyError, r"^entity id must be a str, got int 7$"),
        ("a\x00b", "s", InvalidKeyError, r"entity id 'a\\x00b' contains a NUL character"),
        ("e", None, InvalidKeyError, r"^state must be a str, got None$"),
        ("e", "", InvalidArgumentError, r"^state must be a non-empty str, got ''$"),
    ],
)
def test_bad_ids_and_states_are_clear_errors(
    entity_store: Any, entity_id: Any, state: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        entity_store.set_state(entity_id, state)


@pytest.mark.parametrize("name", list(LONGEST_KEYS))
def test_ids_and_states_at_the_length_limit_work_everywhere(entity_store: Any, name: str) -> None:
    longest = LONGEST_KEYS[name]
    state = longest[::-1]  # another string as long: PostgreSQL indexes both in one entry
    entity_store.set_state(longest, state, metadata={"context": {"n": 1}})
    entity_store.set_states_batch({longest: state, "other": state})
    assert entity_store.get_state_versioned(longest)[0] == state
    assert entity_store.get_states_batch([longest]) == {longest: state}
    assert entity_store.list_entities(state) == sorted([longest, "other"])
    assert entity_store.count_by_state() == {state: 2}
    assert entity_store.get_context(longest) == {"n": 1}
    assert entity_store.delete_entity(longest) is True


_ID_CALLS: dict[str, Callable[[Any, str], Any]] = {
    "get_state": lambda s, i: s.get_state(i),
    "set_state": lambda s, i: s.set_state(i, "s"),
    "get_context": lambda s, i: s.get_context(i),
    "set_context": lambda s, i: s.set_context(i, {}),
    "get_state_versioned": lambda s, i: s.get_state_versioned(i),
    "set_state_versioned": lambda s, i: s.set_state_versioned(i, "s", expected_version=0),
    "get_states_batch": lambda s, i: s.get_states_batch(["ok", i]),
    "set_states_batch": lambda s, i: s.set_states_batch({"ok": "s", i: "s"}),
    "delete_entity": lambda s, i: s.delete_entity(i),
}


@pytest.mark.parametrize("name", list(LONGEST_KEYS))
@pytest.mark.parametrize("operation", list(_ID_CALLS))
def test_an_id_one_byte_past_the_limit_is_refused(
    entity_store: Any, name: str, operation: str
) -> None:
    with pytest.raises(InvalidKeyError, match=r"^entity id '.{20,}\.\.\..*'" + PAST_LIMIT):
        _ID_CALLS[operation](entity_store, LONGEST_KEYS[name] + "k")
    assert entity_store.list_entities() == []


@pytest.mark.parametrize("name", list(LONGEST_KEYS))
def test_a_state_one_byte_past_the_limit_is_refused(entity_store: Any, name: str) -> None:
    state = LONGEST_KEYS[name] + "k"
    message = r"^state '.{20,}\.\.\..*'" + PAST_LIMIT
    for write in (
        lambda: entity_store.set_state("e", state),
        lambda: entity_store.set_state_versioned("e", state, expected_version=0),
        lambda: entity_store.set_states_batch({"ok": "s", "e": state}),
        lambda: entity_store.list_entities(state),
    ):
        with pytest.raises(InvalidKeyError, match=message):
            write()
    assert entity_store.list_entities() == []


def test_unicode_ids_and_states_round_trip(entity_store: Any) -> None:
    entity_store.set_state("заказ/1 🎉", "оплачен")
    assert entity_store.get_state("заказ/1 🎉") == "оплачен"
    assert entity_store.list_entities("оплачен") == ["заказ/1 🎉"]


# -- versions -------------------------------------------------------------------------------


def version(store: Any, entity_id: str) -> int:
    number: int = store.get_state_versioned(entity_id)[1]
    return number


def test_expected_version_zero_creates_only_if_absent(entity_store: Any) -> None:
    """pystator divergence 2: memory raised "expected 0, got 0", SQLite ignored it."""
    assert entity_store.get_state_versioned("new") == (None, 0)
    created = entity_store.set_state_versioned("new", "created", expected_version=0)
    assert created > 0
    conflict = rf"^version conflict on 'new': expected version 0, found {created}$"
    with pytest.raises(ConcurrencyError, match=conflict):
        entity_store.set_state_versioned("new", "again", expected_version=0)
    assert entity_store.get_state_versioned("new") == ("created", created)


def test_every_write_gives_a_higher_version(entity_store: Any) -> None:
    entity_store.set_state("e", "a")
    first = version(entity_store, "e")
    second = entity_store.set_state_versioned("e", "b", expected_version=first)
    third = entity_store.set_state_versioned("e", "c")  # no expectation: last write wins
    entity_store.set_context("e", {"n": 1})
    fourth = version(entity_store, "e")
    entity_store.set_states_batch({"e": "d", "f": "d"})
    fifth = version(entity_store, "e")
    entity_store.set_state("e", "e", metadata={"by": "me"})  # a write that merges metadata
    sixth = version(entity_store, "e")
    assert 0 < first < second < third < fourth < fifth < sixth
    assert entity_store.get_state_versioned("e") == ("e", sixth)


@pytest.mark.parametrize("rounds", [1, 3])
@pytest.mark.parametrize("metadata", [None, {"by": "me"}])
def test_a_version_is_never_given_twice_to_an_entity(
    entity_store: Any, rounds: int, metadata: Any
) -> None:
    """Versions restarted at 1 after a delete, so a stale writer overwrote the new entity."""
    stale = []
    for _ in range(rounds):
        stale.append(entity_store.set_state_versioned("e", "old", metadata=metadata))
        assert entity_store.delete_entity("e") is True
    current = entity_store.set_state_versioned("e", "new", expected_version=0)
    assert current > max(stale)
    for old in stale:
        with pytest.raises(ConcurrencyError, match=rf"expected version {old}, found {current}$"):
            entity_store.set_state_versioned("e", "stale", expected_version=old, metadata=metadata)
    assert entity_store.get_state_versioned("e") == ("new", current)


def test_versions_survive_disconnect_and_connect(entity_store: Any) -> None:
    stale = entity_store.set_state_versioned("e", "old")
    entity_store.delete_entity("e")
    entity_store.disconnect()
    entity_store.connect()
    assert entity_store.set_state_versioned("e", "new") > stale


def test_a_stale_versioned_write_raises_and_changes_nothing(entity_store: Any) -> None:
    entity_store.set_state("e", "a", metadata={"context": {"v": 1}})
    first = version(entity_store, "e")
    entity_store.set_state("e", "b")
    second = version(entity_store, "e")
    with pytest.raises(ConcurrencyError) as info:
        entity_store.set_state_versioned("e", "c", expected_version=first, metadata={"context": {}})
    assert (info.value.key, info.value.expected, info.value.actual) == ("e", first, second)
    assert entity_store.get_state_versioned("e") == ("b", second)
    assert entity_store.get_context("e") == {"v": 1}


def test_a_versioned_write_expecting_a_missing_entity_to_exist_raises(entity_store: Any) -> None:
    with pytest.raises(ConcurrencyError, match=r"expected version 2, found 0"):
        entity_store.set_state_versioned("ghost", "s", expected_version=2)
    assert entity_store.get_state("ghost") is None


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (-1, "-1"),
        ("1", "'1'"),
        (1.0, "1.0"),
        (True, "True"),
        (MAX_VERSION + 1, str(MAX_VERSION + 1)),
        (2**63, str(2**63)),  # SQLite: OverflowError
        (10**400, "an integer of about 401 digits"),
    ],
)
def test_a_malformed_expected_version_is_refused(entity_store: Any, bad: Any, shown: str) -> None:
    entity_store.set_state("e", "before")
    message = (
        rf"^expected_version must be a whole number from 0 to 9,007,199,254,740,991 .*got {shown}$"
    )
    with pytest.raises(InvalidArgumentError, match=message):
        entity_store.set_state_versioned("e", "s", expected_version=bad)
    assert entity_store.get_state("e") == "before"


def test_the_largest_expected_version_is_an_ordinary_conflict(entity_store: Any) -> None:
    entity_store.set_state("e", "before")
    with pytest.raises(ConcurrencyError, match=rf"expected version {MAX_VERSION}, found"):
        entity_store.set_state_versioned("e", "s", expected_version=MAX_VERSION)
    assert entity_store.get_state("e") == "before"


def test_racing_transitions_each_version_is_won_once(entity_store: Any) -> None:
    entity_store.set_state("counter", "0")
    threads, increments = 6, 30
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def increment() -> None:
        barrier.wait()
        done = 0
        try:
            while done < increments:
                state, version = entity_store.get_state_versioned("counter")
                try:
                    entity_store.set_state_versioned(
                        "counter", str(int(state) + 1), expected_version=version
                    )
                except ConcurrencyError:
                    continue
                done += 1
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        workers = [threading.Thread(target=increment) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    total = threads * increments
    state, final = entity_store.get_state_versioned("counter")
    assert state == str(total)
    assert final >= total + 1  # one new version per write at least


# -- batch ----------------------------------------------------------------------------------


def test_batches_read_and_write_many_entities(entity_store: Any) -> None:
    """pystator divergence 4: batches existed only in memory."""
    entity_store.set_states_batch({"a": "open", "b": "closed"}, metadata={"context": {"n": 1}})
    assert entity_store.get_states_batch(["b", "missing", "a"]) == {
        "b": "closed",
        "missing": None,
        "a": "open",
    }
    assert entity_store.get_context("b") == {"n": 1}
    assert entity_store.get_states_batch([]) == {}


def test_a_batch_with_one_bad_state_writes_nothing(entity_store: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"state must be a non-empty str"):
        entity_store.set_states_batch({"a": "open", "b": ""})
    assert entity_store.get_states_batch(["a", "b"]) == {"a": None, "b": None}


# -- queries --------------------------------------------------------------------------------


def test_list_entities_has_one_signature_sorted_and_paged(entity_store: Any) -> None:
    """pystator divergence 3: three backends, three signatures."""
    for entity_id, state in [("c", "open"), ("a", "open"), ("d", "closed"), ("b", "open")]:
        entity_store.set_state(entity_id, state)
    assert entity_store.list_entities() == ["a", "b", "c", "d"]
    assert entity_store.list_entities("open") == ["a", "b", "c"]
    assert entity_store.list_entities("open", 2, 1) == ["b", "c"]
    assert entity_store.list_entities(state="open", limit=1, offset=2) == ["c"]
    assert entity_store.list_entities(limit=0) == []
    assert entity_store.list_entities(offset=10) == []
    assert entity_store.list_entities("no-such-state") == []


def test_list_entities_defaults_to_a_page_of_100(entity_store: Any) -> None:
    entity_store.set_states_batch({f"e{i:03d}": "s" for i in range(120)})
    assert len(entity_store.list_entities()) == 100
    assert entity_store.list_entities(offset=100)[0] == "e100"


@pytest.mark.parametrize("state", [None, "open"])
def test_paging_at_its_largest_numbers_works(entity_store: Any, state: Any) -> None:
    entity_store.set_states_batch({"a": "open", "b": "open"})
    assert entity_store.list_entities(state, MAX_PAGE_INDEX, 0) == ["a", "b"]
    assert entity_store.list_entities(state, MAX_PAGE_INDEX, 1) == ["b"]
    assert entity_store.list_entities(state, 1, MAX_PAGE_INDEX) == []
    assert entity_store.list_entities(state, MAX_PAGE_INDEX, MAX_PAGE_INDEX) == []


@pytest.mark.parametrize(
    ("limit", "offset", "name", "shown"),
    [
        (-1, 0, "limit", "-1"),
        (10, -1, "offset", "-1"),
        ("5", 0, "limit", "'5'"),
        (True, 0, "limit", "True"),
        (10, 1.0, "offset", "1.0"),
        (10, 2**63, "offset", str(2**63)),  # SQLite: OverflowError; PostgreSQL: BackendError
        (2**63, 0, "limit", str(2**63)),
        (10, 10**400, "offset", "an integer of about 401 digits"),
    ],
)
def test_bad_paging_is_a_clear_error(
    entity_store: Any, limit: Any, offset: Any, name: str, shown: str
) -> None:
    message = rf"^{name} must be a whole number from 0 to 2\*\*63 - 1, got {shown}$"
    with pytest.raises(InvalidArgumentError, match=message):
        entity_store.list_entities(None, limit, offset)


def test_count_by_state(entity_store: Any) -> None:
    assert entity_store.count_by_state() == {}
    entity_store.set_states_batch({"a": "open", "b": "open", "c": "closed"})
    entity_store.set_state("c", "open")
    assert entity_store.count_by_state() == {"open": 3}
    entity_store.delete_entity("a")
    assert entity_store.count_by_state() == {"open": 2}


# -- delete ---------------------------------------------------------------------------------


def test_delete_entity_removes_everything(entity_store: Any) -> None:
    """pystator divergence 5: memory had no delete."""
    entity_store.set_state("e", "a", metadata={"context": {"x": 1}})
    entity_store.set_state("e", "b")
    assert entity_store.delete_entity("e") is True
    assert entity_store.get_state_versioned("e") == (None, 0)
    assert entity_store.get_context("e") == {}
    assert entity_store.list_entities() == []
    assert entity_store.delete_entity("e") is False
    assert entity_store.set_state_versioned("e", "again", expected_version=0) > 0
    assert entity_store.get_context("e") == {}


# -- async ----------------------------------------------------------------------------------


def test_async_methods_share_the_sync_semantics(entity_store: Any) -> None:
    async def scenario() -> None:
        assert await entity_store.aget_state("e") is None
        await entity_store.aset_state("e", "a", metadata={"context": {"k": 1}})
        assert await entity_store.aget_state("e") == "a"
        assert await entity_store.aget_context("e") == {"k": 1}
        await entity_store.aset_context("e", {"k": 2})
        state, first = await entity_store.aget_state_versioned("e")
        assert state == "a"
        second = await entity_store.aset_state_versioned("e", "b", expected_version=first)
        assert second > first
        with pytest.raises(ConcurrencyError, match=rf"expected version {first}, found {second}"):
            await entity_store.aset_state_versioned("e", "c", expected_version=first)

    asyncio.run(scenario())


# -- lifecycle ------------------------------------------------------------------------------

_CALLS: dict[str, Callable[[Any], Any]] = {
    "get_state": lambda s: s.get_state("e"),
    "set_state": lambda s: s.set_state("e", "x"),
    "get_context": lambda s: s.get_context("e"),
    "set_context": lambda s: s.set_context("e", {}),
    "get_state_versioned": lambda s: s.get_state_versioned("e"),
    "set_state_versioned": lambda s: s.set_state_versioned("e", "x", expected_version=1),
    "get_states_batch": lambda s: s.get_states_batch(["e"]),
    "set_states_batch": lambda s: s.set_states_batch({"e": "x"}),
    "list_entities": lambda s: s.list_entities(),
    "count_by_state": lambda s: s.count_by_state(),
    "delete_entity": lambda s: s.delete_entity("e"),
}


@pytest.mark.parametrize("operation", list(_CALLS))
def test_use_before_connect_is_a_clear_error(
    new_entity_store: Callable[[], Any], operation: str
) -> None:
    """pystator divergence 6: memory had no lifecycle, so this passed there and failed in SQL."""
    store = new_entity_store()
    message = rf"not connected: call connect\(\) .* before {operation}\(\)"
    with pytest.raises(InvalidStateError, match=message):
        _CALLS[operation](store)


@pytest.mark.parametrize("operation", list(_CALLS))
def test_use_after_disconnect_is_a_clear_error(entity_store: Any, operation: str) -> None:
    entity_store.set_state("e", "x")
    entity_store.disconnect()
    with pytest.raises(InvalidStateError, match=rf"not connected: .* before {operation}\(\)"):
        _CALLS[operation](entity_store)


def test_async_use_after_disconnect_is_a_clear_error(entity_store: Any) -> None:
    entity_store.disconnect()
    with pytest.raises(InvalidStateError, match=r"before get_state\(\)"):
        asyncio.run(entity_store.aget_state("e"))


def test_the_context_manager_connects_and_disconnects(new_entity_store: Callable[[], Any]) -> None:
    store = new_entity_store()
    assert store.is_connected is False
    with store as entered:
        assert entered is store
        assert store.is_connected is True
        store.set_state("e", "kept")
    assert store.is_connected is False
    store.connect()
    assert store.get_state("e") == "kept"


def test_connect_and_disconnect_are_idempotent(new_entity_store: Callable[[], Any]) -> None:
    store = new_entity_store()
    store.connect()
    store.set_state("e", "s")
    store.connect()
    assert store.get_state("e") == "s"
    store.disconnect()
    store.disconnect()
    assert store.is_connected is False


def test_container_open_and_close_drive_the_connection(new_entity_store: Callable[[], Any]) -> None:
    store = new_entity_store()
    store.open("cid")
    assert store.is_open() is True
    store.set_state("e", "s")
    store.close("cid")
    assert store.is_open() is False
    store.open("cid")
    assert store.get_state("e") == "s"


def test_every_protocol_is_satisfied(entity_store: Any) -> None:
    protocols = [
        EntityStore,
        ContextEntityStore,
        AsyncEntityStore,
        AsyncContextEntityStore,
        VersionedEntityStore,
        AsyncVersionedEntityStore,
        BatchEntityStore,
        QueryableEntityStore,
        DeletableEntityStore,
    ]
    assert [p.__name__ for p in protocols if not isinstance(entity_store, p)] == []
