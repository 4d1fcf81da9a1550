"""wirework.di: an open ``Container``'s components as dependency-injector providers.

Larger apps already know dependency-injector: ``@inject``, ``Provide[...]``,
``override`` in tests. This package lets them use exactly that on a wirework
container, without handing dependency-injector the jobs it does badly here (open and
close order, the YAML component list, cycles: see the reference notes)::

    from wirework.container import Container
    from wirework.di import ByDescriptor, Provide, bridge, inject

    @inject
    def handler(store=Provide[ByDescriptor("*:state-store:*:*:1.0")]):
        return store.load(None, "key")

    with Container.from_file("config.yml") as container:
        di = bridge(container)                 # di.container is a DynamicContainer
        di.wire(modules=[__name__])            # unresolvable markers raise ConfigError
        handler()
        with di.override("*:state-store:*:*:1.0", fake):
            handler()                          # gets fake; so does container.references
        di.unwire()

Names: ``Provide["state_store_memory_default"]`` (the ``alias:`` key of an entry,
else ``<type>_<kind>_<name>``), and ``Provide["<alias>_config.options.x"]`` or
``Provide[ByDescriptor(pattern).option("options.x")]`` for configuration; see
:mod:`wirework.di.naming`.
"""

from dependency_injector.wiring import Provide, Provider, inject

from wirework.di.bridge import Bridge, ComponentEntry, bridge
from wirework.di.containers import WireworkContainer
from wirework.di.markers import ByDescriptor
from wirework.di.override import Override

__all__ = [
    "Bridge",
    "ByDescriptor",
    "ComponentEntry",
    "Override",
    "Provide",
    "Provider",
    "WireworkContainer",
    "bridge",
    "inject",
]
