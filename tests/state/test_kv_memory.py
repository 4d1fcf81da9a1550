"""What only the memory store promises: bounded expiry work, lock discipline, wiring."""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import Any

import pytest

from wirework.config import ConfigParams
from wirework.errors import ConcurrencyError, ConfigError, InvalidArgumentError
from wirework.log import Logger, LogLevel
from wirework.refer import References
from wirework.state import ManualClock, MemoryStateStore, NullStateStore
from wirework.state._expiry import _SLACK as _COMPACT_SLACK
from wirework.state._memory import _PURGE_BATCH
from wirework.state.entity import MemoryEntityStore


def _open(clock: Any, timeout: int = 0) -> MemoryStateStore:
    store = MemoryStateStore(timeout=timeout, clock=clock)
    store.open(None)
    return store


def test_expired_entries_are_purged_a_bounded_batch_per_call() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=100)
    store.save_bulk(None, {f"k{i}": i for i in range(1000)})
    clock.advance_ms(101)
    store.load(None, "anything")
    assert len(store._entries) == 1000 - _PURGE_BATCH  # one call did a small, fixed amount
    for _ in range(1000 // _PURGE_BATCH):
        store.load(None, "anything")
    assert store._entries == {}
    assert len(store._schedule) == 0


def test_expired_entries_are_never_returned_even_before_they_are_purged() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=100)
    store.save_bulk(None, {f"k{i}": i for i in range(100)})
    clock.advance_ms(101)
    assert store.load(None, "k99") is None
    assert "k98" in store._entries  # not purged yet, still invisible:
    assert store.load_versioned(None, "k98") == (None, 0)
    assert store.load_bulk(None, ["k97"])[0].value is None


def test_reads_without_any_expiry_do_not_call_the_clock() -> None:
    calls = 0

    def counting_clock() -> float:
        nonlocal calls
        calls += 1
        return 0.0

    store = _open(counting_clock)
    store.save(None, "k", "v")
    store.load(None, "k")
    store.load_bulk(None, ["k"])
    store.load_versioned(None, "k")
    assert calls == 0


@pytest.mark.parametrize("step_ms", [1, 0])  # 0: every save lands on the same instant
def test_saving_one_key_over_and_over_keeps_the_schedule_bounded(step_ms: int) -> None:
    clock = ManualClock()
    store = _open(clock, timeout=60_000)
    for n in range(5 * _COMPACT_SLACK):
        store.save(None, "hot", n, ttl=60_000 - n % 7)  # some out of order: heap too
        clock.advance_ms(step_ms)
    assert len(store._schedule) <= 2 * len(store._entries) + _COMPACT_SLACK + 1
    assert store.load(None, "hot") == 5 * _COMPACT_SLACK - 1
    clock.advance_ms(60_001)
    assert store.load(None, "hot") is None


def test_updating_keys_adds_no_schedule_work() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=1000)
    for round_ in range(10):
        store.save_bulk(None, {f"k{i}": round_ for i in range(100)})
        clock.advance_ms(10)
    assert len(store._schedule) == 100  # one item per key, however often it is saved


def test_an_entry_saved_again_is_rescheduled_then_removed_at_its_real_expiry() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=1000)
    store.save(None, "k", 1)
    clock.advance_ms(600)
    store.save(None, "k", 2)  # expires at 1600 ms; still scheduled at 1000 ms
    clock.advance_ms(401)
    assert store.load(None, "k") == 2  # the item at 1000 ms came due: rescheduled
    assert len(store._schedule) == 1
    clock.advance_ms(600)
    assert store.load(None, "k") is None
    assert store._entries == {}
    assert len(store._schedule) == 0


def test_a_shorter_ttl_than_the_scheduled_time_is_scheduled_anew() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=10_000)
    store.save(None, "k", 1)
    store.save(None, "k", 2, ttl=100)
    clock.advance_ms(101)
    assert store.load(None, "k") is None
    assert store._entries == {}


