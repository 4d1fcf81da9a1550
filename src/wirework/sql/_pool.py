"""A small thread-safe connection pool, so concurrent calls do not queue on one socket.

Why not ``psycopg_pool``: it brings its own worker threads and a dependency for what
this needs: at most N connections, made on demand, reused most-recent-first, and a
connection that died while idle never handed out. Taking and giving back a
connection costs a lock and a zero-wait ``poll``, far below a round trip.

An idle connection has nothing to read. If its socket is readable, the server has
closed it or sent a goodbye (a terminated backend sends ``FATAL 57P01`` first), so
the pool drops it, without sending anything on it, rather than fail the next
statement. A connection given back broken, or inside a transaction, is closed
instead of reused. The driver says what "reusable" means and how to close quietly,
so the pool knows no driver.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from wirework.errors import BackendError


class Connection(Protocol):
    """What the pool looks at in a connection."""

    def fileno(self) -> int: ...


C = TypeVar("C", bound=Connection)


class Pooled(Generic[C]):
    """A connection and the zero-wait check of its socket, made once."""

    __slots__ = ("_poll", "conn")

    def __init__(self, conn: C) -> None:
        self.conn = conn
        fd = conn.fileno()
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
            self._poll: Callable[[int], list[Any]] = poller.poll
        else:  # pragma: no cover - Windows has no poll; select() takes sockets there
            self._poll = lambda timeout: select.select([fd], [], [], timeout)[0]

    def usable(self) -> bool:
        """False when the server has spoken on an idle connection: it is closing it."""
        return not self._poll(0)


class ConnectionPool(Generic[C]):
    """At most ``size`` connections; a caller waits up to ``wait`` s for a free one."""

    def __init__(
        self,
        connect: Callable[[], C],
        *,
        size: int,
        wait: float,
        reusable: Callable[[C], bool],
        discard: Callable[[C], None],
        where: str,
        component: str,
    ) -> None:
        self._connect = connect
        self._size = size
        self._wait = wait
        self._reusable = reusable
        self._discard = discard
        self._where = where
        self._component = component
        self._idle: list[Pooled[C]] = []
        self._count = 0  # idle + in use
        self._waiting = 0
        self._closed = False
        # The plain lock on the usual paths (a Condition's own "with" is Python code);
        # the Condition over it only to wait and to wake a waiter.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def __repr__(self) -> str:
        return f"ConnectionPool({self._where}, {self._count}/{self._size} open)"

    def add(self, conn: C) -> None:
        """Keep a connection made outside the pool (the first, made with retries)."""
        with self._lock:
            self._count += 1
            self._idle.append(Pooled(conn))

    def acquire(self) -> Pooled[C] | None:
        """A live connection (an idle one, a new one, or the next one given back);
        ``None`` once the pool is closed."""
        while True:
            with self._lock:
                if not self._idle:
                    if not self._wait_for_room():
                        return None
                    if not self._idle:
                        self._count += 1  # a slot reserved for a new connection
                        break
                item = self._idle.pop()
            if item.usable():  # checked outside the lock: a syscall must not queue others
                return item
            self._forget(item)
        try:
            return Pooled(self._connect())
        except BaseException:
            self._forget(None)
            raise

    def _wait_for_room(self) -> bool:
        """Under the lock: wait until a connection is idle or may be made; ``False``
        when the pool is closed."""
        deadline: float | None = None
        while not self._closed and not self._idle and self._count >= self._size:
            if deadline is None:
                deadline = time.monotonic() + self._wait
            left = deadline - time.monotonic()
            self._waiting += 1
            try:
                woken = left > 0 and self._changed.wait(left)
            finally:
                self._waiting -= 1
            if not woken:
                raise BackendError(
                    f"all {self._size} connections to {self._where} stayed busy "
                    f"for {self._wait:g} s",
                    component=self._component,
                    hint="raise options.max_pool_size, or look for slow statements",
                )
        return not self._closed

    def _forget(self, item: Pooled[C] | None) -> None:
        """Give up a slot: a dead connection's, or one whose connect failed."""
        with self._lock:
            self._count -= 1
            if self._waiting:
                self._changed.notify()
        if item is not None:
            self._discard(item.conn)

    def release(self, item: Pooled[C]) -> None:
        """Take back a connection; a broken or busy one is closed, not reused."""
        keep = self._reusable(item.conn)
        with self._lock:
            if keep and not self._closed:
                self._idle.append(item)
            else:
                self._count -= 1
                keep = False
            if self._waiting:
                self._changed.notify()
        if not keep:
            self._discard(item.conn)

    def close(self) -> None:
        """Close the idle connections now and the ones in use when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._changed.notify_all()
        for item in idle:
            self._discard(item.conn)
