"""Stopping a container's start-up at a signal: at once, and without losing track.

A signal handler cannot simply raise wherever the main thread happens to be: landing
between a component's ``open`` returning and the container recording it would leave
that component open and forgotten. So a request that arrives while the container's
own bookkeeping runs only sets a flag, which the container checks before each open;
a request that arrives while a component's code runs (an ``open`` blocked in a
connect, a sleep, a retry's backoff) raises :class:`Interrupted` right there, so a
slow open cannot hold up a shutdown. A component whose ``open`` is interrupted is
treated like one whose ``open`` failed: it is not closed, everything opened before it
is, in reverse.

The same object is what a later runtime (parallel or async start) checks between
steps; only the main thread can be interrupted inside a call.
"""

from __future__ import annotations

import signal
from types import FrameType

__all__ = ["Interrupted", "Interruption"]

# Frames of these modules are the container's bookkeeping: never raise inside them.
_PROTECTED = frozenset({"wirework.container.container", "wirework.container.engine", __name__})


class Interrupted(BaseException):
    """A stop signal arrived during start-up.

    A ``BaseException``, like ``KeyboardInterrupt``: a component's ``except Exception``
    must not swallow it and carry on opening.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"start-up interrupted by {_name(signum)}")


class Interruption:
    """A stop request for a start-up, safe to make from a signal handler (it takes no lock).

    The container arms it while it builds and opens; outside that window a request
    only records the signal, for the caller to act on.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._armed = False

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def request(self, signum: int, frame: FrameType | None) -> None:
        """Record ``signum``; raise :class:`Interrupted` in ``frame`` when that is safe."""
        first = self.signum is None
        self.signum = signum
        if first and self._armed and not _is_protected(frame):
            self._armed = False
            raise Interrupted(signum)

    def check(self) -> None:
        """Raise :class:`Interrupted` if a request arrived while armed; the container
        calls this between two steps."""
        if self.signum is not None and self._armed:
            self._armed = False
            raise Interrupted(self.signum)

    def arm(self) -> None:
        self._armed = True

    def disarm(self) -> None:
        self._armed = False


def _is_protected(frame: FrameType | None) -> bool:
    return frame is None or frame.f_globals.get("__name__") in _PROTECTED


def _name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
