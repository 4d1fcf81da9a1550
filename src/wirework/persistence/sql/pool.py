"""A small thread-safe connection pool, so concurrent calls do not queue on one socket.

Why not ``psycopg_pool``: it brings its own worker threads and a dependency for what
this needs: at most N connections, made on demand, reused most-recent-first, and a
connection that died while idle is never handed out. Taking and returning a
connection costs a lock and a ``poll`` each way, far below a database round trip.

An idle connection has nothing to read. If its socket is readable, the server has
closed it or sent a goodbye (a terminated backend sends ``FATAL 57P01`` first), so
the pool drops it rather than fail the next statement on it. A connection returned
broken, or in the middle of a transaction, is closed instead of reused. The backend
says what "reusable" means and how to close quietly, so the pool knows no driver.
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from wirework.errors import BackendError

__all__ = ["Connection", "ConnectionPool"]


class Connection(Protocol):
    """The parts of a ``psycopg.Connection`` the pool looks at."""

    @property
    def closed(self) -> bool: ...
    @property
    def broken(self) -> bool: ...
    def fileno(self) -> int: ...
    def close(self) -> None: ...


C = TypeVar("C", bound=Connection)


class ConnectionPool(Generic[C]):
    """At most ``size`` connections; ``acquire`` waits up to ``timeout`` s for one."""

    def __init__(
        self,
        connect: Callable[[], C],
        *,
        size: int,
        timeout: float,
        reusable: Callable[[C], bool],
        discard: Callable[[C], None],
        where: str,
    ) -> None:
        self._connect = connect
        self._size = size
        self._timeout = timeout
        self._reusable = reusable
        self._discard = discard
        self._where = where
        self._idle: list[C] = []
        self._count = 0  # idle + in use
        self._waiting = 0
        self._closed = False
        self._changed = threading.Condition(threading.Lock())

    def __repr__(self) -> str:
        return f"ConnectionPool({self._where}, {self._count}/{self._size} open)"

    @property
    def size(self) -> int:
        return self._size

    def open_count(self) -> int:
        return self._count

    def acquire(self) -> C:
        """A live connection: an idle one, a new one, or the next one returned."""
        while True:
            connection = self._take()
            if connection is None:
                break
            # Checked outside the lock: a syscall must not queue the other callers.
            if _alive(connection):
                return connection
            self._forget(connection)
        try:
            return self._connect()
        except BaseException:
            self._forget(None)
            raise

    def _take(self) -> C | None:
        """An idle connection, or ``None`` with a slot reserved for a new one."""
        with self._changed:
            deadline: float | None = None
            while True:
                if self._closed:
                    raise BackendError(f"the connection pool for {self._where} is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self._size:
                    self._count += 1
                    return None
                if deadline is None:
                    deadline = time.monotonic() + self._timeout
                left = deadline - time.monotonic()
                self._waiting += 1
                try:
                    woken = left > 0 and self._changed.wait(left)
                finally:
                    self._waiting -= 1
                if not woken:
                    raise BackendError(
                        f"all {self._size} connections to {self._where} stayed busy "
                        f"for {self._timeout:g} s",
                        hint="raise options.max_pool_size, or look for slow statements",
                    )

    def _forget(self, connection: C | None) -> None:
        """Give up a slot: a dead connection's, or one whose connect failed."""
        with self._changed:
            self._count -= 1
            if self._waiting:
                self._changed.notify()
        if connection is not None:
            self._discard(connection)

    def release(self, connection: C) -> None:
        """Take back a connection; a broken or busy one is closed, not reused."""
        keep = self._reusable(connection)
        with self._changed:
            if keep and not self._closed:
                self._idle.append(connection)
            else:
                self._count -= 1
                keep = False
            if self._waiting:
                self._changed.notify()
        if not keep:
            self._discard(connection)

    def close(self) -> None:
        """Close the idle connections now and the ones in use when they come back."""
        with self._changed:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._changed.notify_all()
        for connection in idle:
            self._discard(connection)


def _alive(connection: Connection) -> bool:
    if connection.closed or connection.broken:
        return False
    try:
        fd = connection.fileno()
    except (OSError, ValueError, AttributeError):
        return False
    return not _readable(fd)


if hasattr(select, "poll"):

    def _readable(fd: int) -> bool:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))

else:  # pragma: no cover - Windows has no poll; select() takes sockets there

    def _readable(fd: int) -> bool:
        return bool(select.select([fd], [], [], 0)[0])
