"""Redis factories for the conformance tables, and helpers for the Redis-only tests.

Every store gets its own key prefix, and everything under it is deleted on exit, so
tests can share one Redis server (and run in parallel) without seeing each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from servers import REDIS_URI, require
from wirework.config import ConfigParams
from wirework.errors import ConcurrencyError
from wirework.state import ManualClock, RedisStateStore
from wirework.state.entity import RedisEntityStore


def unique_prefix(kind: str) -> str:
    return f"wirework-test:{kind}:{uuid.uuid4().hex[:12]}:"


def drop_prefix(uri: str, prefix: str) -> None:
    """Delete every key under ``prefix`` with a plain redis-py client."""
    import redis

    client = redis.Redis.from_url(uri)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        for start in range(0, len(keys), 1000):
            client.unlink(*keys[start : start + 1000])
    finally:
        client.close()


@contextmanager
def make_redis_kv(clock: ManualClock, config: ConfigParams) -> Iterator[RedisStateStore]:
    uri = require(REDIS_URI, "Redis")
    prefix = unique_prefix("kv")
    store = RedisStateStore(clock=clock)
    try:
        store.configure(config.override({"connection.uri": uri, "options.key_prefix": prefix}))
        yield store
    finally:
        drop_prefix(uri, prefix)


@contextmanager
def make_redis_entity() -> Iterator[RedisEntityStore]:
    uri = require(REDIS_URI, "Redis")
    prefix = unique_prefix("entity")
    try:
        yield RedisEntityStore(uri, key_prefix=prefix)
    finally:
        drop_prefix(uri, prefix)


def kv_config(uri: str, prefix: str, **options: Any) -> ConfigParams:
    """A config for a key-value store at ``uri`` with ``prefix`` and ``options.*``."""
    config = ConfigParams({"connection.uri": uri, "options.key_prefix": prefix})
    config.update({f"options.{name}": value for name, value in options.items()})
    return config


# -- work for child processes (spawned: they import this module by name) ------------------


def kv_increments(uri: str, prefix: str, key: str, count: int) -> int:
    """``count`` versioned increments of ``key``, retried on conflict; returns the conflicts."""
    store = RedisStateStore()
    store.configure(kv_config(uri, prefix))
    store.open(None)
    conflicts = 0
    try:
        done = 0
        while done < count:
            value, version = store.load_versioned(None, key)
            try:
                store.save(None, key, (value or 0) + 1, expected_version=version)
            except ConcurrencyError:
                conflicts += 1
                continue
            done += 1
    finally:
        store.close(None)
    return conflicts


def entity_increments(uri: str, prefix: str, entity_id: str, count: int) -> int:
    """As :func:`kv_increments`, on an entity whose state is a number."""
    with RedisEntityStore(uri, key_prefix=prefix) as store:
        conflicts = 0
        done = 0
        while done < count:
            state, version = store.get_state_versioned(entity_id)
            try:
                store.set_state_versioned(
                    entity_id, str(int(state or 0) + 1), expected_version=version
                )
            except ConcurrencyError:
                conflicts += 1
                continue
            done += 1
        return conflicts


def echo_kv(uri: str, prefix: str) -> Any:
    """Read what the parent wrote and answer under another key."""
    store = RedisStateStore()
    store.configure(kv_config(uri, prefix))
    store.open(None)
    try:
        seen = store.load_versioned(None, "from-parent")
        store.save(None, "from-child", {"seen": seen[0], "version": seen[1]})
        return seen
    finally:
        store.close(None)
