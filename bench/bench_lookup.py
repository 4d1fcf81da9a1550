"""Benchmark: component lookups as users pay for them, through ``Container.references``.

Why this exists: a bare ``References`` holding nothing but the looked-up key answers
faster than the one a real container hands out, which also holds the container's own
context info under a wildcard descriptor and thousands of components. So this script
opens a real container from a generated YAML config of 10,000 components and looks up
1,000 different components through ``container.references`` (the property read on
every call, as user code reads it), with ``Descriptor`` objects and with
``"group:type:kind:name:version"`` strings, plus wildcard lookups, and through the
references view a component is handed in ``set_references`` and keeps for its run-time
lookups (one component of the config keeps its view for this). Beside it, in the
same process and run, the other Python containers each resolve one singleton that
already exists, the way their users call them.

Every row is timed by the same loop over a list of keys (for wirework, different
descriptors; for the others, their one key repeated), in rounds: each round times
every row once, one after another, so a change in the machine's load touches all
rows alike. Each figure is the median over the rounds of the time per call, loop
included; the spread column is (slowest round - fastest round) / median.

Run: ``.venv/bin/python bench/bench_lookup.py``
"""

from __future__ import annotations

import platform
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from _timing import Pass, interleaved

from wirework.build import Factory
from wirework.container import Container
from wirework.descriptor import Descriptor

COMPONENTS = 10_000
WORKERS = 3  # the components the fixed wildcard lookup finds
TOTAL = COMPONENTS + WORKERS + 1  # the components, the workers and the keeper
VARIED = 1_000  # different keys looked up, spread over all the components
BEYOND_CACHE = 4_096  # more different strings than the parse cache keeps (2,048)
ROUNDS = 21
ROUND_BUDGET_NS = 8_000_000  # per row per round
FACTORY_PATTERN = Descriptor("bench", "*", "*", "*", "1.0")
KEEPER = Descriptor("bench", "keeper", "default", "k0", "1.0")
DESCRIPTOR_ROW, STRING_ROW = "exact, Descriptor", "exact, string"
TARGETS_NS = {DESCRIPTOR_ROW: 400, STRING_ROW: 500}
BASELINE = "dependency-injector"  # wirework within DI_RATIO times its provider call
DI_RATIO = 4.0


class BenchComponent:
    """The component every config entry builds: it needs nothing and does nothing."""


class Keeper:
    """The config's one component that keeps the view ``set_references`` hands it, as a
    component that looks others up at run time does."""

    def set_references(self, references: Any) -> None:
        self.references = references


class Service:
    """The one singleton each other container resolves."""


@dataclass(frozen=True)
class Row:
    name: str
    what: str  # what one call looks up
    run: Callable[[], object]  # one pass over the row's keys
    calls: int  # calls per pass
    peer: str = ""  # the other container's name, for its rows
    target: str = ""


@dataclass(frozen=True)
class Result:
    row: Row
    ns: float  # median per call
    spread: float


# -- wirework ---------------------------------------------------------------------------


def write_config(directory: Path) -> Path:
    """``COMPONENTS`` entries ``bench:component:default:cN:1.0`` and ``WORKERS`` entries
    ``bench:worker:default:wN:1.0``, all built by one factory."""
    lines = [f"- descriptor: bench:component:default:c{i}:1.0" for i in range(COMPONENTS)]
    lines += [f"- descriptor: bench:worker:default:w{i}:1.0" for i in range(WORKERS)]
    lines += ["- descriptor: bench:keeper:default:k0:1.0"]
    path = directory / "bench_lookup.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def open_container(path: Path) -> Container:
    factory = Factory()
    factory.register_as_type(KEEPER, Keeper)  # first: the first matching registration wins
    factory.register_as_type(FACTORY_PATTERN, BenchComponent)
    container = Container.from_file(path)
    container.add_factory(factory)
    container.open(None)
    return container


def spread_names(count: int) -> list[str]:
    """``count`` distinct component names spread over the whole config (7,919 is prime)."""
    names = [f"c{i * 7_919 % COMPONENTS}" for i in range(count)]
    assert len(set(names)) == count
    return names


def lookup_loop(container: Container, method: str, keys: list[Any]) -> Callable[[], object]:
    """One pass: ``container.references.<method>(key)`` for each key, the property read
    on every call."""
    if method == "get_one_required":

        def run() -> None:
            for key in keys:
                container.references.get_one_required(key)

    else:

        def run() -> None:
            for key in keys:
                container.references.get_optional(key)

    return run


