"""``WireworkContainer``: the dependency-injector container a bridge fills.

It is a plain ``DynamicContainer`` (so everything dependency-injector does with a
container works on it) plus one method, :meth:`WireworkContainer.locate`, which the
``ByDescriptor`` marker needs: dependency-injector resolves ``Provide["__self__", m]``
by handing the modifier ``m`` this container's ``Self`` provider, and the modifier
asks the container for the provider matching its descriptor pattern.

Every attribute added here shadows a possible provider name, so the class stays this
small on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dependency_injector import containers, providers

if TYPE_CHECKING:
    from wirework.di.bridge import Bridge
    from wirework.di.markers import DescriptorModifier
    from wirework.refer import Locator

__all__ = ["WireworkContainer"]


class WireworkContainer(containers.DynamicContainer):
    """The components of one open wirework ``Container``, one provider each."""

    _wirework_bridge: Bridge

    def locate(self, locator: Locator) -> providers.Provider[Any]:
        """The provider of the newest component matching ``locator`` (alias or descriptor)."""
        return self._wirework_bridge.provider(locator)

    def _wirework_resolve(self, modifier: DescriptorModifier) -> providers.Provider[Any]:
        return self._wirework_bridge.resolve_marker(modifier)
