"""Stopping a start-up on request: at once, from a signal handler, without losing track.

A signal handler may run at any point of the main thread, so it only records the
request; it takes no lock and raises nothing. The start-up watches the request while
it waits for its opens (which run on worker threads): it starts nothing more, writes
off the opens still running (each is closed if it succeeds later), closes what opened
in reverse, and raises :class:`Interrupted`. A cancelled ``aopen`` makes the same
request without a signal.
"""

from __future__ import annotations

import signal


class Interrupted(BaseException):
    """A start-up was stopped by a signal (``signum``) or a cancellation (``None``).

    A ``BaseException``, like ``KeyboardInterrupt``: an ``except Exception`` must not
    swallow it and carry on.
    """

    def __init__(self, signum: int | None) -> None:
        self.signum = signum
        cause = "cancelled" if signum is None else f"interrupted by {_name(signum)}"
        super().__init__(f"start-up {cause}")


class Interruption:
    """A stop request for a start-up; safe to make from a signal handler."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.requested = False

    def request(self, signum: int | None = None) -> None:
        """Ask the start-up to stop; the first request's signal is the one reported."""
        if not self.requested:
            self.signum = signum
            self.requested = True

    def check(self) -> None:
        """Raise :class:`Interrupted` if a stop was requested."""
        if self.requested:
            raise Interrupted(self.signum)


def _name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
