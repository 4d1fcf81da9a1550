"""Benchmark: wirework against pip-services3 on the two costs that grow with a service.

Why this exists: pip-services3 keeps its references in a list and wildcard-matches
every entry on every lookup, so a lookup costs O(components); and building a container
from YAML pays that scan (plus per-component ``isinstance`` checks against its
interfaces) for every entry. wirework indexes references by descriptor and memoizes
factory lookups so both stay flat. This script checks that claim on the machine at
hand, in one run, against the targets below, and prints a markdown table for README:

1. exact lookup (``get_one_required`` of a complete descriptor, one key) among 1,000
   and 10,000 components in a bare ``References``: the registry alone, beside
   pip-services3's (what a user pays through a container, with varied keys and
   beside other containers, is ``bench_lookup.py``);
2. wildcard lookup (``get_optional``, every match) of a pattern matching a few
   components (``*:logger:*:*:1.0``) and one matching a single name
   (``myapp:*:*:c123:1.0``), among 1,000 and 10,000, also in a bare ``References``;
3. read + open of a generated YAML config of 1,000 components, created by a factory
   registered for ``bench:component:default:*:1.0`` (close is not timed), through
   ``Container.from_file`` and ``open``, in one process (warm: modules imported, the
   file read before): parsed afresh (``WIREWORK_NO_CACHE=1``), and with the parse
   cache holding the file, alternately;
4. what config schemas add to 3 (parsed afresh): the same config read and opened,
   alternately, by a container whose factory builds a component without a
   ``config_schema`` and one whose class declares a schema of the three keys each
   entry has.

Descriptors are built before timing and passed as objects to both systems, so the
lookups measure matching, not string parsing. Figures are medians over repeated runs
(see ``_timing.py``). pip-services3 is optional: when it is missing its column says so.

Run: ``.venv/bin/python bench/bench_container.py``
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from _timing import calibrate, format_ms, format_us, median_ns, median_ns_per_call
from pydantic import Field

from wirework.build import Factory
from wirework.config.schema import ComponentConfig, validated
from wirework.container import Container
from wirework.descriptor import Descriptor
from wirework.refer import References

try:
    from pip_services3_commons.config import ConfigParams as PipConfigParams
    from pip_services3_commons.config import IConfigurable as PipConfigurable
    from pip_services3_commons.refer import Descriptor as PipDescriptor
    from pip_services3_commons.refer import References as PipReferences
    from pip_services3_commons.run import IOpenable as PipOpenable
    from pip_services3_components.build import Factory as PipFactory
    from pip_services3_container import Container as PipContainer
except ImportError as exc:  # pragma: no cover - depends on the environment
    PIP_MISSING: str | None = f"{type(exc).__name__}: {exc}"
else:
    PIP_MISSING = None

SIZES = (1_000, 10_000)
LOGGER_KINDS = ("console", "file", "null")  # the few components `*:logger:*:*:1.0` finds
LOOKUP_BUDGET_NS = 20_000_000  # aim for ~20 ms of calls per lookup run
LOOKUP_RUNS = 21
LOOKUP_LEAST_CALLS = 3  # even a 20 ms lookup is timed 3 times a run, to damp the noise
READ_OPEN_RUNS = 7
SCHEMA_RUNS = 31  # per variant, interleaved: the overhead is a few percent, noise is too
SCHEMA_TARGET = 0.10  # schema checking adds at most 10% to read + open
CONFIG_COMPONENTS = 1_000
FACTORY_PATTERN = ("bench", "component", "default", "*", "1.0")
FEW_CALLS = 100  # fewer timed calls per run than this gets a note under the table

Fields = tuple[str, str, str, str, str]

# wirework's targets, by (operation, size): the limit in ns, and how the table shows it
READ_OPEN = "read + open YAML config, parsed afresh"
READ_OPEN_CACHED = "read + open YAML config, parse cache warm"
TARGETS_NS = {
    (READ_OPEN, "1,000"): 30_000_000,
    (READ_OPEN_CACHED, "1,000"): 12_000_000,
}
TARGET_TEXT = {
    (READ_OPEN, "1,000"): "≤ 30 ms",
    (READ_OPEN_CACHED, "1,000"): "≤ 12 ms",
}
READ_OPEN_ROUNDS = 15  # wirework, per variant, alternating


# -- the workload -----------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    operation: str
    method: str  # the references method both systems are asked through
    fields: Callable[[int], Fields]  # size -> descriptor fields
    expected: int  # how many components it must find


LOOKUPS = (
    Lookup(
        "exact lookup, bare References",
        "get_one_required",
        lambda size: ("myapp", "component", "default", f"c{size // 2}", "1.0"),
        1,
    ),
    Lookup(
        "wildcard lookup `*:logger:*:*:1.0`, bare References",
        "get_optional",
        lambda size: ("*", "logger", "*", "*", "1.0"),
        len(LOGGER_KINDS),
    ),
    Lookup(
        "wildcard lookup `myapp:*:*:c123:1.0`, bare References",
        "get_optional",
        lambda size: ("myapp", "*", "*", "c123", "1.0"),
        1,
    ),
)


def registered_fields(size: int) -> list[Fields]:
    """``size`` descriptors: a few loggers, the rest ``myapp:component:default:cN:1.0``."""
    loggers = [("myapp", "logger", kind, "default", "1.0") for kind in LOGGER_KINDS]
    others = [("myapp", "component", "default", f"c{i}", "1.0") for i in range(size - len(loggers))]
    return loggers + others


def write_config(directory: Path) -> Path:
    """A YAML config of ``CONFIG_COMPONENTS`` factory-built components, each with options."""
    lines = []
    for i in range(CONFIG_COMPONENTS):
        lines += [
            f"- descriptor: bench:component:default:c{i:03d}:1.0",
            "  options:",
            f"    label: c{i:03d}",
            f"    size: {i % 10 + 1}",
            "    enabled: true",
        ]
    path = directory / "bench_config.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class BenchComponent:
    """The trivial component both containers build: keeps its config, flips on open."""

    def __init__(self) -> None:
        self.config: Any = None
        self.opened = False

    def configure(self, config: Any) -> None:
        self.config = config

    def is_open(self) -> bool:
        return self.opened

    def open(self, correlation_id: str | None) -> None:
        self.opened = True

    def close(self, correlation_id: str | None) -> None:
        self.opened = False


class BenchOptions(ComponentConfig):
    label: str = Field("", description="a name")
    size: int = Field(1, ge=1, description="a count")
    enabled: bool = Field(False, description="a switch")


class BenchConfig(ComponentConfig):
    options: BenchOptions = BenchOptions()


class SchemaBenchComponent(BenchComponent):
    """The same component, declaring the keys each generated entry has and reading them
    from the validated model, as the built-ins do."""

    config_schema = BenchConfig

    def configure(self, config: Any) -> None:
        super().configure(config)
        self.options = validated(self, config).options


# -- one system each ----------------------------------------------------------------------


@dataclass(frozen=True)
class System:
    name: str
    references: Callable[[list[Fields]], Any]  # fields -> filled references
    descriptor: Callable[[Fields], Any]
    read_open: Callable[[Path], Any]  # config path -> open container
    close: Callable[[Any], None]
    opened: Callable[[Any], list[Any]]  # open container -> its bench components


def _wirework_references(fields: list[Fields]) -> References:
    refs = References()
    for f in fields:
        refs.put(Descriptor(*f), object())
    return refs


def _wirework_read_open(path: Path, component: type = BenchComponent) -> Container:
    factory = Factory()
    factory.register_as_type(Descriptor(*FACTORY_PATTERN), component)
    container = Container.from_file(path)
    container.add_factory(factory)
    container.open(None)
    return container


WIREWORK = System(
    name="wirework",
    references=_wirework_references,
    descriptor=lambda f: Descriptor(*f),
    read_open=_wirework_read_open,
    close=lambda c: c.close(None),
    opened=lambda c: c.references.get_optional(Descriptor(*FACTORY_PATTERN)),
)


def _pip_system() -> System:
    class PipBenchComponent(BenchComponent, PipConfigurable, PipOpenable):
        """pip-services3 recognises capabilities by ``isinstance`` on its interfaces."""

    def references(fields: list[Fields]) -> Any:
        refs = PipReferences()
        for f in fields:
            refs.put(PipDescriptor(*f), object())
        return refs

    def read_open(path: Path) -> Any:
        factory = PipFactory()
        factory.register_as_type(PipDescriptor(*FACTORY_PATTERN), PipBenchComponent)
        container = PipContainer()
        container.add_factory(factory)
        # parameters=None crashes pip-services3 3.x, hence the empty ConfigParams
        container.read_config_from_file(None, str(path), PipConfigParams())
        container.open(None)
        return container

    return System(
        name="pip-services3",
        references=references,
        descriptor=lambda f: PipDescriptor(*f),
        read_open=read_open,
        close=lambda c: c.close(None),
        opened=lambda c: c._references.get_optional(PipDescriptor(*FACTORY_PATTERN)),
    )


# -- measuring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    text: str  # formatted median, with unit
    ns: float
    calls: int  # timed calls per run
    runs: int


def measure_lookup(system: System, refs: Any, lookup: Lookup, size: int) -> Figure:
    descriptor = system.descriptor(lookup.fields(size))
    method = getattr(refs, lookup.method)
    found = method(descriptor)
    count = len(found) if isinstance(found, list) else 1
    if count != lookup.expected:
        raise AssertionError(
            f"{system.name}: {lookup.operation} at {size} found {count}, expected {lookup.expected}"
        )
    calls = calibrate(method, descriptor, budget_ns=LOOKUP_BUDGET_NS, least=LOOKUP_LEAST_CALLS)
    ns = median_ns_per_call(method, descriptor, number=calls, runs=LOOKUP_RUNS)
    return Figure(format_us(ns), ns, calls, LOOKUP_RUNS)


def measure_read_open(system: System, path: Path) -> Figure:
    container = system.read_open(path)  # warm-up run, and a check that it really works
    try:
        components = system.opened(container)
        if len(components) != CONFIG_COMPONENTS or not all(c.opened for c in components):
            raise AssertionError(
                f"{system.name}: opened {len(components)} components, expected {CONFIG_COMPONENTS}"
            )
    finally:
        system.close(container)
    ns = median_ns(system.read_open, path, runs=READ_OPEN_RUNS, after=system.close)
    return Figure(format_ms(ns), ns, 1, READ_OPEN_RUNS)


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


Row = tuple[str, str, dict[str, Figure], str]  # operation, size, figures by system, target


def lookup_rows(systems: list[System]) -> list[Row]:
    """Every lookup at every size; one system's references are alive at a time."""
    figures: dict[tuple[str, int], dict[str, Figure]] = {
        (lookup.operation, size): {} for lookup in LOOKUPS for size in SIZES
    }
    for size in SIZES:
        fields = registered_fields(size)
        for system in systems:
            print(f"timing {system.name} lookups among {size:,} ...", file=sys.stderr)
            refs = system.references(fields)
            for lookup in LOOKUPS:
                figure = measure_lookup(system, refs, lookup, size)
                figures[lookup.operation, size][system.name] = figure
            del refs
    return [
        (
            lookup.operation,
            f"{size:,}",
            figures[lookup.operation, size],
            TARGET_TEXT.get((lookup.operation, f"{size:,}"), "—"),
        )
        for lookup in LOOKUPS
        for size in SIZES
    ]


