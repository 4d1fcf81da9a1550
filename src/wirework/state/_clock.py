"""Time as an injected callable, so expiry can be tested without sleeping.

Stores never call ``time`` directly: they take a ``clock`` returning seconds as a
float. The memory store defaults to ``time.monotonic`` (immune to wall-clock jumps);
a store that persists absolute expiry times (SQL, Redis) would default to
``time.time``. Tests pass a :class:`ManualClock` and move it by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Clock = Callable[[], float]
"""Returns the current time in seconds."""


class ManualClock:
    """A clock that only moves when told to; starts at a plausible Unix time.

    The start value looks like a wall-clock time so that a backend storing absolute
    expiry times sees realistic numbers.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds``; returns the new time."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward: got {seconds} seconds")
        with self._lock:
            self._now += seconds
            return self._now

    def advance_ms(self, milliseconds: float) -> float:
        """Move forward by ``milliseconds`` (the unit of ``options.timeout`` and ``ttl``)."""
        return self.advance(milliseconds / 1000.0)

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"
