"""What only the Redis stores must show, beyond the conformance suites: sharing across
processes, native expiry, bulk chunking, key prefixes and their configuration.

Every test uses its own key prefix and deletes it afterwards.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from redis_backends import (
    REDIS_URI,
    drop_prefix,
    echo_kv,
    entity_increments,
    kv_config,
    kv_increments,
    require,
    unique_prefix,
)

from wirework.config import ConfigParams
from wirework.errors import BackendError, InvalidStateError
from wirework.state import RedisStateStore, StateValue
from wirework.state._redis_scripts import SAVE, SAVE_MANY
from wirework.state.entity import RedisEntityStore

pytestmark = pytest.mark.server

CID = "test"


@pytest.fixture
def uri() -> str:
    return require(REDIS_URI, "Redis")


@pytest.fixture
def prefix(uri: str) -> Iterator[str]:
    name = unique_prefix("redis-test")
    yield name
    drop_prefix(uri, name)


@pytest.fixture
def raw(uri: str) -> Iterator[Any]:
    """A plain redis-py client, to look at what the store wrote."""
    import redis

    client = redis.Redis.from_url(uri)
    yield client
    client.close()


def open_kv(uri: str, prefix: str, **options: Any) -> RedisStateStore:
    store = RedisStateStore()
    store.configure(kv_config(uri, prefix, **options))
    store.open(CID)
    return store


@pytest.fixture
def store(uri: str, prefix: str) -> Iterator[RedisStateStore]:
    """An open key-value store on ``prefix``, closed after the test."""
    opened = open_kv(uri, prefix)
    yield opened
    opened.close(CID)


# -- sharing ------------------------------------------------------------------------------


def test_two_stores_on_one_prefix_see_each_others_writes(uri: str, prefix: str) -> None:
    first, second = open_kv(uri, prefix), open_kv(uri, prefix)
    try:
        first.save(CID, "k", {"n": 1})
        assert second.load_versioned(CID, "k") == ({"n": 1}, 1)
        second.save(CID, "k", {"n": 2}, expected_version=1)
        assert first.load_versioned(CID, "k") == ({"n": 2}, 2)
        first.delete(CID, "k")
        assert second.load_versioned(CID, "k") == (None, 0)
    finally:
        first.close(CID)
        second.close(CID)


def test_another_process_sees_writes_and_its_writes_are_seen(uri: str, prefix: str) -> None:
    store = open_kv(uri, prefix)
    try:
        store.save(CID, "from-parent", ["hello"])
        store.save(CID, "from-parent", ["hello", "again"])
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            seen = pool.apply(echo_kv, (uri, prefix))
        assert seen == (["hello", "again"], 2)
        assert store.load(CID, "from-child") == {"seen": ["hello", "again"], "version": 2}
    finally:
        store.close(CID)


def test_versioned_increments_from_four_processes_lose_nothing(uri: str, prefix: str) -> None:
    processes, increments = 4, 200
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        conflicts = pool.starmap(kv_increments, [(uri, prefix, "counter", increments)] * processes)
    store = open_kv(uri, prefix)
    try:
        total = processes * increments
        assert store.load_versioned(CID, "counter") == (total, total)
    finally:
        store.close(CID)
    print(f"conflicts retried per process: {conflicts}")


def test_entity_versioned_increments_from_four_processes_lose_nothing(
    uri: str, prefix: str
) -> None:
    processes, increments = 4, 50
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.starmap(entity_increments, [(uri, prefix, "counter", increments)] * processes)
    total = processes * increments
    with RedisEntityStore(uri, key_prefix=prefix) as store:
        assert store.get_state_versioned("counter") == (str(total), total)
        assert store.count_by_state() == {str(total): 1}
        assert store.list_entities(str(total)) == ["counter"]


# -- native expiry ------------------------------------------------------------------------


def test_expiry_is_native_redis_expiry_as_well(uri: str, prefix: str, raw: Any) -> None:
    store = open_kv(uri, prefix, timeout=60_000)
    try:
        store.save(CID, "default", 1)
        store.save(CID, "short", 1, ttl=5_000)
        store.save(CID, "forever", 1, ttl=0)
        store.save_bulk(CID, {"b1": 1, "b2": 2}, ttl=7_000)
        assert 59_000 < raw.pttl(prefix + "default") <= 60_000
        assert 4_000 < raw.pttl(prefix + "short") <= 5_000
        assert raw.pttl(prefix + "forever") == -1
        assert 6_000 < raw.pttl(prefix + "b2") <= 7_000
        store.save(CID, "short", 2, ttl=0)
        assert raw.pttl(prefix + "short") == -1
    finally:
        store.close(CID)


def test_on_the_wall_clock_redis_reclaims_expired_entries_itself(
    uri: str, prefix: str, raw: Any
) -> None:
    store = open_kv(uri, prefix)
    try:
        store.save(CID, "k", "v", ttl=100)
        assert raw.exists(prefix + "k") == 1
        time.sleep(0.3)
        assert raw.exists(prefix + "k") == 0  # gone without any call of the store
        assert store.load_versioned(CID, "k") == (None, 0)
    finally:
        store.close(CID)


# -- bulk ---------------------------------------------------------------------------------


def test_bulk_calls_beyond_one_chunk(uri: str, prefix: str) -> None:
    store = open_kv(uri, prefix)
    try:
        keys = [f"k{i:05d}" for i in range(2_500)]
        store.save_bulk(CID, {key: {"i": i} for i, key in enumerate(keys)})
        store.save_bulk(CID, [StateValue(key, i) for i, key in enumerate(keys)])
        loaded = store.load_bulk(CID, [*reversed(keys), "missing"])
        assert loaded[-1] == StateValue("missing", None)
        assert [item.value for item in loaded[:-1]] == list(reversed(range(2_500)))
        value, version = store.load_versioned(CID, "k01234")
        assert value == 1234
        assert version > 2_500  # saved twice: after the first save of every key
        store.save_bulk(CID, dict.fromkeys(keys))
        assert all(item.value is None for item in store.load_bulk(CID, keys))
    finally:
        store.close(CID)


def test_a_key_given_twice_in_one_bulk_is_saved_twice(uri: str, prefix: str) -> None:
    store = open_kv(uri, prefix)
    try:
        store.save_bulk(CID, [StateValue("k", 1), StateValue("k", 2)])
        assert store.load_versioned(CID, "k") == (2, 2)
    finally:
        store.close(CID)


# -- prefixes -----------------------------------------------------------------------------


def test_prefixes_keep_stores_apart_and_clear_removes_only_its_own(uri: str, raw: Any) -> None:
    mine, theirs = unique_prefix("mine"), unique_prefix("theirs")
    first, second = open_kv(uri, mine), open_kv(uri, theirs)
    try:
        first.save(CID, "k", "mine")
        second.save(CID, "k", "theirs")
        assert first.load(CID, "k") == "mine"
        first.clear(CID)
        assert first.load(CID, "k") is None
        assert second.load(CID, "k") == "theirs"
        assert raw.exists(theirs + "k") == 1
    finally:
        first.close(CID)
        second.close(CID)
        drop_prefix(uri, mine)
        drop_prefix(uri, theirs)


def test_a_prefix_with_glob_characters_clears_only_itself(uri: str, raw: Any) -> None:
    base = unique_prefix("glob")
    star, plain = open_kv(uri, base + "a*"), open_kv(uri, base + "ab")
    try:
        star.save(CID, "k", 1)
        plain.save(CID, "k", 2)
        star.clear(CID)
        assert plain.load(CID, "k") == 2
    finally:
        star.close(CID)
        plain.close(CID)
        drop_prefix(uri, base)


# -- configuration ------------------------------------------------------------------------


def test_configure_after_open_is_refused(uri: str, prefix: str) -> None:
    store = open_kv(uri, prefix)
    try:
        with pytest.raises(InvalidStateError, match=r"configure\(\) must come before open\(\)"):
            store.configure(kv_config(uri, prefix))
    finally:
        store.close(CID)


def test_host_port_and_database_keys_work(uri: str, prefix: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    store = RedisStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.host": parts.hostname,
                "connection.port": parts.port,
                "connection.database": 1,
                "options.key_prefix": prefix,
            }
        )
    )
    store.open(CID)
    try:
        store.save(CID, "k", "in db 1")
        assert store.load(CID, "k") == "in db 1"
        assert repr(store).startswith(f"RedisStateStore(address='{parts.hostname}:{parts.port}'")
    finally:
        store.clear(CID)
        store.close(CID)


# -- entity specifics -----------------------------------------------------------------------


def test_entity_ids_are_listed_in_python_sort_order(uri: str, prefix: str) -> None:
    ids = ["z", "é", "\uffff", "\U0001f389", "A", "a", "a b", "ab", "ä", "日本", "ﬀ"]
    with RedisEntityStore(uri, key_prefix=prefix) as store:
        store.set_states_batch(dict.fromkeys(ids, "s"))
        assert store.list_entities() == sorted(ids)
        assert store.list_entities("s", limit=3, offset=2) == sorted(ids)[2:5]


def test_entity_metadata_merges_and_keeps_json_types(uri: str, prefix: str) -> None:
    with RedisEntityStore(uri, key_prefix=prefix) as store:
        store.set_state("e", "a", metadata={"empty": [], "big": 2**70, "f": 0.1})
        store.set_state("e", "b", metadata={"actor": "system", "empty": {}})
        assert store.get_metadata("e") == {"empty": {}, "big": 2**70, "f": 0.1, "actor": "system"}
        assert store.get_metadata("ghost") == {}


def test_entity_stores_on_one_prefix_share_state(uri: str, prefix: str) -> None:
    with (
        RedisEntityStore(uri, key_prefix=prefix) as first,
        RedisEntityStore(uri, key_prefix=prefix) as second,
    ):
        first.set_state("o", "paid", metadata={"context": {"total": 9.5}})
        assert second.get_state_versioned("o") == ("paid", 1)
        assert second.get_context("o") == {"total": 9.5}
        assert second.delete_entity("o") is True
        assert first.count_by_state() == {}


# -- a failed script writes nothing ---------------------------------------------------------
# Redis does not roll a script back: whatever it wrote before an error stays. So each
# script reads and checks everything before its first write, and nothing after that
# write can fail. A foreign value under the prefix is the one failure left to provoke.


@pytest.mark.parametrize(
    ("spoilt", "message"),
    [
        ("b", r"WRONGTYPE"),  # another program's value under the prefix
        ("\x00version", r"wirework: the version counter is not a number"),
    ],
)
def test_a_save_bulk_meeting_a_spoilt_key_writes_nothing(
    store: RedisStateStore, prefix: str, raw: Any, spoilt: str, message: str
) -> None:
    store.save(CID, "a", "before")
    raw.set(prefix + spoilt, "not a hash, not a number")
    with pytest.raises(BackendError, match=r"refused save_bulk\(\): " + message):
        store.save_bulk(CID, {"a": None, "b": 2, "c": 3})  # the delete comes first
    assert store.load(CID, "a") == "before"
    assert raw.exists(prefix + "c") == 0


def test_a_save_script_given_a_bad_argument_refuses_before_writing(
    store: RedisStateStore, prefix: str, raw: Any
) -> None:
    """The store checks arguments first; the script checks them again, on its own."""
    store.save(CID, "k", "before")
    keys = (prefix + "k", prefix + "\x00version")
    link = store._link
    for args in (
        (0, -1, 10**17, 0, '"after"'),  # the TTL Redis refused after the value was written
        (0, -1, -5, 0, '"after"'),
        ("soon", -1, 0, 0, '"after"'),
    ):
        with pytest.raises(BackendError, match=r"malformed arguments to the save script"):
            link.run("save", SAVE, 2, *keys, *args)
    with pytest.raises(BackendError, match=r"malformed arguments to the save_bulk script"):
        link.run("save_bulk", SAVE_MANY, 2, *keys, 0, 10**17, 0, '"after"')
    assert store.load(CID, "k") == "before"
    assert raw.ttl(prefix + "k") == -1


# -- versions -------------------------------------------------------------------------------


def test_versions_come_from_one_counter_that_clear_keeps(
    store: RedisStateStore, prefix: str, raw: Any
) -> None:
    store.save_bulk(CID, {"a": 1, "b": 2})
    store.save(CID, "a", 3)
    assert int(raw.get(prefix + "\x00version")) == store.load_versioned(CID, "a")[1] == 3
    store.clear(CID)
    assert raw.keys(prefix + "*") == [(prefix + "\x00version").encode()]
    assert store.load_bulk(CID, ["a", "b"]) == [StateValue("a", None), StateValue("b", None)]
    store.save(CID, "a", 4)
    assert store.load_versioned(CID, "a") == (4, 4)


@pytest.mark.parametrize("bulk", [False, True])
def test_a_lost_counter_never_lowers_a_live_keys_version(
    store: RedisStateStore, prefix: str, raw: Any, bulk: bool
) -> None:
    """An evicted or deleted counter restarts at 1; a key's version still only grows."""
    for n in range(5):
        store.save(CID, "k", n)
    before = store.load_versioned(CID, "k")[1]
    raw.delete(prefix + "\x00version")
    if bulk:
        store.save_bulk(CID, [StateValue("k", "a"), StateValue("k", "b")])
    else:
        store.save(CID, "k", "b")
    after = store.load_versioned(CID, "k")[1]
    assert after > before
    store.save(CID, "other", 1)
    assert store.load_versioned(CID, "other")[1] > after  # the counter caught up


