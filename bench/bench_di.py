"""Benchmark: what a call wired through ``wirework.di`` costs, against plain dependency-injector.

Why this exists: the bridge promises that using wirework's components from
dependency-injector code costs no more than dependency-injector itself (target: a
wired call at most 2x a direct call through dependency-injector). The bridge gives
each component an ``Object`` provider and resolves ``ByDescriptor`` markers once, at
``wire()`` time, so it should cost the same; this script checks that on the machine
at hand, in one run.

Compared, each doing ``store.load(None, key)`` on the same open memory state store:

* **wired, ByDescriptor**: ``@inject`` with ``Provide[ByDescriptor("*:state-store:*:*:1.0")]``
  on a wirework bridge (the thing under test);
* **wired, alias**: ``@inject`` with ``Provide["state_store_memory_default"]`` on the bridge;
* **direct DI @inject**: a plain ``DynamicContainer`` holding ``Object(store)`` and a
  plain ``@inject`` with ``Provide["store"]`` - dependency-injector used directly,
  no wirework involved (the target's baseline);
* **direct DI provider call**: ``container.providers["store"]().load(...)`` with no
  ``@inject`` at all, for scale: ``@inject`` itself is the largest cost of any wired call.

Figures are medians over repeated runs (see ``_timing.py``). Exit status 1 when the
target is missed.

Run: ``.venv/bin/python bench/bench_di.py``
"""

from __future__ import annotations

import platform
import sys
import tempfile
import textwrap
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from _timing import calibrate, format_us, median_ns_per_call
from dependency_injector import containers, providers

from wirework.container import Container
from wirework.di import bridge

TARGET_RATIO = 2.0
RUNS = 15
BUDGET_NS = 20_000_000  # per run
KEY = "greeting"

CONFIG = """
- descriptor: pip-services:state-store:memory:default:1.0
"""

WIRED = """
from wirework.di import ByDescriptor, Provide, inject

@inject
def by_descriptor(key, store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
    return store.load(None, key)

@inject
def by_alias(key, store=Provide["state_store_memory_default"]):
    return store.load(None, key)
"""

DIRECT = """
from dependency_injector.wiring import Provide, inject

@inject
def direct(key, store=Provide["store"]):
    return store.load(None, key)
"""


def module(name: str, source: str) -> ModuleType:
    made = ModuleType(name)
    sys.modules[name] = made
    exec(compile(textwrap.dedent(source), name, "exec"), made.__dict__)
    return made


def measure(fn: Callable[..., Any], *args: Any) -> float:
    number = calibrate(fn, *args, budget_ns=BUDGET_NS)
    return median_ns_per_call(fn, *args, number=number, runs=RUNS)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.yml"
        config.write_text(CONFIG, encoding="utf-8")
        with Container.from_file(config) as container:
            store = container.references.get_one_required("*:state-store:*:*:1.0")
            store.save(None, KEY, "hello")

            wired = module("bench_di_wired", WIRED)
            di = bridge(container)
            di.wire(modules=[wired])

            plain = containers.DynamicContainer()
            plain.store = providers.Object(store)
            direct = module("bench_di_direct", DIRECT)
            plain.wire(modules=[direct])

            def provider_call(key: str) -> Any:
                return plain.providers["store"]().load(None, key)

            assert wired.by_descriptor(KEY) == wired.by_alias(KEY) == direct.direct(KEY) == "hello"
            rows = [
                ("wired, ByDescriptor", measure(wired.by_descriptor, KEY)),
                ("wired, alias", measure(wired.by_alias, KEY)),
                ("direct DI @inject", measure(direct.direct, KEY)),
                ("direct DI provider call", measure(provider_call, KEY)),
            ]
            di.unwire()
            plain.unwire()

    baseline = dict(rows)["direct DI @inject"]
    provider_call_ns = dict(rows)["direct DI provider call"]
    print(
        f"wirework.di call cost - Python {platform.python_version()}, "
        f"dependency-injector {metadata.version('dependency-injector')}, {platform.machine()}"
    )
    print()
    print("| call | per call | vs direct DI @inject | vs direct DI provider call |")
    print("|---|---|---|---|")
    for name, ns in rows:
        print(f"| {name} | {format_us(ns)} | {ns / baseline:.2f}x | {ns / provider_call_ns:.2f}x |")
    ratio = dict(rows)["wired, ByDescriptor"] / baseline
    met = ratio <= TARGET_RATIO
    print()
    print(
        f"wired (ByDescriptor) / direct DI @inject = {ratio:.2f}x "
        f"(target <= {TARGET_RATIO:.0f}x): {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
