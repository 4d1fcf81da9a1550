"""Pip.Services' logger API and a convenience base that implements it over one ``write``.

Message formatting never raises: a log call with a stray ``%`` must not take the
service down (Pip.Services' does). A formatted message never carries a password: the
URI userinfo and ``password=``-style pairs in it are masked before any logger sees it.

A hot reload may call ``configure`` again while other threads log. A message is
written with the settings of one configuration, never the level of one and the
source of the next: ``configure`` swaps them under the logger's lock, and a message
that passes the (lock-free) level check is checked again and written under that
lock. Messages below the level, the common case, take no lock at all. A key the new
config leaves out goes back to its default, as if the logger were configured afresh.
"""

from __future__ import annotations

import threading
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
        self._default_level = level
        self._default_source = source
        self._own_source = source  # the constructor's or the config's
        self._context_source: str | None = None  # the context info's name, when wired
        # Reentrant: a composite logger, or a stdlib handler, may log back into it.
        self._settings_lock = threading.RLock()

    @property
    def source(self) -> str | None:
        """The name on each message: the config's ``source``, else the context info's."""
        return self._own_source or self._context_source

    def configure(self, config: ConfigParams) -> None:
        settings = cast("LoggerConfig", validated(self, config))
        with self._settings_lock:
            self._configure(settings)

    def _configure(self, settings: LoggerConfig) -> None:
        """Apply validated settings (the lock is held); a subclass with more keys
        extends this, so its config is validated once."""
        self.level = self._default_level if settings.level is None else settings.level
        self._own_source = settings.source or self._default_source

    def set_references(self, references: IReferences) -> None:
        info = references.get_one_optional("*:context-info:*:*:*")
        self._context_source = getattr(info, "name", None)

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
        if level > self.level:
            return
        text = redact(format_message(message, args))
        with self._settings_lock:
            if level <= self.level:  # again: configure may have run since the first check
                self.write(level, correlation_id, error, text)

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
