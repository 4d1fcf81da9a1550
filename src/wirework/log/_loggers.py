"""The built-in loggers: console, null, composite, and the bridge to stdlib ``logging``.

Each is ``reconfigurable``: a hot reload that changes only a logger's level or source
configures the open logger again instead of restarting it and everything that logs
through it (the base class makes a second ``configure`` safe against racing calls).
"""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from wirework.config._secrets import redact
from wirework.config.schema import SchemaRef
from wirework.log._level import LogLevel
from wirework.log._logger import ILogger, Logger
from wirework.refer import IReferences

if TYPE_CHECKING:
    from wirework.log._schema import LoggerConfig, StdlibLoggerConfig

_write_lock = threading.Lock()


class ConsoleLogger(Logger):
    """``[source:correlation:LEVEL:time] message``; warnings and worse go to stderr."""

    reconfigurable = True

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        head = f"[{self.source or '-'}:{correlation_id or '-'}:{level.name}:{stamp}]"
        line = f"{head} {message}"
        if error is not None:
            line += redact(f": {type(error).__name__}: {error}")
        stream = sys.stderr if level <= LogLevel.WARN else sys.stdout
        with _write_lock:
            stream.write(line + "\n")
            stream.flush()


class NullLogger(Logger):
    """Discards everything; the stand-in when a service declares no logger."""

    reconfigurable = True

    def __init__(self) -> None:
        super().__init__(LogLevel.NONE)

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        return None


class StdlibLogger(Logger):
    """Forwards to ``logging.getLogger(<logger or source>)`` so existing handlers apply."""

    reconfigurable = True
    config_schema: ClassVar[SchemaRef] = "wirework.log._schema:StdlibLoggerConfig"

    def __init__(self) -> None:
        super().__init__(LogLevel.TRACE)
        self._name: str | None = None

    def _configure(self, settings: LoggerConfig) -> None:
        super()._configure(settings)
        self._name = cast("StdlibLoggerConfig", settings).logger

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        import logging  # here, not above: only a stdlib logger needs it

        target = logging.getLogger(self._name or self.source or "wirework")
        target.log(
            level.to_stdlib(),
            message,
            exc_info=error,
            extra={"correlation_id": correlation_id},
        )


class CompositeLogger(Logger):
    """Sends every message to all the other loggers in the references."""

    reconfigurable = True

    def __init__(self, references: IReferences | None = None) -> None:
        super().__init__(LogLevel.TRACE)
        self._loggers: list[ILogger] = []
        if references is not None:
            self.set_references(references)

    def set_references(self, references: IReferences) -> None:
        super().set_references(references)
        self._loggers = [
            logger
            for logger in references.get_optional("*:logger:*:*:*")
            if logger is not self and isinstance(logger, Logger | ILogger)
        ]

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        for logger in self._loggers:
            logger.log(level, correlation_id, error, message)

    def unset_references(self) -> None:
        self._loggers = []

    @property
    def loggers(self) -> list[Any]:
        return list(self._loggers)
