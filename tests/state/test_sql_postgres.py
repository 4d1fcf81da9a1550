"""What only the PostgreSQL state stores promise, beyond the conformance suites.

Every test uses a table of its own and drops it; connections are found through an
``application_name`` unique to the test, so other sessions on the server never count.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sql_backends import (
    LONG_TABLES,
    drop_table,
    each_of_two_neighbour_tables,
    increment,
    increment_in_process,
    postgres_uri,
    unique_table,
    versions_on_long_tables,
)

from wirework.config import ConfigParams
from wirework.container import Container
from wirework.errors import BackendError, ConcurrencyError, ConfigError, LifecycleError
from wirework.sql._pool import Pooled
from wirework.state import PostgresStateStore, StateValue
from wirework.state.entity import PostgresEntityStore

SECRET = "s3cret-Pa55word"

pytestmark = pytest.mark.server


@pytest.fixture
def uri() -> str:
    return postgres_uri()


@pytest.fixture
def table(uri: str) -> Iterator[str]:
    name = unique_table("kv")
    yield name
    drop_table(uri, name)


@pytest.fixture
def app() -> str:
    """An application_name that marks this test's connections in pg_stat_activity."""
    return f"ww_{uuid.uuid4().hex[:12]}"


def open_store(uri: str, table: str, app: str | None = None, **options: Any) -> PostgresStateStore:
    store = PostgresStateStore()
    config = {"connection.uri": uri + (f"?application_name={app}" if app else "")}
    config["options.table"] = table
    config.update({f"options.{key}": value for key, value in options.items()})
    store.configure(ConfigParams(config))
    store.open(None)
    return store


def backends(uri: str, app: str) -> list[int]:
    with psycopg.connect(uri, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app,)
        ).fetchall()
    return [row[0] for row in rows]


def kill(uri: str, app: str) -> int:
    """Terminate every backend of ``app`` and wait until each is gone."""
    pids = backends(uri, app)
    with psycopg.connect(uri, autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    return len(pids)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nobody listens on it once the socket is closed


# -- unreachable server, secrets --------------------------------------------------------


def test_an_unreachable_server_names_host_and_port_but_never_the_password() -> None:
    port = closed_port()
    store = PostgresStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.host": "127.0.0.1",
                "connection.port": port,
                "connection.database": "test",
                "credential.username": "app",
                "credential.password": SECRET,
                "options.retries": 1,
                "options.connect_timeout": 1000,
            }
        )
    )
    started = time.monotonic()
    with pytest.raises(
        BackendError,
        match=rf"cannot connect to PostgreSQL at 127\.0\.0\.1:{port}/test \(2 attempts\)",
    ) as info:
        store.open(None)
    assert time.monotonic() - started >= 0.1  # one backoff pause between the two attempts
    shown = "".join(traceback.format_exception(info.value))
    assert SECRET not in shown
    assert SECRET not in repr(info.value)
    assert store.is_open() is False


def test_a_password_in_the_uri_stays_out_of_errors_and_repr() -> None:
    port = closed_port()
    uri = f"postgresql://app:{SECRET}@127.0.0.1:{port}/test?password={SECRET}"
    store = PostgresStateStore()
    store.configure(ConfigParams({"connection.uri": uri, "options.retries": 0}))
    assert SECRET not in repr(store)
    assert f"127.0.0.1:{port}/test" in repr(store)
    with pytest.raises(BackendError) as info:
        store.open(None)
    assert SECRET not in "".join(traceback.format_exception(info.value))
    entity = PostgresEntityStore(uri)
    assert SECRET not in repr(entity)
    with pytest.raises(BackendError, match=rf"127\.0\.0\.1:{port}") as info:
        entity.connect()
    assert SECRET not in "".join(traceback.format_exception(info.value))


def test_the_container_adds_file_and_line_to_the_open_error(tmp_path: Path) -> None:
    port = closed_port()
    config = tmp_path / "service.yml"
    config.write_text(
        "- descriptor: pip-services:state-store:postgres:default:1.0\n"
        "  connection:\n"
        f"    uri: postgresql://app:{SECRET}@127.0.0.1:{port}/test\n"
        "  options:\n"
        "    retries: 0\n"
    )
    container = Container.from_file(config)
    with pytest.raises(LifecycleError) as info:
        container.open()
    message = str(info.value)
    assert "service.yml:1" in message
    assert f"127.0.0.1:{port}" in message
    assert SECRET not in "".join(traceback.format_exception(info.value))


# -- killed connections ---------------------------------------------------------------


