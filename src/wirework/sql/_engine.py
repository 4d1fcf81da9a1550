"""The interface of a sync SQL driver, as the stores and persistences call it.

:class:`~wirework.sql.SqliteEngine` and :class:`~wirework.sql.PostgresEngine`
implement it, and each class is an :class:`EngineKind`: a component names the kind
it runs on and holds the engine only through these protocols, so a new database is
a new dialect and engine, nothing in the components. :class:`EngineSlot` is how a
component holds its open engine, so every SQL component opens and closes alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from wirework.config import ConfigParams
from wirework.sql._base import Row, Script
from wirework.sql._dialect import Dialect

T = TypeVar("T")


class Target(Protocol):
    """Where an engine's database is, read from config (see ``_settings``)."""

    @property
    def location(self) -> str: ...

    @property
    def where(self) -> str: ...


TargetT = TypeVar("TargetT", bound=Target)


class Engine(Protocol):
    """A database reached by a sync driver: what the stores and persistences call.

    ``op`` names the caller's public operation, for messages. ``retry`` says that
    running the statement again does no harm, so it may be repeated once on a new
    connection when the first was lost mid-call. A closed engine raises the owner's
    own "not open" error.
    """

    @property
    def dialect(self) -> Dialect:
        """How the database spells its statements."""
        ...

    @property
    def location(self) -> str:
        """Where the data is, bare: ``host:port/db`` or a file path."""
        ...

    @property
    def where(self) -> str:
        """Where the data is, for messages: ``PostgreSQL at host:port/db``."""
        ...

    def open(self) -> None: ...

    def close(self) -> None: ...

    def one(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> Row | None:
        """The first row of one statement (all of its rows are read: a write completes)."""
        ...

    def all(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = True) -> list[Row]:
        """Every row of one statement."""
        ...

    def count(self, op: str, sql: str, params: Sequence[Any], *, retry: bool = False) -> int:
        """The number of rows one statement wrote."""
        ...

    def play(
        self,
        op: str,
        script: Callable[[], Script[T]],
        *,
        transaction: bool = False,
        retry: bool = False,
    ) -> T:
        """A new ``script()`` run on one connection, in one transaction if asked."""
        ...

    def ensure_schema(self, statements: Sequence[str], table: str) -> None:
        """Idempotent DDL for ``table``, safe against other processes doing the same."""
        ...

    def ping(self, op: str) -> None:
        """One cheap round trip (``SELECT 1``), bounded by the connection's own timeouts:
        a :class:`~wirework.errors.BackendError` when the database does not answer. A
        failed ping leaves the engine usable: the next call reconnects."""
        ...


class EngineKind(Protocol):
    """An engine class: its dialect, and how an engine is made from a component's config."""

    @property
    def dialect(self) -> Dialect: ...

    def from_config(
        self, config: ConfigParams, component: str, closed_error: Callable[[str], Exception]
    ) -> Engine:
        """An unopened engine: no I/O, no driver import; a bad config is a ``ConfigError``.
        ``closed_error(op)`` is the owner's error for a call while it is not open."""
        ...


class EngineSlot:
    """The engine a component has open: opened with its table ready, or closed, under
    one lock, so concurrent ``open``/``close`` calls never leak a connection.

    Calls read :attr:`engine` without the lock: an engine closed under a call raises
    the owner's "not open" error itself.
    """

    __slots__ = ("_lock", "engine")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.engine: Engine | None = None

    def open(
        self,
        make: Callable[[], Engine],
        schema: Sequence[str],
        table: str,
        verify: Callable[[Engine], None] | None = None,
    ) -> Engine | None:
        """Open a new engine and create ``table`` if missing (then ``verify`` it), unless
        one is open; the engine opened, ``None`` if there was one already. Nothing stays
        open when a step fails."""
        with self._lock:
            if self.engine is not None:
                return None
            engine = make()
            engine.open()
            try:
                engine.ensure_schema(schema, table)
                if verify is not None:
                    verify(engine)
            except BaseException:
                engine.close()
                raise
            self.engine = engine
            return engine

    def close(self) -> Engine | None:
        """Close the engine; the engine closed, ``None`` if none was open."""
        with self._lock:
            engine, self.engine = self.engine, None
            if engine is not None:
                engine.close()
            return engine

    def check_health(self, closed_error: Callable[[str], Exception]) -> None:
        """The owner's ``check_health``: its open engine answers a ping, or this raises
        (``closed_error("check_health")`` when none is open). Every SQL component's
        check is this one, so they cannot differ on what "healthy" means."""
        engine = self.engine
        if engine is None:
            raise closed_error("check_health")
        engine.ping("check_health")


class EngineBase(Generic[TargetT]):
    """What every engine keeps: where its database is, whose engine it is, and the
    owner's error for a call while it is closed."""

    dialect: ClassVar[Dialect]

    def __init__(
        self, target: TargetT, *, component: str, closed_error: Callable[[str], Exception]
    ) -> None:
        self._target = target
        self._component = component
        self._closed_error = closed_error

    @staticmethod
    def read_target(config: ConfigParams, component: str) -> TargetT:
        """The target ``config`` names; a bad config is a ``ConfigError``."""
        raise NotImplementedError

    @classmethod
    def from_config(
        cls, config: ConfigParams, component: str, closed_error: Callable[[str], Exception]
    ) -> Self:
        """An unopened engine for a component's config: no I/O, no driver import."""
        return cls(
            cls.read_target(config, component), component=component, closed_error=closed_error
        )

    @property
    def location(self) -> str:
        return self._target.location

    @property
    def where(self) -> str:
        return self._target.where
