"""Every backend's ``check_health``: a real round trip, bounded, clear, and harmless.

What a readiness probe relies on: an open store answers, a server that is down (or
frozen) fails the check within the connection's own timeouts with a
:class:`BackendError` naming where, never a secret; and once the server is back the
same store, never reopened, passes again: a failed check leaves nothing broken.

Redis is a private ``redis-server`` stopped and started again; PostgreSQL is the
shared server seen through a relay on a port of the test's own, which the test
closes, freezes and opens again.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis_backends import kv_config, make_redis_entity, make_redis_kv, unique_prefix
from sql_backends import (
    drop_table,
    make_postgres_entity,
    make_postgres_kv,
    make_sqlite_entity,
    make_sqlite_kv,
    postgres_uri,
    unique_table,
)

from servers import PrivateRedis, free_port, private_redis
from wirework.config import ConfigParams
from wirework.errors import BackendError, InvalidStateError
from wirework.lifecycle import HealthCheckable, capabilities
from wirework.persistence.sql import IdentifiablePostgresPersistence, IdentifiableSqlitePersistence
from wirework.state import ManualClock, PostgresStateStore, RedisStateStore
from wirework.state.entity import RedisEntityStore

CID = "health"
SECRET = "s3cret-Pa55"


@contextmanager
def make_sqlite_persistence(tmp_path: Path) -> Iterator[Any]:
    persistence: Any = IdentifiableSqlitePersistence("items")
    persistence.configure(ConfigParams({"connection.database": str(tmp_path / "items.db")}))
    yield persistence


@contextmanager
def make_postgres_persistence(tmp_path: Path) -> Iterator[Any]:
    uri, table = postgres_uri(), unique_table("items")
    persistence: Any = IdentifiablePostgresPersistence(table)
    persistence.configure(ConfigParams({"connection.uri": uri}))
    try:
        yield persistence
    finally:
        persistence.close(CID)
        drop_table(uri, table)


BACKENDS: dict[str, Callable[[Path], AbstractContextManager[Any]]] = {
    "sqlite kv": lambda _: make_sqlite_kv(ManualClock(), ConfigParams()),
    "postgres kv": lambda _: make_postgres_kv(ManualClock(), ConfigParams()),
    "redis kv": lambda _: make_redis_kv(ManualClock(), ConfigParams()),
    "sqlite entity": lambda _: make_sqlite_entity(),
    "postgres entity": lambda _: make_postgres_entity(),
    "redis entity": lambda _: make_redis_entity(),
    "sqlite persistence": make_sqlite_persistence,
    "postgres persistence": make_postgres_persistence,
}


@pytest.fixture(params=list(BACKENDS))
def component(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A configured, unopened backend component, closed after the test."""
    with BACKENDS[request.param](tmp_path) as made:
        try:
            yield made
        finally:
            made.close(CID)


def test_an_open_backend_passes_its_check_and_a_closed_one_says_so(component: Any) -> None:
    assert isinstance(component, HealthCheckable)
    assert capabilities(component).health_checkable
    name = type(component).__name__
    with pytest.raises(InvalidStateError, match=rf"^{name}: .*check_health\(\)"):
        component.check_health(CID)
    component.open(CID)
    assert component.check_health(CID) is None
    component.close(CID)
    with pytest.raises(InvalidStateError, match=r"check_health\(\)"):
        component.check_health(CID)


def test_checks_from_many_threads_at_once_all_pass(component: Any) -> None:
    component.open(CID)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        for _ in range(20):
            try:
                component.check_health(CID)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# -- Redis: a private server stopped, frozen and started again ------------------------------


def redis_kv(server: PrivateRedis, **options: Any) -> RedisStateStore:
    store = RedisStateStore()
    store.configure(kv_config(server.uri, unique_prefix("health"), **options))
    store.open(CID)
    return store


def failed_check(store: Any, within: float) -> BackendError:
    """The error of ``store.check_health`` (which must fail within ``within`` s)."""
    started = time.monotonic()
    with pytest.raises(BackendError) as info:
        store.check_health(CID)
    assert time.monotonic() - started < within, "the check hung on a dead server"
    return info.value


def test_redis_down_fails_the_check_and_back_passes_it_on_the_same_store(
    tmp_path: Path,
) -> None:
    import redis

    with private_redis(tmp_path) as server:
        store = redis_kv(server, connect_timeout=500)
        try:
            store.check_health(CID)
            server.stop()
            error = failed_check(store, within=2.0)
            assert str(error).startswith(
                f"RedisStateStore: Redis at 127.0.0.1:{server.port} is unreachable: "
                "check_health() failed: "
            )
            assert "reconnects by itself" in str(error)
            assert isinstance(error.__cause__, redis.ConnectionError)
            assert store.is_open()

            server.start()  # the same port
            assert store.check_health(CID) is None
            store.save(CID, "k", "back")
            assert store.load(CID, "k") == "back"
        finally:
            store.close(CID)