def test_a_connection_killed_by_the_server_is_replaced(uri: str, table: str, app: str) -> None:
    store = open_store(uri, table, app)
    try:
        store.save(None, "k", 1)
        assert kill(uri, app) == 1
        assert store.load(None, "k") == 1  # found dead before use, replaced: no error
        assert kill(uri, app) == 1
        store.save(None, "k", 2, expected_version=1)  # a write too
        assert store.load_versioned(None, "k") == (2, 2)
    finally:
        store.close(None)


def cut(store: PostgresStateStore) -> None:
    """Shut the socket of the store's one idle connection under it, as a network loss
    does: the server never says whether a statement sent on it ran."""
    (item,) = store._slot.engine._pool._idle  # type: ignore[union-attr]
    link = socket.socket(fileno=os.dup(item.conn.fileno()))
    link.shutdown(socket.SHUT_RDWR)
    link.close()


def test_a_connection_lost_mid_call_fails_a_write_once_and_a_read_not_at_all(
    uri: str, table: str, app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the loss is only seen on use, a read runs again on a new connection; a
    conditional write, which may have been applied, is reported once."""
    store = open_store(uri, table, app, max_pool_size=1)
    monkeypatch.setattr(Pooled, "usable", lambda self: True)  # as if lost after the check
    try:
        store.save(None, "k", "v")
        cut(store)
        assert store.load(None, "k") == "v"
        cut(store)
        with pytest.raises(
            BackendError,
            match=r"lost the connection to PostgreSQL at .* during save\(\): .*closed",
        ) as info:
            store.save(None, "k", "w", expected_version=1)
        assert "may or may not have been applied" in str(info.value)
        store.save(None, "k", "w", expected_version=1)  # the next call has a new connection
        assert store.load_versioned(None, "k")[0] == "w"
    finally:
        store.close(None)


def test_a_write_the_server_refused_to_run_is_run_again(
    uri: str, table: str, app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend terminated while idle answers the next statement with SQLSTATE 57P01:
    the statement never ran, so even a conditional write is safe to send again."""
    store = open_store(uri, table, app, max_pool_size=1)
    monkeypatch.setattr(Pooled, "usable", lambda self: True)
    try:
        store.save(None, "k", "v")
        assert kill(uri, app) == 1
        store.save(None, "k", "w", expected_version=1)
        assert store.load_versioned(None, "k")[0] == "w"
    finally:
        store.close(None)


def test_an_entity_store_survives_a_killed_connection(uri: str, app: str) -> None:
    table = unique_table("entity")
    store = PostgresEntityStore(f"{uri}?application_name={app}", table=table)
    try:
        with store:
            store.set_state("e", "a")
            kill(uri, app)
            assert store.get_state("e") == "a"
            kill(uri, app)
            assert store.set_state_versioned("e", "b", expected_version=1) == 2
    finally:
        drop_table(uri, table)


# -- several stores, several processes -------------------------------------------------


def test_two_stores_on_one_table_see_each_others_writes(uri: str, table: str) -> None:
    first, second = open_store(uri, table), open_store(uri, table)
    try:
        first.save(None, "k", {"by": "first"})
        assert second.load_versioned(None, "k") == ({"by": "first"}, 1)
        second.save(None, "k", {"by": "second"}, expected_version=1)
        assert first.load(None, "k") == {"by": "second"}
        second.save_bulk(None, {"a": 1, "b": 2})
        assert first.load_bulk(None, ["a", "b"]) == [StateValue("a", 1), StateValue("b", 2)]
        assert first.delete(None, "a") == 1
        assert second.load(None, "a") is None
    finally:
        first.close(None)
        second.close(None)


def test_versioned_increments_from_four_processes_lose_nothing(uri: str, table: str) -> None:
    processes, times = 4, 100
    config = {"connection.uri": uri, "options.table": table}
    store = open_store(uri, table)
    try:
        store.save(None, "counter", 0)
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(processes) as pool:
            results = [
                pool.apply_async(increment_in_process, ("postgres", config, "counter", times))
                for _ in range(processes)
            ]
            conflicts = [result.get(timeout=120) for result in results]
        value, version = store.load_versioned(None, "counter")
        assert value == processes * times
        assert version > processes * times  # a new version per save
        print(f"conflicts retried per process: {conflicts}")
    finally:
        store.close(None)


def test_increments_from_threads_share_the_pool(uri: str, table: str, app: str) -> None:
    store = open_store(uri, table, app, max_pool_size=3)
    try:
        store.save(None, "counter", 0)
        workers = [
            threading.Thread(target=increment, args=(store, "counter", 50)) for _ in range(6)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        value, version = store.load_versioned(None, "counter")
        assert value == 300
        assert version > 300  # a new version per save
        assert 1 <= len(backends(uri, app)) <= 3
    finally:
        store.close(None)


# -- lifecycle ------------------------------------------------------------------------


def wait_for_no_backends(uri: str, app: str) -> list[int]:
    deadline = time.monotonic() + 5
    while (left := backends(uri, app)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_close_releases_every_connection(uri: str, table: str, app: str) -> None:
    store = open_store(uri, table, app, max_pool_size=4)
    barrier = threading.Barrier(4)

    def busy() -> None:
        barrier.wait()
        for n in range(20):
            store.save(None, f"k{n}", n)

    workers = [threading.Thread(target=busy) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(backends(uri, app)) >= 2
    store.close(None)
    assert wait_for_no_backends(uri, app) == []
    store.open(None)  # and it opens again, with the data kept
    assert store.load(None, "k3") == 3
    store.close(None)


def test_disconnect_releases_the_entity_store_connections(uri: str, app: str) -> None:
    table = unique_table("entity")
    store = PostgresEntityStore(f"{uri}?application_name={app}", table=table)
    try:
        store.connect()
        store.set_states_batch({"a": "x", "b": "y"})
        assert backends(uri, app)
        store.disconnect()
        assert wait_for_no_backends(uri, app) == []
    finally:
        store.disconnect()
        drop_table(uri, table)


def test_the_table_and_its_expiry_index_are_created_on_open(uri: str, table: str) -> None:
    store = open_store(uri, table)
    store.close(None)
    with psycopg.connect(uri, autocommit=True) as conn:
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", (table,)
        ).fetchall()
    assert columns == [
        ("key", "text"),
        ("value", "text"),
        ("version", "bigint"),
        ("expires_at", "double precision"),
    ]
    assert f"{table}$expires_at" in {row[0] for row in indexes}


def test_expired_rows_are_purged_from_the_table(uri: str, table: str) -> None:
    from wirework.state import ManualClock
    from wirework.state._sql_core import PURGE_EVERY

    clock = ManualClock()
    store = PostgresStateStore(clock=clock)
    store.configure(ConfigParams({"connection.uri": uri, "options.table": table}))
    store.open(None)
    try:
        store.save_bulk(None, {f"k{i}": i for i in range(50)}, ttl=100)
        store.save(None, "stays", 1)
        clock.advance(PURGE_EVERY + 1)
        assert store.load(None, "stays") == 1  # any call purges when one is due
        with psycopg.connect(uri, autocommit=True) as conn:
            left = conn.execute(f'SELECT key FROM "{table}"').fetchall()
        assert left == [("stays",)]
    finally:
        store.close(None)


@pytest.mark.parametrize("name", ['x"; DROP TABLE y; --', "1abc", "", "a" * 64, "a-b", "a$b"])
def test_a_table_name_that_is_not_an_identifier_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match=r"options.table must be an SQL identifier"):
        PostgresStateStore().configure(ConfigParams({"options.table": name}))
    with pytest.raises(ConfigError, match=r"^PostgresEntityStore: table must be an SQL identifier"):
        PostgresEntityStore(table=name)


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0"),
        (True, r"true \(a boolean\)"),
        (float("inf"), r"inf \(a number\)"),
        ("1e400", r"'1e400' \(text\)"),
    ],
)
def test_a_bad_pool_size_is_a_config_error(size: Any, shown: str) -> None:
    message = rf"options.max_pool_size: expected a whole number >= 1, got {shown}"
    with pytest.raises(ConfigError, match=message):
        PostgresStateStore().configure(ConfigParams({"options.max_pool_size": size}))