def test_lowering_the_timeout_still_expires_everything_on_time() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=10_000)
    store.save(None, "long", 1)
    store.configure(ConfigParams({"options.timeout": 100}))
    store.save(None, "short", 2)  # earlier than the queue's last time: goes to the heap
    clock.advance_ms(101)
    assert store.load(None, "short") is None
    assert "short" not in store._entries  # removed, not just hidden
    assert store.load(None, "long") == 1
    clock.advance_ms(10_000)
    assert store.load(None, "long") is None
    assert store._entries == {}


def test_expiry_cost_does_not_grow_with_the_number_of_entries() -> None:
    """Pip.Services' store scanned every entry on every call once a timeout was set."""

    def per_call(entries: int) -> float:
        store = _open(time.monotonic, timeout=60_000)
        store.save_bulk(None, {f"k{i}": i for i in range(entries)})
        start = time.perf_counter()
        for i in range(2000):
            store.load(None, f"k{i % 100}")
            store.save(None, f"k{i % 100}", i)
        return time.perf_counter() - start

    small, large = min(per_call(100) for _ in range(3)), min(per_call(50_000) for _ in range(3))
    assert large < small * 5  # a linear scan would make this about 500 times slower


class _YieldingClock:
    """A clock that hands the GIL to another thread each time it is read.

    The store reads the clock in the middle of a write, so without the lock two
    writers would both read the old version there and one update would be lost.
    """

    def __call__(self) -> float:
        time.sleep(0)
        return 0.0


def test_writers_switching_threads_mid_write_lose_no_update() -> None:
    store = _open(_YieldingClock(), timeout=60_000)
    threads, saves = 8, 200
    barrier = threading.Barrier(threads)

    def hammer() -> None:
        barrier.wait()
        for n in range(saves):
            store.save(None, "hot", n)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert store.load_versioned(None, "hot")[1] == threads * saves


def test_compare_and_set_under_thread_switches_admits_one_winner_per_version() -> None:
    store = _open(_YieldingClock(), timeout=60_000)
    store.save(None, "counter", 0)
    threads, increments = 6, 50
    barrier = threading.Barrier(threads)

    def increment() -> None:
        barrier.wait()
        done = 0
        while done < increments:
            value, version = store.load_versioned(None, "counter")
            try:
                store.save(None, "counter", value + 1, expected_version=version)
            except ConcurrencyError:
                continue
            done += 1

    workers = [threading.Thread(target=increment) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert store.load_versioned(None, "counter") == (300, 301)


def test_lock_free_reads_always_see_a_value_with_its_own_version() -> None:
    store = _open(ManualClock())
    stop = threading.Event()
    torn: list[tuple[Any, int]] = []

    def write() -> None:
        for n in range(1, 5000):
            store.save(None, "k", n)  # version n after this save
        stop.set()

    def read() -> None:
        while not stop.is_set():
            value, version = store.load_versioned(None, "k")
            if value is not None and value != version:
                torn.append((value, version))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    write()
    for reader in readers:
        reader.join()
    assert torn == []


def test_configure_reads_options_timeout_in_milliseconds() -> None:
    clock = ManualClock()
    store = MemoryStateStore(clock=clock)
    store.configure(ConfigParams({"options.timeout": 250}))
    store.open(None)
    store.save(None, "k", "v")
    clock.advance_ms(249)
    assert store.load(None, "k") == "v"
    clock.advance_ms(2)
    assert store.load(None, "k") is None


def test_configure_without_a_timeout_keeps_the_one_given_to_the_constructor() -> None:
    clock = ManualClock()
    store = MemoryStateStore(timeout=100, clock=clock)
    store.configure(ConfigParams())
    store.open(None)
    store.save(None, "k", "v")
    clock.advance_ms(101)
    assert store.load(None, "k") is None


def test_a_bad_constructor_timeout_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^timeout must be a whole number .*got -1$"):
        MemoryStateStore(timeout=-1)


def test_the_config_error_names_the_component() -> None:
    message = r"^1 problem in the config of MemoryStateStore:\n  - options.timeout: .* got 'x'"
    with pytest.raises(ConfigError, match=message):
        MemoryStateStore().configure(ConfigParams({"options.timeout": "x"}))


def test_clear_empties_the_store() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=1000)
    store.save_bulk(None, {"a": 1, "b": 2})
    store.clear(None)
    assert store.load_bulk(None, ["a", "b"])[1].value is None
    assert len(store._schedule) == 0


