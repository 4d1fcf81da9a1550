"""The entity-state store on SQL, shared by SQLite and PostgreSQL: the sync driver.

The statements and write rules are the I/O-free core in
:mod:`wirework.state.entity._sql_core`; the connection is an engine of
:mod:`wirework.sql`, shared with the key-value stores. The async methods run the
sync ones in a worker thread (``asyncio.to_thread``, see
:class:`~wirework.state.entity._base.EntityStoreBase`) until an async engine exists.
A batch is one transaction, all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.data._values import check_key, check_page
from wirework.errors import InvalidStateError, UnknownEntityError
from wirework.sql import Engine, EngineKind, EngineSlot, check_table
from wirework.state.entity._base import EntityStoreBase, check_state, check_updates, encode_context
from wirework.state.entity._sql_core import (
    DEFAULT_TABLE,
    EntityStatements,
    split_metadata,
    stored_json,
    write_states,
)

if TYPE_CHECKING:
    from wirework.state._schema import SqlEntityOptions


class SqlEntityStore(EntityStoreBase):
    """Entity state in an SQL table; subclasses supply the engine.

    ``table`` (config ``options.table``) is validated as an SQL identifier. Connection
    and credential keys are the engine's, read by :meth:`configure`; the connection
    string is the engine's ``connection.uri``.
    """

    default_table: ClassVar[str] = DEFAULT_TABLE
    engine_kind: ClassVar[EngineKind]

    def __init__(self, connection_string: str | None = None, *, table: str | None = None) -> None:
        super().__init__(connection_string)
        self._table = check_table(
            self.default_table if table is None else table, type(self).__name__, "table"
        )
        self._config = ConfigParams()
        self._slot = EngineSlot()
        self._prepare()

    def _new_engine(self, config: ConfigParams) -> Engine:
        """An unopened engine for ``config``: cheap, no I/O, no driver import."""
        return self.engine_kind.from_config(config, type(self).__name__, self._closed_error)

    def _engine_config(self) -> ConfigParams:
        config = ConfigParams(self._config)
        config.pop("connection.uri", None)
        if self.connection_string:
            config["connection.uri"] = self.connection_string
        return config

    def configure(self, config: ConfigParams) -> None:
        options = cast("SqlEntityOptions", validated(self, config).options)
        super().configure(config)
        if "table" in options.model_fields_set:
            self._table = options.table
        self._config = config
        self._prepare()  # refuses a malformed connection config now, not on connect

    def _prepare(self) -> None:
        """Where the data is and the statements for it: they depend on config, not on I/O."""
        engine = self._new_engine(self._engine_config())
        self._where = engine.location
        self._q = EntityStatements(engine.dialect, self._table)

    def connect(self) -> None:
        config = self._engine_config()
        self._slot.open(lambda: self._new_engine(config), self._q.schema, self._table)

    def disconnect(self) -> None:
        self._slot.close()

    @property
    def is_connected(self) -> bool:
        return self._slot.engine is not None

    def check_health(self, correlation_id: str | None) -> None:
        """The database answers a ping (``HealthCheckable``); a ``BackendError`` if not."""
        self._slot.check_health(self._closed_error)

    def _require_connection(self, operation: str) -> Engine:
        engine = self._slot.engine
        if engine is None:
            raise self._closed_error(operation)
        return engine

    def _closed_error(self, operation: str) -> InvalidStateError:
        """The guard's error, for a call that meets the connection closing under it."""
        return InvalidStateError(
            f"not connected: call connect() (or use 'with store:') before {operation}()",
            component=type(self).__name__,
        )

    def __repr__(self) -> str:
        state = "connected" if self._slot.engine is not None else "not connected"
        return f"{type(self).__name__}({self._where!r}, table={self._table!r}, {state})"

    # -- EntityStore / ContextEntityStore -----------------------------------------
    def get_state(self, entity_id: str) -> str | None:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_state")
        row = engine.one("get_state", self._q.get_state, (entity_id,))
        return None if row is None else str(row[0])

    def get_context(self, entity_id: str) -> dict[str, Any]:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_context")
        return stored_json(engine.one("get_context", self._q.get_context, (entity_id,)))

    def get_metadata(self, entity_id: str) -> dict[str, Any]:
        """The entity's metadata (without its context); ``{}`` for an unknown entity."""
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_metadata")
        return stored_json(engine.one("get_metadata", self._q.get_metadata, (entity_id,)))

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        entity_id = check_key(entity_id, "entity id")
        text = encode_context(entity_id, context)
        engine = self._require_connection("set_context")
        if not engine.count("set_context", self._q.set_context, (text, entity_id)):
            raise UnknownEntityError(
                f"entity {entity_id!r} does not exist: give it a state with set_state() "
                "before set_context()",
                component=type(self).__name__,
            )

    # -- VersionedEntityStore ------------------------------------------------------
    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_state_versioned")
        row = engine.one("get_state_versioned", self._q.get_versioned, (entity_id,))
        return (None, 0) if row is None else (str(row[0]), int(row[1]))

    # -- BatchEntityStore ----------------------------------------------------------
    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]:
        checked = [check_key(entity_id, "entity id") for entity_id in entity_ids]
        engine = self._require_connection("get_states_batch")
        if not checked:
            return {}
        param = engine.dialect.keys_param(list(dict.fromkeys(checked)))
        found: dict[str, str] = dict(engine.all("get_states_batch", self._q.get_states, (param,)))
        return {entity_id: found.get(entity_id) for entity_id in checked}

    # -- QueryableEntityStore / DeletableEntityStore --------------------------------
    def list_entities(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[str]:
        """Entity ids in ascending order, optionally only those in ``state``, then paged."""
        if state is not None:
            state = check_state(state)
        limit, offset = check_page(limit, offset)
        engine = self._require_connection("list_entities")
        if state is None:
            rows = engine.all("list_entities", self._q.list_all, (limit, offset))
        else:
            rows = engine.all("list_entities", self._q.list_state, (state, limit, offset))
        return [str(row[0]) for row in rows]

    def count_by_state(self) -> dict[str, int]:
        engine = self._require_connection("count_by_state")
        return {str(state): int(n) for state, n in engine.all("count_by_state", self._q.count, ())}

    def delete_entity(self, entity_id: str) -> bool:
        """Remove the entity's state, context, metadata and version; ``False`` if unknown."""
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("delete_entity")
        return engine.count("delete_entity", self._q.delete, (entity_id,)) > 0

    # -- writes -------------------------------------------------------------------
    def _write_states(
        self,
        updates: Mapping[str, str],
        metadata: Mapping[str, Any] | None,
        expected: int | None,
        op: str,
    ) -> list[int]:
        checked = check_updates(updates, op)
        context, extra = split_metadata(checked[0][0] if checked else "", metadata)
        engine = self._require_connection(op)
        if not checked:
            return []
        sql = self._q
        return engine.play(
            op,
            lambda: write_states(sql, checked, context, extra, expected),
            transaction=len(checked) > 1,
        )
