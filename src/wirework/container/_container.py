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
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from wirework.build import CompositeFactory, IFactory, discover_factories
from wirework.config import ComponentSpec
from wirework.config._secrets import redact, secret_values
from wirework.container._building import Builder, Plan
from wirework.container._defaults import DefaultFactory
from wirework.container._engine import (
    Bounds,
    Closer,
    first_error,
    open_pass,
    raise_failures,
    unwind,
    unwind_then_raise,
)
from wirework.container._graph import Graph, Node
from wirework.container._health import ComponentHealth, HealthReport, overall
from wirework.container._info import ContextInfo
from wirework.container._interrupt import Interrupted, Interruption
from wirework.container._loops import Loops
from wirework.container._runtime import Pass
from wirework.errors import InvalidArgumentError, InvalidStateError
from wirework.lifecycle import capabilities
from wirework.log import ILogger, NullLogger
from wirework.refer import Locator, References

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
        _check_bounds(parallel, open_timeout, close_timeout, shutdown_timeout, health_timeout)
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

    def _closer(self) -> Closer:
        config = self.config
        return Closer(self.bounds, lambda node: config[node.index].config, self._loops)

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
                error = self._interrupted(interruption, run, error)
        except BaseException as exc:
            error = exc
        if error is not None:
            self.logger = NullLogger()
            unwind_then_raise(correlation_id, opened, plan.order, error, closer)
        self._plan = plan
        self.references = plan.references

    @staticmethod
    def _interrupted(
        interruption: Interruption, run: Pass, error: BaseException | None
    ) -> Interrupted:
        stopped = Interrupted(interruption.signum)
        if run.abandoned:
            left = ", ".join(node.label for node in run.abandoned)
            stopped.add_note(f"left opening (each is closed if its open returns): {left}")
        if error is not None:
            stopped.add_note(f"also: {error}")
        return stopped

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
        nodes, phase = list(self._nodes), self._phase
        checked = [
            n for n in nodes if n.state == "open" and capabilities(n.component).health_checkable
        ]
        errors: dict[int, BaseException | None] = {}
        if checked and phase == "running":
            bounds, config = self.bounds, self.config
            run = Pass(
                "check_health",
                checked,
                waits_for=lambda node: [],
                applies=lambda node: True,
                limits=lambda node: bounds.limits(config[node.index].config, "check_health"),
                parallel=min(len(checked), 16),
                loops=self._loops,
                args=(correlation_id,),
                states=None,
                keep_going=True,
            )
            run.wait()
            errors = {id(n): run.errors.get(id(n)) for n in checked}
            timed_out = {failure.component: failure for failure in run.failures}
            for node in run.abandoned:  # no error of its own: the timeout is what it says
                errors[id(node)] = timed_out.get(node.label)
        config = self.config
        components = tuple(_component_health(n, errors, config[n.index].config) for n in nodes)
        return HealthReport(overall(phase, components), components)

    # -- async ----------------------------------------------------------------------
    async def aopen(self, correlation_id: str | None = None) -> None:
        """``open`` without blocking the event loop; the components' ``async def``
        methods run on this loop. Cancelled, it stops the start and rolls back."""
        if self._plan is not None:
            raise InvalidStateError(f"container {self.info.name} is already open")
        import asyncio

        interruption = Interruption()
        self._loops.use(asyncio.get_running_loop())
        await _in_thread(
            lambda: self.open(correlation_id, interruption=interruption), interruption.request
        )

    async def aclose(self, correlation_id: str | None = None) -> None:
        """``close`` without blocking the event loop."""
        await _in_thread(lambda: self.close(correlation_id), None)

    async def ahealth(self, correlation_id: str | None = None) -> HealthReport:
        """``health`` without blocking the event loop."""
        return await _in_thread(lambda: self.health(correlation_id), None)

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


MAX_PARALLEL = 1024  # worker threads a pass may run at once


def _check_bounds(parallel: int, *timeouts: float | None) -> None:
    if isinstance(parallel, bool) or not isinstance(parallel, int):
        raise InvalidArgumentError(f"parallel must be a whole number, got {parallel!r}")
    if not 1 <= parallel <= MAX_PARALLEL:
        raise InvalidArgumentError(
            f"parallel must be from 1 to {MAX_PARALLEL}, got {parallel}",
            hint="1 opens one component at a time; a few more than the slow ones is plenty",
        )
    names = ("open_timeout", "close_timeout", "shutdown_timeout", "health_timeout")
    for name, value in zip(names, timeouts, strict=True):
        if value is not None and not (isinstance(value, int | float) and 0 < value < 1e9):
            raise InvalidArgumentError(
                f"{name} must be a number of seconds above 0 (or None: no bound), got {value!r}"
            )


async def _in_thread(call: Callable[[], T], on_cancel: Callable[[], None] | None) -> T:
    """``call()`` on a worker thread; a cancellation asks it to stop (``on_cancel``),
    waits for it to finish (a start rolls back first), then goes on."""
    import asyncio

    task = asyncio.ensure_future(asyncio.to_thread(call))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if on_cancel is not None:
            on_cancel()
        await asyncio.wait([task])
        if not task.cancelled() and task.exception() is not None:
            task.exception()  # retrieved: the cancellation is what the caller gets
        raise


def _component_health(
    node: Node, errors: Mapping[int, BaseException | None], config: Mapping[str, Any]
) -> ComponentHealth:
    if id(node) not in errors:
        return ComponentHealth(node.label, node.source, node.state)
    error = errors[id(node)]
    detail = None
    if error is not None:  # a driver's message may quote a URI: mask the entry's secrets
        detail = redact(f"{type(error).__name__}: {error}", secret_values(config))
    return ComponentHealth(node.label, node.source, node.state, error is None, detail)
