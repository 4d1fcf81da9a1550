"""Building a container's components: create, configure and wire every entry.

Creation and configuration go in config order and report every problem at once;
wiring hands each component a recording view of the references, so what it looks up
becomes an edge of the dependency graph, beside its ``dependencies:`` section. Any
failure unwires what was wired. Overrides replace entries here, before anything is
created, so every component is wired to the stand-in.

A hot reload builds in two ways: a trial of the whole new config (as ``check`` does,
but leaving the live stand-ins alone: they are registered, never configured or wired
again) and then, into the live references, only the entries it restarts or adds,
wired among the components it keeps (:meth:`Builder.create`, :meth:`Builder.wire`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wirework.build import CompositeFactory, load_type
from wirework.config import ComponentSpec, ConfigParams
from wirework.config.schema import check_entry
from wirework.container._configuring import configure
from wirework.container._engine import unwind, unwind_then_raise
from wirework.container._graph import NO_NEEDS, Graph, Node
from wirework.container._info import ContextInfo
from wirework.container._registrations import Registration
from wirework.container._runtime import failed as _failed
from wirework.descriptor import WILDCARD, Descriptor, closest_descriptors
from wirework.errors import ConfigError, ConfigProblems, CreateError, WireworkError
from wirework.lifecycle import capabilities
from wirework.log import CompositeLogger, ILogger, NullLogger
from wirework.refer import Locator, References, ReferencesView, to_locator

INFO_LOCATOR = Descriptor("pip-services", "context-info", "default", WILDCARD, "1.0")


class BuildError(ConfigProblems):
    """Every problem found while building a container, reported together."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """A stand-in for the config entries an override locator matches.

    The entries it replaces are never created: the replacement is registered under
    each entry's descriptor (or type) and goes through the lifecycle like any
    component: ``set_references``, ``open``, ``close`` and ``unset_references`` when
    it has them. ``configure`` gets a config without the real entry's options (only
    its ``descriptor``/``type``), so a fake is never set up for the real backend;
    ``with_config=True`` hands it the entry's whole config instead. A bare object
    given as an override is ``Replacement(obj)``.
    """

    component: Any
    with_config: bool = False


@dataclass(slots=True)
class Overrides:
    """The replacements of one build: entry index -> replacement, and each one's node."""

    by_index: dict[int, Replacement] = field(default_factory=dict)
    nodes: dict[int, Node] = field(default_factory=dict)  # id(component) -> its first node


@dataclass(frozen=True, slots=True)
class Plan:
    references: References
    graph: Graph
    order: list[Node]


