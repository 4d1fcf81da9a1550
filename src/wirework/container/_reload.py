"""Hot reload: read the config again and change only what changed, service running.

A broken file must never touch the running service, so the new config is first built
whole on the side (a trial, as ``check`` builds: schema, factories, types, wiring,
cycles) and any problem refuses the reload before anything changes. Then the plan
(``_reload_plan``) says what to do, and it is done in the order that keeps every
promise of a start and a stop:

1. reconfigure in place; a failure there configures them all back and changes nothing
   else, since nothing has been closed yet;
2. close what restarts or goes, in reverse of the order it opened (each close bounded
   by its ``close_timeout``, all by the shutdown budget), unwire it, unregister it;
3. create, configure and register the entries that start, wire them among the
   components that stay, and open them in dependency order with the engine.

If an open fails there, what the reload opened is closed in reverse, unwired and
unregistered, and the error is raised. The service then runs on without those
entries: the components that stayed and those reconfigured are open, the entries
the reload could not start are listed in ``components`` as not open (so ``health()``
is unhealthy, naming them), and the next reload starts them again, changed or not.

Components that stay keep their objects, their state and what they looked up, and
are never closed. Lookups through the live references go on during a reload: one for
a component that stays always finds it; one for an entry that restarts may find the
old component (closing), nothing, or the new one before it is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wirework.build import CompositeFactory
from wirework.config import ComponentSpec
from wirework.container._building import Builder, BuildError, Replacement
from wirework.container._configuring import configure
from wirework.container._engine import (
    Bounds,
    Closer,
    first_error,
    open_pass,
    raise_failures,
    unwind,
    unwind_then_raise,
)
from wirework.container._graph import NO_NEEDS, Graph, Node
from wirework.container._info import ContextInfo
from wirework.container._loops import Loops
from wirework.container._registrations import Registration, put_by
from wirework.container._reload_plan import ReloadPlan, plan_reload
from wirework.errors import LifecycleError, WireworkError
from wirework.lifecycle import capabilities
from wirework.refer import Locator, References

UNCHANGED = "the reload changed nothing: the service runs on as it was"


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a reload did, each entry named by its label (descriptor, else type).

    ``failures`` are closes that failed or were abandoned on the way: the reload went
    on past them, as a stop does.
    """

    reconfigured: tuple[str, ...] = ()
    restarted: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failures: tuple[LifecycleError, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether any component was touched."""
        return bool(self.reconfigured or self.restarted or self.added or self.removed)

    def __str__(self) -> str:
        groups = {
            "reconfigured": self.reconfigured,
            "restarted": self.restarted,
            "added": self.added,
            "removed": self.removed,
        }
        text = "; ".join(f"{what} {', '.join(labels)}" for what, labels in groups.items() if labels)
        return text or "nothing changed"


@dataclass(slots=True)
class Live:
    """A running container's components, as a reload reads and replaces them."""

    config: list[ComponentSpec]
    nodes: list[Node]  # config order, the entries that are not running included
    opened: list[Node]  # in the order their opens completed
    order: list[Node]  # the wired ones in dependency order: what a close unwires
    registered: dict[int, Registration]  # entry index -> what it put in the references


class Reload:
    """One reload of a running container; ``publish`` makes a ``Live`` the container's
    state (called whenever the set of components changes, so health follows; the
    container publishes the final state itself, whatever happened)."""

    def __init__(
        self,
        *,
        factories: CompositeFactory,
        overrides: Mapping[Locator, Any],
        info: ContextInfo,
        own_info: ContextInfo,
        bounds: Bounds,
        loops: Loops,
        references: References,
        publish: Callable[[Live], None],
    ) -> None:
        self._factories, self._overrides = factories, overrides
        self._own_info, self._bounds, self._loops = own_info, bounds, loops
        self._references, self._publish = references, publish
        self.info = info  # the newest context info, once the reload has run
        self._stand_ins = {
            id(given.component if isinstance(given, Replacement) else given)
            for given in overrides.values()
        }

    def run(
        self, live: Live, read: Callable[[], list[ComponentSpec]], correlation_id: str | None
    ) -> ReloadReport:
        """Reload ``live`` to the config ``read`` returns."""
        try:
            config = read()
            self._trial(config)
        except BaseException as exc:
            exc.add_note(UNCHANGED)
            raise
        nodes = {node.index: node for node in live.nodes}
        plan = plan_reload(
            live.config,
            {index: node.needs for index, node in nodes.items()},
            {i for i, node in nodes.items() if self._reconfigurable(node)},
            config,
            stopped={i for i, node in nodes.items() if node.state != "open"},
        )
        self._reconfigure(
            [(nodes[old], config[new], live.config[old]) for old, new in plan.reconfigure]
        )
        running = live.config
        leaving = [old for old, _ in plan.restart] + list(plan.removed)
        failures, interrupt = self._close(
            live, [nodes[i] for i in leaving if i in nodes], correlation_id
        )
        for index in leaving:
            self._unregister(live, index)
        survivors = self._renumber(live, plan, config)
        starting = sorted([new for _, new in plan.restart] + list(plan.added))
        live.nodes = _in_config_order(survivors, _not_started(config, starting, set()))
        self._publish(live)
        if interrupt is not None:  # closes that failed go in the report; an interrupt stops
            raise_failures("", failures, interrupt)
        self._start(live, survivors, starting, correlation_id)
        return ReloadReport(
            reconfigured=tuple(config[new].label for _, new in plan.reconfigure),
            restarted=tuple(config[new].label for _, new in plan.restart),
            added=tuple(config[new].label for new in plan.added),
            removed=tuple(running[old].label for old in plan.removed),
            failures=tuple(failures),
        )

    # -- the steps ----------------------------------------------------------------------
    def _trial(self, config: list[ComponentSpec]) -> None:
        """Build the whole new config on the side, as ``check`` does; any problem is
        raised before anything running is touched."""
        builder = Builder(config, self._factories, self._overrides, self._own_info, trial=True)
        built = builder.build()
        failures, interrupt = unwind(None, [], built.order)
        raise_failures("the new config's components failed to unwire", failures, interrupt)

    def _reconfigurable(self, node: Node) -> bool:
        return (
            node.state == "open"
            and id(node.component) not in self._stand_ins  # the caller's object, not ours
            and capabilities(node.component).reconfigurable
        )

    def _reconfigure(self, changes: list[tuple[Node, ComponentSpec, ComponentSpec]]) -> None:
        """Configure each component again; if one fails, configure every one touched
        back (the failing one too) and raise: the reload then changed nothing."""
        for position, (node, new, _) in enumerate(changes):
            try:
                configure(node.component, new)
            except BaseException as exc:
                for undone, _, old in reversed(changes[: position + 1]):
                    try:
                        configure(undone.component, old)
                    except Exception as undo:
                        exc.add_note(f"could not configure {undone.label} back: {undo}")
                exc.add_note(UNCHANGED)
                raise

    def _close(
        self, live: Live, leaving: list[Node], correlation_id: str | None
    ) -> tuple[list[LifecycleError], BaseException | None]:
        """Close ``leaving`` in reverse of their opens, then unwire them in reverse."""
        ids = {id(node) for node in leaving}
        # The running config: the nodes' indexes point into it.
        closer = Closer(self._bounds, live.config, self._loops)
        failures, interrupt = unwind(
            correlation_id,
            [node for node in live.opened if id(node) in ids],
            [node for node in live.order if id(node) in ids],
            closer,
        )
        live.opened = [node for node in live.opened if id(node) not in ids]
        live.order = [node for node in live.order if id(node) not in ids]
        return failures, interrupt

    def _unregister(self, live: Live, index: int) -> None:
        registration = live.registered.pop(index, None)
        if registration is not None:
            self._references.remove_component(*put_by(registration))

    def _renumber(self, live: Live, plan: ReloadPlan, config: list[ComponentSpec]) -> list[Node]:
        """The components that stay, as nodes of the new config (new index, needs and
        source; same object, label and state); ``live`` now speaks of the new config."""
        moved = dict([*plan.kept, *plan.reconfigure])
        survivors: dict[int, Node] = {}
        for node in live.nodes:
            if node.index in moved:
                new = moved[node.index]
                needs = {moved[i] for i in node.needs} or NO_NEEDS
                source = config[new].source
                survivors[id(node)] = Node(
                    new, node.label, source, node.component, node.locator, needs, node.state
                )
        live.config = config
        live.opened = [survivors[id(node)] for node in live.opened]
        live.order = [survivors[id(node)] for node in live.order]
        live.registered = {moved[i]: entry for i, entry in live.registered.items()}
        return sorted(survivors.values(), key=lambda node: node.index)

    def _start(
        self, live: Live, survivors: list[Node], starting: list[int], correlation_id: str | None
    ) -> None:
        """Create, configure, register and wire the entries at ``starting``, then open
        them in dependency order; on any failure, undo all of that and raise."""
        builder = Builder(live.config, self._factories, self._overrides, self._own_info)
        created: list[Node] = []
        try:
            created, order = self._build(builder, survivors, starting)
        except BaseException as exc:
            self._forget(live, builder.registered)
            exc.add_note(_not_running([live.config[i] for i in starting]))
            raise
        live.registered.update(builder.registered)
        self.info = builder.info
        everyone = [*survivors, *created]
        running = {node.index for node in created} | builder.registered.keys()
        live.nodes = _in_config_order(everyone, _not_started(live.config, starting, running))
        self._publish(live)
        new = {id(node) for node in created}
        opening = [node for node in order if id(node) in new]
        opened: list[Node] = []
        closer = Closer(self._bounds, live.config, self._loops)
        try:
            run = open_pass(
                opening,
                {node.index: node for node in everyone},
                opened,
                bounds=self._bounds,
                config_of=closer.config_of,
                loops=self._loops,
                correlation_id=correlation_id,
                stop_requested=None,
            )
            error = first_error(run)
        except BaseException as exc:
            error = exc
        if error is not None:
            error.add_note(_not_running([live.config[node.index] for node in opening]))
            try:
                unwind_then_raise(correlation_id, opened, opening, error, closer)
            finally:
                self._forget(live, builder.registered)
                for node in created:  # unwired and unregistered: none of them runs
                    node.state = "closed" if node.state == "open" else node.state
                created_at = {node.index for node in created}
                live.nodes = _in_config_order(
                    everyone, _not_started(live.config, starting, created_at)
                )
        live.opened = [*live.opened, *opened]
        live.order = order

    def _build(
        self, builder: Builder, survivors: list[Node], starting: list[int]
    ) -> tuple[list[Node], list[Node]]:
        """Create and wire the entries at ``starting`` among ``survivors``; returns
        them and everyone's dependency order, or raises the build's problems once
        what was wired is unwired (their registrations are the caller's to undo)."""
        problems: list[WireworkError] = []
        overrides = builder.match_overrides(problems)
        overrides.nodes.update(
            (id(node.component), node)
            for node in survivors
            if id(node.component) in self._stand_ins
        )
        factories = CompositeFactory(
            *self._factories.factories,
            *(node.component for node in survivors if capabilities(node.component).factory),
        )
        created = builder.create(starting, self._references, factories, overrides, problems)
        everyone = [*survivors, *created]
        wired = [] if problems else builder.wire(created, everyone, self._references, problems)
        order: list[Node] = []
        if not problems:
            try:
                order = Graph(everyone).order()
            except WireworkError as exc:
                problems.append(exc)
        if problems:
            failures, interrupt = unwind(None, [], wired)
            if interrupt is not None:
                raise_failures("", [], interrupt)
            raise BuildError([*problems, *failures])
        return created, order

    def _forget(self, live: Live, registered: Mapping[int, Registration]) -> None:
        """Unregister what a failed start registered."""
        for index, registration in registered.items():
            live.registered.pop(index, None)
            self._references.remove_component(*put_by(registration))


def _not_running(specs: list[ComponentSpec]) -> str:
    return "not running until the next reload: " + ", ".join(spec.label for spec in specs)


def _not_started(config: list[ComponentSpec], starting: list[int], running: set[int]) -> list[Node]:
    """A closed node without a component for each starting entry not ``running``, so
    that ``components`` and health list it and the next reload starts it."""
    return [
        Node(i, config[i].label, config[i].source, None, None, NO_NEEDS, "closed")
        for i in starting
        if i not in running
    ]


def _in_config_order(*groups: Iterable[Node]) -> list[Node]:
    return sorted((node for group in groups for node in group), key=lambda node: node.index)