_ENTITY_SPOILS: dict[str, tuple[Callable[[Any, str], Any], str]] = {
    "another program's key": (
        lambda raw, prefix: raw.set(prefix + "s:open", "not a sorted set"),
        r"WRONGTYPE",
    ),
    "a count that is no number": (
        lambda raw, prefix: raw.hset(prefix + "counts", "open", "many"),
        r"wirework: a count of entities by state is not a number",
    ),
}


@pytest.mark.parametrize("spoil", list(_ENTITY_SPOILS))
def test_entity_writes_meeting_a_spoilt_key_write_nothing(
    uri: str, prefix: str, raw: Any, spoil: str
) -> None:
    spoiling, message = _ENTITY_SPOILS[spoil]
    with RedisEntityStore(uri, key_prefix=prefix) as store:
        store.set_state("a", "open")
        before = store.get_state_versioned("a")
        spoiling(raw, prefix)
        for operation, write in (
            ("set_states_batch", lambda: store.set_states_batch({"b": "new", "a": "closed"})),
            ("delete_entity", lambda: store.delete_entity("a")),
        ):
            with pytest.raises(BackendError, match=rf"refused {operation}\(\): {message}"):
                write()
        assert store.get_state_versioned("a") == before
        assert store.get_states_batch(["b"]) == {"b": None}
        assert store.list_entities() == ["a"]
