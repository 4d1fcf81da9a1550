"""The stores' numeric options, read so that no value silently means something else.

``ConfigParams.get_as_nullable_integer`` is lenient in Pip.Services' way: ``true``
reads as 1, ``1.7`` as 1, and ``inf`` or ``1e400`` raise ``OverflowError``. For a
store that would turn ``options.timeout: true`` into a one-millisecond expiry, and
``inf`` into a traceback. These readers accept only what is plainly a whole number
(an int, an integral float such as YAML's ``1000.0``, or text of one, which is what
an environment-variable substitution yields) and refuse the rest with a
:class:`~wirework.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import math
from typing import Any

from wirework.config import ConfigParams
from wirework.data.values import MAX_TTL, shown_value
from wirework.errors import ConfigError

__all__ = ["count_option", "timeout_option", "whole_number"]


def whole_number(raw: Any) -> int | None:
    """``raw`` as an int when it plainly is a whole number, else ``None``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            raw = float(text)
        except ValueError:
            return None
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    return None


def timeout_option(config: ConfigParams, component: str) -> int | None:
    """``options.timeout`` in milliseconds (0 = never expire); ``None`` when not set."""
    raw = config.get("options.timeout")
    if raw is None:
        return None
    timeout = whole_number(raw)
    if timeout is None or not 0 <= timeout <= MAX_TTL:
        raise ConfigError(
            f"options.timeout must be a whole number of milliseconds from 0 to {MAX_TTL:,} "
            f"(0 = never expire), got {shown_value(raw)}",
            component=component,
        )
    return timeout


def count_option(config: ConfigParams, key: str, default: int, component: str) -> int:
    """A size such as ``options.max_connections``: a whole number >= 1, ``default`` if unset."""
    raw = config.get(key)
    if raw is None:
        return default
    count = whole_number(raw)
    if count is None or count < 1:
        raise ConfigError(
            f"{key} must be a whole number >= 1, got {shown_value(raw)}", component=component
        )
    return count
