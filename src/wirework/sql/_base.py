"""What every part of the SQL engine speaks: rows, calls, scripts, sessions.

The bottom of the package: it imports nothing of wirework, so the dialects, the
drivers and the stores' cores all build on it without an import circle.

A *call* is one statement as the I/O-free cores build it: ``(mode, sql, params)``,
where the mode says what the reply is (the first row, every row, the row count, or
nothing for a batch). A *script* is a generator of calls for an operation that needs
several round trips and decides between them (write, and on a miss read the version
to decide whether to raise or try again): it yields a call, receives the reply, and
returns the operation's result. A driver runs it with :func:`play` on one
connection; an async driver would run the same generator with ``await``.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Row = tuple[Any, ...]
"""One row of a reply, its columns in the order the statement selects them."""

ONE = 0
"""The reply is the first row, or ``None``."""
ALL = 1
"""The reply is the list of rows."""
COUNT = 2
"""The reply is the number of rows written."""
MANY = 3
"""``params`` is a list of parameter rows, run as one batch; the reply is ``None``."""

Call = tuple[int, str, Any]
"""``(mode, sql, params)``: one statement and what its reply is."""

Script = Generator[Call, Any, T]
"""An operation of several calls: each reply is sent back into the generator."""


class Session(Protocol):
    """One connection, inside a transaction or in autocommit mode."""

    def one(self, sql: str, params: Sequence[Any]) -> Row | None: ...

    def all(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    def count(self, sql: str, params: Sequence[Any]) -> int: ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


def play(session: Session, script: Script[T]) -> T:
    """Run ``script`` on ``session``: each call sent, each reply handed back."""
    try:
        call = next(script)
        while True:
            call = script.send(reply(session, call))
    except StopIteration as done:
        result: T = done.value
        return result


def reply(session: Session, call: Call) -> Any:
    """What ``session`` answers to one call."""
    mode, sql, params = call
    if mode == ONE:
        return session.one(sql, params)
    if mode == ALL:
        return session.all(sql, params)
    if mode == COUNT:
        return session.count(sql, params)
    session.many(sql, params)
    return None


class DbSession:
    """A :class:`Session` over a DB-API connection whose ``execute`` returns a cursor
    (``sqlite3`` and psycopg 3 both do)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = self._conn.execute(sql, params).fetchall()  # all: a RETURNING must finish
        return rows[0] if rows else None

    def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        rows: list[Row] = self._conn.execute(sql, params).fetchall()
        return rows

    def count(self, sql: str, params: Sequence[Any]) -> int:
        count: int = self._conn.execute(sql, params).rowcount
        return count

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.cursor().executemany(sql, rows)
