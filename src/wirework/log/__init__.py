"""Logging components with Pip.Services' ``info(correlation_id, message, *args)`` API."""

from wirework.log._level import LogLevel
from wirework.log._logger import ILogger, Logger, format_message
from wirework.log._loggers import CompositeLogger, ConsoleLogger, NullLogger, StdlibLogger

__all__ = [
    "CompositeLogger",
    "ConsoleLogger",
    "ILogger",
    "LogLevel",
    "Logger",
    "NullLogger",
    "StdlibLogger",
    "format_message",
]
