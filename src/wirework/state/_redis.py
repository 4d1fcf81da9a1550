"""Key-value state in Redis: ``pip-services:state-store:redis:*:1.0``.

Each key is a Redis hash under ``options.key_prefix`` holding the JSON value (``v``),
its version (``n``) and when it expires (``x``, milliseconds on the store's clock,
0 = never). Why this layout and why every call is a Lua script:

* versions must be atomic across processes, so a versioned save is one script that
  reads the version, compares, and writes with a new version: never read-then-write.
  New versions come from one counter per prefix (the key ``<prefix>\\0version``,
  which no state key can be, as keys never hold NUL), so a key deleted or expired and
  saved again never gets an old version back. ``clear`` keeps the counter;
* expiry must follow the store's injected clock (tests move a ``ManualClock``; in
  production it is wall time, shared by every process), so each script gets ``now``
  and treats ``x <= now`` as absent (deleting it on the way). The entry also gets a
  native ``PEXPIRE`` of its lifetime, so Redis reclaims memory by itself;
* values are validated and encoded by :mod:`wirework.data._values`, so Redis refuses
  exactly what memory and SQL refuse;
* bulk calls send one script per chunk of up to 1,000 keys, all chunks in one round
  trip, so a bulk call never costs a round trip per key nor blocks Redis for long.

The scripts only touch the keys they are given, except ``clear``, which scans the
prefix. Multi-key scripts assume one server (not Redis Cluster). A script checks its
arguments and reads everything before its first write, and nothing after that write
can fail, so a call that reports an error has written nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from wirework.build._drivers import REDIS, Driver
from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef, validated
from wirework.data._values import (
    MAX_KEY_BYTES,
    check_key,
    check_ttl,
    check_version,
    decode,
    encode,
)
from wirework.errors import ConcurrencyError, InvalidStateError
from wirework.refer import IReferences
from wirework.state import _redis_scripts as lua
from wirework.state._clock import Clock
from wirework.state._protocol import StateValue, bulk_pairs
from wirework.state._redis_link import STATE_PREFIX, RedisLink, check_prefix, link_for

if TYPE_CHECKING:
    from wirework.state._schema import RedisStateStoreConfig

_NAME = "RedisStateStore"
T = TypeVar("T")
_CHUNK = 1000  # keys per bulk script call: one call never blocks Redis for long
_COUNTER = "\x00version"  # after the prefix: the last version the store gave


class RedisStateStore:
    """Key-value state in Redis, shared by every process that uses the same prefix.

    Config: ``connection.uri`` (``redis://``, ``rediss://``, ``unix://``) or
    ``connection.host``/``port``/``database``; ``credential.username``/``password``;
    ``options.connect_timeout`` (ms, also the per-command socket timeout),
    ``options.retries`` (connection attempts on open), ``options.max_connections``
    (pool size, default 100; more callers at once wait for a connection),
    ``options.key_prefix`` (default ``wirework:state:``) and ``options.timeout``
    (ms, 0 = never expire).
    ``clock`` returns seconds; it defaults to wall time so that every process
    agrees on when an entry expires.
    """

    config_schema: ClassVar[SchemaRef] = "wirework.state._schema:RedisStateStoreConfig"
    drivers: ClassVar[tuple[Driver, ...]] = (REDIS,)

    def __init__(
        self,
        *,
        timeout: int = 0,
        clock: Clock = time.time,
        key_prefix: str = STATE_PREFIX,
    ) -> None:
        self._timeout = check_ttl(timeout, "timeout")
        self._clock = clock
        self._prefix = check_prefix(key_prefix, _NAME)
        self._link = link_for(ConfigParams(), _NAME, lua.SCRIPTS)
        self._logger: Any = None

    def __repr__(self) -> str:
        return (
            f"RedisStateStore(address={self._link.address!r}, key_prefix={self._prefix!r}, "
            f"open={self._link.is_open})"
        )

    # -- component lifecycle --------------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        if self._link.is_open:
            raise InvalidStateError("configure() must come before open()", component=_NAME)
        options = cast("RedisStateStoreConfig", validated(self, config)).options
        given = options.model_fields_set
        timeout = options.timeout if "timeout" in given else self._timeout
        prefix = options.key_prefix if "key_prefix" in given else self._prefix
        link = link_for(config, _NAME, lua.SCRIPTS)  # everything is checked before anything is set
        self._timeout, self._prefix, self._link = timeout, prefix, link

    def set_references(self, references: IReferences) -> None:
        self._logger = references.get_one_optional("*:logger:*:*:1.0")

    def is_open(self) -> bool:
        return self._link.is_open

    def open(self, correlation_id: str | None) -> None:
        if self._link.is_open:
            return
        self._link.open()
        if self._logger is not None:
            self._logger.debug(
                correlation_id,
                "Opened Redis state store at %s (prefix %r, timeout %s ms)",
                self._link.address,
                self._prefix,
                self._timeout,
            )

    def close(self, correlation_id: str | None) -> None:
        if not self._link.is_open:
            return
        self._link.close()
        if self._logger is not None:
            self._logger.debug(correlation_id, "Closed Redis state store at %s", self._link.address)

    def check_health(self, correlation_id: str | None) -> None:
        """Redis answers a PING (``HealthCheckable``); a ``BackendError`` if not."""
        self._require_open("check_health").ping("check_health")

    def clear(self, correlation_id: str | None) -> None:
        """Remove every entry under the key prefix (the container's ``Cleanable`` step)."""
        self._require_open("clear").delete_prefixed("clear", self._prefix, keep=self._counter)

    # -- reads ------------------------------------------------------------------------
    def load(self, correlation_id: str | None, key: str) -> Any:
        if type(key) is not str or len(key) > MAX_KEY_BYTES or "\x00" in key or not key.isascii():
            key = check_key(key)
        link = self._require_open("load")
        text = link.run("load", lua.LOAD, 1, self._prefix + key, self._now_ms())
        return None if text is None else decode(text)

    def load_versioned(self, correlation_id: str | None, key: str) -> tuple[Any, int]:
        key = check_key(key)
        link = self._require_open("load_versioned")
        reply = link.run(
            "load_versioned", lua.LOAD_VERSIONED, 1, self._prefix + key, self._now_ms()
        )
        return (decode(reply[0]), int(reply[1])) if reply else (None, 0)

    def load_bulk(self, correlation_id: str | None, keys: Sequence[str]) -> list[StateValue]:
        checked = [check_key(key) for key in keys]
        link = self._require_open("load_bulk")
        if not checked:
            return []
        prefix, now = self._prefix, self._now_ms()
        calls = [
            (len(chunk), [*(prefix + key for key in chunk), now]) for chunk in _chunks(checked)
        ]
        replies = link.run_many("load_bulk", lua.LOAD_MANY, calls)
        values = (
            decode(replies[0]) if len(replies) == 1 else [v for r in replies for v in decode(r)]
        )
        return [StateValue(key, value) for key, value in zip(checked, values, strict=True)]

    # -- writes -----------------------------------------------------------------------
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
        lifetime = self._timeout if ttl is None else check_ttl(ttl)
        link = self._require_open("save")
        now = self._now_ms()
        expected = -1 if expected_version is None else expected_version
        expires = now + lifetime if lifetime else 0
        args = (self._prefix + key, self._counter, now, expected, lifetime, expires, text)
        version = link.run("save", lua.SAVE, 2, *args)
        if version <= 0:
            raise ConcurrencyError(key, expected, -version)
        return value

    def save_bulk(
        self,
        correlation_id: str | None,
        values: Mapping[str, Any] | Iterable[StateValue],
        *,
        ttl: int | None = None,
    ) -> None:
        """Save many keys at once (``None`` values delete); all are validated first.

        Each chunk of up to 1,000 keys is written atomically; all chunks go in one
        round trip.
        """
        pairs: list[tuple[str, str]] = []  # a key given twice is saved twice, as in memory
        for raw_key, value in bulk_pairs(values):
            key = check_key(raw_key)
            pairs.append((key, "" if value is None else encode(value, key)))
        lifetime = self._timeout if ttl is None else check_ttl(ttl)
        link = self._require_open("save_bulk")
        if not pairs:
            return
        now = self._now_ms()
        expires = now + lifetime if lifetime else 0
        calls = [
            (
                len(chunk) + 1,
                [
                    *(self._prefix + key for key, _ in chunk),
                    self._counter,
                    *(now, lifetime, expires),
                    *(text for _, text in chunk),
                ],
            )
            for chunk in _chunks(pairs)
        ]
        link.run_many("save_bulk", lua.SAVE_MANY, calls)

    def delete(
        self, correlation_id: str | None, key: str, *, expected_version: int | None = None
    ) -> Any:
        """Remove ``key`` and return its value (``None`` when it was absent)."""
        key = check_key(key)
        if expected_version is not None:
            check_version(expected_version)
        link = self._require_open("delete")
        expected = -1 if expected_version is None else expected_version
        reply = link.run("delete", lua.DELETE, 1, self._prefix + key, self._now_ms(), expected)
        if reply[0] == 0:
            raise ConcurrencyError(key, expected, int(reply[1]))
        return decode(reply[2]) if len(reply) > 2 else None

    # -- internals --------------------------------------------------------------------
    @property
    def _counter(self) -> str:
        """The key holding the last version given: NUL, which no state key holds, keeps
        it apart from every state key under the prefix."""
        return self._prefix + _COUNTER

    def _now_ms(self) -> int:
        return round(self._clock() * 1000)

    def _require_open(self, operation: str) -> RedisLink:
        link = self._link
        if not link.is_open:
            raise InvalidStateError(
                f"the store is not open: call open() before {operation}()", component=_NAME
            )
        return link


def _chunks(items: list[T]) -> list[list[T]]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]
