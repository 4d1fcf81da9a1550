"""The in-memory entity store, a first-class backend rather than a test double.

It implements every protocol in :mod:`wirework.state.entity._protocol` with the same
semantics the persistent stores must have, under one lock (so a versioned write is
one atomic compare-and-set, not pystator's read-then-write; versions come from one
counter for the whole store, so a deleted entity created again never gets an old
version back), and with the same
connect/disconnect lifecycle: code written against it keeps working when the
configuration swaps in SQLite or PostgreSQL. Data survives a disconnect, as rows do.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple, TypeVar

from wirework.config import ConfigParams
from wirework.config._uri import scheme_of
from wirework.config.schema import SchemaRef, validated
from wirework.data._values import check_key, check_page, freeze, thaw
from wirework.errors import ConcurrencyError, ConfigError, UnknownEntityError, UnstorableValueError
from wirework.state.entity._base import EntityStoreBase, check_state, check_updates

T = TypeVar("T")

_SCHEME = "memory://"
_EMPTY = freeze({}, "")


class _Record(NamedTuple):
    state: str
    version: int
    context: Any  # frozen (see wirework.data._values.freeze)
    metadata: Any  # frozen


class MemoryEntityStore(EntityStoreBase):
    """Entity state in process memory; ``wirework:entity-store:memory:*:1.0``.

    ``connection_string`` may be ``None`` or ``"memory://..."``; anything else is a
    configuration mistake (a SQL URL given to the memory store) and is refused.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:MemoryEntityStoreConfig"

    def __init__(self, connection_string: str | None = None) -> None:
        super().__init__(_check_uri(connection_string))
        self._records: dict[str, _Record] = {}
        self._versions = itertools.count(1)  # next(): the next version; under the lock
        self._lock = threading.Lock()

    def configure(self, config: ConfigParams) -> None:
        validated(self, config)  # the URI's scheme, as _check_uri does for the constructor
        super().configure(config)

    def connect(self) -> None:
        if self._connection is None:
            self._connection = self._records

    # -- EntityStore / ContextEntityStore -----------------------------------------
    def get_state(self, entity_id: str) -> str | None:
        entity_id = check_key(entity_id, "entity id")
        self._require_connection("get_state")
        record = self._records.get(entity_id)
        return None if record is None else record.state

    def get_context(self, entity_id: str) -> dict[str, Any]:
        entity_id = check_key(entity_id, "entity id")
        self._require_connection("get_context")
        record = self._records.get(entity_id)
        context: dict[str, Any] = thaw(_EMPTY if record is None else record.context)
        return context

    def get_metadata(self, entity_id: str) -> dict[str, Any]:
        """The entity's metadata (without its context); ``{}`` for an unknown entity."""
        entity_id = check_key(entity_id, "entity id")
        self._require_connection("get_metadata")
        record = self._records.get(entity_id)
        metadata: dict[str, Any] = thaw(_EMPTY if record is None else record.metadata)
        return metadata

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        entity_id = check_key(entity_id, "entity id")
        frozen = _freeze_context(entity_id, context)
        with self._lock:
            self._require_connection("set_context")
            record = self._records.get(entity_id)
            if record is None:
                raise UnknownEntityError(
                    f"entity {entity_id!r} does not exist: give it a state with set_state() "
                    "before set_context()",
                    component=type(self).__name__,
                )
            self._records[entity_id] = record._replace(version=next(self._versions), context=frozen)

    # -- VersionedEntityStore ------------------------------------------------------
    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        entity_id = check_key(entity_id, "entity id")
        self._require_connection("get_state_versioned")
        record = self._records.get(entity_id)
        return (None, 0) if record is None else (record.state, record.version)

    # -- BatchEntityStore ----------------------------------------------------------
    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]:
        checked = [check_key(entity_id, "entity id") for entity_id in entity_ids]
        self._require_connection("get_states_batch")
        records = self._records
        return {
            entity_id: None if (record := records.get(entity_id)) is None else record.state
            for entity_id in checked
        }

    # -- QueryableEntityStore / DeletableEntityStore --------------------------------
    def list_entities(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[str]:
        """Entity ids in ascending order, optionally only those in ``state``, then paged."""
        if state is not None:
            state = check_state(state)
        limit, offset = check_page(limit, offset)
        with self._lock:
            self._require_connection("list_entities")
            items = list(self._records.items())
        ids = sorted(eid for eid, record in items if state is None or record.state == state)
        return ids[offset : offset + limit]

    def count_by_state(self) -> dict[str, int]:
        self._require_connection("count_by_state")
        with self._lock:
            states = [record.state for record in self._records.values()]
        counts: dict[str, int] = {}
        for state in states:
            counts[state] = counts.get(state, 0) + 1
        return counts

    def delete_entity(self, entity_id: str) -> bool:
        """Remove the entity's state, context, metadata and version; ``False`` if unknown."""
        entity_id = check_key(entity_id, "entity id")
        with self._lock:
            self._require_connection("delete_entity")
            return self._records.pop(entity_id, None) is not None

    # -- internals ----------------------------------------------------------------
    async def _offload(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The memory store never blocks: run the sync method in place, no thread hop."""
        return call(*args, **kwargs)

    def _write_states(
        self,
        updates: Mapping[str, str],
        metadata: Mapping[str, Any] | None,
        expected_version: int | None,
        operation: str,
    ) -> list[int]:
        checked = check_updates(updates, operation)
        context, extra = _split_metadata(checked[0][0] if checked else "", metadata)
        versions: list[int] = []
        with self._lock:
            self._require_connection(operation)
            records = self._records
            for entity_id, state in checked:
                old = records.get(entity_id)
                version = 0 if old is None else old.version
                if expected_version is not None and expected_version != version:
                    raise ConcurrencyError(entity_id, expected_version, version)
                new = next(self._versions)
                records[entity_id] = _Record(
                    state,
                    new,
                    context if context is not None else (_EMPTY if old is None else old.context),
                    _merge(old.metadata if old is not None else _EMPTY, extra),
                )
                versions.append(new)
        return versions


def _check_uri(uri: str | None) -> str | None:
    if uri and not uri.startswith(_SCHEME):
        raise ConfigError(
            f"the in-memory entity store takes no connection string or one starting with "
            f"{_SCHEME!r}, got scheme {scheme_of(uri)!r}; use the store for that backend instead",
            component=MemoryEntityStore.__name__,
        )
    return uri


def _freeze_context(entity_id: str, context: Any) -> Any:
    if not isinstance(context, Mapping):
        raise UnstorableValueError(
            f"cannot store the context of entity {entity_id!r}: a context must be a dict "
            f"with str keys, got {type(context).__name__}"
        )
    return freeze(dict(context), entity_id, "the context of entity")


def _split_metadata(entity_id: str, metadata: Mapping[str, Any] | None) -> tuple[Any, Any]:
    """``(frozen context or None, frozen other metadata or None)`` from a write's metadata."""
    if metadata is None:
        return None, None
    if not isinstance(metadata, Mapping):
        raise UnstorableValueError(
            f"cannot store the metadata of entity {entity_id!r}: metadata must be a dict "
            f"with str keys, got {type(metadata).__name__}"
        )
    rest = {key: value for key, value in metadata.items() if key != "context"}
    context = _freeze_context(entity_id, metadata["context"]) if "context" in metadata else None
    extra = freeze(rest, entity_id, "the metadata of entity") if rest else None
    return context, extra


def _merge(old: Any, extra: Any) -> Any:
    if extra is None:
        return old
    merged = {**thaw(old), **thaw(extra)}
    return freeze(merged, "")