def test_the_entity_store_reads_the_key_value_store_keys(uri: str) -> None:
    table = unique_table("entity")
    store = PostgresEntityStore()
    store.configure(ConfigParams({"connection.uri": uri, "options.table": table}))
    try:
        store.open(None)
        store.set_state("e", "s")
        assert store.get_state("e") == "s"
        store.close(None)
    finally:
        drop_table(uri, table)


def test_entities_list_in_python_order_whatever_the_locale(uri: str) -> None:
    table = unique_table("entity")
    ids = ["b", "B", "a", "é", "Z", "_", "a b", "ab", "ä", "10", "9"]
    try:
        with PostgresEntityStore(uri, table=table) as store:
            store.set_states_batch(dict.fromkeys(ids, "s"))
            assert store.list_entities() == sorted(ids)
            assert store.list_entities("s", 3, 2) == sorted(ids)[2:5]
    finally:
        drop_table(uri, table)


def test_metadata_is_merged_across_writes(uri: str) -> None:
    table = unique_table("entity")
    try:
        with PostgresEntityStore(uri, table=table) as store:
            store.set_state("e", "a", metadata={"by": "x", "n": 1, "context": {"c": 1}})
            store.set_state_versioned("e", "b", expected_version=1, metadata={"n": 2, "z": "\x00"})
            assert store.get_metadata("e") == {"by": "x", "n": 2, "z": "\x00"}
            assert store.get_context("e") == {"c": 1}
            assert store.get_state_versioned("e") == ("b", 2)
    finally:
        drop_table(uri, table)


