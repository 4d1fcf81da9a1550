"""The Redis key-value state store beside raw redis-py doing the same work, same run.

    .venv/bin/python bench/bench_redis_state.py [--uri redis://127.0.0.1:6379/0] [--quick]

Why: a store is only worth using over the raw driver if its overhead is small and
its bulk calls really batch. Targets: a single save or load costs at most 1.3x the
raw driver's, and a bulk load of 1,000 keys is at least 10x faster than 1,000 single
loads.

What each side does, so the comparison is fair:

* wirework ``save``: validate key and value, JSON-encode, one EVALSHA (a Lua script
  that checks and bumps the version and sets expiry metadata). Raw: ``json.dumps``
  and one ``SET`` of the JSON string;
* wirework ``load``: validate the key, one EVALSHA (expiry check), ``json.loads``.
  Raw: one ``GET`` and ``json.loads``;
* wirework ``load_bulk`` of 1,000 keys: one EVALSHA over all of them, whose reply
  is one JSON array (one ``json.loads``). Raw: one ``MGET`` and 1,000 ``json.loads``;
* wirework ``save_bulk`` of 1,000 keys: validate and encode each, one EVALSHA
  (versions, expiry). Raw: 1,000 ``json.dumps`` and one ``MSET``.

The raw client is a plain ``redis.Redis.from_url(uri)``. Every figure is the median
of several runs; wirework and raw runs alternate so drift hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import redis
from _timing import format_ms, format_us, median_ns_per_call

from wirework.config import ConfigParams
from wirework.state import RedisStateStore

BULK = 1_000
SINGLE_TARGET = 1.3  # wirework / raw, single calls
BULK_TARGET = 10.0  # 1,000 single loads / one bulk load of 1,000 keys


def value(index: int) -> dict[str, Any]:
    return {"id": f"order-{index}", "qty": 3, "price": 9.5, "tags": ["a", "b"], "paid": False}


def paired(
    ours: Callable[[], Any], raw: Callable[[], Any], *, number: int, runs: int
) -> tuple[float, float]:
    """Median ns per call of ``ours`` and ``raw``, their runs alternating."""
    ours(), raw()  # warm up: connections, script cache
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        mine.append(median_ns_per_call(ours, number=number, runs=1))
        theirs.append(median_ns_per_call(raw, number=number, runs=1))
    return statistics.median(mine), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_uri = os.environ.get("WIREWORK_TEST_REDIS_URI", "redis://127.0.0.1:6379/0")
    parser.add_argument("--uri", default=default_uri)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    args = parser.parse_args()
    runs, number, bulk_runs = (5, 300, 5) if args.quick else (11, 1_000, 15)

    prefix = f"wirework-bench:{uuid.uuid4().hex[:8]}:"
    raw_prefix = prefix + "raw:"
    store = RedisStateStore()
    store.configure(ConfigParams({"connection.uri": args.uri, "options.key_prefix": prefix}))
    store.open(None)
    raw = redis.Redis.from_url(args.uri)
    keys = [f"key-{i:04d}" for i in range(BULK)]
    try:
        store.save_bulk(None, {key: value(i) for i, key in enumerate(keys)})
        raw.mset({raw_prefix + key: json.dumps(value(i)) for i, key in enumerate(keys)})
        one, raw_one = keys[0], raw_prefix + keys[0]
        item = value(0)

        save = paired(
            lambda: store.save(None, one, item),
            lambda: raw.set(raw_one, json.dumps(item)),
            number=number,
            runs=runs,
        )
        load = paired(
            lambda: store.load(None, one),
            lambda: json.loads(raw.get(raw_one)),  # type: ignore[arg-type]
            number=number,
            runs=runs,
        )
        raw_keys = [raw_prefix + key for key in keys]
        bulk = paired(
            lambda: store.load_bulk(None, keys),
            lambda: [None if t is None else json.loads(t) for t in raw.mget(raw_keys)],
            number=1,
            runs=bulk_runs,
        )
        items = {key: value(i) for i, key in enumerate(keys)}
        bulk_save = paired(
            lambda: store.save_bulk(None, items),
            lambda: raw.mset({raw_prefix + k: json.dumps(v) for k, v in items.items()}),
            number=1,
            runs=bulk_runs,
        )
        singles = paired(
            lambda: [store.load(None, key) for key in keys],
            lambda: [json.loads(raw.get(key)) for key in raw_keys],  # type: ignore[arg-type]
            number=1,
            runs=max(3, bulk_runs // 3),
        )
    finally:
        store.clear(None)
        store.close(None)
        raw.delete(*(raw_prefix + key for key in keys))
        raw.close()

    print(f"Redis key-value state store vs raw redis-py, {args.uri.split('@')[-1]}")
    print("median per call; wirework and raw runs alternate in the same process\n")
    header = f"{'operation':<34} {'wirework':>10} {'raw':>10} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    rows = [
        ("save (1 key, 5-field dict)", save, f"<= {SINGLE_TARGET}x", SINGLE_TARGET),
        ("load (1 key, 5-field dict)", load, f"<= {SINGLE_TARGET}x", SINGLE_TARGET),
        (f"load_bulk ({BULK:,} keys) / MGET", bulk, "", None),
        (f"{BULK:,} single loads / GETs", singles, "", None),
        (f"save_bulk ({BULK:,} keys) / MSET", bulk_save, "", None),
    ]
    for name, (ours, theirs), target, limit in rows:
        fmt = format_us if ours < 1_000_000 else format_ms
        ratio = ours / theirs
        verdict = "" if limit is None else (" ok" if ratio <= limit else " MISSED")
        print(f"{name:<34} {fmt(ours):>10} {fmt(theirs):>10} {ratio:>6.2f}x  {target}{verdict}")
    speedup = singles[0] / bulk[0]
    verdict = "ok" if speedup >= BULK_TARGET else "MISSED"
    print(
        f"\nbulk load of {BULK:,} keys vs {BULK:,} single loads (wirework): "
        f"{speedup:.0f}x faster (target >= {BULK_TARGET:.0f}x) {verdict}"
    )


if __name__ == "__main__":
    main()
