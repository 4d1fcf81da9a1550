"""Pip.Services' logger API and a convenience base that implements it over one ``write``.

Message formatting never raises: a log call with a stray ``%`` must not take the
service down (Pip.Services' does). A formatted message never carries a password: the
URI userinfo and ``password=``-style pairs in it are masked before any logger sees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast, runtime_checkable

from wirework.config import ConfigParams
from wirework.config._secrets import redact
from wirework.config.schema import SchemaRef, validated
from wirework.log._level import LogLevel
from wirework.refer import IReferences

if TYPE_CHECKING:
    from wirework.log._schema import LoggerConfig


@runtime_checkable
class ILogger(Protocol):
    """What a component may ask of a logger: Pip.Services' ``log``, ``info(correlation_id,
    message, *args)`` and the other levels, and the ``level`` below which it is silent."""

    level: LogLevel

    def log(
        self,
        level: LogLevel,
        correlation_id: str | None,
        error: BaseException | None,
        message: str,
        *args: Any,
    ) -> None: ...
    def fatal(
        self, correlation_id: str | None, error: BaseException | None, message: str, *args: Any
    ) -> None: ...
    def error(
        self, correlation_id: str | None, error: BaseException | None, message: str, *args: Any
    ) -> None: ...
    def warn(self, correlation_id: str | None, message: str, *args: Any) -> None: ...
    def info(self, correlation_id: str | None, message: str, *args: Any) -> None: ...
    def debug(self, correlation_id: str | None, message: str, *args: Any) -> None: ...
    def trace(self, correlation_id: str | None, message: str, *args: Any) -> None: ...


def format_message(message: str, args: tuple[Any, ...]) -> str:
    """``message % args`` as a logger writes it; arguments that do not fit the message's
    ``%`` fields are appended instead, so a log call never raises."""
    if not args:
        return message
    try:
        return message % args
    except (TypeError, ValueError):
        return f"{message} {' '.join(map(str, args))}"


class Logger:
    """Base for loggers: level filtering, ``level``/``source`` config, Pip.Services' methods."""

    config_schema: ClassVar[SchemaRef] = "wirework.log._schema:LoggerConfig"

    def __init__(self, level: LogLevel = LogLevel.INFO, source: str | None = None) -> None:
        self.level = level
        self.source = source

    def configure(self, config: ConfigParams) -> None:
        self._configure(cast("LoggerConfig", validated(self, config)))

    def _configure(self, settings: LoggerConfig) -> None:
        """Apply validated settings; a subclass with more keys extends this, so its
        config is validated once."""
        if settings.level is not None:
            self.level = settings.level
        self.source = settings.source or self.source

    def set_references(self, references: IReferences) -> None:
        if self.source is None:
            info = references.get_one_optional("*:context-info:*:*:*")
            self.source = getattr(info, "name", None)

    def write(
        self, level: LogLevel, correlation_id: str | None, error: BaseException | None, message: str
    ) -> None:
        raise NotImplementedError

    def log(
        self,
        level: LogLevel,
        correlation_id: str | None,
        error: BaseException | None,
        message: str,
        *args: Any,
    ) -> None:
        if level <= self.level:
            self.write(level, correlation_id, error, redact(format_message(message, args)))

    def fatal(
        self, correlation_id: str | None, error: BaseException | None, message: str, *args: Any
    ) -> None:
        self.log(LogLevel.FATAL, correlation_id, error, message, *args)

    def error(
        self, correlation_id: str | None, error: BaseException | None, message: str, *args: Any
    ) -> None:
        self.log(LogLevel.ERROR, correlation_id, error, message, *args)

    def warn(self, correlation_id: str | None, message: str, *args: Any) -> None:
        self.log(LogLevel.WARN, correlation_id, None, message, *args)

    def info(self, correlation_id: str | None, message: str, *args: Any) -> None:
        self.log(LogLevel.INFO, correlation_id, None, message, *args)

    def debug(self, correlation_id: str | None, message: str, *args: Any) -> None:
        self.log(LogLevel.DEBUG, correlation_id, None, message, *args)

    def trace(self, correlation_id: str | None, message: str, *args: Any) -> None:
        self.log(LogLevel.TRACE, correlation_id, None, message, *args)
