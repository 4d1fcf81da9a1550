"""The I/O-free core of the SQL key-value stores: statements, versions, expiry, purges.

Nothing here touches a connection. The store (:mod:`wirework.state._sql_store`) validates an
argument with the shared value rules, takes a statement from :class:`KvStatements`,
sends it through its engine and hands the reply to a function here; an operation of
several round trips is a script (:data:`wirework.sql._base.Script`) the engine plays.
A second driver (async) calls the same functions and plays the same scripts.

The rules, the memory store's semantics written as single statements so that they
hold across processes, not only threads:

* a versioned save is one conditional statement (``INSERT ... ON CONFLICT`` for
  "create if absent", ``UPDATE ... WHERE version = ?`` otherwise). The database
  decides who wins; the current version is read only after a miss, to build the
  :class:`~wirework.errors.ConcurrencyError`. There is no read-then-write;
* expiry is an ``expires_at`` column (``NULL`` = never) in the store's clock seconds,
  compared with ``now`` passed as a parameter, so tests can drive a ``ManualClock``
  and processes sharing a table agree. Expired rows are absent to every read and
  write, and a bounded ``DELETE`` on the indexed column removes them at most every
  :data:`PURGE_EVERY` seconds: never a scan per call;
* values are the :func:`~wirework.data._values.encode` JSON text in a ``TEXT`` column
  (PostgreSQL's ``jsonb`` refuses ``\\u0000``, which is a valid value here);
* a version never comes back to a key: a row written again gets a higher version
  and a new row one its key never had, from the dialect's counter beside the table.
  A key deleted, expired or purged leaves no row behind, yet a writer holding its old
  version always meets a conflict (no ABA).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wirework.data._values import decode
from wirework.errors import ConcurrencyError
from wirework.sql import COUNT, MANY, ONE, Call, Dialect, Row, Script

DEFAULT_TABLE = "wirework_state"
"""``options.table`` when the config names none."""
PURGE_EVERY = 10.0
"""Seconds (of the store's clock) between two purges of expired rows."""
PURGE_BATCH = 1000
"""Expired rows removed by one purge at most, so no call pays for a backlog at once."""

_ALIVE = "(expires_at IS NULL OR expires_at > ?)"


class KvStatements:
    """Every key-value statement, built once per table and dialect."""

    def __init__(self, dialect: Dialect, table: str) -> None:
        def q(template: str) -> str:
            return dialect.sql(template, table)

        self.schema = [
            q(
                "CREATE TABLE IF NOT EXISTS {t} (key {key} PRIMARY KEY, value TEXT NOT NULL, "
                "version BIGINT NOT NULL, expires_at DOUBLE PRECISION){keyed}"
            ),
            dialect.create_index(table, "expires_at", "expires_at", "expires_at IS NOT NULL"),
            *dialect.version_counter(table),
        ]
        self.load = q("SELECT value FROM {t} WHERE key = ? AND " + _ALIVE)
        self.load_versioned = q("SELECT value, version FROM {t} WHERE key = ? AND " + _ALIVE)
        self.version = q("SELECT version FROM {t} WHERE key = ? AND " + _ALIVE)
        self.load_bulk = q(
            "SELECT key, value FROM {t} WHERE " + dialect.keys_match("key") + " AND " + _ALIVE
        )
        # {bump} is evaluated once the row is locked, so a key's versions only grow.
        insert = "INSERT INTO {t} (key, value, version, expires_at) VALUES (?, ?, {next}, ?) "
        self.upsert = q(
            insert
            + dialect.upsert(
                "key",
                "value = excluded.value, expires_at = excluded.expires_at, version = {bump}",
            )
        )
        self.create = q(
            insert
            + dialect.upsert(
                "key",
                "value = excluded.value, version = {bump}, expires_at = excluded.expires_at",
                "{t}.expires_at <= ?",
            )
        )
        self.update = q(
            "UPDATE {t} SET value = ?, version = {bump}, expires_at = ? "
            "WHERE key = ? AND version = ? AND " + _ALIVE
        )
        self.delete = q("DELETE FROM {t} WHERE key = ? RETURNING value, expires_at")
        self.delete_bulk = q("DELETE FROM {t} WHERE key = ?")
        self.delete_if = q(
            "DELETE FROM {t} WHERE key = ? AND version = ? AND " + _ALIVE + " RETURNING value"
        )
        # The outer condition is checked again on a row updated meanwhile (PostgreSQL
        # re-evaluates it), so a purge never removes a row that was just saved again.
        self.purge = q(
            "DELETE FROM {t} WHERE key IN (SELECT key FROM {t} WHERE expires_at <= ? "
            f"LIMIT {PURGE_BATCH}) AND expires_at <= ?"
        )
        self.clear = q("DELETE FROM {t}")


def next_purge(removed: int, now: float) -> float:
    """When the purge after one that removed ``removed`` rows at ``now`` is due: at once
    if it removed a full batch (more are waiting), else :data:`PURGE_EVERY` later.
    Housekeeping only (reads already skip expired rows), so a purge that failed counts
    as one that removed nothing."""
    return now if removed >= PURGE_BATCH else now + PURGE_EVERY


def deleted_value(row: Row | None, now: float) -> Any:
    """What an unconditional delete returns: the value, unless absent or expired."""
    if row is None or (row[1] is not None and row[1] <= now):
        return None  # absent, or expired (and now purged along the way)
    return decode(row[0])


def current_version(row: Row | None) -> int:
    """The version a ``version`` read found: 0 for an absent key."""
    return 0 if row is None else int(row[0])


def check_conflict(key: str, expected: int, row: Row | None) -> None:
    """After a conditional write missed: raise, unless the key is back at ``expected``.

    Versions never repeat, so only ``expected`` 0 can come back: a create that met a
    row which was deleted before the version was read. The caller then tries again.
    """
    actual = current_version(row)
    if actual != expected:
        raise ConcurrencyError(key, expected, actual)


def conditional_save(
    sql: KvStatements, key: str, text: str, expires: float | None, now: float, expected: int
) -> Script[None]:
    """Write ``key`` only if it is at version ``expected`` (0: absent)."""
    call: Call
    if expected == 0:
        call = (COUNT, sql.create, (key, text, expires, now))
    else:
        call = (COUNT, sql.update, (text, expires, key, expected, now))
    while not (yield call):
        check_conflict(key, expected, (yield ONE, sql.version, (key, now)))


def conditional_delete(sql: KvStatements, key: str, expected: int, now: float) -> Script[Any]:
    """Delete ``key`` only if it is at version ``expected`` (> 0); its value."""
    while (row := (yield ONE, sql.delete_if, (key, expected, now))) is None:
        check_conflict(key, expected, (yield ONE, sql.version, (key, now)))
    return decode(row[0])


def bulk_save(
    sql: KvStatements, pairs: Sequence[tuple[str, str | None]], expires: float | None
) -> Script[None]:
    """Runs of saves and of deletes (``None`` text), in the caller's order: a key saved
    twice in one call is bumped twice, exactly as two calls would."""
    runs: list[tuple[str, list[tuple[Any, ...]]]] = []
    for key, text in pairs:
        statement = sql.delete_bulk if text is None else sql.upsert
        params = (key,) if text is None else (key, text, expires)
        if runs and runs[-1][0] is statement:
            runs[-1][1].append(params)
        else:
            runs.append((statement, [params]))
    for statement, rows in runs:
        yield MANY, statement, rows
