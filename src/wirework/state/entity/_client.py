"""One lifecycle for every entity-state backend, the in-memory one included.

In pystator only the persistent stores had ``connect()``; the in-memory store had
none, so swapping it for SQLite changed how the code had to start up. Every wirework
entity store derives from this convenience base (nothing requires it: the protocols
are structural), which gives it ``connect``/``disconnect``, ``with store:``, a guard
with a clear message, and the container's ``configure``/``open``/``close``.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from wirework.config import ConfigParams
from wirework.errors import InvalidStateError


class EntityStoreClient:
    """Base for entity-state stores: holds the connection string and the connection.

    Subclasses implement :meth:`connect` (set ``self._connection``), may extend
    :meth:`disconnect`, and call :meth:`_require_connection` at the top of every
    method that touches the backend. As a container component, ``connection.uri``
    in its config replaces the connection string, ``open`` connects and ``close``
    disconnects.
    """

    def __init__(self, connection_string: str | None = None) -> None:
        self.connection_string = connection_string
        self._connection: Any = None

    def connect(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement connect()")

    def disconnect(self) -> None:
        self._connection = None

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    def _require_connection(self, operation: str) -> Any:
        connection = self._connection
        if connection is None:
            raise InvalidStateError(
                f"not connected: call connect() (or use 'with store:') before {operation}()",
                component=type(self).__name__,
            )
        return connection

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.disconnect()

    # -- as a container component -------------------------------------------------
    def configure(self, config: ConfigParams) -> None:
        uri = config.get_as_nullable_string("connection.uri")
        if uri is not None:
            self.connection_string = uri

    def is_open(self) -> bool:
        return self.is_connected

    def open(self, correlation_id: str | None) -> None:
        if not self.is_connected:
            self.connect()

    def close(self, correlation_id: str | None) -> None:
        if self.is_connected:
            self.disconnect()
