"""File persistence: configuration, type round-trips across restarts, atomic saves."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy

from wirework.config import ConfigParams
from wirework.errors import ConfigError, WireworkError
from wirework.persistence import FilePersistence, JsonFilePersister
from wirework.persistence import _file as file_module
from wirework.persistence._codec import ItemCodec

SRC = Path(__file__).resolve().parents[2] / "src"


def opened(path: Path, item_type: type | None = None) -> FilePersistence[Any]:
    store: FilePersistence[Any] = FilePersistence(item_type=item_type)
    store.configure(ConfigParams({"path": str(path)}))
    store.open(None)
    return store


def restart(
    store: FilePersistence[Any], path: Path, item_type: type | None = None
) -> FilePersistence[Any]:
    store.close(None)
    return opened(path, item_type)


# -- item classes -----------------------------------------------------------------------
@dataclass(frozen=True)
class FrozenItem:
    id: str | None = None
    tags: tuple[str, ...] | list[str] = ()


@dataclass(slots=True)
class SlottedItem:
    id: str | None = None
    size: int = 0


class PlainItem:
    def __init__(self, id: str | None, name: str) -> None:  # noqa: A002
        self.id = id
        self.name = name
        self.calls = 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainItem) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]


class Strict:
    """A constructor that would fail if loading called it."""

    def __init__(self, id: str, value: int) -> None:  # noqa: A002
        if value < 0:
            raise ValueError("negative")
        self.id = id
        self.value = value


# -- configuration -----------------------------------------------------------------------
def test_no_path_is_a_config_error_on_open() -> None:
    store: FilePersistence[Any] = FilePersistence()
    with pytest.raises(ConfigError, match=r"JsonFilePersister: no file path is configured"):
        store.open(None)
    assert not store.is_open()


def test_empty_path_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"FilePersistence:\n  - path must not be empty"):
        FilePersistence().configure(ConfigParams({"path": " "}))


def test_a_path_with_a_nul_character_is_refused() -> None:
    message = r"FilePersistence:\n  - path must not hold a NUL character"
    with pytest.raises(ConfigError, match=message):
        FilePersistence().configure(ConfigParams({"path": "items\x00.json"}))
    with pytest.raises(ConfigError, match="path must not hold a NUL character"):
        JsonFilePersister[Any]().configure(ConfigParams({"path": "items\x00.json"}))


def test_a_missing_directory_is_a_config_error_on_open(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "items.json"
    message = r"cannot use .*items.json: directory .*nope does not exist"
    with pytest.raises(ConfigError, match=message):
        opened(path)


def test_persister_and_path_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"either a persister or path/item_type, not both"):
        FilePersistence(JsonFilePersister(tmp_path / "a.json"), path=tmp_path / "b.json")


def test_path_from_the_constructor_and_max_page_size_from_config(tmp_path: Path) -> None:
    store: FilePersistence[Any] = FilePersistence(path=tmp_path / "items.json")
    store.configure(ConfigParams({"options.max_page_size": 2}))
    store.open(None)
    for i in range(3):
        store.create(None, {"id": str(i)})
    assert len(store.get_page_by_filter(None, None, None).data) == 2
    assert store.persister.path == tmp_path / "items.json"


def test_a_missing_file_is_an_empty_store_until_the_first_write(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    assert store.get_count_by_filter(None, None) == 0
    assert not path.exists()
    store.create(None, {"id": "1"})
    assert json.loads(path.read_text()) == [{"id": "1"}]


def test_an_empty_file_is_an_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text("  \n")
    assert opened(path).get_count_by_filter(None, None) == 0


# -- round trips -------------------------------------------------------------------------
def test_every_write_is_on_disk_before_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = opened(path, Dummy)
    store.create(None, Dummy("1", "k", "c"))
    store.update_partially(None, "1", {"count": 3})
    assert json.loads(path.read_text()) == [{"id": "1", "key": "k", "content": "c", "count": 3}]
    store.delete_by_id(None, "1")
    assert json.loads(path.read_text()) == []


def test_items_come_back_as_the_item_type_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = opened(path, Dummy)
    store.create(None, Dummy("1", "k1", "c1", 1))
    generated = store.create(None, Dummy(None, "k2")).id
    store = restart(store, path, Dummy)
    first = store.get_one_by_id(None, "1")
    assert isinstance(first, Dummy)
    assert first == Dummy("1", "k1", "c1", 1)
    assert store.get_one_by_id(None, generated) == Dummy(generated, "k2")
    assert "__type__" not in path.read_text()


@pytest.mark.parametrize(
    "item",
    [
        Dummy("1", "k", "c", 2),
        FrozenItem("1", ["a", "b"]),
        SlottedItem("1", 5),
        PlainItem("1", "plain"),
        {"id": "1", "nested": {"a": [1, 2.5, None, True]}},
    ],
    ids=["dataclass", "frozen", "slots", "plain", "dict"],
)
def test_items_come_back_as_their_declared_class(tmp_path: Path, item: Any) -> None:
    path = tmp_path / "items.json"
    store = opened(path, type(item))
    store.create(None, item)
    store = restart(store, path, type(item))
    again = store.get_one_by_id(None, "1")
    assert type(again) is type(item)
    assert again == item
    assert "__type__" not in path.read_text()


def test_a_class_defined_in_a_function_works_as_the_item_type(tmp_path: Path) -> None:
    """Nothing is imported on reading, so a class need not be importable by name."""

    @dataclass
    class Local:
        id: str
        size: int = 0

    path = tmp_path / "items.json"
    store = opened(path, Local)
    store.create(None, Local("1", 4))
    assert restart(store, path, Local).get_one_by_id(None, "1") == Local("1", 4)


def test_loading_never_calls_constructors(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "1", "value": -1}]))
    store = opened(path, Strict)
    item = store.get_one_by_id(None, "1")
    assert isinstance(item, Strict)
    assert item.value == -1


# -- refusals ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"a"}, r"value\['tags'\] is a set, which is not a JSON type"),
        (("a",), r"value\['tags'\] is a tuple, which a backend would give back as a list"),
        (float("nan"), r"value\['tags'\] is nan, which JSON cannot represent"),
        ({1: "a"}, r"value\['tags'\] has an int key 1; JSON object keys must be str"),
    ],
    ids=["set", "tuple", "nan", "int-key"],
)
def test_a_field_json_cannot_give_back_is_refused_and_not_stored(
    tmp_path: Path, field: Any, message: str
) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, {"id": "ok"})
    with pytest.raises(WireworkError, match=r"cannot store the item with id 'bad': " + message):
        store.create(None, {"id": "bad", "tags": field})
    assert store.get_one_by_id(None, "bad") is None
    assert json.loads(path.read_text()) == [{"id": "ok"}]
    assert "NaN" not in path.read_text()


# -- atomic saves ------------------------------------------------------------------------
def test_a_failed_rename_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, {"id": "1"})
    before = path.read_bytes()

    def broken_replace(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_module.os, "replace", broken_replace)
    message = r"cannot save items to .*items.json: \[Errno 28\] No space left on device"
    with pytest.raises(WireworkError, match=message):
        store.create(None, {"id": "2"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.json"]
    assert store.get_one_by_id(None, "2") is None


def test_a_failure_while_writing_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, {"id": "1"})
    before = path.read_bytes()
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(file_module.os, "fsync", failing_fsync)
    with pytest.raises(WireworkError, match=r"Input/output error"):
        store.update(None, {"id": "1", "changed": True})
    monkeypatch.setattr(file_module.os, "fsync", real_fsync)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["items.json"]
    assert store.get_one_by_id(None, "1") == {"id": "1"}


def test_a_crash_mid_save_never_leaves_a_torn_file(tmp_path: Path) -> None:
    """A process killed between writing the temporary file and renaming it."""
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, {"id": "old", "payload": "x" * 10_000})
    store.close(None)
    before = path.read_bytes()
    child = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(SRC)!r})
        from wirework.config import ConfigParams
        from wirework.persistence import FilePersistence
        from wirework.persistence import _file as file_module
        store = FilePersistence()
        store.configure(ConfigParams({{"path": {str(path)!r}}}))
        store.open(None)
        def die(fd):
            os._exit(17)  # the temporary file is written, the rename never happens
        file_module.os.fsync = die
        store.create(None, {{"id": "new", "payload": "y" * 100_000}})
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 17, result.stderr
    assert path.read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "items.json"]
    assert len(leftovers) == 1
    assert leftovers[0].startswith(".items.json.")
    store = opened(path)
    assert [item["id"] for item in store.get_list_by_filter(None, None)] == ["old"]
    assert [p.name for p in tmp_path.iterdir()] == ["items.json"]


def test_saving_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text("[]")
    path.chmod(0o640)
    store = opened(path)
    store.create(None, {"id": "1"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_persister_round_trip_with_a_codec(tmp_path: Path) -> None:
    persister: JsonFilePersister[Dummy] = JsonFilePersister(tmp_path / "d.json", ItemCodec(Dummy))
    persister.save(None, [Dummy("1", "k"), Dummy("2")])
    assert persister.load(None) == [Dummy("1", "k"), Dummy("2")]
