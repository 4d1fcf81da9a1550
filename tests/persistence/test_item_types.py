"""Stored data never names code: the item class comes from the persistence's declaration.

A document holding ``"__type__"`` used to be restored as whatever class it named, after
importing that class's module. These tests plant such documents (and a module whose
import leaves a trace) and check that nothing is imported, that a dict keeps every key
it was stored with, and that the declared registry is the only way to several classes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy
from sql_persistences import postgres_backend, sqlite_backend

from wirework.config import ConfigParams
from wirework.errors import UnreadableItemError, WireworkError
from wirework.persistence import FilePersistence
from wirework.persistence._codec import ItemCodec

TRAP_MODULE = "wirework_trap_module_for_tests"


@pytest.fixture
def trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module on ``sys.path`` that leaves a file behind if anything imports it."""
    folder = tmp_path / "trap"
    folder.mkdir()
    evidence = tmp_path / "imported.txt"
    (folder / f"{TRAP_MODULE}.py").write_text(
        f"open({str(evidence)!r}, 'w').write('imported')\nclass Thing:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(folder))
    yield evidence
    sys.modules.pop(TRAP_MODULE, None)


HOSTILE = [
    {"id": "1", "__type__": f"{TRAP_MODULE}:Thing", "x": 1},
    {"id": "2", "__type__": "subprocess:Popen", "args": ["true"]},
    {"id": "3", "__type__": "builtins:int"},
    {"id": "4", "__type__": 5},
]


def file_store(path: Path, **declared: Any) -> FilePersistence[Any]:
    store: FilePersistence[Any] = FilePersistence(**declared)
    store.configure(ConfigParams({"path": str(path)}))
    store.open(None)
    return store


# -- the codec alone -----------------------------------------------------------------------
@pytest.mark.parametrize("document", HOSTILE, ids=lambda d: str(d["__type__"]))
def test_a_dict_codec_gives_back_the_document_itself(trap: Path, document: Any) -> None:
    codec: ItemCodec[Any] = ItemCodec()
    assert codec.decode(dict(document)) == document
    assert not trap.exists()
    assert TRAP_MODULE not in sys.modules


def test_a_dict_with_a_type_key_encodes_unchanged() -> None:
    codec: ItemCodec[Any] = ItemCodec()
    assert codec.encode({"id": "1", "__type__": "x"}) == {"id": "1", "__type__": "x"}


# -- every serialising backend ------------------------------------------------------------
@pytest.fixture(params=["file", "sqlite", "postgres"])
def reopenable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``make(item_type)`` -> an open persistence; ``make`` again reads the same data."""
    made: list[Any] = []
    config = ConfigParams()
    table: list[Any] = []

    def make(item_type: type = dict) -> Any:
        if request.param == "file":
            store: Any = FilePersistence(item_type=item_type)
            store.configure(ConfigParams({"path": str(tmp_path / "items.json")}))
        elif request.param == "sqlite":
            store = sqlite_backend(tmp_path, config, item_type)
        else:
            store = postgres_backend(tmp_path, config, item_type)
            if table:  # the same table as the first instance
                store._table = table[0]
            table.append(store._table)
        store.open(None)
        made.append(store)
        return store

    yield make
    for store in made:
        if store.is_open():
            store.close(None)


def test_dicts_holding_type_keys_round_trip_and_import_nothing(
    reopenable: Callable[..., Any], trap: Path
) -> None:
    first = reopenable()
    for document in HOSTILE:
        first.create(None, dict(document))
    first.close(None)
    again = reopenable()
    assert again.get_list_by_filter(None, None) == HOSTILE
    assert [again.get_one_by_id(None, d["id"]) for d in HOSTILE] == HOSTILE
    assert again.get_list_by_filter(None, {"__type__": "subprocess:Popen"}) == [HOSTILE[1]]
    assert not trap.exists()
    assert TRAP_MODULE not in sys.modules


def test_a_class_item_type_never_becomes_another_class(
    reopenable: Callable[..., Any], trap: Path
) -> None:
    first = reopenable(Dummy)
    first.create(None, Dummy("1", "k"))
    first.close(None)
    again = reopenable(Dummy)
    assert again.get_one_by_id(None, "1") == Dummy("1", "k")
    assert not trap.exists()


def test_an_item_of_an_undeclared_class_is_refused(reopenable: Callable[..., Any]) -> None:
    store = reopenable(Dummy)
    with pytest.raises(WireworkError, match=r"stores Dummy items, not dict") as info:
        store.create(None, {"id": "1"})
    assert "item_types" in str(info.value)
    assert store.get_one_by_id(None, "1") is None


# -- several classes in one persistence: a declared registry -------------------------------
@dataclass
class Order:
    id: str
    total: int = 0


@dataclass
class Refund:
    id: str
    amount: int = 0


def test_a_registry_restores_each_declared_class(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    registry = {"order": Order, "refund": Refund}
    store = file_store(path, item_types=registry)
    store.create(None, Order("o1", 5))
    store.create(None, Refund("r1", 2))
    store.close(None)
    assert json.loads(path.read_text()) == [
        {"id": "o1", "total": 5, "__type__": "order"},
        {"id": "r1", "amount": 2, "__type__": "refund"},
    ]
    again = file_store(path, item_types=registry)
    assert again.get_list_by_filter(None, None) == [Order("o1", 5), Refund("r1", 2)]
    assert again.get_list_by_filter(None, {"__type__": "refund"}) == []  # not a field


def test_a_registry_with_a_default_class_marks_only_the_others(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    store = file_store(path, item_type=Order, item_types={"refund": Refund})
    store.create(None, Order("o1"))
    store.create(None, Refund("r1"))
    assert [doc.get("__type__") for doc in json.loads(path.read_text())] == [None, "refund"]


def test_a_registry_refuses_undeclared_classes_and_reserved_keys(tmp_path: Path) -> None:
    store = file_store(tmp_path / "items.json", item_types={"order": Order})
    with pytest.raises(WireworkError, match=r"Refund is not one of the declared item types"):
        store.create(None, Refund("r1"))
    message = r"'__type__' is reserved .* several item types"
    with pytest.raises(WireworkError, match=message):
        store.create(None, {"id": "d", "__type__": "order"})
    store.create(None, {"id": "d", "kind": "plain"})
    assert store.get_one_by_id(None, "d") == {"id": "d", "kind": "plain"}


def test_a_registry_marker_is_a_lookup_never_an_import(tmp_path: Path, trap: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(
        json.dumps(
            [
                {"id": "o1", "__type__": "order"},
                {"id": "x", "__type__": f"{TRAP_MODULE}:Thing"},
            ]
        )
    )
    store = file_store(path, item_types={"order": Order})
    assert store.get_list_by_filter(None, None) == [Order("o1")]
    [unreadable] = store.unreadable_items
    assert unreadable.index == 1
    assert "names type 'wirework_trap_module_for_tests:Thing'" in unreadable.reason
    assert not trap.exists()


def test_files_from_older_versions_read_through_the_registry(tmp_path: Path) -> None:
    """Older files recorded ``module:QualName``; a list of classes declares those names."""
    path = tmp_path / "items.json"
    path.write_text(
        json.dumps(
            [
                {"id": "a", "key": "k"},
                {"id": "b", "__type__": "builtins:dict"},
                {"id": "c", "total": 3, "__type__": f"{Order.__module__}:Order"},
            ]
        )
    )
    store = file_store(path, item_type=Dummy, item_types=[dict, Order])
    assert store.get_list_by_filter(None, None) == [Dummy("a", "k"), {"id": "b"}, Order("c", 3)]


def test_an_old_marker_under_a_single_class_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "a"}, {"id": "b", "__type__": "builtins:dict"}]))
    store = file_store(path, item_type=Dummy)
    assert store.get_list_by_filter(None, None) == [Dummy("a")]
    [unreadable] = store.unreadable_items
    assert "declare its class in item_types" in unreadable.reason


def test_registry_declarations_are_checked() -> None:
    with pytest.raises(WireworkError, match=r"item type names must be unique"):
        ItemCodec(item_types={"a": Order, "b": Order})
    with pytest.raises(WireworkError, match=r"item_types must hold classes, got 5"):
        ItemCodec(item_types=[5])  # type: ignore[list-item]


def test_decoding_a_document_that_is_not_an_object_is_unreadable() -> None:
    with pytest.raises(UnreadableItemError, match=r"a stored item must be a JSON object"):
        ItemCodec().decode([1, 2])
