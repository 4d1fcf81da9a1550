"""File persistence: the in-memory persistence, loaded from and saved to one JSON file.

Pip.Services' file persistence writes in place (a crash mid-write leaves a torn or
empty file), reads items back as bare dicts (so ``item.id`` fails after a restart),
and cannot be configured when built without a persister. Here:

* a save writes a temporary file beside the target, fsyncs it, renames it over the
  target and fsyncs the directory, so the file on disk is always a complete old or a
  complete new version;
* items come back as the classes the persistence declares (see
  ``wirework.persistence._codec``), never as a class the file names;
* ``FilePersistence()`` with ``path`` in its config is all a service needs.

A file that is not a JSON array (invalid, truncated, not UTF-8, nested beyond what a
parser can follow) does not open, and is left as it is. A file that is a JSON array
opens even when some of its items cannot be read (a type nobody declared, a value the
rules refuse, a repeated id): each is logged as an error naming the file and its
position, listed in ``unreadable_items``, and written back unchanged, after the
readable items, on every save, until ``discard_unreadable`` drops them. One bad item
never costs the others, and never the service's restart.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef
from wirework.data._documents import check_document, check_id, encode_document
from wirework.errors import ConfigError, WireworkError
from wirework.persistence._codec import ItemCodec, ItemTypes
from wirework.persistence._identifiable import IdentifiableMemoryPersistence
from wirework.persistence._items import get_id
from wirework.persistence._rules import check_path

T = TypeVar("T")

_NEW_FILE_MODE = 0o644
_SPACE = re.compile(r"[ \t\n\r]*").match
_DECODER = json.JSONDecoder()
_KINDS = {"{": "an object", '"': "a string", "t": "a boolean", "f": "a boolean", "n": "null"}


@dataclass(frozen=True, slots=True)
class UnreadableItem:
    """A document of the file that could not be read as an item, kept as it was."""

    index: int
    """Its position in the file's array, from 0."""
    text: str
    """Its JSON text, exactly as in the file; saves write it back unchanged."""
    reason: str


class JsonFilePersister(Generic[T]):
    """Loads and saves a list of items as a JSON array of objects.

    Config: ``path`` (required before the first load or save). After a load,
    ``unreadable`` lists the documents that could not be read; ``save`` keeps them.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, codec: ItemCodec[T] | None = None
    ) -> None:
        self._path = Path(path) if path is not None else None
        self.codec: ItemCodec[T] = codec if codec is not None else ItemCodec()
        self.unreadable: tuple[UnreadableItem, ...] = ()

    @property
    def path(self) -> Path | None:
        return self._path

    def configure(self, config: ConfigParams) -> None:
        path = config.get_as_nullable_string("path")
        if path is not None:
            self._path = Path(check_path(path))

    def load(self, correlation_id: str | None) -> list[T]:
        """The readable items; an empty list when the file does not exist yet."""
        path = self._require_path()
        if not path.parent.is_dir():
            raise ConfigError(
                f"cannot use {path}: directory {path.parent} does not exist",
                component=type(self).__name__,
            )
        _remove_stale_temporaries(path)
        text = _read_text(path)
        items: list[T] = []
        unreadable: list[UnreadableItem] = []
        keys: set[str] = set()
        for index, (document, raw) in enumerate(_array_elements(text, path)):
            try:
                items.append(self._restore(document, keys))
            except WireworkError as exc:
                unreadable.append(UnreadableItem(index, raw, exc.message))
        self.unreadable = tuple(unreadable)
        return items

    def save(self, correlation_id: str | None, items: Sequence[T]) -> None:
        """Replace the file's content with ``items`` (and the unreadable documents), atomically."""
        path = self._require_path()
        component = type(self).__name__
        texts = [
            encode_document(self.codec.encode(item), get_id(item), "the item with id", component)
            for item in items
        ]
        texts += [entry.text for entry in self.unreadable]
        text = "[" + ",\n".join(texts) + "]\n"
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            raise WireworkError(f"cannot save items to {path}: {exc}") from exc

    def discard_unreadable(self) -> tuple[UnreadableItem, ...]:
        """Forget the unreadable documents (the next save drops them); returns them."""
        dropped, self.unreadable = self.unreadable, ()
        return dropped

    def _restore(self, document: Any, keys: set[str]) -> T:
        """An item from a parsed document, held to the rules every write is held to."""
        item_id = document.get("id") if type(document) is dict else None
        check_document(document, "?" if item_id is None else str(item_id), "the item with id")
        if item_id is not None:
            key = check_id(item_id, type(self).__name__)
            if key in keys:
                raise WireworkError(f"id {item_id!r} appears earlier in the file")
            keys.add(key)
        return self.codec.decode(document)

    def _require_path(self) -> Path:
        if self._path is None:
            raise ConfigError(
                "no file path is configured",
                component=type(self).__name__,
                hint="set 'path' in the component's config",
            )
        return self._path


