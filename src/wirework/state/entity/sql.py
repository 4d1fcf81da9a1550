"""The entity-state store on SQL, shared by SQLite and PostgreSQL.

Same semantics as :class:`~wirework.state.entity.memory.InMemoryStateStore`, which
the conformance suite checks on every backend; here each write is one statement:

* a write without expectation is an upsert; ``expected_version=0`` is ``INSERT ...
  ON CONFLICT DO NOTHING`` and ``n > 0`` an ``UPDATE ... WHERE version = n``, so
  concurrent writers in any process are decided by the database. Each takes its new
  version from the table's counter (see :mod:`wirework.state.sql`), so a deleted
  entity created again never gets an old version back. The version is read only
  after a miss, for the error;
* metadata other than ``context`` is merged into the stored metadata. The merge is
  done in Python (SQL's JSON functions differ by database and PostgreSQL's ``jsonb``
  refuses ``\\u0000``), so such a write reads the row and then writes it back only
  if its version is unchanged, and tries again if it changed: still atomic;
* context and metadata are :func:`~wirework.data.values.encode` JSON text;
* ``list_entities`` orders by the id in byte order (``COLLATE "C"`` on PostgreSQL),
  which is Python's ``sorted``, whatever the database's locale;
* the async methods run the sync ones in a worker thread (``asyncio.to_thread``):
  the drivers are synchronous, and this keeps one implementation of every rule.

A batch is one transaction, all or nothing. The connection is an engine from
:mod:`wirework.state.sql`, shared with the key-value stores.
"""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.data.values import (
    UnstorableValueError,
    canonical,
    check_key,
    check_page,
    decode,
    encode,
)
from wirework.errors import ConcurrencyError, InvalidStateError
from wirework.state.entity.base import EntityStoreBase, check_state, check_updates, encode_context
from wirework.state.entity.protocol import UnknownEntityError
from wirework.state.sql import Session, SqlEngine, check_table

if TYPE_CHECKING:
    from wirework.state.schema import SqlEntityOptions

__all__ = ["SqlEntityStore"]

_EMPTY = "{}"
_INSERT = "INSERT INTO {t} (entity_id, state, version, context, metadata) "


class _EntitySql:
    """Every entity statement, built once per table and dialect."""

    def __init__(self, engine: SqlEngine, table: str) -> None:
        q = engine.sql
        self.schema = engine.schema(
            table,
            [
                "CREATE TABLE IF NOT EXISTS {t} (entity_id TEXT{c} PRIMARY KEY, "
                "state TEXT{c} NOT NULL, version BIGINT NOT NULL, context TEXT NOT NULL, "
                "metadata TEXT NOT NULL){suffix}",
                'CREATE INDEX IF NOT EXISTS "{name}_state" ON {t} (state, entity_id)',
            ],
        )
        self.get_state = q("SELECT state FROM {t} WHERE entity_id = ?", table)
        self.get_versioned = q("SELECT state, version FROM {t} WHERE entity_id = ?", table)
        self.get_context = q("SELECT context FROM {t} WHERE entity_id = ?", table)
        self.get_metadata = q("SELECT metadata FROM {t} WHERE entity_id = ?", table)
        self.version = q("SELECT version FROM {t} WHERE entity_id = ?", table)
        self.version_metadata = q("SELECT version, metadata FROM {t} WHERE entity_id = ?", table)
        self.batch_head = q("SELECT entity_id, state FROM {t} WHERE ", table)
        self.set_context = q(
            "UPDATE {t} SET context = ?, version = {bump} WHERE entity_id = ?", table
        )
        upsert = _INSERT + "VALUES (?, ?, {next}, ?, '{{}}') ON CONFLICT (entity_id) DO UPDATE SET "
        keep_context = "state = excluded.state, version = {bump}"
        new_context = keep_context + ", context = excluded.context"
        # (context given?) -> upsert; the batch forms return nothing (executemany)
        self.upsert = {
            False: q(upsert + keep_context + " RETURNING version", table),
            True: q(upsert + new_context + " RETURNING version", table),
        }
        self.upsert_many = {
            False: q(upsert + keep_context, table),
            True: q(upsert + new_context, table),
        }
        self.insert = q(
            _INSERT
            + "VALUES (?, ?, {next}, ?, ?) ON CONFLICT (entity_id) DO NOTHING RETURNING version",
            table,
        )
        # (context given?, metadata given?) -> conditional update
        self.update = {
            (context, metadata): q(
                "UPDATE {t} SET state = ?, version = {bump}"
                + (", context = ?" if context else "")
                + (", metadata = ?" if metadata else "")
                + " WHERE entity_id = ? AND version = ? RETURNING version",
                table,
            )
            for context in (False, True)
            for metadata in (False, True)
        }
        self.list_all = q("SELECT entity_id FROM {t} ORDER BY entity_id LIMIT ? OFFSET ?", table)
        self.list_state = q(
            "SELECT entity_id FROM {t} WHERE state = ? ORDER BY entity_id LIMIT ? OFFSET ?", table
        )
        self.count = q("SELECT state, COUNT(*) FROM {t} GROUP BY state", table)
        self.delete = q("DELETE FROM {t} WHERE entity_id = ?", table)


