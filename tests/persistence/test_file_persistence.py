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
from wirework.persistence import FilePersistence, ItemCodec, JsonFilePersister
from wirework.persistence import file as file_module

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


# -- item classes at module level, so their recorded type can be found again ------------
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
def test_items_keep_their_class_without_an_item_type(tmp_path: Path, item: Any) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, item)
    store = restart(store, path)
    again = store.get_one_by_id(None, "1")
    assert type(again) is type(item)
    assert again == item


def test_mixed_item_classes_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = opened(path, Dummy)
    store.create(None, Dummy("a"))
    store.create(None, {"id": "b"})
    store.create(None, PlainItem("c", "x"))
    store = restart(store, path, Dummy)
    assert [type(item) for item in store.get_list_by_filter(None, None)] == [Dummy, dict, PlainItem]
    documents = json.loads(path.read_text())
    assert [doc.get("__type__") for doc in documents] == [
        None,
        "builtins:dict",
        f"{PlainItem.__module__}:PlainItem",
    ]


def test_loading_never_calls_constructors(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "1", "value": -1}]))
    store = opened(path, Strict)
    item = store.get_one_by_id(None, "1")
    assert isinstance(item, Strict)
    assert item.value == -1


# -- refusals ----------------------------------------------------------------------------
def test_a_local_class_without_item_type_is_refused_and_not_stored(tmp_path: Path) -> None:
    @dataclass
    class Local:
        id: str

    store = opened(tmp_path / "items.json")
    message = r"cannot store a .*Local item: a class defined inside a function"
    with pytest.raises(WireworkError, match=message):
        store.create(None, Local("1"))
    assert store.get_one_by_id(None, "1") is None


def test_a_field_json_cannot_hold_is_refused_and_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = opened(path)
    store.create(None, {"id": "ok"})
    message = r"cannot save items to .*items.json: Object of type set is not JSON serializable"
    with pytest.raises(WireworkError, match=message):
        store.create(None, {"id": "bad", "tags": {"a"}})
    assert store.get_one_by_id(None, "bad") is None
    assert json.loads(path.read_text()) == [{"id": "ok"}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"id": "1"},', r"items.json is not valid JSON \(line 1, column 14: Expecting value\)"),
        ('{"id": "1"}', r"items.json must hold a JSON array of items, found a JSON dict"),
        (
            '[{"id": "1"}, 5]',
            r"items.json, item #1: a stored item must be a JSON object, found int",
        ),
        (
            '[{"id": "1", "__type__": "no_such_module_x:Thing"}]',
            r"item #0: cannot restore items of type 'no_such_module_x:Thing': No module named",
        ),
        (
            '[{"id": "1", "__type__": "json:NoSuchClass"}]',
            r"cannot restore items of type 'json:NoSuchClass': module 'json' has no attribute",
        ),
        (
            '[{"id": "1", "__type__": "json:dumps"}]',
            r"cannot restore items of type 'json:dumps': it is not a class",
        ),
        ('[{"id": "1"}, {"id": "1"}]', r"the loaded data holds id '1' more than once"),
    ],
)
def test_a_bad_file_is_explained(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "items.json"
    path.write_text(content)
    with pytest.raises(WireworkError, match=message):
        opened(path)


def test_a_stored_field_the_class_cannot_take_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "1", "size": 1, "extra": 2}]))
    message = r"cannot restore a stored item as .*:SlottedItem: .*extra"
    with pytest.raises(WireworkError, match=message):
        opened(path, SlottedItem)


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
        from wirework.persistence import file as file_module
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


def test_a_file_that_is_not_utf8_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_bytes(b'[{"id": "\xff"}]')
    with pytest.raises(
        WireworkError, match=r"cannot read .*items.json: 'utf-8' codec can't decode"
    ):
        opened(path)
