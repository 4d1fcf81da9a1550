"""What only the SQLite state stores promise, beyond the conformance suites."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest
from sql_backends import (
    LONG_TABLES,
    each_of_two_neighbour_tables,
    increment_in_process,
    versions_on_long_tables,
)

from wirework.config import ConfigParams
from wirework.errors import BackendError, ConcurrencyError, ConfigError
from wirework.sql import DEFAULT_DATABASE, sqlite_path
from wirework.state import ManualClock, SqliteStateStore, StateValue
from wirework.state._sql_core import PURGE_EVERY
from wirework.state.entity import SqliteEntityStore


def open_store(database: Path | str, **config: object) -> SqliteStateStore:
    store = SqliteStateStore()
    store.configure(ConfigParams({"connection.database": str(database), **config}))
    store.open(None)
    return store


def test_the_database_file_and_its_directories_are_created_on_open(tmp_path: Path) -> None:
    database = tmp_path / "nested" / "deeper" / "state.db"
    store = open_store(database)
    try:
        assert database.is_file()
        store.save(None, "k", "v")
    finally:
        store.close(None)
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT key, value, version FROM wirework_state").fetchall() == [
            ("k", '"v"', 1)
        ]


def test_the_default_database_is_under_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = SqliteStateStore()
    store.open(None)
    store.close(None)
    assert DEFAULT_DATABASE == "./data/wirework.db"
    assert (tmp_path / "data" / "wirework.db").is_file()


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (None, "./data/wirework.db"),
        ("state.db", "state.db"),
        ("/var/lib/app/state.db", "/var/lib/app/state.db"),
        (":memory:", ":memory:"),
        ("sqlite:///data/x.db", "data/x.db"),
        ("sqlite:////var/x.db", "/var/x.db"),
        ("sqlite://", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite:///with%20space.db", "with space.db"),
    ],
)
def test_paths_and_uris(location: str | None, path: str) -> None:
    assert sqlite_path(location, "S") == path


@pytest.mark.parametrize("location", ["postgresql://db/x", "sqlite:x.db"])
def test_a_location_for_another_backend_is_refused(location: str) -> None:
    with pytest.raises(ConfigError, match=r"SQLite"):
        sqlite_path(location, "S")


def test_an_in_memory_database_works(tmp_path: Path) -> None:
    store = open_store(":memory:")
    try:
        store.save(None, "k", [1])
        assert store.load_versioned(None, "k") == ([1], 1)
    finally:
        store.close(None)


def test_a_database_that_cannot_be_opened_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = SqliteStateStore()
    store.configure(ConfigParams({"connection.database": str(blocker / "state.db")}))
    with pytest.raises(BackendError, match=r"cannot open SQLite database .*file/state.db: "):
        store.open(None)
    assert store.is_open() is False


def test_a_file_that_is_not_a_database_fails_clearly(tmp_path: Path) -> None:
    database = tmp_path / "junk.db"
    database.write_bytes(b"this is not sqlite" * 100)
    store = SqliteStateStore()
    store.configure(ConfigParams({"connection.database": str(database), "options.retries": 0}))
    with pytest.raises(BackendError, match=r"junk.db: .*not a database"):
        store.open(None)


@pytest.mark.parametrize("name", ['x"; DROP TABLE y; --', "1abc", "", "a" * 64, "a.b", "a$b"])
def test_a_table_name_that_is_not_an_identifier_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match=r"options.table must be an SQL identifier"):
        SqliteStateStore().configure(ConfigParams({"options.table": name}))
    with pytest.raises(ConfigError, match=r"^SqliteEntityStore: table must be an SQL identifier"):
        SqliteEntityStore(table=name)


def test_the_configured_table_is_used(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", **{"options.table": "my_state"})
    store.save(None, "k", 1)
    store.close(None)
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("SELECT key FROM my_state").fetchall() == [("k",)]


def test_repr_names_the_file_and_table(tmp_path: Path) -> None:
    store = SqliteStateStore()
    store.configure(ConfigParams({"connection.database": "x.db", "options.table": "t1"}))
    assert repr(store) == "SqliteStateStore('x.db', table='t1', closed)"


def test_expired_rows_are_purged_from_the_file(tmp_path: Path) -> None:
    clock = ManualClock()
    store = SqliteStateStore(clock=clock)
    store.configure(ConfigParams({"connection.database": str(tmp_path / "s.db")}))
    store.open(None)
    try:
        store.save_bulk(None, {f"k{i}": i for i in range(50)}, ttl=100)
        store.save(None, "stays", 1)
        clock.advance(PURGE_EVERY + 1)
        assert store.load(None, "stays") == 1
        with sqlite3.connect(tmp_path / "s.db") as conn:
            assert conn.execute("SELECT key FROM wirework_state").fetchall() == [("stays",)]
    finally:
        store.close(None)


def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    first, second = open_store(tmp_path / "s.db"), open_store(tmp_path / "s.db")
    try:
        first.save(None, "k", 1)
        assert second.load_versioned(None, "k") == (1, 1)
        second.save(None, "k", 2, expected_version=1)
        assert first.load_versioned(None, "k") == (2, 2)
    finally:
        first.close(None)
        second.close(None)


def test_versioned_increments_from_four_processes_lose_nothing(tmp_path: Path) -> None:
    processes, times = 4, 100
    config = {"connection.database": str(tmp_path / "shared.db")}
    store = open_store(tmp_path / "shared.db")
    try:
        store.save(None, "counter", 0)
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(processes) as pool:
            results = [
                pool.apply_async(increment_in_process, ("sqlite", config, "counter", times))
                for _ in range(processes)
            ]
            for result in results:
                result.get(timeout=120)
        assert store.load_versioned(None, "counter") == (processes * times, processes * times + 1)
    finally:
        store.close(None)


def test_the_entity_store_takes_a_uri_or_the_database_key(tmp_path: Path) -> None:
    with SqliteEntityStore(f"sqlite:///{tmp_path}/a.db") as store:
        store.set_state("e", "s")
    assert (tmp_path / "a.db").is_file()
    store = SqliteEntityStore()
    store.configure(
        ConfigParams({"connection.database": str(tmp_path / "b.db"), "options.table": "ents"})
    )
    store.open(None)
    store.set_state("e", "s")
    store.close(None)
    with sqlite3.connect(tmp_path / "b.db") as conn:
        assert conn.execute("SELECT entity_id, state, version FROM ents").fetchall() == [
            ("e", "s", 1)
        ]


def test_entity_metadata_is_merged_and_nul_survives(tmp_path: Path) -> None:
    with SqliteEntityStore(str(tmp_path / "e.db")) as store:
        store.set_state("e", "a", metadata={"by": "x", "n": 1, "context": {"c": 1}})
        store.set_state_versioned("e", "b", expected_version=1, metadata={"n": 2, "z": "\x00"})
        assert store.get_metadata("e") == {"by": "x", "n": 2, "z": "\x00"}
        assert store.get_context("e") == {"c": 1}
        assert store.get_state_versioned("e") == ("b", 2)


def test_clear_removes_every_entry(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    try:
        store.save_bulk(None, {"a": 1, "b": 2})
        store.clear(None)
        assert store.load_versioned(None, "a") == (None, 0)
        store.close(None)
        with pytest.raises(Exception, match=r"not open: call open\(\) before clear\(\)"):
            store.clear(None)
    finally:
        store.close(None)


def test_a_busy_database_waits_for_the_other_process_lock(tmp_path: Path) -> None:
    """A write blocked by another connection's transaction waits, then goes through."""
    store = open_store(tmp_path / "s.db", **{"options.connect_timeout": 5000})
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO wirework_state VALUES ('x', '1', 1, NULL)")
        timer = threading.Timer(0.3, other.execute, ("COMMIT",))
        timer.start()
        store.save(None, "k", "v", expected_version=0)
        timer.join()
        assert store.load_bulk(None, ["x", "k"]) == [StateValue("x", 1), StateValue("k", "v")]
    finally:
        other.close()
        store.close(None)


