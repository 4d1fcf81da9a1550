"""SQL persistences beside their raw drivers, same operations, same run.

    .venv/bin/python bench/bench_sql_persistence.py [--rows 10000] [--rounds 15] [--quick]

Why: a persistence is worth its convenience only if it costs little over what a
service would write by hand. Each backend gets two tables of the same shape
(``seq``, ``id``, ``doc``), one used through wirework and one through the driver
directly (psycopg 3 in autocommit / sqlite3 in autocommit, WAL, ``synchronous=NORMAL``
as wirework's SQLite engine sets them), both filled with the
same rows. Then:

* ``get_one_by_id``: a random existing id; the raw call fetches the document, and
  wirework also rebuilds the item object from it.
* ``create``: a new item per call; raw inserts the same JSON text.
* ``get_list_by_ids`` of 1,000 ids (one ``= ANY(%s)`` / ``json_each`` statement) next
  to 1,000 single ``get_one_by_id`` calls. The 10x target is about round trips, so
  it applies to PostgreSQL. SQLite runs in the process and has none to save: its
  row shows the driver's own bulk-over-singles figure next to wirework's.

Rounds alternate wirework and raw so drift (cache, autovacuum, disk) hits both. A
figure is the median over rounds of the mean time per call in a round. Targets:
single calls <= 1.3x the raw driver; the bulk read >= 10x faster than 1,000 singles.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import format_ms, format_us, median_ns_per_call

from wirework.config import ConfigParams
from wirework.errors import BackendError
from wirework.persistence.sql import (
    IdentifiablePostgresPersistence,
    IdentifiableSqlitePersistence,
)

POSTGRES_URI = "postgresql://postgres@127.0.0.1:5432/test"
SINGLE_TARGET = 1.3
BULK_TARGET = 10.0
BULK = 1_000


class Dummy:
    """A plain item class, as in the Pip.Services tutorial."""

    def __init__(self, id: str | None, key: str, content: str, count: int) -> None:  # noqa: A002
        self.id = id
        self.key = key
        self.content = content
        self.count = count


def document(i: int) -> dict[str, Any]:
    return {"id": f"id-{i:07d}", "key": f"key-{i % 500}", "content": f"content {i}", "count": i}


def alternate(
    first: Callable[[], Any], second: Callable[[], Any], *, number: int, rounds: int
) -> tuple[float, float]:
    """Median ns per call of each, timed in alternating rounds of ``number`` calls."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(rounds):
        a.append(median_ns_per_call(first, number=number, runs=1))
        b.append(median_ns_per_call(second, number=number, runs=1))
    return statistics.median(a), statistics.median(b)


class Raw:
    """The same operations written against the driver by hand, up to a parsed document:
    psycopg parses ``jsonb`` itself, SQLite hands back text for ``json.loads``."""

    def __init__(
        self, connection: Any, p: str, document_param: str, ids_match: str, parse: bool
    ) -> None:
        self.connection = connection
        self.get_sql = f"SELECT doc FROM raw_items WHERE id = {p}"
        self.insert_sql = f"INSERT INTO raw_items (id, doc) VALUES ({p}, {document_param})"
        self.many_sql = f"SELECT id, doc FROM raw_items WHERE {ids_match}"
        self.load: Callable[[Any], Any] = json.loads if parse else (lambda doc: doc)

    def get(self, item_id: str) -> Any:
        row = self.connection.execute(self.get_sql, (item_id,)).fetchone()
        return self.load(row[0])

    def create(self, item_id: str, doc: dict[str, Any]) -> None:
        self.connection.execute(self.insert_sql, (item_id, json.dumps(doc)))

    def get_many(self, param: Any) -> dict[str, Any]:
        rows = self.connection.execute(self.many_sql, (param,)).fetchall()
        return {item_id: self.load(doc) for item_id, doc in rows}


@contextmanager
def postgres(rows: int) -> Iterator[tuple[Any, Raw, Callable[[list[str]], Any]]]:
    import psycopg

    table = f"bench_{uuid.uuid4().hex[:8]}"
    persistence: IdentifiablePostgresPersistence[Dummy] = IdentifiablePostgresPersistence(
        table, item_type=Dummy
    )
    persistence.configure(ConfigParams.from_value({"connection": {"uri": POSTGRES_URI}}))
    persistence.open(None)
    connection = psycopg.connect(POSTGRES_URI, autocommit=True)
    try:
        connection.execute("DROP TABLE IF EXISTS raw_items")
        connection.execute(
            "CREATE TABLE raw_items (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "id TEXT NOT NULL UNIQUE, doc JSONB NOT NULL)"
        )
        raw = Raw(connection, "%s", "%s::jsonb", "id = ANY(%s)", parse=False)
        fill(persistence, raw, rows)
        connection.execute(f'ANALYZE "{table}"')
        connection.execute("ANALYZE raw_items")
        yield persistence, raw, lambda ids: ids
    finally:
        persistence.close(None)
        connection.execute(f'DROP TABLE IF EXISTS "{table}"')
        connection.execute("DROP TABLE raw_items")
        connection.close()


