"""The Redis stores when Redis is not there: clear errors, no secrets, recovery on its own.

These tests start their own ``redis-server`` on a free port, so they can stop and
restart it without disturbing the shared one. A restarted server is empty and has
lost the loaded scripts, so recovery also proves the NOSCRIPT reload.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis_backends import kv_config, unique_prefix

from servers import PrivateRedis, free_port, private_redis
from wirework.config import ConfigParams
from wirework.container import Container
from wirework.errors import BackendError, LifecycleError
from wirework.state import RedisStateStore
from wirework.state.entity import RedisEntityStore

CID = "test"
SECRET = "s3cret-Pa55"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as started:
        yield started


@pytest.fixture
def locked_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A private server that wants ``SECRET`` as its password."""
    with private_redis(tmp_path, "--requirepass", SECRET) as started:
        yield started


class Recorder:
    """A logger that keeps every formatted message."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def _log(self, correlation_id: str | None, message: str, *args: Any, **kwargs: Any) -> None:
        self.lines.append(message % args if args else message)

    debug = info = warn = error = trace = fatal = _log


class References:
    def __init__(self, logger: Any) -> None:
        self.logger = logger

    def get_one_optional(self, locator: Any) -> Any:
        return self.logger


def test_calls_fail_clearly_while_redis_is_down_then_recover_without_reopening(
    server: PrivateRedis,
) -> None:
    store = RedisStateStore()
    store.configure(kv_config(server.uri, unique_prefix("outage"), connect_timeout=500))
    store.open(CID)
    try:
        store.save(CID, "k", {"n": 1})
        server.stop()
        calls = {
            "load": lambda: store.load(CID, "k"),
            "load_versioned": lambda: store.load_versioned(CID, "k"),
            "load_bulk": lambda: store.load_bulk(CID, [f"k{i}" for i in range(1500)]),
            "save": lambda: store.save(CID, "k", 2, expected_version=1),
            "save_bulk": lambda: store.save_bulk(CID, {"a": 1}),
            "delete": lambda: store.delete(CID, "k"),
        }
        for operation, call in calls.items():
            started = time.monotonic()
            with pytest.raises(BackendError) as info:
                call()
            assert time.monotonic() - started < 2.0, f"{operation} hung on a dead server"
            assert str(info.value).startswith(
                f"RedisStateStore: Redis at 127.0.0.1:{server.port} is unreachable: "
                f"{operation}() failed: "
            )
            assert "reconnects by itself" in str(info.value)
        assert store.is_open()

        server.start()  # empty: no persistence, and no scripts loaded
        assert store.load_versioned(CID, "k") == (None, 0)
        assert store.save(CID, "k", "back", expected_version=0) == "back"
        assert store.load_bulk(CID, ["k", "x"])[0].value == "back"
    finally:
        store.close(CID)


def test_the_entity_store_recovers_too(server: PrivateRedis) -> None:
    store = RedisEntityStore(server.uri + "?socket_timeout=0.5")
    with store:
        store.set_state("e", "a")
        server.stop()
        with pytest.raises(BackendError, match=rf"127\.0\.0\.1:{server.port} is unreachable: "):
            store.set_state_versioned("e", "b", expected_version=1)
        with pytest.raises(BackendError, match=r"get_states_batch\(\) failed"):
            store.get_states_batch(["e", "f"])
        server.start()
        assert store.set_state_versioned("e", "b", expected_version=0) == 1
        assert store.list_entities() == ["e"]


def test_scripts_flushed_from_the_server_are_loaded_again(server: PrivateRedis) -> None:
    store = RedisStateStore()
    store.configure(kv_config(server.uri, unique_prefix("noscript")))
    store.open(CID)
    raw = server.client()
    try:
        keys = [f"k{i}" for i in range(2_500)]  # several chunks: the pipelined path
        for call in (
            lambda: store.save(CID, "k", 1),
            lambda: store.save_bulk(CID, dict.fromkeys(keys, 1)),
            lambda: store.save_bulk(CID, {"one": 1}),
            lambda: store.load_bulk(CID, keys),
        ):
            raw.script_flush()
            call()
        assert store.load(CID, "k") == 1
        assert [item.value for item in store.load_bulk(CID, ["k2499", "one"])] == [1, 1]
    finally:
        raw.close()
        store.close(CID)


def test_close_releases_every_connection(server: PrivateRedis) -> None:
    raw = server.client()
    try:

        def connected() -> int:
            return int(raw.info("clients")["connected_clients"]) - 1  # not counting raw

        store = RedisStateStore()
        store.configure(kv_config(server.uri, unique_prefix("close")))
        store.open(CID)
        barrier = threading.Barrier(6)

        def work() -> None:
            barrier.wait()
            for n in range(50):
                store.save(CID, "k", n)

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert connected() > 1  # a pool, not one connection
        store.close(CID)
        deadline = time.monotonic() + 2
        while connected() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert connected() == 0

        entity = RedisEntityStore(server.uri)
        entity.connect()
        entity.set_state("e", "s")
        assert connected() == 1
        entity.disconnect()
        while connected() and time.monotonic() < deadline + 2:
            time.sleep(0.01)
        assert connected() == 0
    finally:
        raw.close()


def test_more_threads_than_connections_wait_for_one(server: PrivateRedis) -> None:
    raw = server.client()
    store = RedisStateStore()
    store.configure(kv_config(server.uri, unique_prefix("pool"), max_connections=2))
    store.open(CID)
    try:
        barrier = threading.Barrier(8)
        errors: list[BaseException] = []

        def work(index: int) -> None:
            barrier.wait()
            try:
                for n in range(30):
                    store.save(CID, f"k{index}", n)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert [item.value for item in store.load_bulk(CID, [f"k{i}" for i in range(8)])] == [
            29
        ] * 8
        assert int(raw.info("clients")["connected_clients"]) - 1 <= 2
    finally:
        store.close(CID)
        raw.close()


# -- unreachable at open, and secrets ---------------------------------------------------------


def test_open_retries_then_names_host_and_port_but_never_the_password() -> None:
    port = free_port()  # nothing listens there
    store = RedisStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.uri": f"redis://app:{SECRET}@127.0.0.1:{port}/0",
                "options.retries": 2,
                "options.connect_timeout": 200,
            }
        )
    )
    started = time.monotonic()
    with pytest.raises(BackendError) as info:
        store.open(CID)
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert message.startswith(
        f"RedisStateStore: cannot connect to Redis at 127.0.0.1:{port} (3 attempts): "
    )
    for text in (message, repr(info.value), str(info.value.__cause__), repr(store)):
        assert SECRET not in text
    assert not store.is_open()


def test_a_wrong_password_fails_at_once_and_is_not_shown(locked_server: PrivateRedis) -> None:
    store = RedisStateStore()
    store.configure(
        ConfigParams(
            {
                "connection.uri": locked_server.uri,
                "credential.password": "wrong-" + SECRET,
                "options.retries": 5,
            }
        )
    )
    with pytest.raises(BackendError, match=r"\(1 attempt\)") as info:
        store.open(CID)
    assert SECRET not in str(info.value)
    assert f"127.0.0.1:{locked_server.port}" in str(info.value)


def test_credentials_work_and_stay_out_of_repr_logs_and_errors(
    locked_server: PrivateRedis,
) -> None:
    logger = Recorder()
    store = RedisStateStore()
    store.set_references(References(logger))  # type: ignore[arg-type]
    prefix = unique_prefix("secret")
    store.configure(
        ConfigParams(
            {
                "connection.uri": f"redis://:{SECRET}@127.0.0.1:{locked_server.port}/0",
                "options.key_prefix": prefix,
                "options.connect_timeout": 500,
            }
        )
    )
    store.open(CID)
    entity = RedisEntityStore(f"redis://default:{SECRET}@127.0.0.1:{locked_server.port}/0")
    entity.connect()
    try:
        store.save(CID, "k", 1)
        entity.set_state("e", "s")
        texts = [repr(store), repr(entity), *logger.lines]
        locked_server.stop()
        for call in (lambda: store.load(CID, "k"), lambda: entity.get_state("e")):
            with pytest.raises(BackendError) as info:
                call()
            texts += [str(info.value), repr(info.value), str(info.value.__cause__)]
    finally:
        store.close(CID)
        entity.disconnect()
    texts += logger.lines
    assert any("Opened Redis state store at 127.0.0.1:" in line for line in logger.lines)
    assert [text for text in texts if SECRET in text] == []


def test_the_container_adds_where_the_store_is_configured(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "config.yml"
    config.write_text(
        "- descriptor: pip-services:state-store:redis:default:1.0\n"
        "  connection:\n"
        f"    uri: redis://:{SECRET}@127.0.0.1:{port}/0\n"
        "  options:\n"
        "    retries: 0\n"
        "    connect_timeout: 200\n"
    )
    with pytest.raises(LifecycleError) as info:
        Container.from_file(config).open(CID)
    message = str(info.value)
    assert "config.yml:1" in message
    assert f"cannot connect to Redis at 127.0.0.1:{port} (1 attempt)" in message
    assert SECRET not in message


# -- a reply lost after the command was sent ----------------------------------------------------


def _lose_the_reply(server: PrivateRedis, call: Callable[[], Any]) -> BaseException:
    """Run ``call`` while the server is frozen, kill the server mid-call, return the error."""
    caught: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test thread
            caught.append(exc)

    server.pause()
    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)  # the command is sent and waits in the frozen server's socket
    server.kill()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the call did not notice the server had died"
    assert len(caught) == 1, "the call succeeded although its server was killed"
    return caught[0]


_KV_WRITES: dict[str, Callable[[RedisStateStore, int], Any]] = {
    "save": lambda s, version: s.save(CID, "k", 2, expected_version=version),
    "save_bulk": lambda s, version: s.save_bulk(CID, {"k": 2, "other": 3}),
    "delete": lambda s, version: s.delete(CID, "k", expected_version=version),
    "clear": lambda s, version: s.clear(CID),
}


def _kv_call_losing_its_reply(
    tmp_path: Path, call: Callable[[RedisStateStore, int], Any]
) -> tuple[BaseException, int]:
    """``call(store, version of "k")`` on a private server killed mid-call; error, port."""
    with private_redis(tmp_path) as server:
        store = RedisStateStore()
        store.configure(kv_config(server.uri, unique_prefix("lost"), connect_timeout=5000))
        store.open(CID)
        try:
            store.save(CID, "k", 1)
            version = store.load_versioned(CID, "k")[1]
            return _lose_the_reply(server, lambda: call(store, version)), server.port
        finally:
            store.close(CID)


@pytest.mark.parametrize("operation", list(_KV_WRITES))
def test_a_write_whose_reply_is_lost_may_or_may_not_have_been_applied(
    tmp_path: Path, operation: str
) -> None:
    """It used to say "save() failed", and a retry then met a version conflict."""
    error, port = _kv_call_losing_its_reply(tmp_path, _KV_WRITES[operation])
    assert isinstance(error, BackendError)
    assert str(error).startswith(
        f"RedisStateStore: lost the reply of Redis at 127.0.0.1:{port} to {operation}(): "
        "the write may or may not have been applied: "
    )
    assert "read it back before trying again" in str(error)


def test_an_entity_write_whose_reply_is_lost_may_or_may_not_have_been_applied(
    tmp_path: Path,
) -> None:
    with private_redis(tmp_path) as server, RedisEntityStore(server.uri) as store:
        store.set_state("e", "a")
        error = _lose_the_reply(server, lambda: store.set_state("e", "b"))
    assert isinstance(error, BackendError)
    assert "to set_state(): the write may or may not have been applied: " in str(error)


def test_a_read_whose_reply_is_lost_just_failed(tmp_path: Path) -> None:
    error, port = _kv_call_losing_its_reply(tmp_path, lambda store, _: store.load(CID, "k"))
    assert isinstance(error, BackendError)
    assert str(error).startswith(
        f"RedisStateStore: Redis at 127.0.0.1:{port} is unreachable: load() failed: "
    )
    assert "may or may not" not in str(error)
