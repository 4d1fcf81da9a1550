"""The expiry schedule: earliest first whatever the push order, bounded after compaction."""

from __future__ import annotations

import random

from wirework.state._expiry import NEVER, ExpirySchedule


def test_every_item_comes_due_on_time_whatever_order_they_were_pushed() -> None:
    schedule = ExpirySchedule(lambda key, expires: True)
    times = [float(t) for t in range(200)]
    rng = random.Random(7)
    in_order, shuffled = times[:100], times[100:]
    rng.shuffle(shuffled)
    for t in in_order + shuffled + [50.5, 3.5]:
        schedule.push(f"k{t}", t, 1_000)
    assert schedule.next == 0.0
    assert schedule.pop_due(-1.0, 1_000) == []
    assert sorted(t for t, _ in schedule.pop_due(99.0, 1_000)) == sorted([*times[:100], 3.5, 50.5])
    assert schedule.next == 100.0
    assert sorted(t for t, _ in schedule.pop_due(1_000.0, 1_000)) == times[100:]
    assert schedule.next == NEVER
    assert len(schedule) == 0


def test_pop_due_respects_the_limit_and_the_time() -> None:
    schedule = ExpirySchedule(lambda key, expires: True)
    for t in range(10):
        schedule.push(f"k{t}", float(t), 1_000)
    assert [key for _, key in schedule.pop_due(5.0, 3)] == ["k0", "k1", "k2"]
    assert schedule.next == 3.0
    assert [key for _, key in schedule.pop_due(4.5, 100)] == ["k3", "k4"]
    assert schedule.pop_due(4.9, 100) == []
    assert schedule.next == 5.0


def test_compact_keeps_one_current_item_per_key() -> None:
    current = {"same": 10.0, "late": 20.0, "early": 5.0, "stale": 2.0}
    schedule = ExpirySchedule(lambda key, expires: current.get(key) == expires)
    for _ in range(5):
        schedule.push("same", 10.0, 1_000)  # saved five times at the same instant
    schedule.push("stale", 1.0, 1_000)
    schedule.push("late", 20.0, 1_000)
    schedule.push("early", 5.0, 1_000)  # out of order: in the heap
    schedule.compact()
    assert len(schedule) == 3
    assert schedule.next == 5.0
    assert sorted(key for _, key in schedule.pop_due(100.0, 100)) == ["early", "late", "same"]


def test_push_compacts_once_stale_items_outnumber_live_entries() -> None:
    schedule = ExpirySchedule(lambda key, expires: expires == 999.0)
    for t in range(3000):
        schedule.push("k", float(t), 1)  # only the newest item is ever current
    assert len(schedule) <= 2 * 1 + 1024 + 1


def test_a_long_run_of_pushes_and_pops_keeps_memory_bounded() -> None:
    schedule = ExpirySchedule(lambda key, at: True)
    for t in range(50_000):
        schedule.push(f"k{t}", float(t), 100)
        if t >= 100:
            assert len(schedule.pop_due(float(t - 100), 16)) == 1
    assert len(schedule) == 100
    assert len(schedule._sorted) < 2 * 100 + 4096 + 16
