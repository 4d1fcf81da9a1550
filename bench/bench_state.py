"""Key-value state store speed: wirework beside pip-services3 in the same run.

Why this exists: Pip.Services' ``MemoryStateStore`` scans every entry on every call
once a timeout is set (85-170 us per call at only 2,000 keys) and crashes as soon as
an entry expires. This prints median save and load times at 100,000 keys, with the
timeout off and on, next to the targets (load <= 1.5 us, save <= 3 us).

Run: ``.venv/bin/python bench/bench_state.py``. pip-services3 is optional
(``pip install -e '.[bench]'``); without it only wirework's rows are printed.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from wirework.state import ManualClock, MemoryStateStore

KEYS = 100_000
PS_TIMEOUT_KEYS = 2_000  # pip-services3 scans every entry per call once a timeout is set
BATCH = 100
TIMEOUT_MS = 600_000  # long enough that nothing expires while measuring
LOAD_TARGET_US = 1.5
SAVE_TARGET_US = 3.0


def per_call_us(
    call: Callable[[str], Any],
    keys: Sequence[str],
    before_batch: Callable[[Sequence[str]], Any] | None = None,
) -> float:
    """Median over batches of ``BATCH`` calls of the time per call, in microseconds.

    ``before_batch(batch)`` runs untimed before each batch.
    """
    samples = []
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            if before_batch is not None:
                before_batch(batch)
            began = clock()
            for key in batch:
                call(key)
            samples.append((clock() - began) / len(batch) / 1000)
    finally:
        gc.enable()
    return statistics.median(samples)


def make_keys(count: int) -> list[str]:
    return [f"key-{index:06d}" for index in range(count)]


def str_value(key: str) -> str:
    return "value-" + key


def dict_value(key: str) -> dict[str, Any]:
    return {"id": key, "qty": 3, "price": 9.5, "tags": ["a", "b"], "paid": False}


# -- wirework -----------------------------------------------------------------------------


def bench_wirework(
    timeout_ms: int, count: int, value: Callable[[str], Any] = str_value
) -> tuple[float, float]:
    store = MemoryStateStore(timeout=timeout_ms)
    store.open(None)
    keys = make_keys(count)
    values = {key: value(key) for key in keys}
    for key in keys:
        store.save(None, key, values[key])
    save = store.save
    load = store.load
    save_us = per_call_us(lambda key: save(None, key, values[key]), keys)
    load_us = per_call_us(lambda key: load(None, key), keys)
    store.close(None)
    return save_us, load_us


def bench_wirework_expiring(count: int) -> tuple[float, float]:
    """Timeout on, with entries expiring all the time while saves and loads go on.

    The clock moves 10 ms before every batch of 100 calls and the timeout is 1 s, so
    about 100 entries expire per batch: the calls measured include that purging.
    Loads read keys saved (untimed) just before their batch, so they are hits.
    """
    clock = ManualClock()
    store = MemoryStateStore(timeout=1_000, clock=clock)
    store.open(None)
    keys = make_keys(count)
    for key in keys:
        store.save(None, key, str_value(key))
    save, load = store.save, store.load

    def tick(_: Sequence[str]) -> None:
        clock.advance_ms(10)

    def tick_and_save(batch: Sequence[str]) -> None:
        clock.advance_ms(10)
        for key in batch:
            save(None, key, "fresh")

    save_us = per_call_us(lambda key: save(None, key, "fresh"), keys, tick)
    load_us = per_call_us(lambda key: load(None, key), keys, tick_and_save)
    store.close(None)
    return save_us, load_us


# -- pip-services3 ------------------------------------------------------------------------


def load_pip_services() -> Any:
    try:
        from pip_services3_commons.config import ConfigParams as PsConfig  # type: ignore[import-untyped]
        from pip_services3_components.state import (  # type: ignore[import-untyped]
            MemoryStateStore as PsStore,
        )
    except ImportError:
        return None

    def make(timeout_ms: int) -> Any:
        store = PsStore()
        store.configure(PsConfig.from_tuples("options.timeout", timeout_ms))
        return store

    return make


def bench_pip_services(
    make: Callable[[int], Any], timeout_ms: int, count: int
) -> tuple[float, float]:
    store = make(timeout_ms)
    keys = make_keys(count)
    values = {key: str_value(key) for key in keys}
    for key in keys:
        store.save(None, key, values[key])
    save, load = store.save, store.load
    save_us = per_call_us(lambda key: save(None, key, values[key]), keys)
    load_us = per_call_us(lambda key: load(None, key), keys)
    return save_us, load_us


def pip_services_defects(make: Callable[[int], Any]) -> list[str]:
    """Reproduce the two crashes the wirework store was written to avoid."""
    found = []
    store = make(1)
    store.save(None, "a", 1)
    store.save(None, "b", 2)
    time.sleep(0.01)
    try:
        store.load(None, "a")
        found.append("after an entry expires: no error")
    except RuntimeError as exc:
        found.append(f"after an entry expires, every call raises RuntimeError: {exc}")
    try:
        make(0).save(None, "never-saved", None)
        found.append("save(missing key, None): no error")
    except KeyError as exc:
        found.append(f"save(missing key, None) raises KeyError: {exc}")
    return found


# -- report -------------------------------------------------------------------------------


def verdict(measured: float, target: float) -> str:
    return "ok" if measured <= target else "MISSED"


def main() -> None:
    rows: list[tuple[str, str, int, str, float, float, bool]] = []
    for timeout in (0, TIMEOUT_MS):
        save_us, load_us = bench_wirework(timeout, KEYS)
        rows.append(("wirework", _on_off(timeout), KEYS, "str", save_us, load_us, True))
    save_us, load_us = bench_wirework_expiring(KEYS)
    rows.append(("wirework", "on, expiring", KEYS, "str", save_us, load_us, True))
    for timeout in (0, TIMEOUT_MS):
        save_us, load_us = bench_wirework(timeout, KEYS, dict_value)
        rows.append(("wirework", _on_off(timeout), KEYS, "dict", save_us, load_us, False))

    make = load_pip_services()
    defects: list[str] = []
    if make is not None:
        save_us, load_us = bench_pip_services(make, 0, KEYS)
        rows.append(("pip-services3", "off", KEYS, "str", save_us, load_us, False))
        save_us, load_us = bench_pip_services(make, TIMEOUT_MS, PS_TIMEOUT_KEYS)
        rows.append(("pip-services3", "on", PS_TIMEOUT_KEYS, "str", save_us, load_us, False))
        defects = pip_services_defects(make)

    print(f"MemoryStateStore: median time per call in us (batches of {BATCH} calls, gc off)")
    print(f"targets: save <= {SAVE_TARGET_US} us, load <= {LOAD_TARGET_US} us (str values)\n")
    header = (
        f"{'store':<14} {'timeout':<13} {'keys':>8} {'value':<5} "
        f"{'save us':>8} {'load us':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for name, expiry, keys, kind, save_us, load_us, targeted in rows:
        check = (
            f"save {verdict(save_us, SAVE_TARGET_US)}, load {verdict(load_us, LOAD_TARGET_US)}"
            if targeted
            else ""
        )
        print(
            f"{name:<14} {expiry:<13} {keys:>8,} {kind:<5} "
            f"{save_us:>8.2f} {load_us:>8.2f}  {check}".rstrip()
        )
    print()
    if make is None:
        print("pip-services3 not installed: no comparison rows (pip install -e '.[bench]').")
    else:
        print(f"pip-services3 with a timeout: {PS_TIMEOUT_KEYS:,} keys, one call per key measured.")
        for defect in defects:
            print(f"pip-services3 {defect}")
    print("wirework 'on, expiring': 1 s timeout and the clock moved 10 ms per batch, so about")
    print("100 entries expire per batch while the calls run; loads are hits on live keys.")
    print("'dict' rows store a 5-field dict (validated, copied in and copied out); the")
    print("targets are for the 'str' rows. pip-services3 stores the caller's object as is.")


def _on_off(timeout_ms: int) -> str:
    return "off" if timeout_ms == 0 else f"on ({timeout_ms // 1000} s)"


if __name__ == "__main__":
    main()
