"""Fixtures for the state-store conformance suites: one table row per backend.

Every test in ``test_kv_conformance.py`` and ``test_entity_conformance.py`` runs once
per row of ``KV_BACKENDS`` / ``ENTITY_BACKENDS``. Adding a backend is one line in the
table plus its factory. A factory is a context manager: it builds a configured but
unopened store (and, for a server backend, an isolated namespace or table it drops on
exit; it may ``pytest.skip`` when its server is not reachable). The fixtures open the
store, hand it to the test, and close it afterwards.

Key-value factories receive the :class:`ManualClock` that the ``clock`` fixture gives
the test, and must make the store's expiry follow it, so expiry is tested without
sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

import pytest
from redis_backends import make_redis_entity, make_redis_kv
from sql_backends import make_postgres_entity, make_postgres_kv, make_sqlite_entity, make_sqlite_kv

from wirework.config import ConfigParams
from wirework.state import IVersionedStateStore, ManualClock, MemoryStateStore
from wirework.state.entity import MemoryEntityStore

KvFactory = Callable[[ManualClock, ConfigParams], AbstractContextManager[Any]]
EntityFactory = Callable[[], AbstractContextManager[Any]]


@contextmanager
def make_memory_kv(clock: ManualClock, config: ConfigParams) -> Iterator[MemoryStateStore]:
    store = MemoryStateStore(clock=clock)
    store.configure(config)
    yield store


@contextmanager
def make_memory_entity() -> Iterator[MemoryEntityStore]:
    yield MemoryEntityStore()


KV_BACKENDS: dict[str, KvFactory] = {
    "memory": make_memory_kv,
    "redis": make_redis_kv,
    "sqlite": make_sqlite_kv,
    "postgres": make_postgres_kv,
}

ENTITY_BACKENDS: dict[str, EntityFactory] = {
    "memory": make_memory_entity,
    "redis": make_redis_entity,
    "sqlite": make_sqlite_entity,
    "postgres": make_postgres_entity,
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=list(KV_BACKENDS))
def kv_backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def new_kv_store(kv_backend: str, clock: ManualClock) -> Iterator[Callable[..., Any]]:
    """``new_kv_store(**config)``: a configured, *unopened* store, closed after the test.

    Keyword names are config keys with ``_`` for ``.``: ``options_timeout=1000``.
    """
    with ExitStack() as stack:

        def new(**config: Any) -> Any:
            params = ConfigParams({key.replace("_", "."): value for key, value in config.items()})
            store = stack.enter_context(KV_BACKENDS[kv_backend](clock, params))
            stack.callback(_close_kv, store)
            return store

        yield new


@pytest.fixture
def open_kv_store(new_kv_store: Callable[..., Any]) -> Callable[..., Any]:
    """``open_kv_store(**config)``: as ``new_kv_store`` but already open."""

    def open_store(**config: Any) -> Any:
        store = new_kv_store(**config)
        store.open(None)
        return store

    return open_store


@pytest.fixture
def kv_store(open_kv_store: Callable[..., Any]) -> IVersionedStateStore:
    """An open store with the backend's default config (no timeout)."""
    store: IVersionedStateStore = open_kv_store()
    return store


@pytest.fixture(params=list(ENTITY_BACKENDS))
def entity_backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def new_entity_store(entity_backend: str) -> Iterator[Callable[[], Any]]:
    """``new_entity_store()``: an unconnected store, disconnected after the test."""
    with ExitStack() as stack:

        def new() -> Any:
            store = stack.enter_context(ENTITY_BACKENDS[entity_backend]())
            stack.callback(_disconnect, store)
            return store

        yield new


@pytest.fixture
def entity_store(new_entity_store: Callable[[], Any]) -> Any:
    """A connected entity store."""
    store = new_entity_store()
    store.connect()
    return store


def _close_kv(store: Any) -> None:
    if store.is_open():
        store.close(None)


def _disconnect(store: Any) -> None:
    if store.is_connected:
        store.disconnect()