class SqlEntityStore(EntityStoreBase):
    """Entity state in an SQL table; subclasses supply the engine.

    ``table`` (config ``options.table``) is validated as an SQL identifier. Connection
    and credential keys are the engine's, read by :meth:`configure`.
    """

    default_table: ClassVar[str] = "wirework_entity_state"

    def __init__(self, connection_string: str | None = None, *, table: str | None = None) -> None:
        super().__init__(connection_string)
        self._table = check_table(
            self.default_table if table is None else table, type(self).__name__, "table"
        )
        self._config = ConfigParams()
        self._connecting = threading.Lock()
        self._prepare()

    @abstractmethod
    def _new_engine(self, config: ConfigParams) -> SqlEngine:
        """An unopened engine for ``config`` (``connection.uri`` is the connection string)."""

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
        self._where = engine.where
        self._q = _EntitySql(engine, self._table)

    def connect(self) -> None:
        with self._connecting:
            if self._connection is not None:
                return
            engine = self._new_engine(self._engine_config())
            engine.open()
            try:
                engine.ensure_schema(self._q.schema, self._table)
            except BaseException:
                engine.close()
                raise
            self._connection = engine

    def disconnect(self) -> None:
        with self._connecting:
            engine: SqlEngine | None = self._connection
            self._connection = None
            if engine is not None:
                engine.close()

    def _closed_error(self, operation: str) -> InvalidStateError:
        """The guard's error, for a call that meets the connection closing under it."""
        return InvalidStateError(
            f"not connected: call connect() (or use 'with store:') before {operation}()",
            component=type(self).__name__,
        )

    def __repr__(self) -> str:
        state = "connected" if self._connection is not None else "not connected"
        return f"{type(self).__name__}({self._where!r}, table={self._table!r}, {state})"

    # -- StateStore / ContextPersistStore -----------------------------------------
    def get_state(self, entity_id: str) -> str | None:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_state")
        row = engine.one("get_state", self._q.get_state, (entity_id,))
        return None if row is None else str(row[0])

    def get_context(self, entity_id: str) -> dict[str, Any]:
        return self._get_json(entity_id, "get_context")

    def get_metadata(self, entity_id: str) -> dict[str, Any]:
        """The entity's metadata (without its context); ``{}`` for an unknown entity."""
        return self._get_json(entity_id, "get_metadata")

    def set_context(self, entity_id: str, context: Mapping[str, Any]) -> None:
        entity_id = check_key(entity_id, "entity id")
        text = encode_context(entity_id, context)
        engine = self._require_connection("set_context")
        if not engine.run("set_context", self._q.set_context, (text, entity_id)):
            raise UnknownEntityError(
                f"entity {entity_id!r} does not exist: give it a state with set_state() "
                "before set_context()",
                component=type(self).__name__,
            )

    # -- VersionedStateStore ------------------------------------------------------
    def get_state_versioned(self, entity_id: str) -> tuple[str | None, int]:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection("get_state_versioned")
        row = engine.one("get_state_versioned", self._q.get_versioned, (entity_id,))
        return (None, 0) if row is None else (str(row[0]), int(row[1]))

    # -- BatchStateStore ----------------------------------------------------------
    def get_states_batch(self, entity_ids: Sequence[str]) -> dict[str, str | None]:
        checked = [check_key(entity_id, "entity id") for entity_id in entity_ids]
        engine = self._require_connection("get_states_batch")
        found: dict[str, str] = {}
        for condition, params in engine.any_of("entity_id", list(dict.fromkeys(checked))):
            found.update(engine.all("get_states_batch", self._q.batch_head + condition, params))
        return {entity_id: found.get(entity_id) for entity_id in checked}

    # -- QueryableStateStore / DeletableStateStore --------------------------------
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
        engine: SqlEngine = self._require_connection("delete_entity")
        return engine.run("delete_entity", self._q.delete, (entity_id,)) > 0

    # -- internals ----------------------------------------------------------------
    def _get_json(self, entity_id: str, op: str) -> dict[str, Any]:
        entity_id = check_key(entity_id, "entity id")
        engine = self._require_connection(op)
        sql = self._q.get_context if op.endswith("context") else self._q.get_metadata
        row = engine.one(op, sql, (entity_id,))
        if row is None:
            return {}
        value: dict[str, Any] = decode(row[0])
        return value

    def _write_states(
        self,
        updates: Mapping[str, str],
        metadata: Mapping[str, Any] | None,
        expected: int | None,
        op: str,
    ) -> list[int]:
        checked = check_updates(updates, op)
        context, extra = _split_metadata(checked[0][0] if checked else "", metadata)
        engine: SqlEngine = self._require_connection(op)
        if not checked:
            return []
        sql = self._q
        if len(checked) > 1 and extra is None and expected is None:

            def write_many(session: Session) -> list[int]:
                rows = [(eid, state, context or _EMPTY) for eid, state in checked]
                session.many(sql.upsert_many[context is not None], rows)
                return []

            return engine.use(op, write_many, transaction=True)

        def write(session: Session) -> list[int]:
            return [
                self._write_one(session, eid, state, context, extra, expected)
                for eid, state in checked
            ]

        return engine.use(op, write, transaction=len(checked) > 1)

    def _write_one(
        self,
        session: Session,
        entity_id: str,
        state: str,
        context: str | None,
        extra: dict[str, Any] | None,
        expected: int | None,
    ) -> int:
        """One entity's write, as one atomic statement; its new version."""
        sql = self._q
        if extra is not None:
            return self._write_merged(session, entity_id, state, context, extra, expected)
        if expected is None:
            params: tuple[Any, ...] = (entity_id, state, context or _EMPTY)
            row = session.one(sql.upsert[context is not None], params)
            assert row is not None  # an upsert always writes
            return int(row[0])
        if expected == 0:
            insert = (entity_id, state, context or _EMPTY, _EMPTY)
            while (row := session.one(sql.insert, insert)) is None:
                self._conflict(session, entity_id, 0)
            return int(row[0])
        update = sql.update[context is not None, False]
        params = (
            (state, context, entity_id, expected)
            if context is not None
            else (state, entity_id, expected)
        )
        while (row := session.one(update, params)) is None:
            self._conflict(session, entity_id, expected)
        return int(row[0])

    def _write_merged(
        self,
        session: Session,
        entity_id: str,
        state: str,
        context: str | None,
        extra: dict[str, Any],
        expected: int | None,
    ) -> int:
        """A write that merges metadata: read, then write only if the version is unchanged."""
        sql = self._q
        while True:
            row = session.one(sql.version_metadata, (entity_id,))
            version, old = (0, {}) if row is None else (int(row[0]), decode(row[1]))
            if expected is not None and expected != version:
                raise ConcurrencyError(entity_id, expected, version)
            merged = encode({**old, **extra}, entity_id, "the metadata of entity")
            if version == 0:
                written = session.one(sql.insert, (entity_id, state, context or _EMPTY, merged))
            else:
                update = sql.update[context is not None, True]
                head = (state, merged) if context is None else (state, context, merged)
                written = session.one(update, (*head, entity_id, version))
            if written is not None:
                return int(written[0])

    def _conflict(self, session: Session, entity_id: str, expected: int) -> None:
        """After a conditional write missed: raise, unless the entity is absent again (0)."""
        row = session.one(self._q.version, (entity_id,))
        actual = 0 if row is None else int(row[0])
        if actual != expected:
            raise ConcurrencyError(entity_id, expected, actual)


def _split_metadata(
    entity_id: str, metadata: Mapping[str, Any] | None
) -> tuple[str | None, dict[str, Any] | None]:
    """``(context JSON or None, other metadata as plain JSON types or None)``."""
    if metadata is None:
        return None, None
    if not isinstance(metadata, Mapping):
        raise UnstorableValueError(
            f"cannot store the metadata of entity {entity_id!r}: metadata must be a dict "
            f"with str keys, got {type(metadata).__name__}"
        )
    rest = {key: value for key, value in metadata.items() if key != "context"}
    context = encode_context(entity_id, metadata["context"]) if "context" in metadata else None
    extra = canonical(rest, entity_id, "the metadata of entity") if rest else None
    return context, extra
