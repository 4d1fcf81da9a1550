"""``ContextInfo``: who this process is, for loggers and for the start/stop messages."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from typing import Any

from wirework.config import ConfigParams

__all__ = ["ContextInfo"]


class ContextInfo:
    """Name, description and properties of the running container."""

    def __init__(self, name: str | None = None, description: str | None = None) -> None:
        self.name = name or "wirework"
        self.description = description
        self.context_id = socket.gethostname()
        self.properties: dict[str, Any] = {}
        self.start_time = datetime.now(UTC)
        self._started = time.monotonic()

    def configure(self, config: ConfigParams) -> None:
        self.name = (
            config.get_as_nullable_string("name")
            or config.get_as_nullable_string("info.name")
            or self.name
        )
        self.description = (
            config.get_as_nullable_string("description")
            or config.get_as_nullable_string("info.description")
            or self.description
        )
        self.properties = config.get_section("properties").to_nested()

    @property
    def uptime(self) -> float:
        """Seconds since this info was created (the reference system always says 0)."""
        return time.monotonic() - self._started

    def __repr__(self) -> str:
        return f"ContextInfo(name={self.name!r}, context_id={self.context_id!r})"