def test_a_lock_held_too_long_is_a_backend_error_naming_the_file(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db", **{"options.connect_timeout": 200})
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(
            BackendError, match=r"save\(\) on SQLite database .*s.db failed: .*locked"
        ):
            store.save(None, "k", "v")
        other.execute("ROLLBACK")
        store.save(None, "k", "v")
    finally:
        other.close()
        store.close(None)


def test_a_table_written_before_the_version_counter_keeps_versions_unique(
    tmp_path: Path,
) -> None:
    """Deleting a row raises the counter to its version, so old rows are covered too."""
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute(
            "CREATE TABLE wirework_state (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
            "version BIGINT NOT NULL, expires_at DOUBLE PRECISION) WITHOUT ROWID"
        )
        conn.execute("""INSERT INTO wirework_state VALUES ('k', '"old"', 41, NULL)""")
    store = open_store(tmp_path / "old.db")
    try:
        assert store.load_versioned(None, "k") == ("old", 41)
        store.delete(None, "k")
        store.save(None, "k", "new")
        assert store.load_versioned(None, "k") == ("new", 42)
        with pytest.raises(ConcurrencyError, match=r"expected version 41, found 42"):
            store.save(None, "k", "stale", expected_version=41)
    finally:
        store.close(None)


def test_the_version_counter_is_never_another_stores_table(tmp_path: Path) -> None:
    def open_on(table: str) -> SqliteStateStore:
        return open_store(tmp_path / "s.db", **{"options.table": table})

    assert each_of_two_neighbour_tables(open_on, "a") == [0, 1]


def test_the_longest_table_names_keep_their_counters_apart(tmp_path: Path) -> None:
    def open_on(table: str) -> SqliteStateStore:
        return open_store(tmp_path / "s.db", **{"options.table": table})

    assert versions_on_long_tables(open_on) == [2, 1]
    with sqlite3.connect(tmp_path / "s.db") as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
    assert set(LONG_TABLES) <= set(names)
    assert all(len(name) <= 63 for name in names)
    assert len(names) == 2 * 4  # table, index, counter, trigger: none shared


def test_a_batch_refused_half_way_writes_nothing(tmp_path: Path) -> None:
    """A statement the database refuses in the middle of save_bulk: all or nothing."""
    store = open_store(tmp_path / "s.db")
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON wirework_state WHEN NEW.key = 'bad' "
            "BEGIN SELECT RAISE(ABORT, 'refused by a rule of the database'); END"
        )
    try:
        with pytest.raises(BackendError, match=r"save_bulk\(\) on SQLite database .* refused"):
            store.save_bulk(None, {"a": 1, "b": 2, "bad": 3, "c": 4})
        assert store.load_bulk(None, ["a", "b", "c"]) == [
            StateValue("a", None),
            StateValue("b", None),
            StateValue("c", None),
        ]
        store.save_bulk(None, {"a": 1})
        assert store.load(None, "a") == 1
    finally:
        store.close(None)


def test_an_entity_batch_refused_half_way_writes_nothing(tmp_path: Path) -> None:
    with SqliteEntityStore(str(tmp_path / "e.db")) as store:
        with sqlite3.connect(tmp_path / "e.db") as conn:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON wirework_entity_state "
                "WHEN NEW.entity_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        with pytest.raises(BackendError, match=r"set_states_batch\(\) on SQLite"):
            store.set_states_batch({"a": "x", "bad": "x", "c": "x"})
        assert store.get_states_batch(["a", "c"]) == {"a": None, "c": None}
        with pytest.raises(BackendError, match=r"set_states_batch\(\) on SQLite"):
            store.set_states_batch({"a": "x", "bad": "y"}, metadata={"by": "me"})
        assert store.list_entities() == []


def test_the_entity_store_takes_the_longest_table(tmp_path: Path) -> None:
    table = LONG_TABLES[0]
    with SqliteEntityStore(str(tmp_path / "e.db"), table=table) as store:
        store.set_state("e", "s")
        assert store.get_state_versioned("e") == ("s", 1)