@contextmanager
def parse_cache(on: bool) -> Iterator[None]:
    """wirework's parse cache on or off (``WIREWORK_NO_CACHE``) for the block."""
    before = os.environ.pop("WIREWORK_NO_CACHE", None)
    if not on:
        os.environ["WIREWORK_NO_CACHE"] = "1"
    try:
        yield
    finally:
        os.environ.pop("WIREWORK_NO_CACHE", None)
        if before is not None:
            os.environ["WIREWORK_NO_CACHE"] = before


def read_open_rows(systems: list[System]) -> list[Row]:
    """pip-services3 as before; wirework parsed afresh and from a warm parse cache, the
    two alternating (the cache lives in a temporary directory)."""
    size = f"{CONFIG_COMPONENTS:,}"
    with tempfile.TemporaryDirectory(prefix="wirework-bench-") as tmp:
        path = write_config(Path(tmp))
        os.environ["XDG_CACHE_HOME"] = tmp
        samples: dict[bool, list[float]] = {False: [], True: []}
        print("timing wirework read + open, with and without the parse cache ...", file=sys.stderr)
        for cached in samples:
            with parse_cache(cached):
                measure_read_open(WIREWORK, path)  # warm-up and check; fills the cache
        for _ in range(READ_OPEN_ROUNDS):
            for cached, times in samples.items():
                with parse_cache(cached):
                    times.append(median_ns(WIREWORK.read_open, path, runs=1, after=WIREWORK.close))
        others = {}
        for system in systems[1:]:
            print(f"timing {system.name} read + open ...", file=sys.stderr)
            others[system.name] = measure_read_open(system, path)
    rows = []
    for cached, operation in ((False, READ_OPEN), (True, READ_OPEN_CACHED)):
        ns = statistics.median(samples[cached])
        figures = {"wirework": Figure(format_ms(ns), ns, 1, READ_OPEN_ROUNDS), **others}
        rows.append((operation, size, figures, TARGET_TEXT[operation, size]))
    return rows


