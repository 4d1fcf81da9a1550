"""``Container``: YAML in, a correctly ordered set of open components out.

Phases: build (create, configure and wire every entry, then derive the dependency
graph: ``_building``); open, each component once what it needs is open, in parallel
up to a bound, each within its time bound; close in the exact reverse of the order
the opens completed, within the shutdown budget (the rules live in ``_engine``).
Whatever fails or interrupts (an error, a timeout, Ctrl-C, ``SystemExit``, a signal
or a cancelled ``aopen``), what was opened is closed and what was wired is unwired
before the error goes on. The async methods run the same engine on a worker thread,
so the caller's event loop keeps serving while sync components open; the components'
own ``async def`` methods run on that loop.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from wirework.build import CompositeFactory, IFactory, discover_factories
from wirework.config import ComponentSpec
from wirework.container._building import Builder, Plan
from wirework.container._defaults import DefaultFactory
from wirework.container._engine import (
    Bounds,
    Closer,
    check_bounds,
    first_error,
    interrupted,
    open_pass,
    raise_failures,
    unwind,
    unwind_then_raise,
)
from wirework.container._graph import Graph, Node
from wirework.container._health import HealthReport
from wirework.container._info import ContextInfo
from wirework.container._interrupt import Interruption
from wirework.container._loops import Loops, in_thread
from wirework.container._registrations import Registration, registrations, unless_derivable
from wirework.errors import InvalidStateError
from wirework.log import CompositeLogger, ILogger, NullLogger
from wirework.refer import Locator, References

if TYPE_CHECKING:
    from wirework.container._reload import Live, ReloadReport

T = TypeVar("T")


class Container:
    """Builds, opens and closes the components a config declares.

    ``references`` (the live references) exists only while the container is open.
    """

    references: References

    def __init__(
        self,
        name: str | None = None,
        description: str | None = None,
        *,
        overrides: Mapping[Locator, Any] | None = None,
        parallel: int = 8,
        open_timeout: float | None = 60.0,
        close_timeout: float | None = 10.0,
        shutdown_timeout: float | None = 25.0,
        health_timeout: float | None = 5.0,
    ) -> None:
        """``overrides`` maps locators to stand-ins used instead of the entries they match
        (see :class:`Replacement`); a locator that matches no entry fails the build.

        The rest bound the lifecycle, in seconds (``None``: no bound); an entry's own
        ``open_timeout``, ``close_timeout`` and ``health_timeout`` keys (milliseconds)
        win. ``parallel`` is how many components may open at once (1: one by one, in
        config order); ``shutdown_timeout`` bounds a whole close.
        """
        check_bounds(parallel, open_timeout, close_timeout, shutdown_timeout, health_timeout)
        self._own_info = ContextInfo(name, description)
        self.info = self._own_info
        self.config: list[ComponentSpec] = []
        self.logger: ILogger = NullLogger()
        self.bounds = Bounds(
            parallel, open_timeout, close_timeout, shutdown_timeout, health_timeout
        )
        self._factories = CompositeFactory(DefaultFactory(), *discover_factories())
        self._lock = threading.RLock()
        self._plan: Plan | None = None
        self._nodes: list[Node] = []  # config order, from the build until the close
        self._opened: list[Node] = []
        # entry index -> what it put in the references; None: each entry its own node
        self._registered: dict[int, Registration] | None = None
        self._read_from: tuple[str | os.PathLike[str], Mapping[str, Any] | None] | None = None
        self._generation = 0  # odd while a reload swaps config and nodes (see health)
        self._phase = "stopped"
        self._loops = Loops()
        self.overrides: dict[Locator, Any] = dict(overrides or {})

    # -- configuration ------------------------------------------------------------
    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        parameters: Mapping[str, Any] | None = None,
        *,
        overrides: Mapping[Locator, Any] | None = None,
    ) -> Container:
        """A container for the config at ``path`` (not yet open: use ``with`` or ``open``).

        ``overrides`` swap config entries for stand-ins at build time, so every
        component is wired to the stand-in (see :class:`Replacement`).
        """
        container = cls(overrides=overrides)
        container.read_config_from_file(None, path, parameters)
        return container

    def read_config_from_file(
        self,
        correlation_id: str | None,
        path: str | os.PathLike[str],
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        from wirework.config._loader import load_config  # imports PyYAML: only when reading

        self.config = load_config(path, parameters)
        self._read_from = (path, parameters)

    def add_factory(self, factory: IFactory) -> None:
        """Later factories win over earlier ones and over the built-ins."""
        self._factories.add(factory)

    # -- state --------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        # Only reached when ``references`` is not set, i.e. the container is not open
        # (an attribute, not a property: a lookup through it pays nothing extra).
        if name == "references":
            raise InvalidStateError("the container is not open: references exist only while open")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def generation(self) -> int:
        """Grows each time a reload changes what runs: what was built from the
        components before (a dependency-injector bridge) can tell it is out of date."""
        return self._generation

    def is_open(self) -> bool:
        return self._plan is not None

    @property
    def components(self) -> list[Node]:
        """Every component of the config, in config order (empty when closed)."""
        return list(self._nodes) if self._plan else []

    @property
    def open_order(self) -> list[Node]:
        """The components in the order their opens completed (empty when closed)."""
        return list(self._opened)

    # -- building -----------------------------------------------------------------
    def check(self) -> Graph:
        """Build, configure and wire without opening; returns the graph (open order)."""
        with self._lock:
            plan = self._build()
            failures, interrupt = unwind(None, [], plan.order)
            raise_failures(f"container {self.info.name} failed to unwire", failures, interrupt)
            return plan.graph

    def _build(self) -> Plan:
        builder = Builder(self.config, self._factories, self.overrides, self._own_info)
        try:
            return builder.build()
        finally:
            self.info, self.logger = builder.info, builder.logger
            self._registered = unless_derivable(builder.registered)

    def _closer(self) -> Closer:
        return Closer(self.bounds, self.config, self._loops)

    # -- lifecycle ----------------------------------------------------------------
    def open(
        self, correlation_id: str | None = None, *, interruption: Interruption | None = None
    ) -> None:
        """Build, then open every component once what it needs is open.

        On any failure (an error, a timeout, ``KeyboardInterrupt``, ``SystemExit``, an
        ``interruption`` request), what was opened is closed in reverse and everything
        is unwired before the error is raised: a wirework error naming the component
        for an ``Exception``, the ``BaseException`` itself otherwise, and
        :class:`Interrupted` for a request.
        """
        with self._lock:
            if self._plan is not None:
                raise InvalidStateError(f"container {self.info.name} is already open")
            if interruption is not None:
                interruption.check()
            self._phase = "starting"
            try:
                self._start(correlation_id, interruption)
            except BaseException:
                self._phase = "stopped"
                self._nodes = []
                self._loops.stop()
                raise
            self._phase = "running"
        self.logger.info(
            correlation_id,
            "container %s started (%d components)",
            self.info.name,
            len(self._nodes),
        )

    def _start(self, correlation_id: str | None, interruption: Interruption | None) -> None:
        plan = self._build()
        self._nodes = sorted(plan.order, key=lambda node: node.index)
        opened: list[Node] = []
        self._opened = opened  # live, so a second signal can name what is open
        closer = self._closer()
        requested = None if interruption is None else (lambda: interruption.requested)
        try:
            run = open_pass(
                plan.order,
                plan.graph.by_index,
                opened,
                bounds=self.bounds,
                config_of=closer.config_of,
                loops=self._loops,
                correlation_id=correlation_id,
                stop_requested=requested,
            )
            error = first_error(run)
            if interruption is not None and interruption.requested:
                error = interrupted(interruption, run, error)
        except BaseException as exc:
            error = exc
        if error is not None:
            self.logger = NullLogger()
            unwind_then_raise(correlation_id, opened, plan.order, error, closer)
        self._plan = plan
        self.references = plan.references

    def close(self, correlation_id: str | None = None) -> None:
        """Close in exact reverse of the completed opens, then unwire; idempotent.

        Each close is bounded by its ``close_timeout`` and all of them by the shutdown
        budget; one that hangs is abandoned and named, and the others still close.
        Exceptions are raised together as an ``ExceptionGroup`` once everything is
        closed; a ``BaseException`` from one component is re-raised after that,
        carrying the others as notes.
        """
        with self._lock:
            if self._plan is None:
                return
            self._phase = "stopping"
            plan, self._plan = self._plan, None
            del self.references
            try:
                failures, interrupt = unwind(
                    correlation_id, self._opened, plan.order, self._closer()
                )
            finally:
                self._phase = "stopped"
                self._loops.stop()
            self.logger.info(correlation_id, "container %s stopped", self.info.name)
            self.logger = NullLogger()
            self._nodes = []
            raise_failures(
                f"{len(failures)} component(s) of container {self.info.name} failed to close",
                failures,
                interrupt,
            )

    # -- health -------------------------------------------------------------------
    def health(self, correlation_id: str | None = None) -> HealthReport:
        """Each component's state, and for open ones their ``check_health()`` result.

        Safe from any thread at any time (a probe asks while the container starts or
        stops); the checks run in parallel, each within its ``health_timeout``.
        """
        while True:  # a consistent pair of nodes and config, even during a reload
            generation = self._generation
            nodes, config, phase = list(self._nodes), self.config, self._phase
            if generation % 2 == 0 and generation == self._generation:
                break
        from wirework.container._checkup import check_up  # only a probe needs it

        return check_up(nodes, config, phase, self.bounds, self._loops, correlation_id)

    # -- reload ---------------------------------------------------------------------
    def reload(self, correlation_id: str | None = None) -> ReloadReport:
        """Read the config file again (same parameters) and apply what changed.

        The new config is built and checked whole first: any problem raises (a
        ``ConfigError`` or ``BuildError`` naming the entry and its ``file:line``) and
        changes nothing. Then reconfigurable components are configured in place, other
        changed entries and their dependents restart, removed ones close, added ones
        start; the rest stay open, the same objects (the rules: ``_reload``).
        """
        from wirework.config._loader import load_config  # imports PyYAML: only when reading
        from wirework.container._reload import Live, Reload  # only a reload needs them

        with self._lock:
            if self._plan is None or self._read_from is None:
                problem = "it is not open" if self._plan is None else "it has no config file"
                raise InvalidStateError(
                    f"container {self.info.name} cannot reload: {problem}",
                    hint="reload a container made by Container.from_file, once it is open",
                )
            registered = registrations(self._registered, self._nodes)
            live = Live(self.config, self._nodes, self._opened, self._plan.order, registered)
            reload = Reload(
                factories=self._factories,
                overrides=self.overrides,
                info=self.info,
                own_info=self._own_info,
                bounds=self.bounds,
                loops=self._loops,
                references=self.references,
                publish=self._publish,
            )
            try:
                path, parameters = self._read_from
                report = reload.run(live, lambda: load_config(path, parameters), correlation_id)
            finally:
                self._publish(live)
                self.info, self.logger = reload.info, CompositeLogger(self.references)
        self.logger.info(correlation_id, "container %s reloaded: %s", self.info.name, report)
        return report

    def _publish(self, live: Live) -> None:
        """Make ``live`` the running state; ``health`` never sees half of it."""
        self._generation += 1
        self.config, self._nodes, self._opened = live.config, list(live.nodes), live.opened
        self._registered = live.registered
        self._plan = Plan(self.references, Graph(live.order), live.order)
        self._generation += 1

    # -- async ----------------------------------------------------------------------
    async def aopen(self, correlation_id: str | None = None) -> None:
        """``open`` without blocking the event loop; the components' ``async def``
        methods run on this loop. Cancelled, it stops the start and rolls back."""
        if self._plan is not None:
            raise InvalidStateError(f"container {self.info.name} is already open")
        import asyncio

        interruption = Interruption()
        self._loops.use(asyncio.get_running_loop())
        await in_thread(
            lambda: self.open(correlation_id, interruption=interruption), interruption.request
        )

    async def areload(self, correlation_id: str | None = None) -> ReloadReport:
        """``reload`` without blocking the event loop."""
        return await in_thread(lambda: self.reload(correlation_id), None)

    async def aclose(self, correlation_id: str | None = None) -> None:
        """``close`` without blocking the event loop."""
        await in_thread(lambda: self.close(correlation_id), None)

    async def ahealth(self, correlation_id: str | None = None) -> HealthReport:
        """``health`` without blocking the event loop."""
        return await in_thread(lambda: self.health(correlation_id), None)

    async def __aenter__(self) -> Container:
        await self.aopen(None)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose(None)

    def __enter__(self) -> Container:
        self.open(None)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(None)

    def __del__(self) -> None:
        if getattr(self, "_plan", None) is not None:
            warnings.warn(
                f"container {self.info.name} was opened and never closed: its components "
                "are still open (close it, or use 'with')",
                ResourceWarning,
                source=self,
                stacklevel=1,
            )
