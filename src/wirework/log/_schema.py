"""Config schemas of the built-in loggers (imported when a config is checked, not before)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from wirework.config.schema._models import ComponentConfig, Rule
from wirework.log._level import _ALIASES, LogLevel

_NAMES = [level.name.lower() for level in LogLevel] + [alias.lower() for alias in _ALIASES]

Level = Annotated[
    Any,
    Rule(
        LogLevel.parse,
        json_schema={
            "description": "the most detailed level logged: a name, or 0 (none) to 6 (trace)",
            "anyOf": [
                {"enum": [form for name in _NAMES for form in (name, name.upper(), name.title())]},
                {"type": "integer", "minimum": 0, "maximum": len(LogLevel) - 1},
            ],
        },
    ),
]
"""A log level as :meth:`LogLevel.parse` reads it, which also explains ``level: off``."""


class LoggerConfig(ComponentConfig):
    """``pip-services:logger:{console,null,composite}:*:1.0``."""

    level: Level = Field(None, description="the most detailed level logged (default info)")
    source: str | None = Field(
        None, description="the name on each line (default: the context info's name)"
    )


class StdlibLoggerConfig(LoggerConfig):
    """``pip-services:logger:stdlib:*:1.0``: forwards to a stdlib ``logging`` logger."""

    logger: str | None = Field(
        None, description="the stdlib logger's name (default: source, else wirework)"
    )
