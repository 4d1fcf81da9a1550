"""The key-value state store on SQL, shared by SQLite and PostgreSQL: the sync driver.

The rules (statements, versions, expiry, purges) are the I/O-free core in
:mod:`wirework.state._sql_core`; the connection is an engine of :mod:`wirework.sql`.
What is left here is the store's lifecycle and, per operation, validate, send what
the core built, and hand the reply back to it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, cast

from wirework.config import ConfigParams
from wirework.config.schema import validated
from wirework.data._values import (
    MAX_KEY_BYTES,
    check_key,
    check_ttl,
    check_version,
    decode,
    encode,
)
from wirework.errors import BackendError, ConcurrencyError, InvalidStateError
from wirework.refer import IReferences
from wirework.sql import Engine, EngineKind, EngineSlot
from wirework.state._clock import Clock
from wirework.state._protocol import StateValue, bulk_pairs
from wirework.state._sql_core import (
    DEFAULT_TABLE,
    KvStatements,
    bulk_save,
    conditional_delete,
    conditional_save,
    current_version,
    deleted_value,
    next_purge,
)

if TYPE_CHECKING:
    from wirework.state._schema import SqlKvOptions


class SqlStateStore:
    """Key-value state in an SQL table; see :mod:`wirework.state._sql_core` for the rules.

    Config: ``options.timeout`` ms (0 = never expire), ``options.table``, plus the
    engine's connection keys (see the subclass). ``clock`` returns seconds; the
    default wall time makes ``expires_at`` meaningful to every process.
    """

    default_table: ClassVar[str] = DEFAULT_TABLE
    engine_kind: ClassVar[EngineKind]

    def __init__(self, *, timeout: int = 0, clock: Clock = time.time) -> None:
        self._timeout = check_ttl(timeout, "timeout") / 1000.0
        self._clock = clock
        self._table = self.default_table
        self._config = ConfigParams()
        self._slot = EngineSlot()
        self._next_purge = -math.inf  # the first call purges
        self._logger: Any = None
        self._prepare(self._config, self._table)

    def _new_engine(self, config: ConfigParams) -> Engine:
        """An unopened engine for ``config``: cheap, no I/O, no driver import."""
        return self.engine_kind.from_config(config, type(self).__name__, self._closed_error)

    # -- component lifecycle ----------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        """Everything is checked before anything is set: a refused config changes nothing."""
        options = cast("SqlKvOptions", validated(self, config).options)
        given = options.model_fields_set
        table = options.table if "table" in given else self._table
        self._prepare(config, table)  # refuses a malformed connection config now, not at open
        if "timeout" in given:
            self._timeout = options.timeout / 1000.0
        self._table, self._config = table, config

    def _prepare(self, config: ConfigParams, table: str) -> None:
        """Where the data is and the statements for it: they depend on config, not on I/O."""
        engine = self._new_engine(config)
        self._where, self._kv = engine.location, KvStatements(engine.dialect, table)

    def set_references(self, references: IReferences) -> None:
        self._logger = references.get_one_optional("*:logger:*:*:1.0")

    def is_open(self) -> bool:
        return self._slot.engine is not None

    def open(self, correlation_id: str | None) -> None:
        config, table = self._config, self._table
        engine = self._slot.open(lambda: self._new_engine(config), self._kv.schema, table)
        if engine is None:
            return
        self._next_purge = -math.inf
        if self._logger is not None:
            self._logger.debug(
                correlation_id, "Opened state store on %s (table %s)", engine.where, table
            )

    def close(self, correlation_id: str | None) -> None:
        engine = self._slot.close()
        if engine is not None and self._logger is not None:
            self._logger.debug(correlation_id, "Closed state store on %s", engine.where)

    def check_health(self, correlation_id: str | None) -> None:
        """The database answers a ping (``HealthCheckable``); a ``BackendError`` if not."""
        self._slot.check_health(self._closed_error)

    def clear(self, correlation_id: str | None) -> None:
        """Remove every entry (the container's ``Cleanable`` step)."""
        engine = self._slot.engine or self._not_open("clear")
        engine.count("clear", self._kv.clear, (), retry=True)

    # -- reads --------------------------------------------------------------------------
    def load(self, correlation_id: str | None, key: str) -> Any:
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        engine = self._slot.engine
        if engine is None:
            self._not_open("load")
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        row = engine.one("load", self._kv.load, (key, now))
        return None if row is None else decode(row[0])

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]:
        key = check_key(key)
        engine = self._slot.engine or self._not_open("load_versioned")
        now = self._now(engine)
        row = engine.one("load_versioned", self._kv.load_versioned, (key, now))
        return (None, 0) if row is None else (decode(row[0]), row[1])

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]:
        """Every key in order, ``None`` for the missing; one statement for them all."""
        checked = [check_key(key) for key in keys]
        engine = self._slot.engine or self._not_open("load_bulk")
        if not checked:
            return []
        now = self._now(engine)
        param = engine.dialect.keys_param(list(dict.fromkeys(checked)))
        found: dict[str, str] = dict(engine.all("load_bulk", self._kv.load_bulk, (param, now)))
        return [
            StateValue(key, None if (text := found.get(key)) is None else decode(text))
            for key in checked
        ]

    # -- writes -------------------------------------------------------------------------
    def save(
        self,
        correlation_id: str | None,
        key: str,
        value: Any,
        *,
        ttl: int | None = None,
        expected_version: int | None = None,
    ) -> Any:
        """Store ``value`` (``None`` deletes) and return it; see ``IVersionedStateStore``."""
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        if value is None:
            self.delete(correlation_id, key, expected_version=expected_version)
            return None
        text = encode(value, key)
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        engine = self._slot.engine
        if engine is None:
            self._not_open("save")
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        expires = now + lifetime if lifetime else None
        sql = self._kv
        if expected_version is None:
            engine.count("save", sql.upsert, (key, text, expires), retry=True)
        else:
            engine.play(
                "save", lambda: conditional_save(sql, key, text, expires, now, expected_version)
            )
        return value

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None:
        """Save many keys in one transaction (``None`` deletes); all are validated first."""
        pairs: list[tuple[str, str | None]] = []
        for raw_key, value in bulk_pairs(values):
            key = check_key(raw_key)
            pairs.append((key, None if value is None else encode(value, key)))
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        engine = self._slot.engine or self._not_open("save_bulk")
        if not pairs:
            return
        now = self._now(engine)
        expires = now + lifetime if lifetime else None
        sql = self._kv
        engine.play(
            "save_bulk", lambda: bulk_save(sql, pairs, expires), transaction=True, retry=True
        )

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any:
        """Remove ``key`` and return its value (``None`` when it was absent)."""
        key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        engine = self._slot.engine or self._not_open("delete")
        now = self._now(engine)
        sql = self._kv
        if expected_version is None:
            # Not retried: a delete that did run would come back as "absent".
            return deleted_value(engine.one("delete", sql.delete, (key,), retry=False), now)
        if expected_version == 0:  # "delete only if absent": nothing to delete
            actual = current_version(engine.one("delete", sql.version, (key, now)))
            if actual:
                raise ConcurrencyError(key, 0, actual)
            return None
        return engine.play("delete", lambda: conditional_delete(sql, key, expected_version, now))

    # -- internals ------------------------------------------------------------------------
    def _now(self, engine: Engine) -> float:
        now = self._clock()
        if now >= self._next_purge:
            self._purge(engine, now)
        return now

    def _purge(self, engine: Engine, now: float) -> None:
        """Remove up to a batch of expired rows; a failure is logged and left to the
        next purge rather than failing the caller's operation."""
        self._next_purge = next_purge(0, now)  # no second purge while this one runs
        try:
            removed = engine.count("purge", self._kv.purge, (now, now), retry=True)
        except BackendError as exc:
            if self._logger is not None:
                self._logger.warn(None, "Purging expired state failed: %s", exc)
            return
        self._next_purge = next_purge(removed, now)

    def _not_open(self, operation: str) -> NoReturn:
        raise self._closed_error(operation)

    def _closed_error(self, operation: str) -> InvalidStateError:
        return InvalidStateError(
            f"the store is not open: call open() before {operation}()",
            component=type(self).__name__,
        )

    def __repr__(self) -> str:
        state = "open" if self._slot.engine is not None else "closed"
        return f"{type(self).__name__}({self._where!r}, table={self._table!r}, {state})"