def test_a_frozen_redis_fails_the_check_within_the_socket_timeout(tmp_path: Path) -> None:
    with private_redis(tmp_path) as server:
        store = redis_kv(server, connect_timeout=300)
        try:
            server.pause()  # takes connections and bytes, answers nothing
            error = failed_check(store, within=2.0)
            assert f"Redis at 127.0.0.1:{server.port} is unreachable" in str(error)
            server.kill()
            server.start()
            store.check_health(CID)
        finally:
            store.close(CID)


def test_the_redis_entity_store_fails_and_recovers_alike(tmp_path: Path) -> None:
    with private_redis(tmp_path) as server:
        store = RedisEntityStore(server.uri + "?socket_timeout=0.5&socket_connect_timeout=0.5")
        with store:
            store.check_health(CID)
            server.stop()
            error = failed_check(store, within=2.0)
            assert str(error).startswith(
                f"RedisEntityStore: Redis at 127.0.0.1:{server.port} is unreachable: "
                "check_health() failed: "
            )
            server.start()
            store.check_health(CID)
            assert store.is_connected


def test_a_failed_redis_check_never_shows_the_password(tmp_path: Path) -> None:
    with private_redis(tmp_path, "--requirepass", SECRET) as server:
        uri = f"redis://:{SECRET}@127.0.0.1:{server.port}/0"
        store = RedisStateStore()
        store.configure(ConfigParams({"connection.uri": uri, "options.connect_timeout": 500}))
        store.open(CID)
        try:
            store.check_health(CID)
            server.stop()
            error = failed_check(store, within=2.0)
            for text in (str(error), repr(error), str(error.__cause__)):
                assert SECRET not in text
        finally:
            store.close(CID)


# -- PostgreSQL: the shared server through a relay the test controls -----------------------


class Relay:
    """A TCP relay from a free loopback port to a real server.

    ``stop`` closes the port and every relayed connection (as a server that went
    away); ``freeze`` keeps them open but passes nothing on (as a server that hangs);
    ``start`` listens again on the same port.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._flowing = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._stopping.clear()
        self._flowing.set()
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR
        listener.settimeout(0.05)
        self._spawn(self._accept, listener)

    def freeze(self) -> None:
        self._flowing.clear()

    def stop(self) -> None:
        self._stopping.set()
        self._flowing.set()  # frozen pumps wake up and see the stop
        with self._lock:
            sockets, self._sockets = self._sockets, []
            threads, self._threads = self._threads, []
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in threads:
            thread.join(5)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while not self._stopping.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.target)
                with self._lock:
                    self._sockets += [client, upstream]
                self._spawn(self._pump, client, upstream)
                self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while self._flowing.wait() and not self._stopping.is_set():
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()
                if self._stopping.is_set():
                    break
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the other side, or stop(), closed it


@pytest.fixture
def relay() -> Iterator[Relay]:
    parts = urlsplit(postgres_uri())
    started = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    started.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def postgres_store(relay: Relay) -> Iterator[PostgresStateStore]:
    """A store on the shared server through ``relay``, with a password to keep secret."""
    parts = urlsplit(postgres_uri())
    table = unique_table("health")
    store = PostgresStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.host": "127.0.0.1",
                "connection.port": relay.port,
                "connection.database": parts.path.lstrip("/"),
                "credential.username": parts.username or "postgres",
                "credential.password": SECRET,
                "options.connect_timeout": 1000,
                "options.table": table,
            }
        )
    )
    store.open(CID)
    try:
        yield store
    finally:
        store.close(CID)
        drop_table(postgres_uri(), table)


def test_postgres_at_a_closed_port_fails_the_check_quickly_then_recovers(
    relay: Relay, postgres_store: PostgresStateStore
) -> None:
    postgres_store.check_health(CID)
    relay.stop()
    error = failed_check(postgres_store, within=3.0)
    where = f"PostgreSQL at 127.0.0.1:{relay.port}/"
    assert str(error).startswith(f"PostgresStateStore: cannot connect to {where}")
    assert "Connection refused" in str(error)
    assert SECRET not in str(error)
    assert SECRET not in repr(error)

    relay.start()  # the same port: the same store passes, never reopened
    postgres_store.check_health(CID)
    postgres_store.save(CID, "k", 1)
    assert postgres_store.load(CID, "k") == 1


def test_postgres_that_never_answers_fails_the_check_within_the_connect_timeout(
    relay: Relay, postgres_store: PostgresStateStore
) -> None:
    postgres_store.check_health(CID)
    relay.freeze()
    error = failed_check(postgres_store, within=3.0)
    assert str(error).startswith(
        f"PostgresStateStore: check_health() on PostgreSQL at 127.0.0.1:{relay.port}/"
    )
    assert "no answer within 1 s" in str(error)

    relay.stop()  # the connection that hung is gone; the pool makes a new one
    relay.start()
    postgres_store.check_health(CID)
    assert postgres_store.load(CID, "missing") is None