# -- versions -------------------------------------------------------------------------------


def test_a_table_written_before_the_version_sequence_keeps_its_versions_growing(
    uri: str, table: str
) -> None:
    """The sequence starts above the rows already there, or an update would lower them."""
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(
            f'CREATE TABLE "{table}" (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL, '
            "version BIGINT NOT NULL, expires_at DOUBLE PRECISION)"
        )
        conn.execute(f"""INSERT INTO "{table}" VALUES ('k', '"old"', 41, NULL)""")
    store = open_store(uri, table)
    try:
        store.save(None, "k", "new")
        assert store.load_versioned(None, "k")[1] > 41
        stale = store.load_versioned(None, "k")[1]
        store.delete(None, "k")
        store.save(None, "k", "again")
        with pytest.raises(ConcurrencyError):
            store.save(None, "k", "stale", expected_version=stale)
    finally:
        store.close(None)
    second = open_store(uri, table)  # a second open finds the sequence and leaves it be
    try:
        before = second.load_versioned(None, "k")[1]
        second.save(None, "k", "later")
        assert second.load_versioned(None, "k")[1] > before
    finally:
        second.close(None)


def test_the_version_sequence_is_never_another_stores_table(uri: str, table: str) -> None:
    try:
        assert each_of_two_neighbour_tables(lambda name: open_store(uri, name), table) == [0, 1]
    finally:
        drop_table(uri, table + "_version")


def test_the_longest_table_names_keep_their_counters_apart(uri: str) -> None:
    """PostgreSQL cuts a longer name to 63 bytes: "<63 chars>$version" would be cut to
    the table's own name. The names built from a table stay within the limit."""
    try:
        assert versions_on_long_tables(lambda table: open_store(uri, table)) == [2, 1]
        with psycopg.connect(uri, autocommit=True) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT relname FROM pg_class WHERE relname LIKE %s", ("t" * 30 + "%",)
                )
            ]
        assert set(LONG_TABLES) <= set(names)
        assert len(names) == 2 * 4  # table, primary key, expiry index, sequence each
    finally:
        for table in LONG_TABLES:
            drop_table(uri, table)


def test_a_batch_refused_half_way_writes_nothing(uri: str, table: str) -> None:
    store = open_store(uri, table)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE \"{table}\" ADD CHECK (key <> 'bad')")
    try:
        with pytest.raises(BackendError, match=r"save_bulk\(\) on PostgreSQL at .* check"):
            store.save_bulk(None, {"a": 1, "b": 2, "bad": 3, "c": 4})
        assert store.load_bulk(None, ["a", "b", "c"]) == [
            StateValue("a", None),
            StateValue("b", None),
            StateValue("c", None),
        ]
    finally:
        store.close(None)


def test_an_entity_batch_refused_half_way_writes_nothing(uri: str) -> None:
    table = unique_table("entity")
    try:
        with PostgresEntityStore(uri, table=table) as store:
            with psycopg.connect(uri, autocommit=True) as conn:
                conn.execute(f"ALTER TABLE \"{table}\" ADD CHECK (entity_id <> 'bad')")
            with pytest.raises(BackendError, match=r"set_states_batch\(\) on PostgreSQL"):
                store.set_states_batch({"a": "x", "bad": "x", "c": "x"})
            assert store.get_states_batch(["a", "c"]) == {"a": None, "c": None}
    finally:
        drop_table(uri, table)


def test_a_refused_value_holding_the_password_is_not_shown(uri: str, table: str) -> None:
    """The server quotes a refused row (DETAIL: Failing row contains ...): a secret of
    the config in it is masked, wherever it appears."""
    store = PostgresStateStore()
    store.configure(
        ConfigParams({"connection.uri": uri, "options.table": table, "credential.password": SECRET})
    )
    store.open(None)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE \"{table}\" ADD CHECK (position('s3cret' in value) = 0)")
    try:
        with pytest.raises(BackendError, match=r"violates check constraint") as info:
            store.save(None, "k", f"my password is {SECRET}")
        assert SECRET not in "".join(traceback.format_exception_only(info.value))
        assert "***" in str(info.value)
    finally:
        store.close(None)
