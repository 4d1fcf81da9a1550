"""The one connection pool, with stand-in connections whose socket the test controls."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from wirework.errors import BackendError
from wirework.sql._pool import ConnectionPool


class Fake:
    """A connection: one end of a socket pair; the server is the other end."""

    made = 0

    def __init__(self) -> None:
        Fake.made += 1
        self.number = Fake.made
        self.client, self.server = socket.socketpair()
        self.closed = False
        self.reusable = True

    def fileno(self) -> int:
        return self.client.fileno()

    def goodbye(self) -> None:
        """What a server does before it drops an idle connection: it speaks."""
        self.server.send(b"E")

    def close(self) -> None:
        self.closed = True
        self.client.close()
        self.server.close()


@pytest.fixture
def made() -> Iterator[list[Fake]]:
    connections: list[Fake] = []
    yield connections
    for connection in connections:
        if not connection.closed:
            connection.close()


def pool(made: list[Fake], size: int = 2, wait: float = 0.2, fail: bool = False) -> Any:
    def connect() -> Fake:
        if fail:
            raise OSError("refused")
        connection = Fake()
        made.append(connection)
        return connection

    return ConnectionPool(
        connect,
        size=size,
        wait=wait,
        reusable=lambda c: c.reusable,
        discard=lambda c: c.close(),
        where="db:5432/app",
        component="C",
    )


def test_connections_are_made_on_demand_and_reused_most_recent_first(made: list[Fake]) -> None:
    p = pool(made)
    first, second = p.acquire(), p.acquire()
    assert len(made) == 2
    p.release(first)
    p.release(second)
    assert p.acquire() is second
    assert len(made) == 2


def test_no_more_than_size_connections_then_a_clear_error(made: list[Fake]) -> None:
    p = pool(made, size=1, wait=0.2)
    held = p.acquire()
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"all 1 connections to db:5432/app stayed busy") as info:
        p.acquire()
    assert time.monotonic() - started >= 0.2
    assert "raise options.max_pool_size" in str(info.value)
    assert len(made) == 1
    p.release(held)


def test_a_waiting_caller_gets_the_connection_given_back(made: list[Fake]) -> None:
    p = pool(made, size=1, wait=5)
    held = p.acquire()
    got: list[Any] = []
    waiter = threading.Thread(target=lambda: got.append(p.acquire()))
    waiter.start()
    time.sleep(0.05)
    p.release(held)
    waiter.join(5)
    assert got == [held]


def test_an_idle_connection_the_server_spoke_on_is_never_handed_out(made: list[Fake]) -> None:
    p = pool(made, size=1)
    first = p.acquire()
    p.release(first)
    first.conn.goodbye()
    second = p.acquire()
    assert second.conn is not first.conn
    assert first.conn.closed  # dropped without anything sent on it
    assert len(made) == 2


def test_a_connection_given_back_unusable_is_closed_and_its_slot_freed(made: list[Fake]) -> None:
    p = pool(made, size=1)
    item = p.acquire()
    item.conn.reusable = False  # broken, or left inside a transaction
    p.release(item)
    assert item.conn.closed
    assert p.acquire().conn is not item.conn


def test_a_failed_connect_frees_its_slot(made: list[Fake]) -> None:
    p = pool(made, size=1, fail=True)
    for _ in range(3):  # the slot comes back each time: no "busy" error
        with pytest.raises(OSError, match="refused"):
            p.acquire()


def test_close_closes_idle_ones_now_and_lent_ones_when_they_come_back(made: list[Fake]) -> None:
    p = pool(made)
    lent, idle = p.acquire(), p.acquire()
    p.release(idle)
    p.close()
    assert idle.conn.closed
    assert not lent.conn.closed
    assert p.acquire() is None
    p.release(lent)
    assert lent.conn.closed


def test_a_connection_made_outside_counts_against_the_size(made: list[Fake]) -> None:
    p = pool(made, size=1, wait=0.1)
    outside = Fake()
    made.append(outside)
    p.add(outside)
    assert p.acquire().conn is outside
    with pytest.raises(BackendError, match="stayed busy"):
        p.acquire()