class _RecordingLogger(Logger):
    def __init__(self) -> None:
        super().__init__(level=LogLevel.TRACE)
        self.lines: list[str] = []

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        self.lines.append(f"{level.name} {correlation_id} {message}")


def test_open_and_close_are_logged_to_the_referenced_logger() -> None:
    logger = _RecordingLogger()
    store = MemoryStateStore(timeout=1500)
    store.set_references(References.from_tuples("pip-services:logger:test:default:1.0", logger))
    store.open("c1")
    store.close("c2")
    assert logger.lines == [
        "DEBUG c1 Opened memory state store (timeout 1500 ms)",
        "DEBUG c2 Closed memory state store",
    ]


@pytest.mark.parametrize("cls", [MemoryStateStore, NullStateStore, MemoryEntityStore])
def test_each_store_can_be_built_by_a_factory_with_no_arguments(cls: type) -> None:
    """Factories create components as ``cls()`` and configure them afterwards."""
    store = cls()
    if hasattr(store, "configure"):
        store.configure(ConfigParams())
    if hasattr(store, "open"):
        store.open(None)
        assert store.is_open()
        store.close(None)


def test_saving_a_key_whose_expiry_is_being_purged_schedules_it_again() -> None:
    clock = ManualClock()
    store = _open(clock, timeout=100)
    store.save(None, "k", 1)
    clock.advance_ms(101)
    store.save(None, "k", 2)  # this save's own purge removes the expired "k" first
    assert store.load_versioned(None, "k") == (2, 2)  # the store's second version
    clock.advance_ms(101)
    assert store.load(None, "k") is None
    assert store._entries == {}


@pytest.mark.parametrize("seed", range(20))
def test_random_operations_match_a_naive_model(seed: int) -> None:
    """Expiry bookkeeping against a dict that just remembers each key's expiry time."""
    rng = random.Random(seed)
    clock = ManualClock()
    store = _open(clock, timeout=rng.choice([0, 50, 200]))
    model: dict[str, tuple[int, int, float]] = {}  # key -> (value, version, expires_at)
    versions = itertools.count(1)  # one counter for the store: versions never repeat
    timeout_ms = round(store._timeout * 1000)
    keys = [f"k{i}" for i in range(12)]

    def alive(key: str) -> tuple[int, int, float] | None:
        item = model.get(key)
        return item if item is not None and item[2] > clock() else None

    for step in range(600):
        key, roll = rng.choice(keys), rng.random()
        if roll < 0.45:
            ttl = rng.choice([None, None, 0, 10, 100, 300])
            lifetime = timeout_ms if ttl is None else ttl
            store.save(None, key, step, ttl=ttl)
            expires = clock() + lifetime / 1000 if lifetime else float("inf")
            model[key] = (step, next(versions), expires)
        elif roll < 0.55:
            current = alive(key)
            assert store.delete(None, key) == (current[0] if current else None)
            model.pop(key, None)
        elif roll < 0.6:
            timeout_ms = rng.choice([0, 20, 150])
            store.configure(ConfigParams({"options.timeout": timeout_ms}))
        elif roll < 0.8:
            clock.advance_ms(rng.choice([1, 5, 30, 120]))
        current = alive(key)
        expected = (current[0], current[1]) if current else (None, 0)
        assert store.load_versioned(None, key) == expected, f"step {step}, {key}"
    clock.advance(3600)
    for _ in range(100):
        store.load(None, "tick")
    assert {k: e for k, e in store._entries.items() if e[2] != float("inf")} == {}
    assert len(store._schedule) == 0
