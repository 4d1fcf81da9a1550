"""SQLite-only behaviour: where the file goes, what survives a restart, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy

from wirework.config import ConfigParams
from wirework.errors import BackendError, ConfigError
from wirework.persistence.sql import IdentifiableSqlitePersistence
from wirework.sql import DEFAULT_DATABASE


def sqlite(config: dict[str, Any], table: str | None = "items") -> Any:
    persistence: IdentifiableSqlitePersistence[Any] = IdentifiableSqlitePersistence(
        table, item_type=Dummy
    )
    persistence.configure(ConfigParams.from_value(config))
    return persistence


def test_the_file_and_its_directory_are_created_on_open(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "app.sqlite"
    persistence = sqlite({"connection": {"database": str(path)}})
    assert not path.parent.exists()
    persistence.open(None)
    try:
        assert path.is_file()
        persistence.create(None, Dummy("1", "k"))
    finally:
        persistence.close(None)
    with sqlite3.connect(path) as raw:
        assert raw.execute('SELECT id FROM "items"').fetchall() == [("1",)]


def test_the_default_file_is_under_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    persistence = sqlite({})
    assert persistence.path == DEFAULT_DATABASE == "./data/wirework.db"
    persistence.open(None)
    persistence.close(None)
    assert (tmp_path / "data" / "wirework.db").is_file()


def test_items_survive_a_restart(tmp_path: Path) -> None:
    config = {"connection": {"database": str(tmp_path / "db.sqlite")}}
    first = sqlite(config)
    first.open(None)
    first.create(None, Dummy("1", "k", "c", 5))
    first.close(None)
    second = sqlite(config)
    second.open(None)
    try:
        assert second.get_one_by_id(None, "1") == Dummy("1", "k", "c", 5)
    finally:
        second.close(None)


def test_two_tables_share_one_file(tmp_path: Path) -> None:
    config = {"connection": {"database": str(tmp_path / "db.sqlite")}}
    left, right = sqlite(config, "left_items"), sqlite(config, "right_items")
    left.open(None)
    right.open(None)
    try:
        left.create(None, Dummy("1", "left"))
        right.create(None, Dummy("1", "right"))
        assert left.get_one_by_id(None, "1").key == "left"
        assert right.get_one_by_id(None, "1").key == "right"
    finally:
        left.close(None)
        right.close(None)


def test_an_in_memory_database_works(tmp_path: Path) -> None:
    persistence = sqlite({"connection": {"database": ":memory:"}})
    persistence.open(None)
    try:
        persistence.create(None, Dummy("1"))
        assert persistence.get_count_by_filter(None, None) == 1
    finally:
        persistence.close(None)


def test_a_table_with_other_columns_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE items (id TEXT PRIMARY KEY, data TEXT)")
    persistence = sqlite({"connection": {"database": str(path)}})
    with pytest.raises(BackendError, match="table 'items' at SQLite database .* cannot be used"):
        persistence.open(None)
    assert not persistence.is_open()


def test_an_unopenable_path_names_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    persistence = sqlite({"connection": {"database": str(blocker / "db.sqlite")}})
    with pytest.raises(BackendError, match=f"cannot open SQLite database {blocker}"):
        persistence.open(None)


def test_an_empty_path_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"a SQLite database must be a file path .*, got ' '"):
        sqlite({"connection": {"database": " "}})


def test_a_path_with_a_nul_character_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="a SQLite database must be a file path"):
        sqlite({"connection": {"database": "data/a\x00b.db"}})
    with pytest.raises(ConfigError, match="a SQLite database must be a file path"):
        IdentifiableSqlitePersistence("items", path="a\x00b.db")


def test_a_sqlite_uri_names_the_file_as_for_the_state_stores(tmp_path: Path) -> None:
    """It was refused here while the SQLite state stores took it: one reader now."""
    persistence = sqlite({"connection": {"uri": f"sqlite:///{tmp_path}/other.db"}})
    assert persistence.path == f"{tmp_path}/other.db"
    persistence.open(None)
    try:
        persistence.create(None, Dummy("1", "k"))
    finally:
        persistence.close(None)
    with sqlite3.connect(tmp_path / "other.db") as raw:
        assert raw.execute('SELECT id FROM "items"').fetchall() == [("1",)]


def test_a_database_and_a_uri_together_are_refused(tmp_path: Path) -> None:
    both = {"database": str(tmp_path / "a.db"), "uri": f"sqlite:///{tmp_path}/b.db"}
    with pytest.raises(ConfigError, match="connection.database and connection.uri both name"):
        sqlite({"connection": both})
