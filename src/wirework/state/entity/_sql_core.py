"""The I/O-free core of the SQL entity stores: statements and the write rules.

Same semantics as :class:`~wirework.state.entity._memory.MemoryEntityStore`, which the
conformance suite checks on every backend; here each write is one statement:

* a write without expectation is an upsert; ``expected_version=0`` is an insert
  that skips an existing row, and ``n > 0`` an ``UPDATE ... WHERE version = n``, so
  concurrent writers in any process are decided by the database. Each takes its new
  version from the dialect's counter beside the table, so a deleted entity created
  again never gets an old version back. The version is read only after a miss, for
  the error;
* metadata other than ``context`` is merged into the stored metadata. The merge is
  done in Python (SQL's JSON functions differ by database and PostgreSQL's ``jsonb``
  refuses ``\\u0000``), so such a write reads the row and writes it back only if its
  version is unchanged, and tries again if it changed: still atomic;
* context and metadata are :func:`~wirework.data._values.encode` JSON text;
* ids list in byte order (the dialect's key collation), which is Python's ``sorted``.

The writes are scripts (:data:`wirework.sql.Script`): the store's driver plays them
on one connection, in one transaction for a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wirework.data._values import canonical, decode, encode
from wirework.errors import ConcurrencyError, UnstorableValueError
from wirework.sql import MANY, ONE, Call, Dialect, Row, Script
from wirework.state._sql_core import check_conflict
from wirework.state.entity._base import encode_context

DEFAULT_TABLE = "wirework_entity_state"
"""``options.table`` when neither the config nor the constructor names one."""
EMPTY = "{}"
"""The stored text of no context and no metadata."""

_INSERT = "INSERT INTO {t} (entity_id, state, version, context, metadata) "


class EntityStatements:
    """Every entity statement, built once per table and dialect."""

    def __init__(self, dialect: Dialect, table: str) -> None:
        def q(template: str) -> str:
            return dialect.sql(template, table)

        self.schema = [
            q(
                "CREATE TABLE IF NOT EXISTS {t} (entity_id {key} PRIMARY KEY, "
                "state {key} NOT NULL, version BIGINT NOT NULL, context TEXT NOT NULL, "
                "metadata TEXT NOT NULL){keyed}"
            ),
            dialect.create_index(table, "state", "state, entity_id"),
            *dialect.version_counter(table),
        ]
        self.get_state = q("SELECT state FROM {t} WHERE entity_id = ?")
        self.get_versioned = q("SELECT state, version FROM {t} WHERE entity_id = ?")
        self.get_context = q("SELECT context FROM {t} WHERE entity_id = ?")
        self.get_metadata = q("SELECT metadata FROM {t} WHERE entity_id = ?")
        self.version = q("SELECT version FROM {t} WHERE entity_id = ?")
        self.version_metadata = q("SELECT version, metadata FROM {t} WHERE entity_id = ?")
        self.get_states = q(
            "SELECT entity_id, state FROM {t} WHERE " + dialect.keys_match("entity_id")
        )
        self.set_context = q("UPDATE {t} SET context = ?, version = {bump} WHERE entity_id = ?")
        upsert = _INSERT + "VALUES (?, ?, {next}, ?, '{{}}') "
        keep_context = "state = excluded.state, version = {bump}"
        new_context = keep_context + ", context = excluded.context"
        # (context given?) -> upsert; the batch forms return nothing (executemany)
        self.upsert = {
            False: q(upsert + dialect.upsert("entity_id", keep_context) + " RETURNING version"),
            True: q(upsert + dialect.upsert("entity_id", new_context) + " RETURNING version"),
        }
        self.upsert_many = {
            False: q(upsert + dialect.upsert("entity_id", keep_context)),
            True: q(upsert + dialect.upsert("entity_id", new_context)),
        }
        self.insert = q(
            _INSERT
            + "VALUES (?, ?, {next}, ?, ?) "
            + dialect.insert_or_skip("entity_id")
            + " RETURNING version"
        )
        # (context given?, metadata given?) -> conditional update
        self.update = {
            (context, metadata): q(
                "UPDATE {t} SET state = ?, version = {bump}"
                + (", context = ?" if context else "")
                + (", metadata = ?" if metadata else "")
                + " WHERE entity_id = ? AND version = ? RETURNING version"
            )
            for context in (False, True)
            for metadata in (False, True)
        }
        self.list_all = q("SELECT entity_id FROM {t} ORDER BY entity_id LIMIT ? OFFSET ?")
        self.list_state = q(
            "SELECT entity_id FROM {t} WHERE state = ? ORDER BY entity_id LIMIT ? OFFSET ?"
        )
        self.count = q("SELECT state, COUNT(*) FROM {t} GROUP BY state")
        self.delete = q("DELETE FROM {t} WHERE entity_id = ?")


def split_metadata(
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


def stored_json(row: Row | None) -> dict[str, Any]:
    """A stored context or metadata; ``{}`` for an unknown entity."""
    if row is None:
        return {}
    value: dict[str, Any] = decode(row[0])
    return value


def write_states(
    sql: EntityStatements,
    updates: list[tuple[str, str]],
    context: str | None,
    extra: dict[str, Any] | None,
    expected: int | None,
) -> Script[list[int]]:
    """Write every ``(entity id, state)``; the new versions (none for a plain batch,
    written as one batch statement)."""
    if len(updates) > 1 and extra is None and expected is None:
        rows = [(entity_id, state, context or EMPTY) for entity_id, state in updates]
        yield MANY, sql.upsert_many[context is not None], rows
        return []
    versions = []
    for entity_id, state in updates:
        if extra is None:
            version = yield from _write_one(sql, entity_id, state, context, expected)
        else:
            version = yield from _write_merged(sql, entity_id, state, context, extra, expected)
        versions.append(version)
    return versions


def _write_one(
    sql: EntityStatements, entity_id: str, state: str, context: str | None, expected: int | None
) -> Script[int]:
    """One entity's write, as one atomic statement; its new version."""
    if expected is None:
        row = yield ONE, sql.upsert[context is not None], (entity_id, state, context or EMPTY)
        assert row is not None  # an upsert always writes
        return int(row[0])
    call: Call
    if expected == 0:
        call = (ONE, sql.insert, (entity_id, state, context or EMPTY, EMPTY))
    else:
        params = (
            (state, entity_id, expected)
            if context is None
            else (state, context, entity_id, expected)
        )
        call = (ONE, sql.update[context is not None, False], params)
    while (row := (yield call)) is None:
        check_conflict(entity_id, expected, (yield ONE, sql.version, (entity_id,)))
    return int(row[0])


def _write_merged(
    sql: EntityStatements,
    entity_id: str,
    state: str,
    context: str | None,
    extra: dict[str, Any],
    expected: int | None,
) -> Script[int]:
    """A write that merges metadata: read, then write only if the version is unchanged."""
    while True:
        row = yield ONE, sql.version_metadata, (entity_id,)
        version, old = (0, {}) if row is None else (int(row[0]), decode(row[1]))
        if expected is not None and expected != version:
            raise ConcurrencyError(entity_id, expected, version)
        merged = encode({**old, **extra}, entity_id, "the metadata of entity")
        call: Call
        if version == 0:
            call = (ONE, sql.insert, (entity_id, state, context or EMPTY, merged))
        else:
            head = (state, merged) if context is None else (state, context, merged)
            call = (ONE, sql.update[context is not None, True], (*head, entity_id, version))
        written = yield call
        if written is not None:
            return int(written[0])
