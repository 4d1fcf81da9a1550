"""File persistence: the in-memory persistence, loaded from and saved to one JSON file.

The reference system's file persistence writes in place (a crash mid-write leaves a
torn or empty file), reads items back as bare dicts (so ``item.id`` fails after a
restart), and cannot be configured when built without a persister. Here:

* a save writes a temporary file beside the target, fsyncs it, renames it over the
  target and fsyncs the directory, so the file on disk is always a complete old or a
  complete new version;
* items keep their class across a restart (see ``wirework.persistence.codec``);
* ``FilePersistence()`` with ``path`` in its config is all a service needs.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef
from wirework.errors import ConfigError, WireworkError
from wirework.persistence.codec import ItemCodec
from wirework.persistence.memory import IdentifiableMemoryPersistence

__all__ = ["FilePersistence", "JsonFilePersister", "atomic_write_text", "check_path"]

T = TypeVar("T")

_NEW_FILE_MODE = 0o644


class JsonFilePersister(Generic[T]):
    """Loads and saves a list of items as a JSON array of objects.

    Config: ``path`` (required before the first load or save).
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, codec: ItemCodec[T] | None = None
    ) -> None:
        self._path = Path(path) if path is not None else None
        self.codec: ItemCodec[T] = codec if codec is not None else ItemCodec()

    @property
    def path(self) -> Path | None:
        return self._path

    def configure(self, config: ConfigParams) -> None:
        path = config.get_as_nullable_string("path")
        if path is not None:
            self._path = Path(check_path(path))

    def load(self, correlation_id: str | None) -> list[T]:
        """The saved items; an empty list when the file does not exist yet."""
        path = self._require_path()
        if not path.parent.is_dir():
            raise ConfigError(
                f"cannot use {path}: directory {path.parent} does not exist",
                component=type(self).__name__,
            )
        _remove_stale_temporaries(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            raise WireworkError(f"cannot read {path}: {exc}") from exc
        if not text.strip():
            return []
        try:
            documents = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WireworkError(
                f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc
        if not isinstance(documents, list):
            raise WireworkError(
                f"{path} must hold a JSON array of items, found a JSON {type(documents).__name__}"
            )
        items: list[T] = []
        for index, document in enumerate(documents):
            try:
                items.append(self.codec.decode(document))
            except WireworkError as exc:
                raise WireworkError(f"{path}, item #{index}: {exc}") from exc
        return items

    def save(self, correlation_id: str | None, items: Sequence[T]) -> None:
        """Replace the file's content with ``items``, atomically."""
        path = self._require_path()
        documents = [self.codec.encode(item) for item in items]
        try:
            text = json.dumps(documents, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise WireworkError(
                f"cannot save items to {path}: {exc}",
                hint="item fields must be JSON values: str, int, float, bool, None, "
                "and lists or dicts of those",
            ) from exc
        try:
            atomic_write_text(path, text)
        except OSError as exc:
            raise WireworkError(f"cannot save items to {path}: {exc}") from exc

    def _require_path(self) -> Path:
        if self._path is None:
            raise ConfigError(
                "no file path is configured",
                component=type(self).__name__,
                hint="set 'path' in the component's config",
            )
        return self._path


def check_path(path: str) -> str:
    """``path`` when it can name a file: a blank one would write beside the process."""
    if not path.strip():
        raise ConfigError("path must not be empty")
    return path


class FilePersistence(IdentifiableMemoryPersistence[T]):
    """An identifiable persistence kept in memory and saved to a JSON file on every write.

    Config: ``path`` (the JSON file), ``options.max_page_size``. Pass ``item_type`` to
    read items back as that class; without it each item's class is recorded in the file.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.persistence.schema:FilePersistenceConfig"

    def __init__(
        self,
        persister: JsonFilePersister[T] | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        item_type: type[T] | None = None,
    ) -> None:
        if persister is None:
            persister = JsonFilePersister(path, ItemCodec(item_type))
        elif path is not None or item_type is not None:
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
