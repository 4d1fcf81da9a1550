"""SQL key-value state stores beside the raw driver doing the same work, in the same run.

Why this exists: a store is only worth using over ``sqlite3`` / psycopg if it costs
little on top of them, and its bulk load must really save round trips. This prints,
for SQLite (a file in a temporary directory) and PostgreSQL (skipped when no server
answers at ``WIREWORK_TEST_POSTGRES_URI``, default ``postgresql://postgres@127.0.0.1/test``):

* single save and single load, wirework vs raw, and the ratio (target <= 1.3x);
* a bulk load of 1,000 keys vs 1,000 single loads (target: at least 10x faster).

The raw side does the equivalent work, not less: the same table, connection
settings and statements (the expiry-aware ``SELECT``, the version-bumping upsert),
``json.dumps`` / ``json.loads`` of the value, and ``time.time()`` for a load's ``now``. Its
versions come from the same counter as the store's (so they never repeat). What it
skips is exactly wirework's part: key and value validation, the open check, the
lock or pool, the purge check and the error mapping. Rounds alternate wirework and
raw so that drift in the machine affects both alike; each figure is a median.

Run: ``.venv/bin/python bench/bench_sql_state.py``.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from _timing import calibrate, format_us, median_ns_per_call

from wirework.config import ConfigParams
from wirework.data._values import encode
from wirework.state import PostgresStateStore, SqliteStateStore

POSTGRES_URI = os.environ.get(
    "WIREWORK_TEST_POSTGRES_URI", "postgresql://postgres@127.0.0.1:5432/test"
)
KEYS = 10_000
BULK = 1_000
ROUNDS = 11
BUDGET_NS = 40_000_000  # per timed sample
SINGLE_TARGET = 1.3
BULK_TARGET = 10.0

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_ALIVE = "(expires_at IS NULL OR expires_at > ?)"


def value_of(key: str) -> dict[str, Any]:
    return {"id": key, "qty": 3, "price": 9.5, "tags": ["a", "b"], "paid": False}


class Raw:
    """The raw driver doing what the store does, with the store's SQL and table."""

    def __init__(
        self, conn: Any, table: str, mark: str, any_keys: bool, versions: tuple[str, str]
    ) -> None:
        """``versions``: the SQL for a new row's version and for a row written again."""
        self.conn = conn
        q = (lambda sql: sql.replace("?", "%s")) if mark == "%s" else (lambda sql: sql)
        self.load_sql = q(f'SELECT value FROM "{table}" WHERE key = ? AND {_ALIVE}')
        new, bumped = versions
        self.save_sql = q(
            f'INSERT INTO "{table}" (key, value, version, expires_at) VALUES (?, ?, {new}, ?) '
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            f"expires_at = excluded.expires_at, version = {bumped}"
        )
        keys_match = "key = ANY(?)" if any_keys else "key IN (SELECT value FROM json_each(?))"
        self.bulk_sql = q(f'SELECT key, value FROM "{table}" WHERE {keys_match} AND {_ALIVE}')
        self.any_keys = any_keys

    def save(self, key: str, value: Any, to_json: Callable[[Any, str], str] | None = None) -> None:
        """``to_json``: instead of ``json.dumps``, e.g. wirework's validating ``encode``."""
        text = _ENCODER.encode(value) if to_json is None else to_json(value, key)
        self.conn.execute(self.save_sql, (key, text, None))

    def load(self, key: str) -> Any:
        row = self.conn.execute(self.load_sql, (key, time.time())).fetchone()
        return None if row is None else json.loads(row[0])

    def load_bulk(self, keys: list[str]) -> list[tuple[str, Any]]:
        now = time.time()
        # One parameter for every key, as the store does: an array on PostgreSQL, a
        # JSON list read by json_each on SQLite.
        param = keys if self.any_keys else _ENCODER.encode(keys)
        found: dict[str, str] = dict(self.conn.execute(self.bulk_sql, (param, now)))
        return [(key, None if (t := found.get(key)) is None else json.loads(t)) for key in keys]


def compare(*fns: Callable[[], Any]) -> list[float]:
    """Median ns per call of each of ``fns``, over ``ROUNDS`` rounds that alternate them."""
    samplers = []
    for fn in fns:
        number = calibrate(fn, budget_ns=BUDGET_NS)
        samplers.append(lambda fn=fn, number=number: median_ns_per_call(fn, number=number, runs=1))
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(ROUNDS):
        for sampler, into in zip(samplers, samples, strict=True):
            into.append(sampler())
    return [statistics.median(values) for values in samples]


