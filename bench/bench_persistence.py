"""wirework's IdentifiableMemoryPersistence beside pip-services3's, in the same run.

    .venv/bin/python bench/bench_persistence.py [--sizes 10000,100000] [--quick]

Operations, at each store size: ``create`` (filling the store up to that size),
``get_one_by_id`` and ``update`` (random existing ids), and ``get_page_by_filter``
(equality filter matching size/500 items, take 20, total). Each figure is the median
time per call: fast operations are timed in blocks of calls and divided, slow ones
call by call. pip-services3 scans a list for every by-id call and deep-copies every
item for every page, so at the larger size it is given fewer calls (same item count);
the call counts are printed.

Then ``create`` by the shape of the item, a row each: a plain class, a dataclass, a
``SimpleNamespace``, a ``__slots__`` class and a dict, each with an id and two text
fields, wirework beside pip-services3 in alternating rounds (see ``create_by_shape``).
wirework checks every item by the rules the SQL backends share and stores a copy;
pip-services3 stores the object it is given, unchecked.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wirework.data import FilterParams, PagingParams
from wirework.persistence import IdentifiableMemoryPersistence

try:
    from pip_services3_commons.data import PagingParams as PipPagingParams
    from pip_services3_data.persistence import (
        IdentifiableMemoryPersistence as PipIdentifiableMemoryPersistence,
    )
except ImportError as missing:  # pragma: no cover - depends on the environment
    PIP_MISSING: str | None = f"{missing} (install the 'bench' extra: pip install -e '.[bench]')"
else:
    PIP_MISSING = None

KEYS = 500
TARGETS = {("get_one_by_id", 100_000): 1e-6, ("get_page_by_filter", 10_000): 5e-3}
REFERENCE_FIGURES = {("get_one_by_id", 10_000): 105e-6, ("get_page_by_filter", 10_000): 69e-3}


class Dummy:
    """A plain item class, as in the Pip.Services tutorial."""

    def __init__(self, id: str | None, key: str, content: str) -> None:  # noqa: A002
        self.id = id
        self.key = key
        self.content = content


@dataclass
class DataDummy:
    """The same item as a dataclass."""

    id: str | None
    key: str
    content: str


class SlotsDummy:
    """The same item as a class of ``__slots__``."""

    __slots__ = ("content", "id", "key")

    def __init__(self, id: str | None, key: str, content: str) -> None:  # noqa: A002
        self.id = id
        self.key = key
        self.content = content


SHAPES: dict[str, Callable[[str, str, str], Any]] = {
    "plain class": Dummy,
    "dataclass": DataDummy,
    "SimpleNamespace": lambda i, k, c: SimpleNamespace(id=i, key=k, content=c),
    "__slots__ class": SlotsDummy,
    "dict": lambda i, k, c: {"id": i, "key": k, "content": c},
}
SHAPE_ITEMS = 10_000  # items created into an empty store per round
SHAPE_ROUNDS = 9  # per library and shape, alternating


@dataclass
class Figure:
    seconds: float
    calls: int


def timed(call: Callable[[Any], Any], arguments: Sequence[Any], block: int) -> Figure:
    """Median seconds per call, over blocks of ``block`` calls."""
    gc.collect()
    per_call: list[float] = []
    clock = time.perf_counter
    for start in range(0, len(arguments), block):
        chunk = arguments[start : start + block]
        began = clock()
        for argument in chunk:
            call(argument)
        per_call.append((clock() - began) / len(chunk))
    return Figure(statistics.median(per_call), len(arguments))


@dataclass
class Plan:
    """How many calls each library gets at one size."""

    gets: int
    updates: int
    pages: int
    block: int


def run_library(name: str, size: int, plan: Plan, rng: random.Random) -> dict[str, Figure]:
    if name == "wirework":
        store: Any = IdentifiableMemoryPersistence()
        store.open(None)
        filter_: Any = FilterParams.from_tuples("key", "key7")
        paging: Any = PagingParams(0, 20, True)
    else:
        store = PipIdentifiableMemoryPersistence()
        store.open(None)
        filter_ = _pip_key_filter("key7")
        paging = PipPagingParams(0, 20, True)

    items = [Dummy(f"{i:09d}", f"key{i % KEYS}", f"content {i}") for i in range(size)]
    # partial() rather than a lambda: no Python frame of the harness in the timings.
    figures = {"create": timed(partial(store.create, None), items, 1000)}

    ids = [f"{rng.randrange(size):09d}" for _ in range(plan.gets)]
    figures["get_one_by_id"] = timed(partial(store.get_one_by_id, None), ids, plan.block)

    targets = [rng.randrange(size) for _ in range(plan.updates)]
    updates = [Dummy(f"{i:09d}", f"key{i % KEYS}", "updated") for i in targets]
    figures["update"] = timed(partial(store.update, None), updates, plan.block)

    figures["get_page_by_filter"] = timed(
        lambda _: _check_page(store.get_page_by_filter(None, filter_, paging), size),
        [None] * plan.pages,
        1,
    )
    store.close(None)
    return figures


def create_by_shape(libraries: list[str], rounds: int) -> dict[tuple[str, str], list[float]]:
    """Seconds per ``create`` of each shape into an empty store of each library: per
    round, every library fills a new store with ``SHAPE_ITEMS`` fresh items (made before
    the timing), one library after the other, so a change in the machine's load touches
    both."""
    times: dict[tuple[str, str], list[float]] = {}
    for shape, make in SHAPES.items():
        for _ in range(rounds):
            for library in libraries:
                store: Any = (
                    IdentifiableMemoryPersistence()
                    if library == "wirework"
                    else PipIdentifiableMemoryPersistence()
                )
                store.open(None)
                items = [
                    make(f"{i:09d}", f"key{i % KEYS}", f"content {i}") for i in range(SHAPE_ITEMS)
                ]
                create = partial(store.create, None)
                gc.collect()
                began = time.perf_counter()
                for item in items:
                    create(item)
                elapsed = time.perf_counter() - began
                times.setdefault((library, shape), []).append(elapsed / SHAPE_ITEMS)
                store.close(None)
    return times


def print_shapes(
    times: dict[tuple[str, str], list[float]], libraries: list[str], rounds: int
) -> None:
    print()
    print(
        f"create by item shape, {SHAPE_ITEMS:,} items into an empty store (median, fastest round)"
    )
    header = f"{'item':<17}{'wirework':>20}  {'pip-services3':>20}  {'target':>20}"
    print(header)
    print("-" * len(header))
    for shape in SHAPES:
        cells = []
        for library in libraries:
            runs = times[(library, shape)]
            cells.append(f"{format_time(statistics.median(runs))} ({format_time(min(runs))})")
        verdict = "-"
        if len(libraries) == 2:
            ours, theirs = (statistics.median(times[(lib, shape)]) for lib in libraries)
            verdict = "<= pip-services3 " + ("ok" if ours <= theirs else "MISS")
        pip = cells[1] if len(cells) == 2 else "n/a"
        print(f"{shape:<17}{cells[0]:>20}  {pip:>20}  {verdict:>20}")
    print(
        f"Method: per shape, {rounds} rounds; each round times wirework then "
        f"pip-services3 creating {SHAPE_ITEMS:,} items (id, key, content) one call at a "
        "time into a new store, items built before the clock starts; figures are the "
        "median round (fastest in brackets), divided by the item count. GC on, emptied "
        "before each round."
    )


def _pip_key_filter(key: str) -> Callable[[Any], bool]:
    # pip-services3 takes the filter as a function (its subclasses compose one).
    return lambda item: item.key == key


def _check_page(page: Any, size: int) -> None:
    data = list(page.data)
    expected_total = size // KEYS
    if len(data) != min(20, expected_total) or page.total != expected_total:
        raise SystemExit(f"wrong page: {len(data)} items, total {page.total}")


def plans(size: int, quick: bool) -> dict[str, Plan]:
    scale = 10 if quick else 1
    small = size <= 10_000
    return {
        "wirework": Plan(
            gets=20_000 // scale,
            updates=20_000 // scale,
            pages=(200 if small else 40) // scale,
            block=1000 // scale,
        ),
        "pip-services3": Plan(
            gets=(400 if small else 40) // scale,
            updates=(400 if small else 40) // scale,
            pages=(20 if small else 3),
            block=1,
        ),
    }


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--quick", action="store_true", help="a tenth of the calls")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",")]
    libraries = ["wirework"] + ([] if PIP_MISSING else ["pip-services3"])

    print(f"Python {sys.version.split()[0]}; median time per call")
    if PIP_MISSING:
        print(f"pip-services3 NOT MEASURED: {PIP_MISSING}")

    results: dict[tuple[str, str, int], Figure] = {}
    for size in sizes:
        for library in libraries:
            rng = random.Random(options.seed)
            plan = plans(size, options.quick)[library]
            for operation, figure in run_library(library, size, plan, rng).items():
                results[(library, operation, size)] = figure

    header = (
        f"{'operation':<20}{'items':>9}  {'wirework':>11}  {'pip-services3':>13}  "
        f"{'speedup':>8}  {'target':>10}  {'calls (ww/pip)':>15}"
    )
    print(header)
    print("-" * len(header))
    for operation in ("create", "get_one_by_id", "update", "get_page_by_filter"):
        for size in sizes:
            ours = results[("wirework", operation, size)]
            theirs = results.get(("pip-services3", operation, size))
            speedup = f"{theirs.seconds / ours.seconds:.0f}x" if theirs else "-"
            target = TARGETS.get((operation, size))
            mark = ""
            if target is not None:
                mark = f"<= {format_time(target)}" + (" ok" if ours.seconds <= target else " MISS")
            calls = f"{ours.calls}/{theirs.calls if theirs else '-'}"
            print(
                f"{operation:<20}{size:>9,}  {format_time(ours.seconds):>11}  "
                f"{format_time(theirs.seconds if theirs else None):>13}  {speedup:>8}  "
                f"{mark:>10}  {calls:>15}"
            )

    shape_rounds = 3 if options.quick else SHAPE_ROUNDS
    print_shapes(create_by_shape(libraries, shape_rounds), libraries, shape_rounds)

    if not PIP_MISSING:
        print()
        print("pip-services3 here vs the figures quoted in the issue (machine speed context):")
        for (operation, size), quoted in REFERENCE_FIGURES.items():
            measured = results.get(("pip-services3", operation, size))
            if measured:
                print(
                    f"  {operation} at {size:,}: measured {format_time(measured.seconds)}, "
                    f"quoted {format_time(quoted)} ({measured.seconds / quoted:.1f}x)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
