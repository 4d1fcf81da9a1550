"""The engines' ping, under every SQL component's ``check_health``: bounded, and clear.

A ping waits for the connection as long as the connection's own timeouts allow
(SQLite's busy timeout, PostgreSQL's pool wait), never longer; SQLite also notices
its file deleted or replaced under it, which it would otherwise never report.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import POSTGRES_URI, require
from wirework.config import ConfigParams
from wirework.errors import BackendError, InvalidStateError
from wirework.sql import ONE, Engine, PostgresEngine, Script, SqliteEngine

SECRET = "hunter2-Secret"


def closed(op: str) -> InvalidStateError:
    return InvalidStateError(f"closed before {op}()")


@pytest.fixture(params=["sqlite", "postgres"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Engine]]:
    """``make(**config)`` -> an open engine (``options.*`` and the like added to its config)."""
    if request.param == "sqlite":
        base = {"connection.database": str(tmp_path / "db" / "ping.db")}
        kind: Any = SqliteEngine
    else:
        base = {"connection.uri": require(POSTGRES_URI, "PostgreSQL")}
        kind = PostgresEngine
    engines: list[Engine] = []

    def new(**config: Any) -> Engine:
        engine: Engine = kind.from_config(
            ConfigParams({**base, "credential.password": SECRET, **config}), "C", closed
        )
        engine.open()
        engines.append(engine)
        return engine

    yield new
    for engine in engines:
        engine.close()


def test_an_open_engine_answers_and_a_closed_one_raises_its_owners_error(
    make: Callable[..., Engine],
) -> None:
    engine = make()
    assert engine.ping("check_health") is None
    engine.close()
    with pytest.raises(InvalidStateError, match=r"^closed before check_health\(\)$"):
        engine.ping("check_health")


def test_pings_from_many_threads_at_once_all_pass(make: Callable[..., Engine]) -> None:
    engine = make(**{"options.max_pool_size": 2})
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        for _ in range(25):
            try:
                engine.ping("check_health")
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_connection_held_by_a_long_call_bounds_the_wait(make: Callable[..., Engine]) -> None:
    """A script holds the only connection (SQLite has one; the pool is given one) until
    released: the ping gives up after the connection's own timeout, then passes."""
    engine = make(**{"options.connect_timeout": 300, "options.max_pool_size": 1})
    holding, release = threading.Event(), threading.Event()

    def hold() -> Script[None]:
        yield ONE, "SELECT 1", ()
        holding.set()
        release.wait(10)

    worker = threading.Thread(target=lambda: engine.play("hold", hold))
    worker.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with pytest.raises(BackendError, match=r"^C: .* stayed busy for 0\.3 s\n"):
            engine.ping("check_health")
        assert 0.25 <= time.monotonic() - started < 2.0
    finally:
        release.set()
        worker.join()
    engine.ping("check_health")


# -- SQLite: the file under an open connection ----------------------------------------------


def sqlite(path: Path) -> SqliteEngine:
    engine = SqliteEngine.from_config(ConfigParams({"connection.database": str(path)}), "C", closed)
    engine.open()
    return engine


def test_sqlite_notices_its_directory_removed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    engine = sqlite(folder / "state.db")
    try:
        engine.ping("check_health")
        shutil.rmtree(folder)
        engine.one("write", "SELECT 1", ())  # SQLite itself goes on answering
        with pytest.raises(BackendError) as info:
            engine.ping("check_health")
        assert str(info.value) == (
            f"C: check_health() on SQLite database {folder / 'state.db'}: the file was "
            "removed or replaced while open\n  hint: what is written now is lost when the "
            "store closes: restore the file (and its directory), then restart the service"
        )
    finally:
        engine.close()


def test_sqlite_notices_its_file_replaced(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    engine = sqlite(path)
    try:
        replacement = tmp_path / "other.db"
        sqlite(replacement).close()
        replacement.replace(path)
        with pytest.raises(BackendError, match="the file was removed or replaced while open"):
            engine.ping("check_health")
    finally:
        engine.close()


def test_sqlite_in_memory_has_no_file_to_lose() -> None:
    engine = SqliteEngine.from_config(
        ConfigParams({"connection.database": ":memory:"}), "C", closed
    )
    engine.open()
    try:
        engine.ping("check_health")
    finally:
        engine.close()


def test_a_relative_sqlite_path_is_checked_where_it_was_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine = sqlite(Path("relative.db"))
    try:
        monkeypatch.chdir(tmp_path.parent)  # the working directory moves on; the file stays
        engine.ping("check_health")
    finally:
        engine.close()
