"""The container a bridge fills, one entry per component, and the marker that names a
component by descriptor pattern: the types every other module of ``wirework.di``
shares, so this module imports none of them.

``WireworkContainer`` is a plain ``DynamicContainer`` (so everything dependency-injector
does with a container works on it) plus :meth:`WireworkContainer.locate`. Every
attribute added to it shadows a possible provider name, so the class stays this
small on purpose. It answers through its :class:`Resolver`, the bridge that filled it.

``ByDescriptor``: dependency-injector resolves a string marker id by splitting it on
``.`` and walking attributes, so a raw descriptor (``...:1.0``) can never be an id.
What it does allow is ``Provide["__self__", modifier]``: ``__self__`` resolves to the
container's own ``Self`` provider and the modifier may return *any* provider, once,
at ``wire()`` time. ``ByDescriptor(pattern)`` is exactly that pair, built as a tuple,
so ``Provide[ByDescriptor(pattern)]`` goes through dependency-injector's ordinary
``__class_getitem__`` and needs no custom marker class: ``Provider[...]`` and
``Closing[...]`` keep working, and wired calls cost what any other wired call costs.

The modifier resolves against a :class:`WireworkContainer` and raises a
``ConfigError`` when nothing matches, so an unresolvable marker fails the ``wire()``
call instead of being injected silently as the marker object. Against any other
container it returns ``None``, which is dependency-injector's own "unresolved" answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from dependency_injector import containers, providers
from dependency_injector.wiring import Modifier

from wirework.descriptor import Descriptor
from wirework.errors import ConfigError
from wirework.refer import Locator

SELF = "__self__"
"""The marker id dependency-injector resolves to the container's own ``Self`` provider."""


@dataclass(frozen=True, slots=True, eq=False)
class ComponentEntry:
    """One component as the bridge exposes it."""

    index: int
    """Position of its entry in the config."""
    alias: str | None
    """Its provider name, or ``None`` when the name was withheld (see naming rules)."""
    config_alias: str | None
    """The name of its ``providers.Configuration``, or ``None`` when withheld."""
    label: str
    source: str
    locator: Descriptor | type
    """What it is registered under in the container's ``References``."""
    component: Any
    provider: providers.Object[Any]
    configuration: providers.Configuration
    """Its config entry (``options``, ``connection``... without ``descriptor``,
    ``type`` and ``alias``) as a strict ``Configuration``: a read view for app code,
    changing it does not reconfigure the component."""

    def where(self) -> str:
        """The component's label and ``file:line``, for messages."""
        return f"{self.label} ({self.source})"


class Resolver(Protocol):
    """What a :class:`WireworkContainer` asks of the bridge that filled it."""

    def provider(self, locator: Locator) -> providers.Provider[Any]: ...

    def resolve_marker(self, modifier: DescriptorModifier) -> providers.Provider[Any]: ...


class WireworkContainer(containers.DynamicContainer):
    """The components of one open wirework ``Container``, one provider each."""

    _wirework_bridge: Resolver

    def locate(self, locator: Locator) -> providers.Provider[Any]:
        """The provider of the newest component matching ``locator`` (alias or descriptor)."""
        return self._wirework_bridge.provider(locator)

    def _wirework_resolve(self, modifier: DescriptorModifier) -> providers.Provider[Any]:
        return self._wirework_bridge.resolve_marker(modifier)


class DescriptorModifier(Modifier):
    """Turns the container's ``Self`` provider into the provider ``pattern`` matches."""

    def __init__(self, pattern: Descriptor, option: str | None = None) -> None:
        self.pattern = pattern
        self.option = option

    def modify(self, provider: Any, providers_map: Any) -> Any:
        container = provider() if isinstance(provider, providers.Self) else None
        if not isinstance(container, WireworkContainer):
            return None
        return container._wirework_resolve(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DescriptorModifier) and (self.pattern, self.option) == (
            other.pattern,
            other.option,
        )

    def __hash__(self) -> int:
        return hash((self.pattern, self.option))

    def __repr__(self) -> str:
        if self.option is None:
            return f"ByDescriptor({str(self.pattern)!r})"
        return f"ByDescriptor({str(self.pattern)!r}, option={self.option!r})"


class ByDescriptor(tuple[str, DescriptorModifier]):
    """``Provide[ByDescriptor("*:state-store:*:*:1.0")]``: the newest matching component.

    ``"*"`` in a field matches anything (on either side, as in ``References``); among
    several matches the one declared last in the config wins, as ``get_one_required``
    would answer. ``.option("options.max_size")`` injects one option of that
    component's configuration instead of the component. The pattern is parsed here,
    so a malformed one fails when the module defining the marker is imported.
    """

    __slots__ = ()

    def __new__(cls, pattern: str | Descriptor, *, option: str | None = None) -> ByDescriptor:
        if isinstance(pattern, Descriptor):
            descriptor = pattern
        elif isinstance(pattern, str):
            descriptor = Descriptor.from_string(pattern)
        else:
            raise ConfigError(
                f"ByDescriptor needs a 'group:type:kind:name:version' pattern, got {pattern!r}"
            )
        if option is not None and (not isinstance(option, str) or not option.strip(".")):
            raise ConfigError(
                f"ByDescriptor option must be a dotted key such as 'options.max_size', "
                f"got {option!r}"
            )
        return super().__new__(cls, (SELF, DescriptorModifier(descriptor, option)))

    @property
    def pattern(self) -> Descriptor:
        return self[1].pattern

    @property
    def option_key(self) -> str | None:
        return self[1].option

    def option(self, key: str) -> ByDescriptor:
        """The same component's configuration option ``key`` (dotted, e.g. ``options.x``)."""
        return ByDescriptor(self.pattern, option=key)

    def __repr__(self) -> str:
        return repr(self[1])