class Builder:
    """One build of ``config``: :meth:`build` makes the plan; ``info`` and ``logger``
    are the config's own once it has run, ``registered`` what each entry put in the
    references. A ``trial`` build leaves the overrides' stand-ins alone."""

    def __init__(
        self,
        config: list[ComponentSpec],
        factories: CompositeFactory,
        overrides: Mapping[Locator, Any],
        own_info: ContextInfo,
        *,
        trial: bool = False,
    ) -> None:
        self.config = config
        self._factories = factories
        self.overrides = overrides
        self._own_info = own_info
        self._trial = trial
        self.info = own_info
        self.logger: ILogger = NullLogger()
        self.registered: dict[int, Registration] = {}  # entry -> what it put

    def build(self) -> Plan:
        """Create, configure and wire every entry; on any failure, unwire what was wired."""
        references = References()
        references.put(INFO_LOCATOR, self._own_info)
        factories = CompositeFactory(*self._factories.factories)
        problems: list[WireworkError] = []
        overrides = self.match_overrides(problems)
        nodes = self.create(range(len(self.config)), references, factories, overrides, problems)
        if problems:
            raise BuildError(problems)
        wired = self.wire(nodes, nodes, references, problems)
        graph = Graph(nodes)
        order: list[Node] = []
        if not problems:
            try:
                order = graph.order()
            except WireworkError as exc:
                problems.append(exc)
        if problems:
            failures, interrupt = unwind(None, [], wired)
            error = BuildError([*problems, *failures])
            if interrupt is not None:
                interrupt.add_note(f"while unwiring after: {error}")
                raise interrupt
            raise error
        return Plan(references, graph, order)

    def create(
        self,
        indexes: Iterable[int],
        references: References,
        factories: CompositeFactory,
        overrides: Overrides,
        problems: list[WireworkError],
    ) -> list[Node]:
        """Create, configure and register the entries at ``indexes``; each problem goes
        to ``problems`` and the next entry is tried. ``info`` is then the newest
        context info in ``references``."""
        nodes: list[Node] = []
        for index in indexes:
            spec = self.config[index]
            try:
                if index in overrides.by_index:
                    node = self._replace(index, spec, overrides, references, factories)
                    if node is not None:
                        nodes.append(node)
                else:
                    nodes.append(self._create(index, spec, references, factories))
            except ConfigProblems as exc:
                problems.extend(exc.problems)
            except WireworkError as exc:
                problems.append(exc)
            except BaseException as exc:
                exc.add_note(f"during create or configure of {spec.label} ({spec.source})")
                raise
        info = references.get_one_optional("*:context-info:*:*:*")
        self.info = info if isinstance(info, ContextInfo) else self._own_info
        return nodes

    def wire(
        self,
        nodes: list[Node],
        everyone: list[Node],
        references: References,
        problems: list[WireworkError],
    ) -> list[Node]:
        """``set_references`` on ``nodes``, recording as their needs the lookups and
        ``dependencies:`` that land on any of ``everyone``; returns those wired. An
        interruption unwires them before it goes on."""
        wired: list[Node] = []
        try:
            self._wire(nodes, everyone, references, problems, wired)
        except BaseException as exc:
            unwind_then_raise(None, [], wired, exc)
        return wired

    def _create(
        self, index: int, spec: ComponentSpec, references: References, factories: CompositeFactory
    ) -> Node:
        try:
            if spec.type is not None:
                component = self._construct(spec)
            else:
                assert spec.descriptor is not None
                component = self._from_factory(spec.descriptor, factories)
        except CreateError as exc:
            raise CreateError(
                exc.message, component=spec.label, source=spec.source, hint=exc.hint
            ) from exc
        locator: Descriptor | type = (
            self._clarify(spec.descriptor, factories)
            if spec.descriptor is not None
            else type(component)
        )
        references.put(locator, component)
        node = Node(index, spec.label, spec.source, component, locator, NO_NEEDS)
        self.registered[index] = node  # its locator and component: no pair to keep
        configure(component, spec)
        if capabilities(component).factory:
            factories.add(component)
        return node

    def match_overrides(self, problems: list[WireworkError]) -> Overrides:
        """Which entries each override replaces; a locator matching none is a problem."""
        found = Overrides()
        for locator, given in self.overrides.items():
            replacement = given if isinstance(given, Replacement) else Replacement(given)
            try:
                key = to_locator(locator)
            except ConfigError as exc:
                problems.append(ConfigError(f"override {locator!r}: {exc.message}"))
                continue
            matched = [i for i, spec in enumerate(self.config) if _replaces(key, spec)]
            if not matched:
                problems.append(self._unmatched(key))
            for index in matched:
                found.by_index.setdefault(index, replacement)
        return found

    def _unmatched(self, key: Descriptor | type) -> ConfigError:
        declared = [spec.descriptor for spec in self.config if spec.descriptor is not None]
        near = closest_descriptors(key, declared) if isinstance(key, Descriptor) else []
        listing = ", ".join(map(str, declared)) or "no descriptors"
        return ConfigError(
            f"override {key} matches no entry of the config, so nothing would be replaced",
            hint=f"did you mean {' or '.join(map(str, near))}?"
            if near
            else f"the config declares {listing}",
        )

    def _replace(
        self,
        index: int,
        spec: ComponentSpec,
        overrides: Overrides,
        references: References,
        factories: CompositeFactory,
    ) -> Node | None:
        """Register an override's stand-in for ``spec``; its node only the first time."""
        replacement = overrides.by_index[index]
        component = replacement.component
        locator: Descriptor | type = (
            self._clarify(spec.descriptor, factories)
            if spec.descriptor is not None
            else load_type(str(spec.type))
        )
        references.put(locator, component)
        self.registered[index] = (locator, component)
        check_entry(spec, None)  # the container's keys: the real component's are not read
        if self._trial or id(component) in overrides.nodes:
            # A trial leaves the live stand-in alone; and one object standing in for
            # several entries has one lifecycle.
            return None
        label = f"{spec.label} (overridden by {type(component).__name__})"
        if capabilities(component).configurable:
            config = spec.config if replacement.with_config else _own_keys(spec.config)
            try:
                component.configure(config)
            except Exception as exc:
                raise _failed("configure", label, spec.source, exc) from exc
        node = Node(index, label, spec.source, component, locator, NO_NEEDS)
        overrides.nodes[id(component)] = node
        return node

    def _construct(self, spec: ComponentSpec) -> Any:
        cls = load_type(str(spec.type))
        try:
            return cls()
        except Exception as exc:
            raise CreateError(f"{cls.__qualname__}() raised {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _from_factory(descriptor: Descriptor, factories: CompositeFactory) -> Any:
        if not descriptor.is_complete:
            matches = sorted({str(r) for r in factories.registered() if r.match(descriptor)})
            if len(matches) > 1:
                raise CreateError(
                    f"descriptor is ambiguous: it matches {', '.join(matches)}",
                    hint="spell out the kind (e.g. console instead of *)",
                )
        found = factories.find(descriptor)
        if found is None:
            near = closest_descriptors(descriptor, factories.registered())
            raise CreateError(
                "no factory can create this descriptor",
                hint=f"did you mean {' or '.join(map(str, near))}?"
                if near
                else "register a factory with Container.add_factory or the "
                "'wirework.factories' entry point, or use 'type: package.module:Class'",
            )
        try:
            return found[0].create(descriptor)
        except CreateError:
            raise  # already says what failed (e.g. the import of a registered type)
        except Exception as exc:
            raise CreateError(f"factory raised {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _clarify(descriptor: Descriptor, factories: CompositeFactory) -> Descriptor:
        """A wildcard config descriptor is registered under its factory's fields."""
        if descriptor.is_complete:
            return descriptor
        registered = factories.can_create(descriptor) or descriptor
        return Descriptor(
            *(d if d != WILDCARD else r for d, r in zip(descriptor, registered, strict=True))
        )

    def _wire(
        self,
        nodes: list[Node],
        everyone: list[Node],
        references: References,
        problems: list[WireworkError],
        wired: list[Node],
    ) -> None:
        """``set_references`` on every node, in config order; ``wired`` collects those
        it succeeded on, so a failure can unwire exactly them."""
        index_of = {id(node.component): node.index for node in everyone}
        for node in nodes:
            spec = self.config[node.index]
            needs: set[int] = set()
            if capabilities(node.component).referenceable:
                view = ReferencesView(references, node.component, node.label, node.source)
                try:
                    node.component.set_references(view)
                    wired.append(node)
                except WireworkError as exc:
                    problems.append(_located(exc, node, spec))
                except Exception as exc:
                    problems.append(_failed("set_references", node.label, node.source, exc))
                except BaseException as exc:
                    exc.add_note(f"during set_references of {node.where()}")
                    raise
                view.stop_recording()
                needs.update(index_of[i] for i in view.recorded if i in index_of)
            else:
                wired.append(node)
            try:
                self._declared(spec, node, needs, references, index_of)
            except ConfigError as exc:
                problems.append(exc)
            needs.discard(node.index)
            if needs:  # else the node keeps the shared NO_NEEDS: thousands of empty sets add up
                node.needs = needs
        self.logger = CompositeLogger(references)

    @staticmethod
    def _declared(
        spec: ComponentSpec,
        node: Node,
        needs: set[int],
        references: References,
        index_of: dict[int, int],
    ) -> None:
        """Add what the entry's ``dependencies:`` section names to ``needs``."""
        for name, value in spec.config.items():
            if value is None or not name.startswith("dependencies."):
                continue  # no value: the component's own default applies
            try:
                found = references.find(to_locator(value), False)
            except ConfigError as exc:
                raise ConfigError(
                    f"{name}: {exc.message}", component=node.label, source=spec.source_of(name)
                ) from exc
            needs.update(index_of[id(c)] for c in found if id(c) in index_of)


def _replaces(key: Descriptor | type, spec: ComponentSpec) -> bool:
    """Whether an override ``key`` names the entry ``spec``."""
    if isinstance(key, Descriptor):
        return spec.descriptor is not None and key.match(spec.descriptor)
    if spec.type is None:
        return False
    try:
        return load_type(spec.type) is key
    except CreateError:
        return False  # the build reports the bad type for the entry itself


def _own_keys(config: ConfigParams) -> ConfigParams:
    """What a stand-in is configured with by default: the entry's identity, no options."""
    return ConfigParams({k: v for k, v in config.items() if k in ("descriptor", "type")})


def _located(error: WireworkError, node: Node, spec: ComponentSpec) -> WireworkError:
    """``error`` from wiring ``node``, naming it and the line of the config key it is about."""
    if error.component not in (None, node.label):
        return error  # about another component, and it says which
    key = error.config_key
    return error.locate(node.label, spec.source_of(key) if key else error.source or node.source)