def wirework_rows(container: Container) -> list[Row]:
    """The lookup rows, each checked once against the answer of a plain ``find``."""
    names = spread_names(VARIED)
    descriptors = [Descriptor("bench", "component", "default", n, "1.0") for n in names]
    strings = [f"bench:component:default:{n}:1.0" for n in names]
    beyond = [f"bench:component:default:{n}:1.0" for n in spread_names(BEYOND_CACHE)]
    patterns = [Descriptor("bench", "*", "*", n, "1.0") for n in names]
    worker = [Descriptor("*", "worker", "*", "*", "1.0")] * VARIED
    refs = container.references
    expected = [refs.find(d, True) for d in descriptors]
    assert len({id(found[0]) for found in expected}) == VARIED
    assert [refs.get_one_required(s) for s in strings] == [found[0] for found in expected]
    assert [refs.get_optional(p) for p in patterns] == expected
    assert len(refs.get_optional(worker[0])) == WORKERS
    view = refs.get_one_required(KEEPER).references
    assert [view.get_one_required(d) for d in descriptors] == [found[0] for found in expected]

    def exact_held() -> None:
        for key in descriptors:
            refs.get_one_required(key)

    def exact_view() -> None:
        for key in descriptors:
            view.get_one_required(key)

    return [
        Row(
            DESCRIPTOR_ROW,
            "`get_one_required(Descriptor)`, 1,000 different keys",
            lookup_loop(container, "get_one_required", descriptors),
            VARIED,
            target="≤ 0.400 µs",
        ),
        Row(
            STRING_ROW,
            '`get_one_required("bench:component:default:cN:1.0")`, 1,000 different keys',
            lookup_loop(container, "get_one_required", strings),
            VARIED,
            target="≤ 0.500 µs",
        ),
        Row(
            "exact, string, parsed every call",
            f"as above with {BEYOND_CACHE:,} different strings in turn: each has left "
            "the parse cache before it comes back",
            lookup_loop(container, "get_one_required", beyond),
            BEYOND_CACHE,
        ),
        Row(
            "exact, Descriptor, references held",
            "as the first row, `container.references` read once before the loop",
            exact_held,
            VARIED,
        ),
        Row(
            "exact, Descriptor, component's view",
            "as the first row, through the `ReferencesView` a component got in "
            "`set_references` and kept",
            exact_view,
            VARIED,
        ),
        Row(
            "wildcard, one name",
            "`get_optional(Descriptor('bench:*:*:cN:1.0'))`, 1,000 different keys, 1 match",
            lookup_loop(container, "get_optional", patterns),
            VARIED,
        ),
        Row(
            "wildcard, one type",
            f"`get_optional(Descriptor('*:worker:*:*:1.0'))`, {WORKERS} matches",
            lookup_loop(container, "get_optional", worker),
            VARIED,
        ),
    ]


# -- the other containers ---------------------------------------------------------------


def _repeat(resolve: Callable[[Any], object], key: object) -> Callable[[], object]:
    """One pass: ``resolve(key)`` ``VARIED`` times, after checking it is one singleton."""
    keys = [key] * VARIED
    first = resolve(key)
    assert isinstance(first, Service)
    assert resolve(key) is first

    def run() -> None:
        for k in keys:
            resolve(k)

    return run


def _dependency_injector() -> Callable[[], object]:
    from dependency_injector import containers, providers

    class Services(containers.DeclarativeContainer):
        service = providers.Singleton(Service)

    services = Services()
    return _repeat(lambda _: services.service(), None)


def _lagom() -> Callable[[], object]:
    import lagom

    container = lagom.Container()
    container[Service] = Service()
    return _repeat(container.__getitem__, Service)


def _svcs() -> Callable[[], object]:
    import svcs

    registry = svcs.Registry()
    registry.register_value(Service, Service())
    return _repeat(svcs.Container(registry).get, Service)


def _dishka() -> Callable[[], object]:
    import dishka

    provider = dishka.Provider(scope=dishka.Scope.APP)
    provider.provide(Service)
    return _repeat(dishka.make_container(provider).get, Service)


def _rodi() -> Callable[[], object]:
    import rodi

    container = rodi.Container()
    container.add_instance(Service())
    return _repeat(container.build_provider().get, Service)


def _punq() -> Callable[[], object]:
    import punq

    container = punq.Container()
    container.register(Service, instance=Service())
    return _repeat(container.resolve, Service)


def _injector() -> Callable[[], object]:
    import injector

    instance = Service()
    resolver = injector.Injector(lambda binder: binder.bind(Service, to=instance))
    return _repeat(resolver.get, Service)


