"""The two sync engines, driven directly: transactions, error mapping, secrets, closing.

Each test runs on SQLite (a file of its own) and on PostgreSQL (a table of its own,
dropped afterwards); the components' own suites run on top of these engines.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import POSTGRES_URI, require
from wirework.config import ConfigParams
from wirework.errors import BackendError, ConflictError, InvalidStateError, WireworkError
from wirework.sql import COUNT, ONE, DuplicateKeyError, PostgresEngine, Script, SqliteEngine

SECRET = "hunter2-Secret"


def closed(op: str) -> InvalidStateError:
    return InvalidStateError(f"closed before {op}()")


@pytest.fixture(params=["sqlite", "postgres"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """``make()`` -> an open engine with an empty table ``t`` (k TEXT PRIMARY KEY, n INT)."""
    table = f"t_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        config = {"connection.database": str(tmp_path / "e.db")}
        kind: Any = SqliteEngine
    else:
        config = {"connection.uri": require(POSTGRES_URI, "PostgreSQL")}
        kind = PostgresEngine
    config["credential.password"] = SECRET  # a secret the messages must never show
    engines: list[Any] = []

    def new() -> Any:
        engine = kind.from_config(ConfigParams(config), "C", closed)
        engine.open()
        engine.ensure_schema(
            [f'CREATE TABLE IF NOT EXISTS "{table}" (k TEXT PRIMARY KEY, n INT)'], table
        )
        engines.append(engine)
        return engine

    new.table = table  # type: ignore[attr-defined]
    yield new
    for engine in engines:
        if engines[0] is engine:
            engine.count("drop", f'DROP TABLE IF EXISTS "{table}"', ())
        engine.close()


def sql(engine: Any, text: str) -> str:
    return text if engine.dialect.placeholder == "?" else text.replace("?", "%s")


def rows(engine: Any, table: str) -> list[Any]:
    return [tuple(row) for row in engine.all("read", f'SELECT k, n FROM "{table}" ORDER BY k', ())]


def test_a_script_that_fails_half_way_in_a_transaction_leaves_nothing(
    make: Callable[[], Any],
) -> None:
    engine, table = make(), make.table  # type: ignore[attr-defined]
    insert = sql(engine, f'INSERT INTO "{table}" (k, n) VALUES (?, ?)')

    def script(error: BaseException) -> Script[None]:
        yield COUNT, insert, ("a", 1)
        raise error

    for error in (WireworkError("refused half-way"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            engine.play("save", lambda error=error: script(error), transaction=True)
        assert rows(engine, table) == []
    engine.count("save", insert, ("b", 2))  # and the engine still works
    assert rows(engine, table) == [("b", 2)]


def test_a_statement_refused_half_way_rolls_the_transaction_back(make: Callable[[], Any]) -> None:
    engine, table = make(), make.table  # type: ignore[attr-defined]
    insert = sql(engine, f'INSERT INTO "{table}" (k, n) VALUES (?, ?)')

    def script() -> Script[None]:
        yield COUNT, insert, ("a", 1)
        yield COUNT, insert, ("a", 2)  # the same key again

    with pytest.raises(DuplicateKeyError):
        engine.play("save_bulk", script, transaction=True)
    assert rows(engine, table) == []


def test_a_key_already_stored_is_a_conflict_naming_the_operation(make: Callable[[], Any]) -> None:
    engine, table = make(), make.table  # type: ignore[attr-defined]
    insert = sql(engine, f'INSERT INTO "{table}" (k, n) VALUES (?, ?)')
    engine.count("create", insert, ("a", 1))
    with pytest.raises(ConflictError, match=rf"^C: create\(\) on {engine.where}") as info:
        engine.count("create", insert, ("a", 1))
    assert isinstance(info.value, DuplicateKeyError)
    assert info.value.__cause__ is not None  # the driver's error, kept for a debugger


def test_a_refused_statement_is_a_backend_error_without_the_secret(make: Callable[[], Any]) -> None:
    engine = make()
    with pytest.raises(BackendError, match=rf"^C: read\(\) on {engine.where} failed: ") as info:
        engine.all("read", f'SELECT * FROM "{SECRET}"', ())  # the driver quotes the name
    shown = "".join(traceback.format_exception_only(info.value))
    assert SECRET not in shown
    assert "***" in shown
    assert info.value.__cause__ is not None


def test_a_call_after_close_raises_the_owners_error(make: Callable[[], Any]) -> None:
    engine, table = make(), make.table  # type: ignore[attr-defined]
    engine.close()
    read = f'SELECT k FROM "{table}"'
    with pytest.raises(InvalidStateError, match=r"closed before load\(\)"):
        engine.one("load", read, ())
    with pytest.raises(InvalidStateError, match=r"closed before save_bulk\(\)"):
        engine.play("save_bulk", lambda: iter(()), transaction=True)
    engine.open()  # an engine opens again
    assert engine.one("load", read, ()) is None


def test_one_reads_the_first_row_and_count_the_rows_written(make: Callable[[], Any]) -> None:
    engine, table = make(), make.table  # type: ignore[attr-defined]
    insert = sql(engine, f'INSERT INTO "{table}" (k, n) VALUES (?, ?)')
    assert engine.count("save", insert, ("a", 1)) == 1
    engine.count("save", insert, ("b", 2))
    update = f'UPDATE "{table}" SET n = n + 1'
    assert engine.count("save", update, ()) == 2

    def script() -> Script[Any]:
        first = yield ONE, f'SELECT k, n FROM "{table}" ORDER BY k', ()
        return first

    assert tuple(engine.play("load", script)) == ("a", 2)


def test_tables_are_prepared_by_many_at_once_without_error(make: Callable[[], Any]) -> None:
    """PostgreSQL can fail concurrent CREATE ... IF NOT EXISTS; the engine serializes them."""
    first = make()
    table = f"c_{uuid.uuid4().hex[:12]}"
    engines = [make() for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def prepare(engine: Any) -> None:
        barrier.wait()
        try:
            engine.ensure_schema(
                [
                    f'CREATE TABLE IF NOT EXISTS "{table}" (k TEXT PRIMARY KEY)',
                    f'CREATE INDEX IF NOT EXISTS "{table}$k" ON "{table}" (k)',
                ],
                table,
            )
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=prepare, args=(engine,)) for engine in engines]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert errors == []
    finally:
        first.count("drop", f'DROP TABLE IF EXISTS "{table}"', ())


def test_sqlite_files_are_opened_alike_for_every_component(tmp_path: Path) -> None:
    """One connection policy: WAL (readers in other processes go on during a write) and
    synchronous=NORMAL (consistent on any crash; a power failure may lose the last
    commits), whichever component opens the file."""
    engine = SqliteEngine.from_config(
        ConfigParams({"connection.database": str(tmp_path / "p.db")}), "C", closed
    )
    engine.open()
    try:
        assert engine.one("read", "PRAGMA journal_mode", ()) == ("wal",)
        assert engine.one("read", "PRAGMA synchronous", ()) == (1,)  # NORMAL
    finally:
        engine.close()
