"""Finding the markers a ``wire()`` would bind, and the ones that would not resolve.

dependency-injector leaves an unresolved marker in place, and the wired function
then receives the marker object itself, which fails far from the cause. Before
wiring, the bridge walks the same members dependency-injector walks (module
functions and attributes, class methods and attributes, ``Annotated`` metadata) and
resolves every marker against its container with dependency-injector's own
``ProvidersMap``, so the check and the real wiring cannot disagree.

A marker whose id is a string (an alias, ``"__self__"`` with a ``ByDescriptor``
modifier, a dotted configuration path) must resolve. A marker that holds a provider
object from some other container is left alone: it is that container's business.
Configuration options are also read once, so a missing option (the configurations
are strict) or a failing ``.as_int()`` fails here too.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Any, cast, get_args, get_origin

from dependency_injector import providers, wiring

from wirework.di._container import SELF, DescriptorModifier, WireworkContainer
from wirework.errors import WireworkError

_wiring: Any = wiring
_MARKERS: tuple[type, ...] = (_wiring.Provide, _wiring.Provider, _wiring.Closing)
_Key = tuple[str, int, str]
_OPTIONS: tuple[type, ...] = (providers.ConfigurationOption, providers.TypedConfigurationOption)


@dataclass(frozen=True, slots=True)
class MarkerSite:
    """Where a marker sits: ``module.func(param=...)`` or ``module.Class.attribute``."""

    owner: str
    parameter: str | None
    marker: Any

    def __str__(self) -> str:
        shown = describe(self.marker)
        if self.parameter is None:
            return f"{self.owner} = {shown}"
        return f"{self.owner}({self.parameter}={shown})"


def describe(marker: Any) -> str:
    """``Provide[ByDescriptor('...')]`` rather than ``Provide['__self__', ...]``."""
    if marker.provider == SELF and isinstance(marker.modifier, DescriptorModifier):
        return f"{type(marker).__name__}[{marker.modifier!r}]"
    return repr(marker)


def unresolved(
    container: WireworkContainer, explain: Callable[[str], str], modules: list[ModuleType]
) -> list[str]:
    """One line per marker in ``modules`` that ``container`` cannot resolve; ``explain``
    says why a string marker id names no provider (the bridge knows its names)."""
    providers_map = _wiring.ProvidersMap(container)
    problems: list[str] = []
    for site in marker_sites(modules):
        marker = site.marker
        try:
            provider = providers_map.resolve_provider(marker.provider, marker.modifier)
        except WireworkError as exc:
            problems.append(f"{site}: {exc.message}" + (f"; {exc.hint}" if exc.hint else ""))
            continue
        if provider is None:
            if isinstance(marker.provider, str):
                problems.append(f"{site}: {explain(marker.provider)}")
            continue
        if isinstance(provider, _OPTIONS):
            try:
                cast(Any, provider)()
            except Exception as exc:
                problems.append(f"{site}: {type(exc).__name__}: {exc}")
    return problems


def marker_sites(modules: list[ModuleType]) -> list[MarkerSite]:
    """Every marker ``wire(modules=...)`` would look at, each function once."""
    seen: set[_Key] = set()
    sites: list[MarkerSite] = []
    for module in modules:
        for site, key in _module_sites(module):
            if key not in seen:
                seen.add(key)
                sites.append(site)
    return sites


def _module_sites(module: ModuleType) -> Iterator[tuple[MarkerSite, _Key]]:
    for name, member in _members(module):
        if _wiring.is_excluded_from_inspect(member):
            continue
        if _is_marker(member):
            yield (
                MarkerSite(f"{module.__name__}.{name}", None, member),
                ("attribute", id(module), name),
            )
        elif _is_function_like(member):
            yield from _function_sites(member)
        elif inspect.isclass(member):
            try:
                class_members = _members(member)
            except Exception:  # dependency-injector skips such classes too
                continue
            owner = f"{member.__module__}.{member.__qualname__}"
            for attribute, value in class_members:
                if _is_marker(value):
                    yield (
                        MarkerSite(f"{owner}.{attribute}", None, value),
                        ("attribute", id(member), attribute),
                    )
                elif inspect.ismethod(value) or _is_function_like(value):
                    yield from _function_sites(getattr(value, "__func__", value))


def _function_sites(fn: Any) -> Iterator[tuple[MarkerSite, _Key]]:
    try:
        signature = inspect.signature(fn)
    except (ValueError, TypeError):
        return
    owner = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    for name, parameter in signature.parameters.items():
        marker = _extract(parameter)
        if marker is None:
            continue
        if isinstance(marker, _wiring.Closing):
            marker = marker.provider
        yield MarkerSite(owner, name, marker), ("parameter", id(inspect.unwrap(fn)), name)


def _extract(parameter: inspect.Parameter) -> Any:
    if get_origin(parameter.annotation) is Annotated:
        candidates: tuple[Any, ...] = get_args(parameter.annotation)[1:]
    else:
        candidates = (parameter.default,)
    for candidate in candidates:
        for extractor in getattr(_wiring, "MARKER_EXTRACTORS", ()):
            extracted = extractor(candidate)
            if extracted:
                candidate = extracted
                break
        if _is_marker(candidate):
            return candidate
    return None


def _members(obj: Any) -> list[tuple[str, Any]]:
    members = inspect.getmembers(obj)
    annotations = (
        inspect.get_annotations(obj) if inspect.ismodule(obj) or inspect.isclass(obj) else {}
    )
    for name, annotation in annotations.items():
        origin: Any = get_origin(annotation)
        if origin is Annotated:
            for extra in get_args(annotation)[1:]:
                if _is_marker(extra):
                    members.append((name, extra))
                    break
    return members


def _is_marker(value: Any) -> bool:
    return isinstance(value, _MARKERS)


def _is_function_like(value: Any) -> bool:
    return inspect.isfunction(value) or type(value).__name__ == "cython_function_or_method"
