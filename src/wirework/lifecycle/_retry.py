"""Bounded retries with exponential backoff, for opening connections.

A database that is still starting must not kill the service at once, and one that is
really gone must not hang it forever: a few attempts, doubling delays, then the last
error, unchanged, for the caller to name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def retry(
    action: Callable[[], T],
    *,
    retries: int,
    retry_on: tuple[type[BaseException], ...],
    delay: float = 0.1,
    max_delay: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``action``; on ``retry_on`` errors try ``retries`` more times, then re-raise."""
    for attempt in range(retries + 1):
        try:
            return action()
        except retry_on:
            if attempt == retries:
                raise
            sleep(min(delay * 2**attempt, max_delay))
    raise AssertionError("unreachable")
