"""Benchmark: the id a persistence generates for an item created without one.

Why this exists: ``IdGenerator.next_long`` is called by every ``create`` of an item
without an id, in the memory, file and SQL persistences alike, and a random uuid4 from
the ``uuid`` module costs more than the rest of a memory ``create``. The target is
1 µs an id or less, in the same format (a version-4 UUID in 32 lowercase hex
characters). Beside it, in the same run: ``uuid.uuid4().hex`` (what wirework called
before) and pip-services3's ``IdGenerator.next_long`` (``str(uuid4())`` without the
dashes), when installed.

Method: each row is a loop of 1,000 calls, timed in interleaved rounds (see
``_timing.interleaved``): the median over the rounds of the time per call, loop
included.

Run: ``.venv/bin/python bench/bench_ids.py``
"""

from __future__ import annotations

import platform
import sys
import uuid
from collections.abc import Callable
from importlib import metadata

from _timing import Pass, interleaved

from wirework.data import IdGenerator

CALLS = 1_000
ROUNDS = 21
ROUND_BUDGET_NS = 10_000_000
TARGET_NS = 1_000


def loop(make: Callable[[], str]) -> Pass:
    """``CALLS`` calls of ``make``, after checking it makes a version-4 UUID in hex."""
    made = make()
    assert len(made) == 32
    assert uuid.UUID(made).version == 4
    calls = [None] * CALLS

    def run() -> None:
        for _ in calls:
            make()

    return Pass(run, CALLS)


def uuid4_hex() -> str:
    return uuid.uuid4().hex


def main() -> int:
    rows: list[tuple[str, Pass]] = [
        ("wirework `IdGenerator.next_long()`", loop(IdGenerator.next_long)),
        ("`uuid.uuid4().hex` (wirework before)", loop(uuid4_hex)),
    ]
    try:
        from pip_services3_commons.data import IdGenerator as PipIdGenerator
    except ImportError as exc:
        missing: str | None = f"pip-services3 not installed ({exc})"
    else:
        missing = None
        version = metadata.version("pip-services3-commons")
        rows.append(
            (
                f"pip-services3-commons {version} `IdGenerator.next_long()`",
                loop(PipIdGenerator.next_long),
            )
        )
    print("timing ids ...", file=sys.stderr)
    figures = interleaved([p for _, p in rows], rounds=ROUNDS, budget_ns=ROUND_BUDGET_NS)

    print(
        f"\nGenerated ids - Python {platform.python_version()} on {platform.system()} "
        f"{platform.machine()}\n"
    )
    print("| id | per call | spread | target |")
    print("|---|---:|---:|---|")
    for (name, _), (ns, spread) in zip(rows, figures, strict=True):
        target = f"≤ {TARGET_NS / 1000:.1f} µs" if name.startswith("wirework") else ""
        print(f"| {name} | {ns / 1000:.3f} µs | {spread:.0%} | {target} |")
    print(
        f"\nMethod: loops of {CALLS:,} calls, {ROUNDS} interleaved rounds of "
        f"~{ROUND_BUDGET_NS // 1_000_000} ms each per row; per call = median over rounds, "
        "loop included; spread = (slowest - fastest round) / median."
    )
    if missing:
        print(f"- {missing}")
    ns = figures[0][0]
    verdict = "met" if ns <= TARGET_NS else "MISSED"
    print(f"\n- wirework id ≤ {TARGET_NS / 1000:.1f} µs: {verdict} ({ns / 1000:.3f} µs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