def measure(store: Any, raw: Raw) -> list[tuple[str, float, float]]:
    keys = [f"key-{index:06d}" for index in range(KEYS)]
    store.save_bulk(None, {key: value_of(key) for key in keys})
    value = value_of("x")
    saving = itertools.cycle(keys)
    loading = itertools.cycle(keys)
    bulk_keys = keys[:BULK]

    def singles() -> None:
        for key in bulk_keys:
            store.load(None, key)

    def raw_singles() -> None:
        for key in bulk_keys:
            raw.load(key)

    save, raw_save, checked_save = compare(
        lambda: store.save(None, next(saving), value),
        lambda: raw.save(next(saving), value),
        lambda: raw.save(next(saving), value, encode),
    )
    load = compare(lambda: store.load(None, next(loading)), lambda: raw.load(next(loading)))
    bulk = compare(lambda: store.load_bulk(None, bulk_keys), lambda: raw.load_bulk(bulk_keys))
    single_loads = compare(singles, raw_singles)
    assert store.load_bulk(None, bulk_keys)[7].value == raw.load_bulk(bulk_keys)[7][1]
    return [
        ("save (1 key)", save, raw_save),
        ("load (1 key)", *load),
        (f"load_bulk ({BULK:,} keys)", *bulk),
        (f"{BULK:,} single loads", *single_loads),
        ("save, raw + values.encode", save, checked_save),
    ]


def bench_sqlite() -> list[tuple[str, float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/bench.db"
        store = SqliteStateStore()
        store.configure(ConfigParams({"connection.database": path, "options.table": "bench"}))
        store.open(None)
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        try:
            versions = ('(SELECT n + 1 FROM "bench$version")', '"bench".version + 1')
            return measure(store, Raw(conn, "bench", "?", False, versions))
        finally:
            conn.close()
            store.close(None)


def bench_postgres() -> list[tuple[str, float, float]] | str:
    try:
        import psycopg
    except ImportError:
        return "psycopg not installed (pip install -e '.[postgres]')"
    try:
        conn = psycopg.connect(POSTGRES_URI, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as exc:
        return f"no server at the configured URI: {' '.join(str(exc).split())[:120]}"
    table = f"bench_{uuid.uuid4().hex[:12]}"
    store = PostgresStateStore()
    store.configure(ConfigParams({"connection.uri": POSTGRES_URI, "options.table": table}))
    store.open(None)
    try:
        version = f"nextval('\"{table}$version\"')"
        return measure(store, Raw(conn, table, "%s", True, (version, version)))
    finally:
        store.close(None)
        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        conn.close()


def report(backend: str, rows: list[tuple[str, float, float]]) -> None:
    times = {name: (ours, raw) for name, ours, raw in rows}
    for name, ours, raw in rows:
        ratio = ours / raw
        check = ""
        if name.endswith("(1 key)"):
            check = f"<= {SINGLE_TARGET}x " + ("ok" if ratio <= SINGLE_TARGET else "MISSED")
        line = f"{backend:<10}{name:<27}{format_us(ours):>11}{format_us(raw):>11}{ratio:>7.2f}x"
        print(f"{line}  {check}".rstrip())
    bulk, singles = times[f"load_bulk ({BULK:,} keys)"], times[f"{BULK:,} single loads"]
    ours, raw = singles[0] / bulk[0], singles[1] / bulk[1]
    verdict = "ok" if ours >= BULK_TARGET else "MISSED"
    print(
        f"{backend:<10}{'bulk speed-up vs singles':<27}{ours:>10.1f}x{raw:>10.1f}x{'':>8}  "
        f">= {BULK_TARGET:g}x {verdict}"
    )


def main() -> None:
    print("SQL state stores: wirework beside the raw driver, same table and statements")
    print(f"median of {ROUNDS} alternating rounds; {KEYS:,} keys stored; value: a 5-field dict\n")
    header = f"{'backend':<10}{'operation':<27}{'wirework':>11}{'raw':>11}{'ratio':>8}  target"
    print(header)
    print("-" * len(header))
    report("sqlite", bench_sqlite())
    postgres = bench_postgres()
    if isinstance(postgres, str):
        print(f"postgres  skipped: {postgres}")
    else:
        report("postgres", postgres)
    print()
    print("ratio = wirework / raw. raw = the same SQL, connection settings, time.time() and")
    print("json.dumps/json.loads, without wirework's checks. 'save, raw + values.encode': the")
    print("raw save validating with wirework's shared value rules, to show what they cost.")
    print(f"'bulk speed-up': {BULK:,} single loads / one load_bulk of {BULK:,} keys, for wirework")
    print("and for the raw driver; SQLite has no network round trip to save, so its speed-up")
    print("is bounded by the driver's per-statement cost (see the raw column).")


if __name__ == "__main__":
    main()
