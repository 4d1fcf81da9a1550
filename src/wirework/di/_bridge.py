"""The bridge: an open wirework ``Container`` seen as a dependency-injector container.

Why each choice:

* **One ``providers.Object`` per component.** The wirework container already created,
  configured, wired and opened every component in dependency order (the notes explain
  why dependency-injector's own resource lifecycle must not do that). What an app
  needs from dependency-injector is the provider surface: ``@inject``, ``Provide``,
  overriding. An ``Object`` provider is the cheapest provider there is, so a wired
  call costs what any dependency-injector wired call costs.
* **Names follow one rule** (stated in :mod:`wirework.di`); descriptor patterns go
  through :class:`~wirework.di.ByDescriptor`.
* **``wire()`` refuses unresolvable markers.** dependency-injector injects an
  unresolved marker silently as the marker object; here every string marker in the
  wired modules is resolved first and all failures are reported together, naming the
  function, the parameter, the marker and the nearest names.
* **``override()`` changes both worlds.** It overrides the matching providers (so
  wired functions get the replacement) and registers the replacement in the
  container's own ``References`` as the newest entry under each overridden
  component's locator (newest wins, so ``get_one_required`` and the lookups
  components make at run time return it too). Leaving restores both exactly, even
  when overrides are left out of order or from other threads.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
import weakref
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast, overload

from dependency_injector import providers

from wirework.config import ComponentSpec, ConfigParams
from wirework.descriptor import Descriptor, closest_descriptors
from wirework.di._container import ComponentEntry, DescriptorModifier, WireworkContainer
from wirework.di._naming import CONFIG_SUFFIX, Claim, NameTable, derived_alias, explicit_alias
from wirework.di._override import Override
from wirework.errors import (
    ConfigError,
    InvalidStateError,
    MissingReferenceError,
    WireworkError,
    closest,
)
from wirework.refer import Locator, References, to_locator

if TYPE_CHECKING:
    from wirework.container import Container
    from wirework.refer._typed import Expected, T

_NOT_OPTIONS = frozenset({"descriptor", "type", "alias"})
_bridges: weakref.WeakKeyDictionary[Container, Bridge] = weakref.WeakKeyDictionary()
_bridges_lock = threading.Lock()


def bridge(container: Container) -> Bridge:
    """The bridge of an open ``container``: the same object while it stays open, a new
    one after a reload changed its components."""
    try:
        references = container.references
    except InvalidStateError as exc:
        raise InvalidStateError(
            "wirework.di needs an open container: its components exist only while it is open",
            hint="open it first: `with container:` or container.open()",
        ) from exc
    with _bridges_lock:
        existing = _bridges.get(container)
        if (
            existing is not None
            and existing.references is references
            and existing.generation == container.generation
        ):
            return existing
        created = Bridge(container, references)
        _bridges[container] = created
        return created


class Bridge:
    """The components of one open container as dependency-injector providers.

    ``bridge.container`` is the ``DynamicContainer`` (a :class:`WireworkContainer`);
    ``wire``/``unwire`` connect it to app modules; ``override`` swaps components.
    Create it with :func:`bridge`, which returns the same bridge while the container
    stays open and is not reloaded.
    """

    def __init__(self, container: Container, references: References) -> None:
        self.references = references
        self.generation = container.generation  # a reload since then makes a new bridge
        self.container = WireworkContainer()
        self.container._wirework_bridge = self
        self._lock = threading.RLock()
        self._wired: list[ModuleType] = []
        found = _components(container)
        claims: list[Claim] = []
        for index, (_, spec, locator, _) in enumerate(found):
            alias = explicit_alias(spec)
            name = alias or derived_alias(spec, locator)
            for claimed in (name, name + CONFIG_SUFFIX):
                claims.append(Claim(claimed, index, alias is not None, spec.label, spec.source))
        self._names = NameTable(claims)
        owner = self._names.owner
        entries: list[ComponentEntry] = []
        for index, (position, spec, locator, component) in enumerate(found):
            name = claims[2 * index].name
            config_name = claims[2 * index + 1].name
            configuration = providers.Configuration(
                name=spec.label, default=_options(spec.config), strict=True
            )
            entry = ComponentEntry(
                index=position,
                alias=name if name in owner and owner[name].index == index else None,
                config_alias=config_name
                if config_name in owner and owner[config_name].index == index
                else None,
                label=spec.label,
                source=spec.source,
                locator=locator,
                component=component,
                provider=providers.Object(component),
                configuration=configuration,
            )
            if entry.alias is not None:
                self.container.set_provider(entry.alias, entry.provider)
            if entry.config_alias is not None:
                self.container.set_provider(entry.config_alias, entry.configuration)
            entries.append(entry)
        self.entries: tuple[ComponentEntry, ...] = tuple(entries)
        self._by_name = {e.alias: e for e in entries if e.alias is not None}

    def __repr__(self) -> str:
        return f"<wirework.di.Bridge of {len(self.entries)} components>"

    # -- lookup -------------------------------------------------------------------
    def names(self) -> dict[str, str]:
        """Every provider name (components and configurations) -> the component's label."""
        out: dict[str, str] = {}
        for entry in self.entries:
            if entry.alias is not None:
                out[entry.alias] = entry.label
            if entry.config_alias is not None:
                out[entry.config_alias] = entry.label
        return out

    def match(self, locator: Locator) -> list[ComponentEntry]:
        """Entries ``locator`` (alias, descriptor pattern or class) names; newest first."""
        if isinstance(locator, str) and ":" not in locator:
            entry = self._by_name.get(locator.strip())
            return [entry] if entry is not None else []
        key = to_locator(locator)
        if isinstance(key, type):
            hits = [e for e in self.entries if e.locator is key]
        else:
            hits = [
                e
                for e in self.entries
                if isinstance(e.locator, Descriptor) and key.match(e.locator)
            ]
        return hits[::-1]

    def entry(self, locator: Locator) -> ComponentEntry:
        """The newest entry ``locator`` names; ``MissingReferenceError`` when none."""
        found = self.match(locator)
        if not found:
            raise self._missing(locator)
        return found[0]

    def provider(self, locator: Locator) -> providers.Provider[Any]:
        """The provider of the newest component ``locator`` names."""
        return self.entry(locator).provider

    @overload
    def get(self, locator: Locator) -> Any: ...
    @overload
    def get(self, locator: Locator, as_: Expected[T]) -> T: ...
    def get(self, locator: Locator, as_: Any = None) -> Any:
        """What a wired function would receive for ``locator`` (overrides included);
        with ``as_``, declared and checked to be that type, as ``References`` lookups."""
        found = self.entry(locator).provider()
        if as_ is None:
            return found
        from wirework.refer._typed import conforming  # the typed lookups' only

        return conforming(found, as_, locator, registry=self)

    def registered_under(self, locator: Locator, component: Any) -> object:
        """The label of the entry ``locator`` names (for a lookup's type error)."""
        return self.entry(locator).label

    def configuration(self, locator: Locator) -> providers.Configuration:
        """The ``providers.Configuration`` of the newest component ``locator`` names."""
        return self.entry(locator).configuration

    def resolve_marker(self, modifier: DescriptorModifier) -> providers.Provider[Any]:
        """What ``Provide[ByDescriptor(...)]`` resolves to; ``ConfigError`` if nothing."""
        found = self.match(modifier.pattern)
        if not found:
            near = self._closest(modifier.pattern)
            raise ConfigError(
                f"no component matches {modifier.pattern}",
                hint=f"did you mean {' or '.join(near)}?" if near else self._known_hint(),
            )
        entry = found[0]
        if modifier.option is None:
            return entry.provider
        key = modifier.option.strip(".")
        known = _option_keys(entry.configuration())
        if not any(k == key or k.startswith(key + ".") for k in known):
            near = closest(key, known)
            raise ConfigError(
                f"{entry.where()} has no option {key!r}",
                hint=f"did you mean {' or '.join(near)}?"
                if near
                else f"its options: {', '.join(known) or '(none)'}",
            )
        option: Any = entry.configuration
        for segment in key.split("."):
            option = getattr(option, segment)
        return cast(providers.Provider[Any], option)

    def explain_name(self, name: str) -> str:
        """Why the string marker id ``name`` does not resolve (for error messages)."""
        if ":" in name:
            text = (
                f"{name!r} is not a provider name: dependency-injector splits marker ids "
                f"on '.', so a descriptor cannot be one; use Provide[ByDescriptor({name!r})]"
            )
            try:
                found = self.match(name)
            except WireworkError:
                found = []
            if found and found[0].alias is not None:
                text += f" or Provide[{found[0].alias!r}]"
            return text
        head, _, rest = name.partition(".")
        if head in self._names.withheld:
            return self._names.withheld[head]
        names = self.names()
        if head not in names:
            choices = names if rest else self._by_name
            near = closest(head, choices)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            return f"no provider named {head!r}{hint}"
        return f"provider {head!r} ({names[head]}) has nothing at {rest!r}"

    def _missing(self, locator: Locator) -> WireworkError:
        if isinstance(locator, str) and ":" not in locator:
            name = locator.strip()
            if name in self._names.withheld:
                return ConfigError(self._names.withheld[name])
            return MissingReferenceError(name, candidates=closest(name, self._by_name))
        key = to_locator(locator)
        near = self._closest(key) if isinstance(key, Descriptor) else []
        return MissingReferenceError(key if isinstance(key, type) else str(key), candidates=near)

    def _closest(self, pattern: Descriptor) -> list[str]:
        known = [e.locator for e in self.entries if isinstance(e.locator, Descriptor)]
        return [str(d) for d in closest_descriptors(pattern, known)]

    def _known_hint(self) -> str:
        known = sorted({str(e.locator) for e in self.entries if isinstance(e.locator, Descriptor)})
        return f"components: {', '.join(known)}" if known else "the container has no components"

    # -- overriding ---------------------------------------------------------------
    def override(self, locator: Locator, replacement: Any) -> Override:
        """Swap every component ``locator`` names for ``replacement``, until reset.

        Applies at once; use it as a context manager (or call ``.reset()``) to
        restore. Affects wired functions, ``bridge.get``/``provider()`` calls, and
        lookups in the container's ``References`` (single lookups return the
        replacement; list lookups return it first).

        Its limit: components that already hold a reference they looked up in
        ``set_references`` keep the original. To swap a component for everyone, override
        it at build time instead: ``Container.from_file(path, overrides={...})`` (the
        ``wirework_container`` fixture's ``overrides=`` does that).
        """
        if replacement is None:
            raise ConfigError(f"override({str(locator)!r}, None): the replacement is None")
        if isinstance(replacement, providers.Provider):
            raise ConfigError(
                f"override({str(locator)!r}, ...) takes the replacement object itself, "
                f"not a provider ({type(replacement).__name__})",
                hint="pass provider() or override bridge.provider(...) directly",
            )
        found = self.match(locator)
        if not found:
            raise self._missing(locator)
        return Override(self._lock, self.references, str(locator), replacement, found)

    # -- wiring -------------------------------------------------------------------
    def wire(
        self,
        modules: Iterable[ModuleType | str] = (),
        packages: Iterable[ModuleType | str] = (),
    ) -> None:
        """Inject into ``modules`` (and every module of ``packages``).

        Raises ``ConfigError`` listing every marker that does not resolve, before
        anything is patched.
        """
        from wirework.di._scan import unresolved

        targets = _expand(modules, packages)
        with self._lock:
            problems = unresolved(self.container, self.explain_name, targets)
            if problems:
                count = len(problems)
                raise ConfigError(
                    f"{count} unresolvable marker{'s' if count > 1 else ''} in wired modules:\n"
                    + "\n".join(f"  - {p}" for p in problems),
                    hint="provider names: " + (", ".join(sorted(self.names())) or "(none)"),
                )
            try:
                self.container.wire(modules=targets)
            except WireworkError as exc:
                from dependency_injector import wiring

                wiring.unwire(modules=targets)
                raise ConfigError(
                    f"while wiring {', '.join(m.__name__ for m in targets)}: {exc.message}",
                    hint=exc.hint,
                ) from exc
            self._wired.extend(m for m in targets if m not in self._wired)

    def unwire(self) -> None:
        """Restore every function this bridge wired."""
        with self._lock:
            self.container.unwire()
            self._wired.clear()

    @property
    def wired_modules(self) -> list[ModuleType]:
        return list(self._wired)