@contextmanager
def sqlite(rows: int) -> Iterator[tuple[Any, Raw, Callable[[list[str]], Any]]]:
    with tempfile.TemporaryDirectory() as scratch:
        persistence: IdentifiableSqlitePersistence[Dummy] = IdentifiableSqlitePersistence(
            "items", path=Path(scratch) / "wirework.sqlite", item_type=Dummy
        )
        persistence.open(None)
        connection = sqlite3.connect(Path(scratch) / "raw.sqlite", isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(
                "CREATE TABLE raw_items (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                "doc TEXT NOT NULL)"
            )
            raw = Raw(connection, "?", "?", "id IN (SELECT value FROM json_each(?))", parse=True)
            fill(persistence, raw, rows)
            yield persistence, raw, json.dumps
        finally:
            persistence.close(None)
            connection.close()


def fill(persistence: Any, raw: Raw, rows: int) -> None:
    for i in range(rows):
        doc = document(i)
        persistence.create(None, Dummy(**doc))
        raw.create(doc["id"], doc)


def measure(
    name: str, backend: Any, rows: int, rounds: int, number: int
) -> list[tuple[str, str, str, str, str, str]]:
    table: list[tuple[str, str, str, str, str, str]] = []
    with backend(rows) as (persistence, raw, ids_param):
        existing = [f"id-{i:07d}" for i in range(rows)]
        picks = itertools.cycle(random.Random(1).sample(existing, min(rows, 5_000)))
        ours, theirs = alternate(
            lambda: persistence.get_one_by_id(None, next(picks)),
            lambda: raw.get(next(picks)),
            number=number,
            rounds=rounds,
        )
        table.append(single(name, "get_one_by_id", ours, theirs))

        fresh = itertools.count(rows)

        def ours_create() -> None:
            i = next(fresh)
            persistence.create(None, Dummy(f"new-{i}", f"key-{i % 500}", f"content {i}", i))

        def raw_create() -> None:
            i = next(fresh)
            doc = {"id": f"new-{i}", "key": f"key-{i % 500}", "content": f"content {i}", "count": i}
            raw.create(doc["id"], doc)

        ours, theirs = alternate(ours_create, raw_create, number=number, rounds=rounds)
        table.append(single(name, "create", ours, theirs))

        batches = itertools.cycle([random.Random(seed).sample(existing, BULK) for seed in range(5)])
        bulk, raw_bulk = alternate(
            lambda: persistence.get_list_by_ids(None, next(batches)),
            lambda: raw.get_many(ids_param(next(batches))),
            number=3,
            rounds=rounds,
        )
        table.append(
            (
                name,
                f"get_list_by_ids({BULK:,})",
                format_ms(bulk),
                format_ms(raw_bulk),
                f"{bulk / raw_bulk:.2f}x raw",
                "(info)",
            )
        )

        def singles() -> None:
            for item_id in next(batches):
                persistence.get_one_by_id(None, item_id)

        def raw_singles() -> None:
            for item_id in next(batches):
                raw.get(item_id)

        one_by_one, raw_one_by_one = alternate(
            singles, raw_singles, number=1, rounds=max(3, rounds // 3)
        )
        speedup, raw_speedup = one_by_one / bulk, raw_one_by_one / raw_bulk
        if name == "sqlite":
            # In-process: no round trip to save, so the driver cannot reach it either.
            verdict = f"n/a in-process (raw: {raw_speedup:.1f}x)"
        else:
            verdict = f">= {BULK_TARGET:g}x {'met' if speedup >= BULK_TARGET else 'MISSED'}"
        table.append(
            (
                name,
                f"{BULK:,} x get_one_by_id",
                format_ms(one_by_one),
                format_ms(raw_one_by_one),
                f"bulk {speedup:.1f}x faster",
                verdict,
            )
        )
    return table


def single(name: str, operation: str, ours: float, theirs: float) -> tuple[str, ...]:
    ratio = ours / theirs
    verdict = "met" if ratio <= SINGLE_TARGET else "MISSED"
    return (
        name, operation, format_us(ours), format_us(theirs),
        f"{ratio:.2f}x raw", f"<= {SINGLE_TARGET}x {verdict}",
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in each table")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds")
    parser.add_argument("--quick", action="store_true", help="fewer rows and rounds")
    args = parser.parse_args()
    rows, rounds, number = args.rows, args.rounds, 500
    if args.quick:
        rows, rounds, number = 2_000, 5, 200
    table: list[tuple[str, ...]] = []
    for name, backend in (("postgres", postgres), ("sqlite", sqlite)):
        try:
            table += measure(name, backend, rows, rounds, number)
        except (BackendError, ImportError) as exc:  # no server or no driver: say so, go on
            print(f"{name}: skipped ({type(exc).__name__}: {exc})")
    header = ("backend", "operation", "wirework", "raw driver", "ratio", "target")
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    print(f"{rows:,} rows per table; median of {rounds} alternating rounds\n")
    for row in [header, tuple("-" * w for w in widths), *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(
        "\nraw driver = psycopg 3 (autocommit) for postgres, sqlite3 (autocommit, WAL, "
        "synchronous=NORMAL) for "
        "sqlite;\nwirework also rebuilds each Dummy from its document; "
        "raw stops at the parsed dict."
    )


if __name__ == "__main__":
    main()
