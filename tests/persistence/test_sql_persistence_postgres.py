"""PostgreSQL-only behaviour: connection errors without secrets, recovery from a killed
connection, the pool's bounds, and that ``close`` lets go of every connection.

Every test names its connections with a unique ``application_name`` so it can find
them in ``pg_stat_activity``, and uses a table of its own that is dropped afterwards.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from dummies import Dummy
from sql_persistences import unique_table

from servers import POSTGRES_URI, require
from wirework.config import ConfigParams
from wirework.container import Container
from wirework.errors import BackendError, ConfigError, LifecycleError
from wirework.persistence.sql import IdentifiablePostgresPersistence

SECRET = "s3cret-Pa55"


@pytest.fixture
def uri() -> str:
    return require(POSTGRES_URI, "PostgreSQL")


@pytest.fixture
def app_name() -> str:
    return f"wirework-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make(uri: str, app_name: str) -> Iterator[Callable[..., Any]]:
    """``make(**options)`` -> an open persistence whose connections carry ``app_name``."""
    made: list[Any] = []

    def build(**options: Any) -> Any:
        persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence(
            unique_table(), item_type=Dummy
        )
        config = {"connection": {"uri": f"{uri}?application_name={app_name}"}, "options": options}
        persistence.configure(ConfigParams.from_value(config))
        persistence.open(None)
        made.append(persistence)
        return persistence

    yield build
    for persistence in made:
        persistence.close(None)


def backends(uri: str, app_name: str) -> list[int]:
    with psycopg.connect(uri, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app_name,)
        ).fetchall()
    return [pid for (pid,) in rows]


def kill(uri: str, app_name: str, *, wait: bool = False) -> int:
    """Terminate the connections; ``wait`` until they are gone (PostgreSQL 14+)."""
    pids = backends(uri, app_name)
    with psycopg.connect(uri, autocommit=True) as admin:
        for pid in pids:
            if wait:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            else:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return len(pids)


def settle(uri: str, app_name: str, expected: int) -> int:
    """The connection count once it reaches ``expected`` (backends exit asynchronously)."""
    deadline = time.monotonic() + 5
    while (count := len(backends(uri, app_name))) != expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return count


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- unreachable server ------------------------------------------------------------------
@pytest.mark.parametrize("style", ["keys", "uri"])
def test_an_unreachable_server_is_named_without_the_password(style: str) -> None:
    port = closed_port()
    if style == "keys":
        config = {
            "connection": {"host": "127.0.0.1", "port": port, "database": "test"},
            "credential": {"username": "postgres", "password": SECRET},
        }
    else:
        config = {"connection": {"uri": f"postgresql://postgres:{SECRET}@127.0.0.1:{port}/test"}}
    config["options"] = {"table": "items", "retries": 1, "connect_timeout": 1000}
    persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence()
    persistence.configure(ConfigParams.from_value(config))
    started = time.monotonic()
    with pytest.raises(BackendError) as info:
        persistence.open(None)
    message = str(info.value)
    assert f"cannot connect to PostgreSQL at 127.0.0.1:{port}/test (2 attempts)" in message
    assert "Connection refused" in message
    assert SECRET not in message
    assert SECRET not in repr(persistence)
    assert time.monotonic() - started < 5
    assert not persistence.is_open()


def test_the_container_adds_the_components_file_and_line(tmp_path: Path) -> None:
    port = closed_port()
    config = tmp_path / "config.yml"
    config.write_text(
        "- descriptor: test:persistence:postgres:default:1.0\n"
        "  type: wirework.persistence.sql:IdentifiablePostgresPersistence\n"
        "  connection:\n"
        f"    uri: postgresql://postgres:{SECRET}@127.0.0.1:{port}/test\n"
        "  options:\n"
        "    table: items\n"
        "    retries: 0\n",
        encoding="utf-8",
    )
    container = Container.from_file(config)
    with pytest.raises(LifecycleError) as info:
        container.open()
    message = str(info.value)
    assert "config.yml:1" in message
    assert f"127.0.0.1:{port}" in message
    assert SECRET not in message


def test_a_database_is_required() -> None:
    persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence("t")
    with pytest.raises(ConfigError, match="connection.database is required for PostgreSQL"):
        persistence.configure(ConfigParams.from_value({"connection": {"host": "db"}}))
    with pytest.raises(ConfigError, match="connection.database is required for PostgreSQL"):
        persistence.open(None)  # never configured at all


# -- killed connections ------------------------------------------------------------------
def test_a_connection_killed_by_the_server_is_replaced(
    make: Callable[..., Any], uri: str, app_name: str
) -> None:
    persistence = make()
    persistence.create(None, Dummy("1", "k"))
    for round_ in range(10):
        assert kill(uri, app_name, wait=round_ % 2 == 1) >= 1
        # The very next call, a read or a write, succeeds on a new connection.
        if round_ % 3 == 0:
            assert persistence.get_one_by_id(None, "1").key == "k"
        elif round_ % 3 == 1:
            persistence.create(None, Dummy(f"new-{round_}"))
        else:
            assert persistence.delete_by_id(None, f"new-{round_ - 1}") is not None
    assert persistence.is_open()
    assert persistence.get_count_by_filter(None, None) == 1  # each new item was deleted


def test_a_killed_connection_inside_a_transaction_is_not_reused(
    make: Callable[..., Any], uri: str, app_name: str
) -> None:
    persistence = make()
    persistence.create(None, Dummy("1", "k"))
    kill(uri, app_name)
    assert persistence.update_partially(None, "1", {"count": 5}).count == 5
    assert persistence.get_one_by_id(None, "1").count == 5


# -- statements the server refuses -------------------------------------------------------
def test_a_refused_statement_names_the_operation_and_server(
    make: Callable[..., Any], uri: str
) -> None:
    persistence = make()
    with psycopg.connect(uri, autocommit=True) as admin:  # a rule only the server knows
        admin.execute(
            f"ALTER TABLE \"{persistence._table}\" ADD CHECK ((doc ->> 'key') <> 'refused')"
        )
    with pytest.raises(BackendError, match=r"create\(\) on PostgreSQL at 127.0.0.1:5432"):
        persistence.create(None, Dummy("1", "refused"))
    persistence.create(None, Dummy("2", "fine"))  # the connection is still good
    assert persistence.get_count_by_filter(None, None) == 1


def test_a_table_with_other_columns_is_refused_clearly(uri: str) -> None:
    table = unique_table()
    with psycopg.connect(uri, autocommit=True) as admin:
        admin.execute(f'CREATE TABLE "{table}" (id TEXT PRIMARY KEY, data JSONB)')
    persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence(table)
    persistence.configure(ConfigParams.from_value({"connection": {"uri": uri}}))
    with pytest.raises(BackendError, match=f"table '{table}' at PostgreSQL at .* cannot be used"):
        persistence.open(None)


# -- the pool ----------------------------------------------------------------------------
def hammer(persistence: Any, threads: int = 8, calls: int = 30) -> None:
    def work() -> None:
        for _ in range(calls):
            persistence.get_list_by_filter(None, {"key": "k"})

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_the_pool_never_exceeds_max_pool_size(
    make: Callable[..., Any], uri: str, app_name: str
) -> None:
    persistence = make(max_pool_size=2)
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(len(backends(uri, app_name)))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        hammer(persistence)
    finally:
        done.set()
        watcher.join()
    assert seen
    assert max(seen) <= 2


def test_close_releases_every_connection(make: Callable[..., Any], uri: str, app_name: str) -> None:
    persistence = make(max_pool_size=4)
    hammer(persistence)
    assert 1 <= len(backends(uri, app_name)) <= 4
    persistence.close(None)
    assert settle(uri, app_name, 0) == 0
    persistence.open(None)  # and it can open again
    assert persistence.get_count_by_filter(None, None) == 0
    persistence.close(None)
    assert settle(uri, app_name, 0) == 0


def test_repr_names_the_table_and_server_only(uri: str) -> None:
    persistence: IdentifiablePostgresPersistence[Any] = IdentifiablePostgresPersistence("items")
    persistence.configure(
        ConfigParams.from_value(
            {
                "connection": {"host": "db.local", "database": "app"},
                "credential": {"username": "svc", "password": SECRET},
            }
        )
    )
    assert repr(persistence) == (
        "IdentifiablePostgresPersistence(table='items', at='PostgreSQL at db.local:5432/app')"
    )