# -- deriving the components of a container ------------------------------------------
def _components(container: Container) -> list[tuple[int, ComponentSpec, Any, Any]]:
    """Each config entry with the locator and component it was registered as."""
    return [
        (node.index, container.config[node.index], node.locator, node.component)
        for node in container.components
    ]


def _options(config: ConfigParams) -> dict[str, Any]:
    return ConfigParams({k: v for k, v in config.items() if k not in _NOT_OPTIONS}).to_nested()


def _option_keys(value: Any, prefix: str = "") -> list[str]:
    """The dotted keys of the leaves of a nested config, sorted."""
    if isinstance(value, dict) and value:
        keys: list[str] = []
        for key, item in value.items():
            keys += _option_keys(item, f"{prefix}.{key}" if prefix else str(key))
        return sorted(keys)
    return [prefix] if prefix else []


def _expand(
    modules: Iterable[ModuleType | str], packages: Iterable[ModuleType | str]
) -> list[ModuleType]:
    targets: list[ModuleType] = []
    for item in modules:
        targets.append(_import(item))
    for item in packages:
        package = _import(item)
        targets.append(package)
        path = getattr(package, "__path__", None)
        if path is None:
            continue
        for info in pkgutil.walk_packages(path, prefix=package.__name__ + "."):
            targets.append(_import(info.name))
    return list(dict.fromkeys(targets))


def _import(item: ModuleType | str) -> ModuleType:
    if isinstance(item, ModuleType):
        return item
    try:
        return importlib.import_module(item)
    except ImportError as exc:
        raise ConfigError(f"cannot import {item!r} to wire it: {exc}") from exc
