"""Damaged files: a corrupt file is refused and kept; an unreadable item costs only itself.

Two kinds of damage, two answers. A file that is not a JSON array (invalid, truncated,
not UTF-8, nested beyond any parser) does not open, and no later call can overwrite it.
A file that is a JSON array opens even if some items cannot be read: each is logged
with the file and its position, listed in ``unreadable_items``, and written back
byte-for-byte by every save.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dummies import Dummy
from recording import Recorder

from wirework.config import ConfigParams
from wirework.errors import InvalidStateError, WireworkError
from wirework.log import LogLevel
from wirework.persistence import FilePersistence
from wirework.refer import References


def persistence(path: Path, item_type: type | None = None, logger: Any = None) -> Any:
    store: FilePersistence[Any] = FilePersistence(item_type=item_type)
    store.configure(ConfigParams({"path": str(path)}))
    if logger is not None:
        store.set_references(References.from_tuples("test:logger:recorder:default:1.0", logger))
    return store


# -- corrupt files -------------------------------------------------------------------------
CORRUPT: dict[str, tuple[bytes, str]] = {
    "truncated after a comma": (b'[{"id": "1"},', r"line 1, column 14: item #1: Expecting value"),
    "truncated inside an item": (
        b'[{"id": "1"}, {"id": "2", "na',
        r"line 1, column 27: item #1: Unterminated string",
    ),
    "truncated after an item": (b'[{"id": "1"}', r"ends inside the array \(truncated\?\)"),
    "an object": (b'{"id": "1"}', r"it must hold a JSON array of items, found an object"),
    "a number": (b"42", r"it must hold a JSON array of items, found a number"),
    "garbage": (b"<html>", r"line 1, column 1: it is not JSON \(expected '\['\)"),
    "trailing data": (b'[{"id": "1"}] [2]', r"line 1, column 14: it holds more after the array"),
    "missing comma": (b'[{"id": "1"} {"id": "2"}]', r"expected ',' or ']' after an item"),
    "deep array": (b"[" * 100_000, r"item #0 is nested too deeply"),
    "deep object": (b'[{"a":' * 50_000, r"item #0 is nested too deeply"),
    "huge integer": (b'[{"id": "1", "n": ' + b"9" * 5000 + b"}]", r"item #0: Exceeds the limit"),
    "not UTF-8": (b'[{"id": "\xff"}]', r"is not UTF-8 text \(byte 0xff at offset 9\)"),
    "UTF-16": ('[{"id": "1"}]'.encode("utf-16"), r"is not UTF-8 text \(byte 0xff at offset 0\)"),
}


@pytest.mark.parametrize("name", list(CORRUPT))
def test_a_corrupt_file_is_refused_clearly_and_kept(tmp_path: Path, name: str) -> None:
    content, message = CORRUPT[name]
    path = tmp_path / "items.json"
    path.write_bytes(content)
    store = persistence(path)
    with pytest.raises(WireworkError, match=message) as info:
        store.open(None)
    assert str(path) in str(info.value)
    assert "left as it is" in str(info.value)
    assert not store.is_open()
    with pytest.raises(InvalidStateError):
        store.create(None, {"id": "new"})
    store.close(None)
    assert path.read_bytes() == content


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_bytes(b'\xef\xbb\xbf[{"id": "1"}]')
    store = persistence(path)
    store.open(None)
    assert store.get_one_by_id(None, "1") == {"id": "1"}


# -- unreadable items ----------------------------------------------------------------------
@dataclass(slots=True)
class Slotted:
    id: str
    size: int = 0


# Each bad item is written with odd spacing, to show it is kept byte-for-byte.
BAD_ITEMS = {
    "not an object": ("5", r"a stored item must be a JSON object, found a number"),
    "NaN": ('{"id": "n", "x":  NaN}', r"value\['x'\] is nan, which JSON cannot represent"),
    "repeated id": ('{ "id" : "1" }', r"id '1' appears earlier in the file"),
    "boolean id": ('{"id":true}', r"id must be a str or an int, got bool True"),
    "NUL": ('{"id": "z", "k": "a\\u0000b"}', r"value\['k'\] contains a NUL character"),
    "big integer": ('{"id": "b", "n": 99999999999999999999}', r"integer beyond 64 bits"),
    "undeclared type": ('{"id": "t", "__type__": "os:system"}', r"names type 'os:system'"),
    "field the class lacks": ('{"id": "s", "extra": 1}', r"cannot restore it as .*Slotted"),
}


@pytest.mark.parametrize("name", list(BAD_ITEMS))
def test_an_unreadable_item_is_reported_and_kept_while_the_rest_opens(
    tmp_path: Path, name: str
) -> None:
    raw, reason = BAD_ITEMS[name]
    path = tmp_path / "items.json"
    path.write_text(f'[{{"id": "1", "size": 1}},\n  {raw}  ,{{"id": "2", "size": 0}}]')
    recorder = Recorder(LogLevel.INFO)
    store = persistence(path, Slotted, recorder)
    store.open("c1")
    assert store.get_list_by_filter(None, None) == [Slotted("1", 1), Slotted("2")]
    [unreadable] = store.unreadable_items
    assert (unreadable.index, unreadable.text) == (1, raw)
    assert re.search(reason, unreadable.reason), unreadable.reason
    [line] = recorder.lines
    assert line.startswith(f"c1:ERROR:{path}, item #1 cannot be read, so it is not loaded")
    store.create(None, Slotted("3", 3))
    text = path.read_text()
    assert raw in text
    assert [item.id for item in store.get_list_by_filter(None, None)] == ["1", "2", "3"]
    store.close(None)
    again = persistence(path, Slotted)
    again.open(None)
    assert [item.id for item in again.get_list_by_filter(None, None)] == ["1", "2", "3"]
    assert [entry.text for entry in again.unreadable_items] == [raw]


def test_discarding_unreadable_items_drops_them_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text('[{"id": "1"}, 7, {"id": "1"}]')
    store = persistence(path, Dummy)
    store.open(None)
    assert [entry.index for entry in store.unreadable_items] == [1, 2]
    dropped = store.discard_unreadable(None)
    assert [entry.text for entry in dropped] == ["7", '{"id": "1"}']
    assert json.loads(path.read_text()) == [{"id": "1"}]
    assert store.unreadable_items == ()


def test_a_new_item_may_take_the_id_of_an_unreadable_one(tmp_path: Path) -> None:
    """The unreadable one is still kept, after it, and is then reported as a repeat."""
    path = tmp_path / "items.json"
    path.write_text('[{"id": "5", "x": NaN}]')
    store = persistence(path)
    store.open(None)
    assert store.get_one_by_id(None, "5") is None
    store.create(None, {"id": "5", "x": 1})
    store.close(None)
    again = persistence(path)
    again.open(None)
    assert again.get_one_by_id(None, "5") == {"id": "5", "x": 1}
    [unreadable] = again.unreadable_items
    assert unreadable.text == '{"id": "5", "x": NaN}'
    assert unreadable.reason.endswith("value['x'] is nan, which JSON cannot represent")