# name (also the distribution), what one call does, how to set it up
PEERS: list[tuple[str, str, Callable[[], Callable[[], object]]]] = [
    (
        BASELINE,
        "`services.service()`: a `Singleton` provider, already created",
        _dependency_injector,
    ),
    ("lagom", "`container[Service]`: an instance", _lagom),
    ("svcs", "`container.get(Service)`: `register_value`", _svcs),
    ("dishka", "`container.get(Service)`: `provide` at APP scope, already created", _dishka),
    ("rodi", "`provider.get(Service)`: `add_instance`", _rodi),
    ("punq", "`container.resolve(Service)`: `register(instance=)`", _punq),
    ("injector", "`injector.get(Service)`: `bind(to=instance)`", _injector),
]


def peer_rows() -> tuple[list[Row], list[str]]:
    """A row for each other container that imports; a note for each that does not."""
    rows, missing = [], []
    for name, what, make in PEERS:
        try:
            run = make()
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
            continue
        rows.append(Row(f"{name} {metadata.version(name)}", what, run, VARIED, peer=name))
    return rows, missing


def loop_alone() -> Row:
    keys = [None] * VARIED

    def run() -> None:
        for _ in keys:
            pass

    return Row("(the loop alone)", "the same loop with no call in it", run, VARIED)


# -- report -----------------------------------------------------------------------------


def format_us(ns: float) -> str:
    """Microseconds to the nanosecond: the rows differ by tens of nanoseconds."""
    return f"{ns / 1000:.3f} µs"


def verdicts(results: list[Result]) -> list[str]:
    """Each target of issue 14 with its figures: met or MISSED."""
    ours = {r.row.name: r.ns for r in results if not r.row.peer}
    peers = {r.row.peer: r.ns for r in results if r.row.peer}
    lines = []
    for name, limit in TARGETS_NS.items():
        ns = ours[name]
        verdict = "met" if ns <= limit else "MISSED"
        lines.append(f"- wirework {name} ≤ {format_us(limit)}: {verdict} ({format_us(ns)})")
        if BASELINE in peers:
            ratio = ns / peers[BASELINE]
            verdict = "met" if ratio <= DI_RATIO else "MISSED"
            lines.append(
                f"- wirework {name} within {DI_RATIO:.0f}x of {BASELINE}'s provider call: "
                f"{verdict} ({ratio:.1f}x)"
            )
        others = {p: p_ns for p, p_ns in peers.items() if p != BASELINE}
        ahead = [p for p, p_ns in others.items() if ns < p_ns]
        behind = [f"{p} ({ns / p_ns:.2f}x)" for p, p_ns in others.items() if ns >= p_ns]
        verdict = "met" if not behind else "MISSED"
        lines.append(
            f"- wirework {name} ahead of every other container: {verdict}; ahead of "
            f"{', '.join(ahead) or 'none'}" + (f"; behind {', '.join(behind)}" if behind else "")
        )
    return lines


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wirework-bench-") as tmp:
        path = write_config(Path(tmp))
        print(f"opening a container of {TOTAL:,} components ...", file=sys.stderr)
        container = open_container(path)
        try:
            peers, missing = peer_rows()
            rows = [*wirework_rows(container), *peers, loop_alone()]
            print(f"timing {len(rows)} rows x {ROUNDS} rounds ...", file=sys.stderr)
            figures = interleaved(
                [Pass(row.run, row.calls) for row in rows],
                rounds=ROUNDS,
                budget_ns=ROUND_BUDGET_NS,
            )
            results = [Result(row, *figure) for row, figure in zip(rows, figures, strict=True)]
        finally:
            container.close(None)

    print(
        f"\nLookups through `Container.references`, {TOTAL:,} components - "
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"wirework {metadata.version('wirework')}\n"
    )
    print("| row | per call | spread | what one call resolves | target |")
    print("|---|---:|---:|---|---|")
    for r in results:
        cells = (r.row.name, format_us(r.ns), f"{r.spread:.0%}", r.row.what, r.row.target)
        print("| " + " | ".join(cells) + " |")
    print(
        f"\nMethod: one process; a container opened from a YAML config of {COMPONENTS:,} + "
        f"{WORKERS} + 1 (the keeper) components; {ROUNDS} interleaved rounds, each timing "
        f"every row for ~{ROUND_BUDGET_NS // 1_000_000} ms of passes over its list of keys; "
        "per call = median over rounds, loop included (its own row says what it adds); spread = "
        "(slowest - fastest round) / median; one untimed pass before each timed one. "
        "wirework looks up different components; each "
        "other container resolves its one existing singleton, registered alone. GC on, "
        "emptied before each timed row."
    )
    for note in missing:
        print(f"- not installed: {note}")
    print()
    print("\n".join(verdicts(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