class FilePersistence(IdentifiableMemoryPersistence[T]):
    """An identifiable persistence kept in memory and saved to a JSON file on every write.

    Config: ``path`` (the JSON file), ``options.max_page_size``. Items are read back as
    ``item_type`` (default ``dict``), or as one of ``item_types`` for several classes
    (see ``wirework.persistence._codec``).
    """

    config_schema: ClassVar[SchemaRef] = "wirework.persistence._schema:FilePersistenceConfig"

    def __init__(
        self,
        persister: JsonFilePersister[T] | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        item_type: type[T] | None = None,
        item_types: ItemTypes | None = None,
    ) -> None:
        if persister is None:
            persister = JsonFilePersister(path, ItemCodec(item_type, item_types))
        elif path is not None or item_type is not None or item_types is not None:
            raise ConfigError(
                "give FilePersistence either a persister or path/item_type, not both",
                component=type(self).__name__,
            )
        super().__init__(persister, persister)
        self._persister = persister

    @property
    def persister(self) -> JsonFilePersister[T]:
        return self._persister

    def configure(self, config: ConfigParams) -> None:
        super().configure(config)
        if self._persister.path is None:  # refused now, so `check` refuses it as `run` would
            raise ConfigError(
                "path is required: the JSON file the items are kept in",
                component=type(self).__name__,
                hint="set path: (e.g. path: ./data/items.json)",
            )

    @property
    def unreadable_items(self) -> tuple[UnreadableItem, ...]:
        """The file's documents that the last open could not read, kept in the file."""
        return self._persister.unreadable

    def open(self, correlation_id: str | None) -> None:
        """Load the file; report each unreadable item through the referenced loggers."""
        was_open = self.is_open()
        super().open(correlation_id)
        if was_open:
            return
        for entry in self._persister.unreadable:
            self._logger.error(
                correlation_id,
                None,
                "%s, item #%d cannot be read, so it is not loaded; it stays in the file as it "
                "is: %s",
                self._persister.path,
                entry.index,
                entry.reason,
            )

    def discard_unreadable(self, correlation_id: str | None) -> tuple[UnreadableItem, ...]:
        """Drop the unreadable documents from the file (after fixing or saving them elsewhere)."""
        self._require_open("discard_unreadable")
        with self._lock:
            dropped = self._persister.discard_unreadable()
            try:
                self.save(correlation_id)
            except BaseException:
                self._persister.unreadable = dropped
                raise
        return dropped


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise WireworkError(f"cannot read {path}: {exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WireworkError(
            f"{path} is not UTF-8 text (byte {data[exc.start]:#04x} at offset {exc.start}); "
            f"it is left as it is",
            hint="restore it from a backup, or re-encode it as UTF-8",
        ) from exc


def _array_elements(text: str, path: Path) -> list[tuple[Any, str]]:
    """Each element of the JSON array in ``text`` with its exact text; ``[]`` for blank."""
    position = _skip_space(text)
    if position == len(text):
        return []
    if text[position] != "[":
        kind = _KINDS.get(text[position], "a number" if text[position] in "-0123456789" else "")
        problem = f"it must hold a JSON array of items, found {kind}" if kind else ""
        raise _corrupt(path, text, position, problem or "it is not JSON (expected '[')")
    elements: list[tuple[Any, str]] = []
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        end = position + 1
    else:
        while True:
            end = _element(text, position, path, elements)
            position = _skip_space(text, end)
            following = text[position : position + 1]
            if following == ",":
                position = _skip_space(text, position + 1)
                continue
            if following == "]":
                end = position + 1
                break
            problem = "it ends inside the array (truncated?)" if not following else ""
            raise _corrupt(path, text, position, problem or "expected ',' or ']' after an item")
    if _skip_space(text, end) != len(text):
        raise _corrupt(path, text, end, "it holds more after the array")
    return elements


def _skip_space(text: str, position: int = 0) -> int:
    """Where the JSON whitespace starting at ``position`` ends."""
    return _SPACE(text, position).end()  # type: ignore[union-attr]  # "*" always matches


def _element(text: str, position: int, path: Path, elements: list[tuple[Any, str]]) -> int:
    """Parse one element at ``position`` into ``elements``; return where it ends."""
    index = len(elements)
    try:
        value, end = _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise _corrupt(path, text, exc.pos, f"item #{index}: {exc.msg}") from exc
    except RecursionError as exc:
        raise _corrupt(path, text, position, f"item #{index} is nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit
        raise _corrupt(path, text, position, f"item #{index}: {exc}") from exc
    elements.append((value, text[position:end]))
    return end


def _corrupt(path: Path, text: str, position: int, problem: str) -> WireworkError:
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return WireworkError(
        f"{path} is not a JSON array of items (line {line}, column {column}: {problem}); "
        f"it is left as it is and the persistence does not open",
        hint="restore the file from a backup, or repair it by hand",
    )


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers and crashes see old or new, never half.

    Temporary file in the same directory, flushed and fsynced, then renamed over the
    target (atomic on POSIX and Windows), then the directory is fsynced so the rename
    itself survives a power loss. An existing file's permissions are kept.
    """
    directory = path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _NEW_FILE_MODE
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    # Not every platform can open a directory (Windows cannot); the rename is still atomic.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a process that died mid-save; never the real file."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()
