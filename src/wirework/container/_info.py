"""``ContextInfo``: who this process is, for loggers and for the start/stop messages."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.config import ConfigParams
from wirework.config.schema import SchemaRef, validated

if TYPE_CHECKING:
    from wirework.container._schema import ContextInfoConfig


class ContextInfo:
    """Name, description and properties of the running container."""

    config_schema: ClassVar[SchemaRef] = "wirework.container._schema:ContextInfoConfig"

    def __init__(self, name: str | None = None, description: str | None = None) -> None:
        self.name = name or "wirework"
        self.description = description
        import socket  # here: a program that never makes a container need not import it

        self.context_id = socket.gethostname()
        self.properties: dict[str, Any] = {}
        self.start_time = datetime.now(UTC)
        self._started = time.monotonic()

    def configure(self, config: ConfigParams) -> None:
        settings = cast("ContextInfoConfig", validated(self, config))
        self.name = settings.name or settings.info.name or self.name
        self.description = settings.description or settings.info.description or self.description
        self.properties = dict(settings.properties)

    @property
    def uptime(self) -> float:
        """Seconds since this info was created (Pip.Services always says 0)."""
        return time.monotonic() - self._started

    def __repr__(self) -> str:
        return f"ContextInfo(name={self.name!r}, context_id={self.context_id!r})"
