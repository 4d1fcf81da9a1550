"""Log levels with Pip.Services' numbering (0 nothing ... 6 trace)."""

from __future__ import annotations

import reprlib
from enum import IntEnum
from typing import Any

from wirework.errors import ConfigError, closest


class LogLevel(IntEnum):
    """Pip.Services' log levels, most severe first: a logger writes a message whose level
    is at most its own (``NONE`` writes nothing, ``TRACE`` everything)."""

    NONE = 0
    FATAL = 1
    ERROR = 2
    WARN = 3
    INFO = 4
    DEBUG = 5
    TRACE = 6

    @classmethod
    def parse(cls, value: Any) -> LogLevel:
        """From a name (``info``, ``warning``...) or a number; unknown is an error, not INFO."""
        if isinstance(value, LogLevel):
            return value
        if isinstance(value, bool):
            raise ConfigError(
                f"log level is the boolean {str(value).lower()}: YAML reads unquoted off, no, "
                "false, on, yes and true as booleans",
                hint='quote it (level: "off") or name a level: '
                + ", ".join(m.name.lower() for m in cls),
            )
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
            return cls(value)
        text = str(value).strip().upper()
        if text.isdigit() and 0 <= int(text) <= 6:
            return cls(int(text))
        text = _ALIASES.get(text, text)
        try:
            return cls[text]
        except KeyError:
            near = closest(text.lower(), [m.name.lower() for m in cls])
            raise ConfigError(
                f"unknown log level {reprlib.repr(value)}; expected one of "
                f"{', '.join(m.name.lower() for m in cls)}",
                hint=f"did you mean {near[0]!r}?" if near else None,
            ) from None

    def to_stdlib(self) -> int:
        return _STDLIB[self]


_ALIASES = {"NOTHING": "NONE", "OFF": "NONE", "WARNING": "WARN", "CRITICAL": "FATAL"}
# The stdlib's numbers (logging.CRITICAL is 50 ... DEBUG 10: fixed by its documentation),
# written out so that a container which never logs through it does not import logging.
_STDLIB = {
    LogLevel.NONE: 60,
    LogLevel.FATAL: 50,
    LogLevel.ERROR: 40,
    LogLevel.WARN: 30,
    LogLevel.INFO: 20,
    LogLevel.DEBUG: 10,
    LogLevel.TRACE: 5,
}