def schema_overhead() -> tuple[float, float, float]:
    """Read + open without and with config schemas: the medians (ns) of each, and the
    median of the ratio within each interleaved pair (steadier while the machine's load
    drifts)."""
    samples: dict[type, list[float]] = {BenchComponent: [], SchemaBenchComponent: []}
    with tempfile.TemporaryDirectory(prefix="wirework-bench-") as tmp:
        path = write_config(Path(tmp))
        for component in samples:  # warm-up, and a check that the schema really runs
            container = _wirework_read_open(path, component)
            first = WIREWORK.opened(container)[0]
            if component is SchemaBenchComponent:
                assert first.options.size == first.config["options.size"]
            container.close(None)
        print("timing wirework read + open with and without schemas ...", file=sys.stderr)
        for _ in range(SCHEMA_RUNS):
            for component, times in samples.items():
                times.append(
                    median_ns(_wirework_read_open, path, component, runs=1, after=WIREWORK.close)
                )
    without, with_schema = samples[BenchComponent], samples[SchemaBenchComponent]
    ratios = [b / a for a, b in zip(without, with_schema, strict=True)]
    return statistics.median(without), statistics.median(with_schema), statistics.median(ratios)


def print_schema_overhead(without: float, with_schema: float, ratio: float) -> None:
    added = ratio - 1
    verdict = "met" if added <= SCHEMA_TARGET else "MISSED"
    print(
        f"\n| read + open of {CONFIG_COMPONENTS:,} components | no config schema "
        "| with config schema | added | target |"
    )
    print("|---|---:|---:|---:|---|")
    print(
        f"| wirework | {format_ms(without)} | {format_ms(with_schema)} | {added:+.1%} "
        f"| ≤ +{SCHEMA_TARGET:.0%}: {verdict} |"
    )
    print(
        f"\nMethod: the config above, parsed afresh (no parse cache), read and opened "
        f"{SCHEMA_RUNS} times by each variant, alternately, close not timed; the times are "
        "medians, 'added' is the median of the ratio within each pair of consecutive runs. "
        "The variants differ only in the class "
        "the factory builds: without a config_schema, or declaring one for the three keys "
        "each entry has (options.label text, options.size whole number >= 1, "
        "options.enabled boolean), checked before configure and read back through "
        "validated() in configure, as the built-ins do. Both pay the check of the "
        "container's own keys."
    )


