"""Tiny timing helpers shared by the benchmarks in ``bench/``.

Every figure is the median of several runs, each run timing ``number`` back-to-back
calls with ``time.perf_counter_ns`` and dividing by ``number``; the median keeps a
stray scheduler hiccup from moving the result. The garbage collector stays on (real
services run with it) but is emptied before each run so runs start alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

__all__ = [
    "Pass",
    "calibrate",
    "format_ms",
    "format_us",
    "interleaved",
    "median_ns",
    "median_ns_per_call",
]


def median_ns_per_call(fn: Callable[..., Any], *args: Any, number: int, runs: int) -> float:
    """Median over ``runs`` of the mean time of one ``fn(*args)`` call, in nanoseconds."""
    samples: list[float] = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter_ns()
        for _ in repeat(None, number):
            fn(*args)
        samples.append((time.perf_counter_ns() - start) / number)
    return statistics.median(samples)


def median_ns(
    fn: Callable[..., Any],
    *args: Any,
    runs: int,
    after: Callable[[Any], Any] | None = None,
) -> float:
    """Median over ``runs`` of one ``fn(*args)`` call, in nanoseconds.

    ``after(result)`` runs after each timed call, outside the timing (e.g. close what
    was opened), so every run starts from the same state.
    """
    samples: list[int] = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter_ns()
        result = fn(*args)
        samples.append(time.perf_counter_ns() - start)
        if after is not None:
            after(result)
    return statistics.median(samples)


def calibrate(
    fn: Callable[..., Any], *args: Any, budget_ns: int, least: int = 1, most: int = 100_000
) -> int:
    """How many calls of ``fn(*args)`` fit in ``budget_ns``, clamped to ``[least, most]``."""
    fn(*args)  # warm up: first-call caches, lazy imports
    number = 1
    while True:
        start = time.perf_counter_ns()
        for _ in repeat(None, number):
            fn(*args)
        elapsed = time.perf_counter_ns() - start
        if elapsed >= budget_ns // 10 or number >= most:
            break
        number *= 10
    return max(least, min(most, budget_ns * number // max(elapsed, 1)))


@dataclass(frozen=True)
class Pass:
    """One timed unit of ``interleaved``: ``run()`` makes ``calls`` calls."""

    run: Callable[[], object]
    calls: int


def interleaved(
    passes: Sequence[Pass], *, rounds: int, budget_ns: int
) -> list[tuple[float, float]]:
    """Per pass: the median over ``rounds`` of the ns per call, and the spread
    ((slowest - fastest round) / median).

    Each round times every pass once, one after another, for about ``budget_ns`` of
    repetitions, so a change in the machine's load (other processes come and go)
    touches all of them alike instead of whichever ran at the time. Before each timed
    stretch a pass runs once untimed, so what the pass before left in shared caches
    does not land in its figure.
    """
    numbers = []
    for p in passes:
        p.run()
        start = time.perf_counter_ns()
        p.run()
        numbers.append(max(1, budget_ns // max(time.perf_counter_ns() - start, 1)))
    samples: list[list[float]] = [[] for _ in passes]
    for _ in range(rounds):
        for p, number, times in zip(passes, numbers, samples, strict=True):
            p.run()
            gc.collect()
            start = time.perf_counter_ns()
            for _ in repeat(None, number):
                p.run()
            times.append((time.perf_counter_ns() - start) / (number * p.calls))
    results = []
    for times in samples:
        median = statistics.median(times)
        results.append((median, (max(times) - min(times)) / median))
    return results


def format_us(ns: float) -> str:
    """``ns`` as microseconds, three significant digits or so."""
    us = ns / 1_000
    if us < 10:
        return f"{us:.2f} µs"
    if us < 100:
        return f"{us:.1f} µs"
    return f"{us:,.0f} µs"


def format_ms(ns: float) -> str:
    """``ns`` as milliseconds."""
    ms = ns / 1_000_000
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:,.0f} ms"
