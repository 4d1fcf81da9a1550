"""The in-process key-value store, held to the same contract as the real backends.

Pip.Services' ``MemoryStateStore`` scanned every entry on every call once a timeout
was set, crashed as soon as one entry expired, had no lock, could not be opened and
handed out the caller's own objects. This one:

* keeps expiry in an :class:`~wirework.state._expiry.ExpirySchedule`, and each call
  removes at most a few due entries: O(1) amortized per call, never a scan. Reads
  also check the entry's own expiry, so an expired entry is never returned even
  before it is removed;
* schedules a key once, not on every save. Its entry remembers the time it is
  scheduled at; saving it again with a later expiry leaves that item in place, and
  when the item comes due for an entry that was updated meanwhile, the entry is
  scheduled again at its real expiry. Updates, the common case, cost no schedule work;
* stores each entry as an immutable tuple swapped atomically in a dict, so a read is
  one lookup and needs no lock, while every write (which must compare the version
  and draw a new one) takes the lock;
* draws versions from one counter for the whole store, so a key deleted or expired
  and created again never gets a version it had before (no ABA), with no memory
  kept for deleted keys;
* validates and copies values through :mod:`wirework.data._values`, so it refuses
  exactly what SQL and Redis refuse and never shares an object with the caller;
* must be opened before use and refuses calls once closed, like any backend. Data
  survives ``close()`` and ``open()`` again, as it would in a database;
* is ``reconfigurable``, as Pip.Services' is: a hot reload that changes its timeout
  configures it again while open, keeping its data. The timeout is one attribute that
  each call reads once, so a call racing with ``configure`` uses the old or the new
  one; entries already saved keep the expiry they were saved with.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef, validated
from wirework.data._values import (
    MAX_KEY_BYTES,
    check_key,
    check_ttl,
    check_version,
    freeze,
    thaw,
)
from wirework.errors import ConcurrencyError, InvalidStateError
from wirework.refer import IReferences
from wirework.state._clock import Clock
from wirework.state._expiry import NEVER, ExpirySchedule
from wirework.state._protocol import StateValue, bulk_pairs

if TYPE_CHECKING:
    from wirework.state._schema import MemoryStateStoreConfig

_PURGE_BATCH = 16  # due schedule items handled per call at most: bounds each call's work

# (frozen value, version, expires_at, scheduled_at); times in clock seconds, NEVER if none.
# scheduled_at <= expires_at always, so the entry's schedule item is never late.
_Entry = tuple[Any, int, float, float]


class MemoryStateStore:
    """Key-value state in process memory; ``pip-services:state-store:memory:*:1.0``.

    Config: ``options.timeout`` in milliseconds (0, the default, = never expire): an
    entry not saved again within the timeout is gone. ``save(..., ttl=ms)`` overrides
    it per entry. ``clock`` returns seconds and exists so tests can move time.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:MemoryStateStoreConfig"
    reconfigurable = True

    def __init__(self, *, timeout: int = 0, clock: Clock = time.monotonic) -> None:
        self._timeout = self._default_timeout = check_ttl(timeout, "timeout") / 1000.0
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._versions = itertools.count(1)  # next(): the next version; under the lock
        self._schedule = ExpirySchedule(self._is_current)  # ``next`` is read lock-free
        self._lock = threading.Lock()
        self._opened = False
        self._logger: Any = None

    # -- component lifecycle ----------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        """Take ``options.timeout``; left out, the constructor's applies again."""
        options = cast("MemoryStateStoreConfig", validated(self, config)).options
        given = "timeout" in options.model_fields_set
        self._timeout = options.timeout / 1000.0 if given else self._default_timeout

    def set_references(self, references: IReferences) -> None:
        self._logger = references.get_one_optional("*:logger:*:*:1.0")

    def is_open(self) -> bool:
        return self._opened

    def open(self, correlation_id: str | None) -> None:
        with self._lock:
            if self._opened:
                return
            self._opened = True
        if self._logger is not None:
            timeout_ms = round(self._timeout * 1000)
            self._logger.debug(
                correlation_id, "Opened memory state store (timeout %s ms)", timeout_ms
            )

    def close(self, correlation_id: str | None) -> None:
        with self._lock:
            if not self._opened:
                return
            self._opened = False
        if self._logger is not None:
            self._logger.debug(correlation_id, "Closed memory state store")

    def clear(self, correlation_id: str | None) -> None:
        """Remove every entry (the container's ``Cleanable`` step)."""
        with self._lock:
            self._require_open("clear")
            self._entries.clear()
            self._schedule.clear()

    # -- reads: lock-free, because an entry is an immutable tuple swapped atomically ----
    def load(self, correlation_id: str | None, key: str) -> Any:
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        if not self._opened:
            self._require_open("load")
        entry = self._entries.get(key)
        schedule = self._schedule
        if schedule.next != NEVER:  # _now() inlined: this is the hottest read path
            now = self._clock()
            if schedule.next <= now:
                with self._lock:
                    self._purge(now)
            if entry is not None and entry[2] <= now:
                return None
        return None if entry is None else thaw(entry[0])

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]:
        key = check_key(key)
        self._require_open("load_versioned")
        entry = self._entries.get(key)
        if entry is None or entry[2] <= self._now():
            return None, 0
        return thaw(entry[0]), entry[1]

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]:
        checked = [check_key(key) for key in keys]
        self._require_open("load_bulk")
        entries = self._entries
        now = self._now()
        out = []
        for key in checked:
            entry = entries.get(key)
            if entry is None or entry[2] <= now:
                out.append(StateValue(key, None))
            else:
                out.append(StateValue(key, thaw(entry[0])))
        return out

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
        frozen = value if type(value) is str and value.isascii() else freeze(value, key)
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        lock = self._lock
        lock.acquire()
        try:
            if not self._opened:
                self._require_open("save")
            # _write() inlined, plus the version check: a call costs a tenth of a save.
            # Keep the two alike.
            entries, schedule = self._entries, self._schedule
            if lifetime or schedule.next != NEVER:
                now = self._clock()
                if schedule.next <= now:
                    self._purge(now)  # before reading the entry: it may remove it
            else:  # nothing can expire (no entry has a finite expiry): no need for the clock
                now = 0.0
            old = entries.get(key)
            if expected_version is not None:
                version = 0 if old is None or old[2] <= now else old[1]
                if expected_version != version:
                    raise ConcurrencyError(key, expected_version, version)
            if not lifetime:
                entries[key] = (frozen, next(self._versions), NEVER, NEVER)
            elif old is not None and old[3] <= now + lifetime:
                entries[key] = (frozen, next(self._versions), now + lifetime, old[3])
            else:
                entries[key] = (frozen, next(self._versions), now + lifetime, now + lifetime)
                schedule.push(key, now + lifetime, len(entries))
        finally:
            lock.release()
        return value

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None:
        """Save many keys at once (``None`` values delete); all are validated first."""
        frozen: list[tuple[str, Any]] = []
        for raw_key, value in bulk_pairs(values):
            key = check_key(raw_key)
            frozen.append((key, None if value is None else freeze(value, key)))
        lifetime = self._timeout if ttl is None else check_ttl(ttl) / 1000.0
        with self._lock:
            self._require_open("save_bulk")
            for key, item in frozen:
                if item is None:
                    self._entries.pop(key, None)
                else:
                    self._write(key, item, lifetime)

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any:
        """Remove ``key`` and return its value (``None`` when it was absent)."""
        key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        with self._lock:
            self._require_open("delete")
            now = self._now_locked()
            entry = self._entries.get(key)
            if entry is not None and entry[2] <= now:
                entry = None
            if expected_version is not None:
                actual = 0 if entry is None else entry[1]
                if actual != expected_version:
                    raise ConcurrencyError(key, expected_version, actual)
            if entry is None:
                return None
            del self._entries[key]  # its schedule item goes stale and is dropped when due
        return thaw(entry[0])

    # -- internals: the lock is held unless a method says otherwise -----------------------
    def _write(self, key: str, frozen: Any, lifetime: float) -> None:
        entries, schedule = self._entries, self._schedule
        if lifetime or schedule.next != NEVER:
            now = self._clock()
            if schedule.next <= now:
                self._purge(now)  # before reading the entry: it may remove it
        else:  # nothing can expire: no need to read the clock
            now = 0.0
        old = entries.get(key)
        if not lifetime:
            entries[key] = (frozen, next(self._versions), NEVER, NEVER)
        elif old is not None and old[3] <= now + lifetime:  # already scheduled early enough
            entries[key] = (frozen, next(self._versions), now + lifetime, old[3])
        else:
            entries[key] = (frozen, next(self._versions), now + lifetime, now + lifetime)
            schedule.push(key, now + lifetime, len(entries))

    def _now(self) -> float:
        """The time, first removing a few due entries; ``-inf`` if nothing can expire.

        Lock not held: reads take it only when something is due.
        """
        if self._schedule.next == NEVER:
            return -NEVER
        now = self._clock()
        if self._schedule.next <= now:
            with self._lock:
                self._purge(now)
        return now

    def _now_locked(self) -> float:
        if self._schedule.next == NEVER:
            return -NEVER
        now = self._clock()
        if self._schedule.next <= now:
            self._purge(now)
        return now

    def _purge(self, now: float) -> None:
        """Handle up to ``_PURGE_BATCH`` due items: remove or reschedule their entries."""
        entries, schedule = self._entries, self._schedule
        for at, key in schedule.pop_due(now, _PURGE_BATCH):
            entry = entries.get(key)
            if entry is None or entry[3] != at:
                continue  # stale: the entry was deleted, or is scheduled by another item
            if entry[2] <= now:
                del entries[key]
            else:  # saved again since it was scheduled: schedule its real expiry
                entries[key] = (entry[0], entry[1], entry[2], entry[2])
                schedule.push(key, entry[2], len(entries))

    def _is_current(self, key: str, at: float) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry[3] == at

    def _require_open(self, operation: str) -> None:
        if not self._opened:
            raise InvalidStateError(
                f"the store is not open: call open() before {operation}()",
                component=type(self).__name__,
            )