def main() -> int:
    """Measure, then print the table, notes and target verdicts."""
    systems = [WIREWORK]
    if PIP_MISSING is None:
        systems.append(_pip_system())
    rows = lookup_rows(systems)
    rows.extend(read_open_rows(systems))

    pip_versions = ", ".join(
        f"{d} {version(d)}"
        for d in ("pip-services3-commons", "pip-services3-components", "pip-services3-container")
    )
    print(
        f"\nPython {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"wirework {version('wirework')}; "
        + (pip_versions if PIP_MISSING is None else "pip-services3 not installed")
        + "\n"
    )
    if PIP_MISSING is not None:
        print(f"**pip-services3 is missing** ({PIP_MISSING}): its column reads n/a.\n")

    print("| operation | size | wirework | pip-services3 | target |")
    print("|---|---:|---:|---:|---|")
    for operation, size_text, figures, target in rows:
        pip = figures["pip-services3"].text if "pip-services3" in figures else "n/a"
        print(f"| {operation} | {size_text} | {figures['wirework'].text} | {pip} | {target} |")

    print(
        f"\nMedians per operation: lookups over {LOOKUP_RUNS} runs of a calibrated number "
        f"of calls (~{LOOKUP_BUDGET_NS // 1_000_000} ms a run). Read + open, close not "
        f"timed: wirework over {READ_OPEN_ROUNDS} runs of each variant, alternating, after "
        f"one warm-up of each (which fills the cache); pip-services3 over {READ_OPEN_RUNS} "
        "runs after one warm-up (it has no parse cache: the same figure in both rows). "
        "Lookups: `get_one_required` for the exact one, `get_optional` (every match) for "
        "wildcards."
    )
    print(
        "- pip-services3 figures quoted from an earlier run on this machine (set-up not "
        "recorded): exact lookup about 740 µs at 1,000; read + open of 1,000 about 690 ms."
    )
    for operation, size_text, figures, _ in rows:
        for name, figure in figures.items():
            if "lookup" in operation and figure.calls < FEW_CALLS:
                print(
                    f"- {name}, {operation} at {size_text}: too slow for many iterations, "
                    f"only {figure.calls} call(s) per run x {figure.runs} runs."
                )

    print()
    for operation, size_text, figures, target in rows:
        limit = TARGETS_NS.get((operation, size_text))
        if limit is not None:
            figure = figures["wirework"]
            verdict = "met" if figure.ns <= limit else "MISSED"
            print(f"- wirework, {operation} at {size_text} {target}: {verdict} ({figure.text})")
    with parse_cache(False):
        print_schema_overhead(*schema_overhead())
    return 0


if __name__ == "__main__":
    sys.exit(main())
